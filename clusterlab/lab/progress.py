"""A learner's progress: labs completed, scores, objectives covered, where an unfinished lab stopped.

One JSON file in the user's data directory (``CLUSTERLAB_DATA`` overrides the directory, for
classrooms and tests). Every save writes a temporary file, fsyncs it and renames it over the
old one, so a crash leaves either the old progress or the new, never half of it. A damaged file
is kept aside (``progress.json.damaged``) and progress starts afresh, with a message saying so.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROGRESS_VERSION = 1


def data_dir() -> Path:
    """Where clusterlab keeps journals and progress: ``CLUSTERLAB_DATA`` or the platform's data dir."""
    override = os.environ.get("CLUSTERLAB_DATA")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("clusterlab", appauthor=False)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class LabProgress:
    lab_id: str
    title: str = ""
    objectives: list[str] = field(default_factory=list)
    completed: bool = False
    attempts: int = 0
    best: tuple[int, int] | None = None  # (points, max) of the best finished attempt
    last: tuple[int, int] | None = None
    #: an attempt that has not finished: its journal, the walkthrough state, steps done / total
    unfinished: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "objectives": self.objectives,
            "completed": self.completed,
            "attempts": self.attempts,
            "best": list(self.best) if self.best else None,
            "last": list(self.last) if self.last else None,
            "unfinished": self.unfinished,
        }

    @classmethod
    def from_json(cls, lab_id: str, data: Any) -> LabProgress:
        if not isinstance(data, dict):
            return cls(lab_id)

        def pair(v: Any) -> tuple[int, int] | None:
            if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v):
                return (v[0], v[1])
            return None

        objectives = data.get("objectives")
        unfinished = data.get("unfinished")
        return cls(
            lab_id,
            title=str(data.get("title") or ""),
            objectives=[str(o) for o in objectives] if isinstance(objectives, list) else [],
            completed=bool(data.get("completed")),
            attempts=int(data["attempts"]) if isinstance(data.get("attempts"), int) else 0,
            best=pair(data.get("best")),
            last=pair(data.get("last")),
            unfinished=unfinished if isinstance(unfinished, dict) else None,
        )

    def status(self) -> str:
        """For the lab list: ``done 5/6``, ``in progress 3/9 steps``, ``-``."""
        if self.unfinished:
            done, total = self.unfinished.get("steps", [0, 0])
            return f"in progress {done}/{total} steps"
        if self.completed and self.best:
            return f"done {self.best[0]}/{self.best[1]}"
        return "done" if self.completed else "-"


class ProgressStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "progress.json"
        self.labs: dict[str, LabProgress] = {}
        self.problem: str | None = None
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self.problem = f"{self.path}: cannot read your progress ({exc}); starting afresh"
            return
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != PROGRESS_VERSION:
                raise ValueError("not a version-1 progress file")
            labs = data.get("labs")
            if not isinstance(labs, dict):
                raise ValueError("no labs")
        except ValueError as exc:
            aside = self.path.with_name(self.path.name + ".damaged")
            try:
                os.replace(self.path, aside)
                kept = f"kept it as {aside.name}"
            except OSError:
                kept = "could not move it aside"
            self.problem = f"{self.path}: your progress file is damaged ({exc}); {kept} and started afresh"
            return
        self.labs = {str(k): LabProgress.from_json(str(k), v) for k, v in labs.items()}

    def save(self) -> None:
        data = {"version": PROGRESS_VERSION, "labs": {k: v.to_json() for k, v in sorted(self.labs.items())}}
        write_atomically(self.path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def lab(self, lab_id: str) -> LabProgress:
        return self.labs.setdefault(lab_id, LabProgress(lab_id))

    def started(self, lab_id: str, title: str, objectives: list[str], journal: Path) -> None:
        p = self.lab(lab_id)
        p.title, p.objectives = title, objectives
        p.attempts += 1
        p.unfinished = {"journal": str(journal), "state": {}, "steps": [0, 0]}
        self.save()

    def moved(self, lab_id: str, state: dict[str, Any], steps: tuple[int, int]) -> None:
        p = self.lab(lab_id)
        if p.unfinished is None:
            p.unfinished = {}
        p.unfinished["state"] = state
        p.unfinished["steps"] = list(steps)
        self.save()

    def finished(self, lab_id: str, points: int, max_points: int) -> None:
        p = self.lab(lab_id)
        p.completed = True
        p.last = (points, max_points)
        if p.best is None or points * max(1, p.best[1]) >= p.best[0] * max(1, max_points):
            p.best = (points, max_points)
        p.unfinished = None
        self.save()

    def covered(self) -> set[str]:
        """Objective ids of the labs completed."""
        return {o for p in self.labs.values() if p.completed for o in p.objectives}
