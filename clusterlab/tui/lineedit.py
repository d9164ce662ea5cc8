"""Line editing for the console prompt: history walking and tab-completion cycling.

Pure state over strings (no Textual), so the prompt widget stays thin and the rules are
easy to test. Candidates come from :func:`clusterlab.shell.completion.complete`, which
returns replacements for the last token left of the cursor.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: The token being completed: what ``complete()`` replaces (it stops at spaces, pipes, ; ( ) { }).
_TOKEN = re.compile(r"[^\s|;(){}]+$")


def token_start(left: str) -> int:
    """Index in ``left`` (the text left of the cursor) where its last token begins."""
    m = _TOKEN.search(left)
    return m.start() if m else len(left)


@dataclass(frozen=True, slots=True)
class Completion:
    """One Tab press's view of the candidates: ``head + candidates[index] + tail``."""

    head: str  # text before the token being completed
    tail: str  # text right of the cursor, kept as it was
    candidates: tuple[str, ...]
    index: int = 0

    @property
    def value(self) -> str:
        return self.head + self.candidates[self.index] + self.tail

    @property
    def cursor(self) -> int:
        return len(self.head) + len(self.candidates[self.index])

    def step(self, delta: int) -> Completion:
        """The next (``+1``) or previous (``-1``) candidate, wrapping around like PowerShell's Tab."""
        return dataclasses.replace(self, index=(self.index + delta) % len(self.candidates))


def start_completion(
    value: str, cursor: int, candidates: Sequence[str], *, backwards: bool = False
) -> Completion | None:
    """The first completion of the token left of ``cursor`` (the last one when ``backwards``); None if none."""
    if not candidates:
        return None
    left = value[:cursor]
    start = token_start(left)
    return Completion(left[:start], value[cursor:], tuple(candidates), len(candidates) - 1 if backwards else 0)


def _distinct(history: Sequence[str]) -> list[str]:
    """History without blank lines and without a line repeated right after itself."""
    out: list[str] = []
    for line in history:
        if line.strip() and (not out or out[-1] != line):
            out.append(line)
    return out


class HistoryWalker:
    """Up / Down through earlier lines; the line being typed comes back after the newest one."""

    def __init__(self) -> None:
        self._pos: int | None = None  # index into the distinct history, None = the line being typed
        self._draft = ""

    @property
    def walking(self) -> bool:
        return self._pos is not None

    def reset(self) -> None:
        self._pos = None
        self._draft = ""

    def older(self, history: Sequence[str], current: str) -> str | None:
        """The line before the one shown (None when there is no history)."""
        items = _distinct(history)
        if not items:
            return None
        if self._pos is None:
            self._draft = current
            self._pos = len(items) - 1
        else:
            self._pos = max(0, min(self._pos, len(items)) - 1)
        return items[self._pos]

    def newer(self, history: Sequence[str]) -> str | None:
        """The line after the one shown, then the line that was being typed; None when not walking."""
        if self._pos is None:
            return None
        items = _distinct(history)
        if self._pos + 1 >= len(items):
            draft = self._draft
            self.reset()
            return draft
        self._pos += 1
        return items[self._pos]
