"""Typed lab steps and expectations (lab-format.md): what the loader produces and the player runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Where:
    """Where a step or expectation came from, for messages: ``labs/x.yaml:41``."""

    path: str = "<lab>"
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


# expectations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One subject with its keys: ``{node: HV02, state: Down}`` -> Check("node", "HV02", {"state": "Down"}).

    Subjects: node, role, vm, csv, quorum (name may be "Up"/"Down" shorthand), event (name is the ID),
    cau. Unknown keys are rejected by the loader, so the evaluator can trust them.
    """

    subject: str
    name: str | None
    keys: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Expectation, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Expectation, ...]


@dataclass(frozen=True, slots=True)
class NotOf:
    item: Expectation


Expectation = Check | AllOf | AnyOf | NotOf


# steps -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    where: Where = field(default_factory=Where)


@dataclass(frozen=True, slots=True)
class Run:
    command: str
    where: Where = field(default_factory=Where)


@dataclass(frozen=True, slots=True)
class Wait:
    seconds: float
    where: Where = field(default_factory=Where)


@dataclass(frozen=True, slots=True)
class At:
    time: float  # absolute simulated seconds since lab start
    where: Where = field(default_factory=Where)


@dataclass(frozen=True, slots=True)
class Expect:
    expectation: Expectation
    within: float | None = None
    where: Where = field(default_factory=Where)


@dataclass(frozen=True, slots=True)
class Task:
    text: str
    check: Expectation
    solution: str | None = None
    hint: str | None = None
    within: float | None = None  # how long `play` lets the solution take (default 1 h)
    where: Where = field(default_factory=Where)


@dataclass(frozen=True, slots=True)
class Quiz:
    question: str
    choices: tuple[str, ...]
    answer: int
    explain: str = ""
    where: Where = field(default_factory=Where)


Step = Say | Run | Wait | At | Expect | Task | Quiz


def parse_duration(value: Any) -> float | None:
    """``30``, ``30s``, ``5m``, ``1.5h``, ``2d``, ``1h30m``, ``00:05:00`` -> seconds; None if not a duration."""
    import re

    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    m = re.fullmatch(r"(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)", text)
    if m:
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)", text)
    if not parts or re.sub(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)|\s+", "", text):
        try:
            number = float(text)
        except ValueError:
            return None
        return number if number >= 0 else None
    unit = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
    return sum(float(n) * unit[u] for n, u in parts)
