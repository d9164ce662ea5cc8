"""The maximum-size cluster the benchmarks use: 64 nodes, 125 VMs each (8,000), 16 CSVs.

Shared by ``run.py``, ``scaling.py``, ``drain.py`` and ``soak``-style scripts so every figure is
about the same cluster. Each node has 1 TiB of memory and 125 VMs of 4 GB (about half full, so
a drained node's VMs fit on the others); priorities cycle High, Medium, Medium, Low.
"""

from __future__ import annotations

from clusterlab.lab import Lab
from clusterlab.sim import Cluster, ClusterSpec, CsvSpec, NetworkRole, NetworkSpec, NodeSpec, Priority, VmSpec
from clusterlab.sim.cau import CauOptions

CSV_COUNT = 16


def max_spec(nodes: int = 64, per_node: int = 125) -> ClusterSpec:
    names = [f"HV{i:02d}" for i in range(1, nodes + 1)]
    csvs = tuple(CsvSpec(f"CSV{i:02d}", 16384) for i in range(1, CSV_COUNT + 1))
    priorities = (Priority.HIGH, Priority.MEDIUM, Priority.MEDIUM, Priority.LOW)
    vms = []
    for n, node in enumerate(names):
        for j in range(per_node):
            k = n * per_node + j
            vms.append(
                VmSpec(
                    f"VM{k + 1:05d}",
                    memory_gb=4,
                    owner=node,
                    csv=csvs[k % CSV_COUNT].name,
                    priority=priorities[k % len(priorities)],
                )
            )
    return ClusterSpec(
        nodes=tuple(NodeSpec(n, memory_gb=1024) for n in names),
        networks=(NetworkSpec("Management"), NetworkSpec("LM", NetworkRole.CLUSTER, live_migration=True, gbps=25)),
        csvs=csvs,
        vms=tuple(vms),
    )


def max_lab(nodes: int = 64, per_node: int = 125) -> Lab:
    return Lab(
        id=f"max-scale-{nodes}x{per_node}",
        title=f"{nodes} nodes, {nodes * per_node} VMs",
        summary="The benchmarks' maximum-size cluster.",
        objectives=(),
        spec=max_spec(nodes, per_node),
    )


def build(nodes: int = 64, per_node: int = 125) -> Cluster:
    return Cluster(max_spec(nodes, per_node))


def cau_pass(c: Cluster) -> None:
    """One full Updating Run with the default options (every node drained, updated, restarted,
    resumed with failback), jumping from event to event."""
    c.cau.start(CauOptions())
    while c.cau.current is not None:
        nxt = c.next_event_time()
        if nxt is None:
            break
        c.run_until(nxt)
    last = c.cau.last()
    if last is None or last.status != "Succeeded":
        raise RuntimeError(f"the Updating Run did not succeed: {last.status if last else 'no run'}")
