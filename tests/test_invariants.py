"""Random fault schedules over the default lab: the cluster never contradicts itself.

A first, bounded version of the reliability issue's stateful tests: every command either
succeeds or raises a ClusterError, and after each step the basic invariants hold.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.sim import Cluster, ClusterError, VmState
from clusterlab.sim.cau import CauOptions
from clusterlab.sim.profiles import VM_CONFIG_VERSION
from clusterlab.sim.upgrade import join_refusal, version_key

NODES = ["HV01", "HV02", "HV03", "HV04"]
ROLES = ["DC01", "SQL01", "SQL02", "EXCH01", "TEST01", "DEV01", "Cluster Group"]
SPEC = load_lab(default_lab_path()).spec

node = st.sampled_from(NODES)


class ClusterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.c = Cluster(replace(SPEC, seed=3))
        self.last_time = 0.0

    def _do(self, fn, *args, **kw) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(ClusterError):
            fn(*args, **kw)

    @rule(n=node)
    def crash(self, n: str) -> None:
        self._do(self.c.crash_node, n)

    @rule(n=node)
    def clussvc_crash(self, n: str) -> None:
        self._do(self.c.crash_clussvc, n)

    @rule(
        key=st.sampled_from(["ResiliencyLevel", "ResiliencyDefaultPeriod"]),
        value=st.sampled_from([0, 1, 2, 30, 240]),
    )
    def resiliency(self, key: str, value: int) -> None:
        self._do(self.c.set_resiliency, key, value)

    @rule(g=st.sampled_from(ROLES), seconds=st.sampled_from([-1, 0, 60]))
    def resiliency_period(self, g: str, seconds: int) -> None:
        self._do(self.c.set_resiliency_period, g, seconds)

    @rule(
        failback=st.sampled_from(["Immediate", "NoFailback", "Policy"]),
        max_failed=st.sampled_from([None, 0, 1]),
        retries=st.sampled_from([0, 1, 3]),
    )
    def cau_run(self, failback: str, max_failed: int | None, retries: int) -> None:
        options = CauOptions(max_failed_nodes=max_failed, failback_mode=failback, max_retries_per_node=retries)
        self._do(self.c.cau.start, options)

    @rule()
    def cau_stop(self) -> None:
        self._do(self.c.cau.stop)

    @rule()
    def cau_recover(self) -> None:
        self._do(self.c.cau.recover)

    @rule(n=node, bad=st.booleans())
    def cau_fault(self, n: str, bad: bool) -> None:
        if bad:
            self._do(self.c.arm_bad_update, n)
        else:
            self._do(self.c.arm_update_failure, n, 2)

    @rule(n=node)
    def repair(self, n: str) -> None:
        self._do(self.c.repair_node, n)

    @rule(n=node)
    def stop(self, n: str) -> None:
        self._do(self.c.stop_node, n)

    @rule(n=node, fq=st.booleans(), cq=st.booleans())
    def start(self, n: str, fq: bool, cq: bool) -> None:
        self._do(self.c.start_node, n, force_quorum=fq, clear_quarantine=cq)

    @rule(n=node)
    def pause_resume(self, n: str) -> None:
        if n not in self.c.node_names():  # evicted
            return
        if self.c.node(n).state.value == "Paused":
            self._do(self.c.resume_node, n)
        else:
            self._do(self.c.suspend_node, n)

    @rule(n=node)
    def isolate(self, n: str) -> None:
        self._do(self.c.isolate_node, n)

    @rule(split=st.integers(1, 3))
    def partition(self, split: int) -> None:
        self._do(self.c.partition_networks, [NODES[:split], NODES[split:]])

    @rule(stop=st.booleans())
    def whole_cluster(self, stop: bool) -> None:
        self._do(self.c.stop_cluster if stop else self.c.start_cluster)

    @rule()
    def heal(self) -> None:
        self._do(self.c.heal_network)

    @rule(fail=st.booleans())
    def witness(self, fail: bool) -> None:
        self._do(self.c.fail_witness if fail else self.c.restore_witness)

    @rule(g=st.sampled_from(ROLES), dest=st.one_of(st.none(), node))
    def move(self, g: str, dest: str | None) -> None:
        self._do(self.c.move_group, g, dest)

    @rule(g=st.sampled_from(ROLES), on=st.booleans())
    def start_stop_group(self, g: str, on: bool) -> None:
        self._do(self.c.start_group if on else self.c.stop_group, g)

    @rule(g=st.sampled_from(ROLES[:-1]), times=st.integers(1, 3))
    def fail_resource(self, g: str, times: int) -> None:
        self._do(self.c.fail_resource, g, times)

    @rule(n=node, force=st.booleans(), to=st.one_of(st.none(), node))
    def drain(self, n: str, force: bool, to: str | None) -> None:
        self._do(self.c.drain_node, n, target=to, force=force)

    @rule(n=node, mode=st.sampled_from(["NoFailback", "Immediate", "Policy"]))
    def resume(self, n: str, mode: str) -> None:
        self._do(self.c.resume_node, n, mode)

    @rule(g=st.sampled_from(ROLES[:-1]), dest=st.one_of(st.none(), node))
    def live_migrate(self, g: str, dest: str | None) -> None:
        self._do(self.c.live_migrate, g, dest)

    @rule(g=st.sampled_from(ROLES[:-1]))
    def cancel(self, g: str) -> None:
        self._do(self.c.cancel_migration, g)

    @rule(n=node, restart=st.booleans())
    def shutdown(self, n: str, restart: bool) -> None:
        self._do(self.c.shutdown_node, n, restart=restart)

    @rule(on=st.booleans())
    def drain_on_shutdown(self, on: bool) -> None:
        self._do(self.c.set_drain_on_shutdown, on)

    @rule(n=node, csv=st.sampled_from(["CSV1", "CSV2"]))
    def storage_path(self, n: str, csv: str) -> None:
        self._do(self.c.lose_storage_path, n, csv)

    @rule(g=st.sampled_from(ROLES[:-1]), csv=st.sampled_from(["CSV1", "CSV2"]))
    def move_storage(self, g: str, csv: str) -> None:
        self._do(self.c.storage_migrate, g, csv)

    @rule(csv=st.sampled_from(["CSV1", "CSV2"]), on=st.booleans(), n=st.one_of(st.none(), node))
    def csv_admin(self, csv: str, on: bool, n: str | None) -> None:
        self._do(self.c.set_csv_redirected, csv, on)
        self._do(self.c.set_csv_maintenance, csv, not on)
        self._do(self.c.move_csv, csv, n)

    @rule(n=node, restore=st.booleans())
    def switch_uplink(self, n: str, restore: bool) -> None:
        if restore:
            self._do(self.c.restore_switch_uplinks, n)
        else:
            self._do(self.c.lose_switch_uplink, n)

    @rule(g=st.sampled_from(ROLES[:-1]), crash=st.booleans())
    def guest_fault(self, g: str, crash: bool) -> None:
        if crash:
            self._do(self.c.crash_guest, g)
        else:
            self._do(self.c.add_monitored_item, g, "AppSvc")
            self._do(self.c.fail_guest_service, g, "AppSvc")

    @rule(n=node, w=st.integers(0, 1))
    def weight(self, n: str, w: int) -> None:
        self._do(self.c.set_node_weight, n, w)

    @rule(on=st.booleans())
    def dynamic(self, on: bool) -> None:
        self._do(self.c.set_dynamic_quorum, on)

    # §9.1 rolling upgrade and §9.3 configuration restore (the lab is 2022, the newest release: nodes can
    # be evicted, reinstalled and added back; a 2019 reinstall is refused as older than the level)

    @rule(n=node, force=st.booleans())
    def evict(self, n: str, force: bool) -> None:
        self._do(self.c.remove_node, n, force=force)

    @rule(n=node, os=st.sampled_from(["2019", "2022"]))
    def reinstall(self, n: str, os: str) -> None:
        self._do(self.c.install_node_os, n, os)

    @rule(n=node)
    def add(self, n: str) -> None:
        self._do(self.c.add_node, n)

    @rule(what_if=st.booleans())
    def raise_level(self, what_if: bool) -> None:
        self._do(self.c.update_functional_level, what_if=what_if)

    @rule(g=st.sampled_from(ROLES[:-1]))
    def vm_version(self, g: str) -> None:
        self._do(self.c.update_vm_version, g)

    @rule(n=node, authoritative=st.booleans(), backup=st.booleans())
    def backup_restore(self, n: str, authoritative: bool, backup: bool) -> None:
        if backup:
            self._do(self.c.backup_config)
        else:
            self._do(self.c.restore_config, n, authoritative=authoritative)

    @rule(seconds=st.sampled_from([1.0, 5.0, 19.0, 21.0, 60.0, 300.0, 3600.0]))
    def wait(self, seconds: float) -> None:
        self.c.advance(seconds)

    @invariant()
    def consistent(self) -> None:
        s = self.c.snapshot()
        assert s.time >= self.last_time
        self.last_time = s.time
        nodes = {n.name: n for n in s.nodes}
        for vm in s.vms:
            if vm.state in (VmState.RUNNING, VmState.STARTING, VmState.SAVING):
                assert nodes[vm.host].powered_on, f"{vm.name} runs on powered-off {vm.host}"
            if vm.state is VmState.RUNNING and not vm.unmonitored:
                assert nodes[vm.host].state.value in ("Up", "Paused"), f"{vm.name} runs on non-member {vm.host}"
            if vm.unmonitored:  # §7.3: only on an Isolated node, which hosts nothing else
                assert nodes[vm.host].state.value == "Isolated", f"{vm.name} unmonitored on {vm.host}"
        for n in s.nodes:
            if n.state.value == "Isolated":
                assert any(v.unmonitored and v.host == n.name for v in s.vms), f"{n.name} isolated with no VMs"
        for n in s.nodes:
            assert n.memory_used_gb <= n.memory_total_gb + 1e-9, f"{n.name} over capacity"
        q = s.quorum
        if q.state == "Up" and not q.forced:
            assert q.total >= 1
        members = [m for m in q.members]
        assert len(set(members)) == len(members)
        for m in self.c.migrations():
            if m.state in ("Setup", "DataTransfer", "Move"):
                assert nodes[m.source].powered_on and nodes[m.target].state.value in ("Up", "Paused"), (
                    f"migration of {m.vm} runs without a live source/destination"
                )
        running_members = set(q.all_members)
        for g in s.groups:
            if g.state.value == "Online":
                assert q.state == "Up", f"{g.name} online in a cluster without quorum"
                unmonitored = nodes[g.owner].state.value == "Isolated"
                assert g.owner in running_members or g.is_core or unmonitored, (
                    f"{g.name} online on non-member {g.owner}"
                )
            if g.state.value == "Online" and not g.is_core:
                vm = next(v for v in s.vms if v.name == g.name)
                assert vm.host == g.owner, f"{g.name} online on {g.owner} but the VM is on {vm.host}"
        run = self.c.cau.run()
        if run is not None:  # §8.1: one node at a time
            active = [n.node for n in run.nodes if not n.done and n.status not in ("Waiting", "Scanning", "Staging")]
            assert len(active) <= 1, f"CAU works on {active} at once"
            assert not self.c.cau.locked, "a run is under way on a locked cluster"
        # §9.1: nodes and servers are apart; no configuration names an evicted node; nodes fit the level
        assert not nodes.keys() & {x.name for x in s.servers}, "a server is also a node"
        for g in s.groups:
            assert set(g.preferred_owners) <= nodes.keys(), f"{g.name} prefers a node that is gone"
        for r in s.resources:
            assert set(r.possible_owners) <= nodes.keys(), f"{r.name} may run on a node that is gone"
        for n in s.nodes:
            assert join_refusal(s.os, n.os) is None, f"{n.name} runs {n.os} at functional level {s.os}"
        for vm in s.vms:
            if vm.state in (VmState.RUNNING, VmState.STARTING) and vm.host in nodes:
                host_version = VM_CONFIG_VERSION[nodes[vm.host].os]
                assert version_key(vm.version) <= version_key(host_version), f"{vm.name} too new for {vm.host}"
        in_maintenance = {c.name for c in s.csvs if c.maintenance}
        for vm in s.vms:
            if vm.csv in in_maintenance:
                assert vm.state not in (VmState.RUNNING, VmState.STARTING), f"{vm.name} runs on a CSV in maintenance"


TestClusterMachine = ClusterMachine.TestCase
TestClusterMachine.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
