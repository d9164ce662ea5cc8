"""Live migration (§5.1–§5.4) as a fluid model: bandwidth is shared, events only at changes.

A live migration is setup → pre-copy passes → blackout → running on the destination:

* pass 1 copies the VM's memory; each later pass copies what the workload dirtied during the
  pass before (``dirty_mb_s``), at most 5 passes on 2012 R2 and later (§5.1 [S5:p499]);
* when what is left is small, or the pass cap is reached, the VM pauses on the source and the
  rest moves in the blackout; that is the only downtime of a live migration;
* concurrent migrations share each host's live-migration bandwidth: a migration moves at
  min(source share, destination share), recomputed whenever a migration starts or ends, so the
  number of simulation events grows with migrations, not with simulated seconds;
* performance options (§5.3): TCP/IP uses the best live-migration network, Compression (the
  default since 2012 R2) roughly halves the bytes at a CPU cost cap, SMB uses every
  live-migration network at once;
* per-host simultaneous migrations (default 2, §5.2) or, on 2022, the cluster-wide
  MaximumParallelMigrations (default 1 after the 2022-09 CU [S30]); extra requests queue;
* cancel or failure (destination lost, network cut) leaves the VM running on the source with
  MigrationState Canceled/Failure and no downtime (§5.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from . import profiles as P
from .model import Group, Vm, World
from .snapshots import VmState

EPS = 1e-9


class MigrationState(StrEnum):
    """§3.13 MigrationState: 0 none, 1 Setup, 2 Data Transfer, 3 Move, 4 Canceled, 5 Failure."""

    QUEUED = "Queued"  # waiting for a free slot (not an API value: WAITING_IN_QUEUE_FOR_MOVE, §3.1)
    SETUP = "Setup"
    DATA_TRANSFER = "DataTransfer"
    MOVE = "Move"
    DONE = "Done"
    CANCELED = "Canceled"
    FAILURE = "Failure"


@dataclass(eq=False)
class Migration:
    id: int
    group: Group
    vm: Vm
    source: str
    target: str
    reason: str
    requested: float
    state: MigrationState = MigrationState.QUEUED
    epoch: int = 0  # the group's epoch at request: a newer one means the VM went down
    passes: int = 0
    pass_bytes: float = 0.0  # GB to copy in the current pass (or the blackout)
    pass_left: float = 0.0
    pass_started: float = 0.0
    copied_total: float = 0.0
    rate: float = 0.0  # GB/s of guest memory moved (after compression)
    started: float | None = None
    finished: float | None = None
    on_done: list[Callable[[bool], None]] = field(default_factory=list)
    networks: tuple[str, ...] = ()  # the network(s) the transfer uses, chosen at setup
    failure: str = ""  # why it was canceled or failed

    @property
    def active(self) -> bool:
        return self.state in (MigrationState.SETUP, MigrationState.DATA_TRANSFER, MigrationState.MOVE)

    def left_at(self, now: float, last_update: float) -> float:
        """GB left in the current pass at ``now`` (the model only updates at events)."""
        if self.state not in (MigrationState.DATA_TRANSFER, MigrationState.MOVE):
            return self.pass_left
        return max(0.0, self.pass_left - self.rate * max(0.0, now - last_update))

    def percent_at(self, left: float) -> float:
        if self.state is MigrationState.DONE:
            return 100.0
        if self.state in (MigrationState.QUEUED, MigrationState.SETUP) or self.pass_bytes <= 0:
            return 0.0
        # Progress of the memory image: pass 1 dominates; later passes nudge towards 100.
        done = 1.0 - left / self.pass_bytes
        copies = self.passes + (1 if self.state is MigrationState.MOVE else 0)  # the blackout copies last
        if copies <= 1:
            return round(90.0 * done, 1)
        return round(min(99.0, 90.0 + 9.0 * (copies - 1 + done) / max(copies + 1, P.LM_MAX_PASSES)), 1)


class Migrations:
    """Every live migration of the cluster: queue, bandwidth sharing, completion."""

    def __init__(self, world: World, set_vm: Callable[[Vm, VmState, str | None], None]) -> None:
        self.w = world
        self._set_vm = set_vm  # the role engine's VM-state setter (keeps downtime accounting in one place)
        self.all: list[Migration] = []  # history, for views
        self.open: list[Migration] = []  # queued or running: all the per-event work looks only here
        self._started: list[Migration] = []  # the open ones past the queue (setup, transfer, blackout)
        self._busy: dict[str, int] = {}  # running migrations per node (source or destination)
        self._latest: dict[int, Migration] = {}  # id(group) -> its latest migration
        self._next_id = 1
        self._timer_gen = 0
        self._last_update = 0.0
        #: hooks set by the role engine: finish the move / note a failure
        self.completed: Callable[[Migration], None] = lambda m: None

    # queries ---------------------------------------------------------------------------

    def current(self, g: Group) -> Migration | None:
        m = self._latest.get(id(g))
        if m is not None and m.group is g and m.state in (MigrationState.QUEUED, *ACTIVE):
            return m
        return None

    def last(self, g: Group) -> Migration | None:
        m = self._latest.get(id(g))
        return m if m is not None and m.group is g else None

    def running(self) -> list[Migration]:
        return list(self.open)

    def progress(self, m: Migration) -> tuple[float, float]:
        """(percent, GB left in the pass) as of now."""
        left = m.left_at(self.w.now, self._last_update)
        return m.percent_at(left), left

    def limit(self, node: str) -> int:
        w = self.w
        if w.max_parallel_migrations is not None:
            return w.max_parallel_migrations
        return w.nodes[node].max_vm_migrations

    # requests --------------------------------------------------------------------------

    def request(self, g: Group, target: str, reason: str, on_done: Callable[[bool], None] | None = None) -> Migration:
        assert g.vm is not None
        m = Migration(self._next_id, g, g.vm, g.owner, target, reason, self.w.now, epoch=g.epoch)
        self._next_id += 1
        if on_done:
            m.on_done.append(on_done)
        g.migrating_to = target
        self.all.append(m)
        self.open.append(m)
        self._latest[id(g)] = m
        self.w.emit("LiveMigrationQueued", g.name, vm=g.name, source=m.source, target=target)
        self._pump()
        return m

    def fail(self, m: Migration, why: str) -> None:
        """The VM went offline under the migration: it fails now and frees its destination memory."""
        self._update()
        self._finish(m, MigrationState.FAILURE, why)

    def cancel(self, m: Migration, why: str = "canceled by the administrator") -> None:
        self._update()
        self._finish(m, MigrationState.CANCELED, why)

    def _pump(self) -> None:
        """Start queued migrations (in request order) while both hosts have a free slot."""
        self._update()
        # A drain queues a node's VMs behind one or two slots: skip the queue entries of full
        # nodes by a set lookup instead of asking each one.
        full = {node for node, count in self._busy.items() if count >= self.limit(node)}
        for m in list(self.open):
            if m.state is not MigrationState.QUEUED or m.source in full or m.target in full:
                continue  # (a queued one that became invalid is failed by topology_changed)
            if not self._still_valid(m):
                self._finish(m, MigrationState.FAILURE, self._why_invalid(m))  # (pumps again itself)
                full = {node for node, count in self._busy.items() if count >= self.limit(node)}
                continue
            m.state = MigrationState.SETUP
            m.group.touch()  # its VM's snapshot shows the migration state
            self._started.append(m)
            for node in (m.source, m.target):
                self._busy[node] = self._busy.get(node, 0) + 1
                if self._busy[node] >= self.limit(node):
                    full.add(node)
            m.started = self.w.now
            m.vm.dest_host = m.target  # the destination allocates the VM's memory at setup
            m.networks = self._networks(m)
            self.w.emit("LiveMigrationStarted", m.group.name, vm=m.group.name, source=m.source, target=m.target)
            self.w.after(P.LM_SETUP_S, partial(self._setup_done, m))
        self._reschedule()

    def _setup_done(self, m: Migration) -> None:
        if m.state is not MigrationState.SETUP:
            return
        self._update()
        if not self._still_valid(m):
            self._finish(m, MigrationState.FAILURE, self._why_invalid(m))
            return
        m.state = MigrationState.DATA_TRANSFER
        m.group.touch()  # its VM's snapshot shows the migration state
        self._begin_pass(m, m.vm.memory_gb)
        self._reschedule()

    def _begin_pass(self, m: Migration, gb: float, *, precopy: bool = True) -> None:
        # The blackout's last copy is not a pre-copy pass: ``passes`` stays within lm_max_passes.
        if precopy:
            m.passes += 1
        m.pass_bytes = max(gb, EPS)
        m.pass_left = m.pass_bytes
        m.pass_started = self.w.now

    # the fluid model -------------------------------------------------------------------

    def _usable(self, node: str) -> list[str]:
        w = self.w
        n = w.nodes[node]
        nets = [net.name for net in w.networks.values() if net.live_migration and net.name not in n.detached]
        if not nets:
            nets = [net.name for net in w.cluster_networks() if net.name not in n.detached]
        return nets

    def _networks(self, m: Migration) -> tuple[str, ...]:
        """The live-migration network(s) both ends share, in preference order: the fastest one for
        TCP/IP and Compression, every one for SMB (multichannel, §5.3)."""
        w = self.w
        common = [n for n in self._usable(m.source) if n in self._usable(m.target)]
        common.sort(key=lambda n: (-w.networks[n].gbps, n))
        if w.nodes[m.source].migration_option == "SMB":
            return tuple(common)
        return tuple(common[:1])

    def _bandwidth(self, node: str, option: str) -> float:
        """GB/s of the node's live-migration link for one migration option."""
        w = self.w
        n = w.nodes[node]
        nets = [net for net in w.networks.values() if net.live_migration and net.name not in n.detached]
        if not nets:
            nets = [net for net in w.cluster_networks() if net.name not in n.detached]
        if not nets:
            return 0.0
        gbps = sum(net.gbps for net in nets) if option == "SMB" else max(net.gbps for net in nets)
        return gbps / 8.0 * P.LM_LINK_EFFICIENCY

    def _rates(self) -> None:
        transfers = [m for m in self._started if m.state in (MigrationState.DATA_TRANSFER, MigrationState.MOVE)]
        per_node: dict[str, int] = {}
        for m in transfers:
            per_node[m.source] = per_node.get(m.source, 0) + 1
            per_node[m.target] = per_node.get(m.target, 0) + 1
        for m in transfers:
            option = self.w.nodes[m.source].migration_option
            link = min(
                self._bandwidth(m.source, option) / per_node[m.source],
                self._bandwidth(m.target, option) / per_node[m.target],
            )
            if option == "Compression":
                # §5.3: compression sends about half the bytes, limited by spare CPU.
                m.rate = min(link * P.LM_COMPRESSION_RATIO, P.LM_COMPRESSION_CPU_GBPS)
            else:
                m.rate = link

    def _update(self) -> None:
        """Move every transfer forward to now at its current rate."""
        now = self.w.now
        dt = now - self._last_update
        self._last_update = now
        if dt <= 0:
            return
        for m in self._started:
            if m.state in (MigrationState.DATA_TRANSFER, MigrationState.MOVE) and m.rate > 0:
                moved = min(m.pass_left, m.rate * dt)
                m.pass_left -= moved
                m.copied_total += moved

    def _reschedule(self) -> None:
        self._rates()
        self._timer_gen += 1
        gen = self._timer_gen
        soonest = None
        for m in self._started:
            if m.state in (MigrationState.DATA_TRANSFER, MigrationState.MOVE):
                if m.rate <= 0:
                    continue
                t = m.pass_left / m.rate
                soonest = t if soonest is None else min(soonest, t)
        if soonest is not None:
            self.w.after(max(soonest, 0.0), lambda: self._tick(gen))

    def _tick(self, gen: int) -> None:
        if gen != self._timer_gen:
            return
        self._update()
        for m in list(self._started):
            if m.state not in (MigrationState.DATA_TRANSFER, MigrationState.MOVE) or m.pass_left > 1e-6:
                continue
            if not self._still_valid(m):
                self._finish(m, MigrationState.FAILURE, self._why_invalid(m))
                continue
            if m.state is MigrationState.MOVE:
                self._finish(m, MigrationState.DONE, "")
                continue
            took = max(self.w.now - m.pass_started, EPS)
            dirtied = min(m.vm.memory_gb, m.vm.dirty_mb_s / 1024.0 * took)
            if dirtied <= P.LM_BLACKOUT_GB or m.passes >= self.w.profile.lm_max_passes:
                # Blackout: the VM pauses on the source while the last pages and state move.
                m.state = MigrationState.MOVE
                m.group.touch()  # its VM's snapshot shows the migration state
                self._begin_pass(m, dirtied + P.LM_STATE_GB, precopy=False)
                self._blackout_start(m)
            else:
                self._begin_pass(m, dirtied)
        self._pump()

    # validity and completion -----------------------------------------------------------

    def _still_valid(self, m: Migration) -> bool:
        return self._why_invalid(m) == ""

    def _why_invalid(self, m: Migration) -> str:
        w = self.w
        g = m.group
        if g.epoch != m.epoch or g.owner != m.source:
            return "the VM is no longer running on the source"
        src, dst = w.nodes[m.source], w.nodes[m.target]
        if not dst.live or not dst.is_member or dst.stopping:
            return f"the destination {m.target} is not available"
        if not src.live or not (src.is_member or w.quarantined(src)):  # (§7.3: a quarantined node is drained)
            return f"the source {m.source} is not available"
        option = src.migration_option
        if (
            self._bandwidth(m.source, option) <= 0
            or self._bandwidth(m.target, option) <= 0
            or not w.linked(m.source, m.target)
        ):
            return f"{m.source} cannot reach {m.target} over a live-migration network"
        if m.networks and not any(n in self._usable(m.source) and n in self._usable(m.target) for n in m.networks):
            # §5.4: the network the transfer was using went away mid-migration.
            return (
                f"the live-migration network {', '.join(m.networks)} between {m.source} and {m.target} was cut "
                "(or excluded from live migration)"
            )
        return ""

    def _blackout_start(self, m: Migration) -> None:
        self._set_vm(m.vm, VmState.PAUSED, None)

    def _finish(self, m: Migration, state: MigrationState, why: str) -> None:
        if m.state in (MigrationState.DONE, MigrationState.CANCELED, MigrationState.FAILURE):
            return
        w = self.w
        was_blackout = m.state is MigrationState.MOVE
        m.failure = why
        if m.active:
            for node in (m.source, m.target):
                self._busy[node] -= 1
                if not self._busy[node]:
                    del self._busy[node]  # only busy nodes stay: the queue looks at them all
        if m in self.open:
            self.open.remove(m)
        if m in self._started:
            self._started.remove(m)
        m.state = state
        m.group.touch()  # its VM's snapshot shows the migration state
        m.finished = w.now
        g = m.group
        if g.migrating_to == m.target:
            g.migrating_to = None
        if m.vm.dest_host == m.target:
            m.vm.dest_host = None
        if state is MigrationState.DONE:
            m.vm.migrations += 1
            self.completed(m)
            w.emit(
                "LiveMigrationCompleted",
                g.name,
                vm=g.name,
                source=m.source,
                target=m.target,
                seconds=round(w.now - (m.started if m.started is not None else w.now), 1),
                passes=m.passes,
            )
        else:
            if was_blackout and m.vm.state is VmState.PAUSED and w.nodes[m.source].live:
                self._set_vm(m.vm, VmState.RUNNING, None)
            name = "LiveMigrationCanceled" if state is MigrationState.CANCELED else "LiveMigrationFailed"
            w.emit(name, g.name, vm=g.name, source=m.source, target=m.target, reason=why)
        for cb in m.on_done:
            cb(state is MigrationState.DONE)
        self._pump()

    def topology_changed(self) -> None:
        """A node or link changed: fail migrations that lost an end (checked at once, not at the next tick)."""
        self._update()
        for m in list(self.open):
            if not self._still_valid(m):
                self._finish(m, MigrationState.FAILURE, self._why_invalid(m))
        self._pump()


ACTIVE = (MigrationState.SETUP, MigrationState.DATA_TRANSFER, MigrationState.MOVE)
