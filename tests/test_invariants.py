"""Random fault schedules over the default lab: the cluster never contradicts itself.

The state machine (``tests/cluster_machine.py``) drives the console with every command and fault
the product has — crash, power on, stop/start, partitions and healing, the witness, drains and
resumes, live/quick/storage migrations and their cancellation, storage paths, guest services,
virtual switch uplinks, CAU runs, quorum settings, evictions and reinstalls — and lets simulated
time pass. After each step the invariants hold; every command succeeds or returns a console
error record; at the end of each schedule its journal replays to the identical event stream.

Four test classes of 100 schedules of up to 50 steps each (400 schedules, about 18,000 steps):
two as the cockpit runs commands (they return at once), two as ``clusterlab shell`` does
(blocking cmdlets advance simulated time), so ``pytest -n 2`` spreads them over both workers.
``benchmarks/soak.py --minutes N`` runs the same machine for longer.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, Phase, settings

from clusterlab.sim import Cluster, VmState
from tests.cluster_machine import (
    MIGRATION_BOUND_S,
    PENDING_BOUND_S,
    SEED,
    SPEC,
    ClusterMachine,
    InvariantChecker,
    InvariantViolation,
)

SCHEDULES_PER_CLASS = 100
STEPS = 50

MACHINE_SETTINGS = settings(
    max_examples=SCHEDULES_PER_CLASS,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    # No shrinking in CI: a failing schedule is printed as it ran, a console script to replay (each
    # step's command line is noted), and shrinking one took five minutes. benchmarks/soak.py shrinks.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


class CockpitMachine(ClusterMachine):
    interactive = True


class ShellMachine(ClusterMachine):
    interactive = False


TestCockpitSchedules = CockpitMachine.TestCase
TestCockpitSchedules.settings = MACHINE_SETTINGS


class TestMoreCockpitSchedules(CockpitMachine.TestCase):  # type: ignore[name-defined,misc]
    settings = MACHINE_SETTINGS


TestShellSchedules = ShellMachine.TestCase
TestShellSchedules.settings = MACHINE_SETTINGS


class TestMoreShellSchedules(ShellMachine.TestCase):  # type: ignore[name-defined,misc]
    settings = MACHINE_SETTINGS


# The checker itself: each invariant fires when the state it guards is broken by hand. ------------


def checked_cluster() -> tuple[Cluster, InvariantChecker]:
    c = Cluster(replace(SPEC, seed=SEED))
    c.advance(60)
    checker = InvariantChecker(c)
    checker.check()
    return c, checker


def test_a_vm_on_a_powered_off_node_is_caught() -> None:
    c, checker = checked_cluster()
    c._w.nodes["HV02"].powered = False  # the host dies with its VMs still marked running
    with pytest.raises(InvariantViolation, match="runs on powered-off HV02"):
        checker.check()


def test_an_online_role_whose_resources_are_offline_is_caught() -> None:
    c, checker = checked_cluster()
    from clusterlab.sim import ResourceState

    resource = next(r for r in c._w.resources.values() if r.group.name == "SQL01" and r.type == "Virtual Machine")
    resource.state = ResourceState.OFFLINE  # the VM keeps running, its resource says it is off
    with pytest.raises(InvariantViolation, match="SQL01 runs on HV02 but its resource is Offline"):
        checker.check()


def test_wrong_vote_arithmetic_is_caught() -> None:
    c, checker = checked_cluster()
    c._w.votes = replace(c._w.votes, witness=0)  # §1.6: with 4 voting nodes the witness must vote
    with pytest.raises(InvariantViolation, match="witness weight 0 with 4 voting nodes"):
        checker.check()


def test_two_unforced_partitions_are_caught() -> None:
    c, checker = checked_cluster()
    w = c._w
    p = w.partitions[0]
    p.members[:] = ["HV01", "HV02"]
    w.new_partition(["HV03", "HV04"])  # a 2|2 split where both halves kept running
    with pytest.raises(InvariantViolation, match="two partitions hold quorum at once"):
        checker.check()


def test_time_going_backwards_is_caught() -> None:
    c, checker = checked_cluster()
    checker.last_time = c.now + 1
    with pytest.raises(InvariantViolation, match="went backwards"):
        checker.check()


def test_over_committed_memory_is_caught() -> None:
    c, checker = checked_cluster()
    c._w.nodes["HV01"].memory_gb = 1.0
    with pytest.raises(InvariantViolation, match="HV01 uses"):
        checker.check()


def test_a_vm_left_unmonitored_past_its_resiliency_period_is_caught() -> None:
    c = Cluster(replace(SPEC, seed=SEED))
    checker = InvariantChecker(c)
    c.isolate_node("HV02")
    c.advance(30)
    checker.check()
    assert any(v.unmonitored for v in c.snapshot().vms)
    g = c._w.groups["SQL01"]
    assert g.unmonitored_until is not None
    g.unmonitored_until += 10_000  # the expiry timer no longer matches: the VM would stay unmonitored
    c.advance(600)
    with pytest.raises(InvariantViolation, match="past its resiliency period"):
        checker.check()
    assert c.vm("SQL01").state is not VmState.OFF


def test_a_resource_left_pending_with_nothing_happening_is_caught() -> None:
    c, checker = checked_cluster()
    from clusterlab.sim import ResourceState

    name = next(r.name for r in c._w.resources.values() if r.group.is_core and r.state is ResourceState.ONLINE)
    c._w.resources[name].state = ResourceState.ONLINE_PENDING  # no timer will ever bring it online
    checker.check()  # pending for now: allowed
    c.advance(PENDING_BOUND_S + 60)
    with pytest.raises(InvariantViolation, match="with no event"):
        checker.check()


def test_a_migration_running_without_a_live_destination_is_caught() -> None:
    c, checker = checked_cluster()
    c.live_migrate("SQL01", "HV03")
    c.advance(3)
    checker.check()
    c._roles.migrations.open[0].target = "HV99"  # its destination is gone, and it keeps running
    with pytest.raises(InvariantViolation, match="runs without a live source/destination"):
        checker.check()


def test_a_migration_stuck_for_hours_is_caught() -> None:
    c, checker = checked_cluster()
    c.live_migrate("SQL01", "HV03")
    c.advance(3)
    c._roles.migrations.open[0].requested = c.now - MIGRATION_BOUND_S - 1  # as if it never got anywhere
    with pytest.raises(InvariantViolation, match="is still"):
        checker.check()


def test_a_group_state_that_disagrees_with_its_resources_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The group-vs-resources rule itself (not the VM-vs-resource one): the simulator's own
    group_state reporting a partly online role as Online is caught by the checker's copy."""
    import clusterlab.sim.cluster as cluster_module
    from clusterlab.sim import ResourceState
    from clusterlab.sim.snapshots import GroupState

    c, checker = checked_cluster()
    real = cluster_module.group_state
    monkeypatch.setattr(
        cluster_module,
        "group_state",
        lambda g: GroupState.ONLINE if real(g) is GroupState.PARTIAL_ONLINE else real(g),
    )
    sql01 = c._w.groups["SQL01"]
    config = next(r for r in sql01.resources if r.type != "Virtual Machine")
    config.state = ResourceState.OFFLINE  # one resource offline, one online: the role is PartialOnline
    sql01.touch()
    with pytest.raises(InvariantViolation, match="SQL01 is Online but its resources say PartialOnline"):
        checker.check()
