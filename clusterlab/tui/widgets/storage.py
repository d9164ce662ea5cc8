"""The Storage view: one row per CSV (state, coordinator, VMs) and a node × CSV matrix of I/O modes.

A :class:`SnapshotTable` with a cell cursor: the row is a CSV, the column a node. The cursor
stays on the node columns (the CSV's own columns are for reading), so the selected cell always
names one node and one CSV. Under the table, one line says what the selected cell's mode means,
and one what the marks mean.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from clusterlab.tui.rows import NODE_COLUMN_PREFIX, STORAGE_COLUMNS, Cell, Row
from clusterlab.tui.widgets.snapshot_table import SnapshotTable
from clusterlab.tui.widgets.tones import cell_markup

#: Index of the first node column.
FIRST_NODE_COLUMN = len(STORAGE_COLUMNS)


class StorageView(Vertical):
    """The CSV × node matrix and a line about the selected cell."""

    DEFAULT_CSS = """
    StorageView { height: 1fr; }
    StorageView > SnapshotTable { height: auto; max-height: 1fr; }
    StorageView > #storage-explain { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    StorageView > #storage-legend {
        height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    LEGEND = (
        "★ coordinator · Block ↪ lost its path · FS ↪ redirected access · "
        "both: I/O over SMB through the coordinator · — not a running member"
    )

    def __init__(self, columns: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._columns = tuple(columns)
        self._explained: Cell | None = None

    def compose(self) -> ComposeResult:
        table = SnapshotTable(self._columns, id="storage", cursor_type="cell", fixed_columns=1)
        table.show_cursor = False  # a selection only matters while the view has focus
        yield table
        yield Static(id="storage-explain")
        yield Static(self.LEGEND, id="storage-legend", markup=False)

    def on_descendant_focus(self) -> None:
        self.table.show_cursor = True

    def on_descendant_blur(self) -> None:
        self.table.show_cursor = False

    @property
    def table(self) -> SnapshotTable:
        return self.query_one(SnapshotTable)

    def sync(self, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Row]]) -> None:
        """Show ``rows``; the node columns change only when the cluster's nodes do."""
        table = self.table
        table.set_columns(columns)
        table.sync(rows)
        self._keep_on_a_node()

    def explain(self, cell: Cell) -> None:
        if cell != self._explained:
            self._explained = cell
            self.query_one("#storage-explain", Static).update(cell_markup(cell))

    @property
    def explanation(self) -> str:
        return self._explained.text if self._explained is not None else ""

    @property
    def selected_csv(self) -> str | None:
        return self.table.selected_key

    @property
    def selected_node(self) -> str | None:
        """The node of the column under the cursor (None while the cursor is on a CSV column)."""
        table = self.table
        keys = table.column_keys
        column = table.cursor_column
        if not table.row_count or not 0 <= column < len(keys):
            return None
        key = keys[column]
        return key.removeprefix(NODE_COLUMN_PREFIX) if key.startswith(NODE_COLUMN_PREFIX) else None

    def select(self, csv: str, node: str | None = None) -> None:
        """Put the cursor on ``csv``'s row (and ``node``'s column)."""
        table = self.table
        row = table.get_row_index(csv)
        column = table.cursor_column
        if node is not None:
            column = table.column_keys.index(NODE_COLUMN_PREFIX + node)
        table.move_cursor(row=row, column=column)

    @on(DataTable.CellHighlighted)
    def _highlighted(self, _event: DataTable.CellHighlighted) -> None:
        self._keep_on_a_node()

    def _keep_on_a_node(self) -> None:
        table = self.table
        if table.row_count and table.cursor_column < FIRST_NODE_COLUMN < len(table.column_keys):
            table.move_cursor(column=FIRST_NODE_COLUMN, scroll=False)
