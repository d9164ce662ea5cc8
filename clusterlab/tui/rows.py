"""Snapshot -> what the cockpit shows: cell text with a tone, header and panel lines.

Pure functions over frozen snapshots (no Textual), so they are cheap to diff and easy to
test. Widgets turn a :class:`Tone` into a theme colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple

from clusterlab.sim import (
    ClusterEvent,
    ClusterSnapshot,
    CsvSnapshot,
    DrainStatus,
    FileServerSnapshot,
    GroupSnapshot,
    Level,
    MigrationSnapshot,
    NodeSnapshot,
    NodeState,
    QuorumSnapshot,
    SplitWhatIf,
    VmSnapshot,
    VmState,
    WhatIf,
)
from clusterlab.tui.actions import (
    BLOCK_REDIRECTED,
    DIRECT_IO,
    FS_REDIRECTED,
    IO_PAUSED,
    IO_UNAVAILABLE,
    io_of,
)


class Tone(StrEnum):
    NORMAL = "normal"
    GOOD = "good"
    BAD = "bad"
    WARN = "warn"
    INFO = "info"
    MUTED = "muted"
    STRONG = "strong"


class Cell(NamedTuple):
    text: str
    tone: Tone = Tone.NORMAL


Row = tuple[Cell, ...]

NODE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Node"),
    ("state", "State"),
    ("votes", "Votes"),
    ("memory", "Memory"),
    ("roles", "Roles"),
    ("csvs", "CSVs"),
    ("service", "ClusSvc"),
)

ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Role"),
    ("state", "State"),
    ("owner", "Owner"),
    ("csv", "CSV"),
    ("priority", "Priority"),
    ("status", "Status"),
)

MIGRATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("vm", "VM"),
    ("type", "Type"),
    ("route", "From → To"),
    ("state", "State"),
    ("pass", "Pass"),
    ("progress", "Progress"),
    ("left", "GB left"),
    ("rate", "GB/s"),
)
#: MigrationSnapshot.kind of a storage migration (Move-VMStorage): its route is CSV → CSV.
STORAGE_KIND = "Storage"
#: Finished migrations (Done, Canceled, Failure) the Migrations view keeps, dimmed, below the running ones.
FINISHED_MIGRATIONS_SHOWN = 10
#: Cells of the text progress bar in the Migrations view.
PROGRESS_BAR_CELLS = 8

_NODE_STATE_TONE = {
    "Up": Tone.GOOD,
    "Down": Tone.BAD,
    "Paused": Tone.WARN,
    "Joining": Tone.INFO,
    "Isolated": Tone.WARN,
    "Quarantined": Tone.BAD,
}
_GROUP_STATE_TONE = {
    "Online": Tone.GOOD,
    "Offline": Tone.MUTED,
    "Failed": Tone.BAD,
    "PartialOnline": Tone.WARN,
    "Pending": Tone.INFO,
}
_SERVICE_TONE = {"Running": Tone.NORMAL, "Stopped": Tone.WARN, "PoweredOff": Tone.BAD, "Booting": Tone.INFO}
LEVEL_TONE = {Level.CRITICAL: Tone.BAD, Level.ERROR: Tone.BAD, Level.WARNING: Tone.WARN, Level.INFORMATION: Tone.NORMAL}
LEVEL_SHORT = {Level.CRITICAL: "CRIT", Level.ERROR: "ERR", Level.WARNING: "WARN", Level.INFORMATION: "INFO"}

_NET_ROLE = {"ClusterAndClient": "cluster+client", "Cluster": "cluster only", "None": "no cluster use"}
WITNESS_SHORT = {"FileShare": "FSW", "Disk": "Disk witness", "Cloud": "Cloud witness"}


def format_elapsed(sim_s: float) -> str:
    """``HH:MM:SS`` of elapsed simulated time (hours may exceed 24)."""
    total = int(round(sim_s, 6))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _gb(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


#: A paused node's DrainStatus, as the nodes table words it.
_DRAIN_TEXT = {
    DrainStatus.IN_PROGRESS: ("Paused · draining", Tone.INFO),
    DrainStatus.COMPLETED: ("Paused · drained", Tone.WARN),
    DrainStatus.FAILED: ("Paused · drain failed", Tone.BAD),
}


def node_state_cell(n: NodeSnapshot) -> Cell:
    """``Up``, ``Down`` …; a paused node says how its drain went (DrainStatus); a node CAU is
    updating says which phase it is in (§8.1)."""
    state = str(n.state)
    if n.update_phase:
        return Cell(f"{state} · CAU {n.update_phase.lower()}", Tone.INFO)
    if n.state is NodeState.PAUSED and n.drain_status in _DRAIN_TEXT:
        text, tone = _DRAIN_TEXT[n.drain_status]
        return Cell(text, tone)
    return Cell(state, _NODE_STATE_TONE.get(state, Tone.NORMAL))


#: Cells of a node's memory bar.
MEMORY_BAR_CELLS = 5


def memory_bar(used: float, total: float, cells: int = MEMORY_BAR_CELLS) -> str:
    """``██░░░``: memory in use, one cell per fifth of the node's memory (rounded up from any use)."""
    if total <= 0:
        return "░" * cells
    full = min(cells, max(0 if used <= 0 else 1, round(used / total * cells)))
    return "█" * full + "░" * (cells - full)


def node_row(n: NodeSnapshot, cluster_os: str = "") -> Row:
    """A node's cells; its release follows its name when it differs from the cluster's (§9.1 mixed-OS mode)."""
    votes_tone = Tone.NORMAL if n.dynamic_weight else Tone.MUTED
    used = n.memory_used_gb
    mem_tone = Tone.WARN if n.memory_total_gb and used / n.memory_total_gb >= 0.9 else Tone.NORMAL
    if not n.powered_on:
        mem_tone = Tone.MUTED
    name = f"{n.name} ({n.os})" if cluster_os and n.os and n.os != cluster_os else n.name
    return (
        Cell(name, Tone.STRONG),
        node_state_cell(n),
        Cell(f"{n.node_weight}/{n.dynamic_weight}", votes_tone),
        Cell(f"{memory_bar(used, n.memory_total_gb)} {_gb(used)}/{_gb(n.memory_total_gb)} GB", mem_tone),
        Cell(str(n.roles), Tone.NORMAL if n.roles else Tone.MUTED),
        Cell(", ".join(n.csvs_coordinated) or "-", Tone.NORMAL if n.csvs_coordinated else Tone.MUTED),
        Cell(n.clussvc, _SERVICE_TONE.get(n.clussvc, Tone.NORMAL)),
    )


def ordered_groups(snap: ClusterSnapshot) -> list[GroupSnapshot]:
    """VM roles in lab order first, then the core groups (what a learner looks at first)."""
    return [g for g in snap.groups if not g.is_core] + [g for g in snap.groups if g.is_core]


class StorageMove(NamedTuple):
    """A storage migration (Move-VMStorage) that has not ended, as its events told it."""

    vm: str
    source: str
    target: str
    state: str  # Queued / Copying


def open_storage_moves(migrations: Iterable[MigrationSnapshot]) -> dict[str, StorageMove]:
    """VM name -> its storage migration (Move-VMStorage) that has not ended, from the migration snapshots."""
    return {
        m.vm: StorageMove(m.vm, m.source, m.target, m.state)
        for m in migrations
        if m.kind == STORAGE_KIND and not is_finished(m)
    }


def file_server_status(fs: FileServerSnapshot) -> Cell:
    """What the role's SMB clients see: ``clients reconnecting``, ``SMB CA: 1 ride-through`` …"""
    if not fs.connected:
        if fs.continuously_available:
            return Cell("SMB CA: clients waiting", Tone.WARN)  # handles kept, I/O paused until the share is back
        return Cell("clients reconnecting", Tone.WARN)
    if fs.transparent_failovers:
        return Cell(f"SMB CA: {fs.transparent_failovers} ride-through", Tone.GOOD)
    if fs.disconnects:
        return Cell(f"clients reconnected ({fs.disconnects}×)", Tone.NORMAL)
    return Cell(f"{fs.clients} clients" + (" · SMB CA" if fs.continuously_available else ""), Tone.MUTED)


def role_row(
    g: GroupSnapshot,
    migration: MigrationSnapshot | None = None,
    *,
    vm: VmSnapshot | None = None,
    file_server: FileServerSnapshot | None = None,
    storage_move: StorageMove | None = None,
) -> Row:
    """``migration``: the role's live migration that has not ended; it becomes the Status.

    ``vm``: the role's VM (its CSV; a Paused-Critical VM says so in red in the Status, while the
    State stays the role's, which the cluster keeps Online); ``file_server``: what the role's SMB
    clients see; ``storage_move``: its open storage migration.
    """
    state = Cell(str(g.state), _GROUP_STATE_TONE.get(str(g.state), Tone.NORMAL))
    critical = vm is not None and vm.state is VmState.PAUSED_CRITICAL
    if vm is not None and vm.unmonitored:
        # §7.3: the cluster waits out the resiliency period; say what Hyper-V sees meanwhile.
        seen = "" if vm.state is VmState.RUNNING else f" ({vm.state})"
        status = Cell(f"Unmonitored{seen}", Tone.BAD if vm.state is not VmState.RUNNING else Tone.WARN)
    elif critical:
        status = Cell(str(VmState.PAUSED_CRITICAL), Tone.BAD)
    elif migration is not None:
        status = Cell(live_migration_status(migration), Tone.INFO)
    elif storage_move is not None:
        status = Cell(storage_move_status(storage_move), Tone.INFO)
    elif g.status:
        status = Cell(g.status, Tone.WARN)
    elif file_server is not None:
        status = file_server_status(file_server)
    else:
        status = Cell("")
    csv = Cell(vm.csv, Tone.BAD if critical else Tone.NORMAL) if vm is not None and vm.csv else Cell("-", Tone.MUTED)
    return (
        Cell(g.name, Tone.MUTED if g.is_core else Tone.STRONG),
        state,
        Cell(g.owner or "-"),
        csv,
        Cell(g.priority_name, Tone.MUTED if g.is_core else Tone.NORMAL),
        status,
    )


def storage_move_status(m: StorageMove) -> str:
    """``Storage → CSV2`` (``queued`` while it waits for the host's MaximumStorageMigrations)."""
    return f"Storage → {m.target}" + (" queued" if m.state == "Queued" else "")


def live_migration_status(m: MigrationSnapshot) -> str:
    """``Live → HV03 42%`` (queued, setting up, or in the blackout: said instead of a percent).

    Short, so the roles table still fits its half of a 120-column screen.
    """
    head = f"Live → {m.target}"
    if m.state == "Queued":
        return f"{head} queued"
    if m.state == "Setup":
        return f"{head} setup"
    if m.state == "Move":
        return f"{head} blackout"
    return f"{head} {m.percent:.0f}%"


# live migrations ---------------------------------------------------------------------


def is_finished(m: MigrationSnapshot) -> bool:
    return m.state in ("Done", "Canceled", "Failure")


def running_migrations(migrations: Iterable[MigrationSnapshot]) -> dict[str, MigrationSnapshot]:
    """VM name -> its live migration that has not ended (queued or running); storage migrations aside."""
    return {m.vm: m for m in migrations if not is_finished(m) and m.kind != STORAGE_KIND}


def migration_key(m: MigrationSnapshot) -> str:
    """The Migrations view's row key: live and storage migrations count their ids separately."""
    return f"storage:{m.id}" if m.kind == STORAGE_KIND else str(m.id)


def progress_bar(percent: float, cells: int = PROGRESS_BAR_CELLS) -> str:
    """``━━━━━╸──  70%``: heavy line done, light line to go (half-cell steps), then the percent."""
    halves = round(max(0.0, min(100.0, percent)) / 100 * cells * 2)
    full, half = divmod(halves, 2)
    bar = "━" * full + ("╸" if half else "")
    return f"{bar:─<{cells}} {percent:3.0f}%"


def _waited(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else f"{s}s"


_MIGRATION_STATE_TONE = {
    "Queued": Tone.WARN,
    "Setup": Tone.INFO,
    "DataTransfer": Tone.INFO,
    "Move": Tone.WARN,
    "Copying": Tone.INFO,
    "Done": Tone.MUTED,
    "Canceled": Tone.MUTED,
    "Failure": Tone.BAD,
}


def migration_row(m: MigrationSnapshot, now: float) -> Row:
    """VM, type, from → to, state, pass, progress, GB left in the pass, GB/s; finished ones dimmed."""
    state_tone = _MIGRATION_STATE_TONE.get(m.state, Tone.NORMAL)
    if is_finished(m):
        dim = Tone.MUTED
        return (
            Cell(m.vm, dim),
            Cell(m.kind, dim),
            Cell(f"{m.source} → {m.target}", dim),
            Cell(m.state, state_tone),
            Cell(str(m.passes) if m.passes else "-", dim),
            Cell(progress_bar(m.percent), dim),
            Cell("-", dim),
            Cell("-", dim),
        )
    if m.state == "Queued":
        # waiting for a free slot (per-host limit, or the 2022 cluster-wide MaximumParallelMigrations)
        progress = Cell(f"waiting {_waited(now - m.requested)}", Tone.WARN)
    else:
        progress = Cell(progress_bar(m.percent), Tone.INFO)
    moving = m.state in ("DataTransfer", "Move", "Copying")
    return (
        Cell(m.vm, Tone.STRONG),
        Cell(m.kind),
        Cell(f"{m.source} → {m.target}"),
        Cell(m.state, state_tone),
        Cell(str(m.passes) if m.passes else "-", Tone.NORMAL if m.passes else Tone.MUTED),
        progress,
        Cell(f"{m.gb_left:.1f}" if moving else "-", Tone.NORMAL if moving else Tone.MUTED),
        Cell(f"{m.rate_gbps:.1f}" if moving and m.rate_gbps else "-", Tone.NORMAL if moving else Tone.MUTED),
    )


def migration_rows(
    migrations: Iterable[MigrationSnapshot], now: float, finished_shown: int = FINISHED_MIGRATIONS_SHOWN
) -> list[tuple[str, Row]]:
    """Running and queued migrations in request order, then the last ``finished_shown`` finished, newest first.

    Row keys are the migration ids, so a row keeps its place while its cells change.
    """
    running: list[MigrationSnapshot] = []
    finished: list[MigrationSnapshot] = []
    for m in migrations:
        (finished if is_finished(m) else running).append(m)
    running.sort(key=lambda m: (m.requested, m.kind, m.id))
    finished.sort(
        key=lambda m: (m.finished if m.finished is not None else 0.0, m.requested, m.kind, m.id), reverse=True
    )
    return [(migration_key(m), migration_row(m, now)) for m in (*running, *finished[:finished_shown])]


def speed_text(speed: float) -> str:
    """``60×``; ``max`` for as fast as possible."""
    return "max" if speed == float("inf") else f"{speed:g}×"


def identity_text(snap: ClusterSnapshot) -> str:
    """``HVCLUS · Windows Server 2022``; in mixed-OS mode the functional level too (§9.1)."""
    if snap.mixed_mode:
        return f"{snap.name} · mixed-OS, level {snap.functional_level} ({snap.os_display})"
    return f"{snap.name} · {snap.os_display}"


def clock_text(snap: ClusterSnapshot, speed: float) -> str:
    """``2026-01-05 09:00:20 · T+00:00:20 │ 1×``: calendar time, elapsed simulated time, speed."""
    return f"{snap.calendar:%Y-%m-%d %H:%M:%S} T+{format_elapsed(snap.time)} │ {speed_text(speed)}"


def witness_label(q: QuorumSnapshot) -> str:
    if not q.witness_type or q.witness_type == "None":
        return "no witness"
    return f"{WITNESS_SHORT.get(q.witness_type, q.witness_type)} {q.witness_state or 'Offline'}"


def quorum_badge(q: QuorumSnapshot) -> Cell:
    """``Quorum Up 5/5 votes (need 3) · FSW Online``; bad when down, warn when forced or witness failed."""
    text = f"Quorum {q.state} {q.votes}/{q.total} votes (need {q.needed}) · {witness_label(q)}"
    if q.forced:
        text += " · FORCED"
    if q.state != "Up":
        tone = Tone.BAD
    elif q.forced or q.witness_state == "Failed":
        tone = Tone.WARN
    else:
        tone = Tone.GOOD
    return Cell(text, tone)


def role_details(
    snap: ClusterSnapshot,
    name: str | None,
    migrations: Mapping[str, MigrationSnapshot] | None = None,
    storage_moves: Mapping[str, StorageMove] | None = None,
) -> list[Cell]:
    """The selected role in one line, its live migration if one runs, then its last placement ("why here?").

    ``migrations``: VM name -> its live migration that has not ended (:func:`running_migrations`);
    ``storage_moves``: VM name -> its open storage migration (:func:`open_storage_moves`).
    """
    if name is None:
        return [Cell("Select a role to see why it runs where it does.", Tone.MUTED)]
    try:
        g = snap.group(name)
    except KeyError:
        return [Cell(f"Role {name} is gone.", Tone.MUTED)]
    parts = [g.name]
    if g.preferred_owners:
        parts.append("preferred " + ", ".join(g.preferred_owners))
    try:
        vm = snap.vm(g.name)
    except KeyError:
        vm = None
    if vm is not None:
        parts.append(f"{_gb(vm.memory_gb)} GB" + (f" on {vm.csv}" if vm.csv else ""))
        down = vm.downtime_at(snap.time)
        if down >= 0.5:
            parts.append(f"down {format_elapsed(down)}")
        elif down:
            parts.append(f"down {down:.1f} s")  # a live migration's blackout
    if g.failover_count:
        parts.append(f"failovers {g.failover_count}")
    lines = [Cell(" · ".join(parts), Tone.STRONG)]
    if vm is not None:
        lines.extend(vm_storage_lines(snap, vm, (storage_moves or {}).get(vm.name)))
    fs = next((f for f in snap.file_servers if f.name == g.name), None)
    if fs is not None:
        lines.extend(file_server_lines(fs))
    m = (migrations or {}).get(g.name)
    if m is not None:
        lines.append(Cell(migration_details(m), Tone.INFO))
    if g.unmonitored_until is not None:
        at = snap.calendar + timedelta(seconds=g.unmonitored_until - snap.time)
        lines.append(
            Cell(
                f"Unmonitored on isolated {g.owner}: fails over at {at:%H:%M:%S} unless {g.owner} rejoins "
                "first (ResiliencyPeriod, §7.3)",
                Tone.WARN,
            )
        )
    elif g.status:
        lines.append(Cell(f"status: {g.status}", Tone.WARN))
    if g.last_placement is None:
        lines.append(Cell("why here? no placement recorded yet", Tone.MUTED))
    else:
        head, *rest = g.last_placement.text().splitlines()
        lines.append(Cell(f"why here? {head}", Tone.INFO))
        lines.extend(Cell(r) for r in rest)
    return lines


def vm_storage_lines(snap: ClusterSnapshot, vm: VmSnapshot, move: StorageMove | None) -> list[Cell]:
    """Paused-Critical (red), the host's I/O to the VM's CSV when it is not direct, and a storage migration."""
    lines: list[Cell] = []
    csv = next((c for c in snap.csvs if c.name == vm.csv), None)
    if vm.state is VmState.PAUSED_CRITICAL:
        lines.append(
            Cell(
                f"PausedCritical: {vm.csv or 'its storage'} is not accessible; the VM keeps its memory "
                "and resumes when the storage returns (storage resiliency)",
                Tone.BAD,
            )
        )
    elif csv is not None and vm.host:
        mode, reason = io_of(csv, vm.host)
        if mode != DIRECT_IO:
            tone = io_cell(mode, reason, False).tone
            lines.append(Cell(f"{vm.host} → {csv.name}: {io_words(mode, reason, csv.owner)}", tone))
    if move is not None:
        what = "queued" if move.state == "Queued" else "copying; new writes go to both"
        lines.append(Cell(f"storage migration {move.source} → {move.target}: {what}", Tone.INFO))
    return lines


def file_server_lines(fs: FileServerSnapshot) -> list[Cell]:
    kind = "Scale-Out File Server (continuously available shares)" if fs.kind == "ScaleOut" else "file server"
    lines = [Cell(f"{kind} · shares {', '.join(fs.shares) or '-'} · {fs.clients} SMB clients", Tone.NORMAL)]
    status = file_server_status(fs)
    history = f"disconnects {fs.disconnects} · ride-throughs {fs.transparent_failovers}"
    if fs.client_outage_s:
        history += f" · client outage {fs.client_outage_s:.0f} s"
    lines.append(Cell(f"clients: {status.text} · {history}", status.tone))
    return lines


def migration_details(m: MigrationSnapshot) -> str:
    """``live migration to HV01 (drain): DataTransfer, pass 2, 92% · 1.3 GB left at 1.0 GB/s``."""
    why = f" ({m.reason})" if m.reason and m.reason != "live migration" else ""  # drain, failback …
    text = f"live migration to {m.target}{why}: {m.state}"
    if m.state in ("DataTransfer", "Move"):
        text += f", pass {m.passes}, {m.percent:.0f}% · {m.gb_left:.1f} GB left at {m.rate_gbps:.1f} GB/s"
    elif m.state == "Queued":
        text += ", waiting for a free migration slot"
    return text


def what_if_lines(predictions: Sequence[WhatIf]) -> list[Cell]:
    """``if one fails next: HV01 ✔ HV02 ✔ witness ✔`` and, in red, the voters whose loss stops the cluster."""
    if not predictions:
        return []

    def label(p: WhatIf) -> str:
        return "witness" if p.voter == "witness" else p.voter

    safe = [label(p) for p in predictions if p.survives]
    fatal = [label(p) for p in predictions if not p.survives]
    lines = []
    if safe:
        lines.append(Cell("  survives losing: " + ", ".join(safe), Tone.GOOD))
    if fatal:
        lines.append(Cell("  loses quorum if it loses: " + ", ".join(fatal), Tone.BAD))
    return lines


#: Splits the quorum panel lists (the most even first); the rest are counted.
SPLITS_SHOWN = 3


def split_lines(splits: Sequence[SplitWhatIf]) -> list[Cell]:
    """``if the networks split:`` then ``HV01 HV02 | HV03 HV04 → HV01 HV02`` for the most even
    splits (the 50/50 ones are where witnesses and tie-breakers matter), and how the rest end."""
    if not splits:
        return []
    ordered = sorted(splits, key=lambda s: (-min(len(side) for side in s.sides), s.sides))
    lines = [Cell("  if the networks split (✔ keeps quorum):", Tone.NORMAL)]
    for s in ordered[:SPLITS_SHOWN]:
        marked = [" ".join(side) + (" ✔" if s.survivor is not None and side == s.survivor else "") for side in s.sides]
        cut = " | ".join(marked)
        if s.race:
            lines.append(Cell(f"    {cut}: a race for the witness", Tone.WARN))
        elif s.survivor is None:
            lines.append(Cell(f"    {cut}: neither", Tone.BAD))
        else:
            lines.append(Cell(f"    {cut}", Tone.GOOD))
    rest = ordered[SPLITS_SHOWN:]
    if rest:
        down = sum(1 for s in rest if s.survivor is None and not s.race)
        tail = f", {down} with neither" if down else ", each with a ✔"
        lines.append(Cell(f"    {len(rest)} more splits{tail}", Tone.BAD if down else Tone.MUTED))
    return lines


def cluster_summary(
    snap: ClusterSnapshot, what_if: Sequence[WhatIf] = (), splits: Sequence[SplitWhatIf] = ()
) -> list[Cell]:
    """Quorum (with the what-if for the next failure), witness, networks and CSVs: the parts of the
    cluster that are not nodes or roles."""
    q = snap.quorum
    lines = [
        Cell("Quorum", Tone.STRONG),
        Cell(f"  {q.quorum_type}" + (" · dynamic quorum" if q.dynamic_quorum else ""), Tone.NORMAL),
        Cell(
            f"  {q.state}: {q.votes} of {q.total} votes, need {q.needed}" + (" (forced)" if q.forced else ""),
            quorum_badge(q).tone,
        ),
    ]
    if q.witness_resource:
        lines.append(
            Cell(
                f"  {q.witness_resource}: {q.witness_state or 'Offline'}, vote {q.witness_dynamic_weight}",
                Tone.BAD if q.witness_state == "Failed" else Tone.NORMAL,
            )
        )
    else:
        lines.append(Cell("  no witness", Tone.MUTED))
    lines.append(Cell("  members: " + (", ".join(q.members) or "none"), Tone.NORMAL if q.members else Tone.BAD))
    lines.extend(what_if_lines(what_if))
    lines.extend(split_lines(splits))
    lines.append(Cell("Networks", Tone.STRONG))
    width = max((len(n.name) for n in snap.networks), default=0)
    state_width = max((len(n.state) for n in snap.networks), default=0)
    for net in snap.networks:
        tone = {"Up": Tone.GOOD, "Partitioned": Tone.WARN}.get(net.state, Tone.BAD)
        what = f"cut: {', '.join(net.disconnected)}" if net.disconnected else _NET_ROLE.get(net.role, net.role)
        lines.append(Cell(f"  {net.name:<{width}}  {net.state:<{state_width}}  {what}", tone))
    lines.append(Cell("CSVs", Tone.STRONG))
    for csv in snap.csvs:
        text = f"  {csv.name}  {csv.state} on {csv.owner or '-'} · {len(csv.vms)} VMs"
        tone = Tone.NORMAL if csv.state == "Online" else Tone.BAD
        if csv.maintenance:
            text, tone = text + " · maintenance", Tone.WARN
        elif csv_inaccessible(csv):
            text, tone = text + " · no access", Tone.BAD
        else:
            # how many nodes reach it the long way, worded like the Storage view's cells
            modes = [mode for _n, mode, _r in csv.io]
            for mode in (BLOCK_REDIRECTED, FS_REDIRECTED):
                if modes.count(mode):
                    text += f" · {modes.count(mode)} {_IO_CELL[mode][0]}"
                    tone = tone if tone is Tone.BAD else Tone.WARN
        lines.append(Cell(text, tone))
    return lines


def event_cells(e: ClusterEvent, clock_text: str, compact: bool) -> Row:
    """time, ID, level, source, message."""
    tone = LEVEL_TONE.get(e.level, Tone.NORMAL)
    level = LEVEL_SHORT.get(e.level, str(e.level)) if compact else str(e.level)
    return (
        Cell(clock_text, Tone.MUTED),
        Cell(e.display_id, tone if e.event_id is not None else Tone.MUTED),
        Cell(level, tone),
        Cell(e.source, Tone.NORMAL),
        Cell(e.message, Tone.NORMAL if tone is Tone.NORMAL else tone),
    )


# the Storage view: one row per CSV, one column per node ---------------------------------------------------

#: The Storage view's columns before the node columns.
STORAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("csv", "CSV"),
    ("state", "State"),
    ("coordinator", "Coordinator"),
    ("vms", "VMs"),
)
#: Column keys of the node columns are this prefix and the node name.
NODE_COLUMN_PREFIX = "node:"
#: The coordinator's cell in the matrix ends with this mark.
COORDINATOR_MARK = "★"

_IO_CELL = {
    DIRECT_IO: ("Direct", Tone.GOOD),
    FS_REDIRECTED: ("FS ↪", Tone.WARN),
    BLOCK_REDIRECTED: ("Block ↪", Tone.WARN),
    IO_PAUSED: ("Paused", Tone.BAD),
}
#: Get-ClusterSharedVolumeState's reason while the CSV is in maintenance.
MAINTENANCE = "Maintenance"
_CSV_STATE_TONE = {"Online": Tone.GOOD, "Paused": Tone.WARN, "Offline": Tone.BAD}


def storage_columns(snap: ClusterSnapshot) -> tuple[tuple[str, str], ...]:
    return STORAGE_COLUMNS + tuple((NODE_COLUMN_PREFIX + n.name, n.name) for n in snap.nodes)


def io_cell(mode: str, reason: str, coordinator: bool) -> Cell:
    """``Direct`` green, ``Block ↪`` / ``FS ↪`` yellow, ``Paused`` / ``No access`` red, ``—`` (not a member) dim."""
    if mode in _IO_CELL:
        text, tone = _IO_CELL[mode]
    elif reason == MAINTENANCE:
        text, tone = "Maint.", Tone.WARN
    elif reason:  # Unavailable because no node reaches the disk (5142)
        text, tone = "No access", Tone.BAD
    else:  # Unavailable: the node is not a running member
        text, tone = "—", Tone.MUTED
    return Cell(f"{text} {COORDINATOR_MARK}" if coordinator else text, tone)


def io_words(mode: str, reason: str, coordinator: str) -> str:
    """A node's I/O mode for one CSV in words, most important first: ``Block redirected (NoDiskConnectivity): …``."""
    via = coordinator or "the coordinator"
    title, what = {
        DIRECT_IO: ("Direct", "block I/O straight to the disk"),
        FS_REDIRECTED: ("File system redirected", f"all I/O goes over SMB through {via}"),
        BLOCK_REDIRECTED: ("Block redirected", f"no path to the disk; block I/O goes over SMB through {via}"),
        IO_PAUSED: ("Paused", "I/O is queued while the coordinator changes"),
    }.get(mode, ("No access", "no node reaches the disk") if reason else ("Unavailable", "not a running member"))
    if mode == IO_UNAVAILABLE and reason == MAINTENANCE:
        return "In maintenance: the roles using it are stopped until Resume-ClusterResource"
    why = f" ({reason})" if reason and reason != "NotRedirected" else ""
    return f"{title}{why}: {what}"


def csv_inaccessible(csv: CsvSnapshot) -> bool:
    """No node reaches the disk (5142): every node Unavailable, some for NoDiskConnectivity."""
    return (
        not csv.maintenance
        and any(reason for *_, reason in csv.io)
        and all(mode == IO_UNAVAILABLE for _n, mode, _r in csv.io)
    )


def storage_row(csv: CsvSnapshot, nodes: Sequence[str]) -> Row:
    """CSV, state (``↪``: redirected access on), coordinator, VM count, then one I/O cell per node in ``nodes``."""
    no_access = csv_inaccessible(csv)
    if csv.maintenance:
        state = Cell(f"{csv.state} (Maintenance)", Tone.WARN)
    elif no_access:
        state = Cell(f"{csv.state} · no access", Tone.BAD)
    elif csv.redirected:
        state = Cell(f"{csv.state} ↪", Tone.WARN)
    else:
        state = Cell(csv.state, _CSV_STATE_TONE.get(csv.state, Tone.NORMAL))
    return (
        Cell(csv.name, Tone.STRONG),
        state,
        Cell(csv.owner or "-", Tone.NORMAL if csv.owner else Tone.MUTED),
        Cell(str(len(csv.vms)), Tone.NORMAL if csv.vms else Tone.MUTED),
        *(io_cell(*io_of(csv, node), node == csv.owner) for node in nodes),
    )


def storage_rows(snap: ClusterSnapshot) -> list[tuple[str, Row]]:
    """One row per CSV keyed by its name; the node cells follow the snapshot's node order."""
    nodes = [n.name for n in snap.nodes]
    return [(csv.name, storage_row(csv, nodes)) for csv in snap.csvs]


def storage_attention(snap: ClusterSnapshot) -> int:
    """Node × CSV cells whose I/O is not direct (members only): the Storage tab's badge."""
    return sum(
        1 for c in snap.csvs for _n, mode, reason in c.io if mode != DIRECT_IO and (mode != IO_UNAVAILABLE or reason)
    )


def io_explanation(snap: ClusterSnapshot, csv_name: str | None, node: str | None) -> Cell:
    """One line about the selected cell: ``HV02 → CSV1 · Block redirected (NoDiskConnectivity): no path …``."""
    csv = next((c for c in snap.csvs if c.name == csv_name), None)
    if csv is None:
        return Cell("No Cluster Shared Volumes.", Tone.MUTED)
    if node is None:
        return Cell(f"{csv.name}: select a node column (← →) to see that node's I/O.", Tone.MUTED)
    mode, reason = io_of(csv, node)
    tone = io_cell(mode, reason, False).tone
    coord = " (coordinator)" if node == csv.owner else ""
    return Cell(f"{node} → {csv.name}{coord} · {io_words(mode, reason, csv.owner)}", tone)


def csv_details(snap: ClusterSnapshot, name: str | None, node: str | None = None) -> list[Cell]:
    """The CSV selected in the Storage view: state, coordinator, VMs, then every node's I/O mode and why."""
    csv = next((c for c in snap.csvs if c.name == name), None)
    if csv is None:
        return [Cell("Select a CSV in the Storage view.", Tone.MUTED)]
    head = f"{csv.name} · {csv.state} · coordinator {csv.owner or 'none'} · {_gb(csv.size_gb)} GB"
    lines = [Cell(head, Tone.STRONG)]
    if csv.redirected:
        lines.append(Cell(f"redirected access on: the other nodes' I/O goes through {csv.owner or '-'}", Tone.WARN))
    lines.append(Cell(f"{len(csv.vms)} VMs: " + (", ".join(csv.vms) or "none"), Tone.NORMAL))
    for n, mode, reason in csv.io:
        cell = io_cell(mode, reason, n == csv.owner)
        mark = "›" if n == node else "\u00a0"  # a plain space would be dropped at the start of the line
        why = f" · {reason}" if reason and reason != "NotRedirected" else ""
        lines.append(Cell(f"{mark} {n} {cell.text}{why}", cell.tone))
    return lines
