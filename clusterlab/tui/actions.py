"""What the cockpit's keys and palette entries do, each as the PowerShell line it stands for.

Pure data over snapshots and the public ``Cluster`` command API: no Textual here, so a
later console can reuse (or replace) it. Lab faults have no real cmdlet and use the
lab-only ``*-Lab*`` nouns (``Invoke-LabFault``, ``Repair-LabFault``, ``Start-LabNode``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from clusterlab.sim import Cluster, GroupSnapshot, NodeSnapshot, NodeState, QuorumSnapshot


@dataclass(frozen=True, slots=True)
class LabCommand:
    """One action, as the learner would type it and as the simulation runs it."""

    title: str  # palette wording: "Crash node HV02"
    cmdline: str  # PowerShell wording, without the prompt: "Invoke-LabFault -Node HV02 -Crash"
    apply: Callable[[Cluster], object]


class NodeVerb(StrEnum):
    CRASH = "crash"
    POWER_ON = "power_on"
    STOP = "stop"
    START = "start"
    ISOLATE = "isolate"
    REPAIR = "repair"
    PAUSE = "pause"  # toggles Suspend / Resume


NODE_VERBS: tuple[NodeVerb, ...] = tuple(NodeVerb)


def _ps_name(name: str) -> str:
    """Quote a name the way PowerShell needs it (role names may contain spaces)."""
    if name and all(ch.isalnum() or ch in "-_." for ch in name):
        return name
    return "'" + name.replace("'", "''") + "'"


def node_command(verb: NodeVerb, node: NodeSnapshot) -> LabCommand:
    """The command ``verb`` stands for on ``node`` (pause resolves to Suspend or Resume)."""
    name = node.name
    q = _ps_name(name)
    if verb is NodeVerb.CRASH:
        return LabCommand(f"Crash node {name} (lab fault)", f"Invoke-LabFault -Node {q} -Crash",
                          lambda c: c.crash_node(name))
    if verb is NodeVerb.POWER_ON:
        return LabCommand(f"Power on node {name}", f"Start-LabNode -Name {q}", lambda c: c.power_on_node(name))
    if verb is NodeVerb.STOP:
        return LabCommand(f"Stop the Cluster service on {name}", f"Stop-ClusterNode -Name {q}",
                          lambda c: c.stop_node(name))
    if verb is NodeVerb.START:
        return LabCommand(f"Start the Cluster service on {name}", f"Start-ClusterNode -Name {q}",
                          lambda c: c.start_node(name))
    if verb is NodeVerb.ISOLATE:
        return LabCommand(f"Isolate node {name} from every cluster network (lab fault)",
                          f"Invoke-LabFault -Node {q} -Isolate", lambda c: c.isolate_node(name))
    if verb is NodeVerb.REPAIR:
        return LabCommand(f"Repair node {name} (reconnect and power on)", f"Repair-LabFault -Node {q}",
                          lambda c: c.repair_node(name))
    if node.state is NodeState.PAUSED:
        return LabCommand(f"Resume node {name}", f"Resume-ClusterNode -Name {q}", lambda c: c.resume_node(name))
    return LabCommand(f"Pause node {name}", f"Suspend-ClusterNode -Name {q}", lambda c: c.suspend_node(name))


def witness_command(quorum: QuorumSnapshot, faulted: bool) -> LabCommand:
    """Fail the witness, or restore it when it is failed.

    ``faulted`` is the caller's memory of the last witness fault: a cluster without quorum
    reports its witness as Offline whether or not it is reachable.
    """
    failed = quorum.witness_state == "Failed" or (quorum.witness_state not in ("Online", "Failed") and faulted)
    if failed:
        return LabCommand("Restore the witness", "Repair-LabFault -Witness", lambda c: c.restore_witness())
    return LabCommand("Fail the witness (lab fault)", "Invoke-LabFault -Witness", lambda c: c.fail_witness())


def move_command(group: GroupSnapshot) -> LabCommand:
    name = group.name
    return LabCommand(f"Move role {name} to the best possible node", f"Move-ClusterGroup -Name {_ps_name(name)}",
                      lambda c: c.move_group(name))
