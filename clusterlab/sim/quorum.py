"""Quorum vote arithmetic (§1): pure functions, no simulation state.

The rules, as §1.12 summarises them:

1. Votes in force = nodes with NodeWeight = 1 and DynamicWeight = 1, plus the witness when
   WitnessDynamicWeight = 1.
2. After every committed membership change the dynamic weights are recomputed so that the
   total is odd: the witness votes only when an even number of nodes vote (§1.6); with no
   usable witness and an even number of voting nodes, one node's vote is removed —
   LowerQuorumPriorityNodeID if set, else a (seeded) random node (§1.7).
3. On a partition or simultaneous failure each side is judged against the vote set from
   *before* the failure; a side survives only with strictly more than half (§1.1, §1.5).
4. The witness vote counts only for the side that arbitrates it (§1.12 rule 4).
5. With DynamicQuorum = 0 votes are static: every configured vote stays in the total
   whether its node is up or not (§1.5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VoteAssignment:
    """Dynamic weights after a committed membership change."""

    dynamic: Mapping[str, int]  # node -> DynamicWeight, for every node of the cluster
    witness: int  # WitnessDynamicWeight
    zeroed: str | None  # node whose vote the tie-breaker removed, if any

    def total(self) -> int:
        return sum(self.dynamic.values()) + self.witness


def assign_votes(
    nodes: Sequence[str],
    node_weight: Mapping[str, int],
    members: Iterable[str],
    *,
    witness_configured: bool,
    witness_healthy: bool,
    dynamic_quorum: bool,
    lower_priority_node: str | None,
    previous_zeroed: str | None,
    choose: Callable[[Sequence[str]], str],
    dynamic_witness: bool = True,
) -> VoteAssignment:
    """Recompute DynamicWeight / WitnessDynamicWeight for the committed membership ``members``.

    ``nodes`` is every node of the cluster in node-ID order. ``choose`` picks the node the
    tie-breaker zeroes when no LowerQuorumPriorityNodeID applies (seeded RNG in the
    simulator); a previously zeroed node keeps losing its vote while it stays eligible, so
    the choice does not flap.
    """
    member_set = set(members)
    if not dynamic_quorum:
        # §1.5: static votes — configured weights count whether the node is up or not.
        return VoteAssignment(
            dynamic={n: node_weight.get(n, 1) for n in nodes},
            witness=1 if witness_configured else 0,
            zeroed=None,
        )
    voting = [n for n in nodes if n in member_set and node_weight.get(n, 1) == 1]
    dynamic = {n: (1 if n in voting else 0) for n in nodes}
    witness = 0
    zeroed: str | None = None
    if witness_configured and not dynamic_witness:
        # 2012: no dynamic witness and no tie-breaker (both arrived with 2012 R2, §1.6/§1.7):
        # the witness always holds its vote while it is healthy.
        return VoteAssignment(dynamic=dynamic, witness=1 if witness_healthy else 0, zeroed=None)
    if not dynamic_witness:
        return VoteAssignment(dynamic=dynamic, witness=0, zeroed=None)
    if witness_configured and witness_healthy:
        # §1.6: the witness votes when an even number of nodes vote (0 counts as even).
        witness = 1 if len(voting) % 2 == 0 else 0
    elif len(voting) % 2 == 0 and voting:
        # §1.7: keep the total odd by removing one node's vote.
        if lower_priority_node in voting:
            zeroed = lower_priority_node
        elif previous_zeroed in voting:
            zeroed = previous_zeroed
        else:
            zeroed = choose(voting)
        dynamic[zeroed] = 0
    return VoteAssignment(dynamic=dynamic, witness=witness, zeroed=zeroed)


@dataclass(frozen=True, slots=True)
class SideVerdict:
    members: tuple[str, ...]
    votes: int
    total: int
    holds_witness: bool

    @property
    def has_quorum(self) -> bool:
        return majority(self.votes, self.total)


def majority(votes: int, total: int) -> bool:
    """Strictly more than half (§1.1: 3 of 5, 2 of 3). A total of 0 never has quorum."""
    return total > 0 and votes * 2 > total


def votes_needed(total: int) -> int:
    return total // 2 + 1 if total > 0 else 1


def judge_sides(
    sides: Sequence[Sequence[str]],
    before: VoteAssignment,
    witness_side: int | None,
) -> list[SideVerdict]:
    """Judge each side of a split against the vote set from before the failure (§1.12 rule 3).

    ``witness_side`` is the index of the side that arbitrated the witness, or None.
    """
    total = before.total()
    verdicts = []
    for i, side in enumerate(sides):
        holds = witness_side == i
        votes = sum(before.dynamic.get(n, 0) for n in side) + (before.witness if holds else 0)
        verdicts.append(SideVerdict(tuple(side), votes, total, holds))
    return verdicts


def forming_votes(
    candidates: Iterable[str],
    committed: VoteAssignment,
    witness_reachable: bool,
) -> tuple[int, int]:
    """Votes a set of starting nodes can gather against the last committed vote set.

    A cluster that lost quorum keeps its last committed assignment in the cluster database;
    nodes coming back may form only with a majority of it (§1.5: "there must be a quorum
    majority at the time of each failure").
    """
    votes = sum(committed.dynamic.get(n, 0) for n in candidates)
    if witness_reachable:
        votes += committed.witness
    return votes, committed.total()


def configured_votes(nodes: Iterable[str], node_weight: Mapping[str, int], witness_configured: bool) -> int:
    """Every configured vote: the yardstick for leaving the ForceQuorum state (§1.9)."""
    return sum(node_weight.get(n, 1) for n in nodes) + (1 if witness_configured else 0)
