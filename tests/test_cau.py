"""Cluster-Aware Updating (§8) beyond the scenario labs: options, order, re-scan, schedule, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from clusterlab.sim import Cluster, InvalidArgumentError, InvalidStateError, ObjectNotFoundError, VmSpec
from clusterlab.sim.cau import CauOptions, parse_days
from clusterlab.sim.spec import UpdateSpec
from tests.builders import build

CU = UpdateSpec("KB5099001", "Cumulative Update", 1200.0)
NEXT = UpdateSpec("KB5099002", "Update that needs the cumulative update first", 300.0, requires="KB5099001")


def cluster(nodes: int = 3, updates: tuple[UpdateSpec, ...] = (CU,), **kw: object) -> Cluster:
    c = build(nodes, witness="Cloud", vms=[VmSpec(f"APP0{i}", owner=f"HV0{i}") for i in range(1, nodes + 1)], **kw)  # type: ignore[arg-type]
    for n in c.snapshot().nodes:
        c.cau.set_updates(n.name, updates)
    return c


def finish(c: Cluster, hours: float = 24) -> None:
    c.advance(hours * 3600)
    assert c.cau.current is None, "the run should have ended"


def test_fewest_roles_first_is_the_default_order() -> None:
    c = cluster(4)
    c.live_migrate("APP01", "HV03")  # HV01 now hosts nothing, HV03 two roles
    c.advance(120)
    run = c.cau.start(CauOptions())
    assert [n.node for n in run.nodes] == ["HV01", "HV02", "HV04", "HV03"]


def test_node_order_must_name_every_node_once() -> None:
    c = cluster(3)
    with pytest.raises(InvalidArgumentError, match="missing: HV03"):
        c.cau.start(CauOptions(node_order=("HV01", "HV02")))
    with pytest.raises(ObjectNotFoundError):
        c.cau.start(CauOptions(node_order=("HV01", "HV02", "HV09")))
    run = c.cau.start(CauOptions(node_order=("hv03", "HV01", "HV02")))
    assert [n.node for n in run.nodes] == ["HV03", "HV01", "HV02"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (CauOptions(max_failed_nodes=3), "MaxFailedNodes must be between 0 and 2"),
        (CauOptions(max_retries_per_node=65), "MaxRetriesPerNode"),
        (CauOptions(failback_mode="Later"), "FailbackMode"),
        (CauOptions(plugin="Contoso.Plugin"), "not installed"),
        (CauOptions(pre_update_script="C:\\scripts\\pre.cmd"), ".ps1"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(options: CauOptions, message: str) -> None:
    c = cluster(3)
    with pytest.raises(InvalidArgumentError, match=message):
        c.cau.start(options)
    assert c.cau.last() is None


def test_one_run_at_a_time() -> None:
    c = cluster(3)
    c.cau.start(CauOptions())
    with pytest.raises(InvalidStateError, match="already in progress"):
        c.cau.start(CauOptions())


def test_the_re_scan_finds_updates_that_became_applicable_and_updates_the_node_again() -> None:
    c = cluster(2, updates=(CU, NEXT))
    assert [u.kb for _, u in c.cau.scan()] == ["KB5099001", "KB5099001"], "NEXT needs CU first"
    c.cau.start(CauOptions())
    finish(c)
    last = c.cau.last()
    assert last is not None and last.status == "Succeeded"
    for n in last.nodes:
        assert n.installed == ("KB5099001", "KB5099002")
        restarts = [s for _, s in n.timeline if s == "Restarting"]
        assert len(restarts) == 2, "one restart per pass"
    assert c.cau.scan() == []


def test_a_node_down_before_the_run_counts_as_failed() -> None:
    c = cluster(3)
    c.crash_node("HV03")
    c.advance(30)
    c.cau.start(CauOptions(max_failed_nodes=1))
    finish(c)
    status = c.cau_status()
    assert status["status"] == "Failed" and status["failed_nodes"] == ["HV03"] and status["nodes_updated"] == 2


def test_failback_mode_no_failback_leaves_the_roles_where_the_drain_put_them() -> None:
    c = cluster(3)
    c.set_auto_balancer(mode=0)
    c.cau.start(CauOptions(failback_mode="NoFailback", node_order=("HV02", "HV03", "HV01")))
    finish(c)
    assert c.group("APP01").owner != "HV01"


def test_stop_cau_run_resumes_the_node_it_was_working_on() -> None:
    c = cluster(3)
    c.cau.start(CauOptions(node_order=("HV01", "HV02", "HV03")))
    c.advance(600)  # HV01 drained and installing
    assert c.node("HV01").state.value == "Paused"
    c.cau.stop()
    c.advance(1)
    assert c.node("HV01").state.value == "Up"
    assert c.cau_status() == {"status": "Cancelled", "nodes_updated": 0, "failed_nodes": [], "locked": False}


def test_a_crash_mid_install_fails_the_node_and_the_run_goes_on() -> None:
    c = cluster(4, resiliency_period=0)
    c.cau.start(CauOptions(node_order=("HV01", "HV02", "HV03", "HV04"), max_failed_nodes=1))
    c.advance(600)
    c.crash_node("HV01")
    c.advance(60)
    run = c.cau.run()
    assert run is not None and run.nodes[0].status == "Failed" and "went down" in run.nodes[0].error
    assert run.current_node == "HV02"


def test_days_of_week_by_name_abbreviation_or_flags() -> None:
    assert parse_days(["Tuesday", "sat"]) == ("Tuesday", "Saturday")
    assert parse_days(["0x44"]) == ("Tuesday", "Saturday")
    with pytest.raises(InvalidArgumentError):
        parse_days(["Funday"])


def test_schedule_weeks_of_month_with_the_last_week() -> None:
    c = cluster(3)
    c.cau.add_role(days=("Friday",), weeks=(5,), interval=None, start=None, options=CauOptions())
    # January 2026: the last Friday is the 30th; the lab clock starts Monday 5 January 09:00.
    assert c.cau.role_snapshot().next_run == datetime(2026, 1, 30, 3, 0)
    assert c.cau.next_occurrence(datetime(2026, 1, 30, 3, 0)) == datetime(2026, 2, 27, 3, 0)


def test_schedule_every_other_week_from_the_start_date() -> None:
    c = cluster(3)
    start = datetime(2026, 1, 6, 22, 30)
    c.cau.add_role(days=("Tuesday",), weeks=(), interval=2, start=start, options=CauOptions())
    assert c.cau.role_snapshot().next_run == start
    assert c.cau.next_occurrence(start) == datetime(2026, 1, 20, 22, 30)


def test_the_cau_role_is_a_clustered_role_and_only_one_exists() -> None:
    c = cluster(3)
    c.cau.add_role(days=(), weeks=(), interval=None, start=None, options=CauOptions())
    c.advance(10)
    role = c.cau.role_snapshot()
    assert role.status == "Online" and c.group(role.group).group_type.value == "ClusterAwareUpdating"
    assert role.days_of_week == ("Tuesday",) and role.weeks_of_month == (3,), "the wizard's default (§8.5)"
    with pytest.raises(InvalidStateError, match="already exists"):
        c.cau.add_role(days=(), weeks=(), interval=None, start=None, options=CauOptions())
    c.cau.remove_role()
    with pytest.raises(KeyError):
        c.snapshot().group(role.group)


def test_a_bad_update_is_rolled_back_by_repair_and_installs_cleanly_next_time() -> None:
    c = cluster(3)
    c.arm_bad_update("HV01")
    c.cau.start(CauOptions(node_order=("HV01", "HV02", "HV03"), max_failed_nodes=0))
    finish(c)
    assert c.cau_status()["locked"] is True
    c.repair_node("HV01")
    c.advance(600)
    # CAU had paused it for maintenance and never resumed it: a pause is persistent ([S3] PauseClusterNode)
    assert c.node("HV01").state.value == "Paused"
    assert [u.kb for n, u in c.cau.scan() if n == "HV01"] == ["KB5099001"], "rolled back: applicable again"
    c.cau.recover()
    c.cau.start(CauOptions())
    finish(c)
    assert c.cau_status()["status"] == "Succeeded"


def test_updates_from_the_lab_spec() -> None:
    c = build(2)
    spec = replace(c.spec, updates=(CU,), nodes=(c.spec.nodes[0], replace(c.spec.nodes[1], updates=())))
    c2 = Cluster(spec)
    assert [(n, u.kb) for n, u in c2.cau.scan()] == [("HV01", "KB5099001")]
