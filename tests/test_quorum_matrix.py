"""§1.10 survival matrix: every row and column, with both outcomes of every 50/50 cell.

A "50/50" cell depends on which node dynamic quorum took the vote from: losing the node
that holds the vote stops the cluster, losing the one without it does not.
"""

from __future__ import annotations

import pytest

from tests.builders import build, count, crash, non_voters, quorum_up, voters

YES, NO = True, False

# (nodes, witness, one failure, one-then-another, two simultaneous); None = 50/50
MATRIX = [
    (2, "None", None, NO, NO),
    (2, "FileShare", YES, NO, NO),
    (3, "None", YES, None, NO),
    (3, "FileShare", YES, YES, NO),
    (4, "None", YES, YES, None),
    (4, "FileShare", YES, YES, YES),
    (5, "None", YES, YES, YES),
    (6, "FileShare", YES, YES, YES),
]


def _row_id(row: tuple[object, ...]) -> str:
    return f"{row[0]}-nodes-witness-{row[1]}"


@pytest.mark.parametrize("row", MATRIX, ids=_row_id)
def test_one_failure(row: tuple[int, str, bool | None, bool | None, bool | None]) -> None:
    nodes, witness, expected, _, _ = row
    if expected is None:
        c = build(nodes, witness=witness)
        crash(c, voters(c)[0])
        assert not quorum_up(c), "losing the node that holds the vote stops the cluster"
        c = build(nodes, witness=witness)
        crash(c, non_voters(c)[0])
        assert quorum_up(c), "losing the node without a vote does not"
    else:
        c = build(nodes, witness=witness)
        crash(c, "HV02")
        assert quorum_up(c) is expected


@pytest.mark.parametrize("row", MATRIX, ids=_row_id)
def test_one_then_another(row: tuple[int, str, bool | None, bool | None, bool | None]) -> None:
    nodes, witness, _, expected, _ = row
    if nodes == 2:
        c = build(nodes, witness=witness)
        crash(c, non_voters(c)[0] if non_voters(c) else "HV02")
        crash(c, *[n.name for n in c.snapshot().nodes if n.state.value == "Up"])
        assert not quorum_up(c)
        return
    if expected is None:
        for pick in (voters, non_voters):
            c = build(nodes, witness=witness)
            crash(c, "HV01")
            assert quorum_up(c)
            crash(c, pick(c)[0])
            assert quorum_up(c) is (pick is non_voters)
    else:
        c = build(nodes, witness=witness)
        crash(c, "HV01")
        crash(c, "HV02")
        assert quorum_up(c) is expected


@pytest.mark.parametrize("row", MATRIX, ids=_row_id)
def test_two_simultaneous(row: tuple[int, str, bool | None, bool | None, bool | None]) -> None:
    nodes, witness, _, _, expected = row
    if expected is None:
        c = build(nodes, witness=witness)
        zeroed = non_voters(c)[0]
        voting = voters(c)
        crash(c, voting[0], voting[1])
        assert not quorum_up(c), "two voters lost at once: 1 of 3 votes left"
        c = build(nodes, witness=witness)
        crash(c, zeroed, voting[0])
        assert quorum_up(c), "the zero-vote node and one voter lost: 2 of 3 votes left"
    else:
        c = build(nodes, witness=witness)
        crash(c, "HV01", "HV02")
        assert quorum_up(c) is expected


def test_losers_log_1177_and_removed_nodes_1135() -> None:
    c = build(3)
    crash(c, "HV01", "HV02")
    assert not quorum_up(c)
    assert count(c, 1135) == 2
    assert count(c, 1177, source="HV03") == 1
