"""The live simulation state. Private to ``sim``: everything outside sees snapshots.

``World`` owns the simpy environment, the one seeded RNG, the event bus and every entity.
The behaviour lives in ``membership`` (who is in the cluster) and ``roles`` (where roles
run); both act on a ``World``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import simpy

from . import profiles as P
from .clock import CalendarClock
from .events import EventBus
from .profiles import OsProfile
from .quorum import VoteAssignment
from .snapshots import DrainStatus, GroupType, PlacementExplanation, ResourceState, VmState
from .spec import NetworkRole, WitnessType

ACTIVE_VM_STATES = frozenset(
    {VmState.RUNNING, VmState.STARTING, VmState.SAVING, VmState.PAUSED, VmState.STOPPING, VmState.PAUSED_CRITICAL}
)


class Service(StrEnum):
    """ClusSvc on a node."""

    STOPPED = "Stopped"  # stopped by an administrator, or node powered off
    RUNNING = "Running"  # running; a member, joining, or waiting to reach a majority


@dataclass(eq=False)
class Node:
    name: str
    id: int
    memory_gb: float
    cpus: int
    site: str | None
    node_weight: int
    os: str = ""  # §9.1: the Windows Server release installed on it (a PROFILES key)
    powered: bool = True
    service: Service = Service.RUNNING
    partition: Partition | None = None
    joining: bool = False
    paused: bool = False
    booting: bool = False
    stopping: bool = False  # Stop-ClusterNode: moving roles away before leaving
    shutting_down: bool = False  # Stop-/Restart-Computer in progress (drain on shutdown)
    prevent_quorum: bool = False
    max_vm_migrations: int = 2  # §5.2 Set-VMHost -MaximumVirtualMachineMigrations (default 2)
    max_storage_migrations: int = 2  # §5.2 -MaximumStorageMigrations (2, widely quoted)
    migration_option: str = "Compression"  # §5.3 default since 2012 R2
    drain_status: DrainStatus = DrainStatus.NOT_INITIATED
    detached: set[str] = field(default_factory=set)  # networks this node is cut from
    uplinks_down: set[str] = field(default_factory=set)  # virtual switches that lost their physical uplink
    epoch: int = 0  # bumped on power loss: timers of an older epoch are void
    unclean_exits: list[float] = field(default_factory=list)  # times it left the membership ungracefully (§7.3)
    quarantined_until: float | None = None  # §7.3: it may not join before this time
    quarantine_join_logged: bool = False  # 1675 is logged once per quarantine
    boot_broken: str = ""  # lab fault: this update leaves the node unable to boot until rolled back
    clussvc_crashed: bool = False  # lab fault: ClusSvc died; the SCM restarts it (VMs keep running)

    @property
    def is_member(self) -> bool:
        return self.partition is not None

    @property
    def live(self) -> bool:
        """Powered and running ClusSvc: it answers heartbeats."""
        return self.powered and self.service is Service.RUNNING

    @property
    def can_host(self) -> bool:
        return self.is_member and self.live and not self.paused and not self.stopping and not self.joining


@dataclass(eq=False)
class Partition:
    """A set of nodes running the cluster together (normally exactly one)."""

    id: int
    members: list[str]
    forced: bool = False
    broken_since: float | None = None  # when members stopped being one connected set


class Tracked:
    """An entity whose snapshot the cluster caches: setting any attribute reports it to its
    world's ``changes`` (once a Registry holds it), so ``Cluster.snapshot`` rebuilds it.

    Changing a list or set field in place does not go through ``__setattr__``: call ``touch()``
    after it (the snapshot would show the old contents otherwise)."""

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        changes = self.__dict__.get("_changes")  # the world's, once it is registered there
        if changes is not None:
            changes.add(self)

    def touch(self) -> None:
        changes = self.__dict__.get("_changes")
        if changes is not None:
            changes.add(self)


E = TypeVar("E", bound=Tracked)


class Registry(dict[str, E]):
    """A world's groups, resources or VMs by name. Entities put here report their changes to
    ``World.changes``, and adding or removing one bumps ``World.structure``: together they let
    ``Cluster.snapshot`` rebuild only what changed."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self._world = world

    def __setitem__(self, key: str, value: E) -> None:
        super().__setitem__(key, value)
        object.__setattr__(value, "_changes", self._world.changes)
        self._world.structure += 1

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._world.structure += 1

    def pop(self, key: str, *default: Any) -> Any:
        self._world.structure += 1
        return super().pop(key, *default)


@dataclass(eq=False)
class Resource(Tracked):
    name: str
    type: str
    group: Group
    state: ResourceState = ResourceState.OFFLINE
    restart_threshold: int = 3
    restart_action: int = 2  # §3.3 ClusterResourceRestartNotify
    restarts: list[float] = field(default_factory=list)  # times of restarts within the period
    possible_owners: set[str] | None = None
    fail_next: int = 0  # lab fault: this many coming online attempts fail
    fail_on: set[str] = field(default_factory=set)  # lab fault: cannot come online on these nodes


@dataclass(eq=False)
class Group(Tracked):
    name: str
    type: GroupType
    owner: str
    priority: int = 2000
    preferred_owners: list[str] = field(default_factory=list)
    auto_failback: bool = False
    window_start: int | None = None  # FailbackWindowStart hour (None = 0xFFFFFFFF, not set)
    window_end: int | None = None
    anti_affinity: list[str] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    failover_times: list[float] = field(default_factory=list)
    failover_threshold: int | None = None  # None = N − 1 (§3.4)
    failover_period_h: int = 6  # §3.4 FailoverPeriod (hours)
    status: str = ""
    epoch: int = 0  # bumped whenever a pending transition is superseded
    last_placement: PlacementExplanation | None = None
    vm: Vm | None = None
    is_core: bool = False
    waiting: bool = False  # could not be placed; retried when capacity frees
    intended_online: bool = True  # persistent state: should be online
    claim: bool = False  # holds memory on ``owner`` for placement (running, starting or queued there)
    failback_pending: bool = False
    online_s: float = 0.0  # non-VM roles: how long their resources take to come online
    clients: int = 0  # file server roles: SMB clients using the shares
    shares: list[str] = field(default_factory=list)
    disconnects: int = 0
    transparent_failovers: int = 0
    client_down_since: float | None = None
    client_outage: float = 0.0
    migrating_to: str | None = None  # live migration requested or running: memory reserved there
    drained_from: str | None = None  # node a drain moved it off (Resume-ClusterNode -Failback)
    resiliency_period: int = -1  # §7.3 ResiliencyPeriod (s); −1 = the cluster's ResiliencyDefaultPeriod
    unmonitored_until: float | None = None  # §7.3: its host is Isolated; fail over at this time
    preferred_site: str | None = None  # §1.7 group PreferredSite (2016+)
    offline_action: int = 1  # §3.13 VM resource OfflineAction: 0 turn off, 1 save, 2 shut down, 3 forced

    @property
    def failback_window(self) -> tuple[int, int] | None:
        """§3.8: a window applies only when both ends are set."""
        if self.window_start is None or self.window_end is None:
            return None
        return (self.window_start, self.window_end)


@dataclass(eq=False)
class Vm(Tracked):
    name: str
    group: Group
    memory_gb: float
    vhd_gb: float
    csv: str | None
    boot_s: float
    state: VmState = VmState.OFF
    host: str = ""
    running_since: float | None = None
    down_since: float | None = 0.0
    downtime: float = 0.0
    migrations: int = 0
    restarts: int = 0
    dirty_mb_s: float = 20.0  # workload: memory dirtied per second (live-migration passes, §5.1)
    dest_host: str | None = None  # live-migration destination that holds its memory meanwhile
    monitored: list[str] = field(default_factory=list)  # VM monitoring: services / event items (§7.1)
    service_failures: dict[str, int] = field(default_factory=dict)  # since the guest last booted
    stopped_services: set[str] = field(default_factory=set)
    critical: bool = False  # application-critical (EMBEDDED_FAILURE) until reset or restarted
    guest_hung: bool = False  # guest OS crashed: the heartbeat integration service stops answering
    switch: str = "External"  # the virtual switch its network adapter is connected to
    protected_network: bool = True  # §7.2: every vNIC is a protected network by default
    critical_since: float | None = None  # entered Paused-Critical at (its AutomaticCriticalErrorActionTimeout runs)
    version: str = ""  # §9.1 VM configuration version (Update-VMVersion raises it)
    #: (time, state, host) at every change of state or host: append-only, one entry per change
    history: list[tuple[float, VmState, str]] = field(default_factory=list)


@dataclass(eq=False)
class Network:
    name: str
    role: NetworkRole
    live_migration: bool
    gbps: float
    metric: int


@dataclass(eq=False)
class Witness:
    type: WitnessType
    path: str | None
    healthy: bool = True

    @property
    def configured(self) -> bool:
        return self.type is not WitnessType.NONE


@dataclass(eq=False)
class Csv:
    name: str
    size_gb: float
    owner: str = ""  # the coordinator node (§4.2)
    paths_lost: set[str] = field(default_factory=set)  # nodes without a direct path to the LUN
    redirected: bool = False  # administrator turned on redirected access (§4.3)
    paused_until: float | None = None  # I/O queued while a new coordinator takes over
    maintenance: bool = False  # Suspend-ClusterResource on the CSV: its roles stopped (§4.3, [S46])


class World:
    """Shared state and services: environment, RNG, bus, entities, indices."""

    def __init__(self, profile: OsProfile, seed: int, clock: CalendarClock, name: str) -> None:
        self.env = simpy.Environment()
        self.steps = 0  # simpy events processed by Cluster.run_until
        self.rng = random.Random(seed)
        self.bus = EventBus()
        self.profile = profile
        self.clock = clock
        self.name = name
        self.nodes: dict[str, Node] = {}
        #: groups, resources and VMs changed since the last snapshot, and a count of additions
        #: and removals (see Registry)
        self.changes: set[Tracked] = set()
        self.structure = 0
        self.groups: Registry[Group] = Registry(self)
        self.resources: Registry[Resource] = Registry(self)
        self.vms: Registry[Vm] = Registry(self)
        self.networks: dict[str, Network] = {}
        self.csvs: dict[str, Csv] = {}
        self.witness = Witness(WitnessType.NONE, None)
        self.witness_resource: Resource | None = None
        self.partitions: list[Partition] = []
        self.split: list[list[str]] | None = None  # lab partition fault over every network
        self.votes = VoteAssignment({}, 0, None)
        self.dynamic_quorum = True
        self.lower_quorum_priority_node: str | None = None
        self.enforced_anti_affinity = False
        #: §9.1: servers that are not cluster nodes: evicted nodes (to be reinstalled) and spare servers.
        self.servers: dict[str, Node] = {}
        self.next_node_id = 1  # §9.1: a node added back gets a new, higher node ID
        #: §5.2 2022 cluster-wide MaximumParallelMigrations (default 1 after the 2022-09 CU [S30]);
        #: None on older profiles, where each host's MaximumVirtualMachineMigrations applies.
        self.max_parallel_migrations: int | None = 1 if profile.name == "2022" else None
        #: §4.4 BlockCacheSize: MB of each node's RAM used as CSV read cache (0 = off, the default).
        self.block_cache_mb = 0
        #: §6.4 DrainOnShutdown: 1 from 2012 R2.
        self.drain_on_shutdown = profile.drain_on_shutdown
        #: §7.3 compute resiliency and quarantine settings (cluster common properties, 2016+).
        self.resiliency_level = P.RESILIENCY_LEVEL_DEFAULT
        self.resiliency_default_period = P.RESILIENCY_DEFAULT_PERIOD_S
        self.quarantine_threshold = P.QUARANTINE_THRESHOLD
        self.quarantine_duration = int(P.QUARANTINE_DURATION_S)
        #: VMs registered on a host but not clustered (imported, §12.1 "import, export and copy VMs")
        self.standalone: dict[str, Vm] = {}
        #: §1.7 site awareness (2016+): fault domains of type Site and the cluster's PreferredSite
        self.sites: list[str] = []
        self.preferred_site: str | None = None
        self._next_partition = 1
        #: §2.2 heartbeat settings (ms / missed heartbeats), live-tunable like the real properties.
        self.heartbeat = {
            "SameSubnetDelay": int(profile.same_subnet_delay_s * 1000),
            "SameSubnetThreshold": profile.same_subnet_threshold,
            "CrossSubnetDelay": int(profile.cross_subnet_delay_s * 1000),
            "CrossSubnetThreshold": profile.cross_subnet_threshold,
        }
        if profile.compute_resiliency:  # 2016+: site thresholds (§2.2, [S7]: 1000 ms × 20)
            self.heartbeat |= {"CrossSiteDelay": 1000, "CrossSiteThreshold": 20}

    # time -------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return float(self.env.now)

    def after(self, delay: float, action: Callable[[], Any]) -> None:
        """Run ``action`` ``delay`` simulated seconds from now (one simpy event)."""
        ev = self.env.timeout(max(0.0, delay))
        ev.callbacks.append(lambda _ev: action())

    def emit(self, name: str, source: str, /, **fields: Any) -> None:
        self.bus.publish(self.now, name, source, **fields)

    # lookups ----------------------------------------------------------------------------

    def new_partition(self, members: list[str], forced: bool = False) -> Partition:
        p = Partition(self._next_partition, self.sort_nodes(members), forced)
        self._next_partition += 1
        self.partitions.append(p)
        for m in p.members:
            self.nodes[m].partition = p
        return p

    def node_named(self, name: str) -> Node:
        """A cluster node, or a server that was one: a timer set before an eviction (§9.1) may still ask
        about the node it concerned. A server is no member, so it cannot host anything."""
        node = self.nodes.get(name)
        return node if node is not None else self.servers[name]

    def sort_nodes(self, names: list[str] | set[str]) -> list[str]:
        return sorted(names, key=lambda n: self.nodes[n].id)

    def node_order(self) -> list[str]:
        return list(self.nodes)  # insertion order is node-ID order

    def members(self) -> list[str]:
        out: list[str] = []
        for p in self.partitions:
            out.extend(p.members)
        return self.sort_nodes(out)

    def primary(self) -> Partition | None:
        """The partition the console talks to: the biggest (forced or not), ties by lowest node ID."""
        if not self.partitions:
            return None
        return min(self.partitions, key=lambda p: (-len(p.members), self.nodes[p.members[0]].id))

    def quarantined(self, n: Node) -> bool:
        """§7.3: the node is quarantined now (it may not join or host roles)."""
        return n.quarantined_until is not None and self.now < n.quarantined_until

    def node_memory_used(self, node: str) -> float:
        """Memory actually in use by VMs on the node (what Hyper-V reports)."""
        return self.block_cache_mb / 1024.0 + sum(
            (
                vm.memory_gb
                for vm in self.vms.values()
                if (vm.host == node and vm.state in ACTIVE_VM_STATES) or vm.dest_host == node
            ),
            0.0,
        )

    def detection_delay(self, partition: Partition) -> float:
        """§2.1: Delay × Threshold; cross-site values when the members span sites (§2.2)."""
        hb = self.heartbeat
        sites = {self.nodes[m].site for m in partition.members}
        if len(sites) > 1:
            if "CrossSiteDelay" in hb:  # §2.2: 2016+ uses the site values when sites are defined
                return hb["CrossSiteDelay"] / 1000 * hb["CrossSiteThreshold"]
            return hb["CrossSubnetDelay"] / 1000 * hb["CrossSubnetThreshold"]
        return hb["SameSubnetDelay"] / 1000 * hb["SameSubnetThreshold"]

    # connectivity -----------------------------------------------------------------------

    def cluster_networks(self) -> list[Network]:
        return [n for n in self.networks.values() if n.role is not NetworkRole.NONE]

    def linked(self, a: str, b: str) -> bool:
        """Can nodes a and b exchange heartbeats over some cluster network?"""
        na, nb = self.nodes[a], self.nodes[b]
        if not (na.live and nb.live):
            return False
        if self.split is not None and self._split_group(a) != self._split_group(b):
            return False
        return any(net.name not in na.detached and net.name not in nb.detached for net in self.cluster_networks())

    def reaches_witness(self, node: str) -> bool:
        """A disk witness is on the SAN; a file share or cloud witness is reached over a
        network that carries client traffic, so a node cut from all of them cannot use it."""
        n = self.nodes[node]
        if not (n.live and self.witness.configured and self.witness.healthy):
            return False
        if self.witness.type is WitnessType.DISK:
            return True
        client = [net for net in self.networks.values() if net.role is NetworkRole.CLUSTER_AND_CLIENT]
        if not client:
            return True
        return any(net.name not in n.detached for net in client)

    def _split_group(self, node: str) -> int:
        assert self.split is not None
        for i, grp in enumerate(self.split):
            if node in grp:
                return i
        return -1

    def components(self, names: list[str]) -> list[list[str]]:
        """Fully connected sets among ``names`` (WSFC membership needs a full mesh).

        Connected components first; a component that is not a clique loses its
        worst-connected node (ties: highest node ID) until it is one (regroup pruning).
        """
        remaining = self.sort_nodes([n for n in names if self.nodes[n].live])
        if self.split is None and not any(self.nodes[n].detached for n in remaining):
            # Nothing cut: every pair shares every cluster network, so all are one full mesh (the
            # quorum what-if asks this for each of 64 nodes every tick; 2,016 pairs each).
            if len(remaining) < 2 or self.cluster_networks():
                return [remaining] if remaining else []
            return [[n] for n in remaining]
        comps: list[list[str]] = []
        seen: set[str] = set()
        for start in remaining:
            if start in seen:
                continue
            comp, stack = [], [start]
            seen.add(start)
            while stack:
                cur = stack.pop()
                comp.append(cur)
                for other in remaining:
                    if other not in seen and self.linked(cur, other):
                        seen.add(other)
                        stack.append(other)
            comps.append(self.sort_nodes(comp))
        result: list[list[str]] = []
        for comp in comps:
            pruned: list[str] = []
            while True:
                degree = {n: sum(1 for o in comp if o != n and self.linked(n, o)) for n in comp}
                if all(d == len(comp) - 1 for d in degree.values()):
                    break
                worst = min(comp, key=lambda n: (degree[n], -self.nodes[n].id))
                comp = [n for n in comp if n != worst]
                pruned.append(worst)
            result.append(comp)
            result.extend([p] for p in self.sort_nodes(pruned))
        return sorted(result, key=lambda c: self.nodes[c[0]].id)
