"""Quarantine (§7.3): three unclean exits within an hour keep a node out for two hours (2016+)."""

from __future__ import annotations

from dataclasses import replace

from clusterlab.lab import default_lab_path, load_lab, resolve_lab
from clusterlab.sim import Cluster, NodeState, VmState

SPEC = load_lab(default_lab_path()).spec


def crash_three_times(c: Cluster, node: str) -> None:
    for _ in range(3):
        c.crash_node(node)
        c.advance(60)
        c.repair_node(node)
        c.advance(300)


def test_2012r2_has_no_quarantine() -> None:
    c = Cluster(replace(SPEC, os="2012R2"))
    crash_three_times(c, "HV03")
    assert c.node("HV03").state is NodeState.UP
    assert not any(e.event_id == 1672 for e in c.events)


def test_exits_spread_over_more_than_an_hour_do_not_quarantine() -> None:
    c = Cluster(SPEC)
    for _ in range(3):
        c.crash_node("HV03")
        c.advance(60)
        c.repair_node("HV03")
        c.advance(1800)
    assert c.node("HV03").state is NodeState.UP


def test_a_graceful_stop_does_not_count() -> None:
    c = Cluster(SPEC)
    for _ in range(3):
        c.stop_node("HV03")
        c.advance(300)
        c.start_node("HV03")
        c.advance(60)
    assert c.node("HV03").state is NodeState.UP


def test_at_most_a_quarter_of_the_nodes_are_quarantined_at_once() -> None:
    c = Cluster(SPEC)  # four nodes: one may be quarantined
    crash_three_times(c, "HV03")
    crash_three_times(c, "HV04")
    assert c.node("HV03").state is NodeState.QUARANTINED
    assert c.node("HV04").state is NodeState.UP  # the cap lets it back in
    assert [e.source for e in c.events if e.event_id == 1672] == ["HV03"]


FLAPPING = load_lab(resolve_lab("scenario-flapping-node")).spec  # APP01 on HV03, not on a CSV


def cut_off_twice(c: Cluster, node: str) -> None:
    """Two isolations the node rides out: cut from every network, back within the period."""
    for _ in range(2):
        c.isolate_node(node)
        c.advance(60)
        c.heal_network(node)
        c.advance(120)


def test_a_quarantined_node_reached_again_has_its_vms_live_migrated_away() -> None:
    """§7.3: its VMs are drained (live-migrated), not restarted: APP01 never stops."""
    c = Cluster(FLAPPING)
    cut_off_twice(c, "HV03")
    c.isolate_node("HV03")
    c.advance(60)
    assert c.node("HV03").state is NodeState.QUARANTINED
    assert c.vm("APP01").unmonitored and c.vm("APP01").host == "HV03", "nothing reaches HV03 to move it"
    c.heal_network("HV03")  # back within the resiliency period (240 s): turned away, and drained
    c.advance(60)
    app01 = c.vm("APP01")
    assert app01.host != "HV03" and app01.state is VmState.RUNNING and not app01.unmonitored
    assert app01.downtime_at(c.now) < 1, "a live migration's blackout, not a restart"
    assert [m.source for m in c.migrations()] == ["HV03"]
    names = [e.name for e in c.events]
    assert names.index("JoiningNodeQuarantined") < names.index("QuarantinedNodeDrained")
    assert c.node("HV03").state is NodeState.QUARANTINED and c.node("HV03").roles == 0


def test_a_quarantined_node_never_reached_again_has_its_vms_fail_over_after_the_period() -> None:
    c = Cluster(FLAPPING)
    cut_off_twice(c, "HV03")
    c.isolate_node("HV03")
    c.advance(30 + 240 + 30)  # detection, ResiliencyDefaultPeriod, a restart
    app01 = c.vm("APP01")
    assert app01.host != "HV03" and app01.state is VmState.RUNNING
    assert c.migrations() == (), "restarted elsewhere: there was no way to move it"
    assert any(e.event_id == 1682 for e in c.events)
