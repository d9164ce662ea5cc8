"""Detail screens' content: a node, a VM, a CSV or a CAU run, as lines of toned text.

Pure functions over snapshots and the cluster's public records (no Textual): the VM's state
history (:meth:`Cluster.vm_history`), its live and storage migrations, the events about a node,
the last Updating Run. ``at`` turns a simulated time into the clock text the cockpit shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from clusterlab.sim import (
    CauRunSnapshot,
    ClusterEvent,
    ClusterSnapshot,
    MigrationSnapshot,
    VmState,
    VmStateChange,
)
from clusterlab.tui.actions import io_of
from clusterlab.tui.rows import LEVEL_TONE, Cell, Tone, format_elapsed

Clock = Callable[[float], str]

#: Lines of history a detail screen shows (the newest).
HISTORY_LINES = 20

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Detail:
    kind: str  # node / vm / csv / cau
    name: str
    title: str
    lines: tuple[Cell, ...]


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return format_elapsed(seconds)


def _heading(text: str) -> Cell:
    return Cell(text, Tone.STRONG)


def _recent(
    title: str, noun: str, items: Sequence[T], render: Callable[[Sequence[T]], list[Cell]], empty: str
) -> list[Cell]:
    """A heading with the count, then the last HISTORY_LINES items (``render`` gets that tail)."""
    shown = min(len(items), HISTORY_LINES)
    count = f"{len(items)} {noun if len(items) != 1 else noun.removesuffix('s')}"
    lines = [_heading(f"{title} ({count}, the last {shown})" if len(items) > shown else f"{title} ({count})")]
    lines.extend(render(items[-HISTORY_LINES:]) if items else [Cell(f"  {empty}", Tone.MUTED)])
    return lines


def _kv(key: str, value: str, tone: Tone = Tone.NORMAL) -> Cell:
    return Cell(f"  {key:<16} {value}", tone)


def node_detail(
    snap: ClusterSnapshot,
    name: str,
    events: Sequence[ClusterEvent],
    cau: CauRunSnapshot | None,
    at: Clock,
) -> Detail:
    """State, votes, memory, roles, CSVs it coordinates, updates, and the events about it."""
    n = snap.node(name)
    lines = [
        _heading("Node"),
        _kv("State", f"{n.state} · ClusSvc {n.clussvc} · {'powered on' if n.powered_on else 'powered off'}"),
        _kv("Drain", str(n.drain_status)),
        _kv("Votes", f"NodeWeight {n.node_weight} · DynamicWeight {n.dynamic_weight}"),
        _kv("Memory", f"{n.memory_used_gb:g} of {n.memory_total_gb:g} GB used"),
        _kv("Release", n.os or snap.os),
    ]
    if n.site:
        lines.append(_kv("Site", n.site))
    lines.append(_kv("Switch uplinks", "lost: " + ", ".join(n.switches_down) if n.switches_down else "up"))
    owned = [g for g in snap.groups if g.owner == name]
    lines.append(_heading(f"Roles ({len(owned)})"))
    for g in owned:
        lines.append(Cell(f"  {g.name:<20} {g.state}" + (f" · {g.status}" if g.status else "")))
    if not owned:
        lines.append(Cell("  none", Tone.MUTED))
    lines.append(_heading("CSVs it coordinates"))
    lines.append(
        Cell("  " + (", ".join(n.csvs_coordinated) or "none"), Tone.NORMAL if n.csvs_coordinated else Tone.MUTED)
    )
    lines.append(_heading("Updates (CAU)"))
    lines.append(_kv("Pending", str(n.pending_updates)))
    result = next((r for r in cau.nodes if r.node == name), None) if cau is not None else None
    if result is not None and cau is not None:
        lines.append(_kv(f"Run {cau.run_id[:8]}", f"{result.status} · {len(result.installed)} installed"))
        if result.error:
            lines.append(_kv("Error", result.error, Tone.BAD))
    elif n.update_phase:
        lines.append(_kv("Phase", n.update_phase))
    about = [e for e in events if e.fields.get("node") == name or e.source == name]
    lines += _recent(
        "History", "events", about, lambda es: [_event_line(e, at) for e in es], "nothing has happened to it yet"
    )
    return Detail("node", name, f"Node {name}", tuple(lines))


def _event_line(e: ClusterEvent, at: Clock) -> Cell:
    first = e.message.split(". ")[0]
    return Cell(f"  {at(e.time)}  {e.display_id:>4}  {first}", LEVEL_TONE.get(e.level, Tone.NORMAL))


def state_history_lines(history: Sequence[VmStateChange], now: float, at: Clock) -> list[Cell]:
    """One line per change: when, the state, the host, and how long it stayed."""
    lines = []
    for i, h in enumerate(history):
        until = history[i + 1].time if i + 1 < len(history) else now
        tone = Tone.GOOD if h.state is VmState.RUNNING else Tone.WARN
        if h.state in (VmState.OFF, VmState.PAUSED_CRITICAL):
            tone = Tone.BAD
        still = "" if i + 1 < len(history) else " (now)"
        lines.append(Cell(f"  {at(h.time)}  {h.state!s:<15} on {h.host:<6} {_duration(until - h.time)}{still}", tone))
    return lines


def migration_line(m: MigrationSnapshot, at: Clock) -> Cell:
    took = ""
    if m.started is not None and m.finished is not None:
        took = f" · took {_duration(m.finished - m.started)}"
    elif m.started is not None:
        took = " · running"
    when = at(m.started if m.started is not None else m.requested)
    tone = {"Done": Tone.GOOD, "Canceled": Tone.WARN, "Failure": Tone.BAD}.get(m.state, Tone.INFO)
    passes = f" · {m.passes} pass{'' if m.passes == 1 else 'es'}" if m.kind == "Live" and m.passes else ""
    why = f" · {m.failure}" if m.failure else ""
    return Cell(f"  {when}  {m.kind:<7} {m.source} → {m.target}  {m.state}{took}{passes}{why}", tone)


def vm_detail(
    snap: ClusterSnapshot,
    name: str,
    history: Sequence[VmStateChange],
    migrations: Sequence[MigrationSnapshot],
    at: Clock,
) -> Detail:
    """State, host, total downtime, its state history and its migrations with their durations."""
    vm = snap.vm(name)
    down = vm.downtime_at(snap.time)
    lines = [
        _heading("Virtual machine"),
        _kv("State", f"{vm.state} on {vm.host}" + (" · unmonitored" if vm.unmonitored else "")),
        _kv("Memory", f"{vm.memory_gb:g} GB · CSV {vm.csv or '-'}"),
        _kv("Uptime", _duration(vm.uptime_at(snap.time))),
        _kv("Total downtime", _duration(down), Tone.WARN if down >= 1 else Tone.GOOD),
        _kv("Restarts", f"{vm.restarts} cold start(s) after an outage"),
        _kv("Migrations", str(vm.migrations)),
    ]
    try:
        g = snap.group(name)
    except KeyError:
        g = None
    if g is not None:
        lines.append(_kv("Role", f"{g.state} · priority {g.priority_name} · {g.failover_count} failover(s)"))
    # (the tail renders as the tail of the whole: each line's duration runs to the next change)
    lines += _recent("State history", "changes", history, lambda hs: state_history_lines(hs, snap.time, at), "none")
    mine = [m for m in migrations if m.vm == name]
    lines += _recent(
        "Live and storage migrations", "migrations", mine, lambda ms: [migration_line(m, at) for m in ms], "none yet"
    )
    return Detail("vm", name, f"VM {name}", tuple(lines))


def csv_detail(snap: ClusterSnapshot, name: str) -> Detail:
    """Coordinator, each node's I/O mode and why, the VMs on it."""
    csv = next(c for c in snap.csvs if c.name == name)
    flags = [f for f, on in (("redirected access", csv.redirected), ("maintenance", csv.maintenance)) if on]
    lines = [
        _heading("Cluster Shared Volume"),
        _kv("State", csv.state + (" · " + ", ".join(flags) if flags else ""), Tone.NORMAL),
        _kv("Coordinator", csv.owner or "-"),
        _kv("Size", f"{csv.size_gb:g} GB"),
        _heading("I/O per node"),
    ]
    for node in snap.nodes:
        mode, reason = io_of(csv, node.name)
        tone = Tone.GOOD if mode == "Direct" else Tone.MUTED if mode == "Unavailable" else Tone.WARN
        mark = " ★" if node.name == csv.owner else ""
        lines.append(Cell(f"  {node.name + mark:<10} {mode:<22} {reason}", tone))
    vms = {v.name: v for v in snap.vms}
    lines.append(_heading(f"VMs on it ({len(csv.vms)})"))
    for vm_name in csv.vms:
        v = vms.get(vm_name)
        lines.append(Cell(f"  {vm_name:<12} {v.state!s:<15} on {v.host}" if v else f"  {vm_name}"))
    if not csv.vms:
        lines.append(Cell("  none", Tone.MUTED))
    return Detail("csv", name, f"CSV {name}", tuple(lines))


def cau_detail(run: CauRunSnapshot, now: float, at: Clock) -> Detail:
    """Each node's phases with their times, and the run's result."""
    took = _duration((run.finished if run.finished is not None else now) - run.started)
    tone = {"Succeeded": Tone.GOOD, "Failed": Tone.BAD, "Cancelled": Tone.WARN}.get(run.status, Tone.INFO)
    lines = [
        _heading("Updating Run"),
        _kv("Result", f"{run.status} · {run.nodes_updated} of {len(run.nodes)} nodes updated", tone),
        _kv("Started", f"{at(run.started)} · {took}" + ("" if run.finished is not None else " so far")),
        _kv("Mode", f"{run.mode} · coordinator {run.coordinator}"),
    ]
    if run.error:
        lines.append(_kv("Error", run.error, Tone.BAD))
    if run.locked:
        lines.append(_kv("Locked", "Invoke-CauRun -ForceRecovery unlocks the cluster", Tone.BAD))
    for n in run.nodes:
        n_tone = {"Succeeded": Tone.GOOD, "Failed": Tone.BAD, "Skipped": Tone.MUTED}.get(n.status, Tone.INFO)
        installed = f" · {len(n.installed)} of {len(n.updates)} updates" if n.updates else " · no updates"
        lines.append(Cell(f"{n.node}: {n.status}{installed}", Tone.STRONG if n_tone is Tone.INFO else n_tone))
        for i, (t, phase) in enumerate(n.timeline):
            end = n.timeline[i + 1][0] if i + 1 < len(n.timeline) else None
            length = f" {_duration(end - t)}" if end is not None else ""
            lines.append(Cell(f"  {at(t)}  {phase:<16}{length}", Tone.NORMAL))
        if n.error:
            lines.append(Cell(f"  {n.error}", Tone.BAD))
    return Detail("cau", run.run_id, f"Updating Run {run.run_id[:8]}", tuple(lines))


def elapsed_clock(start_text: Callable[[float], str]) -> Clock:
    """``09:00:25 (T+00:00:25)``: the calendar time and the time since the lab started."""
    return lambda t: f"{start_text(t)} T+{format_elapsed(t)}"
