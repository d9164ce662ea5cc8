"""Quarantine (§7.3): three unclean exits within an hour keep a node out for two hours (2016+)."""

from __future__ import annotations

from dataclasses import replace

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.sim import Cluster, NodeState

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
