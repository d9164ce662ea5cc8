"""Drain every node of a maximum-size cluster (64 nodes, 8,000 VMs, 16 CSVs) one after another.

Each node is drained (High/Medium VMs live-migrate, Low ones quick-migrate), then resumed with
failback; the figure is the wall time of the whole pass. Run: ``python benchmarks/drain.py
[--nodes 64] [--vms-per-node 125] [--json out.json]``. It prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time

from maxlab import build

from clusterlab.sim import Cluster


def drain_all(c: Cluster) -> None:
    for node in c.node_names():
        c.drain_node(node)
        while c.drain_status(node).value == "InProgress":
            nxt = c.next_event_time()
            if nxt is None:
                break
            c.run_until(nxt)
        c.resume_node(node, "Immediate")
        c.advance(600)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=64)
    ap.add_argument("--vms-per-node", type=int, default=125)
    ap.add_argument("--json")
    args = ap.parse_args()
    t0 = time.perf_counter()
    c = build(args.nodes, args.vms_per_node)
    built = time.perf_counter() - t0
    t1 = time.perf_counter()
    drain_all(c)
    drained = time.perf_counter() - t1
    result = {
        "nodes": args.nodes,
        "vms": args.nodes * args.vms_per_node,
        "build_s": round(built, 2),
        "drain_all_wall_s": round(drained, 2),
        "sim_s": round(c.now, 1),
        "events": len(c.events),
        "live_migrations": len(c.migrations()),
    }
    for k, v in result.items():
        print(f"{k:>18}: {v}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
