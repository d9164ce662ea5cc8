"""Get-/Start-/Stop-/Suspend-/Resume-ClusterNode (§11.1, §11.10)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from clusterlab.sim import Cluster

from ..formatting import Column, View, register_view
from ..registry import Invocation, Param, cmdlet
from ._common import INPUT, node_obj, require_target, select, snapshot, wait_for


def _view(profile: str) -> View:
    if profile in ("2012", "2012R2"):
        # §11.1: 2012 R2 prints Name ID State.
        return View(("Name", Column("ID", lambda o: o.get("Id")), "State"))  # type: ignore[arg-type]
    return View(("Name", "State", "Type"))


register_view("ClusterNode", _view)

NAME = Param("Name", kind="strings", position=0, by_property=True, help="Name of the cluster node(s).")


@cmdlet(
    "Get-ClusterNode",
    "Gets information about one or more nodes, or servers, in a failover cluster.",
    (NAME, INPUT),
    process=False,
    noun_type="GetNodeCommand",
    examples=(
        ("Get-ClusterNode", "Lists every node with its state."),
        (
            "Get-ClusterNode | Format-Table Name, State, NodeWeight, DynamicWeight -AutoSize",
            "Shows each node's configured and dynamic vote (§1.4, §1.5).",
        ),
        ("(Get-ClusterNode HV04).NodeWeight = 0", "Removes HV04's vote."),
    ),
)
def get_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = snapshot(inv)
    names = select("node", [n.name for n in snap.nodes], inv.get("Name"), inv)
    return [node_obj(c, snap.node(n)) for n in names]


@cmdlet(
    "Start-ClusterNode",
    "Starts the Cluster service on a node in a failover cluster.",
    (
        Param("Name", kind="string", position=0, by_property=True, help="Name of the cluster node to start."),
        Param(
            "ForceQuorum",
            kind="switch",
            aliases=("FQ", "FixQuorum"),
            help="Forces the cluster to start even without quorum (§1.9). Last resort.",
        ),
        Param(
            "PreventQuorum",
            kind="switch",
            aliases=("PQ",),
            help="Starts the node so that it joins but never forms a cluster (§1.9).",
        ),
        Param(
            "ClearQuarantine",
            kind="switch",
            aliases=("CQ",),
            min_os="2016",
            help="Lets a quarantined node rejoin now (§7.3).",
        ),
        Param(
            "IgnorePersistentState", kind="switch", aliases=("ips",), help="Starts without bringing resources online."
        ),
        Param("Wait", kind="int", help="Seconds to wait for the node to join (0 = return at once)."),
        INPUT,
    ),
    noun_type="StartClusterNodeCommand",
    examples=(
        ("Start-ClusterNode -Name HV03", "Starts ClusSvc on HV03; it shows Joining, then Up."),
        ("Start-ClusterNode -Name HV03 -FQ", "Force-starts the cluster on HV03 without quorum."),
    ),
)
def start_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    c.start_node(
        name,
        force_quorum=inv.switch("ForceQuorum"),
        prevent_quorum=inv.switch("PreventQuorum"),
        clear_quarantine=inv.switch("ClearQuarantine"),
    )
    if inv.has("Wait"):
        wait_for(inv, lambda: c.node(name).state.value in ("Up", "Paused"), inv.get("Wait"))
    else:
        c.advance(0)
    n = c.node(name)
    obj = node_obj(c, n)
    if n.state.value == "Down" and n.clussvc == "Running":
        obj.set_local("State", "Joining")  # §11.10: Start-ClusterNode returns the node Joining
    return [obj]


@cmdlet(
    "Stop-ClusterNode",
    "Stops the Cluster service on a node in a failover cluster.",
    (
        Param("Name", kind="string", position=0, by_property=True, help="Name of the cluster node to stop."),
        Param("Wait", kind="int", help="Seconds to wait for the roles to move and the node to stop."),
        INPUT,
    ),
    noun_type="StopClusterNodeCommand",
    description="Roles on the node are moved to other nodes first (quick migration). Refused when the "
    "remaining nodes could not keep quorum (§6.5): use Stop-Cluster to stop the whole cluster.",
    examples=(("Stop-ClusterNode -Name HV03", "Stops ClusSvc on HV03 after moving its roles away."),),
)
def stop_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    c.stop_node(name)
    wait_for(inv, lambda: c.node(name).state.value == "Down", inv.get("Wait"))
    return [node_obj(c, c.node(name))]


@cmdlet(
    "Suspend-ClusterNode",
    "Suspends (pauses) activity on a failover cluster node.",
    (
        Param("Name", kind="strings", position=0, by_property=True, help="Name of the cluster node(s) to pause."),
        Param("TargetNode", kind="string", position=1, help="Node the drained roles move to."),
        Param("Drain", kind="switch", help="Moves the node's roles away first (node maintenance)."),
        Param("ForceDrain", kind="switch", help="Moves roles that cannot move safely as failed roles."),
        Param("Wait", kind="switch", help="Waits until the drain has finished."),
        INPUT,
    ),
    noun_type="SuspendClusterNodeCommand",
    examples=(
        ("Suspend-ClusterNode -Name HV02", "Pauses HV02: no new roles can move to it."),
        ("Suspend-ClusterNode -Name HV02 -Drain", "Pauses HV02 and moves its roles away."),
    ),
)
def suspend_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = inv.get("Name") or [require_target(inv)]
    drain = inv.switch("Drain") or inv.switch("ForceDrain") or inv.has("TargetNode")
    out = []
    for name in names:
        if drain:
            c.drain_node(name, target=inv.get("TargetNode"), force=inv.switch("ForceDrain"))
            if inv.switch("Wait"):
                wait_for(inv, _drain_done(c, name))
        else:
            c.suspend_node(name)
        out.append(node_obj(c, c.node(name)))
    return out


def _evicted(c: Cluster, name: str) -> Callable[[], bool]:
    return lambda: name not in c.node_names()


def _up(c: Cluster, name: str) -> Callable[[], bool]:
    return lambda: c.node(name).state.value == "Up"


def _drain_done(c: Cluster, name: str) -> Callable[[], bool]:
    return lambda: c.node(name).drain_status.value != "InProgress"


@cmdlet(
    "Resume-ClusterNode",
    "Resumes activity on a paused failover cluster node.",
    (
        Param("Name", kind="strings", position=0, by_property=True, help="Name of the cluster node(s) to resume."),
        Param(
            "Failback",
            kind="enum",
            position=1,
            choices=("NoFailback", "Immediate", "Policy"),
            help="Whether drained roles come back: now, in their failback window, or not at all.",
        ),
        INPUT,
    ),
    noun_type="ResumeClusterNodeCommand",
    examples=(("Resume-ClusterNode -Name HV02", "Brings HV02 back into service."),),
)
def resume_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = inv.get("Name") or [require_target(inv)]
    out = []
    for name in names:
        c.resume_node(name, inv.get("Failback", "NoFailback"))
        out.append(node_obj(c, c.node(name)))
    return out


@cmdlet(
    "Remove-ClusterNode",
    "Removes (evicts) a node from a failover cluster.",
    (
        Param("Name", kind="strings", position=0, by_property=True, help="Name of the cluster node(s) to evict."),
        Param("Force", kind="switch", help="Evicts a node that still hosts roles: they move away first."),
        Param("Wait", kind="int", help="With -Force: seconds to wait for the roles to move and the node to go."),
        INPUT,
    ),
    noun_type="RemoveClusterNodeCommand",
    description="Cluster OS Rolling Upgrade step 1 (§9.1): drain the node, then evict it. A node that hosts "
    "roles is refused unless -Force; so are the last node and an eviction that would lose quorum. The node "
    "leaves the node list, its vote leaves the quorum arithmetic, and it leaves preferred and possible owner "
    "lists (1011, then 4621 when its cluster configuration has been cleaned up).",
    examples=(
        ("Suspend-ClusterNode HV01 -Drain -Wait; Remove-ClusterNode HV01", "Drains HV01, then evicts it."),
        ("Remove-ClusterNode HV02 -Force", "Evicts HV02 after moving its roles away."),
    ),
)
def remove_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = inv.get("Name") or [require_target(inv)]
    for name in names:
        node = c.node(name).name
        c.remove_node(node, force=inv.switch("Force"))
        wait_for(inv, _evicted(c, node), inv.get("Wait"))
    return []


@cmdlet(
    "Add-ClusterNode",
    "Adds a node (server) to a failover cluster.",
    (
        Param("Name", kind="strings", position=0, by_property=True, help="Name of the server(s) to add."),
        Param("NoStorage", kind="switch", help="Does not add the server's local disks (clusterlab has none)."),
        Param("Wait", kind="int", help="Seconds to wait for the node to join (0 = return at once)."),
        INPUT,
    ),
    noun_type="AddClusterNodeCommand",
    description="Cluster OS Rolling Upgrade step 3 (§9.1): a reinstalled (or spare) server joins like any "
    "node. A node one release above the cluster functional level puts the cluster in mixed-OS mode (1548); "
    "it runs in compatibility mode until Update-ClusterFunctionalLevel. A node more than one release up, or "
    "older than the functional level, is refused. Within AddEvictDelay (60 s) of an eviction the new node "
    "waits before it joins (§2.3).",
    examples=(("Add-ClusterNode -Name HV01", "HV01, reinstalled with Windows Server 2016, joins the cluster."),),
)
def add_cluster_node(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = inv.get("Name") or [require_target(inv)]
    out = []
    for name in names:
        c.add_node(name)
        node = c.node(name).name
        if inv.has("Wait"):
            wait_for(inv, _up(c, node), inv.get("Wait"))
        else:
            c.advance(0)
        out.append(node_obj(c, c.node(node)))
    return out
