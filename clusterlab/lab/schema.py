"""The lab file format (version 1), described once.

``LAB`` below is the single description of every key: its kind, whether it is required, its
default and a sentence for editors. The loader validates files with it and ``json_schema()``
publishes it as a JSON Schema (draft 2020-12) for editors, e.g. with the YAML language server::

    # yaml-language-server: $schema=lab.schema.json

``python -m clusterlab.lab.schema > lab.schema.json`` writes the schema.

Expectation subjects and their keys come from ``expectations.SUBJECT_KEYS`` and the allowed
words from ``expectations.SUBJECT_VALUES``: a key added there is accepted here at once.
"""

from __future__ import annotations

import json
from typing import Any, Final

from clusterlab.sim.clock import DEFAULT_START
from clusterlab.sim.profiles import DEFAULT_PROFILE, PROFILES, VM_CONFIG_VERSION
from clusterlab.sim.spec import NetworkRole, Priority, WitnessType

from .expectations import SUBJECT_KEYS, SUBJECT_VALUES
from .schema_kinds import (
    DEFINITIONS,
    Anything,
    Boolean,
    Choice,
    Const,
    Duration,
    Field,
    Integer,
    JsonSchema,
    Kind,
    ListOf,
    MapOf,
    Name,
    Nothing,
    Number,
    Record,
    Ref,
    Tagged,
    Text,
    Timestamp,
    Union,
)

FORMAT_VERSION: Final = 1
#: WSFC supports at most 64 nodes per cluster (Windows Server 2016 and later; 2012 R2 as well).
MAX_NODES: Final = 64
#: WSFC supports at most 8,000 VMs per cluster.
MAX_VMS: Final = 8000
#: NetBIOS computer names (nodes, the cluster name object): 1-15 letters, digits and hyphens.
COMPUTER_NAME: Final = r"[A-Za-z0-9][A-Za-z0-9-]{0,14}"
COMPUTER_NAME_HELP: Final = "a computer name: 1 to 15 letters, digits or hyphens, not starting with a hyphen"
LAB_ID: Final = r"[A-Za-z0-9][A-Za-z0-9._-]*"
OBJECTIVE_ID: Final = r"[A-Za-z0-9.-]+/[A-Za-z0-9.-]+"
#: Names of the two groups every cluster has besides its VMs (valid ``role:`` subjects).
BUILTIN_ROLES: Final = ("Cluster Group", "Available Storage")
#: CSV I/O modes for ``expect: {csv: ..., io: {NODE: MODE}}``.
CSV_IO_MODES: Final = ("Direct", "FileSystemRedirected", "BlockRedirected", "Paused", "Unavailable")

_LEGACY_QUORUM_HINTS: Final = {
    "NodeMajority": "NodeMajority is a quorum type, not a witness: for no witness write type: None",
    "NodeAndDiskMajority": "NodeAndDiskMajority is a quorum type, not a witness: write type: Disk",
    "NodeAndFileShareMajority": "NodeAndFileShareMajority is a quorum type, not a witness: write type: FileShare",
    "NodeAndCloudMajority": "NodeAndCloudMajority is a quorum type, not a witness: write type: Cloud",
    "DiskOnly": "a disk-only quorum (no node votes) is not supported, and not recommended on a real cluster",
    "Majority": "Majority is what Get-ClusterQuorum shows on 2016+; write the witness kind instead",
}


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(str(m.value) for m in enum)


# the cluster -------------------------------------------------------------------------------

NODE_NAME: Final = Name(
    what="a node name", pattern=COMPUTER_NAME, pattern_help=COMPUTER_NAME_HELP, description="A node (computer) name."
)
NODE_REF: Final = Name(what="a node name", refers=("node",), description="The name of a node of this cluster.")
NODE_REFS: Final = ListOf(NODE_REF, what="a list of node names", unique=True, description="Node names, in order.")
CSV_REF: Final = Name(what="a CSV name", refers=("csv",), description="The name of a CSV of this cluster.")

UPDATE: Final = Record(
    (
        Field("kb", Name(what="a KB number such as KB5031364"), "The update's KB number.", required=True),
        Field("title", Text(min_length=1), "The update's title (default: the KB number).", default=None),
        Field("install", Duration(), "How long installing it takes (default 10m).", default=None),
        Field("reboot", Boolean(), "Whether it needs a restart (default true).", default=True),
        Field(
            "requires",
            Name(what="a KB number"),
            "Applicable only after this update is installed: the run's re-scan finds it (§8.1).",
            default=None,
        ),
    ),
    what="an update: a mapping with kb, title, install, reboot",
    description="A pending software update, as Cluster-Aware Updating's Windows Update plug-in finds it (§8).",
)
UPDATES: Final = ListOf(UPDATE, what="a list of updates", description="Pending updates.")

_NODE_FIELDS: Final = (
    Field("memory_gb", Number(), "Physical memory of the node in GB (default: node_defaults, else 256)."),
    Field("cpus", Integer(minimum=1), "Logical processors (default: node_defaults, else 32)."),
    Field("site", Text(min_length=1), "Site (fault domain) the node is in, for stretch clusters (default: none)."),
    Field(
        "node_weight",
        Integer(minimum=0, maximum=1),
        "NodeWeight: 1 if the node has a quorum vote, 0 if not (default: node_defaults, else 1).",
    ),
    Field("updates", UPDATES, "Updates pending on this node (default: the cluster's updates)."),
    Field(
        "os",
        Choice(tuple(PROFILES)),
        "The Windows Server release on this node (default: the lab's os). A node one release above it "
        "starts the lab in mixed-OS mode, half-way through a rolling upgrade (§9.1).",
    ),
)

NODE: Final = Record(
    (Field("name", NODE_NAME, "The node's computer name, e.g. HV01.", required=True), *_NODE_FIELDS),
    what="a node: a mapping with name, memory_gb, cpus, site, node_weight, os",
    description="A node with its own settings.",
)

NODE_DEFAULTS: Final = Record(
    (
        Field("memory_gb", Number(), "Default physical memory of a node in GB.", default=256.0),
        Field("cpus", Integer(minimum=1), "Default logical processors per node.", default=32),
        Field("site", Text(min_length=1), "Default site of a node.", default=None),
        Field("node_weight", Integer(minimum=0, maximum=1), "Default NodeWeight (quorum vote) of a node.", default=1),
    ),
    what="a mapping with memory_gb, cpus, site, node_weight",
    description="Settings every node gets unless the node says otherwise.",
)

NETWORK: Final = Record(
    (
        Field("name", Name(what="a network name"), "The cluster network's name, e.g. Management.", required=True),
        Field(
            "role",
            Choice(_values(NetworkRole)),
            "None (not used by the cluster), Cluster (cluster traffic only) or ClusterAndClient.",
            default="ClusterAndClient",
        ),
        Field("live_migration", Boolean(), "Live migrations prefer this network.", default=False),
        Field("gbps", Number(), "Bandwidth in Gbit/s (live migration speed).", default=10.0),
    ),
    what="a network: a mapping with name, role, live_migration, gbps",
    description="A cluster network.",
)

WITNESS: Final = Record(
    (
        Field(
            "type",
            Choice(_values(WitnessType), hints=_LEGACY_QUORUM_HINTS),
            "None, Disk, FileShare or Cloud (Cloud needs os 2016 or later).",
            default="None",
        ),
        Field(
            "path",
            Text(min_length=1),
            "FileShare: the share, \\\\server\\share (required). Disk: the cluster disk's name (never a CSV). "
            "Cloud: the storage account name.",
            default=None,
        ),
    ),
    what="a witness: a mapping with type and path",
    description="The quorum witness.",
)

QUORUM: Final = Record(
    (
        Field("witness", WITNESS, "The quorum witness (default: none).", default={}),
        Field(
            "dynamic_quorum", Boolean(), "Dynamic quorum: the cluster adjusts node votes as nodes leave.", default=True
        ),
        Field(
            "lower_quorum_priority_node",
            NODE_REF,
            "LowerQuorumPriorityNodeID: the node that loses its vote first in a 50/50 tie (needs dynamic quorum).",
            default=None,
        ),
    ),
    what="a mapping with witness, dynamic_quorum, lower_quorum_priority_node",
    description="Quorum configuration.",
)

VM_REF: Final = Name(what="a VM name", refers=("vm",), description="The name of a VM of this cluster.")

GUEST_CLUSTER: Final = Record(
    (
        Field("name", Name(what="a guest cluster name"), "The guest cluster's name, e.g. SQLGC.", required=True),
        Field(
            "vms",
            ListOf(VM_REF, what="a list of VM names", min_items=2, unique=True),
            "Its member VMs (VMs of this cluster).",
            required=True,
        ),
        Field(
            "shared_vhdx",
            ListOf(
                Record(
                    (
                        Field("name", Text(min_length=1), "The shared VHDX file name, e.g. Data.vhdx.", required=True),
                        Field("csv", CSV_REF, "The CSV it is stored on.", required=True),
                    ),
                    what="a shared VHDX: a mapping with name and csv",
                ),
                what="a list of shared VHDX files",
            ),
            "The shared virtual hard disks (on a CSV) every member needs to own the role.",
            default=[],
        ),
        Field("role", Text(min_length=1), "The clustered role inside the guest (e.g. SQL Server).", default=None),
        Field(
            "heartbeat_threshold",
            Duration(),
            "The guest cluster's heartbeat threshold (SameSubnetThreshold × delay; 5s on a 2012 R2 guest).",
            default=None,
        ),
        Field(
            "attached",
            ListOf(VM_REF, what="a list of VM names", unique=True),
            "Members that have the shared VHDX attached at start (default: all).",
            default=None,
        ),
    ),
    what="a guest cluster: a mapping with name, vms, shared_vhdx",
    description="A failover cluster whose nodes are VMs of this cluster (guest clustering, shared VHDX).",
)

FILE_SERVER: Final = Record(
    (
        Field("name", Name(what="a role name"), "The file server role's (client access point's) name.", required=True),
        Field(
            "type",
            Choice(("General", "ScaleOut")),
            "General: active on one node, clients reconnect after a failover. ScaleOut (SOFS): continuously "
            "available shares, clients ride through (SMB transparent failover).",
            default="General",
        ),
        Field("owner", NODE_REF, "The node that owns the role at start (default: the first node).", default=None),
        Field(
            "preferred_owners", ListOf(NODE_REF, what="a list of node names"), "Preferred owners, in order.", default=[]
        ),
        Field(
            "shares",
            ListOf(Text(min_length=1, description="A share name."), what="a list of share names", unique=True),
            "The SMB shares it serves.",
            default=["Share1"],
        ),
        Field("clients", Integer(minimum=0), "How many SMB clients use the shares.", default=50),
    ),
    what="a file server: a mapping with name, type, owner, shares, clients",
    description="A clustered file server role (general purpose or Scale-Out File Server).",
)

CSV: Final = Record(
    (
        Field("name", Name(what="a CSV name"), "The Cluster Shared Volume's name, e.g. CSV1.", required=True),
        Field("size_gb", Number(), "Capacity in GB.", default=2048.0),
    ),
    what="a CSV: a mapping with name and size_gb",
    description="A Cluster Shared Volume.",
)

FAILBACK: Final = Record(
    (
        Field("type", Choice(("Prevent", "Allow")), "AutoFailbackType: Prevent or Allow.", default="Prevent"),
        Field(
            "window",
            ListOf(
                Integer(minimum=0, maximum=23, description="An hour of the day, 0-23."),
                what="[start_hour, end_hour]",
                min_items=2,
                max_items=2,
            ),
            "Failback only between these hours of the lab clock, [start, end) (needs type: Allow).",
            default=None,
        ),
    ),
    what="a mapping with type and window",
    description="Failback to the preferred owner when it comes back.",
)

_VM_FIELDS: Final = (
    Field("memory_gb", Number(), "Startup memory in GB.", default=4.0),
    Field("vhd_gb", Number(), "Size of the virtual disk in GB.", default=60.0),
    Field("csv", CSV_REF, "The CSV holding the VM's files (default: none).", default=None),
    Field("owner", NODE_REF, "The node the VM starts on (default: placement decides).", default=None),
    Field(
        "priority",
        Choice(_values(Priority)),
        "Start and failover priority; NoAutoStart VMs do not start with the lab.",
        default="Medium",
    ),
    Field("preferred_owners", NODE_REFS, "Preferred owners, in order of preference.", default=[]),
    Field("possible_owners", NODE_REFS, "The only nodes that may host the VM (default: every node).", default=[]),
    Field(
        "anti_affinity",
        ListOf(Text(min_length=1, description="A class name."), what="a list of class names", unique=True),
        "AntiAffinityClassNames: VMs sharing a class keep apart when they can.",
        default=[],
    ),
    Field("failback", FAILBACK, "Failback policy (default: Prevent).", default={}),
    Field(
        "monitored_services",
        ListOf(Text(min_length=1, description="A Windows service name."), what="a list of service names", unique=True),
        "Services inside the guest the cluster monitors (VM monitoring, Add-ClusterVMMonitoredItem).",
        default=[],
    ),
    Field(
        "protected_network",
        Boolean(),
        "VM network health protection: when its virtual switch loses the uplink, the VM live-migrates away.",
        default=True,
    ),
    Field("running", Boolean(), "Running at lab start (default: true unless priority is NoAutoStart).", default=None),
    Field("boot_s", Duration(), "How long the guest takes to boot (default: the simulator's 30 s).", default=None),
    Field(
        "dirty_mb_s",
        Number(positive=False),
        "Workload: MB of memory the guest dirties per second; a busy VM needs more live-migration passes (default 20).",
        default=None,
    ),
)

VM: Final = Record(
    (
        Field("name", Name(what="a VM name"), "The VM's (and its clustered role's) name, e.g. DC01.", required=True),
        *_VM_FIELDS,
    ),
    what="a VM: a mapping with name and optional settings",
    description="A highly available virtual machine.",
)

VM_BATCH: Final = Record(
    (
        Field(
            "generate",
            Integer(minimum=1, maximum=MAX_VMS),
            "How many VMs to create: PREFIX01, PREFIX02, ...",
            required=True,
        ),
        Field("prefix", Name(what="a name prefix"), "Start of each generated name.", default="VM"),
        *_VM_FIELDS,
    ),
    what="a VM batch: a mapping with generate, prefix and VM settings",
    description="Many identical VMs at once, named PREFIX01..PREFIXnn.",
    tag="generate",
)

CLUSTER: Final = Record(
    (
        Field(
            "name",
            Name(what="a cluster name", pattern=COMPUTER_NAME, pattern_help=COMPUTER_NAME_HELP),
            "The cluster name object (CNO), e.g. HVCLUS.",
            default="HVCLUS",
        ),
        Field(
            "nodes",
            ListOf(
                Union((NODE_NAME, NODE), what="a node name or a mapping with name"),
                what="a list of node names or node mappings",
                min_items=1,
                max_items=MAX_NODES,
            ),
            "The nodes: names (HV01) or mappings {name, memory_gb, cpus, site, node_weight}.",
            required=True,
        ),
        Field("node_defaults", NODE_DEFAULTS, "Settings shared by every node.", default={}),
        Field(
            "servers",
            ListOf(
                Union((NODE_NAME, NODE), what="a server name or a mapping with name"),
                what="a list of server names or server mappings",
                max_items=MAX_NODES,
            ),
            "Servers of the lab that are not cluster nodes at the start (spares), with the node keys: "
            "Add-ClusterNode adds one, Install-LabNodeOS reinstalls one (§9.1).",
            default=[],
        ),
        Field(
            "networks",
            ListOf(NETWORK, what="a list of networks", min_items=1),
            "Cluster networks (default: one ClusterAndClient network).",
            default=None,
        ),
        Field("quorum", QUORUM, "Quorum configuration (default: no witness, dynamic quorum on).", default={}),
        Field("csvs", ListOf(CSV, what="a list of CSVs"), "Cluster Shared Volumes.", default=[]),
        Field(
            "disks",
            ListOf(CSV, what="a list of disks"),
            "Clustered disks in Available Storage (Add-ClusterSharedVolume makes one a CSV).",
            default=[],
        ),
        Field(
            "file_servers",
            ListOf(FILE_SERVER, what="a list of file servers"),
            "Clustered file server roles (general purpose or Scale-Out).",
            default=[],
        ),
        Field(
            "vms",
            ListOf(Union((VM_BATCH, VM), what="a VM mapping or a {generate: N} batch"), what="a list of VMs"),
            "Highly available VMs, one by one or in batches ({generate: 40, prefix: APP, ...}).",
            default=[],
        ),
        Field(
            "enforced_anti_affinity",
            Boolean(),
            "ClusterEnforcedAntiAffinity: anti-affinity is a hard rule (VMs stay off rather than share a node).",
            default=False,
        ),
        Field(
            "updates",
            UPDATES,
            "Updates pending on every node for Cluster-Aware Updating (default: a typical month's cumulative "
            "update, .NET update and Defender definitions for the OS; [] for none).",
            default=None,
        ),
        Field(
            "guest_clusters",
            ListOf(GUEST_CLUSTER, what="a list of guest clusters"),
            "Guest clusters: VMs of this cluster clustered among themselves with shared VHDX files.",
            default=[],
        ),
        Field(
            "exported_vms",
            ListOf(
                Record(
                    (
                        Field("name", Name(what="a VM name"), "The exported VM's name.", required=True),
                        Field(
                            "path", Text(min_length=1), "The export folder's parent, e.g. E:\\Exports.", required=True
                        ),
                        Field("memory_gb", Number(), "Its startup memory in GB.", default=4.0),
                        Field("vhd_gb", Number(), "The size of its virtual hard disks in GB.", default=60.0),
                    ),
                    what="an exported VM: a mapping with name, path, memory_gb, vhd_gb",
                ),
                what="a list of exported VMs",
            ),
            "VMs exported from elsewhere, waiting in <path>\\<name> for Import-VM (simulated folders).",
            default=[],
        ),
        Field(
            "created",
            Boolean(),
            "false: the nodes are servers with the Failover Clustering feature, not a cluster yet — the lab "
            "starts before New-Cluster (no CSVs, roles or witness then).",
            default=True,
        ),
        Field(
            "administrative_access_point",
            Choice(("ActiveDirectoryAndDns", "Dns", "None")),
            "New-Cluster -AdministrativeAccessPoint: ActiveDirectoryAndDns, Dns (an AD-detached cluster, 2012 R2+) "
            "or None (no cluster name or IP address; manage it through a node).",
            default="ActiveDirectoryAndDns",
        ),
        Field(
            "remote_shutdown_firewall",
            Boolean(),
            "The Remote Shutdown firewall rule group is enabled on the nodes; if false, an Updating Run fails "
            "unless it is started with -EnableFirewallRules (§8.4).",
            default=True,
        ),
    ),
    what="a cluster: a mapping with name, nodes, networks, quorum, csvs, vms",
    description="The cluster the lab builds.",
)


# expectations ------------------------------------------------------------------------------

#: Keys people put inside an expectation that belong beside it.
_EXPECTATION_KEY_HINTS: Final = {
    "within": "within belongs beside expect:, not inside it",
    "hint": "hint belongs beside task:, not inside check",
    "solution": "solution belongs beside task:, not inside check",
}

EXPECTATION: Final = Ref("expectation", description="A condition on the cluster: its first key names the subject.")

_SUBJECT_NAMES: Final[dict[str, tuple[Kind, str]]] = {
    "node": (
        Name(what="a node name", refers=("any node",)),
        "The node to check (an evicted node or a spare server is no node: only its os can be checked).",
    ),
    "role": (
        Name(what="a role name", refers=("role",)),
        "The clustered role (a VM, Cluster Group, Available Storage).",
    ),
    "vm": (Name(what="a VM name", refers=("vm",)), "The VM to check."),
    "csv": (Name(what="a CSV name", refers=("csv",)), "The Cluster Shared Volume to check."),
    "quorum": (
        Union(
            (Choice(tuple(SUBJECT_VALUES.get("quorum", {}).get("state", ("Up", "Down")))), Nothing()),
            what="Up, Down, nothing or a mapping of quorum keys",
        ),
        "Up or Down; or leave empty / give a mapping and check the keys.",
    ),
    "event": (Integer(minimum=1, what="an integer event ID such as 1135"), "The event ID, e.g. 1135."),
    "file_server": (Name(what="a file server name", refers=("file server",)), "The file server role to check."),
    "guest_cluster": (
        Name(what="a guest cluster name", refers=("guest cluster",)),
        "The guest cluster whose role to check.",
    ),
    "cau": (
        Union(
            (Choice(tuple(SUBJECT_VALUES.get("cau", {}).get("status", ("Succeeded",)))), Nothing()),
            what="a CAU status, nothing or a mapping",
        ),
        "The run's status as shorthand, or leave empty and check the keys.",
    ),
    "cluster": (Nothing(), "Leave empty (or give a mapping of the keys): the lab has one cluster."),
}

_KEY_KINDS: Final[dict[str, dict[str, tuple[Kind | None, str]]]] = {
    "node": {
        "state": (None, "The node's state."),
        "drain": (None, "The node's drain status."),
        "node_weight": (Integer(minimum=0, maximum=1), "NodeWeight (configured vote), 0 or 1."),
        "dynamic_weight": (Integer(minimum=0, maximum=1), "DynamicWeight (vote in force), 0 or 1."),
        "roles": (Integer(minimum=0), "How many roles the node owns."),
        "os": (None, "The Windows Server release the node (or evicted server) runs (§9.1)."),
    },
    "role": {
        "state": (None, "The role's state."),
        "owner": (NODE_REF, "The node that owns the role."),
        "owner_not": (NODE_REF, "A node that must not own the role."),
        "owner_in": (ListOf(NODE_REF, what="a list of node names", min_items=1), "The owner is one of these nodes."),
        "preferred_owners": (
            ListOf(NODE_REF, what="a list of node names"),
            "Exactly these preferred owners, in this order ([] for none).",
        ),
    },
    "vm": {
        "state": (None, "The VM's state."),
        "host": (NODE_REF, "The node the VM runs on."),
        "downtime_max": (Duration(), "At most this much time not running since lab start (30, 45s, 2m)."),
        "migrations": (Integer(minimum=0), "How many times the VM moved."),
        "storage": (CSV_REF, "The Cluster Shared Volume its files are on (Move-VMStorage changes it)."),
        "version": (
            Choice(tuple(VM_CONFIG_VERSION.values())),
            "The VM configuration version (Update-VMVersion raises it, §9.1).",
        ),
    },
    "csv": {
        "owner": (NODE_REF, "The coordinator node of the CSV."),
        "state": (None, "The CSV's state."),
        "io": (
            MapOf(NODE_REF, Choice(CSV_IO_MODES), what="a mapping of node names to I/O modes"),
            "I/O mode per node: Direct, FileSystemRedirected, BlockRedirected, Paused or Unavailable.",
        ),
        "maintenance": (Boolean(), "The CSV is in maintenance (Suspend-ClusterResource without -RedirectedAccess)."),
        "redirected": (Boolean(), "Redirected access is on (Suspend-ClusterResource -RedirectedAccess)."),
    },
    "quorum": {
        "state": (None, "Up or Down."),
        "votes": (Integer(minimum=0), "Votes in force."),
        "witness_vote": (Integer(minimum=0, maximum=1), "WitnessDynamicWeight, 0 or 1."),
        "forced": (Boolean(), "Quorum was forced (ForceQuorum)."),
    },
    "event": {
        "count": (Integer(minimum=0), "Exactly this many events since lab start."),
        "min": (Integer(minimum=0), "At least this many events (default: at least 1)."),
        "max": (Integer(minimum=0), "At most this many events."),
        "source": (
            Name(what="a node or role name", refers=("event source",)),
            "Count only events from this node or role.",
        ),
    },
    "file_server": {
        "state": (None, "The role's state."),
        "owner": (NODE_REF, "The node that owns the role."),
        "connected": (Boolean(), "Its SMB clients are connected now."),
        "disconnects": (Integer(minimum=0), "How many times its clients lost their sessions."),
        "transparent_failovers": (Integer(minimum=0), "Failovers its clients rode through (continuous availability)."),
    },
    "guest_cluster": {
        "state": (None, "Its clustered role: Online, Offline or Pending (failing over)."),
        "owner": (VM_REF, "The member VM that owns the role."),
        "failovers": (Integer(minimum=0), "How many times the role moved between members."),
    },
    "cluster": {
        "functional_level": (Integer(minimum=1), "ClusterFunctionalLevel: 8 = 2012 R2, 9 = 2016 (§9.1)."),
        "os": (None, "The release of the functional level: the release whose behaviour the cluster has."),
        "mixed_mode": (Boolean(), "Some node runs another release than the functional level's (§9.1)."),
        "nodes": (
            ListOf(Name(what="a node name", refers=("any node",)), what="a list of node names"),
            "Exactly these nodes are in the cluster's node list (Remove-ClusterNode / Add-ClusterNode change it).",
        ),
        "roles": (
            ListOf(Text(min_length=1), what="a list of role names"),
            "Exactly these clustered roles exist, besides Cluster Group and Available Storage (roles created "
            "or removed during the lab count).",
        ),
    },
    "cau": {
        "status": (None, "The Cluster-Aware Updating run's status."),
        "nodes_updated": (Integer(minimum=0), "How many nodes were updated."),
        "failed_nodes": (ListOf(NODE_REF, what="a list of node names"), "The nodes whose update failed."),
        "locked": (Boolean(), "A failed run left the cluster Locked (Invoke-CauRun -ForceRecovery clears it)."),
    },
}


def _key_field(subject: str, key: str) -> Field:
    kind, text = _KEY_KINDS.get(subject, {}).get(key, (None, f"The {key} of the {subject}."))
    words = SUBJECT_VALUES.get(subject, {}).get(key)
    if kind is None:
        kind = Choice(tuple(words)) if words else Anything()
    if words:
        text += " One of " + ", ".join(words) + "."
    return Field(key, kind, text)


def _subject(subject: str) -> Record:
    name_kind, text = _SUBJECT_NAMES.get(subject, (Anything(), f"The {subject} to check."))
    keys = tuple(_key_field(subject, k) for k in SUBJECT_KEYS[subject])
    if subject in ("quorum", "cau", "cluster"):
        inner = Record(keys, what=f"a mapping of {subject} keys", description=f"The {subject} keys to check.")
        name_kind = Union((name_kind, inner), what=name_kind.expected())
    return Record(
        (Field(subject, name_kind, text, required=True), *keys),
        what=f"a {subject} expectation",
        description=f"Checks a {subject}: " + ", ".join(SUBJECT_KEYS[subject]) + ".",
        tag=subject,
        key_hints=_EXPECTATION_KEY_HINTS,
    )


EXPECTATION_SUBJECTS: Final = tuple(SUBJECT_KEYS)
COMBINATORS: Final = ("all", "any", "not")

DEFINITIONS["expectation"] = Tagged(
    (
        *(_subject(s) for s in EXPECTATION_SUBJECTS),
        Record(
            (Field("all", ListOf(EXPECTATION, what="a list of expectations", min_items=1), "Every one holds.", True),),
            what="all: [expectations]",
            description="All of the expectations hold.",
            tag="all",
            key_hints=_EXPECTATION_KEY_HINTS,
        ),
        Record(
            (Field("any", ListOf(EXPECTATION, what="a list of expectations", min_items=1), "One or more hold.", True),),
            what="any: [expectations]",
            description="At least one of the expectations holds.",
            tag="any",
            key_hints=_EXPECTATION_KEY_HINTS,
        ),
        Record(
            (Field("not", EXPECTATION, "The expectation that must not hold.", True),),
            what="not: {expectation}",
            description="The expectation does not hold.",
            tag="not",
            key_hints=_EXPECTATION_KEY_HINTS,
        ),
    ),
    what="an expectation: a mapping whose first key is one of " + ", ".join((*EXPECTATION_SUBJECTS, *COMBINATORS)),
    description="A condition on the cluster. The first key names the subject (node, role, vm, ...).",
    noun="subject",
)


# steps -------------------------------------------------------------------------------------

WITHIN: Final = Field("within", Duration(), "Retry until true, failing after this much simulated time.", default=None)

QUIZ: Final = Record(
    (
        Field("question", Text(min_length=1, lenient=True), "The question.", required=True),
        Field(
            "choices",
            ListOf(Text(min_length=1, lenient=True, description="One answer."), what="a list of answers", min_items=2),
            "The possible answers, shown numbered from 0.",
            required=True,
        ),
        Field(
            "answer",
            Integer(minimum=0, what="an index into choices, 0 for the first"),
            "The right answer's index.",
            required=True,
        ),
        Field("explain", Text(lenient=True), "Shown after the answer.", default=""),
    ),
    what="a quiz: a mapping with question, choices, answer, explain",
    description="A multiple-choice question.",
)

STEP: Final = Tagged(
    (
        Record(
            (Field("say", Text(lenient=True), "Markdown shown in the lab pane and printed by play.", required=True),),
            what="say: TEXT",
            description="Show text to the learner.",
            tag="say",
        ),
        Record(
            (Field("run", Text(min_length=1, lenient=True), "A console command line.", required=True),),
            what="run: COMMAND",
            description="Run a console command (its output goes to the transcript).",
            tag="run",
        ),
        Record(
            (Field("wait", Duration(), "How much simulated time to let pass.", required=True),),
            what="wait: DURATION",
            description="Advance simulated time.",
            tag="wait",
        ),
        Record(
            (Field("at", Duration(), "The simulated time since lab start to advance to.", required=True),),
            what="at: TIME",
            description="Advance to an absolute simulated time.",
            tag="at",
        ),
        Record(
            (Field("expect", EXPECTATION, "What must be true.", required=True), WITHIN),
            what="expect: {subject: NAME, key: value}",
            description="Check the cluster (retrying until `within` when given).",
            tag="expect",
        ),
        Record(
            (
                Field("task", Text(min_length=1, lenient=True), "What the learner is asked to do.", required=True),
                Field("check", EXPECTATION, "True once the task is done.", required=True),
                Field(
                    "solution", Text(min_length=1, lenient=True), "The command play runs for the learner.", default=None
                ),
                Field("hint", Text(min_length=1, lenient=True), "A nudge shown on request.", default=None),
                Field("within", Duration(), "How long play lets the solution take (default 1 h).", default=None),
            ),
            what="task: TEXT with check",
            description="A walkthrough task: the learner acts, then the check must hold.",
            tag="task",
        ),
        Record(
            (Field("quiz", QUIZ, "The question.", required=True),),
            what="quiz: {question, choices, answer}",
            description="Ask a multiple-choice question.",
            tag="quiz",
        ),
    ),
    what="a step: a mapping with one of say, run, wait, at, expect, task, quiz",
    description="One step of the lab.",
    noun="step",
)

STEP_KINDS: Final = STEP.tags()


# the file ----------------------------------------------------------------------------------

LAB: Final = Record(
    (
        Field("format", Const(FORMAT_VERSION), "The lab format version: 1.", required=True),
        Field(
            "id",
            Name(what="a lab id", pattern=LAB_ID, pattern_help="letters, digits, '.', '_' or '-'"),
            "The lab's id (default: the file name without .yaml).",
            default=None,
        ),
        Field(
            "title", Text(min_length=1, lenient=True), "Title shown in the lab list (default: the id).", default=None
        ),
        Field("summary", Text(lenient=True), "One paragraph shown in the lab list.", default=""),
        Field(
            "objectives",
            ListOf(
                Text(pattern=OBJECTIVE_ID, pattern_help="an objective id such as AZ-801/quorum"),
                what="a list of objective ids",
                unique=True,
            ),
            "Exam objective ids the lab covers, e.g. AZ-801/quorum.",
            default=[],
        ),
        Field("os", Choice(tuple(PROFILES)), "Windows Server release of the nodes.", default=DEFAULT_PROFILE),
        Field("seed", Integer(minimum=0), "Random seed: the same lab and seed replay identically.", default=0),
        Field(
            "clock",
            Timestamp(),
            "Calendar time at lab start (failback windows, CAU schedules).",
            default=DEFAULT_START.strftime("%Y-%m-%d %H:%M"),
        ),
        Field(
            "interactive",
            Boolean(),
            "Run steps behave as in the cockpit's console: commands that would wait (Invoke-CauRun, "
            "Move-ClusterGroup …) return at once and only wait/at steps move the clock. Recorded sessions "
            "(clusterlab export) set it.",
            default=False,
        ),
        Field("cluster", CLUSTER, "The cluster the lab builds.", required=True),
        Field("steps", ListOf(STEP, what="a list of steps"), "What happens, in order.", default=[]),
    ),
    what="a lab: a mapping with format, cluster and steps",
    description="A clusterlab lab: a cluster to build, then a list of steps.",
)


def json_schema() -> JsonSchema:
    """The lab format as a JSON Schema (draft 2020-12) with a description on every property."""
    defs: dict[str, JsonSchema] = {}
    root = LAB.json(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "clusterlab lab file (format 1)",
        **root,
        "$defs": defs,
    }


def main() -> None:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
