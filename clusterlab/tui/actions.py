"""What the cockpit's keys and palette entries do, each as the PowerShell line it stands for.

Pure data over snapshots (no Textual): the app runs each line through the console's
:class:`clusterlab.shell.Shell`, exactly as if the learner had typed it. Lab faults have no
real cmdlet and use the lab-only ``*-Lab*`` nouns (``Invoke-LabFault``, ``Repair-LabFault``,
``Start-LabNode``).

Each verb also knows when it applies (:func:`node_verbs_that_apply`, :func:`role_verbs_that_apply`,
:func:`storage_verbs_that_apply`):
the footer shows only those keys, the palette suggests only those entries. A key that does not
apply still runs its line, so the learner sees the cluster's own refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from clusterlab.sim import (
    CsvSnapshot,
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
    STORAGE = "storage"  # Move-VMStorage to the next CSV (a storage migration)


ROLE_VERBS: tuple[RoleVerb, ...] = tuple(RoleVerb)
#: Verbs that start, end or reverse live or storage migrations: the cockpit shows its Migrations view after them.
MIGRATION_VERBS: frozenset[str] = frozenset(
    {NodeVerb.DRAIN, NodeVerb.RESUME, NodeVerb.RESTART, RoleVerb.LIVE, RoleVerb.CANCEL, RoleVerb.STORAGE}
)

#: MigrationSnapshot.state values of a migration that has not ended.
ACTIVE_MIGRATION_STATES: frozenset[str] = frozenset({"Queued", "Setup", "DataTransfer", "Move", "Copying"})


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
    if verb is NodeVerb.START and node.state is NodeState.QUARANTINED:
        return LabCommand(f"Clear {name}'s quarantine: it joins now", f"Start-ClusterNode -Name {q} -ClearQuarantine")
    if verb is NodeVerb.START:
        return LabCommand(f"Start the Cluster service on {name}", f"Start-ClusterNode -Name {q}")
    if verb is NodeVerb.ISOLATE:
        return LabCommand(
            f"Isolate node {name} from every cluster network (lab fault)", f"Invoke-LabFault -Node {q} -Isolate"
        )
    if verb is NodeVerb.REPAIR:
        return LabCommand(f"Repair node {name} (reconnect, storage paths, power on)", f"Repair-LabFault -Node {q}")
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


def node_verbs_that_apply(node: NodeSnapshot, cut_off: bool = False, path_lost: bool = False) -> frozenset[NodeVerb]:
    """The node verbs that make sense for ``node`` now (``cut_off``: a lab fault cut one of its networks;
    ``path_lost``: it lost its path to a CSV, :func:`has_path`)."""
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
    if cut_off or path_lost or node.state in (NodeState.ISOLATED, NodeState.QUARANTINED) or not node.powered_on:
        verbs.add(NodeVerb.REPAIR)
    if node.state is NodeState.QUARANTINED and node.powered_on:
        verbs.add(NodeVerb.START)  # t: Start-ClusterNode -ClearQuarantine (§7.3)
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


def role_command(verb: RoleVerb, group: GroupSnapshot, target_csv: str | None = None) -> LabCommand:
    """``target_csv``: where :attr:`RoleVerb.STORAGE` moves the VM's files (see :func:`next_csv`)."""
    name = group.name
    q = ps_name(name)
    if verb is RoleVerb.STORAGE:
        return storage_move_command(name, target_csv or "")
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
    group: GroupSnapshot,
    vm: VmSnapshot | None,
    migration: MigrationSnapshot | None,
    csvs: Sequence[CsvSnapshot] = (),
    storage_moving: bool = False,
) -> frozenset[RoleVerb]:
    """``migration``: the role's live migration that has not ended, if any; ``csvs``: the cluster's CSVs;
    ``storage_moving``: a storage migration of the VM is queued or copying."""
    verbs = {RoleVerb.MOVE}
    if migration is not None:
        verbs.add(RoleVerb.CANCEL)
    elif vm is not None and vm.state is VmState.RUNNING and is_vm_role(group):
        verbs.add(RoleVerb.LIVE)
    if (
        vm is not None
        and vm.state is not VmState.PAUSED_CRITICAL  # its files are out of reach
        and not storage_moving
        and next_csv(csvs, vm.csv) is not None
        and is_vm_role(group)
    ):
        verbs.add(RoleVerb.STORAGE)
    return frozenset(verbs)


def is_vm_role(group: GroupSnapshot) -> bool:
    return str(group.group_type) == "VirtualMachine"  # GroupType is not part of the public sim API


# storage (CSVs, §4; storage migration, §5.6) ------------------------------------------------------


class StorageVerb(StrEnum):
    FAIL_PATH = "fail_path"  # the node of the selected cell loses its path to the CSV of the row
    COORDINATOR = "coordinator"  # Move-ClusterSharedVolume to the next node that can coordinate
    REDIRECT = "redirect"  # redirected access on (Suspend-ClusterResource -RedirectedAccess)
    DIRECT = "direct"  # redirected access off (Resume-ClusterResource)
    MAINTAIN = "maintain"  # maintenance on: its roles stop (Suspend-ClusterResource)
    END_MAINTENANCE = "end_maintenance"  # maintenance off (Resume-ClusterResource)


STORAGE_VERBS: tuple[StorageVerb, ...] = tuple(StorageVerb)

#: CsvSnapshot.io modes as the Storage view words them, shortest first (Get-ClusterSharedVolumeState wording).
DIRECT_IO = "Direct"
FS_REDIRECTED = "FileSystemRedirected"
BLOCK_REDIRECTED = "BlockRedirected"
IO_PAUSED = "Paused"
IO_UNAVAILABLE = "Unavailable"


def csv_path(csv: str, vm: str) -> str:
    r"""``C:\ClusterStorage\CSV2\SQL01``: where a VM's files live on a CSV."""
    return f"C:\\ClusterStorage\\{csv}\\{vm}"


def next_csv(csvs: Sequence[CsvSnapshot], current: str | None) -> str | None:
    """The CSV after ``current`` in the cluster's order (wrapping), or None when there is no other one."""
    if current is None:
        return None
    names = [c.name for c in csvs]
    if current not in names or len(names) < 2:
        return None
    return names[(names.index(current) + 1) % len(names)]


def storage_move_command(vm: str, target_csv: str) -> LabCommand:
    path = csv_path(target_csv, vm)
    if ps_name(vm) != vm or ps_name(target_csv) != target_csv:
        path = "'" + path.replace("'", "''") + "'"
    return LabCommand(
        f"Move the storage of {vm} to {target_csv} (storage migration)",
        f"Move-VMStorage -Name {ps_name(vm)} -DestinationStoragePath {path}",
    )


def io_of(csv: CsvSnapshot, node: str) -> tuple[str, str]:
    """(mode, reason) of ``node`` for ``csv``; Unavailable when the snapshot does not list the node."""
    for name, mode, reason in csv.io:
        if name == node:
            return mode, reason
    return IO_UNAVAILABLE, ""


def has_path(csv: CsvSnapshot, node: str) -> bool:
    """As far as the snapshot tells: the node has not lost its path to the CSV's disk.

    Block Redirected is the only mode that says so for sure; an inaccessible CSV (every node
    Unavailable, NoDiskConnectivity) hides which nodes lost their path, so they all count as lost.
    """
    mode, reason = io_of(csv, node)
    return mode != BLOCK_REDIRECTED and reason != "NoDiskConnectivity"


def next_coordinator(csv: CsvSnapshot, nodes: Sequence[NodeSnapshot]) -> str | None:
    """The node after the coordinator, in node order (wrapping), that is Up and has a path to the CSV."""
    names = [n.name for n in nodes]
    able = {n.name for n in nodes if n.state is NodeState.UP and has_path(csv, n.name)}
    start = names.index(csv.owner) + 1 if csv.owner in names else 0
    for i in range(len(names)):
        name = names[(start + i) % len(names)]
        if name != csv.owner and name in able:
            return name
    return None


def storage_command(
    verb: StorageVerb, csv: CsvSnapshot, node: str | None = None, nodes: Sequence[NodeSnapshot] = ()
) -> LabCommand:
    """``node``: the matrix column (FAIL_PATH); ``nodes``: the cluster's nodes (COORDINATOR picks the next one).

    With no node that can take over, COORDINATOR leaves ``-Node`` out and the cluster picks (or refuses).
    """
    q = ps_name(csv.name)
    if verb is StorageVerb.FAIL_PATH:
        who = node or "?"
        return LabCommand(
            f"{who} loses its path to {csv.name} (lab fault)", f"Invoke-LabFault -Node {ps_name(who)} -StoragePath {q}"
        )
    if verb is StorageVerb.COORDINATOR:
        target = next_coordinator(csv, nodes)
        if target is None:
            return LabCommand(f"Move the coordinator of {csv.name}", f"Move-ClusterSharedVolume -Name {q}")
        return LabCommand(
            f"Move the coordinator of {csv.name} to {target}",
            f"Move-ClusterSharedVolume -Name {q} -Node {ps_name(target)}",
        )
    if verb is StorageVerb.REDIRECT:
        return LabCommand(
            f"Turn on redirected access for {csv.name} (all I/O through the coordinator)",
            f"Suspend-ClusterResource -Name {q} -RedirectedAccess",
        )
    if verb is StorageVerb.MAINTAIN:
        title = f"Turn on maintenance for {csv.name} (its roles are saved and stay off)"
        return LabCommand(title, f"Suspend-ClusterResource -Name {q}")
    if verb is StorageVerb.END_MAINTENANCE:
        return LabCommand(f"Turn off maintenance for {csv.name}", f"Resume-ClusterResource -Name {q}")
    return LabCommand(f"Turn off redirected access for {csv.name} (direct I/O)", f"Resume-ClusterResource -Name {q}")


def redirect_toggle(csv: CsvSnapshot) -> StorageVerb:
    """``a``: redirected access on, or off when it is on."""
    return StorageVerb.DIRECT if csv.redirected else StorageVerb.REDIRECT


def maintenance_toggle(csv: CsvSnapshot) -> StorageVerb:
    """``M``: maintenance on, or off when it is on."""
    return StorageVerb.END_MAINTENANCE if csv.maintenance else StorageVerb.MAINTAIN


def storage_verbs_that_apply(
    csv: CsvSnapshot, node: str | None, nodes: Sequence[NodeSnapshot]
) -> frozenset[StorageVerb]:
    """``node``: the node column under the Storage view's cursor (None: a CSV column)."""
    verbs: set[StorageVerb] = set()
    if node is not None and has_path(csv, node):
        verbs.add(StorageVerb.FAIL_PATH)
    if csv.owner:
        if next_coordinator(csv, nodes) is not None:
            verbs.add(StorageVerb.COORDINATOR)
        verbs.add(redirect_toggle(csv))
        verbs.add(maintenance_toggle(csv))
    return frozenset(verbs)
