"""Get-/Start-/Stop-ClusterResource (§11.3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from clusterlab.sim import Cluster, ResourceSnapshot

from ..formatting import View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import FC, INPUT, NONE_ID, guid, require_target, select


def _view(profile: str) -> View:
    # §11.3/§13.11: the group column is "Group" on 2012 R2 and "OwnerGroup" from 2016.
    return View(("Name", "State", "Group" if profile in ("2012", "2012R2") else "OwnerGroup", "ResourceType"))


register_view("ClusterResource", _view)


def resource_obj(c: Cluster, r: ResourceSnapshot) -> PSObject:
    vm = r.resource_type == "Virtual Machine"
    return make(
        FC + "ClusterResource",
        {
            "Name": r.name,
            "State": r.state.value,
            "OwnerGroup": r.group,
            "Group": r.group,
            "ResourceType": r.resource_type,
            "Cluster": c.name,
            "IsCoreResource": r.group == "Cluster Group",
            "IsNetworkClassResource": r.resource_type in ("IP Address", "Network Name"),
            "IsStorageClassResource": r.resource_type == "Physical Disk",
            "OwnerNode": r.owner,
            "Description": "",
            "MaintenanceMode": c.csv_in_maintenance(r.name),
            "RestartAction": 2,
            "RestartThreshold": r.restart_threshold,
            "RestartDelay": 500,
            "RestartPeriod": 900000,
            "RetryPeriodOnFailure": 3600000,
            "PendingTimeout": 180000,
            "DeadlockTimeout": 300000,
            "LooksAlivePollInterval": NONE_ID,
            "IsAlivePollInterval": NONE_ID,
            "Id": guid(r.name),
            **({"OfflineAction": c.offline_action(r.group)} if vm else {}),
        },
    )


@cmdlet(
    "Get-ClusterResource",
    "Gets information about one or more resources in a failover cluster.",
    (Param("Name", kind="strings", position=0, by_property=False, help="Resource name(s)."), INPUT),
    process=False,
    noun_type="GetResourceCommand",
    examples=(
        ("Get-ClusterResource", "Every resource with its state, role and type."),
        ("Get-ClusterResource 'Cluster Name' | Format-List *", "All properties, incl. the restart policy (§3.3)."),
    ),
)
def get_cluster_resource(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = c.snapshot()
    by_name = {r.name: r for r in snap.resources}
    obj_list = inv.input
    if obj_list and not inv.has("Name"):
        out: list[PSObject] = []
        for obj in obj_list:
            if isinstance(obj, PSObject) and obj.short_type == "ClusterGroup":
                out.extend(resource_obj(c, r) for r in snap.resources if r.group == obj.get("Name"))
        return out
    names = select("resource", list(by_name), inv.get("Name"), inv)
    return [resource_obj(c, by_name[n]) for n in names]


@cmdlet(
    "Start-ClusterResource",
    "Brings a resource online (its whole role starts, as in clusterlab every resource of a role moves together).",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("Wait", kind="int"),
        Param("IgnoreLocked", kind="switch"),
        INPUT,
    ),
    noun_type="StartResourceCommand",
)
def start_cluster_resource(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    res = _resource(c, name, inv)
    c.start_group(res.group)
    return [resource_obj(c, _resource(c, name, inv))]


@cmdlet(
    "Stop-ClusterResource",
    "Takes a resource offline (its role goes offline with it).",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("Wait", kind="int"),
        Param("IgnoreLocked", kind="switch"),
        INPUT,
    ),
    noun_type="StopResourceCommand",
)
def stop_cluster_resource(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    res = _resource(c, name, inv)
    c.stop_group(res.group)
    return [resource_obj(c, _resource(c, name, inv))]


@cmdlet(
    "Test-ClusterResourceFailure",
    "Simulates a failure of a resource: it goes Failed and its restart policy acts as on a real failure "
    "(restart on the same node, then fail over the role, §3.3).",
    (Param("Name", kind="string", position=0, by_property=True), INPUT),
    noun_type="TestClusterResourceFailureCommand",
    examples=(
        ("Test-ClusterResourceFailure 'Virtual Machine SQL01'", "SQL01's VM resource fails: restarted in place."),
        ("Get-ClusterResource 'Cluster Name' | Test-ClusterResourceFailure", "Test the core network name."),
    ),
)
def test_cluster_resource_failure(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    res = _resource(c, name, inv)
    c.fail_resource(res.name)
    return [resource_obj(c, _resource(c, name, inv))]


register_view("ClusterResourceDependency", lambda profile: View(("Resource", "DependencyExpression")))

#: §3.5: what each resource type depends on, within its group (dependents come online last).
_DEPENDS_ON = {
    "Network Name": ("IP Address",),
    "File Server": ("Network Name",),
    "Scale Out File Server": ("Distributed Network Name",),
    "Virtual Machine": ("Virtual Machine Configuration",),
}


def dependency_expression(r: ResourceSnapshot, group: Iterable[ResourceSnapshot]) -> str:
    """The default dependency expression the cluster gives ``r`` ("" = none), e.g.
    ``([Cluster IP Address])``. A VM's dependency on its CSV is implicit (§3.5): the CSV is not in
    the group."""
    wanted = _DEPENDS_ON.get(r.resource_type, ())
    names = [x.name for x in group if x.resource_type in wanted and x.name != r.name]
    return "(" + ") and (".join(f"[{n}]" for n in names) + ")" if names else ""


@cmdlet(
    "Get-ClusterResourceDependency",
    "Gets the dependency expression of a resource: what must be online in its role before it (§3.5).",
    (Param("Resource", kind="strings", position=0, help="Resource name(s)."), INPUT),
    process=False,
    noun_type="GetClusterResourceDependencyCommand",
    examples=(
        ("Get-ClusterResourceDependency 'Cluster Name'", "([Cluster IP Address]): a network name needs its IP."),
        ("Get-ClusterGroup SQL01 | Get-ClusterResource | Get-ClusterResourceDependency", "A VM role's chain."),
    ),
)
def get_cluster_resource_dependency(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = c.snapshot()
    by_name = {r.name: r for r in snap.resources}
    chosen: list[str] = []
    for obj in inv.input:
        if isinstance(obj, PSObject) and obj.short_type == "ClusterResource":
            chosen.append(str(obj.get("Name")))
    if inv.has("Resource") or not chosen:
        chosen.extend(select("resource", list(by_name), inv.get("Resource"), inv))
    by_group: dict[str, list[ResourceSnapshot]] = {}
    for x in snap.resources:
        by_group.setdefault(x.group, []).append(x)
    out = []
    for name in dict.fromkeys(chosen):
        r = by_name.get(name)
        if r is None:
            continue
        group = by_group[r.group]
        out.append(
            make(
                FC + "ClusterResourceDependency",
                {"Resource": r.name, "DependencyExpression": dependency_expression(r, group)},
            )
        )
    return out


def _resource(c: Cluster, name: str, inv: Invocation) -> ResourceSnapshot:
    for r in c.snapshot().resources:
        if r.name.lower() == name.lower():
            return r
    raise inv.fail(f"The resource '{name}' was not found.", "ObjectNotFound", name)
