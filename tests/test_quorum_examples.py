"""§1.11 worked examples A–F, plus force quorum, prevent quorum, stop refusal and rejoin."""

from __future__ import annotations

import pytest

from clusterlab.sim import QuorumError
from tests.builders import DETECT, build, count, crash, non_voters, quorum_up, voters


def up_nodes(c) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.name for n in c.snapshot().nodes if n.state.value in ("Up", "Paused")]


# A. 2 nodes + witness ------------------------------------------------------------------


def test_A_witness_fails_first_then_the_tie_breaker_decides() -> None:
    c = build(2, witness="FileShare")
    c.fail_witness()
    q = c.quorum()
    assert q.witness_dynamic_weight == 0 and q.total == 1, "witness vote 0, one node vote removed"
    assert len(voters(c)) == 1
    # crash of the node without the vote: survives
    crash(c, non_voters(c)[0])
    assert quorum_up(c)

    c = build(2, witness="FileShare")
    c.fail_witness()
    crash(c, voters(c)[0])
    assert not quorum_up(c), "crash of the voting node takes the cluster down"

    c = build(2, witness="FileShare")
    c.fail_witness()
    voter = voters(c)[0]
    c.stop_node(voter)
    c.advance(120)
    assert quorum_up(c), "graceful shutdown of the voting node transfers its vote"
    assert voters(c) == [n for n in ("HV01", "HV02") if n != voter]


def test_A_partition_the_side_with_the_witness_wins() -> None:
    c = build(2, witness="FileShare")
    assert c.group("Cluster Group").owner == "HV01"
    c.partition_networks([["HV01"], ["HV02"]])
    c.advance(DETECT)
    assert c.quorum().members == ("HV01",)
    assert count(c, 1177, source="HV02") == 1
    assert c.node("HV02").state.value == "Down"


# B. 3 nodes, no witness ----------------------------------------------------------------


def test_B_three_nodes_sequential_and_simultaneous() -> None:
    c = build(3)
    assert c.quorum().total == 3
    crash(c, "HV01")
    assert quorum_up(c) and c.quorum().total == 1, "two nodes left: one vote zeroed"
    c2 = build(3)
    crash(c2, "HV01", "HV02")
    assert not quorum_up(c2)


# C. 4 nodes, no witness ----------------------------------------------------------------


def test_C_four_nodes_split_two_two_the_side_with_two_voters_wins() -> None:
    c = build(4, lower="HV04")
    assert c.quorum().total == 3
    assert non_voters(c) == ["HV04"], "LowerQuorumPriorityNodeID picks the node that loses its vote"
    c.partition_networks([["HV01", "HV02"], ["HV03", "HV04"]])
    c.advance(DETECT)
    assert c.quorum().members == ("HV01", "HV02")
    assert count(c, 1177) == 2

    c = build(4, lower="HV01")
    c.partition_networks([["HV01", "HV02"], ["HV03", "HV04"]])
    c.advance(DETECT)
    assert c.quorum().members == ("HV03", "HV04")


def test_C_without_lower_quorum_priority_the_seed_picks_the_zeroed_node() -> None:
    picks = {non_voters(build(4, seed=s))[0] for s in range(12)}
    assert len(picks) > 1, "the tie-breaker is a (seeded) random choice"
    assert non_voters(build(4, seed=3)) == non_voters(build(4, seed=3))


# D. 4 nodes + witness ------------------------------------------------------------------


def test_D_four_nodes_and_witness_split_and_double_failure() -> None:
    c = build(4, witness="FileShare")
    q = c.quorum()
    assert (q.votes, q.total, q.needed) == (5, 5, 3)
    c.partition_networks([["HV01", "HV02"], ["HV03", "HV04"]])
    c.advance(DETECT)
    assert c.quorum().members == ("HV01", "HV02"), "the side owning Cluster Group arbitrates the witness"

    c = build(4, witness="FileShare")
    c.move_group("Cluster Group", "HV03")
    c.partition_networks([["HV01", "HV02"], ["HV03", "HV04"]])
    c.advance(DETECT)
    assert c.quorum().members == ("HV03", "HV04")

    c = build(4, witness="Cloud")
    crash(c, "HV01", "HV02")
    assert quorum_up(c), "2 nodes + witness = 3 of 5"


# E. 5 nodes, no witness ----------------------------------------------------------------


# F. multisite manual failover ----------------------------------------------------------


def test_force_quorum_resiliency_majority_side_joins_the_forced_side() -> None:
    c = build(5)
    c.partition_networks([["HV01", "HV02", "HV03"], ["HV04", "HV05"]])
    c.advance(DETECT)
    c.start_node("HV04", force_quorum=True)
    c.advance(30)
    assert len(c.quorum().members) == 3, "two partitions run: the forced minority and the majority"
    c.heal_network()
    c.advance(30)
    assert count(c, 5396) == 3
    q = c.quorum()
    assert set(q.members) == {"HV01", "HV02", "HV03", "HV04", "HV05"}
    assert not q.forced


def test_survivors_form_again_once_a_majority_of_the_last_votes_is_back() -> None:
    c = build(3)
    crash(c, "HV01", "HV02")
    assert not quorum_up(c), "HV03 alone holds 1 of the 3 committed votes"
    c.repair_node("HV01")
    c.advance(200)
    assert quorum_up(c), "HV01 + HV03 are 2 of the 3 committed votes: they form"
    assert count(c, 1177, source="HV03") == 1


def test_prevent_quorum_node_joins_but_never_forms() -> None:
    c = build(3)
    crash(c, "HV01", "HV02")
    c.repair_node("HV01")
    c.run_until(c.now + 119)
    c.start_node("HV03", prevent_quorum=True)
    c.advance(100)
    assert quorum_up(c), "HV01 (normal start) forms with HV03's vote; HV03 joined it"
    c = build(2, witness="None", weights={"HV02": 0})
    crash(c, "HV01")
    assert not quorum_up(c)
    c.start_node("HV02", prevent_quorum=True)
    c.advance(60)
    assert not quorum_up(c), "a PreventQuorum node never forms a cluster on its own"


def test_stop_node_refused_when_it_would_lose_quorum() -> None:
    c = build(3, dynamic=False)
    c.stop_node("HV01")
    c.advance(60)
    with pytest.raises(QuorumError, match="lose quorum"):
        c.stop_node("HV02")
    c = build(3)
    c.stop_node("HV01")
    c.advance(60)
    c.stop_node("HV02")
    c.advance(60)
    assert quorum_up(c), "dynamic quorum: sequential graceful stops down to one node"
    with pytest.raises(QuorumError):
        c.stop_node("HV03")


def test_isolated_node_loses_quorum_and_rejoins_automatically_after_heal() -> None:
    c = build(4, witness="FileShare")
    c.isolate_node("HV04")
    c.advance(DETECT)
    assert c.node("HV04").state.value == "Down"
    assert count(c, 1135, source="HV04") == 1 and count(c, 1177, source="HV04") == 1
    c.heal_network()
    c.advance(1)
    assert c.node("HV04").state.value == "Joining"
    c.advance(10)
    assert c.node("HV04").state.value == "Up"


def test_a_blip_shorter_than_the_threshold_is_not_a_failure() -> None:
    c = build(4)
    c.isolate_node("HV02")
    c.advance(15)
    c.heal_network()
    c.advance(60)
    assert count(c, 1135) == 0 and c.node("HV02").state.value == "Up"


@pytest.mark.parametrize(("os", "detect"), [("2012R2", 10.0), ("2016", 10.0), ("2019", 20.0), ("2022", 20.0)])
def test_crash_is_detected_after_the_profile_threshold(os: str, detect: float) -> None:
    c = build(4, os=os)
    c.crash_node("HV02")
    c.run_until(detect - 0.5)
    assert c.node("HV02").state.value == "Up", "the survivors have not noticed yet"
    c.run_until(detect)
    assert c.node("HV02").state.value == "Down"
    e = next(e for e in c.events if e.event_id == 1135)
    assert e.time == detect


def test_simultaneous_means_before_the_regroup_not_the_same_second() -> None:
    """A second crash before the first is detected is judged with the first (§1.5)."""
    c = build(3)
    c.crash_node("HV01")
    c.advance(5)
    c.crash_node("HV02")
    c.advance(30)
    assert not quorum_up(c)


def test_static_quorum_counts_every_configured_vote() -> None:
    c = build(4, witness="FileShare", dynamic=False)
    crash(c, "HV01")
    q = c.quorum()
    assert (q.votes, q.total) == (4, 5)
    crash(c, "HV02")
    assert quorum_up(c)
    crash(c, "HV03")
    assert not quorum_up(c), "static: 1 node + witness = 2 of 5"


def test_witness_failure_logs_and_restore_gives_the_vote_back() -> None:
    c = build(4, witness="FileShare")
    c.fail_witness()
    assert count(c, 1562) == 1 and count(c, 1069) == 1
    q = c.quorum()
    assert q.witness_state == "Failed" and q.witness_dynamic_weight == 0 and q.total == 3
    c.restore_witness()
    q = c.quorum()
    assert q.witness_state == "Online" and q.witness_dynamic_weight == 1 and q.total == 5


def test_quorum_type_wording_per_profile() -> None:
    assert build(3, witness="FileShare", os="2012R2").quorum().quorum_type == "NodeAndFileShareMajority"
    assert build(3, os="2012R2").quorum().quorum_type == "NodeMajority"
    assert build(3, witness="Cloud", os="2022").quorum().quorum_type == "Majority"


def test_cloud_witness_needs_2016() -> None:
    from clusterlab.sim import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="2016"):
        build(3, witness="Cloud", os="2012R2")


def test_2012_has_no_dynamic_witness_and_no_tie_breaker() -> None:
    """§1.6/§1.7 arrived with 2012 R2: on 2012 the witness always votes and an even split stops both sides."""
    c = build(3, witness="FileShare", os="2012")
    assert c.quorum().total == 4, "3 nodes + a witness that keeps its vote"
    c = build(2, witness="FileShare", os="2012")
    c.fail_witness()
    assert c.quorum().total == 2, "no tie-breaker: two votes stay in force"
    crash(c, "HV02")
    assert not quorum_up(c), "1 of 2 is not a majority: both sides of a 50/50 split stop (pre-2012 R2, §1.7)"
    c = build(2, witness="FileShare", os="2012R2")
    c.fail_witness()
    crash(c, non_voters(c)[0])
    assert quorum_up(c), "2012 R2's tie-breaker keeps one side running"
