"""A VM's state history: one append-only record per change of state or host, deterministic."""

from __future__ import annotations

from itertools import pairwise

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.shell import Shell
from clusterlab.sim import Cluster, VmState, VmStateChange


def _crashed() -> Cluster:
    c = Cluster(load_lab(default_lab_path()).spec)
    shell = Shell(c)
    c.run_until(5)
    shell.run("Invoke-LabFault -Node HV02 -Crash")
    c.run_until(600)
    return c


def test_history_starts_running_on_the_initial_host_and_records_the_failover() -> None:
    c = _crashed()
    history = c.vm_history("SQL01")
    assert history[0] == VmStateChange(0.0, VmState.RUNNING, "HV02")
    assert history[-1].state is VmState.RUNNING and history[-1].host != "HV02"
    assert any(h.state is not VmState.RUNNING for h in history)
    assert [h.time for h in history] == sorted(h.time for h in history)
    # consecutive entries differ: one record per change, none per tick
    assert all((a.state, a.host) != (b.state, b.host) for a, b in pairwise(history))


def test_downtime_is_the_time_spent_not_running_in_the_history() -> None:
    c = _crashed()
    for vm in c.snapshot().vms:
        history = c.vm_history(vm.name)
        down, since = 0.0, None
        for h in history:
            if h.state is VmState.RUNNING and since is not None:
                down, since = down + h.time - since, None
            elif h.state is not VmState.RUNNING and since is None:
                since = h.time
        if since is not None:
            down += c.now - since
        assert abs(down - vm.downtime_at(c.now)) < 1e-6, vm.name


def test_a_live_migration_records_only_the_host_change() -> None:
    c = Cluster(load_lab(default_lab_path()).spec)
    shell = Shell(c)
    before = c.vm_history("SQL01")
    shell.run("Move-ClusterVirtualMachineRole -Name SQL01 -MigrationType Live -Wait 0")
    c.run_until(120)
    after = c.vm_history("SQL01")
    assert after[: len(before)] == before
    assert after[-1].state is VmState.RUNNING and after[-1].host != before[-1].host


def test_history_is_deterministic() -> None:
    assert _crashed().vm_history("SQL01") == _crashed().vm_history("SQL01")
