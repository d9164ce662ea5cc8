"""Session journals: every command a learner runs, with its simulated time, one JSON line each.

A journal is appended and flushed (and fsynced) per command, so a killed session loses at most
the line being written. It is enough to rebuild the session exactly: the lab it started from,
the seed, whether the console blocked (``clusterlab shell``) or returned at once (the cockpit),
and each command line with the simulated time it ran at. ``replay`` rebuilds the cluster;
``export_lab`` turns a journal into a lab file whose playback gives the same event stream.

Format (version 1)::

    {"journal": 1, "lab": "labs/default.yaml", "lab_id": "default", "seed": 0, "interactive": true}
    {"t": 12.5, "run": "Invoke-LabFault -Node HV02 -Crash"}
    {"t": 340.0, "run": "Get-ClusterNode"}
    {"t": 400.0, "mark": "stop"}
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import yaml

from clusterlab.shell import Shell
from clusterlab.sim import Cluster

from .loader import Lab, LabError, load_lab, resolve_lab

JOURNAL_VERSION = 1


class JournalError(Exception):
    """A journal that cannot be used at all (missing, not a journal, its lab gone)."""


@dataclass(frozen=True, slots=True)
class Entry:
    t: float
    run: str | None = None  # a command line
    mark: str | None = None  # "stop" (a clean end), "step N" (a walkthrough moved on) …


@dataclass
class Journal:
    path: Path
    header: dict[str, Any]
    entries: list[Entry] = field(default_factory=list)
    #: what could not be read: a cut-off last line after a kill, a damaged line (and the lines after it)
    problems: list[str] = field(default_factory=list)

    @property
    def commands(self) -> list[Entry]:
        return [e for e in self.entries if e.run is not None]

    @property
    def end_time(self) -> float:
        return max((e.t for e in self.entries), default=0.0)

    @property
    def interactive(self) -> bool:
        return bool(self.header.get("interactive", True))

    @property
    def seed(self) -> int | None:
        seed = self.header.get("seed")
        return seed if isinstance(seed, int) else None


class JournalWriter:
    """Appends one line per command and flushes it to disk before returning."""

    def __init__(self, path: Path, header: dict[str, Any] | None = None) -> None:
        self.path = path
        self.header: dict[str, Any] = dict(header or {})
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists() or path.stat().st_size == 0
        self._handle: IO[str] | None = path.open("a", encoding="utf-8")
        if fresh:
            if header is None:
                raise JournalError(f"{path}: a new journal needs a header")
            self._write({"journal": JOURNAL_VERSION, **header})

    def _write(self, obj: dict[str, Any]) -> None:
        if self._handle is None:
            return
        self._handle.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def command(self, t: float, line: str) -> None:
        self._write({"t": t, "run": line})  # repr: the exact float, so replay lands on the same instant

    def mark(self, t: float, what: str) -> None:
        self._write({"t": t, "mark": what})

    def rewrite(self, header: dict[str, Any], commands: Iterable[tuple[float, str]], mark: tuple[float, str]) -> None:
        """Replace the journal with ``commands`` (a step back drops what came after), atomically."""
        from .progress import write_atomically

        lines = [json.dumps({"journal": JOURNAL_VERSION, **header}, ensure_ascii=False)]
        lines += [json.dumps({"t": t, "run": line}, ensure_ascii=False) for t, line in commands]
        lines.append(json.dumps({"t": mark[0], "mark": mark[1]}, ensure_ascii=False))
        if self._handle is not None:
            self._handle.close()
        write_atomically(self.path, "\n".join(lines) + "\n")
        self._handle = self.path.open("a", encoding="utf-8")

    def close(self, t: float | None = None) -> None:
        if self._handle is None:
            return
        if t is not None:
            self.mark(t, "stop")
        self._handle.close()
        self._handle = None


def default_journal_path(lab_id: str) -> Path:
    """A new journal in the user's data directory, named for the lab and the wall-clock start
    (the name is the only place wall time appears: the journal's contents are simulated time)."""
    from datetime import datetime

    from .progress import data_dir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = data_dir() / "journals"
    path = folder / f"{lab_id}-{stamp}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{lab_id}-{stamp}-{n}.jsonl"
    return path


def header_for(lab: Lab, *, seed: int | None, interactive: bool) -> dict[str, Any]:
    return {
        "lab": str(lab.path) if lab.path is not None else None,
        "lab_id": lab.id,
        "seed": seed if seed is not None else lab.spec.seed,
        "interactive": interactive,
    }


def read_journal(path: Path) -> Journal:
    """Read what can be read. Raises :class:`JournalError` only when nothing usable is there."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"{path}: cannot read the journal ({exc.strerror or exc})") from None
    lines = raw.split(b"\n")
    cut_off = bool(lines and lines[-1])  # no newline after the last line: the write was interrupted
    if lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise JournalError(f"{path}: the journal is empty")
    header = _decode(lines[0])
    if not isinstance(header, dict) or header.get("journal") != JOURNAL_VERSION:
        raise JournalError(f"{path}: not a clusterlab journal (the first line is not a version-1 header)")
    journal = Journal(path, header)
    for number, line in enumerate(lines[1:], start=2):
        obj = _decode(line)
        entry = _entry(obj)
        if entry is None or (journal.entries and entry.t < journal.entries[-1].t - 1e-9):
            last = number == len(lines) and cut_off
            what = "was cut off (the session was killed while writing it)" if last else "is damaged"
            kept = len(journal.commands)
            journal.problems.append(
                f"{path}:{number}: this line {what}; recovered the {kept} command(s) before it"
                + ("" if last else f" and dropped the {len(lines) - number} line(s) after it")
            )
            break
        journal.entries.append(entry)
    return journal


def salvage(journal: Journal) -> Path | None:
    """Before a damaged journal is continued: keep the damaged file aside, untouched, and make the
    journal the lines that could be read. Appending after a damaged or cut-off line would hide every
    new command from the next read (it stops at the damage), so the session's new work would be lost.
    Returns where the damaged file was kept, or None when there was nothing to salvage."""
    if not journal.problems:
        return None
    from .progress import write_atomically

    path = journal.path
    kept = path.with_name(path.name + ".damaged")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.damaged-{n}")
    kept.write_bytes(path.read_bytes())
    lines = [json.dumps(journal.header, ensure_ascii=False)]
    for e in journal.entries:
        lines.append(json.dumps({"t": e.t, "run": e.run} if e.run is not None else {"t": e.t, "mark": e.mark}))
    write_atomically(path, "\n".join(lines) + "\n")
    return kept


def _decode(line: bytes) -> Any:
    try:
        return json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _entry(obj: Any) -> Entry | None:
    if not isinstance(obj, dict):
        return None
    t = obj.get("t")
    if isinstance(t, bool) or not isinstance(t, int | float) or t < 0 or t != t:
        return None
    run, mark = obj.get("run"), obj.get("mark")
    if isinstance(run, str) and len(run) <= 100_000:
        return Entry(float(t), run=run)
    if isinstance(mark, str):
        return Entry(float(t), mark=mark)
    return None


def journal_lab(journal: Journal) -> Lab:
    """The lab the session started from, with the journal's seed."""
    where = journal.header.get("lab")
    lab_id = journal.header.get("lab_id")
    try:
        if isinstance(where, str) and Path(where).is_file():
            lab = load_lab(Path(where))
        elif isinstance(lab_id, str):
            lab = load_lab(resolve_lab(lab_id))
        else:
            raise JournalError(f"{journal.path}: the journal does not say which lab it started from")
    except LabError as exc:
        raise JournalError(f"{journal.path}: its lab cannot be loaded: {exc}") from None
    if journal.seed is not None and journal.seed != lab.spec.seed:
        lab = replace(lab, spec=replace(lab.spec, seed=journal.seed))
    return lab


@dataclass
class Replayed:
    lab: Lab
    cluster: Cluster
    shell: Shell
    journal: Journal


def replay(journal: Journal, *, width: int = 120) -> Replayed:
    """Rebuild the session: the lab's cluster, then every command at its simulated time."""
    lab = journal_lab(journal)
    cluster = Cluster(lab.spec)
    shell = Shell(cluster, width=width, blocking=not journal.interactive)
    for e in journal.entries:
        if e.t > cluster.now:
            cluster.run_until(e.t)
        if e.run is not None:
            shell.run(e.run)
    if journal.end_time > cluster.now:
        cluster.run_until(journal.end_time)
    return Replayed(lab, cluster, shell, journal)


def export_lab(journal: Journal, *, title: str | None = None) -> str:
    """A lab file (YAML text) whose playback reruns the session: same cluster, same commands at
    the same simulated times, so the same event stream."""
    lab = journal_lab(journal)
    source = _lab_source(lab)
    doc: dict[str, Any] = {"format": 1}
    doc["id"] = f"{lab.id}-session"
    doc["title"] = title or f"Recorded session on {lab.title or lab.id}"
    doc["summary"] = f"Exported from the journal {journal.path.name} ({len(journal.commands)} commands)."
    for key in ("os", "clock"):
        if key in source:
            doc[key] = source[key]
    doc["seed"] = lab.spec.seed
    doc["interactive"] = journal.interactive
    doc["cluster"] = source.get("cluster", {})
    doc["steps"] = list(_steps(journal.entries, journal.end_time))
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return "# Exported by `clusterlab export`: play it with `clusterlab play`.\n" + text


def _steps(entries: Iterable[Entry], end: float) -> Iterable[dict[str, Any]]:
    now = 0.0
    for e in entries:
        if e.run is None:
            continue
        if e.t > now:
            yield {"at": e.t}  # seconds as the exact float: ``at:`` lands on the same instant
            now = e.t
        yield {"run": e.run}
    if end > now:
        yield {"at": end}


def _lab_source(lab: Lab) -> dict[str, Any]:
    """The lab file's own mapping (its cluster section is copied verbatim into the export)."""
    if lab.path is None:
        raise JournalError("the journal's lab has no file to copy the cluster from")
    try:
        data = yaml.safe_load(lab.path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise JournalError(f"{lab.path}: cannot read it again: {exc}") from None
    return data if isinstance(data, dict) else {}
