"""Immutable views of the cluster. Nothing outside ``sim`` holds live simulation objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NodeState(StrEnum):
    """§2.4/§6.1 node states as Get-ClusterNode shows them."""

    UP = "Up"
    DOWN = "Down"
    PAUSED = "Paused"
    JOINING = "Joining"
    ISOLATED = "Isolated"
    QUARANTINED = "Quarantined"


class DrainStatus(StrEnum):
    NOT_INITIATED = "NotInitiated"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"


class GroupState(StrEnum):
    """§3.1 CLUSTER_GROUP_STATE."""

    ONLINE = "Online"
    OFFLINE = "Offline"
    FAILED = "Failed"
    PARTIAL_ONLINE = "PartialOnline"
    PENDING = "Pending"


class ResourceState(StrEnum):
    """§3.1 CLUSTER_RESOURCE_STATE."""

    ONLINE = "Online"
    OFFLINE = "Offline"
    FAILED = "Failed"
    ONLINE_PENDING = "OnlinePending"
    OFFLINE_PENDING = "OfflinePending"


class VmState(StrEnum):
    """§3.1 Hyper-V VmState as Get-VM shows it."""

    RUNNING = "Running"
    OFF = "Off"
    SAVED = "Saved"
    PAUSED = "Paused"
    STARTING = "Starting"
    SAVING = "Saving"
    STOPPING = "Stopping"
    PAUSED_CRITICAL = "PausedCritical"  # §7.4: storage lost on 2016+, memory kept, resumes by itself


class GroupType(StrEnum):
    VIRTUAL_MACHINE = "VirtualMachine"
    CLUSTER = "Cluster"
    AVAILABLE_STORAGE = "AvailableStorage"
    FILE_SERVER = "FileServer"
    SCALE_OUT_FILE_SERVER = "ScaleOutFileServer"
    #: §8.2 the CAU clustered role of self-updating mode (the enum's real member name is UNVERIFIED)
    CLUSTER_AWARE_UPDATING = "ClusterAwareUpdating"


@dataclass(frozen=True, slots=True)
class PlacementExplanation:
    """Why a role landed where it did, in WSFC terms (§3.6–§3.10)."""

    time: float
    trigger: str  # "failover", "manual move", "start", "failback", "preempted restart" …
    chosen: str | None
    candidates: tuple[str, ...]  # the node list in the order it was walked
    reasons: tuple[str, ...]  # one line per rule that mattered
    preempted: tuple[str, ...] = ()

    def text(self) -> str:
        head = f"{self.trigger}: " + (f"placed on {self.chosen}" if self.chosen else "not placed")
        return "\n".join([head, *(f"  - {r}" for r in self.reasons)])


@dataclass(frozen=True, slots=True)
class NodeSnapshot:
    name: str
    id: int
    state: NodeState
    node_weight: int
    dynamic_weight: int
    memory_total_gb: float
    memory_used_gb: float
    roles: int  # groups owned (VM roles and core groups)
    vms_running: int
    drain_status: DrainStatus
    powered_on: bool
    clussvc: str  # Running / Stopped / Starting
    site: str | None
    csvs_coordinated: tuple[str, ...]
    pending_updates: int = 0  # §8: updates the CAU scan would find applicable
    update_phase: str = ""  # §8.1: the node's phase in the Updating Run under way ('' if none)
    os: str = ""  # §9.1: the node's release (a PROFILES key)
    switches_down: tuple[str, ...] = ()  # §7.2: virtual switches whose physical uplink is lost (lab fault)


@dataclass(frozen=True, slots=True)
class ResourceSnapshot:
    name: str
    resource_type: str
    group: str
    state: ResourceState
    owner: str
    restart_threshold: int
    possible_owners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupSnapshot:
    name: str
    group_type: GroupType
    state: GroupState
    owner: str
    priority: int
    priority_name: str
    preferred_owners: tuple[str, ...]
    auto_failback: bool
    failback_window: tuple[int, int] | None
    anti_affinity: tuple[str, ...]
    failover_count: int
    status: str  # StatusInformation in words ("", "Waiting to start", "Preempted" …)
    last_placement: PlacementExplanation | None
    is_core: bool
    resiliency_period: int = -1  # §7.3 ResiliencyPeriod (s), −1 = the cluster default
    failover_threshold: int | None = None  # §3.4: None = N − 1 (shown as 4294967295)
    failover_period_h: int = 6  # §3.4 FailoverPeriod (hours)
    unmonitored_until: float | None = None  # §7.3: Unmonitored on an isolated node; fails over then
    preferred_site: str | None = None  # §1.7 group PreferredSite (2016+)


@dataclass(frozen=True, slots=True)
class VmSnapshot:
    name: str
    state: VmState
    host: str
    memory_gb: float
    csv: str | None
    #: when it last started running (None: not running); see ``uptime_at``
    running_since: float | None
    #: downtime of outages that ended, and when the current one began (None: up); see ``downtime_at``
    downtime_before: float
    down_since: float | None
    migrations: int
    restarts: int  # cold starts after an outage
    critical: bool = False  # VM monitoring flagged it application-critical (§7.1)
    monitored: tuple[str, ...] = ()
    migration_state: str = "None"  # §3.13 MigrationState of its latest live migration
    migration_progress: float = 0.0  # percent
    dirty_mb_s: float = 20.0
    unmonitored: bool = False  # §7.3: its host is Isolated; the cluster does not monitor it
    clustered: bool = True  # False: imported, not (yet) a clustered role
    version: str = ""  # §9.1 VM configuration version

    # Uptime and downtime grow with the clock: the snapshot keeps when they began, so that an
    # unchanged VM's snapshot stays valid (the cockpit re-snapshots only what changed).
    def uptime_at(self, t: float) -> float:
        """Seconds it has been running at simulated time ``t`` (0 if it is not running)."""
        return t - self.running_since if self.running_since is not None else 0.0

    def downtime_at(self, t: float) -> float:
        """Total seconds it has been down by simulated time ``t``, the current outage included."""
        return self.downtime_before + (t - self.down_since if self.down_since is not None else 0.0)


@dataclass(frozen=True, slots=True)
class VmStateChange:
    """The VM entered ``state`` on ``host`` at ``time`` (Cluster.vm_history)."""

    time: float
    state: VmState
    host: str


@dataclass(frozen=True, slots=True)
class FileServerSnapshot:
    """A file server role and what its SMB clients experienced (§5, 74-409 continuous availability)."""

    name: str
    kind: str  # General / ScaleOut
    state: str  # the role's state
    owner: str
    shares: tuple[str, ...]
    continuously_available: bool
    clients: int
    connected: bool
    disconnects: int  # times the clients lost their SMB sessions
    transparent_failovers: int  # failovers the clients rode through (SMB transparent failover)
    client_outage_s: float


@dataclass(frozen=True, slots=True)
class MigrationSnapshot:
    """One live migration (or storage migration, ``kind`` "Storage"): queued, running or finished."""

    id: int
    vm: str
    kind: str  # "Live", or "Storage" (source and target are CSVs, state Queued / Copying / Done / Failure)
    source: str
    target: str
    state: str  # Queued / Setup / DataTransfer / Move / Done / Canceled / Failure
    passes: int
    percent: float
    gb_left: float
    rate_gbps: float  # GB/s of guest memory
    requested: float
    started: float | None
    finished: float | None
    reason: str  # what asked for it: drain, live migration, failback …
    failure: str = ""  # why it was canceled or failed


@dataclass(frozen=True, slots=True)
class QuorumSnapshot:
    state: str  # "Up" / "Down"
    forced: bool
    votes: int  # votes held by the running partition
    total: int  # votes in force (denominator)
    needed: int
    witness_type: str  # None / Disk / FileShare / Cloud
    witness_resource: str  # "" when no witness
    witness_state: str  # Online / Failed / Offline / "" (no witness)
    witness_dynamic_weight: int
    dynamic_quorum: bool
    lower_quorum_priority_node_id: int | None
    quorum_type: str  # profile wording (§1.2)
    members: tuple[str, ...]
    #: members of every running partition: more than ``members`` only when a forced partition
    #: and a majority partition run apart (§1.9, until Force Quorum resiliency merges them)
    all_members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkSnapshot:
    name: str
    role: str
    state: str  # Up / Partitioned / Down / Unavailable (§2.4)
    live_migration: bool
    gbps: float
    metric: int
    disconnected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CsvSnapshot:
    name: str
    state: str
    owner: str
    size_gb: float
    vms: tuple[str, ...]
    #: (node, mode, reason) per node: Direct / FileSystemRedirected / BlockRedirected / Paused / Unavailable
    io: tuple[tuple[str, str, str], ...] = ()
    redirected: bool = False
    accessible: bool = True  # some member still has a path to the LUN
    paths_lost: tuple[str, ...] = ()  # nodes without a direct path (lab fault)
    maintenance: bool = False  # Suspend-ClusterResource without -RedirectedAccess (§4.3)


@dataclass(frozen=True, slots=True)
class ServerSnapshot:
    """A server of the lab that is not a cluster node: evicted (to be reinstalled, §9.1) or a spare."""

    name: str
    os: str
    os_display: str
    state: str  # Installing / Booting / PoweredOff / Ready
    memory_gb: float
    cpus: int


@dataclass(frozen=True, slots=True)
class ClusterSnapshot:
    time: float
    calendar: datetime
    name: str
    os: str
    os_display: str
    nodes: tuple[NodeSnapshot, ...]
    groups: tuple[GroupSnapshot, ...]
    resources: tuple[ResourceSnapshot, ...]
    vms: tuple[VmSnapshot, ...]
    quorum: QuorumSnapshot
    networks: tuple[NetworkSnapshot, ...]
    csvs: tuple[CsvSnapshot, ...]
    file_servers: tuple[FileServerSnapshot, ...] = ()
    #: §9.1 ClusterFunctionalLevel (``os`` above is its release: the cluster's behaviour)
    functional_level: int = 0
    #: §9.1: some node runs another release than the functional level's
    mixed_mode: bool = False
    servers: tuple[ServerSnapshot, ...] = ()

    def node(self, name: str) -> NodeSnapshot:
        for n in self.nodes:
            if n.name.lower() == name.lower():
                return n
        raise KeyError(name)

    def group(self, name: str) -> GroupSnapshot:
        for g in self.groups:
            if g.name.lower() == name.lower():
                return g
        raise KeyError(name)

    def vm(self, name: str) -> VmSnapshot:
        for v in self.vms:
            if v.name.lower() == name.lower():
                return v
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Quorum what-if: what happens if this voter fails next (the simulation's own rules, §1.12)."""

    voter: str  # a node name, or "witness"
    survives: bool
    votes: int  # votes the survivors hold, judged against the vote set before the failure
    total: int
    why: str


@dataclass(frozen=True, slots=True)
class SplitWhatIf:
    """Quorum what-if for a partition a learner can make (``Invoke-LabFault -Partition``): which
    side, if any, keeps quorum when the cluster networks split into ``sides`` (§1.12)."""

    sides: tuple[tuple[str, ...], ...]
    survivor: tuple[str, ...] | None  # the side that keeps quorum; None: no side does, or a race
    race: bool  # both sides can reach the witness and neither owns the Cluster Group: no sure answer
    why: str


@dataclass(frozen=True, slots=True)
class CauNodeResult:
    """One node of an Updating Run (§8.1, §8.6 NodeResults / NodeStatusNotifications)."""

    node: str
    #: Waiting, Scanning, Staging, PreUpdateScript, Suspending, Installing, Restarting,
    #: Resuming, PostUpdateScript, then Succeeded / Failed / Skipped
    status: str
    updates: tuple[str, ...]  # KBs the scan found applicable
    installed: tuple[str, ...]
    failed_updates: tuple[str, ...]
    attempts: int  # times the update process ran on this node (1 + retries)
    error: str
    started: float | None
    finished: float | None
    timeline: tuple[tuple[float, str], ...]  # (time, status) as the node went through the phases
    detail: str = ""  # e.g. "KB5099001 (2 of 3)"

    @property
    def done(self) -> bool:
        return self.status in ("Succeeded", "Failed", "Skipped")


@dataclass(frozen=True, slots=True)
class CauRunSnapshot:
    """An Updating Run, live (Get-CauRun) or finished (Get-CauReport), §8.6."""

    run_id: str
    mode: str  # "Remote" (Invoke-CauRun) or "SelfUpdating" (the CAU clustered role)
    coordinator: str
    started: float
    start_calendar: datetime
    finished: float | None
    status: str  # Running, Succeeded, Failed, Cancelled
    error: str
    current_node: str | None
    nodes: tuple[CauNodeResult, ...]
    options: tuple[tuple[str, str], ...]
    locked: bool
    plugin: str

    @property
    def nodes_updated(self) -> int:
        return sum(1 for n in self.nodes if n.status == "Succeeded" and n.installed)

    @property
    def failed_nodes(self) -> int:
        return sum(1 for n in self.nodes if n.status == "Failed")

    @property
    def progress(self) -> float:
        """Share of the nodes finished, 0..1."""
        return sum(1 for n in self.nodes if n.done) / len(self.nodes) if self.nodes else 1.0


@dataclass(frozen=True, slots=True)
class CauRoleSnapshot:
    """The CAU clustered role of self-updating mode (§8.2, §8.5 Get-CauClusterRole)."""

    group: str
    owner: str
    status: str  # Online / Offline as the group
    enabled: bool
    days_of_week: tuple[str, ...]
    weeks_of_month: tuple[int, ...]
    interval_weeks: int | None
    start_date: datetime
    next_run: datetime | None
    options: tuple[tuple[str, str], ...]
