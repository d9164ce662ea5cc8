"""The CAU view: the Updating Run under way (or the last one), one row per node, and a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..cau_rows import CAU_COLUMNS, CAU_HINT
from ..rows import Cell, Row
from .snapshot_table import SnapshotTable
from .tones import cell_markup


class CauView(Vertical):
    """A summary line over a :class:`SnapshotTable` keyed by node; a hint before the first run."""

    DEFAULT_CSS = """
    CauView { height: 1fr; }
    CauView > #cau-summary { height: auto; padding: 0 1; }
    CauView > SnapshotTable { height: auto; max-height: 1fr; }
    CauView > #cau-hint { height: auto; padding: 0 1; color: $text-muted; }
    CauView > .-hidden { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-idle")
        self._empty = True

    def compose(self) -> ComposeResult:
        yield Static("", id="cau-summary", classes="-hidden")
        table = SnapshotTable(CAU_COLUMNS, id="cau")
        table.show_cursor = False
        yield table
        yield Static(CAU_HINT, id="cau-hint")

    @property
    def table(self) -> SnapshotTable:
        return self.query_one(SnapshotTable)

    def sync(self, summary: Cell | None, rows: Sequence[tuple[str, Row]]) -> None:
        empty = summary is None
        if empty != self._empty:
            self._empty = empty
            self.set_class(empty, "-idle")
            self.query_one("#cau-hint").set_class(not empty, "-hidden")
            self.query_one("#cau-summary").set_class(empty, "-hidden")
        if summary is not None:
            self.query_one("#cau-summary", Static).update(cell_markup(summary))
        self.table.sync(rows)
