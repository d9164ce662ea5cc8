"""VM load balancing / Node Fairness (2016+, §3.11): which running VMs to live-migrate where.

Pure planning over node loads, like :mod:`placement`. A node is over pressure when its VM memory
is above the AutoBalancerLevel threshold (1 Low: 80 %, 2 Medium: 70 %, 3 High: 60 % [S15]); the
most pressured nodes go first, each moving its largest VMs to the least pressured node that stays
at or under the threshold, honouring possible owners and anti-affinity [S15]. CPU is not
simulated, so memory pressure is the whole load here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .placement import NodeLoad

#: §3.11 AutoBalancerLevel → the host load above which VMs move.
THRESHOLDS: Final = {1: 0.80, 2: 0.70, 3: 0.60}
#: §3.11 AutoBalancerMode 2 (the default): balance on node join and every 30 minutes.
PERIOD_S: Final = 1800.0


@dataclass(frozen=True, slots=True)
class Movable:
    """A running VM role that may move: not migrating, its storage reachable."""

    group: str
    node: str
    memory_gb: float
    possible_owners: frozenset[str] | None = None
    anti_affinity: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Move:
    group: str
    source: str
    target: str
    source_pressure: float  # before this move, 0..1
    target_pressure: float  # after this move, 0..1


def over_threshold(loads: Sequence[NodeLoad], level: int, leaving: Mapping[str, float] | None = None) -> set[str]:
    """The Up nodes whose load, once the VMs already leaving them are gone, is above the threshold:
    the only nodes ``plan`` moves VMs from (a target never ends above it)."""
    threshold = THRESHOLDS[level]
    return {
        n.name
        for n in loads
        if n.state == "Up"
        and n.memory_total_gb > 0
        and (n.memory_used_gb - (leaving or {}).get(n.name, 0.0)) / n.memory_total_gb > threshold
    }


def plan(
    loads: Sequence[NodeLoad], movable: Sequence[Movable], level: int, leaving: Mapping[str, float] | None = None
) -> list[Move]:
    """The live migrations that bring every Up node under the threshold, as far as they fit.

    ``leaving``: GB per node of VMs already moving away. They make the node look less loaded
    (it is not over pressure because of them), but a target's room still counts them: a
    move in flight may fail and leave its VM where it was.
    """
    threshold = THRESHOLDS[level]
    up = [n for n in loads if n.state == "Up" and n.memory_total_gb > 0]
    booked = {n.name: n.memory_used_gb for n in up}  # what placement would refuse to exceed
    used = {n: booked[n] - (leaving or {}).get(n, 0.0) for n in booked}  # the load once moves land
    total = {n.name: n.memory_total_gb for n in up}
    aa = {n.name: set(n.anti_affinity) for n in up}

    def pressure(node: str) -> float:
        return used[node] / total[node]

    moves: list[Move] = []
    for source in sorted(used, key=lambda n: (-pressure(n), n)):
        if pressure(source) <= threshold:
            continue
        for vm in sorted((v for v in movable if v.node == source), key=lambda v: (-v.memory_gb, v.group)):
            if pressure(source) <= threshold:
                break
            targets = [
                t
                for t in used
                if t != source
                and (vm.possible_owners is None or t in vm.possible_owners)
                and not (vm.anti_affinity & aa[t])
                and (max(used[t], booked[t]) + vm.memory_gb) / total[t] <= threshold
            ]
            if not targets:
                continue
            target = min(targets, key=lambda t: (pressure(t), t))
            before = pressure(source)
            used[source] -= vm.memory_gb
            used[target] += vm.memory_gb
            booked[target] += vm.memory_gb
            aa[target] |= vm.anti_affinity
            moves.append(Move(vm.group, source, target, before, pressure(target)))
    return moves
