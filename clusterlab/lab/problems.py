"""Problems found in a lab file, and the ``LabError`` that carries all of them.

Every problem prints as ``path:line:col: what is wrong (what was expected)``; a problem about the
whole file (it cannot be read, it is too large) prints as ``path: what is wrong``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong in a lab file. ``line`` and ``column`` are 1-based; 0 means the whole file."""

    line: int
    column: int
    message: str
    source: str = "<lab>"

    def __str__(self) -> str:
        if self.line:
            return f"{self.source}:{self.line}:{self.column}: {self.message}"
        return f"{self.source}: {self.message}"


class LabError(Exception):
    """A lab file that cannot be used. ``problems`` holds every message, each starting with the file name."""

    def __init__(self, source: str, problems: Sequence[str | Problem]) -> None:
        self.source = source
        self.details: list[Problem] = [
            p if isinstance(p, Problem) else Problem(0, 0, p.removeprefix(f"{source}: "), source) for p in problems
        ]
        self.problems: list[str] = [str(p) for p in self.details]
        super().__init__("\n".join(self.problems))


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None when nothing is close."""
    options = list(dict.fromkeys(candidates))
    for option in options:
        if option.lower() == word.lower():
            return option
    folded = {o.lower(): o for o in options}
    close = difflib.get_close_matches(word.lower(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def one_of(values: Sequence[str], limit: int = 12) -> str:
    """``one of A, B, C`` (shortened when there are many)."""
    shown = ", ".join(values[:limit])
    if len(values) > limit:
        shown += f", … ({len(values)} in all)"
    return f"one of {shown}" if len(values) > 1 else shown


def expected_with_hint(expected: str, word: str, candidates: Sequence[str]) -> str:
    """``(expected …; did you mean 'X'?)`` without the parentheses."""
    close = did_you_mean(word, candidates)
    return f"{expected}; did you mean '{close}'?" if close is not None else expected
