"""Where roles run: group/resource state machines and the policies of §3.

* failover waves place groups High → Medium → Low and start each priority band only when
  the band above has finished starting (§3.9 "higher-priority roles are started and placed
  before lower ones"); NoAutoStart roles move but stay offline;
* resource restart policy (restart on the same node up to RestartThreshold within
  RestartPeriod, then fail the group over) and group FailoverThreshold (N − 1 in 6 h, then
  left Failed with event 1254, retried after RetryPeriodOnFailure) (§3.3, §3.4);
* preferred/possible owners, anti-affinity, memory and preemption through ``placement``;
* failback Prevent/Allow with windows (§3.8), done as a quick migration (§3.8: failback uses
  the same offline → move → online procedure);
* a VM that failed over restarts cold: Off until it has booted on its new node (§5.5:
  unplanned failure is not a quick migration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from . import balancer
from . import profiles as P
from .migration import Migration, Migrations
from .model import ACTIVE_VM_STATES, Group, Resource, Vm, World
from .placement import Mode, NodeLoad, Request, Result, Victim, place
from .resiliency import Resiliency
from .snapshots import DrainStatus, GroupState, GroupType, PlacementExplanation, ResourceState, VmState
from .storage import Storage

VM_RESOURCE = "Virtual Machine"
VM_CONFIG_RESOURCE = "Virtual Machine Configuration"


def _drained(one: Callable[[Group | None, bool, str], None], g: Group, ok: bool) -> None:
    one(g, ok, "the live migration failed")


def group_state(g: Group) -> GroupState:
    """§3.1: Failed if any resource failed, Pending if any pending, Online if all online…"""
    states = [r.state for r in g.resources]
    if not states:
        return GroupState.OFFLINE
    if ResourceState.FAILED in states:
        return GroupState.FAILED
    if ResourceState.ONLINE_PENDING in states or ResourceState.OFFLINE_PENDING in states:
        return GroupState.PENDING
    if all(s is ResourceState.ONLINE for s in states):
        return GroupState.ONLINE
    if all(s is ResourceState.OFFLINE for s in states):
        return GroupState.OFFLINE
    return GroupState.PARTIAL_ONLINE


@dataclass
class _Book:
    """Per-node aggregates for one round of placements, updated as roles are placed."""

    claimed: dict[str, float] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)
    aa: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    victims: dict[str, list[Victim]] = field(default_factory=dict)
    #: when memory freed by preemption in this round is really free (victims still saving)
    ready_at: dict[str, float] = field(default_factory=dict)
    #: each node's NodeLoad, rebuilt only when a placement changes that node: a drain places a
    #: node's VMs one by one against the same book (of 64 nodes with 125 VMs each at most).
    loads: dict[str, NodeLoad] = field(default_factory=dict)


class Roles:
    def __init__(self, world: World) -> None:
        self.w = world
        self.migrations = Migrations(world, self.set_vm)
        self.migrations.completed = self._live_moved
        self._victims: dict[str, Victim] = {}  # the book's Victim of each group, while it stays the same
        self.storage = Storage(world, self.set_vm, self._storage_crashed)
        self.resiliency = Resiliency(world, self)
        #: §6.2 [S26][S27]: cluster-initiated moves live-migrate roles at or above this
        #: priority (High and Medium) and quick-migrate the rest (Low). The property's real
        #: name is UNVERIFIED in the reference, so it is a lab setting, not a Get-Cluster one.
        self.live_min_priority = P.PRIORITY_MEDIUM
        self._scope: set[str] | None = None  # placement limited to one partition's members
        #: §3.11 AutoBalancerMode (0 off, 1 on node join, 2 on join and every 30 min) and Level (1-3).
        self.auto_balancer_mode = 2 if world.profile.vm_load_balancing else 0
        self.auto_balancer_level = 1
        self._balance_armed = False  # a periodic evaluation is scheduled
        #: called with (vm, old state, new state) whenever a VM's state changes (guest clusters)
        self.vm_listeners: list[Callable[[Vm, VmState, VmState], None]] = []

    # VM truth and downtime -------------------------------------------------------------

    def set_vm(self, vm: Vm, state: VmState, host: str | None = None) -> None:
        now = self.w.now
        self.arm_balancer()
        was_running = vm.state is VmState.RUNNING
        if state is VmState.PAUSED_CRITICAL and vm.state is not VmState.PAUSED_CRITICAL:
            vm.critical_since = now
            self.w.after(P.CRITICAL_ERROR_ACTION_TIMEOUT_MIN * 60, partial(self._critical_timeout, vm, now))
        elif state is not VmState.PAUSED_CRITICAL:
            vm.critical_since = None
        old, old_host = vm.state, vm.host
        vm.state = state
        if host is not None:
            vm.host = host
        if old is not state or vm.host != old_host:
            vm.history.append((now, state, vm.host))
        if state is VmState.RUNNING and not was_running:
            if vm.down_since is not None:
                vm.downtime += now - vm.down_since
            vm.down_since = None
            vm.running_since = now
        elif state is not VmState.RUNNING and was_running:
            vm.down_since = now
            vm.running_since = None
        if old is not state:
            for listener in self.vm_listeners:
                listener(vm, old, state)

    @staticmethod
    def vm_resource(g: Group) -> Resource | None:
        for r in g.resources:
            if r.type == VM_RESOURCE:
                return r
        return None

    def _set_resources(self, g: Group, state: ResourceState) -> None:
        if g.type in (GroupType.FILE_SERVER, GroupType.SCALE_OUT_FILE_SERVER):
            self._clients(g, state)
        for r in g.resources:
            if r is self.w.witness_resource and not self.w.witness.healthy:
                r.state = ResourceState.FAILED if state is not ResourceState.OFFLINE else ResourceState.OFFLINE
            else:
                r.state = state

    # placement -------------------------------------------------------------------------

    def _book(self, *, memory_only: bool = False) -> _Book:
        """``memory_only``: count and claimed memory, without anti-affinity and victims (enough
        to know whether any node is over a memory threshold)."""
        book = _Book()
        for n in self.w.nodes:
            book.claimed[n] = 0.0
            book.count[n] = 0
            book.aa[n] = []
            book.victims[n] = []
        # The hottest loop of a maximum-size cluster (every group, at each round of placements):
        # locals instead of attribute lookups.
        claimed, count, aa, victims = book.claimed, book.count, book.aa, book.victims
        active, running, cached = ACTIVE_VM_STATES, VmState.RUNNING, self._victims
        for g in self.w.groups.values():
            owner = g.owner
            if g.is_core or owner not in count:
                continue
            count[owner] += 1
            vm = g.vm
            if vm is None:
                continue
            host = vm.host
            claim = g.claim
            if (not claim or host != owner) and host in claimed and vm.state in active:
                # Still resident where it is being saved or stopped: the memory is not free yet.
                claimed[host] += vm.memory_gb
            to = g.migrating_to
            if to and to in claimed:
                # A live migration reserved the VM's memory on its destination.
                claimed[to] += vm.memory_gb
            if claim:
                claimed[owner] += vm.memory_gb
                if memory_only:
                    continue
                if g.anti_affinity:
                    aa[owner].extend((cls, g.name) for cls in g.anti_affinity)
                if vm.state is running:
                    v = cached.get(g.name)
                    if v is None or v.priority != g.priority or v.memory_gb != vm.memory_gb:
                        v = cached[g.name] = Victim(g.name, g.priority, vm.memory_gb)
                    victims[owner].append(v)
        for vm in self.w.standalone.values():  # VMs that are not clustered still use the host's memory
            if vm.host in book.claimed and vm.state in ACTIVE_VM_STATES:
                book.claimed[vm.host] += vm.memory_gb
        return book

    def _loads(self, book: _Book) -> list[NodeLoad]:
        loads = []
        for n in self.w.nodes.values():
            if self._scope is not None and n.name not in self._scope:
                state = "Down"  # a member of another partition this one cannot use
            elif n.can_host:
                state = "Up"
            elif n.is_member and n.stopping:
                state = "Stopping"
            elif n.is_member and n.paused:
                state = "Paused"
            elif n.joining:
                state = "Joining"
            else:
                state = "Down"
            load = book.loads.get(n.name)
            if load is None or load.state != state:
                aa = book.aa[n.name]
                load = book.loads[n.name] = NodeLoad(
                    name=n.name,
                    id=n.id,
                    state=state,
                    memory_total_gb=n.memory_gb - self.w.block_cache_mb / 1024.0,  # the CSV cache is not VM memory
                    memory_used_gb=book.claimed[n.name],
                    group_count=book.count[n.name],
                    anti_affinity=frozenset(c for c, _ in aa),
                    anti_affinity_hosts=tuple(aa),
                    victims=tuple(book.victims[n.name]),
                    site=n.site if self.w.profile.compute_resiliency else None,
                )
            loads.append(load)
        return loads

    def _request(
        self,
        g: Group,
        mode: Mode,
        target: str | None = None,
        exclude: Iterable[str] = (),
        allow_preempt: bool = True,
        start: bool | None = None,
    ) -> Request:
        possible: set[str] | None = None
        for r in g.resources:
            if r.possible_owners is not None:
                possible = set(r.possible_owners) if possible is None else possible & r.possible_owners
        if start is None:
            # Automatic starts skip NoAutoStart roles and roles the administrator stopped (§3.9);
            # a running VM that is being moved keeps running, whatever its priority.
            running = g.vm is not None and g.vm.state in ACTIVE_VM_STATES
            start = g.intended_online and (g.priority > P.PRIORITY_NO_AUTO_START or running)
        return Request(
            group=g.name,
            memory_gb=g.vm.memory_gb if g.vm else 0.0,
            priority=g.priority,
            preferred_owners=tuple(g.preferred_owners),
            possible_owners=frozenset(possible) if possible is not None else None,
            anti_affinity=frozenset(g.anti_affinity),
            current_owner=g.owner,
            mode=mode,
            target=target,
            enforced_anti_affinity=self.w.enforced_anti_affinity,
            exclude=frozenset(exclude),
            allow_preempt=allow_preempt,
            start=start,
            **self._sites(g, mode),
        )

    def _sites(self, g: Group, mode: Mode) -> dict[str, str | None]:
        """§1.7 [S66] 2016+ site awareness: the preferred site, and the failing node's site."""
        w = self.w
        if not w.profile.compute_resiliency or not any(n.site for n in w.nodes.values()):
            return {}
        owner = w.nodes.get(g.owner)
        return {
            "preferred_site": g.preferred_site or w.preferred_site,
            "source_site": owner.site if owner is not None and mode is Mode.FAILOVER else None,
        }

    def _place(
        self,
        g: Group,
        book: _Book,
        trigger: str,
        mode: Mode,
        target: str | None = None,
        *,
        allow_preempt: bool = True,
        start: bool | None = None,
        exclude: Iterable[str] = (),
    ) -> Result:
        request = self._request(g, mode, target, exclude=exclude, allow_preempt=allow_preempt, start=start)
        result = place(request, self._loads(book))
        g.last_placement = PlacementExplanation(
            time=self.w.now,
            trigger=trigger,
            chosen=result.node,
            candidates=result.order,
            reasons=result.reasons,
            preempted=tuple(v.group for v in result.preempt),
        )
        if result.node is not None:
            self._book_move(book, g, result.node)
            for v in result.preempt:
                victim = self.w.groups[v.group]
                self._book_release(book, victim)
        return result

    def _book_release(self, book: _Book, g: Group) -> None:
        if g.vm is None or g.owner not in book.claimed:
            return
        book.loads.pop(g.owner, None)
        if g.claim:
            book.claimed[g.owner] -= g.vm.memory_gb
            book.aa[g.owner] = [(c, n) for c, n in book.aa[g.owner] if n != g.name]
        book.victims[g.owner] = [v for v in book.victims[g.owner] if v.group != g.name]

    def _book_move(self, book: _Book, g: Group, node: str) -> None:
        if g.owner in book.count and not g.is_core:
            self._book_release(book, g)
            book.count[g.owner] -= 1
            book.loads.pop(g.owner, None)
        book.count[node] += 1
        book.loads.pop(node, None)
        if g.vm is not None and g.intended_online and g.priority > P.PRIORITY_NO_AUTO_START:
            book.claimed[node] += g.vm.memory_gb
            book.aa[node].extend((c, g.name) for c in g.anti_affinity)

    # taking roles down -----------------------------------------------------------------

    def host_powered_off(self, node: str) -> None:
        """Power loss: VMs on the host stop at once; the cluster notices only at detection.
        A general-purpose file server's clients lose their sessions at once too."""
        for g in self.w.groups.values():
            if g.owner == node and g.type is GroupType.FILE_SERVER and group_state(g) is GroupState.ONLINE:
                self._clients_lost(g)
        for vm in self.w.vms.values():
            if vm.host == node and vm.state in ACTIVE_VM_STATES:
                self.set_vm(vm, VmState.OFF)

    def take_offline_now(self, g: Group, reason: str) -> None:
        """The owner left the cluster: resources offline, VM off, pending work void."""
        self.resiliency.forget(g)
        m = self.migrations.current(g)
        if m is not None:
            # Fail it now: waiting for its next step would leave the destination's memory
            # reserved while placement already counts it free (memory over-commit, found by fuzzing).
            self.migrations.fail(m, reason)
        g.epoch += 1
        g.claim = False
        g.status = ""
        g.migrating_to = None  # a live migration of it fails (it checks the epoch)
        if g.vm is not None and g.vm.state is not VmState.OFF and g.vm.state is not VmState.SAVED:
            self.set_vm(g.vm, VmState.OFF)
            self.w.emit("VmStopped", g.vm.name, vm=g.vm.name, reason=reason)
        self._set_resources(g, ResourceState.OFFLINE)

    def groups_on(self, nodes: Iterable[str]) -> list[Group]:
        names = set(nodes)
        return [
            g
            for g in self.w.groups.values()
            if g.owner in names or (g.vm is not None and g.vm.host in names and g.vm.state in ACTIVE_VM_STATES)
        ]

    # bringing roles up -----------------------------------------------------------------

    def bring_online(
        self,
        g: Group,
        node: str,
        *,
        from_saved: bool = False,
        delay: float = 0.0,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        """Start a group on ``node``; ``on_done`` runs exactly once when the attempt ends."""
        w = self.w
        g.epoch += 1
        epoch = g.epoch
        g.owner = node
        g.status = ""
        g.waiting = False
        g.claim = g.vm is not None
        done_cb = on_done or (lambda: None)
        if g.vm is None:
            if g.online_s <= 0:
                self._set_resources(g, ResourceState.ONLINE)
                w.emit("GroupOnline", g.name, group=g.name)
                done_cb()
                return
            self._set_resources(g, ResourceState.ONLINE_PENDING)

            def online() -> None:
                try:
                    if g.epoch == epoch and w.node_named(node).can_host:
                        self._set_resources(g, ResourceState.ONLINE)
                        w.emit("GroupOnline", g.name, group=g.name)
                finally:
                    done_cb()

            w.after(delay + g.online_s, online)
            return
        vm = g.vm
        self._set_resources(g, ResourceState.ONLINE_PENDING)
        duration = self.restore_s(vm) if from_saved else vm.boot_s
        w.emit("GroupStarting", g.name, group=g.name, node=node)

        def start() -> None:
            if g.epoch != epoch or not w.node_named(node).live:
                return  # a dead host cannot start it; its detection will fail the role over
            self.set_vm(vm, VmState.STARTING, host=node)

        def finish() -> None:
            try:
                if g.epoch != epoch or not w.node_named(node).live:
                    return
                vres = self.vm_resource(g)
                failing = [r for r in g.resources if r.fail_next > 0 or node in r.fail_on]
                if failing:
                    r = failing[0]
                    if r.fail_next > 0:
                        r.fail_next -= 1
                    self.resource_failed(r)
                    return
                if vres is not None and not self.storage.vm_can_run(vm, node):
                    self.resource_failed(vres)  # its CSV is not accessible: the VM cannot start
                    return
                self._set_resources(g, ResourceState.ONLINE)
                if vres is not None:
                    if not from_saved:
                        vm.restarts += 1
                        # A cold boot: the guest starts with fresh service counters and no hang.
                        vm.service_failures.clear()
                        vm.stopped_services.clear()
                        vm.guest_hung = False
                        vm.critical = False
                    self.set_vm(vm, VmState.RUNNING, host=node)
                w.emit("GroupOnline", g.name, group=g.name)
            finally:
                done_cb()

        if delay > 0:
            w.after(delay, start)
        else:
            start()
        w.after(delay + duration, finish)

    @staticmethod
    def save_s(vm: Vm) -> float:
        return vm.memory_gb / P.SAVE_RESTORE_GBPS

    restore_s = save_s

    def start_in_bands(self, queued: list[tuple[Group, float]], on_all_done: Callable[[], None] | None = None) -> None:
        """Start queued groups band by band: a band starts when the one above has finished."""
        bands: dict[int, list[tuple[Group, float, int]]] = {}
        for g, delay in queued:
            g.status = "Waiting to start"
            bands.setdefault(g.priority, []).append((g, delay, g.epoch))
        order = [bands[p] for p in sorted(bands, reverse=True)]

        def run(i: int) -> None:
            if i >= len(order):
                if on_all_done:
                    on_all_done()
                return
            live = [(g, d) for g, d, ep in order[i] if g.epoch == ep and g.status == "Waiting to start"]
            if not live:
                run(i + 1)
                return
            remaining = len(live)

            def one_done() -> None:
                nonlocal remaining
                remaining -= 1
                if remaining == 0:
                    run(i + 1)

            for g, delay in live:
                self.bring_online(
                    g,
                    g.owner,
                    from_saved=g.vm is not None and g.vm.state is VmState.SAVED,
                    delay=delay,
                    on_done=one_done,
                )

        run(0)

    # failover --------------------------------------------------------------------------

    def failover_threshold(self, g: Group) -> int:
        return g.failover_threshold if g.failover_threshold is not None else max(1, len(self.w.nodes) - 1)

    def _allow_failover(self, g: Group) -> bool:
        now = self.w.now
        g.failover_times = [t for t in g.failover_times if now - t < g.failover_period_h * 3600.0]
        if len(g.failover_times) >= self.failover_threshold(g):
            self._leave_failed(g, "failover threshold exceeded")
            self.w.emit("GroupTerminalFailure", g.name, group=g.name)
            return False
        g.failover_times.append(now)
        g.touch()
        return True

    def _leave_failed(self, g: Group, why: str) -> None:
        g.epoch += 1
        g.claim = False
        g.status = why
        for r in g.resources:
            r.state = ResourceState.FAILED if r.type == VM_RESOURCE or g.vm is None else ResourceState.OFFLINE
        epoch = g.epoch

        def retry() -> None:
            # §3.3 RetryPeriodOnFailure: one more online attempt after the period.
            if g.epoch != epoch or not g.intended_online:
                return
            g.failover_times.clear()
            g.touch()
            self.place_and_start([g], "retry after RetryPeriodOnFailure", Mode.BEST)

        self.w.after(P.RETRY_PERIOD_ON_FAILURE_S, retry)

    def place_and_start(
        self,
        groups: Iterable[Group],
        trigger: str,
        mode: Mode,
        *,
        count_failover: bool = False,
        source: str | None = None,
        prefer_owner: bool = False,
    ) -> None:
        """Place groups highest priority first, then start them in priority bands.

        ``prefer_owner``: keep a role on its current owner when that node can take it
        (cluster start), otherwise walk the node list."""
        book = self._book()
        queued: list[tuple[Group, float]] = []
        ordered = sorted(groups, key=lambda g: (-g.priority, g.name))
        for g in ordered:
            if g.is_core:
                continue
            if count_failover and not self._allow_failover(g):
                continue
            old_owner = g.owner
            result = None
            if prefer_owner and self.w.nodes[g.owner].can_host:
                result = self._place(g, book, trigger, Mode.TARGET, target=g.owner)
            if result is None or result.node is None:
                result = self._place(g, book, trigger, mode)
            if result.node is None:
                self._mark_waiting(g, result)
                continue
            if count_failover:
                self.w.emit("FailoverAttempt", g.name, group=g.name, source=source or old_owner, target=result.node)
            self._preempt(result, g, book)
            delay = max(0.0, book.ready_at.get(result.node, 0.0) - self.w.now)
            g.owner = result.node
            if g.intended_online and g.priority > P.PRIORITY_NO_AUTO_START and g.vm is not None:
                g.claim = True
                queued.append((g, delay))
            elif g.vm is None and g.intended_online:
                queued.append((g, delay))
            else:
                # NoAutoStart (§3.9) or stopped by the administrator: the role moves, stays offline.
                g.claim = False
                if g.vm is not None and g.vm.state not in ACTIVE_VM_STATES:
                    g.vm.host = g.owner
                self._set_resources(g, ResourceState.OFFLINE)
        if queued:
            self.start_in_bands(queued)

    def _mark_waiting(self, g: Group, result: Result) -> None:
        already = g.waiting
        g.claim = False
        g.waiting = True
        g.status = "Offline due to anti-affinity conflict" if result.anti_affinity_conflict else "Waiting for resources"
        self._set_resources(g, ResourceState.OFFLINE)
        if not already:  # retries that fail again stay quiet
            reason = result.reasons[-1] if result.reasons else "no node available"
            self.w.emit("GroupWaiting", g.name, group=g.name, reason=reason)

    def _preempt(self, result: Result, preemptor: Group, book: _Book) -> None:
        """Take the victims offline (saved). Whatever this round places on that node waits
        until their memory is really free (``book.ready_at``)."""
        for v in result.preempt:
            victim = self.w.groups[v.group]
            self.w.emit("GroupPreempted", victim.name, group=victim.name, preemptor=preemptor.name)
            took = self.save_offline(victim, status="Preempted", then_wait=True)
            node = result.node or ""
            book.ready_at[node] = max(book.ready_at.get(node, 0.0), self.w.now + took)

    def save_offline(
        self, g: Group, *, status: str = "", then_wait: bool = False, on_saved: Callable[[], None] | None = None
    ) -> float:
        """OfflineAction Save (§3.13): VM Saving, then Saved; resources OfflinePending → Offline."""
        w = self.w
        g.epoch += 1
        epoch = g.epoch
        g.claim = False
        g.status = status
        vm = g.vm
        if vm is None or vm.state is not VmState.RUNNING:
            if vm is not None and vm.state in ACTIVE_VM_STATES:
                self.set_vm(vm, VmState.OFF)
            self._set_resources(g, ResourceState.OFFLINE)
            g.waiting = then_wait
            if on_saved:
                on_saved()
            return 0.0
        self._set_resources(g, ResourceState.OFFLINE_PENDING)
        self.set_vm(vm, VmState.SAVING)
        took = self.save_s(vm)
        host = vm.host

        def saved() -> None:
            if g.epoch != epoch:
                if on_saved:
                    on_saved()
                return
            if w.node_named(host).powered:
                self.set_vm(vm, VmState.SAVED)
            self._set_resources(g, ResourceState.OFFLINE)
            w.emit("GroupOffline", g.name, group=g.name)
            g.waiting = then_wait
            if on_saved:
                on_saved()
            if then_wait:
                self.retry_waiting()

        w.after(took, saved)
        return took

    # events from membership ------------------------------------------------------------

    def nodes_removed(self, removed: list[str], survivors: bool, keep: frozenset[Group] = frozenset()) -> None:
        """Nodes left the active membership: their roles go offline and (if the cluster
        still has quorum) fail over in priority order — except ``keep``, the VM roles left
        Unmonitored on an Isolated node (§7.3)."""
        orphans = [g for g in self.groups_on(removed) if g not in keep]
        for g in orphans:
            self.take_offline_now(g, reason="its host left the cluster")
        if not survivors:
            return
        self.move_core_groups()
        self.storage.nodes_changed()
        self.assign_csvs()
        by_source: dict[str, list[Group]] = {}
        for g in orphans:
            if not g.is_core:
                by_source.setdefault(g.owner, []).append(g)
        # One wave for all of them: priority decides, not which node they came from.
        movable = [g for gs in by_source.values() for g in gs]
        self.place_and_start(movable, "failover (node left the cluster)", Mode.FAILOVER, count_failover=True)
        self.migrations.topology_changed()

    def partition_lost(self, nodes: list[str], keep: frozenset[Group] = frozenset()) -> None:
        """Quorum lost on these nodes: ClusSvc stops, every role they host goes offline (§1.8),
        except the VMs that stay running Unmonitored on an isolated node (§7.3)."""
        for g in self.groups_on(nodes):
            if g in keep:
                continue
            self.take_offline_now(g, reason="the Cluster service stopped (quorum lost)")

    def cluster_down(self) -> None:
        """No partition runs: every role is offline, wherever its owner was."""
        self.resiliency.cluster_down()
        for g in self.w.groups.values():
            if any(r.state is not ResourceState.OFFLINE for r in g.resources) or g.claim:
                self.take_offline_now(g, reason="the cluster stopped (no quorum)")

    def cluster_formed(self, members: list[str] | None = None) -> None:
        """A partition formed: core groups online, CSVs owned, roles started by priority.

        If another partition runs out of sight (a forced start, §1.9), the new one only takes
        roles nobody else runs and only places them on its own members."""
        self.move_core_groups()
        self.assign_csvs()
        elsewhere = {m for p in self.w.partitions for m in p.members} - set(members or [])
        todo = [
            g
            for g in self.w.groups.values()
            if not g.is_core
            and g.intended_online
            and g.priority > P.PRIORITY_NO_AUTO_START
            and group_state(g) is not GroupState.ONLINE
            and g.owner not in elsewhere
        ]
        self._scope = set(members) if members and elsewhere else None
        try:
            self.place_and_start(todo, "cluster start", Mode.BEST, prefer_owner=True)
        finally:
            self._scope = None

    def move_core_groups(self) -> None:
        """The core Cluster Group ignores preferred owners (§3.6): next member by node ID."""
        members = [n for n in self.w.node_order() if self.w.nodes[n].is_member and self.w.nodes[n].live]
        if not members:
            return
        for g in self.w.groups.values():
            if not g.is_core:
                continue
            if g.owner not in members:
                ids = self.w.node_order()
                start = ids.index(g.owner) if g.owner in ids else -1
                rotated = ids[start + 1 :] + ids[: start + 1]
                g.owner = next(n for n in rotated if n in members)
            if g.resources:
                self._set_resources(g, ResourceState.ONLINE)

    def assign_csvs(self, rebalance: bool = False) -> None:
        """One coordinator per CSV, spread evenly (§4.2); rebalanced on join (2012 R2+)."""
        w = self.w
        members = [n for n in w.node_order() if w.nodes[n].is_member and w.nodes[n].live]
        if not members:
            for c in w.csvs.values():
                c.owner = c.owner or ""
            return
        load = {m: 0 for m in members}
        for c in w.csvs.values():
            if c.owner in load:
                load[c.owner] += 1
        for c in sorted(w.csvs.values(), key=lambda c: c.name):
            if c.owner not in load:
                with_path = [m for m in members if m not in c.paths_lost] or members
                target = min(with_path, key=lambda m: (load[m], w.nodes[m].id))
                c.owner = target
                load[target] += 1
        while rebalance:
            most = max(members, key=lambda m: (load[m], -w.nodes[m].id))
            least = min(members, key=lambda m: (load[m], w.nodes[m].id))
            if load[most] - load[least] <= 1:
                break
            movable = [c for c in w.csvs.values() if c.owner == most and least not in c.paths_lost]
            if not movable:
                break
            csv = sorted(movable, key=lambda c: c.name)[-1]
            csv.owner = least
            load[most] -= 1
            load[least] += 1

    def node_joined(self, node: str) -> None:
        self.assign_csvs(rebalance=True)
        self.check_failback(node)
        self.retry_waiting()
        if self.auto_balancer_mode >= 1:
            self.balance(f"node {node} joined")

    # VM load balancing (§3.11) ------------------------------------------------------------

    def arm_balancer(self) -> None:
        """Mode 2 evaluates every 30 minutes; only a change to the VMs can change the outcome,
        so the evaluation is scheduled (at the next half hour) only after one: an idle
        cluster has no timer ticking forever."""
        if self.auto_balancer_mode < 2 or self._balance_armed:
            return
        self._balance_armed = True
        w = self.w
        at = (int(w.now // balancer.PERIOD_S) + 1) * balancer.PERIOD_S

        def tick() -> None:
            self._balance_armed = False
            if self.auto_balancer_mode >= 2:
                self.balance("periodic evaluation (every 30 minutes)")

        w.after(at - w.now, tick)

    def balance(self, trigger: str) -> list[balancer.Move]:
        """Live-migrate VMs off nodes above the AutoBalancerLevel memory threshold (§3.11)."""
        w = self.w
        if len(w.partitions) != 1 or not w.profile.vm_load_balancing:
            return []
        # Only VMs on a node above the threshold can move (balancer.plan), and most evaluations
        # find none: skip gathering the cluster's VMs and their anti-affinity then. VMs already
        # leaving a node (failback, drain, another balancing move) count as gone from it, which
        # can only lower a node's load: count them only when some node is over the threshold.
        memory = self._loads(self._book(memory_only=True))
        if not balancer.over_threshold(memory, self.auto_balancer_level):
            return []
        leaving: dict[str, float] = {}
        for g in w.groups.values():
            vm = g.vm
            if vm is None or vm.state not in ACTIVE_VM_STATES:
                continue
            if (g.migrating_to and g.migrating_to != vm.host) or g.owner != vm.host:  # live or quick move
                leaving[vm.host] = leaving.get(vm.host, 0.0) + vm.memory_gb
        sources = balancer.over_threshold(memory, self.auto_balancer_level, leaving)
        if not sources:
            return []
        loads = self._loads(self._book())
        movable = []
        on_sources = [g for g in w.groups.values() if g.owner in sources]
        for g in sorted(on_sources, key=lambda g: g.name):
            vm = g.vm
            if g.is_core or vm is None or vm.state is not VmState.RUNNING or not g.intended_online:
                continue
            if group_state(g) is not GroupState.ONLINE or g.migrating_to or self.migrations.current(g):
                continue
            if not w.nodes[g.owner].can_host or self.storage.current_move(vm) is not None:
                continue
            possible: set[str] | None = None
            for r in g.resources:
                if r.possible_owners is not None:
                    possible = set(r.possible_owners) if possible is None else possible & r.possible_owners
            movable.append(
                balancer.Movable(
                    g.name,
                    g.owner,
                    vm.memory_gb,
                    frozenset(possible) if possible is not None else None,
                    frozenset(g.anti_affinity),
                )
            )
        moves = balancer.plan(loads, movable, self.auto_balancer_level, leaving)
        threshold = round(balancer.THRESHOLDS[self.auto_balancer_level] * 100)
        for m in moves:
            w.emit(
                "VmLoadBalanced",
                m.group,
                group=m.group,
                source=m.source,
                target=m.target,
                pressure=round(m.source_pressure * 100),
                threshold=threshold,
                trigger=trigger,
            )
            g = w.groups[m.group]
            g.last_placement = PlacementExplanation(
                w.now,
                "VM load balancing",
                m.target,
                tuple(g.preferred_owners),
                (
                    f"{m.source} was at {round(m.source_pressure * 100)} % memory, above the AutoBalancerLevel "
                    f"{self.auto_balancer_level} threshold of {threshold} % ({trigger})",
                    f"{m.target} was the least loaded node it may use that stays at or under {threshold} % "
                    f"({round(m.target_pressure * 100)} % with it)",
                ),
            )
            self.live_move(g, m.target, "VM load balancing")
        return moves

    def retry_waiting(self) -> None:
        waiting = [g for g in self.w.groups.values() if g.waiting and g.intended_online]
        if waiting:
            self.place_and_start(waiting, "restart when resources became available", Mode.BEST)

    # resource failure ------------------------------------------------------------------

    def resource_failed(self, r: Resource) -> None:
        """§3.3 failure flow: restart on the same node, then fail the group over."""
        w = self.w
        g = r.group
        node = g.owner
        g.epoch += 1
        r.state = ResourceState.FAILED
        w.emit("ResourceFailed", g.name, resource=r.name, resource_type=r.type, group=g.name)
        if g.vm is not None and r.type == VM_RESOURCE and g.vm.state in ACTIVE_VM_STATES:
            self.set_vm(g.vm, VmState.OFF)
        now = w.now
        r.restarts = [t for t in r.restarts if now - t < P.RESTART_PERIOD_S]
        if r.restart_action == 0:
            self._leave_failed(g, "resource failed (RestartAction 0)")
            return
        if len(r.restarts) < r.restart_threshold:
            r.restarts.append(now)
            w.emit(
                "ResourceRestarting",
                g.name,
                resource=r.name,
                node=node,
                count=len(r.restarts),
                threshold=r.restart_threshold,
            )
            epoch = g.epoch

            def restart() -> None:
                if g.epoch == epoch and w.node_named(node).can_host:
                    self.bring_online(g, node)

            w.after(P.RESTART_DELAY_S, restart)
            return
        if r.restart_action == 1:
            self._leave_failed(g, "resource failed (restart threshold reached, RestartAction 1)")
            return
        w.emit("GroupFailedOnlineOffline", g.name, group=g.name)
        for other in g.resources:
            other.restarts.clear()
            if other.state is not ResourceState.FAILED:
                other.state = ResourceState.OFFLINE
        r.state = ResourceState.OFFLINE
        g.claim = False
        self.place_and_start(
            [g],
            "failover (resource failed past its restart threshold)",
            Mode.FAILOVER,
            count_failover=True,
            source=node,
        )

    # administrator moves and failback --------------------------------------------------

    def move(self, g: Group, target: str | None, trigger: str, offline: str = "save") -> Result:
        """Move-ClusterGroup: a quick migration for a VM (OfflineAction Save, §5.5)."""
        book = self._book()
        if target is None:
            request = self._request(g, Mode.BEST, exclude=[g.owner], allow_preempt=False)
        else:
            request = self._request(g, Mode.TARGET, target=target, allow_preempt=False)
        result = place(request, self._loads(book))
        g.last_placement = PlacementExplanation(self.w.now, trigger, result.node, result.order, result.reasons)
        if result.node is not None:
            self.quick_move(g, result.node, trigger, offline=offline)
        return result

    def quick_move(
        self,
        g: Group,
        target: str,
        trigger: str,
        on_saved: Callable[[], None] | None = None,
        not_before: float = 0.0,
        offline: str = "save",
    ) -> None:
        """Save, move, restore (§5.5). ``not_before``: the target's memory frees only then
        (roles preempted to make room are still being saved). ``offline`` = ``shutdown`` or
        ``turnoff`` (Move-ClusterVirtualMachineRole -MigrationType Shutdown/TurnOff, §11.8)
        stops the guest instead and boots it cold on the target."""
        w = self.w
        source = g.owner
        vm = g.vm
        owner = w.node_named(source)
        if vm is not None and owner.is_member and not owner.powered and group_state(g) is not GroupState.OFFLINE:
            # §5.5: a quick migration saves the VM on its owner first, and a node that lost power saves
            # nothing: the role stays with it until the others notice (§2.1, 1135) and restart it cold
            # elsewhere. Found by the reliability state machine (soak): a failback from a node that had
            # just crashed moved the role's ownership and left it Online with its VM off, for good.
            if on_saved:
                on_saved()
            return
        w.emit("GroupMoved", g.name, group=g.name, source=source, target=target)
        if vm is None and not g.is_core and g.intended_online and group_state(g) is GroupState.ONLINE:
            # A role that is not a VM moves the normal way (§6.2 step 3): offline on its owner,
            # online on the target — a general file server's SMB clients reconnect meanwhile, a
            # Scale-Out File Server's continuously available shares ride through (§5).
            self._set_resources(g, ResourceState.OFFLINE)
            self.bring_online(g, target)
            if on_saved:
                on_saved()
            return
        if g.is_core or vm is None:
            g.owner = target
            if on_saved:
                on_saved()
            return
        if vm.state in ACTIVE_VM_STATES and vm.state is not VmState.RUNNING and not g.intended_online:
            # Being taken offline: ownership moves, the save finishes where the VM is.
            g.owner = target
            if on_saved:
                on_saved()
            return
        if vm.state in ACTIVE_VM_STATES and vm.state is not VmState.RUNNING:
            # Still starting (or stopping): abandon that and start it cold on the target.
            g.epoch += 1
            self.set_vm(vm, VmState.OFF)
            g.owner = target
            vm.host = target
            if on_saved:
                on_saved()
            self.bring_online(g, target, delay=max(0.0, not_before - w.now))
            return
        if vm.state is not VmState.RUNNING:
            # a start already scheduled on the old owner (its priority band has not come yet)
            pending = g.intended_online and any(r.state is ResourceState.ONLINE_PENDING for r in g.resources)
            g.owner = target
            vm.host = target
            if on_saved:
                on_saved()
            if pending and g.status != "Moving":
                self.bring_online(g, target, delay=max(0.0, not_before - w.now))  # new epoch: the old start is void
            elif g.intended_online and g.status == "Moving" and vm.state is VmState.SAVED:
                # Saved on its way somewhere that is leaving too: restore it here instead.
                g.claim = True

                def restore_here() -> None:
                    live = w.node_named(target).can_host and g.intended_online  # offline meanwhile: stays so
                    if g.owner == target and live and g.status == "Moving":
                        self.bring_online(g, target, from_saved=True)

                w.after(max(P.QUICK_MOVE_S, not_before - w.now), restore_here)
            return
        vm.migrations += 1

        def then() -> None:
            if on_saved:
                on_saved()
            # An administrator who took the role offline meanwhile (Stop-VM -TurnOff, Stop-ClusterGroup)
            # has the last word: the move ends with the role offline on the target, and it claims no
            # memory there — the memory placement reserved may already be in use (§3.1 PersistentState,
            # §5.5). Found by the reliability state machine: a drained VM turned off mid-move used to
            # restart on its target on top of the roles that had taken its place.
            if not g.intended_online and g.status == "Moving":
                g.status = ""
            if g.owner != target or not w.node_named(target).can_host or not g.intended_online:
                return
            cold = offline != "save" or not w.node_named(source).powered or vm.state is VmState.OFF
            g.claim = True

            def restore() -> None:
                if g.owner == target and w.node_named(target).can_host and g.status == "Moving" and g.intended_online:
                    self.bring_online(g, target, from_saved=not cold)

            w.after(max(P.QUICK_MOVE_S, not_before - w.now), restore)

        if offline == "save":
            self.save_offline(g, status="Moving", on_saved=then)
        else:
            self._stop_for_move(g, offline, then)
        g.owner = target
        g.claim = True

    def _stop_for_move(self, g: Group, offline: str, then: Callable[[], None]) -> None:
        """Shut the guest down (or turn it off) before a move; the role stays "Moving"."""
        vm = g.vm
        assert vm is not None
        g.epoch += 1
        epoch = g.epoch
        g.claim = False
        g.status = "Moving"
        self._set_resources(g, ResourceState.OFFLINE_PENDING)

        def off() -> None:
            if g.epoch != epoch:
                then()
                return
            self.set_vm(vm, VmState.OFF)
            self._set_resources(g, ResourceState.OFFLINE)
            self.w.emit("GroupOffline", g.name, group=g.name)
            then()

        if offline == "shutdown":
            self.set_vm(vm, VmState.STOPPING)
            self.w.after(P.GUEST_SHUTDOWN_S, off)
        else:
            off()

    def in_window(self, window: tuple[int, int]) -> bool:
        start, end = window
        hour = self.w.clock.at(self.w.now).hour
        if start == end:
            return hour == start
        if start < end:
            return start <= hour < end
        return hour >= start or hour < end

    def failback_target(self, g: Group) -> str | None:
        for p in g.preferred_owners:
            if p in self.w.nodes and self.w.nodes[p].can_host:
                return p if p != g.owner else None
        return None

    def check_failback(self, joined: str) -> None:
        """§3.8: AutoFailbackType Allow moves a role back to its most preferred node."""
        w = self.w
        book: _Book | None = None  # one book for the round, updated as roles move (as a drain does)
        for g in sorted(w.groups.values(), key=lambda g: (-g.priority, g.name)):
            if not (g.auto_failback and g.preferred_owners and joined in g.preferred_owners):
                continue
            if group_state(g) is not GroupState.ONLINE or g.migrating_to or self.migrations.current(g):
                continue  # already moving: one migration at a time (0x800700AA, §3.13)
            if g.unmonitored_until is not None:
                continue  # §7.3: its isolated host is out of reach
            target = self.failback_target(g)
            if target is None:
                continue
            if g.failback_window is None or self.in_window(g.failback_window):
                if book is None:
                    book = self._book()
                result = place(self._request(g, Mode.TARGET, target=target, allow_preempt=False), self._loads(book))
                if result.node is None:
                    continue  # no room on the preferred node: the role stays where it is
                self._book_move(book, g, result.node)
                g.last_placement = PlacementExplanation(
                    w.now,
                    "failback",
                    target,
                    tuple(g.preferred_owners),
                    (f"AutoFailbackType Allow: {target} is the most preferred owner that is up", *result.reasons[1:]),
                )
                # A running VM fails back the way cluster-initiated moves go: live for High/Medium (§6.2).
                self._move_running(g, target, "failback", lambda ok: None)
            elif not g.failback_pending:
                g.failback_pending = True
                at = w.clock.next_hour_start(w.now, g.failback_window[0])
                w.emit(
                    "FailbackScheduled",
                    g.name,
                    group=g.name,
                    node=target,
                    when=w.clock.at(at).strftime("%Y-%m-%d %H:%M"),
                )

                def window_opened(g: Group = g) -> None:
                    g.failback_pending = False
                    for p in g.preferred_owners:
                        if p in w.nodes and w.nodes[p].can_host:
                            self.check_failback(p)
                            break

                w.after(at - w.now, window_opened)

    # administrator start/stop ----------------------------------------------------------

    def stop_group(self, g: Group, action: str = "save") -> None:
        """Take a role offline. VMs: ``save`` (OfflineAction 1, the default), ``shutdown``
        (guest shutdown through the integration service) or ``turnoff`` (§3.13)."""
        self.resiliency.forget(g)
        g.intended_online = False
        g.waiting = False
        vm = g.vm
        if vm is not None and action == "save":
            self.save_offline(g)
            return
        if vm is not None and vm.state in ACTIVE_VM_STATES:
            g.epoch += 1
            epoch = g.epoch
            g.claim = False
            if action == "shutdown":
                self._set_resources(g, ResourceState.OFFLINE_PENDING)
                self.set_vm(vm, VmState.STOPPING)

                def off() -> None:
                    if g.epoch != epoch:
                        return
                    self.set_vm(vm, VmState.OFF)
                    self._set_resources(g, ResourceState.OFFLINE)
                    self.w.emit("GroupOffline", g.name, group=g.name)

                self.w.after(P.GUEST_SHUTDOWN_S, off)
                return
            self.set_vm(vm, VmState.OFF)
        # A start scheduled for later (a move's cold start on its target, a priority band not yet
        # reached) is void now: without a new epoch it would boot the VM of an offline role on memory
        # it no longer claims (§3.1 PersistentState). Found by the reliability state machine (Stop-VM
        # while a double drain moved SQL01: it booted anyway and overcommitted its host).
        g.epoch += 1
        g.claim = False
        self._set_resources(g, ResourceState.OFFLINE)
        self.w.emit("GroupOffline", g.name, group=g.name)

    def start_group(self, g: Group) -> None:
        """Start-ClusterGroup: on its owner if it can, else the best possible node; a manual
        start also starts a NoAutoStart role."""
        g.intended_online = True
        book = self._book()
        result: Result | None = None
        if self.w.nodes[g.owner].can_host:
            result = self._place(
                g, book, "Start-ClusterGroup", Mode.TARGET, target=g.owner, allow_preempt=False, start=True
            )
        if result is None or result.node is None:
            result = self._place(g, book, "Start-ClusterGroup", Mode.BEST, allow_preempt=False, start=True)
        if result.node is None:
            self._mark_waiting(g, result)
            return
        g.claim = g.vm is not None
        self.bring_online(g, result.node, from_saved=g.vm is not None and g.vm.state is VmState.SAVED)

    def evacuate(self, node: str, on_done: Callable[[], None]) -> None:
        """Stop-ClusterNode: move every role away (quick migration), then report done."""
        w = self.w
        groups = sorted(
            (g for g in w.groups.values() if g.owner == node and not g.is_core),
            key=lambda g: (-g.priority, g.name),
        )
        self.move_core_groups_off(node)
        self.cancel_migrations_touching(node)
        outstanding = len(groups) + 1

        def one() -> None:
            nonlocal outstanding
            outstanding -= 1
            if outstanding == 0:
                on_done()

        book = self._book()
        for g in groups:
            result = self._place(g, book, "Stop-ClusterNode moved the role", Mode.FAILOVER)
            if result.node is None:
                self.save_offline(g, status="Waiting for resources", then_wait=True, on_saved=one)
                continue
            self._preempt(result, g, book)
            ready = book.ready_at.get(result.node, 0.0)
            self.quick_move(g, result.node, "Stop-ClusterNode", on_saved=one, not_before=ready)
        one()

    def cancel_migrations_touching(self, node: str) -> None:
        """A node that is leaving cannot finish live migrations from or to it."""
        for m in list(self.migrations.running()):
            if node in (m.source, m.target):
                self.migrations.cancel(m)

    def move_core_groups_off(self, node: str) -> None:
        w = self.w
        others = [n for n in w.node_order() if n != node and w.nodes[n].can_host]
        if not others:
            return
        for g in w.groups.values():
            if g.is_core and g.owner == node:
                ids = w.node_order()
                i = ids.index(node)
                g.owner = next(n for n in ids[i + 1 :] + ids[: i + 1] if n in others)

    def _clients(self, g: Group, state: ResourceState) -> None:
        """SMB clients of a file server role (§5; 74-409 continuously available shares).

        A general-purpose file server's clients lose their sessions whenever the role leaves
        Online and reconnect when it is back. Continuously available (SOFS) shares ride through
        a failover — SMB transparent failover — unless the whole cluster is down."""
        was_online = bool(g.resources) and all(r.state is ResourceState.ONLINE for r in g.resources)
        now = self.w.now
        if was_online and state is not ResourceState.ONLINE:
            if g.type is GroupType.SCALE_OUT_FILE_SERVER and self.w.partitions and g.intended_online:
                g.transparent_failovers += 1
                self.w.emit("FileServerClients", g.name, group=g.name, what="ride through (SMB transparent failover)")
            else:
                self._clients_lost(g)
        elif state is ResourceState.ONLINE and not was_online and g.client_down_since is not None:
            g.client_outage += now - g.client_down_since
            g.client_down_since = None
            self.w.emit("FileServerClients", g.name, group=g.name, what="reconnected")

    def _clients_lost(self, g: Group) -> None:
        if g.client_down_since is None:
            g.disconnects += 1
            g.client_down_since = self.w.now
            self.w.emit("FileServerClients", g.name, group=g.name, what="are disconnected")

    # VM monitoring (§7.1) -------------------------------------------------------------------

    def guest_service_failed(self, vm: Vm, service: str) -> None:
        """A service inside the guest terminates. The guest's Service Control Manager recovers it
        (restart, restart, take no action); on the failure it does not recover, a monitored
        service makes the VM resource application-critical (1250) and the restart policy acts:
        restart on the same node, then fail over (§7.1, §3.3)."""
        w = self.w
        key = service.lower()
        count = vm.service_failures.get(key, 0) + 1
        vm.service_failures[key] = count
        action = P.GUEST_SERVICE_RECOVERY[min(count, len(P.GUEST_SERVICE_RECOVERY)) - 1]
        w.emit("GuestServiceFailed", vm.name, vm=vm.name, service=service, count=count, action=action)
        if action != "Take No Action":
            vm.stopped_services.add(key)
            epoch = vm.group.epoch

            def restarted() -> None:
                if vm.group.epoch == epoch:
                    vm.stopped_services.discard(key)

            w.after(P.GUEST_SERVICE_RESTART_S, restarted)
            return
        vm.stopped_services.add(key)
        if key not in (m.lower() for m in vm.monitored):
            return  # nobody watches it: the service just stays stopped
        r = self.vm_resource(vm.group)
        if r is None or r.state is not ResourceState.ONLINE:
            return
        vm.critical = True
        w.emit("ResourceEmbeddedFailure", vm.group.name, resource=r.name, group=vm.group.name)
        self.resource_failed(r)

    def protect_networks(self, node: str, switch: str) -> None:
        """§7.2: live-migrate VMs whose protected adapter is on the broken switch, to a node
        where that switch is healthy; if no node has it healthy, nothing moves."""
        w = self.w
        book = self._book()
        bad = [n for n in w.node_order() if switch in w.nodes[n].uplinks_down]
        for g in sorted(w.groups.values(), key=lambda g: (-g.priority, g.name)):
            vm = g.vm
            if vm is None or g.owner != node or vm.state is not VmState.RUNNING or vm.switch != switch:
                continue
            if not vm.protected_network or self.migrations.current(g) is not None:
                continue
            r = self.vm_resource(g)
            if r is not None:
                w.emit("ResourceNetworkFailure", g.name, resource=r.name, group=g.name, switch=switch, node=node)
            result = self._place(g, book, "network health protection", Mode.BEST, allow_preempt=False, exclude=bad)
            if result.node is not None:
                self.live_move(g, result.node, "network health protection")

    def network_recovered(self, node: str) -> None:
        for m in list(self.migrations.open):
            if m.source == node and m.reason == "network health protection" and m.state.value == "Queued":
                self.migrations.cancel(m, "the network recovered before it started (§7.2)")

    def guest_crashed(self, vm: Vm) -> None:
        """The guest OS hangs; its heartbeat stops and the cluster notices at the next IsAlive poll."""
        w = self.w
        vm.guest_hung = True
        w.emit("GuestCrashed", vm.name, vm=vm.name)
        epoch = vm.group.epoch

        def noticed() -> None:
            r = self.vm_resource(vm.group)
            if vm.group.epoch == epoch and vm.guest_hung and r is not None and r.state is ResourceState.ONLINE:
                self.resource_failed(r)

        w.after(P.HEARTBEAT_LOSS_S, noticed)

    def _critical_timeout(self, vm: Vm, since: float) -> None:
        """§7.4: a VM left Paused-Critical past AutomaticCriticalErrorActionTimeout is turned off."""
        if vm.state is not VmState.PAUSED_CRITICAL or vm.critical_since != since:
            return
        self.w.emit("VmCriticalErrorTimeout", vm.name, vm=vm.name, minutes=P.CRITICAL_ERROR_ACTION_TIMEOUT_MIN)
        if vm.group.unmonitored_until is not None:
            self.set_vm(vm, VmState.OFF)  # on an isolated node: the cluster decides at the period's end
        else:
            self._storage_crashed(vm)

    def _storage_crashed(self, vm: Vm) -> None:
        """2012 R2: a VM whose CSV became inaccessible crashes; the restart policy takes over."""
        r = self.vm_resource(vm.group)
        if r is not None and r.state is ResourceState.ONLINE:
            self.resource_failed(r)
        elif vm.state in ACTIVE_VM_STATES:
            self.set_vm(vm, VmState.OFF)

    # live migration, drain and drained failback (§5, §6) ---------------------------------

    def live_move(
        self, g: Group, target: str, trigger: str, on_done: Callable[[bool], None] | None = None
    ) -> Migration:
        """Queue a live migration; the VM keeps running on its owner until the blackout."""
        current = self.migrations.current(g)
        if current is not None:  # one migration per VM at a time: wait for the one in flight
            if on_done:
                current.on_done.append(on_done)
            return current
        self.w.emit("GroupMoved", g.name, group=g.name, source=g.owner, target=target)
        return self.migrations.request(g, target, trigger, on_done)

    def _live_moved(self, m: Migration) -> None:
        g, vm = m.group, m.vm
        g.owner = m.target
        g.claim = True
        for r in g.resources:
            r.restarts.clear()
        self.set_vm(vm, VmState.RUNNING, host=m.target)

    def _move_running(
        self, g: Group, target: str, trigger: str, done: Callable[[bool], None], not_before: float = 0.0
    ) -> None:
        """A cluster-initiated move (drain, failback): live for High/Medium, quick for Low (§6.2)."""
        vm = g.vm
        if vm is not None and vm.state is VmState.RUNNING and g.priority >= self.live_min_priority:
            self.live_move(g, target, trigger, done)
        elif vm is not None and vm.state is VmState.RUNNING:
            self.quick_move(g, target, trigger, on_saved=lambda: done(True), not_before=not_before)
        else:
            self.quick_move(g, target, trigger)  # offline roles: ownership moves at once
            done(True)

    def evacuate_quarantined(self, node: str, groups: list[Group]) -> None:
        """§7.3: live-migrate a quarantined node's running VMs to the members, High priority
        first; they stay Unmonitored until they land (one that finds no room, or whose move
        fails, fails over when its resiliency period ends). No failback: the node may not host."""
        todo = [g for g in sorted(groups, key=lambda g: (-g.priority, g.name)) if self.migrations.current(g) is None]
        if not todo:
            return
        book = self._book()
        moves: list[tuple[Group, str]] = []
        for g in todo:
            result = self._place(g, book, "quarantine", Mode.BEST, allow_preempt=False, exclude=[node])
            if result.node is not None:
                moves.append((g, result.node))
        if not moves:
            return  # no room anywhere: they stay Unmonitored until their resiliency period ends
        self.w.emit("QuarantinedNodeDrained", node, node=node, vms=", ".join(g.name for g, _ in moves))
        for g, target in moves:
            self.live_move(g, target, "quarantine", partial(self._evacuated, g))

    def _evacuated(self, g: Group, ok: bool) -> None:
        if ok:
            self.resiliency.forget(g)  # on a member now: monitored again

    def drain(
        self,
        node: str,
        *,
        target: str | None = None,
        force: bool = False,
        on_finished: Callable[[bool], None] | None = None,
    ) -> None:
        """Suspend-ClusterNode -Drain (§6.2): pause, then move the roles away in priority order."""
        w = self.w
        n = w.nodes[node]
        n.paused = True
        n.drain_status = DrainStatus.IN_PROGRESS
        self.move_core_groups_off(node)
        groups = sorted(
            (g for g in w.groups.values() if g.owner == node and not g.is_core), key=lambda g: (-g.priority, g.name)
        )
        w.emit("DrainStarted", node, node=node, count=len(groups))
        epoch = n.epoch
        pending = len(groups) + 1
        failed: list[tuple[Group, str]] = []

        def one(g: Group | None, ok: bool, reason: str = "") -> None:
            nonlocal pending
            if g is not None and not ok:
                failed.append((g, reason))
            pending -= 1
            if pending == 0:
                finish()

        def finish() -> None:
            if n.epoch != epoch or n.drain_status is not DrainStatus.IN_PROGRESS:
                return
            if failed:
                for g, reason in failed:
                    w.emit("DrainMoveFailed", g.name, group=g.name, reason=reason)
                n.drain_status = DrainStatus.FAILED
                w.emit("NodeDrainFailed", node, node=node)
            else:
                n.drain_status = DrainStatus.COMPLETED
                w.emit("DrainCompleted", node, node=node)
            if on_finished:
                on_finished(not failed)

        book = self._book()
        mode = Mode.TARGET if target else Mode.BEST
        for g in groups:
            # start=None: a running VM, or one queued to start, needs memory where it goes.
            result = self._place(g, book, "drain", mode, target, allow_preempt=False, exclude=[node])
            if result.node is None:
                reason = result.reasons[-1] if result.reasons else "no node can host it"
                if force:
                    # §6.2 -ForceDrain: a role that cannot move is stopped and moved as a failed role.
                    self.take_offline_now(g, reason="ForceDrain could not move it")
                    others = [x for x in w.node_order() if x != node and w.nodes[x].can_host]
                    if others:
                        g.owner = others[0]
                        if g.vm is not None:
                            g.vm.host = others[0]
                    self._leave_failed(g, "moved by ForceDrain as a failed role")
                    g.drained_from = node
                    one(g, True)
                else:
                    one(g, False, reason)
                continue
            current = self.migrations.current(g)
            if current is not None:
                # Already moving (a failback, a balancing move): the drain waits for it, and the
                # role owes this node no failback — it was leaving anyway.
                current.on_done.append(partial(_drained, one, g))
                continue
            g.drained_from = node
            self._move_running(
                g, result.node, "drain", partial(_drained, one, g), not_before=book.ready_at.get(result.node, 0.0)
            )
        one(None, True)

    def failback_drained(self, node: str, mode: str, on_done: Callable[[], None] | None = None) -> None:
        """Resume-ClusterNode -Failback Immediate|Policy|NoFailback (§6.3). ``on_done`` runs once
        every failback started here has ended (at once if there is none)."""
        w = self.w
        groups = sorted((g for g in w.groups.values() if g.drained_from == node), key=lambda g: (-g.priority, g.name))
        pending = 1

        def one(_ok: bool = True) -> None:
            nonlocal pending
            pending -= 1
            if pending == 0 and on_done is not None:
                on_done()

        for g in groups:
            g.drained_from = None
        if mode == "NoFailback":
            one()
            return
        book = self._book()
        for g in groups:
            if mode == "Policy":
                if not g.auto_failback:
                    continue
                if g.failback_window is not None and not self.in_window(g.failback_window):
                    g.drained_from = node  # still owed a failback: the next window opening moves it
                    self._schedule_drained_failback(g, node)
                    continue
            if g.owner == node:
                continue
            result = self._place(g, book, f"failback after resume ({mode})", Mode.TARGET, node, allow_preempt=False)
            if result.node is not None:
                pending += 1
                self._move_running(g, node, "failback", one)
        one()

    def _schedule_drained_failback(self, g: Group, node: str) -> None:
        assert g.failback_window is not None
        w = self.w
        at = w.clock.next_hour_start(w.now, g.failback_window[0])

        def window_opened() -> None:
            if g.drained_from == node and w.node_named(node).can_host:
                self.failback_drained(node, "Policy")

        w.after(at - w.now, window_opened)
