"""A scrollable panel of toned text lines (the "why here?" details and the cluster summary)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from clusterlab.tui.rows import Cell
from clusterlab.tui.widgets.tones import cell_markup


class LinesView(VerticalScroll):
    DEFAULT_CSS = """
    LinesView { height: auto; }
    LinesView > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: tuple[Cell, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static()

    def show(self, lines: Sequence[Cell]) -> None:
        new = tuple(lines)
        if new == self._lines:
            return
        self._lines = new
        self.query_one(Static).update("\n".join(cell_markup(c) for c in new))

    @property
    def plain(self) -> str:
        return "\n".join(c.text for c in self._lines)
