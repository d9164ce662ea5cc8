"""Cluster Shared Volumes (§4): coordinator, per-node I/O mode, path loss, redirected access.

* Each node reaches a CSV directly (block I/O to the LUN) unless it lost its storage path —
  then its I/O is *block redirected* over SMB to the coordinator (5121), or an administrator
  turned on redirected access — then every non-coordinator node is *file-system redirected*
  (5136) (§4.3).
* If the coordinator loses its path or leaves the cluster, I/O pauses (5120 / 5157) while a
  node that still has a path becomes coordinator, then resumes (§4.2).
* If no node has a path, the CSV is inaccessible (5142): on 2016+ its VMs pause
  (Paused-Critical, storage resiliency §7.4) and resume when a path returns; on 2012 R2 they
  crash and their restarts fail until the storage is back.
* Maintenance mode (§4.3, [S46]): the roles using the CSV are stopped (their VMs saved) and
  nothing can start from it until Resume-ClusterResource.
* Storage live migration (§5.6) copies the VHDs while the VM runs, mirroring writes, then
  switches; an error falls back to the source copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import profiles as P
from .model import ACTIVE_VM_STATES, Csv, Vm, World
from .snapshots import ResourceState, VmState

DIRECT = "Direct"
FS_REDIRECTED = "FileSystemRedirected"
BLOCK_REDIRECTED = "BlockRedirected"
UNAVAILABLE = "Unavailable"
PAUSED = "Paused"


@dataclass(eq=False)
class StorageMove:
    vm: Vm
    source_csv: str
    target_csv: str
    host: str
    size_gb: float  # the VM's files to copy
    id: int = 0
    requested: float = 0.0
    state: str = "Queued"  # Queued / Copying / Done / Failed
    started: float | None = None
    finished: float | None = None
    epoch: int = 0
    copied_gb: float = 0.0  # at ``since``; the copy is fluid: its rate changes with the hosts' I/O modes
    rate: float = 0.0  # GB/s while copying
    since: float = 0.0
    token: int = 0  # the scheduled end of copy that still counts
    failure: str = ""


class Storage:
    def __init__(
        self, world: World, set_vm: Callable[[Vm, VmState, str | None], None], vm_failed: Callable[[Vm], None]
    ) -> None:
        self.w = world
        self._set_vm = set_vm
        self._vm_failed = vm_failed  # the VM crashed with its storage (2012 R2)
        self.moves: list[StorageMove] = []
        self._gen = 0
        self._next_id = 1

    # I/O modes -------------------------------------------------------------------------

    def accessible(self, csv: Csv) -> bool:
        """Some live member still has a path to the disk."""
        return any(n.is_member and n.live and n.name not in csv.paths_lost for n in self.w.nodes.values())

    def _members(self) -> list[str]:
        w = self.w
        return [n for n in w.node_order() if w.nodes[n].is_member and w.nodes[n].live]

    def _has_path(self, csv: Csv, node: str) -> bool:
        return node not in csv.paths_lost

    def io_mode(self, csv: Csv, node: str) -> tuple[str, str]:
        """(mode, reason) as Get-ClusterSharedVolumeState shows for ``node`` (§4.3, [S50])."""
        w = self.w
        n = w.nodes[node]
        if not (n.is_member and n.live) or not csv.owner:
            return UNAVAILABLE, ""
        if csv.paused_until is not None and csv.paused_until > w.now:
            return PAUSED, "CoordinatorChange"
        if csv.maintenance:
            return UNAVAILABLE, "Maintenance"
        if not self.accessible(csv):
            return UNAVAILABLE, "NoDiskConnectivity"
        if not self._has_path(csv, node):
            return BLOCK_REDIRECTED, "NoDiskConnectivity"
        if csv.redirected and node != csv.owner:
            return FS_REDIRECTED, "UserRequest"
        return DIRECT, "NotRedirected"

    def vm_can_run(self, vm: Vm, node: str) -> bool:
        """A VM's storage is reachable from ``node`` (directly or redirected)."""
        if vm.csv is None or vm.csv not in self.w.csvs:
            return True
        csv = self.w.csvs[vm.csv]
        return self.accessible(csv) and bool(csv.owner) and not csv.maintenance

    # faults and administration -----------------------------------------------------------

    def lose_path(self, csv: Csv, node: str) -> None:
        w = self.w
        was_accessible = self.accessible(csv)
        csv.paths_lost.add(node)
        w.emit("CsvNoDirectIo", node, csv=csv.name, node=node)
        if csv.owner == node:
            self._move_coordinator(csv, reason="the coordinator lost its path to the disk", event="CsvAutoPaused")
        if was_accessible and not self.accessible(csv):
            self._inaccessible(csv)
        self.reflow()

    def restore_paths(self, node: str) -> None:
        w = self.w
        for csv in w.csvs.values():
            if node not in csv.paths_lost:
                continue
            was = self.accessible(csv)
            csv.paths_lost.discard(node)
            if not was and self.accessible(csv):
                if not csv.owner or csv.owner not in self._members():
                    csv.owner = node if node in self._members() else csv.owner
                self._accessible_again(csv)
        self.reflow()

    def set_redirected(self, csv: Csv, on: bool) -> None:
        csv.redirected = on
        if on:
            self.w.emit("CsvRedirectedAccess", csv.name, csv=csv.name)
        self.reflow()

    def set_maintenance(self, csv: Csv, on: bool, stop_group: Callable[[Vm], None]) -> None:
        """Maintenance on: storage moves touching the CSV fail, then every role with a VM on it
        is stopped with its offline action (Save). Off: the roles stay offline until started."""
        csv.maintenance = on
        if not on:
            self.w.emit("CsvMaintenanceOff", csv.name, csv=csv.name)
            return
        for m in self.moves:
            if m.state in ("Queued", "Copying") and csv.name in (m.source_csv, m.target_csv):
                self._finish_move(m, ok=False, why=f"{csv.name} went into maintenance")
        stopped = []
        for vm in sorted(self.w.vms.values(), key=lambda v: v.name):
            if vm.csv == csv.name and (vm.group.intended_online or vm.state in ACTIVE_VM_STATES):
                stop_group(vm)
                stopped.append(vm.group.name)
        self.w.emit("CsvMaintenanceOn", csv.name, csv=csv.name, roles=", ".join(stopped) or "none")

    def move_coordinator(self, csv: Csv, node: str) -> None:
        self._move_coordinator(csv, target=node, reason="moved by the administrator", event="CsvOwnerMoved")

    def coordinator_lost(self, csv: Csv) -> None:
        """Called when the coordinator left the membership (5157: an expected pause)."""
        self._move_coordinator(csv, reason="the coordinator left the cluster", event="CsvExpectedPause")

    def _move_coordinator(self, csv: Csv, *, reason: str, event: str | None, target: str | None = None) -> None:
        w = self.w
        members = self._members()
        candidates = [n for n in members if self._has_path(csv, n) and n != csv.owner]
        if target is None:
            load = {m: sum(1 for c in w.csvs.values() if c.owner == m) for m in members}
            target = min(candidates, key=lambda m: (load[m], w.nodes[m].id)) if candidates else None
        if event is not None:
            w.emit(event, csv.name, csv=csv.name, reason=reason)
        if target is None:
            return
        csv.owner = target
        # §4.2: I/O is queued while the new coordinator takes over; VMs keep running.
        csv.paused_until = until = w.now + P.CSV_COORDINATOR_PAUSE_S

        def resumed() -> None:  # an event at the end of the pause: views and expectations see it then
            if csv.paused_until == until:
                w.emit("CsvIoResumed", csv.name, csv=csv.name, node=csv.owner)

        w.after(P.CSV_COORDINATOR_PAUSE_S, resumed)
        self.reflow()  # with redirected access on, the new coordinator's own I/O is direct

    def _inaccessible(self, csv: Csv) -> None:
        w = self.w
        for n in self._members():
            w.emit("CsvNoAccess", n, csv=csv.name, node=n)
        for vm in list(w.vms.values()):
            if vm.csv != csv.name or vm.state not in ACTIVE_VM_STATES:
                continue
            if w.profile.compute_resiliency:
                # §7.4 storage resiliency (2016+): pause and keep the guest's memory.
                self._set_vm(vm, VmState.PAUSED_CRITICAL, None)
            else:
                self._vm_failed(vm)
        for m in self.moves:
            if m.state in ("Queued", "Copying") and csv.name in (m.source_csv, m.target_csv):
                self._finish_move(m, ok=False, why=f"{csv.name} is no longer accessible")

    def _accessible_again(self, csv: Csv) -> None:
        for vm in self.w.vms.values():
            if vm.csv == csv.name and vm.state is VmState.PAUSED_CRITICAL:
                # a VM that was being saved (taken offline, maintenance) goes on saving, and one that was
                # still starting goes on starting: its resource is not online yet (§3.1, §7.4). Found by
                # the reliability state machine: a VM paused mid-start resumed as Running under an
                # OnlinePending resource, then dropped to Off with no event when the start gave up.
                starting = any(r.state is ResourceState.ONLINE_PENDING for r in vm.group.resources)
                if not vm.group.intended_online:
                    state = VmState.SAVING
                else:
                    state = VmState.STARTING if starting else VmState.RUNNING
                self._set_vm(vm, state, None)

    def nodes_changed(self) -> None:
        """After membership changes: a CSV whose coordinator left gets a new one (5157)."""
        members = self._members()
        if not members:
            return
        for csv in sorted(self.w.csvs.values(), key=lambda c: c.name):
            if csv.owner and csv.owner not in members:
                self.coordinator_lost(csv)
        self.reflow()

    # storage migration (§5.6) ----------------------------------------------------------------

    def request_move(self, vm: Vm, target_csv: str) -> StorageMove:
        assert vm.csv is not None
        m = StorageMove(
            vm, vm.csv, target_csv, vm.host, vm.vhd_gb, id=self._next_id, requested=self.w.now, epoch=vm.group.epoch
        )
        self._next_id += 1
        self.moves.append(m)
        self.w.emit("StorageMigrationQueued", vm.name, vm=vm.name, source=m.source_csv, target=target_csv)
        self._pump()
        return m

    def _busy(self, host: str) -> int:
        return sum(1 for m in self.moves if m.state == "Copying" and m.host == host)

    def _rate(self, m: StorageMove) -> float:
        """GB/s: storage speed, slower when this host's I/O to either CSV is redirected."""
        w = self.w
        rate = P.STORAGE_COPY_GBPS
        for name in (m.source_csv, m.target_csv):
            mode, _ = self.io_mode(w.csvs[name], m.host)
            if mode == BLOCK_REDIRECTED:
                rate = min(rate, P.STORAGE_COPY_GBPS * 0.5)
            elif mode == FS_REDIRECTED:
                rate = min(rate, P.STORAGE_COPY_GBPS * 0.3)
        return rate

    def _pump(self) -> None:
        w = self.w
        for m in self.moves:
            if m.state != "Queued":
                continue
            limit = w.nodes[m.host].max_storage_migrations
            if self._busy(m.host) >= limit:
                continue
            m.state = "Copying"
            m.started = m.since = w.now
            w.emit("StorageMigrationStarted", m.vm.name, vm=m.vm.name, source=m.source_csv, target=m.target_csv)
            m.rate = self._rate(m)
            self._schedule(m)

    def _schedule(self, m: StorageMove) -> None:
        """(Re)schedule the end of the copy from what is left at the current rate."""
        m.token += 1
        token = m.token
        left = max(0.0, m.size_gb - m.copied_gb)

        def done() -> None:
            if m.token == token:
                m.copied_gb = m.size_gb
                self._copied(m)

        self.w.after(left / max(m.rate, 1e-6), done)

    def copied(self, m: StorageMove) -> float:
        """GB copied so far."""
        if m.state != "Copying":
            return m.size_gb if m.state == "Done" else m.copied_gb
        return min(m.size_gb, m.copied_gb + m.rate * (self.w.now - m.since))

    def reflow(self) -> None:
        """A host's I/O mode to a CSV changed: running copies go on at their new rate (§5.6)."""
        for m in self.moves:
            if m.state != "Copying":
                continue
            rate = self._rate(m)
            if rate == m.rate:
                continue
            m.copied_gb = self.copied(m)
            m.since = self.w.now
            m.rate = rate
            self._schedule(m)

    def _copied(self, m: StorageMove) -> None:
        if m.state != "Copying":
            return
        vm = m.vm
        w = self.w
        if vm.group.epoch != m.epoch or vm.host != m.host or vm.state not in ACTIVE_VM_STATES:
            self._finish_move(m, ok=False, why="the VM is no longer running on its host")
            return
        if not (self.accessible(w.csvs[m.source_csv]) and self.accessible(w.csvs[m.target_csv])):
            self._finish_move(m, ok=False, why="a volume is not accessible")
            return
        vm.csv = m.target_csv  # switch to the copy; the source files are deleted afterwards
        self._finish_move(m, ok=True, why="")

    def _finish_move(self, m: StorageMove, ok: bool, why: str) -> None:
        if m.state in ("Done", "Failed"):
            return
        m.copied_gb = self.copied(m)
        m.state = "Done" if ok else "Failed"
        m.finished = self.w.now
        m.failure = why
        if ok:
            self.w.emit("StorageMigrationCompleted", m.vm.name, vm=m.vm.name, source=m.source_csv, target=m.target_csv)
        else:
            self.w.emit(
                "StorageMigrationFailed", m.vm.name, vm=m.vm.name, source=m.source_csv, target=m.target_csv, reason=why
            )
        self._pump()

    def host_gone(self, node: str) -> None:
        """The node left the cluster for good (evicted, §9.1): copies it was running or had queued fail."""
        for m in list(self.moves):
            if m.host == node and m.state in ("Queued", "Copying"):
                self._finish_move(m, ok=False, why=f"{node} was evicted from the cluster")

    def current_move(self, vm: Vm) -> StorageMove | None:
        for m in self.moves:
            if m.vm is vm and m.state in ("Queued", "Copying"):
                return m
        return None
