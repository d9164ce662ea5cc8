"""What the cockpit's keys and palette entries do, each as the PowerShell line it stands for.

Pure data over snapshots (no Textual): the app runs each line through the console's
:class:`clusterlab.shell.Shell`, exactly as if the learner had typed it. Lab faults have no
real cmdlet and use the lab-only ``*-Lab*`` nouns (``Invoke-LabFault``, ``Repair-LabFault``,
``Start-LabNode``).

Each verb also knows when it applies (:func:`node_verbs_that_apply`, :func:`role_verbs_that_apply`):
the footer shows only those keys, the palette suggests only those entries. A key that does not
apply still runs its line, so the learner sees the cluster's own refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clusterlab.sim import (
    DrainStatus,
    GroupSnapshot,
    MigrationSnapshot,
    NodeSnapshot,
    NodeState,
    QuorumSnapshot,
    VmSnapshot,
    VmState,
)


@dataclass(frozen=True, slots=True)
class LabCommand:
    """One action: how the palette words it and the command line it runs."""

    title: str  # palette wording: "Crash node HV02"
    cmdline: str  # PowerShell wording, without the prompt: "Invoke-LabFault -Node HV02 -Crash"


class NodeVerb(StrEnum):
    CRASH = "crash"
    POWER_ON = "power_on"
    STOP = "stop"
    START = "start"
    ISOLATE = "isolate"
    REPAIR = "repair"
    PAUSE = "pause"  # toggles Suspend / Resume (no drain, no failback)
    DRAIN = "drain"
    RESUME = "resume"  # with failback
    RESTART = "restart"


NODE_VERBS: tuple[NodeVerb, ...] = tuple(NodeVerb)


class RoleVerb(StrEnum):
    MOVE = "move"  # Move-ClusterGroup: a quick migration for a VM
    LIVE = "live"
    CANCEL = "cancel"


ROLE_VERBS: tuple[RoleVerb, ...] = tuple(RoleVerb)
#: Verbs that start, end or reverse live migrations: the cockpit shows its Migrations view after them.
MIGRATION_VERBS: frozenset[str] = frozenset(
    {NodeVerb.DRAIN, NodeVerb.RESUME, NodeVerb.RESTART, RoleVerb.LIVE, RoleVerb.CANCEL}
)

#: MigrationSnapshot.state values of a migration that has not ended.
ACTIVE_MIGRATION_STATES: frozenset[str] = frozenset({"Queued", "Setup", "DataTransfer", "Move"})


def ps_name(name: str) -> str:
    """Quote a name the way PowerShell needs it (role names may contain spaces)."""
    if name and all(ch.isalnum() or ch in "-_." for ch in name):
        return name
    return "'" + name.replace("'", "''") + "'"


def node_command(verb: NodeVerb, node: NodeSnapshot) -> LabCommand:
    """The command ``verb`` stands for on ``node`` (pause resolves to Suspend or Resume)."""
    name = node.name
    q = ps_name(name)
    if verb is NodeVerb.CRASH:
        return LabCommand(f"Crash node {name} (lab fault)", f"Invoke-LabFault -Node {q} -Crash")
    if verb is NodeVerb.POWER_ON:
        return LabCommand(f"Power on node {name}", f"Start-LabNode -Name {q}")
    if verb is NodeVerb.STOP:
        return LabCommand(f"Stop the Cluster service on {name}", f"Stop-ClusterNode -Name {q}")
    if verb is NodeVerb.START:
        return LabCommand(f"Start the Cluster service on {name}", f"Start-ClusterNode -Name {q}")
    if verb is NodeVerb.ISOLATE:
        return LabCommand(
            f"Isolate node {name} from every cluster network (lab fault)", f"Invoke-LabFault -Node {q} -Isolate"
        )
    if verb is NodeVerb.REPAIR:
        return LabCommand(f"Repair node {name} (reconnect and power on)", f"Repair-LabFault -Node {q}")
    if verb is NodeVerb.DRAIN:
        return LabCommand(
            f"Drain node {name} (pause it and migrate its roles away)", f"Suspend-ClusterNode -Name {q} -Drain"
        )
    if verb is NodeVerb.RESUME:
        return LabCommand(
            f"Resume node {name} and fail its roles back", f"Resume-ClusterNode -Name {q} -Failback Immediate"
        )
    if verb is NodeVerb.RESTART:
        return LabCommand(f"Restart node {name} (drain, reboot, rejoin)", f"Restart-Computer -ComputerName {q}")
    if node.state is NodeState.PAUSED:
        return LabCommand(f"Resume node {name} (no failback)", f"Resume-ClusterNode -Name {q}")
    return LabCommand(f"Pause node {name} (no drain)", f"Suspend-ClusterNode -Name {q}")


def node_verbs_that_apply(node: NodeSnapshot, cut_off: bool = False) -> frozenset[NodeVerb]:
    """The node verbs that make sense for ``node`` now (``cut_off``: a lab fault cut one of its networks)."""
    verbs: set[NodeVerb] = set()
    member = node.state in (NodeState.UP, NodeState.PAUSED)
    if node.powered_on:
        verbs.add(NodeVerb.CRASH)
        if node.clussvc == "Running":
            verbs.update((NodeVerb.STOP, NodeVerb.RESTART))
        elif node.clussvc == "Stopped":
            verbs.update((NodeVerb.START, NodeVerb.RESTART))
        if member and not cut_off:
            verbs.add(NodeVerb.ISOLATE)
    elif node.clussvc != "Booting":
        verbs.add(NodeVerb.POWER_ON)
    if cut_off or node.state in (NodeState.ISOLATED, NodeState.QUARANTINED) or not node.powered_on:
        verbs.add(NodeVerb.REPAIR)
    if node.state is NodeState.UP:
        verbs.update((NodeVerb.PAUSE, NodeVerb.DRAIN))
    elif node.state is NodeState.PAUSED:
        verbs.add(NodeVerb.RESUME)  # p resumes without failback: it still works, the footer offers u
        if node.drain_status in (DrainStatus.NOT_INITIATED, DrainStatus.FAILED):
            verbs.add(NodeVerb.DRAIN)  # paused without a drain, or the drain failed: drain (again)
    return frozenset(verbs)


def witness_command(quorum: QuorumSnapshot, faulted: bool) -> LabCommand:
    """Fail the witness, or restore it when it is failed.

    ``faulted`` is the caller's memory of the last witness fault: a cluster without quorum
    reports its witness as Offline whether or not it is reachable.
    """
    failed = quorum.witness_state == "Failed" or (quorum.witness_state not in ("Online", "Failed") and faulted)
    if failed:
        return LabCommand("Restore the witness", "Repair-LabFault -Witness")
    return LabCommand("Fail the witness (lab fault)", "Invoke-LabFault -Witness")


def role_command(verb: RoleVerb, group: GroupSnapshot) -> LabCommand:
    name = group.name
    q = ps_name(name)
    if verb is RoleVerb.LIVE:
        return LabCommand(
            f"Live-migrate role {name} to the best possible node",
            f"Move-ClusterVirtualMachineRole -Name {q} -MigrationType Live -Wait 0",
        )
    if verb is RoleVerb.CANCEL:
        return LabCommand(f"Cancel the live migration of {name}", f"Move-ClusterVirtualMachineRole -Name {q} -Cancel")
    return LabCommand(f"Move role {name} to the best possible node", f"Move-ClusterGroup -Name {q}")


def move_command(group: GroupSnapshot) -> LabCommand:
    return role_command(RoleVerb.MOVE, group)


def role_verbs_that_apply(
    group: GroupSnapshot, vm: VmSnapshot | None, migration: MigrationSnapshot | None
) -> frozenset[RoleVerb]:
    """``migration``: the role's live migration that has not ended, if any."""
    verbs = {RoleVerb.MOVE}
    if migration is not None:
        verbs.add(RoleVerb.CANCEL)
    elif vm is not None and vm.state is VmState.RUNNING and is_vm_role(group):
        verbs.add(RoleVerb.LIVE)
    return frozenset(verbs)


def is_vm_role(group: GroupSnapshot) -> bool:
    return str(group.group_type) == "VirtualMachine"  # GroupType is not part of the public sim API
