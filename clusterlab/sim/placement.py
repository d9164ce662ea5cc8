"""Choosing a node for a role: a pure function over a snapshot that explains itself.

The walk follows §3.6–§3.10 in the order WSFC applies them (architecture.md: possible
owners → preferred order → anti-affinity → memory → priority):

* node list = preferred owners in order, then the other nodes in node-ID order (§3.6);
  with no preferred owners, 2012+ placement is memory-aware and prefers the node owning the
  fewest roles (§3.7 ⚠: we follow the "fewest groups" reading [S37] plus the memory filter of
  2012+ [S25][S38] rather than KB 299631's random choice, which is a 2008 R2 behaviour);
* a failover goes to the node *after* the current owner in that list; a manual move to the
  best possible node starts from the top (§3.6);
* nodes that are not possible owners are never used (§3.6);
* nodes hosting an anti-affined role are skipped; if only such nodes remain, anti-affinity is
  ignored unless ClusterEnforcedAntiAffinity = 1 (§3.10);
* a node without enough free memory is skipped; if no node fits, lower-priority roles are
  preempted (event 1251) subject to MinimumPreemptorPriority / MinimumNeverPreemptPriority
  (§3.9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from .profiles import MINIMUM_NEVER_PREEMPT_PRIORITY, MINIMUM_PREEMPTOR_PRIORITY
from .spec import Priority


class Mode(StrEnum):
    FAILOVER = "failover"  # next in list after the current owner
    BEST = "best"  # top of the list (manual move without -Node, start, restart later)
    TARGET = "target"  # an explicit destination (Move-ClusterGroup -Node)


class Victim(NamedTuple):
    """A running role placement may preempt (a tuple: the book builds thousands per round)."""

    group: str
    priority: int
    memory_gb: float


@dataclass(frozen=True, slots=True)
class NodeLoad:
    name: str
    id: int
    state: str  # Up / Down / Paused / Joining …
    memory_total_gb: float
    memory_used_gb: float
    group_count: int
    anti_affinity: frozenset[str] = frozenset()
    anti_affinity_hosts: tuple[tuple[str, str], ...] = ()  # (class, group) pairs for explanations
    victims: tuple[Victim, ...] = ()  # running roles that could be preempted
    site: str | None = None  # §1.7 fault domain (2016+ site awareness)

    @property
    def free_gb(self) -> float:
        return self.memory_total_gb - self.memory_used_gb


@dataclass(frozen=True, slots=True)
class Request:
    group: str
    memory_gb: float
    priority: int
    preferred_owners: tuple[str, ...] = ()
    possible_owners: frozenset[str] | None = None  # None = every node
    anti_affinity: frozenset[str] = frozenset()
    current_owner: str | None = None
    mode: Mode = Mode.BEST
    target: str | None = None
    enforced_anti_affinity: bool = False
    exclude: frozenset[str] = frozenset()  # nodes this attempt must not use (e.g. the one that failed it)
    allow_preempt: bool = True  # administrator moves never preempt; failovers and starts may (§3.9)
    start: bool = True  # will the role be started there (needs memory)? NoAutoStart roles only move
    #: 2016+ site awareness (§1.7 [S66]): the group's PreferredSite, else the cluster's
    preferred_site: str | None = None
    #: 2016+ failover affinity: a failover stays in the failing node's site when it can
    source_site: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    node: str | None
    order: tuple[str, ...]
    reasons: tuple[str, ...]
    preempt: tuple[Victim, ...] = field(default=())
    anti_affinity_conflict: bool = False


def _gb(x: float) -> str:
    return f"{x:g} GB"


def node_list(request: Request, nodes: Sequence[NodeLoad]) -> tuple[list[NodeLoad], str]:
    """The ordered node list the walk uses, and a sentence saying how it was built."""
    by_name = {n.name: n for n in nodes}
    by_id = sorted(nodes, key=lambda n: n.id)
    preferred = [by_name[p] for p in request.preferred_owners if p in by_name]
    if preferred:
        rest = [n for n in by_id if n.name not in request.preferred_owners]
        order = preferred + rest
        how = (
            "node list: preferred owners "
            + ", ".join(n.name for n in preferred)
            + (", then " + ", ".join(n.name for n in rest) + " in node-ID order" if rest else "")
        )
        if request.mode is Mode.FAILOVER and request.current_owner in by_name:
            i = [n.name for n in order].index(request.current_owner)
            order = order[i + 1 :] + order[: i + 1]
            how += f"; failover starts after the current owner {request.current_owner} (next in list)"
        return order, how
    order = sorted(nodes, key=lambda n: (_site_rank(request, n), n.group_count, n.id))
    how = (
        "no preferred owners: nodes ordered by fewest roles ("
        + ", ".join(f"{n.name} {n.group_count}" for n in order)
        + ")"
    )
    if request.preferred_site or request.source_site:
        firsts = [f"preferred site {request.preferred_site}"] if request.preferred_site else []
        if request.source_site and request.source_site != request.preferred_site:
            firsts.append(f"the failing node's site {request.source_site}")
        how = "site awareness: nodes in " + ", then ".join(firsts) + " first; " + how
    return order, how


def _site_rank(request: Request, n: NodeLoad) -> int:
    """§1.7 [S66]: the preferred site (group's, else cluster's) first, then the site the role is
    failing over from (failover affinity), then the rest."""
    if request.preferred_site and n.site == request.preferred_site:
        return 0
    if request.source_site and n.site == request.source_site:
        return 1
    return 2


def place(request: Request, nodes: Sequence[NodeLoad]) -> Result:
    """Choose a node for ``request``; never raises, explains every rule that mattered."""
    reasons: list[str] = []
    if request.mode is Mode.TARGET:
        return _place_target(request, nodes)
    order, how = node_list(request, nodes)
    reasons.append(how)
    names = tuple(n.name for n in order)

    cands = list(order)
    if request.possible_owners is not None:
        not_possible = [n.name for n in cands if n.name not in request.possible_owners]
        if not_possible:
            reasons.append("not possible owners (skipped): " + ", ".join(not_possible))
        cands = [n for n in cands if n.name in request.possible_owners]

    unavailable = [f"{n.name} ({n.state})" for n in cands if n.state != "Up"]
    if unavailable:
        reasons.append("cannot host roles now: " + ", ".join(unavailable))
    cands = [n for n in cands if n.state == "Up"]
    excluded = [n.name for n in cands if n.name in request.exclude]
    if excluded:
        reasons.append("not a destination for this move: " + ", ".join(excluded))
    cands = [n for n in cands if n.name not in request.exclude]
    if not cands:
        reasons.append("no node can host the role")
        return Result(None, names, tuple(reasons))

    clear: list[NodeLoad] = []
    conflicted: list[NodeLoad] = []
    for n in cands:
        hit = sorted({g for cls, g in n.anti_affinity_hosts if cls in request.anti_affinity})
        (conflicted if hit else clear).append(n)
        if hit:
            reasons.append(f"anti-affinity: {n.name} hosts {', '.join(hit)} (same AntiAffinityClassNames)")

    starting = request.start
    need = request.memory_gb if starting else 0.0

    def fits(n: NodeLoad) -> bool:
        return n.free_gb >= need

    tiers: list[tuple[list[NodeLoad], str | None]] = [(clear, None)]
    if conflicted:
        if request.enforced_anti_affinity:
            if not clear:
                reasons.append(
                    "ClusterEnforcedAntiAffinity = 1: only anti-affined nodes remain, the role stays offline"
                )
        else:
            tiers.append((conflicted, "anti-affinity overridden: no other node could take the role"))

    for tier, note in tiers:
        for n in tier:
            if fits(n):
                if note:
                    reasons.append(note)
                reasons.append(f"chose {n.name} ({_gb(n.free_gb)} free, needs {_gb(need)})")
                return Result(n.name, names, tuple(reasons))
            reasons.append(f"memory: {n.name} has {_gb(n.free_gb)} free, needs {_gb(need)}")

    # §3.9 preemption: only a role at or above MinimumPreemptorPriority, only victims below
    # both its priority and MinimumNeverPreemptPriority.
    if starting and request.allow_preempt and request.priority >= MINIMUM_PREEMPTOR_PRIORITY:
        for tier, note in tiers:
            for n in tier:
                victims = sorted(
                    (
                        v
                        for v in n.victims
                        if v.priority < request.priority and v.priority < MINIMUM_NEVER_PREEMPT_PRIORITY
                    ),
                    key=lambda v: (v.priority, -v.memory_gb, v.group),
                )
                freed, chosen = n.free_gb, []
                for v in victims:
                    if freed >= need:
                        break
                    chosen.append(v)
                    freed += v.memory_gb
                if freed >= need and chosen:
                    if note:
                        reasons.append(note)
                    reasons.append(
                        f"preempted lower-priority roles on {n.name}: "
                        + ", ".join(
                            f"{v.group} ({Priority.from_number(v.priority).value}, {_gb(v.memory_gb)})" for v in chosen
                        )
                    )
                    reasons.append(f"chose {n.name}")
                    return Result(n.name, names, tuple(reasons), tuple(chosen))
        reasons.append("no lower-priority role could be preempted to make room")
    conflict = bool(conflicted) and request.enforced_anti_affinity and not clear
    return Result(None, names, tuple(reasons), anti_affinity_conflict=conflict)


def _place_target(request: Request, nodes: Sequence[NodeLoad]) -> Result:
    by_name = {n.name: n for n in nodes}
    target = by_name.get(request.target or "")
    names = tuple(n.name for n in nodes)
    if target is None:
        return Result(None, names, (f"node '{request.target}' is not a cluster node",))
    if request.possible_owners is not None and target.name not in request.possible_owners:
        return Result(None, names, (f"{target.name} is not a possible owner of the role's resources",))
    if target.state != "Up":
        return Result(None, names, (f"{target.name} is {target.state} and cannot host roles",))
    need = request.memory_gb if request.start else 0.0
    if target.free_gb < need:
        return Result(None, names, (f"memory: {target.name} has {_gb(target.free_gb)} free, needs {_gb(need)}",))
    reasons = [f"moved by the administrator to {target.name}"]
    hit = sorted({g for cls, g in target.anti_affinity_hosts if cls in request.anti_affinity})
    if hit:
        reasons.append(f"anti-affinity: {target.name} hosts {', '.join(hit)}; an explicit move overrides it")
    return Result(target.name, names, tuple(reasons))
