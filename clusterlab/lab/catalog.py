"""The lab library: the shipped labs with their objectives, simulated duration and your progress.

``clusterlab labs`` lists them; ``clusterlab labs --objectives`` prints the objective map with the
labs covering each id and marks any id no lab covers. A lab's simulated duration is how long its
playback runs (solutions performed); it is measured once per file content and cached in the data
directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .loader import Lab, load_lab, shipped_labs_dir
from .objectives import EXAMS, OBJECTIVES
from .problems import LabError
from .progress import LabProgress, ProgressStore, data_dir, write_atomically
from .steps import Quiz, Task


@dataclass(frozen=True, slots=True)
class Entry:
    lab: Lab
    duration_s: float | None  # simulated seconds of a full playback; None if it could not be played
    kind: str  # "walkthrough" (tasks or quizzes) or "scenario"

    @property
    def id(self) -> str:
        return self.lab.id


def kind_of(lab: Lab) -> str:
    return "walkthrough" if any(isinstance(s, Task | Quiz) for s in lab.steps) else "scenario"


def shipped(folder: Path | None = None) -> tuple[list[Entry], list[str]]:
    """Every lab in the library (the default lab first), and the problems of files that do not load."""
    folder = folder or shipped_labs_dir()
    entries: list[Entry] = []
    problems: list[str] = []
    cache = _Cache()
    for path in sorted(folder.glob("*.yaml"), key=lambda p: (p.stem != "default", p.stem)):
        try:
            lab = load_lab(path)
        except LabError as exc:
            problems.append(str(exc))
            continue
        entries.append(Entry(lab, cache.duration(path, lab), kind_of(lab)))
    cache.save()
    return entries, problems


class _Cache:
    """Simulated durations by file hash: playing every lab on each listing would be slow."""

    def __init__(self) -> None:
        self.path = data_dir() / "lab-durations.json"
        self.data: dict[str, float] = {}
        self.dirty = False
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(raw, dict):
                self.data = {str(k): float(v) for k, v in raw.items() if isinstance(v, int | float)}
        except (OSError, ValueError):
            pass

    def duration(self, path: Path, lab: Lab) -> float | None:
        key = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
        if key in self.data:
            return self.data[key]
        from .player import Player

        try:
            result = Player(lab, emit=lambda line: None).play()
        except Exception:
            return None
        if result.cluster is None:
            return None
        self.data[key] = result.cluster.now
        self.dirty = True
        return result.cluster.now

    def save(self) -> None:
        if self.dirty:
            with contextlib.suppress(OSError):  # a cache: next time it is measured again
                write_atomically(self.path, json.dumps(self.data, indent=0, sort_keys=True))


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def table(entries: Iterable[Entry], store: ProgressStore) -> str:
    rows = [("ID", "TITLE", "OBJECTIVES", "SIM TIME", "YOUR PROGRESS")]
    for e in entries:
        progress = store.labs.get(e.id, LabProgress(e.id))
        title = e.lab.title if len(e.lab.title) <= 60 else e.lab.title[:57] + "..."
        status = progress.status() if e.kind == "walkthrough" else "(scenario)"
        rows.append((e.id, title, ", ".join(e.lab.objectives) or "-", duration_text(e.duration_s), status))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] for r in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def objective_map(entries: Iterable[Entry], store: ProgressStore) -> tuple[str, list[str]]:
    """The objective map (text) and the ids no shipped lab covers."""
    entries = list(entries)
    covered_by: dict[str, list[str]] = {o: [] for o in OBJECTIVES}
    unknown: dict[str, list[str]] = {}
    for e in entries:
        for o in e.lab.objectives:
            (covered_by if o in covered_by else unknown).setdefault(o, []).append(e.id)
    done = store.covered()
    out: list[str] = []
    uncovered: list[str] = []
    for exam, name in EXAMS.items():
        out.append(f"{exam} {name}")
        for oid, title in OBJECTIVES.items():
            if not oid.startswith(exam + "/"):
                continue
            labs = covered_by[oid]
            if not labs:
                uncovered.append(oid)
            mark = "✔" if oid in done else " "
            where = ", ".join(labs) if labs else "UNCOVERED: no shipped lab teaches it yet"
            out.append(f"  {mark} {oid:<30} {title}")
            out.append(f"      labs: {where}")
        out.append("")
    for oid, labs in sorted(unknown.items()):
        out.append(f"not in the objective map: {oid} (used by {', '.join(labs)})")
    out.append(
        f"{len(OBJECTIVES) - len(uncovered)} of {len(OBJECTIVES)} objectives covered by shipped labs; "
        f"{len(done & set(OBJECTIVES))} completed by you (✔)."
    )
    return "\n".join(out) + "\n", uncovered
