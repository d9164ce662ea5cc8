"""How the cost of a full Cluster-Aware Updating pass grows with the cluster.

    python benchmarks/scaling.py [--sizes 4,8,16,32,64] [--repeat 3] [--write docs/performance.md]

For each size (125 VMs per node, 16 CSVs) a fresh process builds the lab and runs one full CAU
pass headless (the same child as ``run.py``); the table gives the median wall time, the simpy
events processed, the simulated time and the peak memory. ``--write`` replaces the scaling
section of ``docs/performance.md`` (between its ``<!-- scaling -->`` markers) with the table and
writes ``docs/performance-scaling.svg``, a plot of wall time and events against nodes.
It prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import replace_section, run_child  # noqa: E402  (the benchmarks folder is not a package)


def measure(sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for nodes in sizes:
        runs = [run_child("cau", str(nodes), "125") for _ in range(repeat)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        rows.append(
            {
                "nodes": nodes,
                "vms": nodes * 125,
                "wall_s": med["wall_s"],
                "build_s": med["build_s"],
                "pass_s": med["pass_s"],
                "events": int(med["events"]),
                "sim_h": med["sim_s"] / 3600,
                "rss_mb": med["rss_mb"],
                "us_per_event": med["us_per_event"],
            }
        )
        print(
            f"{nodes:>3} nodes {nodes * 125:>5} VMs: {med['wall_s']:6.2f} s wall, {int(med['events']):>6} events, "
            f"{med['sim_s'] / 3600:5.1f} h simulated, {med['rss_mb']:5.0f} MB",
            flush=True,
        )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| nodes | VMs | wall (s) | build (s) | CAU pass (s) | simpy events | simulated (h) | µs / event "
        "| peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['nodes']} | {r['vms']} | {r['wall_s']:.2f} | {r['build_s']:.2f} | {r['pass_s']:.2f} | "
            f"{r['events']} | {r['sim_h']:.1f} | {r['us_per_event']:.0f} | {r['rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def svg(rows: list[dict[str, Any]]) -> str:
    """Two lines against nodes: wall time (left axis) and events (right axis), hand-drawn."""
    w, h, left, right, top, bottom = 640, 360, 60, 70, 30, 50
    pw, ph = w - left - right, h - top - bottom
    max_nodes = max(r["nodes"] for r in rows)
    max_wall = max(r["wall_s"] for r in rows) * 1.1 or 1
    max_events = max(r["events"] for r in rows) * 1.1 or 1

    def x(n: float) -> float:
        return left + pw * n / max_nodes

    def y(v: float, top_v: float) -> float:
        return top + ph * (1 - v / top_v)

    wall = " ".join(f"{x(r['nodes']):.1f},{y(r['wall_s'], max_wall):.1f}" for r in rows)
    events = " ".join(f"{x(r['nodes']):.1f},{y(r['events'], max_events):.1f}" for r in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-size="14">Full CAU pass: cost against cluster size '
        "(125 VMs per node)</text>",
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#1f77b4"/>',
        f'<line x1="{left + pw}" y1="{top}" x2="{left + pw}" y2="{top + ph}" stroke="#d62728"/>',
    ]
    for r in rows:
        parts.append(f'<text x="{x(r["nodes"]):.1f}" y="{top + ph + 16}" text-anchor="middle">{r["nodes"]}</text>')
    for i in range(5):
        v = max_wall * i / 4
        e = max_events * i / 4
        parts.append(
            f'<text x="{left - 6}" y="{y(v, max_wall) + 4:.1f}" text-anchor="end" fill="#1f77b4">{v:.1f}</text>'
        )
        parts.append(f'<text x="{left + pw + 6}" y="{y(e, max_events) + 4:.1f}" fill="#d62728">{e / 1000:.0f}k</text>')
    parts += [
        f'<text x="{left + pw / 2}" y="{h - 12}" text-anchor="middle">nodes</text>',
        f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" text-anchor="middle" '
        'fill="#1f77b4">wall time (s)</text>',
        f'<text x="{w - 12}" y="{top + ph / 2}" transform="rotate(90 {w - 12} {top + ph / 2})" '
        'text-anchor="middle" fill="#d62728">simpy events</text>',
        f'<polyline points="{wall}" fill="none" stroke="#1f77b4" stroke-width="2"/>',
        f'<polyline points="{events}" fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/>',
    ]
    for r in rows:
        parts.append(f'<circle cx="{x(r["nodes"]):.1f}" cy="{y(r["wall_s"], max_wall):.1f}" r="3" fill="#1f77b4"/>')
        parts.append(f'<circle cx="{x(r["nodes"]):.1f}" cy="{y(r["events"], max_events):.1f}" r="3" fill="#d62728"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write(doc: Path, rows: list[dict[str, Any]]) -> None:
    replace_section(doc, "scaling", table(rows))
    (doc.parent / "performance-scaling.svg").write_text(svg(rows), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", default="4,8,16,32,64", help="node counts, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (median)")
    ap.add_argument("--write", type=Path, help="update this performance page (and its SVG plot beside it)")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"scaling.py: --sizes wants node counts like 4,8,16, not {args.sizes!r}", file=sys.stderr)
        return 2
    if not sizes or any(not 2 <= n <= 64 for n in sizes) or args.repeat < 1:
        print("scaling.py: sizes must be 2 to 64 nodes (WSFC's limit) and --repeat at least 1", file=sys.stderr)
        return 2
    rows = measure(sizes, args.repeat)
    print(table(rows))
    if args.write:
        write(args.write, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
