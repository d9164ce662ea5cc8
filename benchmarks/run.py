"""clusterlab's performance figures, against the targets of the performance issue.

    python benchmarks/run.py [--json out.json] [--quick] [--repeat N]

Each figure is the median of several runs (``--repeat``, default 3). The maximum-size Updating
Run and the TUI figures run in child processes of their own, so that peak memory and start-up
time are those of one fresh process. ``--quick`` measures a small variant of everything (8 nodes,
one run, a few labs) as a smoke check for CI; its numbers are not compared with the targets.
It prints a table and asserts nothing (never timed assertions in tests).

Figures:
  cau_max_scale_wall_s     build the 64-node, 8,000-VM, 16-CSV lab and run a full CAU pass headless
  cau_max_scale_events     simpy events that pass processed
  cau_max_scale_sim_s      simulated seconds it took
  cau_max_scale_rss_mb     peak resident memory of that process
  engine_overhead_ratio    wall time per simpy event of that pass / per event of a bare simpy loop
  replay_default_lab_ms    read and replay a journal of the default lab's first hour (50 commands)
  tui_start_s              process start to the TUI's first frame on the default lab (headless)
  tui_tick_max_scale_ms    one refresh tick of the TUI over the 64-node lab while VMs move (median, p95)
  labs_all_s               play every shipped lab with --check
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: name -> (target, "max" or "min"): a figure meets its target when it is at most (max) the value.
TARGETS: dict[str, float] = {
    "cau_max_scale_wall_s": 10.0,
    "cau_max_scale_rss_mb": 600.0,
    "engine_overhead_ratio": 5.0,
    "replay_default_lab_ms": 150.0,
    "tui_start_s": 1.5,
    "tui_tick_max_scale_ms_median": 25.0,
    "tui_tick_max_scale_ms_p95": 50.0,
    "labs_all_s": 10.0,
}


# --- measurements that run in a child process -------------------------------------------


def bare_simpy_us_per_event(events: int = 200_000) -> float:
    """Wall µs per event of a simpy loop that does nothing but time out."""
    import simpy

    env = simpy.Environment()

    def loop(env: simpy.Environment) -> Any:
        for _ in range(events):
            yield env.timeout(1)

    env.process(loop(env))
    t0 = time.perf_counter()
    env.run()
    return (time.perf_counter() - t0) / events * 1e6


def child_cau(nodes: int, per_node: int) -> dict[str, Any]:
    from maxlab import build, cau_pass

    t0 = time.perf_counter()
    c = build(nodes, per_node)
    built = time.perf_counter() - t0
    before = c.events_processed
    t1 = time.perf_counter()
    cau_pass(c)
    passed = time.perf_counter() - t1
    events = c.events_processed - before
    bare = statistics.median(bare_simpy_us_per_event() for _ in range(3))
    return {
        "wall_s": built + passed,
        "build_s": built,
        "pass_s": passed,
        "events": events,
        "sim_s": c.now,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "us_per_event": passed / max(events, 1) * 1e6,
        "bare_us_per_event": bare,
    }


def child_tui_start() -> dict[str, Any]:
    from clusterlab.tui import make_app

    async def main() -> None:
        app = make_app(paused=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            print("FIRST-FRAME", flush=True)

    asyncio.run(main())
    return {}


def child_tui_tick(nodes: int, per_node: int, ticks: int) -> dict[str, Any]:
    from maxlab import max_lab

    from clusterlab.tui import make_app

    samples: list[float] = []

    async def main() -> None:
        app = make_app(max_lab(nodes, per_node), paused=True, speed=60.0)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause()
            # VMs on the move: one node drains (live and quick migrations queue up), another is
            # stopped so its roles fail over; whenever the moves are over the next node drains,
            # so that every tick measured has VMs moving.
            app.run_cmdline("Suspend-ClusterNode -Name HV01 -Drain")
            app.run_cmdline("Stop-ClusterNode -Name HV02")
            await pilot.pause()
            draining, drained = "HV01", 1
            while len(samples) < ticks:
                if not app.running_migrations:
                    app.run_cmdline(f"Resume-ClusterNode -Name {draining}")
                    drained += 1
                    draining = f"HV{drained + 1:02d}"  # HV03, HV04, … (HV02 stays stopped)
                    app.run_cmdline(f"Suspend-ClusterNode -Name {draining} -Drain")
                    await pilot.pause()
                    continue
                t0 = time.perf_counter()
                app._advance()  # what the 10 Hz timer calls: advance 6 simulated s, update the views
                samples.append((time.perf_counter() - t0) * 1000)
                await pilot.pause()  # let Textual render between ticks, as it would
            samples.append(-drained)  # smuggled out: how many nodes were drained meanwhile

    asyncio.run(main())
    drained = -int(samples.pop())
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "ticks": len(ordered),
        "nodes_drained": drained,
    }


def run_child(kind: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child {kind} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- measurements in this process ----------------------------------------------------------


def replay_default_hour_ms(repeat: int) -> tuple[float, int]:
    from default_hour import COMMANDS, record

    from clusterlab.lab.journal import read_journal, replay

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "default-first-hour.journal"
        errors = record(path)
        if errors:
            raise RuntimeError("the recorded session had console errors:\n" + "\n".join(errors))
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            replayed = replay(read_journal(path))
            times.append((time.perf_counter() - t0) * 1000)
        assert replayed.cluster.now == 3600.0
    return statistics.median(times), len(COMMANDS)


def tui_start_s(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", "tui-start"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("FIRST-FRAME"):
                times.append(time.perf_counter() - t0)
                break
        _, err = proc.communicate()
        if proc.returncode != 0 or len(times) == 0:
            raise RuntimeError(f"TUI start child failed:\n{err[-3000:]}")
    return statistics.median(times)


def labs_all_s(limit: int | None) -> tuple[float, int, list[str]]:
    from clusterlab.lab import load_lab, resolve_lab
    from clusterlab.lab.loader import shipped_lab_ids
    from clusterlab.lab.player import Player

    ids = shipped_lab_ids()[:limit] if limit else shipped_lab_ids()
    failed = []
    t0 = time.perf_counter()
    for lab_id in ids:
        result = Player(load_lab(resolve_lab(lab_id)), emit=lambda _line: None).play()
        if not result.ok:
            failed.append(lab_id)
    return time.perf_counter() - t0, len(ids), failed


def labs_all_cli_s() -> float:
    """The same through the command line in one process, ``clusterlab play --check --all`` (what a
    lab author's script runs)."""
    exe = Path(sys.executable).with_name("clusterlab")
    t0 = time.perf_counter()
    subprocess.run([str(exe), "play", "--check", "--all"], capture_output=True, check=True)
    return time.perf_counter() - t0


def labs_each_cli_s() -> float:
    """One ``clusterlab play --check LAB`` process per lab: mostly interpreter start-up."""
    from clusterlab.lab.loader import shipped_lab_ids, shipped_labs_dir

    exe = Path(sys.executable).with_name("clusterlab")
    t0 = time.perf_counter()
    for lab_id in shipped_lab_ids():
        path = shipped_labs_dir() / f"{lab_id}.yaml"
        subprocess.run([str(exe), "play", "--check", str(path)], capture_output=True, check=True)
    return time.perf_counter() - t0


# --- the table -------------------------------------------------------------------------------


def measure(quick: bool, repeat: int) -> dict[str, Any]:
    nodes, per_node = (8, 125) if quick else (64, 125)
    runs = 1 if quick else repeat
    fig: dict[str, Any] = {}

    cau = [run_child("cau", str(nodes), str(per_node)) for _ in range(runs)]
    med = {k: statistics.median(r[k] for r in cau) for k in cau[0]}
    fig["cau_max_scale_wall_s"] = med["wall_s"]
    fig["cau_max_scale_build_s"] = med["build_s"]
    fig["cau_max_scale_pass_s"] = med["pass_s"]
    fig["cau_max_scale_events"] = int(med["events"])
    fig["cau_max_scale_sim_s"] = med["sim_s"]
    fig["cau_max_scale_rss_mb"] = med["rss_mb"]
    fig["engine_us_per_event"] = med["us_per_event"]
    fig["bare_simpy_us_per_event"] = med["bare_us_per_event"]
    fig["engine_overhead_ratio"] = statistics.median(r["us_per_event"] / r["bare_us_per_event"] for r in cau)

    fig["replay_default_lab_ms"], fig["replay_default_lab_commands"] = replay_default_hour_ms(3 if quick else 7)
    fig["tui_start_s"] = tui_start_s(1 if quick else repeat)

    tick = run_child("tui-tick", str(nodes), str(per_node), "20" if quick else "100")
    fig["tui_tick_max_scale_ms_median"] = tick["median_ms"]
    fig["tui_tick_max_scale_ms_p95"] = tick["p95_ms"]
    fig["tui_tick_max_scale_ticks"] = tick["ticks"]
    fig["tui_tick_nodes_drained"] = tick["nodes_drained"]

    fig["labs_all_s"], fig["labs_all_count"], failed = labs_all_s(5 if quick else None)
    fig["labs_all_failed"] = failed
    if not quick:
        fig["labs_all_cli_s"] = labs_all_cli_s()
        fig["labs_each_cli_s"] = labs_each_cli_s()
    return fig


def report(fig: dict[str, Any], quick: bool) -> str:
    lines = [f"{'figure':<34} {'value':>12}  {'target':>8}  ", "-" * 64]
    for name, value in fig.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        target = TARGETS.get(name)
        if target is None:
            lines.append(f"{name:<34} {shown:>12}")
            continue
        verdict = "(quick: not compared)" if quick else ("met" if value <= target else "MISSED")
        lines.append(f"{name:<34} {shown:>12}  ≤ {target:<6g}  {verdict}")
    return "\n".join(lines)


def figures_markdown(fig: dict[str, Any], machine: dict[str, Any], repeat: int) -> str:
    """The figures section of docs/performance.md."""
    rows = [
        (
            "cau_max_scale_wall_s",
            "build the 64-node lab + a full CAU pass",
            f"{fig['cau_max_scale_wall_s']:.2f} s (build {fig['cau_max_scale_build_s']:.2f} s, "
            f"pass {fig['cau_max_scale_pass_s']:.2f} s)",
        ),
        ("cau_max_scale_events", "simpy events of that pass", f"{fig['cau_max_scale_events']:,}"),
        (
            "cau_max_scale_sim_s",
            "simulated time of that pass",
            f"{fig['cau_max_scale_sim_s']:,.0f} s ({fig['cau_max_scale_sim_s'] / 3600:.1f} h)",
        ),
        ("cau_max_scale_rss_mb", "peak resident memory of that process", f"{fig['cau_max_scale_rss_mb']:.0f} MB"),
        (
            "engine_overhead_ratio",
            "µs per event of that pass / of a bare simpy loop",
            f"{fig['engine_overhead_ratio']:.0f} ({fig['engine_us_per_event']:.0f} µs / "
            f"{fig['bare_simpy_us_per_event']:.2f} µs)",
        ),
        (
            "replay_default_lab_ms",
            "read + replay the default lab's first hour (50 commands)",
            f"{fig['replay_default_lab_ms']:.1f} ms",
        ),
        ("tui_start_s", "process start → first frame of the cockpit (headless)", f"{fig['tui_start_s']:.2f} s"),
        (
            "tui_tick_max_scale_ms_median",
            "one tick over 64×125 while nodes drain and a stopped node's roles fail over",
            f"{fig['tui_tick_max_scale_ms_median']:.1f} ms ({fig['tui_tick_max_scale_ticks']} ticks at 60×)",
        ),
        ("tui_tick_max_scale_ms_p95", "the same, 95th percentile", f"{fig['tui_tick_max_scale_ms_p95']:.1f} ms"),
        (
            "labs_all_s",
            f"play all {fig['labs_all_count']} shipped labs with --check, in one process",
            f"{fig['labs_all_s']:.2f} s ({len(fig['labs_all_failed'])} failed)",
        ),
        (
            "labs_all_cli_s",
            "the same from the command line: `clusterlab play --check --all`",
            f"{fig.get('labs_all_cli_s', 0.0):.2f} s",
        ),
        (
            "labs_each_cli_s",
            "one `clusterlab play --check LAB` process per lab",
            f"{fig.get('labs_each_cli_s', 0.0):.1f} s",
        ),
    ]
    lines = [
        f"Measured with `benchmarks/run.py --write docs/performance.md` (median of {repeat} runs): "
        f"{machine['cpus']} cores, Python {machine['python']}, {machine['platform']}.",
        "",
        "| figure | what | value | target | |",
        "|---|---|---:|---|---|",
    ]
    for name, what, value in rows:
        target = TARGETS.get(name)
        verdict = "" if target is None else ("met" if fig[name] <= target else "**missed**")
        lines.append(f"| `{name}` | {what} | {value} | {'' if target is None else f'≤ {target:g}'} | {verdict} |")
    return "\n".join(lines)


def replace_section(doc: Path, name: str, text: str) -> None:
    """Put ``text`` between the page's ``<!-- name -->`` and ``<!-- /name -->`` markers."""
    begin, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    page = doc.read_text(encoding="utf-8")
    if begin not in page or end not in page:
        raise SystemExit(f"{doc}: no {begin} … {end} section to replace")
    head, rest = page.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    ap.add_argument("--quick", action="store_true", help="a small variant of everything (CI smoke)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median); default 3")
    ap.add_argument("--write", type=Path, help="replace the figures section of this page (docs/performance.md)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "cau":
            print(json.dumps(child_cau(int(rest[0]), int(rest[1]))))
        elif kind == "tui-start":
            child_tui_start()
        elif kind == "tui-tick":
            print(json.dumps(child_tui_tick(int(rest[0]), int(rest[1]), int(rest[2]))))
        return 0
    if args.repeat < 1:
        print("run.py: --repeat must be at least 1", file=sys.stderr)
        return 2
    fig = measure(args.quick, args.repeat)
    print(report(fig, args.quick))
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    if args.write and not args.quick:
        replace_section(args.write, "figures", figures_markdown(fig, machine, args.repeat))
    if args.json:
        doc = {
            "quick": args.quick,
            "machine": machine,
            "targets": TARGETS,
            "figures": fig,
            "met": {k: fig[k] <= t for k, t in TARGETS.items()} if not args.quick else None,
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 1 if fig["labs_all_failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
