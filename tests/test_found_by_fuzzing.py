"""Simulator bugs the reliability state machine found (tests/cluster_machine.py), each kept as the
shortest console session that showed it, with the invariant it broke."""

from __future__ import annotations

from dataclasses import replace

from clusterlab.shell import Shell
from clusterlab.sim import Cluster, VmState
from tests.cluster_machine import SEED, SPEC, InvariantChecker


def session(*lines: str, blocking: bool = False) -> tuple[Cluster, Shell, InvariantChecker]:
    c = Cluster(replace(SPEC, seed=SEED))
    sh = Shell(c, blocking=blocking)
    checker = InvariantChecker(c)
    for line in lines:
        result = sh.run(line)
        assert not [e for e in result.errors if "could not run" in e.message], result.text()
        checker.check()
    return c, sh, checker


def test_a_vm_turned_off_while_a_drain_moves_it_stays_off_and_claims_no_memory() -> None:
    """Invariant: node memory in use <= capacity. Two nodes stop at once; SQL01 (64 GB) is quick-moved
    to HV01, preempting EXCH01; the admin turns SQL01 off mid-move, so EXCH01 takes the room back.
    The move used to finish anyway and restart SQL01 on HV01: 156 GB on a 128 GB host."""
    c, _, checker = session(
        "Stop-ClusterNode HV03 -Wait 0",
        "Stop-ClusterNode HV02 -Wait 0",
        "Stop-VM SQL01 -TurnOff -Force",
    )
    for _ in range(40):
        c.advance(10)
        checker.check()
    assert c.vm("SQL01").state is VmState.OFF, "turned off by the administrator: it stays off"
    sql01 = c.group("SQL01")
    assert sql01.state.value == "Offline" and sql01.status == "", "and is no longer shown as Moving"
    assert c.vm("EXCH01").state is VmState.RUNNING


def test_a_role_on_a_node_that_lost_power_is_not_moved_before_the_cluster_notices() -> None:
    """Invariant: a VM resource that is Online has its VM running on the role's owner. HV03 loses
    power; before the heartbeat threshold, APP02 (on HV03) is quick-migrated. The move used to hand
    the role to HV01 with its VM off and the resource Online: the failover then skipped it and
    APP02 stayed "Online" and dark for good."""
    c, sh, checker = session("Invoke-LabFault -Node HV03 -Crash")
    result = sh.run("Move-ClusterVirtualMachineRole APP02 -MigrationType Quick -Wait 0")
    assert not result.ok and "owner node 'HV03' is not responding" in result.text()
    for _ in range(40):
        c.advance(10)
        checker.check()
    assert c.vm("APP02").state is VmState.RUNNING and c.group("APP02").owner != "HV03"


def test_stopping_a_vm_whose_cold_start_is_scheduled_cancels_the_start() -> None:
    """Invariant: node memory in use <= capacity. HV02 and HV01 stop one after the other: SQL01,
    saving on its way from HV02 to HV01, is re-planned for a cold start on HV03 a little later.
    Stop-VM SQL01 then took the role offline but left that start scheduled: the VM booted on HV03
    after RDS01 had taken the room back (140 GB on a 128 GB host)."""
    c, _, checker = session(
        "Stop-ClusterNode HV02 -Wait 0",
        "Stop-ClusterNode HV01 -Wait 0",
        "Stop-VM SQL01",
    )
    for _ in range(40):
        c.advance(10)
        checker.check()
    assert c.vm("SQL01").state is VmState.OFF and c.group("SQL01").state.value == "Offline"


def test_a_forced_partition_stays_forced_while_another_partition_runs_apart() -> None:
    """Invariant: no two partitions hold quorum at once unless one was forced. A three-way split
    leaves HV01+HV02 with quorum; HV03 is force-started on its own (§1.9); evicting HV04 then made
    the forced side count the witness the other side holds, leave ForceQuorum, and both ran unforced."""
    c, sh, checker = session(
        "Invoke-LabFault -Partition 'HV03','HV02,HV01','HV04'",
        "Start-Sleep -Seconds 30",
        "(Get-ClusterNode HV01).NodeWeight = 0",
        "Start-ClusterNode HV03 -ForceQuorum -Wait 0",
        "Start-Sleep -Seconds 30",
        "Remove-ClusterNode HV04 -Force -Wait 0",
        blocking=True,
    )
    assert [(p.members, p.forced) for p in c._w.partitions] == [(["HV01", "HV02"], False), (["HV03"], True)]
    sh.run("Repair-LabFault -Network; Start-Sleep 60")  # Force Quorum resiliency: the two merge
    checker.check()
    assert c.quorum().members == ("HV01", "HV02", "HV03") and not c.quorum().forced


def test_a_vm_failed_over_during_the_regroup_is_not_also_left_unmonitored() -> None:
    """Invariant: an Unmonitored VM is on an Isolated node (§7.3). HV02 is cut off, then shut down
    (Stop-Computer drains first). When the others notice, the failed drain fails SQL01 over to HV01
    — and the isolation planned a moment before still marked it Unmonitored, now on HV01, which is Up."""
    c, _, checker = session(
        "Invoke-LabFault -Node HV02 -Isolate",
        "Stop-Computer HV04 -Force",
        "Stop-Computer HV02 -Force",
    )
    for _ in range(40):
        c.advance(10)
        checker.check()
    sql01 = c.vm("SQL01")
    assert not sql01.unmonitored and sql01.host != "HV02" and sql01.state is VmState.RUNNING


def test_a_vm_paused_while_starting_resumes_starting_not_running() -> None:
    """Invariant: a running VM's resource is Online. SQL01 fails over to HV01 after a drain went
    wrong; while it boots, its CSV becomes inaccessible (§7.4: Paused-Critical) and comes back. It
    resumed as Running under a resource still OnlinePending, then dropped to Off with no event."""
    c, sh, checker = session(
        "Stop-Computer HV04 -Force",
        "Stop-Computer HV02 -Force",
        "Invoke-LabFault -Node HV03 -StoragePath CSV1",
        "Invoke-LabFault -Node HV01 -Isolate",
        "Suspend-ClusterResource CSV2 -Force",
    )
    c.advance(19)
    checker.check()
    for line in ("Invoke-LabFault -Node HV01 -StoragePath CSV1", "Repair-LabFault -Node HV03"):
        sh.run(line)
        checker.check()
    assert c.vm("SQL01").state is VmState.STARTING
    for _ in range(40):
        c.advance(10)
        checker.check()
    assert c.vm("SQL01").state is VmState.RUNNING


def test_a_vm_taken_offline_during_the_regroup_is_not_left_unmonitored() -> None:
    """Invariant: an Unmonitored VM is on an Isolated node (§7.3). As above, but TEST01's failed drain
    move finds no room and takes it offline to wait. It was still marked Unmonitored, so when HV04
    resumed and TEST01 started there, it ran "Unmonitored" on a node that was Up."""
    c, sh, checker = session(
        "Invoke-LabFault -Node HV02 -Isolate",
        "Stop-Computer HV04 -Force",
        "Stop-Computer HV02 -Force",
    )
    c.advance(21)
    checker.check()
    sh.run("Resume-ClusterNode HV04 -Failback NoFailback")
    checker.check()
    for _ in range(40):
        c.advance(10)
        checker.check()
    assert not c.vm("TEST01").unmonitored


def test_failback_from_a_node_that_just_lost_power_waits_for_the_failover() -> None:
    """Invariant: an Online VM resource has its VM running on the role's owner. HV01 is drained (DC01
    live-migrates to HV02); HV02 loses power; before anyone notices, HV01 is resumed with immediate
    failback. The failback "moved" DC01 off the dead HV02: Online on HV01 with its VM off, for good.
    (Found by benchmarks/soak.py after 105 s.)"""
    c, sh, checker = session("Suspend-ClusterNode HV01 -Drain")
    c.advance(19)
    checker.check()
    for line in ("Invoke-LabFault -Node HV02 -Crash", "Resume-ClusterNode HV01 -Failback Immediate"):
        sh.run(line)
        checker.check()
    for _ in range(60):
        c.advance(10)
        checker.check()
    assert c.vm("DC01").state is VmState.RUNNING and c.vm("DC01").host != "HV02"
