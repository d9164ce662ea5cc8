"""The Migrations view: live and storage migrations queued, running and just finished, one row each."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from clusterlab.tui.rows import MIGRATION_COLUMNS, Row
from clusterlab.tui.widgets.snapshot_table import SnapshotTable


class MigrationsView(Vertical):
    """A :class:`SnapshotTable` keyed by migration id, and a hint while there is nothing to show."""

    DEFAULT_CSS = """
    MigrationsView { height: 1fr; }
    MigrationsView > SnapshotTable { height: auto; max-height: 1fr; }
    MigrationsView > #migrations-hint { height: auto; padding: 0 1; color: $text-muted; }
    MigrationsView > #migrations-hint.-hidden { display: none; }
    """

    HINT = (
        "No migrations. d drains the selected node (Suspend-ClusterNode -Drain), "
        "l live-migrates the selected role (Move-ClusterVirtualMachineRole), "
        "v moves its storage to the next CSV (Move-VMStorage)."
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._empty = True

    def compose(self) -> ComposeResult:
        table = SnapshotTable(MIGRATION_COLUMNS, id="migrations")
        table.show_cursor = False  # a selection only matters while the view has focus (x cancels it)
        yield table
        yield Static(self.HINT, id="migrations-hint")

    def on_descendant_focus(self) -> None:
        self.table.show_cursor = True

    def on_descendant_blur(self) -> None:
        self.table.show_cursor = False

    @property
    def table(self) -> SnapshotTable:
        return self.query_one(SnapshotTable)

    def sync(self, rows: Sequence[tuple[str, Row]]) -> None:
        self.table.sync(rows)
        empty = not rows
        if empty != self._empty:
            self._empty = empty
            self.query_one("#migrations-hint").set_class(not empty, "-hidden")
