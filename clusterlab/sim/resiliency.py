"""VM compute resiliency (§7.3, 2016+): Isolated nodes and Unmonitored VMs.

When a node that hosts VM roles drops out of the active membership without ClusSvc's orderly
stop, the survivors do not fail its VMs over at once: the node goes **Isolated** (1673), its
VM roles **Unmonitored** (1681) for their ResiliencyPeriod (cluster ResiliencyDefaultPeriod,
240 s). The VMs keep running there — or stay Paused-Critical when they live on a block CSV,
which a node outside the membership cannot reach (§7.3, [S5:p478]). If the node rejoins in
time it leaves isolation (1680) and its VMs are monitored again (1682); otherwise they are
failed over (1682) and the node is simply Down.

ResiliencyLevel 2 (AlwaysIsolate, our default — see profiles) isolates on any heartbeat loss,
a powered-off host included: the survivors cannot tell it from a cut cable, which is why a
crashed 2016+ host's VMs restart only after the resiliency period. Level 1
(IsolateOnSpecialHeartbeat) isolates only for a Cluster service crash or an asymmetric
disconnect (the node still reaches one active member) and fails over at once otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from . import profiles as P
from .model import ACTIVE_VM_STATES, Group, Node, World
from .snapshots import GroupState, VmState

if TYPE_CHECKING:
    from .roles import Roles


class Resiliency:
    def __init__(self, world: World, roles: Roles) -> None:
        self.w = world
        self.roles = roles
        #: isolated node → its VM roles that are Unmonitored
        self.isolated: dict[str, list[Group]] = {}

    # decisions --------------------------------------------------------------------------

    def period(self, g: Group) -> int:
        """§7.3: the group's ResiliencyPeriod, −1 meaning the cluster default."""
        if g.resiliency_period == P.RESILIENCY_PERIOD_USE_DEFAULT:
            return int(self.w.resiliency_default_period)
        return int(g.resiliency_period)

    def _isolates(self, n: Node, winner: list[str]) -> bool:
        w = self.w
        if not w.profile.compute_resiliency or n.stopping:
            return False
        if w.resiliency_level >= 2:
            return True
        # Level 1: only the "special heartbeat" cases of [S11].
        asymmetric = n.live and any(w.linked(n.name, m) for m in winner)
        return n.clussvc_crashed or asymmetric

    def plan(self, removed: list[str], winner: list[str]) -> dict[str, list[Group]]:
        """Which of the removed nodes go Isolated, with the VM roles that stay Unmonitored."""
        if not winner:
            return {}  # nobody holds quorum: there is no membership to be isolated from
        out: dict[str, list[Group]] = {}
        for name in removed:
            n = self.w.nodes[name]
            if not self._isolates(n, winner):
                continue
            kept = [
                g
                for g in self.roles.groups_on([name])
                if g.vm is not None
                and not g.is_core
                and g.owner == name
                and g.vm.host == name
                and self.period(g) > 0
                and self._running_role(g)
            ]
            if kept:
                out[name] = sorted(kept, key=lambda g: g.name)
        return out

    @staticmethod
    def _running_role(g: Group) -> bool:
        from .roles import group_state

        return group_state(g) in (GroupState.ONLINE, GroupState.PARTIAL_ONLINE) and g.migrating_to is None

    # entering and leaving isolation ----------------------------------------------------------

    def isolate(self, plan: dict[str, list[Group]]) -> None:
        w = self.w
        for name, planned in plan.items():
            # §7.3: only VMs still running there stay Unmonitored. The plan is made before the regroup
            # acts; meanwhile a drain under way on the node (Stop-Computer drains first) may have failed
            # its roles over or taken them offline to wait for room. Found by the reliability state machine:
            # such a VM was restarted elsewhere and also left "Unmonitored", on a node that was Up.
            groups = [
                g
                for g in planned
                if g.owner == name and g.vm is not None and g.vm.host == name and self._running_role(g)
            ]
            if not groups:
                continue
            n = w.nodes[name]
            self.isolated[name] = list(groups)
            w.emit("NodeIsolated", name, node=name)
            w.emit("GroupsUnmonitored", name, node=name, vms=", ".join(g.name for g in groups))
            for g in groups:
                until = w.now + self.period(g)
                g.unmonitored_until = until
                g.status = "Unmonitored"
                vm = g.vm
                assert vm is not None
                # Outside the membership the node has no CSV access: block-storage VMs pause (§7.3).
                if n.powered and vm.csv is not None and vm.state is VmState.RUNNING:
                    self.roles.set_vm(vm, VmState.PAUSED_CRITICAL)
                w.after(self.period(g), self._expiry(g, until))

    def _expiry(self, g: Group, until: float) -> Callable[[], None]:
        def due() -> None:
            if g.unmonitored_until == until:
                self.fail_over([g], "the node stayed isolated longer than its ResiliencyPeriod")

        return due

    def fail_over(self, groups: Iterable[Group], why: str) -> None:
        """The resiliency period ran out (or the node was quarantined): fail the VMs over."""
        from .placement import Mode

        todo = [g for g in groups if g.unmonitored_until is not None]
        if not todo:
            return
        for g in todo:
            host = g.owner
            self.forget(g)
            self.roles.take_offline_now(g, reason=f"{why} (§7.3)")
            self.w.emit("UnmonitoredGroupFailedOver", g.name, group=g.name, node=host, why=why)
        if self.w.partitions:
            self.roles.place_and_start(todo, "failover (isolation outlasted ResiliencyPeriod)", Mode.FAILOVER)

    def forget(self, g: Group) -> None:
        """The group is no longer Unmonitored (failed over, taken offline or monitored again)."""
        if g.unmonitored_until is None:
            return
        g.unmonitored_until = None
        if g.status == "Unmonitored":
            g.status = ""
        for node, groups in list(self.isolated.items()):
            if g in groups:
                groups.remove(g)
                if not groups:
                    del self.isolated[node]
                    self.w.emit("NodeIsolationExpired", node, node=node)

    def quarantined(self, node: str) -> None:
        """§7.3: a quarantined node's VMs are drained away — live-migrated, not restarted [S5:p479],
        (A. Finn: "defaulting to Live Migration") — once the cluster reaches the node again (its
        Cluster service restarts, its network returns). A VM that is not running there (the host
        is off, or the VM is Paused-Critical without its CSV) fails over now; one the cluster
        cannot reach in time fails over when its resiliency period ends, as any Unmonitored VM."""
        n = self.w.nodes[node]
        groups = list(self.isolated.get(node, []))
        stuck = [g for g in groups if not n.powered or g.vm is None or g.vm.state is not VmState.RUNNING]
        self.fail_over(stuck, "the node was quarantined")
        self.drain_quarantined(node)

    def drain_quarantined(self, node: str) -> None:
        """Live-migrate the quarantined node's running Unmonitored VMs, if the cluster reaches it."""
        w = self.w
        n = w.nodes[node]
        p = w.primary()
        if not n.live or p is None or not any(w.linked(node, m) for m in p.members):
            return
        groups = [g for g in self.isolated.get(node, []) if g.vm is not None and g.vm.state is VmState.RUNNING]
        if groups:
            self.roles.evacuate_quarantined(node, groups)

    def end_now(self, node: str, why: str) -> None:
        """Quarantine (or an eviction) ends the isolation: its VMs fail over at once."""
        self.fail_over(list(self.isolated.get(node, [])), why)

    def rejoined(self, node: str) -> None:
        """The isolated node is back in the membership in time: 1680, then 1682 for its VMs."""
        groups = self.isolated.pop(node, None)
        if groups is None:
            return
        w = self.w
        w.emit("NodeIsolationEnded", node, node=node)
        w.emit("GroupsMonitoredAgain", node, node=node, vms=", ".join(g.name for g in groups))
        for g in groups:
            g.unmonitored_until = None
            if g.status == "Unmonitored":
                g.status = ""
            vm = g.vm
            assert vm is not None
            if not g.intended_online:
                continue  # stopped meanwhile (Stop-ClusterGroup, CSV maintenance): it stays off
            if vm.state is VmState.PAUSED_CRITICAL and self.roles.storage.vm_can_run(vm, node):
                self.roles.set_vm(vm, VmState.RUNNING)
            elif vm.state not in ACTIVE_VM_STATES:
                # The host lost power meanwhile: the VM resource is found failed and restarted (§3.3).
                r = self.roles.vm_resource(g)
                if r is not None:
                    self.roles.resource_failed(r)

    def cluster_down(self) -> None:
        for groups in list(self.isolated.values()):
            for g in list(groups):
                self.forget(g)
        self.isolated.clear()
