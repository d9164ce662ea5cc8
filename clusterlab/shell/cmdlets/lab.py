"""Lab-only cmdlets: faults no real cmdlet causes, and their repair (lab-format.md).

They use the ``Lab`` noun prefix so nobody mistakes them for product cmdlets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..formatting import View, register_view
from ..objects import make
from ..registry import Invocation, Param, cmdlet
from ._common import node_obj


def _exactly_one(inv: Invocation, choices: tuple[str, ...], what: str) -> str:
    given = [c for c in choices if inv.has(c) and (inv.get(c) is not False)]
    if len(given) != 1:
        raise inv.fail(f"Specify exactly one {what}: " + ", ".join(f"-{c}" for c in choices) + ".", "InvalidArgument")
    return given[0]


@cmdlet(
    "Invoke-LabFault",
    "Lab-only: breaks something on purpose — crash or isolate a node, split the networks, fail the witness, "
    "fail a resource.",
    (
        Param("Node", kind="string", help="The node the fault hits."),
        Param("Crash", kind="switch", help="Power loss / bugcheck: survivors notice after the heartbeat threshold."),
        Param("Isolate", kind="switch", help="Cut the node from every cluster network (or from -Network)."),
        Param("Network", kind="string", help="With -Isolate: only this network."),
        Param(
            "ClusSvcCrash",
            kind="switch",
            help="With -Node: the Cluster service terminates; VMs keep running; it restarts after 60 s (§7.3).",
        ),
        Param(
            "Partition",
            kind="strings",
            help="Split the cluster networks into groups, e.g. -Partition 'HV01,HV02','HV03,HV04'.",
        ),
        Param("Witness", kind="switch", help="The witness (disk, share or cloud) becomes unreachable."),
        Param("Resource", kind="string", help="A resource (or VM name) fails now."),
        Param("StoragePath", kind="string", help="With -Node: the node loses its path to this CSV."),
        Param("VM", kind="string", help="The VM the guest fault hits (with -Service or -GuestCrash)."),
        Param("Service", kind="string", help="With -VM: this service inside the guest terminates."),
        Param("GuestCrash", kind="switch", help="With -VM: the guest OS stops responding (heartbeat lost)."),
        Param("SwitchUplink", kind="string", help="With -Node: this virtual switch loses its physical uplink."),
        Param(
            "BadUpdate",
            kind="switch",
            help="With -Node: the next update installed on the node leaves it unable to boot (CAU, §8.4).",
        ),
        Param(
            "UpdateFailure",
            kind="switch",
            help="With -Node: the next update installation(s) fail (-Count, default 1) — CAU retries (§8.4).",
        ),
        Param(
            "Count",
            kind="int",
            help="With -Resource: it also fails its next Count-1 online attempts; with -UpdateFailure: how many.",
        ),
    ),
    module="Lab",
    lab_only=True,
    process=False,
    description="Faults that no real cmdlet causes. Repair-LabFault undoes them.",
    examples=(
        ("Invoke-LabFault -Node HV02 -Crash", "HV02 loses power."),
        ("Invoke-LabFault -Node HV02 -Isolate", "HV02 is cut from every cluster network."),
        (
            "Invoke-LabFault -Node HV02 -ClusSvcCrash",
            "ClusSvc dies on HV02; 2016+ isolates it instead of failing over.",
        ),
        ("Invoke-LabFault -Partition 'HV01,HV02','HV03,HV04'", "A 2|2 split."),
        ("Invoke-LabFault -Witness", "The witness becomes unreachable."),
        ("Invoke-LabFault -Node HV02 -StoragePath CSV1", "HV02 loses its Fibre Channel path to CSV1."),
        ("Invoke-LabFault -Resource SQL01 -Count 2", "SQL01's VM fails twice: restart, then failover (§3.3)."),
        ("Invoke-LabFault -Node HV03 -BadUpdate", "HV03 will not boot after its next update: watch CAU stop."),
    ),
)
def invoke_lab_fault(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    kind = _exactly_one(
        inv,
        (
            "Crash",
            "Isolate",
            "ClusSvcCrash",
            "Partition",
            "Witness",
            "Resource",
            "StoragePath",
            "Service",
            "GuestCrash",
            "SwitchUplink",
            "BadUpdate",
            "UpdateFailure",
        ),
        "fault",
    )
    if kind in ("BadUpdate", "UpdateFailure"):
        node = inv.get("Node")
        if not node:
            raise inv.fail(f"-{kind} needs -Node.", "InvalidArgument")
        if kind == "BadUpdate":
            c.arm_bad_update(str(node))
        else:
            c.arm_update_failure(str(node), int(inv.get("Count", 1)))
        return []
    if kind == "SwitchUplink":
        node = inv.get("Node")
        if not node:
            raise inv.fail("-SwitchUplink needs -Node.", "InvalidArgument")
        c.lose_switch_uplink(str(node), str(inv.get("SwitchUplink")))
        return []
    if kind in ("Service", "GuestCrash"):
        vm = inv.get("VM")
        if not vm:
            raise inv.fail(f"-{kind} needs -VM.", "InvalidArgument")
        if kind == "Service":
            c.fail_guest_service(str(vm), str(inv.get("Service")))
        else:
            c.crash_guest(str(vm))
        return []
    if kind == "StoragePath":
        node = inv.get("Node")
        if not node:
            raise inv.fail("-StoragePath needs -Node.", "InvalidArgument")
        c.lose_storage_path(node, str(inv.get("StoragePath")))
        return []
    if kind in ("Crash", "Isolate", "ClusSvcCrash"):
        node = inv.get("Node")
        if not node:
            raise inv.fail(f"-{kind} needs -Node.", "InvalidArgument")
        if kind == "Crash":
            c.crash_node(node)
        elif kind == "ClusSvcCrash":
            c.crash_clussvc(node)
        else:
            c.isolate_node(node, inv.get("Network"))
        return []
    if kind == "Partition":
        groups = [[n.strip() for n in g.split(",") if n.strip()] for g in inv.get("Partition")]
        c.partition_networks(groups)
        return []
    if kind == "Witness":
        c.fail_witness()
        return []
    c.fail_resource(str(inv.get("Resource")), count=int(inv.get("Count", 1)), node=inv.get("Node"))
    return []


register_view("LabGuestCluster", lambda profile: View(("Name", "Role", "State", "OwnerVM", "Members", "Failovers")))


@cmdlet(
    "Get-LabGuestCluster",
    "Lab-only: the guest clusters (VMs clustered among themselves) as their own cluster sees them — what "
    "Get-ClusterGroup shows inside the guests.",
    (Param("Name", kind="strings", position=0, help="Only these guest clusters."),),
    module="Lab",
    lab_only=True,
    process=False,
    examples=(("Get-LabGuestCluster | Format-List *", "Owner VM, members down, shared disks, threshold."),),
)
def get_lab_guest_cluster(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    wanted = [str(x).lower() for x in inv.get("Name") or []]
    out = []
    for gc in c.guest_clusters():
        if wanted and gc.name.lower() not in wanted:
            continue
        out.append(
            make(
                "ClusterLab.GuestCluster",
                {
                    "Name": gc.name,
                    "Role": gc.role,
                    "State": gc.state,
                    "OwnerVM": gc.owner or "",
                    "Members": list(gc.members),
                    "MembersDown": list(gc.members_down),
                    "MembersWithSharedDisks": list(gc.ready),
                    "SharedVhdx": [f"{f} on {csv}" for f, csv in gc.shared],
                    "HeartbeatThreshold": gc.threshold_s,
                    "Failovers": gc.failovers,
                },
            )
        )
    return out


@cmdlet(
    "Set-LabGuestCluster",
    "Lab-only: what (Get-Cluster).SameSubnetThreshold = N does inside a guest cluster (seconds at 1 s delay).",
    (
        Param("Name", kind="string", position=0, help="The guest cluster."),
        Param("HeartbeatThreshold", kind="float", help="Seconds of missed heartbeats before a member is down."),
    ),
    module="Lab",
    lab_only=True,
    process=False,
    examples=(
        ("Set-LabGuestCluster -Name SQLGC -HeartbeatThreshold 20", "Rides out long live-migration blackouts [S67]."),
    ),
)
def set_lab_guest_cluster(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = inv.get("Name")
    if not name or not inv.has("HeartbeatThreshold"):
        raise inv.fail("Give -Name and -HeartbeatThreshold.", "InvalidArgument")
    c.set_guest_threshold(str(name), float(inv.get("HeartbeatThreshold")))
    return []


@cmdlet(
    "Repair-LabFault",
    "Lab-only: undoes faults — power a node on and reconnect it, restore the witness, heal the networks.",
    (
        Param(
            "Node",
            kind="string",
            help="Power the node on (if off), reconnect it, restore its storage paths, roll back a bad update.",
        ),
        Param("Witness", kind="switch", help="The witness is reachable again."),
        Param("Network", kind="switch", help="Heal every partition and isolation."),
        Param("All", kind="switch", help="Everything above, for every node."),
    ),
    module="Lab",
    lab_only=True,
    process=False,
    examples=(
        ("Repair-LabFault -Node HV02", "Powers HV02 on; it boots, joins and fails roles back (§3.8)."),
        ("Repair-LabFault -All", "Undo every fault."),
    ),
)
def repair_lab_fault(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    kind = _exactly_one(inv, ("Node", "Witness", "Network", "All"), "thing to repair")
    if kind == "Node":
        c.repair_node(str(inv.get("Node")))
    elif kind == "Witness":
        c.restore_witness()
    elif kind == "Network":
        c.heal_network()
    else:
        c.repair_all()
    return []


@cmdlet(
    "Start-LabNode",
    "Lab-only: powers a node on (it boots, then its Cluster service starts and joins).",
    (Param("Name", kind="string", position=0, mandatory=True),),
    module="Lab",
    lab_only=True,
    process=False,
)
def start_lab_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = inv.get("Name")
    if not name:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: Name.", "InvalidArgument"
        )
    c.power_on_node(str(name))
    return [node_obj(c, c.node(str(name)))]
