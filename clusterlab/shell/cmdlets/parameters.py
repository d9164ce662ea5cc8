"""Get-ClusterParameter / Set-ClusterParameter: the private properties of a resource (§3.13) or
of a resource type, and Get-ClusterResourceType.

The values follow the simulation (a VM's MigrationState and MigrationProgress move with its live
migration, a witness shows its share or storage account, addresses follow the lab's 10.0.<network>.x
plan). Only what the simulation acts on can be set: a VM resource's OfflineAction, and the Virtual
Machine resource type's MigrationExcludeNetworks (the networks live migration may not use, [S29]).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from clusterlab.sim import Cluster, ClusterSnapshot, ResourceSnapshot

from ..formatting import View, register_view
from ..objects import PSObject, flatten, make
from ..registry import Invocation, Param, cmdlet
from ._common import FC, INPUT, guid, require_target, select
from .cluster import network_address

register_view("ClusterParameter", lambda profile: View(("Object", "Name", "Value", "Type")))
register_view("ClusterResourceType", lambda profile: View(("Name", "DisplayName")))

#: §3.13 MigrationState values of the VM resource.
MIGRATION_STATES = {"None": 0, "Setup": 1, "DataTransfer": 2, "Move": 3, "Canceled": 4, "Failure": 5}

#: Private properties whose value the simulation uses when they change.
SETTABLE = {("Virtual Machine", "offlineaction"), ("type:Virtual Machine", "migrationexcludenetworks")}

#: Resource types of a Hyper-V cluster, whether or not a resource of the type exists yet.
BASE_TYPES = (
    "Distributed Network Name",
    "File Server",
    "File Share Witness",
    "IP Address",
    "Network Name",
    "Physical Disk",
    "Scale Out File Server",
    "Virtual Machine",
    "Virtual Machine Cluster WMI",
    "Virtual Machine Configuration",
)


class _Type:
    """A resource type as a Get-ClusterParameter target (its private properties are cluster-wide)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.resource_type = "type:" + name


def _resource(by_name: dict[str, ResourceSnapshot], obj: Any) -> ResourceSnapshot | _Type | None:
    """The piped resource (``by_name``: the snapshot's resources by lower-case name) or type."""
    if isinstance(obj, PSObject) and obj.short_type == "ClusterResourceType":
        return _Type(str(obj.get("Name")))
    name = obj.get("Name") if isinstance(obj, PSObject) and obj.short_type == "ClusterResource" else None
    return by_name.get(str(name).lower()) if name else None


def _by_name(snap: ClusterSnapshot) -> dict[str, ResourceSnapshot]:
    return {r.name.lower(): r for r in snap.resources}


def _network_ids(snap: ClusterSnapshot, used: bool) -> str:
    """Live migration uses the networks marked for it, or every cluster network when none is."""
    nets = snap.networks
    marked = [n for n in nets if n.live_migration] or [n for n in nets if n.role != "None"]
    chosen = [n for n in nets if (n in marked) == used]
    return ";".join(guid(n.name) for n in sorted(chosen, key=lambda n: n.metric))


def _type_private(snap: ClusterSnapshot, t: _Type) -> list[tuple[str, Any, str]]:
    if t.name != "Virtual Machine":
        return []
    return [
        ("MigrationExcludeNetworks", _network_ids(snap, False), "String"),
        ("MigrationNetworkOrder", _network_ids(snap, True), "String"),
    ]


def _ip_address(snap: ClusterSnapshot, r: ResourceSnapshot) -> list[tuple[str, Any, str]]:
    nets = snap.networks
    client = next((i for i, n in enumerate(nets, 1) if n.role == "ClusterAndClient"), 1)
    ips = [x.name for x in snap.resources if x.resource_type == "IP Address"]
    host = 10 if r.name == "Cluster IP Address" else 20 + ips.index(r.name)  # nodes are .11 and up
    network = nets[client - 1].name if nets else ""
    return [
        ("Network", network or f"Cluster Network {client}", "String"),
        ("Address", network_address(client, host), "String"),
        ("SubnetMask", "255.255.255.0", "String"),
        ("EnableDhcp", 0, "UInt32"),
        ("OverrideAddressMatch", 0, "UInt32"),
    ]


def _private(c: Cluster, snap: ClusterSnapshot, r: ResourceSnapshot | _Type) -> list[tuple[str, Any, str]]:
    """(name, value, type) of ``r``'s private properties."""
    if isinstance(r, _Type):
        return _type_private(snap, r)
    t = r.resource_type
    if t == "Virtual Machine":
        vm = c.vm(r.group)
        return [
            ("VmID", guid("vm:" + r.group), "String"),
            ("OfflineAction", c.offline_action(r.group), "UInt32"),
            ("ShutdownAction", 0, "UInt32"),
            ("CheckHeartbeat", 1, "UInt32"),  # the simulation acts on a lost guest heartbeat (§7.1)
            ("MigrationState", MIGRATION_STATES.get(vm.migration_state, 0), "UInt32"),
            ("MigrationProgress", int(vm.migration_progress), "UInt32"),
            ("MigrationFailureReason", 0, "UInt32"),
        ]
    if t == "Virtual Machine Configuration":
        vm = c.vm(r.group)
        root = f"C:\\ClusterStorage\\{vm.csv}\\{r.group}" if vm.csv else "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V"
        return [
            ("VmID", guid("vm:" + r.group), "String"),
            ("ConfigStoreRootPath", root, "String"),
            ("OfflineAction", c.offline_action(r.group), "UInt32"),
        ]
    if t == "IP Address":
        return _ip_address(snap, r)
    if t in ("Network Name", "Distributed Network Name"):
        name = c.name if r.group == "Cluster Group" else r.group
        return [
            ("Name", name, "String"),
            ("DnsName", name, "String"),
            ("RegisterAllProvidersIP", 1 if t == "Distributed Network Name" else 0, "UInt32"),
            ("HostRecordTTL", 1200, "UInt32"),
        ]
    if t == "File Share Quorum Witness":
        return [("SharePath", c.witness_path, "String")]
    if t == "Cloud Witness":
        return [
            ("AccountName", c.witness_path, "String"),
            ("EndpointInfo", "core.windows.net", "String"),
            ("ContainerName", "msft-cloud-witness", "String"),
        ]
    if t == "Physical Disk":
        return [
            ("DiskIdType", 0, "UInt32"),
            ("DiskSignature", "0x" + guid("disk:" + r.name)[:8].upper(), "String"),
            ("MaintenanceMode", int(c.csv_in_maintenance(r.name)), "UInt32"),
        ]
    return []


def _parameter(r: ResourceSnapshot | _Type, name: str, value: Any, kind: str) -> PSObject:
    return make(
        FC + "ClusterParameter",
        {
            "ClusterObject": r.name,
            "Object": r.name,
            "Name": name,
            "IsReadOnly": (r.resource_type, name.lower()) not in SETTABLE,
            "ParameterType": kind,
            "Type": kind,
            "Value": value,
        },
    )


@cmdlet(
    "Get-ClusterParameter",
    "Gets the private properties of a clustered resource (pipe it from Get-ClusterResource, §3.13).",
    (Param("Name", kind="strings", position=0, help="Only these properties."), INPUT),
    process=False,
    noun_type="GetClusterParameterCommand",
    examples=(
        ("Get-ClusterResource 'Virtual Machine SQL01' | Get-ClusterParameter", "OfflineAction, MigrationState…"),
        ("Get-ClusterResource 'File Share Witness' | Get-ClusterParameter SharePath", "The witness share."),
    ),
)
def get_cluster_parameter(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = c.snapshot()
    by_name = _by_name(snap)
    resources = [r for r in (_resource(by_name, obj) for obj in inv.input) if r is not None]
    if not resources:
        raise inv.fail(
            "Pipe a resource to it, e.g. Get-ClusterResource 'Cluster Name' | Get-ClusterParameter.",
            "InvalidArgument",
        )
    wanted = {str(n).lower() for n in inv.get("Name") or []}
    out: list[PSObject] = []
    for r in resources:
        for name, value, kind in _private(c, snap, r):
            if not wanted or name.lower() in wanted:
                out.append(_parameter(r, name, value, kind))
    unknown = wanted - {p.get("Name").lower() for p in out}
    if unknown:
        raise inv.fail(
            f"The resource has no private property '{sorted(unknown)[0]}'.", "ObjectNotFound", sorted(unknown)[0]
        )
    return out


@cmdlet(
    "Set-ClusterParameter",
    "Sets a private property of a clustered resource; here a VM resource's OfflineAction (§3.13).",
    (
        Param("Name", kind="string", position=0, help="The property, e.g. OfflineAction."),
        Param("Value", kind="object", position=1, help="Its new value."),
        Param("Create", kind="switch"),
        Param("Delete", kind="switch"),
        INPUT,
    ),
    noun_type="SetClusterParameterCommand",
    examples=(
        (
            "Get-ClusterResource 'Virtual Machine SQL01' | Set-ClusterParameter OfflineAction 2",
            "Stop-/Move-ClusterGroup shut SQL01's guest down instead of saving it.",
        ),
    ),
)
def set_cluster_parameter(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    obj = inv.get("InputObject")
    snap = c.snapshot()
    r = _resource(_by_name(snap), obj)
    if r is None:
        raise inv.fail(
            "Pipe a resource to it, e.g. Get-ClusterResource 'Virtual Machine SQL01' | Set-ClusterParameter "
            "OfflineAction 2.",
            "InvalidArgument",
        )
    name = require_target(inv)
    if inv.switch("Create") or inv.switch("Delete"):
        raise inv.fail("Creating or deleting private properties is not simulated.", "InvalidOperation", name)
    known = {n.lower(): n for n, _, _ in _private(c, snap, r)}
    if name.lower() not in known:
        raise inv.fail(f"The resource '{r.name}' has no private property '{name}'.", "ObjectNotFound", name)
    if (r.resource_type, name.lower()) not in SETTABLE:
        raise inv.fail(
            f"'{known[name.lower()]}' of '{r.name}' is read-only in this lab: the simulation derives it. "
            "OfflineAction of a Virtual Machine resource can be set.",
            "InvalidOperation",
            name,
        )
    value = inv.get("Value")
    if value is None:
        raise inv.fail("Cannot process command because of one or more missing mandatory parameters: Value.")
    if isinstance(r, _Type):
        c.set_migration_excluded_networks(_networks_named(c, value, inv))
        return []
    try:
        number = int(str(value))
    except ValueError:
        raise inv.fail(f"OfflineAction takes a number (0-3), not '{value}'.", "InvalidArgument", str(value)) from None
    c.set_offline_action(r.group, number)
    return []


def _networks_named(c: Cluster, value: Any, inv: Invocation) -> list[str]:
    """Network IDs (as Get-ClusterNetwork shows them) or names, separated by ';' or ','."""
    by_key = {}
    for n in c.snapshot().networks:
        by_key[guid(n.name).lower()] = n.name
        by_key[n.name.lower()] = n.name
    out: list[str] = []
    for item in flatten([value]):
        for part in str(item).replace(",", ";").split(";"):
            key = part.strip().lower()
            if not key:
                continue
            if key not in by_key:
                raise inv.fail(f"'{part.strip()}' is not the Id or name of a cluster network.", "ObjectNotFound", part)
            out.append(by_key[key])
    return out


@cmdlet(
    "Get-ClusterResourceType",
    "Gets the resource types of the cluster; pipe Virtual Machine to Get-/Set-ClusterParameter for its "
    "live-migration networks ([S29]).",
    (Param("Name", kind="strings", position=0, help="Type name(s)."),),
    process=False,
    noun_type="GetClusterResourceTypeCommand",
    examples=(
        (
            "Get-ClusterResourceType 'Virtual Machine' | Get-ClusterParameter",
            "MigrationExcludeNetworks and MigrationNetworkOrder: which networks live migration uses.",
        ),
        (
            "Get-ClusterResourceType 'Virtual Machine' | Set-ClusterParameter MigrationExcludeNetworks "
            "(Get-ClusterNetwork Management).Id",
            "Keep live migration off the management network [S29].",
        ),
    ),
)
def get_cluster_resource_type(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = sorted({*BASE_TYPES, *(r.resource_type for r in c.snapshot().resources)})
    chosen = select("resource type", names, inv.get("Name"), inv)
    return [make(FC + "ClusterResourceType", {"Name": n, "DisplayName": n, "Cluster": c.name}) for n in chosen]
