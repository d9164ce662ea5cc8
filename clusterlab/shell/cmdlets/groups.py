"""Get-/Move-/Start-/Stop-ClusterGroup, Move-ClusterVirtualMachineRole, Get-/Set-ClusterOwnerNode."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..formatting import View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import FC, INPUT, group_obj, require_target, select, snapshot, wait_for

register_view("ClusterGroup", lambda profile: View(("Name", "OwnerNode", "State")))
register_view("ClusterOwnerNodeList", lambda profile: View(("ClusterObject", "OwnerNodes")))

NAME = Param("Name", kind="strings", position=0, by_property=True, help="Name of the clustered role(s).")


@cmdlet(
    "Get-ClusterGroup",
    "Gets information about one or more clustered roles (resource groups) in a failover cluster.",
    (NAME, INPUT),
    process=False,
    noun_type="GetClusterGroupCommand",
    examples=(
        ("Get-ClusterGroup", "Lists every role with its owner node and state."),
        ("Get-ClusterGroup | Where-Object OwnerNode -eq HV02", "Roles owned by HV02."),
        ("(Get-ClusterGroup SQL01).Priority = 3000", "Makes SQL01 a High-priority role (§3.9)."),
    ),
)
def get_cluster_group(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = snapshot(inv)
    names = select("clustered role", [g.name for g in snap.groups], inv.get("Name"), inv)
    return [group_obj(c, snap.group(n)) for n in names]


def _settled(inv: Invocation, name: str) -> bool:
    g = inv.ctx.cluster.group(name)
    return g.state.value != "Pending" and g.status not in ("Moving", "Waiting to start")


@cmdlet(
    "Move-ClusterGroup",
    "Moves a clustered role (a resource group) from one node to another in a failover cluster.",
    (
        Param("Name", kind="string", position=0, by_property=True, help="Name of the role to move."),
        Param("Node", kind="string", position=1, help="Destination node; omitted = best possible node."),
        Param("IgnoreLocked", kind="switch"),
        Param("Wait", kind="int", help="Seconds to wait (0 = return at once with the role Pending)."),
        INPUT,
    ),
    noun_type="MoveClusterGroupCommand",
    description="For a virtual machine role this is a quick migration: the VM is saved, moved and restored "
    "(OfflineAction Save, §5.5), so its clients see an outage.",
    examples=(
        ("Move-ClusterGroup -Name SQL01 -Node HV03", "Quick-migrates SQL01 to HV03."),
        ("Move-ClusterGroup SQL01", "Moves SQL01 to the best possible node (top of its preferred list, §3.6)."),
    ),
)
def move_cluster_group(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    real = c.group(name).name
    c.move_group(real, inv.get("Node"))
    wait_for(inv, lambda: _settled(inv, real), inv.get("Wait"))
    return [group_obj(c, c.group(real))]


@cmdlet(
    "Move-ClusterVirtualMachineRole",
    "Moves the ownership of a clustered virtual machine to a different node.",
    (
        Param("Name", kind="string", position=0, by_property=True, help="Name of the VM role."),
        Param("Node", kind="string", position=1, help="Destination node."),
        Param(
            "MigrationType",
            kind="enum",
            choices=("Live", "Quick", "Shutdown", "ShutdownForce", "TurnOff"),
            help="How to move it (default Live).",
        ),
        Param("Cancel", kind="switch", help="Cancels a live migration in progress."),
        Param("IgnoreLocked", kind="switch"),
        Param("Wait", kind="int", help="Seconds to wait (0 = return at once)."),
        INPUT,
    ),
    noun_type="MoveClusterVirtualMachineRoleCommand",
)
def move_cluster_vm_role(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    kind = inv.get("MigrationType", "Live")
    real = c.group(name).name
    if inv.switch("Cancel"):
        c.cancel_migration(real)
        return [group_obj(c, c.group(real))]
    if kind == "Live":
        c.live_migrate(real, inv.get("Node"))
        wait_for(inv, lambda: c.vm(real).migration_state in ("None", "Canceled", "Failure"), inv.get("Wait"))
        state = c.vm(real).migration_state
        if state in ("Canceled", "Failure"):
            raise inv.fail(
                f"The live migration of '{real}' ended with MigrationState {state}; the VM is still "
                f"running on {c.group(real).owner}.",
                "OperationStopped",
                real,
            )
        return [group_obj(c, c.group(real))]
    offline = {"Quick": "save", "Shutdown": "shutdown", "ShutdownForce": "shutdown", "TurnOff": "turnoff"}[kind]
    c.move_group(real, inv.get("Node"), offline)
    wait_for(inv, lambda: _settled(inv, real), inv.get("Wait"))
    return [group_obj(c, c.group(real))]


@cmdlet(
    "Start-ClusterGroup",
    "Brings a clustered role online.",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("Wait", kind="int"),
        Param("IgnoreLocked", kind="switch"),
        INPUT,
    ),
    noun_type="StartClusterGroupCommand",
)
def start_cluster_group(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = c.group(require_target(inv)).name
    c.start_group(name)
    wait_for(inv, lambda: _settled(inv, name), inv.get("Wait"))
    return [group_obj(c, c.group(name))]


@cmdlet(
    "Stop-ClusterGroup",
    "Takes a clustered role offline (a VM role is saved: OfflineAction Save).",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("Wait", kind="int"),
        Param("IgnoreLocked", kind="switch"),
        INPUT,
    ),
    noun_type="StopClusterGroupCommand",
)
def stop_cluster_group(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = c.group(require_target(inv)).name
    c.stop_group(name)
    wait_for(inv, lambda: _settled(inv, name), inv.get("Wait"))
    return [group_obj(c, c.group(name))]


def _owner_list(c: Any, obj_name: str, owners: list[str]) -> PSObject:
    return make(FC + "ClusterOwnerNodeList", {"ClusterObject": obj_name, "OwnerNodes": owners})


@cmdlet(
    "Get-ClusterOwnerNode",
    "Gets the preferred owners of a role (-Group) or the possible owners of a resource (-Resource).",
    (
        Param("Resource", kind="string", position=0, help="Resource whose possible owners to list."),
        Param("Group", kind="string", help="Role whose preferred owners to list."),
        Param("ResourceType", kind="string"),
        INPUT,
    ),
    noun_type="GetOwnerNodeCommand",
)
def get_cluster_owner_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = c.snapshot()
    group = inv.get("Group")
    resource = inv.get("Resource")
    obj = inv.get("InputObject")
    if group is None and resource is None and isinstance(obj, PSObject):
        if obj.short_type == "ClusterGroup":
            group = str(obj.get("Name"))
        else:
            resource = str(obj.get("Name"))
    if group is not None:
        g = c.group(group)
        return [_owner_list(c, g.name, list(g.preferred_owners))]
    if resource is not None:
        r = next((r for r in snap.resources if r.name.lower() == resource.lower()), None)
        if r is None:
            raise inv.fail(f"The resource '{resource}' was not found.", "ObjectNotFound", resource)
        return [_owner_list(c, r.name, list(r.possible_owners))]
    raise inv.fail("Specify -Group or -Resource.", "InvalidArgument")


@cmdlet(
    "Set-ClusterOwnerNode",
    "Sets the preferred owners of a role (-Group, in order) or the possible owners of a resource (-Resource).",
    (
        Param("Owners", kind="strings", position=0, mandatory=True, help="Node names, most preferred first."),
        Param("Resource", kind="string", help="Resource whose possible owners to set."),
        Param("Group", kind="string", help="Role whose preferred owners to set."),
        INPUT,
    ),
    noun_type="SetOwnerNodeCommand",
    examples=(
        ("Set-ClusterOwnerNode -Group SQL01 -Owners HV03,HV02", "HV03 first, then HV02 (§3.6)."),
        ("Get-ClusterGroup SQL01 | Set-ClusterOwnerNode -Owners HV01,HV02", "Same, through the pipeline."),
    ),
)
def set_cluster_owner_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    owners = inv.get("Owners") or []
    group = inv.get("Group")
    resource = inv.get("Resource")
    obj = inv.get("InputObject")
    if group is None and resource is None and isinstance(obj, PSObject):
        if obj.short_type == "ClusterGroup":
            group = str(obj.get("Name"))
        else:
            resource = str(obj.get("Name"))
    if group is not None:
        c.set_preferred_owners(group, owners)
    elif resource is not None:
        c.set_possible_owners(resource, owners)
    else:
        raise inv.fail("Specify -Group or -Resource.", "InvalidArgument")
    return []


@cmdlet(
    "Add-ClusterScaleOutFileServerRole",
    "Creates a Scale-Out File Server role (continuously available shares on the CSVs).",
    (
        Param("Name", kind="string", position=0, mandatory=True, help="The role's client access point name."),
        Param("Wait", kind="int", help="Seconds to wait for the role to come online (0 = return at once)."),
    ),
    process=False,
    noun_type="AddClusterScaleOutFileServerRoleCommand",
    examples=(("Add-ClusterScaleOutFileServerRole -Name SOFS2", "A new SOFS role, online on the best node."),),
)
def add_cluster_sofs_role(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = inv.get("Name")
    if not name:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: Name.", "InvalidArgument"
        )
    role = c.add_file_server_role(str(name), scale_out=True)
    wait_for(inv, lambda: c.group(role).state.value in ("Online", "Failed"), inv.get("Wait"))
    return [group_obj(c, c.group(role))]


@cmdlet(
    "Remove-ClusterGroup",
    "Removes a clustered role (resource group) from the failover cluster.",
    (
        NAME,
        Param("RemoveResources", kind="switch", help="Also deletes the role's resources (required when it has any)."),
        Param("Force", kind="switch", help="Do not ask for confirmation (clusterlab never asks)."),
        INPUT,
    ),
    noun_type="RemoveClusterGroupCommand",
    description="The role is taken offline and deleted from the cluster configuration. Virtual machine roles "
    "are not removed in clusterlab (the VM would live on outside the cluster, which is not simulated).",
    examples=(("Remove-ClusterGroup -Name SOFS2 -RemoveResources -Force", "Deletes the SOFS2 role."),),
)
def remove_cluster_group(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = inv.get("Name") or [require_target(inv)]
    for name in names:
        c.remove_group(str(name), remove_resources=inv.switch("RemoveResources"))
    return []
