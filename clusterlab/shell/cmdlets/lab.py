"""Lab-only cmdlets: faults no real cmdlet causes, and their repair (lab-format.md).

They use the ``Lab`` noun prefix so nobody mistakes them for product cmdlets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from clusterlab.sim import PROFILES, Cluster, ConfigBackup, ServerSnapshot

from ..formatting import View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import node_obj, select, wait_for


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
    "Lab-only: powers a node on (it boots, then its Cluster service starts and joins); a server that is not a "
    "node just boots.",
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
    server = next((s for s in c.servers() if s.name.lower() == str(name).lower()), None)
    if server is not None:  # a server outside the cluster (evicted while off): it just boots
        return [server_obj(server)]
    return [node_obj(c, c.node(str(name)))]


# Cluster OS Rolling Upgrade (§9.1) -----------------------------------------------------------------

register_view("LabServer", lambda profile: View(("Name", "OperatingSystem", "State", "MemoryGB")))
register_view("LabClusterConfigBackup", lambda profile: View(("Name", "Taken", "Roles", "FunctionalLevel")))


def server_obj(s: ServerSnapshot) -> PSObject:
    return make(
        "ClusterLab.LabServer",
        {
            "Name": s.name,
            "OperatingSystem": s.os_display,
            "OS": s.os,
            "State": s.state,
            "MemoryGB": s.memory_gb,
            "Cpus": s.cpus,
        },
    )


@cmdlet(
    "Install-LabNodeOS",
    "Lab-only: clean-installs a server that is not a cluster node (an evicted node, or a new server) with a "
    "Windows Server release, with Hyper-V and Failover Clustering.",
    (
        Param("Name", kind="string", position=0, mandatory=True, help="The server: an evicted node or a new name."),
        Param("OS", kind="enum", position=1, mandatory=True, choices=tuple(PROFILES), help="The release to install."),
        Param("MemoryGB", kind="float", help="A new server's memory (default: like the cluster's first node)."),
        Param("Cpus", kind="int", help="A new server's logical processors (default: like the first node)."),
        Param("Wait", kind="switch", help="Waits until the installation has finished."),
    ),
    module="Lab",
    lab_only=True,
    process=False,
    description="Cluster OS Rolling Upgrade step 2 (§9.1): evict the node (Remove-ClusterNode), reinstall it "
    "with the next release (in-place upgrades are discouraged and not simulated), then Add-ClusterNode. The "
    "installation takes 20 simulated minutes.",
    examples=(
        ("Install-LabNodeOS -Name HV01 -OS 2016", "Reinstalls the evicted HV01 with Windows Server 2016."),
        ("Install-LabNodeOS -Name HV05 -OS 2016 -MemoryGB 512", "Racks and installs a new server HV05."),
    ),
)
def install_lab_node_os(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = inv.get("Name")
    os_name = inv.get("OS")
    if not name or not os_name:
        missing = ", ".join(p for p, v in (("Name", name), ("OS", os_name)) if not v)
        raise inv.fail(
            f"Cannot process command because of one or more missing mandatory parameters: {missing}.",
            "InvalidArgument",
        )
    memory = inv.get("MemoryGB")
    cpus = inv.get("Cpus")
    c.install_node_os(
        str(name),
        str(os_name),
        memory_gb=float(memory) if memory is not None else None,
        cpus=int(cpus) if cpus is not None else None,
    )
    server = next(s for s in c.servers() if s.name.lower() == str(name).lower())
    if inv.switch("Wait"):
        wait_for(inv, _installed(c, server.name))
    else:
        c.advance(0)
    return [server_obj(next(s for s in c.servers() if s.name == server.name))]


def _installed(c: Cluster, name: str) -> Callable[[], bool]:
    return lambda: any(s.name == name and s.state != "Installing" for s in c.servers())


@cmdlet(
    "Get-LabServer",
    "Lab-only: the lab's servers that are not cluster nodes (evicted nodes, spares) with their release and state.",
    (Param("Name", kind="strings", position=0, help="Server name(s); wildcards allowed."),),
    module="Lab",
    lab_only=True,
    process=False,
    examples=(("Get-LabServer", "Which servers are being installed or are ready for Add-ClusterNode."),),
)
def get_lab_server(inv: Invocation) -> Iterable[Any]:
    servers = {s.name: s for s in inv.ctx.cluster.servers()}
    names = select("server", list(servers), inv.get("Name"), inv)
    return [server_obj(servers[n]) for n in names]


# Cluster configuration backup and restore (§9.3) ---------------------------------------------------


def backup_obj(b: ConfigBackup) -> PSObject:
    return make(
        "ClusterLab.LabClusterConfigBackup",
        {
            "Name": b.label,
            "Taken": b.taken_at,
            "Roles": len(b.groups),
            "FunctionalLevel": PROFILES[b.functional_level_os].functional_level,
            "Witness": b.witness_type.value,
        },
    )


@cmdlet(
    "Backup-LabClusterConfig",
    "Lab-only: backs up the cluster configuration (the cluster database of a system-state backup).",
    (Param("Name", kind="string", position=0, help="A name for the backup (default: its date and time)."),),
    module="Lab",
    lab_only=True,
    process=False,
    description="§9.3: needs a running cluster with quorum (else event 1540). It records the configuration "
    "the cluster database holds — roles and their policies (preferred and possible owners, failback, "
    "priority, anti-affinity, persistent state), VM monitoring items, quorum and witness settings, node "
    "weights, network roles and the cluster common properties — not where roles run or which nodes are up.",
    examples=(("Backup-LabClusterConfig -Name before-change", "Backs up the configuration as 'before-change'."),),
)
def backup_lab_cluster_config(inv: Invocation) -> Iterable[Any]:
    name = inv.get("Name")
    return [backup_obj(inv.ctx.cluster.backup_config(str(name) if name is not None else None))]


@cmdlet(
    "Get-LabClusterConfigBackup",
    "Lab-only: lists the cluster configuration backups taken with Backup-LabClusterConfig.",
    (Param("Name", kind="strings", position=0, help="Backup name(s); wildcards allowed."),),
    module="Lab",
    lab_only=True,
    process=False,
)
def get_lab_cluster_config_backup(inv: Invocation) -> Iterable[Any]:
    backups = {b.label: b for b in inv.ctx.cluster.config_backups()}
    names = select("cluster configuration backup", list(backups), inv.get("Name"), inv)
    return [backup_obj(backups[n]) for n in names]


@cmdlet(
    "Restore-LabClusterConfig",
    "Lab-only: restores the cluster configuration from a backup on one node, non-authoritatively (the node "
    "catches up with the cluster) or authoritatively (the whole cluster goes back to the backup).",
    (
        Param("Node", kind="string", mandatory=True, help="The node the backup is restored on."),
        Param("Name", kind="string", position=0, help="The backup (default: the latest)."),
        Param("Authoritative", kind="switch", help="Roll the whole cluster back to the backup."),
        Param("Wait", kind="switch", help="Waits until the node (or the cluster) runs again."),
    ),
    module="Lab",
    lab_only=True,
    process=False,
    description="§9.3. Non-authoritative: the node's Cluster service stops (its roles move away), its copy is "
    "restored, and when it rejoins it receives the current configuration from the other nodes — nothing "
    "changes. -Authoritative: the Cluster service stops on every node (roles saved), the backup becomes the "
    "configuration — changes made since it was taken are lost — then the node starts and the others join "
    "taking that configuration; roles come back as the backup says.",
    examples=(
        ("Restore-LabClusterConfig -Node HV02", "HV02 restores the latest backup, rejoins and catches up."),
        (
            "Restore-LabClusterConfig before-change -Node HV01 -Authoritative",
            "The cluster goes back to the configuration of 'before-change'.",
        ),
    ),
)
def restore_lab_cluster_config(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    node = inv.get("Node")
    if not node:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: Node.", "InvalidArgument"
        )
    name = inv.get("Name")
    b = c.restore_config(str(node), str(name) if name is not None else None, authoritative=inv.switch("Authoritative"))
    if inv.switch("Wait"):
        wait_for(inv, lambda: not c.restore_pending)
    else:
        c.advance(0)
    return [backup_obj(b)]
