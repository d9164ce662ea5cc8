"""What the cockpit's keys and palette entries do, each as the PowerShell line it stands for.

Pure data over snapshots (no Textual): the app runs each line through the console's
:class:`clusterlab.shell.Shell`, exactly as if the learner had typed it. Lab faults have no
real cmdlet and use the lab-only ``*-Lab*`` nouns (``Invoke-LabFault``, ``Repair-LabFault``,
``Start-LabNode``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clusterlab.sim import GroupSnapshot, NodeSnapshot, NodeState, QuorumSnapshot


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
    PAUSE = "pause"  # toggles Suspend / Resume


NODE_VERBS: tuple[NodeVerb, ...] = tuple(NodeVerb)


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
    if node.state is NodeState.PAUSED:
        return LabCommand(f"Resume node {name}", f"Resume-ClusterNode -Name {q}")
    return LabCommand(f"Pause node {name}", f"Suspend-ClusterNode -Name {q}")


def witness_command(quorum: QuorumSnapshot, faulted: bool) -> LabCommand:
    """Fail the witness, or restore it when it is failed.

    ``faulted`` is the caller's memory of the last witness fault: a cluster without quorum
    reports its witness as Offline whether or not it is reachable.
    """
    failed = quorum.witness_state == "Failed" or (quorum.witness_state not in ("Online", "Failed") and faulted)
    if failed:
        return LabCommand("Restore the witness", "Repair-LabFault -Witness")
    return LabCommand("Fail the witness (lab fault)", "Invoke-LabFault -Witness")


def move_command(group: GroupSnapshot) -> LabCommand:
    name = group.name
    return LabCommand(f"Move role {name} to the best possible node", f"Move-ClusterGroup -Name {ps_name(name)}")
