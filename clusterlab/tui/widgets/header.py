"""The header: cluster and OS, simulated time, speed and run state, and the quorum badge."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from clusterlab.tui.rows import Cell, Tone


class _Text(Static):
    """A Static that only re-renders when its text changes (the header updates every tick)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""

    def set_text(self, text: str) -> None:
        if text != self._text:
            same_width = len(text) == len(self._text)
            self._text = text
            self.update(text, layout=not same_width)  # the clock ticks 10×/s: relayout only when it grows

    @property
    def text(self) -> str:
        return self._text


class QuorumBadge(_Text):
    """``Quorum Up 5/5 votes (need 3) · FSW Online`` on a background that says how healthy it is."""

    def show(self, badge: Cell) -> None:
        self.set_text(badge.text)
        self.set_class(badge.tone is Tone.GOOD, "-good")
        self.set_class(badge.tone is Tone.WARN, "-warn")
        self.set_class(badge.tone is Tone.BAD, "-bad")


class ClusterHeader(Horizontal):
    """Wide: one line. Narrow (CSS): the badge drops to a second line."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-main"):
            yield _Text(id="identity")
            yield _Text(id="clock")
        yield QuorumBadge(id="quorum")

    def show(self, identity: str, clock: str, running: bool, badge: Cell) -> None:
        self.query_one("#identity", _Text).set_text(identity)
        state = "[b $text-success]RUNNING[/]" if running else "[b reverse $text-warning] PAUSED [/]"
        self.query_one("#clock", _Text).set_text(f"{clock} {state}")
        self.set_class(not running, "-paused")
        self.query_one(QuorumBadge).show(badge)

    @property
    def text(self) -> str:
        """The header as plain text (tests)."""
        clock = self.query_one("#clock", _Text).text
        clock = clock.replace("[b $text-success]", "").replace("[b reverse $text-warning]", "").replace("[/]", "")
        return f"{self.query_one('#identity', _Text).text} │ {clock.strip()} │ {self.query_one(QuorumBadge).text}"
