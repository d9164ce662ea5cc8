"""Small cluster builders so tests read like the lab a learner would run."""

from __future__ import annotations

from collections.abc import Sequence

from clusterlab.sim import (
    Cluster,
    ClusterSpec,
    CsvSpec,
    NodeSpec,
    QuorumSpec,
    VmSpec,
    WitnessSpec,
    WitnessType,
)

#: §2.2: 2019/2022 detect a dead node after 20 × 1 s; one second more is "after detection".
DETECT = 21.0


def names(n: int) -> list[str]:
    return [f"HV{i:02d}" for i in range(1, n + 1)]


def build(
    nodes: int | Sequence[str] = 4,
    *,
    witness: str = "None",
    os: str = "2022",
    seed: int = 0,
    dynamic: bool = True,
    lower: str | None = None,
    vms: Sequence[VmSpec] = (),
    memory_gb: float = 256.0,
    weights: dict[str, int] | None = None,
    sites: dict[str, str] | None = None,
    enforced_anti_affinity: bool = False,
    resiliency_period: int | None = 0,
) -> Cluster:
    """``resiliency_period``: 2016+ ResiliencyDefaultPeriod. The §3 tests want failover right after
    detection, so it is 0 unless a test asks for a value, or None for the product default (§7.3)."""
    node_names = names(nodes) if isinstance(nodes, int) else list(nodes)
    weights = weights or {}
    sites = sites or {}
    path = {"FileShare": r"\\FS01\Witness", "Disk": "Cluster Disk 1", "Cloud": "clusterlabwitness"}.get(witness)
    spec = ClusterSpec(
        name="HVCLUS",
        os=os,
        seed=seed,
        nodes=tuple(
            NodeSpec(n, memory_gb=memory_gb, node_weight=weights.get(n, 1), site=sites.get(n)) for n in node_names
        ),
        quorum=QuorumSpec(
            WitnessSpec(WitnessType(witness), path), dynamic_quorum=dynamic, lower_quorum_priority_node=lower
        ),
        csvs=(CsvSpec("CSV1"),),
        vms=tuple(vms),
        enforced_anti_affinity=enforced_anti_affinity,
    )
    c = Cluster(spec)
    if resiliency_period is not None and c.profile.compute_resiliency:
        c.set_resiliency("ResiliencyDefaultPeriod", resiliency_period)
    return c


def crash(c: Cluster, *nodes: str, settle: float = DETECT) -> None:
    """Power off the nodes at the same instant, then let the survivors notice."""
    for n in nodes:
        c.crash_node(n)
    c.advance(settle)


def quorum_up(c: Cluster) -> bool:
    return c.quorum().state == "Up"


def event_ids(c: Cluster) -> list[int]:
    return [e.event_id for e in c.events if e.event_id is not None]


def count(c: Cluster, event_id: int, source: str | None = None) -> int:
    return sum(1 for e in c.events if e.event_id == event_id and (source is None or e.source == source))


def voters(c: Cluster) -> list[str]:
    """Nodes whose vote is in force now."""
    return [n.name for n in c.snapshot().nodes if n.dynamic_weight == 1]


def non_voters(c: Cluster) -> list[str]:
    return [n.name for n in c.snapshot().nodes if n.dynamic_weight == 0 and n.state.value == "Up"]
