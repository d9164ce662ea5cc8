"""Quorum what-if (cockpit issue, item 5): the prediction for each voter holds against actually failing it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clusterlab.sim import Cluster
from tests.builders import build

Setup = Callable[[Cluster], None]


def crash(*nodes: str) -> Setup:
    def run(c: Cluster) -> None:
        for n in nodes:
            c.crash_node(n)
        c.advance(60)

    return run


def nothing(c: Cluster) -> None:
    return None


CASES: list[tuple[str, dict[str, object], Setup]] = [
    ("4 nodes + FSW", {"nodes": 4, "witness": "FileShare"}, nothing),
    ("4 nodes + FSW, two down", {"nodes": 4, "witness": "FileShare"}, crash("HV01", "HV02")),
    ("2 nodes + disk witness", {"nodes": 2, "witness": "Disk"}, nothing),
    ("2 nodes + disk witness, one down", {"nodes": 2, "witness": "Disk"}, crash("HV02")),
    ("3 nodes, no witness, one down", {"nodes": 3}, crash("HV03")),
    ("static quorum, 3 nodes + witness, one down", {"nodes": 3, "witness": "Cloud", "dynamic": False}, crash("HV01")),
    ("static quorum, 4 nodes, no witness", {"nodes": 4, "dynamic": False}, nothing),
    ("2012 R2, 4 nodes, no witness, one down", {"nodes": 4, "os": "2012R2"}, crash("HV04")),
]


def make(kw: dict[str, object], setup: Setup) -> Cluster:
    c = build(**kw)  # type: ignore[arg-type]
    setup(c)
    return c


@pytest.mark.parametrize(("label", "kw", "setup"), CASES, ids=[c[0] for c in CASES])
def test_the_prediction_for_every_voter_matches_failing_it(label: str, kw: dict[str, object], setup: Setup) -> None:
    predictions = make(kw, setup).what_if()
    assert predictions, label
    for p in predictions:
        c = make(kw, setup)
        if p.voter == "witness":
            c.fail_witness()
        else:
            c.crash_node(p.voter)
        c.advance(120)
        assert (c.quorum().state == "Up") == p.survives, f"{label}: {p}"


def test_a_prediction_says_why() -> None:
    c = build(2, witness="Disk", dynamic=False)
    c.crash_node("HV02")
    c.advance(60)
    (node, witness) = c.what_if()
    assert node.voter == "HV01" and not node.survives and "not a majority" in node.why
    assert witness.voter == "witness" and not witness.survives and "static quorum: 1 of 3" in witness.why


SPLIT_CASES: list[tuple[str, dict[str, object], Setup]] = [
    ("4 nodes + FSW", {"nodes": 4, "witness": "FileShare"}, nothing),
    ("4 nodes, no witness (tie-breaker)", {"nodes": 4}, nothing),
    ("5 nodes, no witness", {"nodes": 5}, nothing),
    ("4 nodes + disk witness, one down", {"nodes": 4, "witness": "Disk"}, crash("HV04")),
    ("static quorum, 4 nodes + cloud witness", {"nodes": 4, "witness": "Cloud", "dynamic": False}, nothing),
    ("static quorum, 4 nodes, no witness", {"nodes": 4, "dynamic": False}, nothing),  # 2|2: neither side
]


def test_the_split_cases_reach_the_verdict_that_no_side_survives() -> None:
    """The cases above are not all 'one side keeps quorum': a 2|2 split without a witness or
    dynamic quorum stops both halves, and the prediction says so."""
    label, kw, setup = SPLIT_CASES[-1]
    verdicts = [p.survivor is None for p in make(kw, setup).what_if_splits()]
    assert any(verdicts) and not all(verdicts), label


@pytest.mark.parametrize(("label", "kw", "setup"), SPLIT_CASES, ids=[c[0] for c in SPLIT_CASES])
def test_the_prediction_for_every_split_matches_partitioning_the_cluster(
    label: str, kw: dict[str, object], setup: Setup
) -> None:
    """Every way of cutting the members in two (Invoke-LabFault -Partition): the side the
    prediction names is the one still running after the regroup, or none is."""
    predictions = make(kw, setup).what_if_splits()
    members = len(make(kw, setup).quorum().members)
    assert len(predictions) == 2 ** (members - 1) - 1, label  # every split in two, once
    for p in predictions:
        c = make(kw, setup)
        c.partition_networks([p.sides[0]])
        c.advance(120)
        running = {tuple(m) for m in [c.quorum().members] if c.quorum().state == "Up"}
        if p.race:
            assert len(running) == 1, f"{label}: {p}"  # one side wins the witness, whichever
        elif p.survivor is None:
            assert not running, f"{label}: {p}"
        else:
            assert running == {tuple(p.survivor)}, f"{label}: {p}"


def test_the_cockpit_names_the_fatal_voters_and_failing_one_by_key_stops_the_cluster() -> None:
    """Issue 8: the what-if in the quorum panel, driven as a learner would. Static quorum, no
    witness, HV04 down: 3 of 4 votes, so the panel says losing any other node costs quorum — and
    crashing HV01 by key does exactly that; before, losing one of four was survivable."""
    from textual.pilot import Pilot

    from clusterlab.tui import ClusterLabApp
    from clusterlab.tui.widgets import LinesView
    from tests.test_tui import drive, nodes

    def summary(app: ClusterLabApp) -> str:
        return app.query_one("#summary", LinesView).plain

    async def learner(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert "survives losing: HV01, HV02, HV03, HV04, witness" in summary(app)
        for line in (
            "Set-ClusterQuorum -NoWitness",
            "(Get-Cluster).DynamicQuorum = 0",
            "Invoke-LabFault -Node HV04 -Crash",
        ):
            app.run_cmdline(line)
        app.advance_sim(300)
        await pilot.pause()
        assert "loses quorum if it loses: HV01, HV02, HV03" in summary(app)
        assert app.snapshot.quorum.state == "Up"
        nodes(app).focus()
        nodes(app).move_cursor(row=0)  # HV01
        await pilot.press("c")
        app.advance_sim(120)
        await pilot.pause()
        assert app.snapshot.quorum.state != "Up", "the prediction held: the cluster lost quorum"

    drive(learner)
