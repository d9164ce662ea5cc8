"""A CAU Updating Run -> the CAU view: one row per node (phase, updates, timeline) and a summary line.

Pure functions over :class:`CauRunSnapshot` (no Textual), like :mod:`clusterlab.tui.rows`.
"""

from __future__ import annotations

from clusterlab.sim import CalendarClock, CauNodeResult, CauRunSnapshot
from clusterlab.tui.rows import Cell, Row, Tone, format_elapsed

CAU_COLUMNS: tuple[tuple[str, str], ...] = (
    ("node", "Node"),
    ("phase", "Phase"),
    ("updates", "Updates"),
    ("since", "Since"),
    ("steps", "Scan Drain Inst Boot Resume"),
    ("result", "Result"),
)

#: The per-node steps of §8.1 in order, and the phases that belong to each.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("scan", ("Scanning", "Staging")),
    ("drain", ("PreUpdateScript", "Suspending")),
    ("install", ("Installing",)),
    ("restart", ("Restarting",)),
    ("resume", ("Resuming", "PostUpdateScript")),
)

#: Each mark sits under its word in the column title "Scan Drain Inst Boot Resume".
STEP_WIDTHS: tuple[int, ...] = (5, 6, 5, 5, 6)

_PHASE_TONE = {
    "Succeeded": Tone.GOOD,
    "Failed": Tone.BAD,
    "Skipped": Tone.MUTED,
    "Waiting": Tone.MUTED,
}

CAU_HINT = (
    "No Updating Run yet. U starts one (Invoke-CauRun -Force -Wait 0); Invoke-CauScan lists each node's "
    "pending updates; Add-CauClusterRole schedules self-updating runs."
)


def _steps_cell(n: CauNodeResult) -> Cell:
    """``■    ■     ▶    ·    ·``: the §8.1 steps the node has been through, under the column's words."""
    seen = {status for _, status in n.timeline}
    marks = []
    for (_word, phases), width in zip(STEPS, STEP_WIDTHS, strict=True):
        mark = "▶" if n.status in phases else "■" if seen & set(phases) else "·"
        marks.append(mark.ljust(width))
    tone = _PHASE_TONE.get(n.status, Tone.INFO)
    return Cell("".join(marks).rstrip(), tone)


def cau_row(n: CauNodeResult, clock: CalendarClock) -> Row:
    since = next((t for t, s in reversed(n.timeline) if s == n.status), None)
    found = len(n.updates)
    updates = f"{len(n.installed)}/{found}" if found else "-"
    if n.failed_updates:
        updates += f" ({len(n.failed_updates)} failed)"
    result = n.error or n.detail
    return (
        Cell(n.node, Tone.STRONG),
        Cell(n.status, _PHASE_TONE.get(n.status, Tone.INFO)),
        Cell(updates, Tone.BAD if n.failed_updates else Tone.NORMAL),
        Cell(clock.at(since).strftime("%H:%M:%S") if since is not None else "-", Tone.MUTED),
        _steps_cell(n),
        Cell(result or "-", Tone.BAD if n.error else Tone.MUTED),
    )


def cau_rows(run: CauRunSnapshot, clock: CalendarClock) -> list[tuple[str, Row]]:
    return [(n.node, cau_row(n, clock)) for n in run.nodes]


def progress_bar(share: float, cells: int = 12) -> str:
    full = round(max(0.0, min(1.0, share)) * cells)
    return "█" * full + "░" * (cells - full)


def cau_summary(run: CauRunSnapshot, now: float) -> Cell:
    """``Run 599aca11 · Running · HV02 installing · ███░░░ 1/4 nodes · 00:42:10 · coordinator ADMIN01``."""
    done = sum(1 for n in run.nodes if n.done)
    end = run.finished if run.finished is not None else now
    parts = [f"Run {run.run_id[:8]}", run.status]
    if run.current_node:
        current = next((n for n in run.nodes if n.node == run.current_node), None)
        if current is not None:
            parts.append(f"{current.node} {current.status.lower()}")
    parts.append(f"{progress_bar(run.progress)} {done}/{len(run.nodes)} nodes")
    parts.append(format_elapsed(end - run.started))
    parts.append(("self-updating, coordinator " if run.mode == "SelfUpdating" else "coordinator ") + run.coordinator)
    if run.locked:
        parts.append("cluster LOCKED (Invoke-CauRun -ForceRecovery)")
    elif run.error and run.status != "Running":
        parts.append(run.error)
    tone = {"Running": Tone.INFO, "Succeeded": Tone.GOOD, "Failed": Tone.BAD, "Cancelled": Tone.WARN}.get(
        run.status, Tone.NORMAL
    )
    return Cell(" · ".join(parts), tone)
