"""The spec a cluster is built from: plain frozen data, no behaviour.

The lab loader turns YAML into these; tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .clock import DEFAULT_START
from .profiles import DEFAULT_PROFILE


class WitnessType(StrEnum):
    NONE = "None"
    DISK = "Disk"
    FILE_SHARE = "FileShare"
    CLOUD = "Cloud"


class Priority(StrEnum):
    """§3.9 role priority names; ``value_of`` gives the numeric property value."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"
    NO_AUTO_START = "NoAutoStart"

    @property
    def number(self) -> int:
        return {"High": 3000, "Medium": 2000, "Low": 1000, "NoAutoStart": 0}[self.value]

    @classmethod
    def from_number(cls, value: int) -> Priority:
        for p in cls:
            if p.number == value:
                return p
        raise ValueError(value)


class NetworkRole(StrEnum):
    """§2.5: cluster network roles 0/1/3."""

    NONE = "None"
    CLUSTER = "Cluster"
    CLUSTER_AND_CLIENT = "ClusterAndClient"


@dataclass(frozen=True, slots=True)
class UpdateSpec:
    """A pending software update on a node, as the Windows Update plug-in of CAU finds it (§8)."""

    kb: str
    title: str
    install_s: float = 600.0
    reboot: bool = True
    #: applicable only once this KB is installed (a second set a re-scan finds, §8.1 step 7)
    requires: str | None = None


@dataclass(frozen=True, slots=True)
class NodeSpec:
    name: str
    memory_gb: float = 256.0
    cpus: int = 32
    site: str | None = None
    node_weight: int = 1  # §1.4 ⚠ API says 0, Learn says all nodes vote: we default to 1.
    #: pending updates on this node; None = the cluster's ``updates``
    updates: tuple[UpdateSpec, ...] | None = None
    os: str | None = None  # §9.1: its release; None = the cluster's (a lab may start mid-upgrade)


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    name: str
    role: NetworkRole = NetworkRole.CLUSTER_AND_CLIENT
    live_migration: bool = False
    gbps: float = 10.0


@dataclass(frozen=True, slots=True)
class WitnessSpec:
    type: WitnessType = WitnessType.NONE
    path: str | None = None  # FileShare: \\server\share; Disk: cluster disk name; Cloud: account name


@dataclass(frozen=True, slots=True)
class QuorumSpec:
    witness: WitnessSpec = field(default_factory=WitnessSpec)
    dynamic_quorum: bool = True
    lower_quorum_priority_node: str | None = None


@dataclass(frozen=True, slots=True)
class CsvSpec:
    name: str
    size_gb: float = 2048.0


@dataclass(frozen=True, slots=True)
class FailbackSpec:
    """§3.8: AutoFailbackType Prevent (0) / Allow (1) and an optional [start, end) hour window."""

    allow: bool = False
    window: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class VmSpec:
    name: str
    memory_gb: float = 4.0
    vhd_gb: float = 60.0
    csv: str | None = None
    owner: str | None = None
    priority: Priority = Priority.MEDIUM
    preferred_owners: tuple[str, ...] = ()
    possible_owners: tuple[str, ...] = ()  # empty = every node (§3.6)
    anti_affinity: tuple[str, ...] = ()
    failback: FailbackSpec = field(default_factory=FailbackSpec)
    running: bool | None = None  # None: running unless NoAutoStart
    boot_s: float | None = None  # None = profiles.VM_BOOT_S
    dirty_mb_s: float | None = None  # workload's memory dirty rate (None = profiles.DEFAULT_DIRTY_MB_S)
    monitored_services: tuple[str, ...] = ()  # VM monitoring (§7.1)
    protected_network: bool = True  # network health protection (§7.2)


@dataclass(frozen=True, slots=True)
class GuestClusterSpec:
    """A guest cluster: member VMs of this cluster sharing VHDX files on a CSV (see sim/guest.py)."""

    name: str
    vms: tuple[str, ...]
    shared_vhdx: tuple[tuple[str, str], ...] = ()  # (file name, CSV)
    role: str = "Clustered role"
    threshold_s: float = 5.0
    attached: tuple[str, ...] | None = None  # members with the shared disks attached (None = all)


@dataclass(frozen=True, slots=True)
class FileServerSpec:
    """A clustered file server role: General (active on one node; clients reconnect after a
    failover) or ScaleOut (SOFS, continuously available shares; clients ride through)."""

    name: str
    type: str = "General"
    owner: str | None = None
    shares: tuple[str, ...] = ("Share1",)
    clients: int = 50
    preferred_owners: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    name: str = "HVCLUS"
    os: str = DEFAULT_PROFILE
    seed: int = 0
    clock: datetime = DEFAULT_START
    nodes: tuple[NodeSpec, ...] = ()
    networks: tuple[NetworkSpec, ...] = (NetworkSpec("Cluster Network 1"),)
    quorum: QuorumSpec = field(default_factory=QuorumSpec)
    csvs: tuple[CsvSpec, ...] = ()
    #: clustered disks in Available Storage, not yet CSVs (Add-ClusterSharedVolume turns one into a CSV)
    disks: tuple[CsvSpec, ...] = ()
    vms: tuple[VmSpec, ...] = ()
    file_servers: tuple[FileServerSpec, ...] = ()
    guest_clusters: tuple[GuestClusterSpec, ...] = ()
    #: §3.10: ClusterEnforcedAntiAffinity (0 = soft).
    enforced_anti_affinity: bool = False
    #: §9.2 New-Cluster -AdministrativeAccessPoint: ActiveDirectoryAndDns (default), Dns (AD-detached,
    #: 2012 R2+) or None (no cluster name or IP address at all).
    administrative_access_point: str = "ActiveDirectoryAndDns"
    #: VMs exported from elsewhere, waiting in a folder for Import-VM: (folder, name, memory GB, VHD GB)
    exported_vms: tuple[tuple[str, str, float, float], ...] = ()
    #: False: the nodes are servers with the Failover Clustering feature, not a cluster yet (New-Cluster)
    created: bool = True
    #: §8: updates pending on every node (CAU); None = a typical month's set for the OS (profiles).
    updates: tuple[UpdateSpec, ...] | None = None
    #: §8.3/§8.4: the Remote Shutdown firewall rule group is enabled on the nodes; if not, an
    #: Updating Run fails unless it is started with -EnableFirewallRules.
    remote_shutdown_firewall: bool = True
    #: §9.1: servers that are not nodes yet (Add-ClusterNode joins them); ``os`` None = the cluster's.
    servers: tuple[NodeSpec, ...] = ()
