"""VM load balancing (§3.11): the pure planner, and its absence before 2016."""

from __future__ import annotations

import pytest

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.sim import Cluster, ClusterError
from clusterlab.sim.balancer import Movable, Move, plan
from clusterlab.sim.placement import NodeLoad


def node(name: str, used: float, total: float = 100.0, state: str = "Up", aa: frozenset[str] = frozenset()) -> NodeLoad:
    return NodeLoad(name, int(name[-1]), state, total, used, 0, anti_affinity=aa)


def test_nothing_moves_while_every_node_is_under_the_threshold() -> None:
    loads = [node("HV1", 80), node("HV2", 0)]
    assert plan(loads, [Movable("A", "HV1", 80)], level=1) == []


def test_the_most_loaded_node_sheds_its_largest_vm_to_the_least_loaded_node() -> None:
    loads = [node("HV1", 90), node("HV2", 85), node("HV3", 35), node("HV4", 10)]
    vms = [Movable("A", "HV1", 30), Movable("B", "HV1", 60), Movable("C", "HV2", 10)]
    assert plan(loads, vms, level=1) == [
        Move("B", "HV1", "HV4", 0.9, 0.7),  # largest first, to the emptiest node that stays ≤ 80 %
        Move("C", "HV2", "HV3", 0.85, 0.45),  # not HV1: B's memory stays booked there until it has left
    ]


@pytest.mark.parametrize(
    ("used", "level", "moves"), [(75, 1, 0), (75, 2, 1), (65, 2, 0), (65, 3, 1), (85, 1, 1), (55, 3, 0)]
)
def test_the_level_sets_the_threshold(used: float, level: int, moves: int) -> None:
    """Low moves VMs off a host above 80 %, Medium above 70 %, High above 60 %."""
    loads = [node("HV1", used), node("HV2", 0)]
    vms = [Movable("A", "HV1", 10), Movable("B", "HV1", used - 10)]
    assert len(plan(loads, vms, level)) == moves


def test_vms_already_leaving_lower_the_pressure_but_not_the_room() -> None:
    loads = [node("HV1", 90), node("HV2", 70)]
    # 20 GB already leaving HV1: 70 % once it lands, under 80 % — nothing to do
    assert plan(loads, [Movable("A", "HV1", 10)], level=1, leaving={"HV1": 20}) == []
    # 20 GB leaving HV2 (on its way to HV1?) does not make room on HV2 for HV1's VMs yet
    assert plan(loads, [Movable("A", "HV1", 20)], level=1, leaving={"HV2": 20}) == []


def test_possible_owners_anti_affinity_and_down_nodes_are_honoured() -> None:
    loads = [node("HV1", 95), node("HV2", 0, aa=frozenset({"SQL"})), node("HV3", 0, state="Down"), node("HV4", 50)]
    vms = [Movable("SQL2", "HV1", 20, anti_affinity=frozenset({"SQL"})), Movable("X", "HV1", 30, frozenset({"HV1"}))]
    assert plan(loads, vms, level=1) == [Move("SQL2", "HV1", "HV4", 0.95, 0.7)]


def test_2012r2_has_no_vm_load_balancing() -> None:
    lab = load_lab(default_lab_path())
    from dataclasses import replace

    c = Cluster(replace(lab.spec, os="2012R2"))
    assert c.auto_balancer == (0, 1)
    with pytest.raises(ClusterError, match="2016"):
        c.set_auto_balancer(mode=2)
