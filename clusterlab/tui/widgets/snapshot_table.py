"""A DataTable kept in step with snapshots: stable row keys, only changed cells are updated."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from rich.style import Style
from rich.text import Text
from textual.theme import Theme
from textual.widgets import DataTable

from clusterlab.tui.rows import Row, Tone
from clusterlab.tui.widgets.tones import cell_text, tone_styles

#: Above this many rows a column never narrows on an update (see ``SnapshotTable._set_cell``).
BIG_TABLE_ROWS = 60


class SnapshotTable(DataTable[Text]):
    """Rows keyed by object name; :meth:`sync` diffs against the last rows it was given."""

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        *,
        id: str | None = None,
        cursor_type: Literal["row", "cell"] = "row",
        fixed_columns: int = 0,
    ) -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=False, fixed_columns=fixed_columns)
        self._column_keys = tuple(key for key, _ in columns)
        self._labels = tuple(label for _, label in columns)
        self._shown: dict[str, Row] = {}
        self._order: tuple[str, ...] = ()
        self._styles: dict[Tone, Style] | None = None
        #: number of cells written by the last :meth:`sync` (tests use it to prove the diff works)
        self.last_sync_updates = 0

    def on_mount(self) -> None:
        for key, label in zip(self._column_keys, self._labels, strict=True):
            self.add_column(label, key=key)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> bool:
        """Show ``columns`` (key, label) from now on; True when they changed (the rows are gone then).

        For tables whose columns follow the cluster (a column per node): rare, so it starts over.
        """
        keys = tuple(key for key, _ in columns)
        labels = tuple(label for _, label in columns)
        if (keys, labels) == (self._column_keys, self._labels):
            return False
        self.clear(columns=True)
        self._column_keys, self._labels = keys, labels
        self._shown.clear()
        self._order = ()
        for key, label in columns:
            self.add_column(label, key=key)
        return True

    @property
    def column_keys(self) -> tuple[str, ...]:
        return self._column_keys

    def _theme_changed(self, _theme: Theme) -> None:
        self._styles = None
        self.sync([(key, self._shown[key]) for key in self._order], restyle=True)

    def _get_styles(self) -> dict[Tone, Style]:
        if self._styles is None:
            self._styles = tone_styles(self.app.theme_variables)
        return self._styles

    def sync(self, rows: Sequence[tuple[str, Row]], *, restyle: bool = False) -> None:
        """Show ``rows`` (key, cells): add and remove rows on membership change, else update changed cells.

        Rows follow the order of ``rows``: new keys are appended, and when the order itself
        changes (rare: a migration finishing moves below the running ones) the rows are sorted
        once, the cursor staying on its row. ``restyle`` rewrites every cell (after a theme change
        the colours differ, not the cells).
        """
        styles = self._get_styles()
        keys = tuple(key for key, _ in rows)
        wanted = set(keys)
        updates = 0
        for stale in [key for key in self._shown if key not in wanted]:
            self.remove_row(stale)
            del self._shown[stale]
        for key, row in rows:
            old = self._shown.get(key)
            if old is None:
                self.add_row(*(cell_text(c, styles) for c in row), key=key)
                updates += len(row)
            elif restyle or old != row:
                updates += self._update_row(key, row, old, styles, restyle)
            self._shown[key] = row
        self.last_sync_updates = updates
        if updates:
            self._settle_widths()
        if keys != self._order:
            self._order = keys
            self._put_in_order(keys)

    @property
    def shown(self) -> Mapping[str, Row]:
        """Row key -> the cells shown."""
        return self._shown

    def patch(self, rows: Iterable[tuple[str, Row]]) -> bool:
        """Update these rows' changed cells, leaving every other row as it is (an 8,000-row
        table where a few dozen rows change). False, and nothing changed, if a key is not shown:
        the caller syncs the whole table then."""
        rows = list(rows)
        if any(key not in self._shown for key, _ in rows):
            return False
        styles = self._get_styles()
        updates = 0
        for key, row in rows:
            old = self._shown[key]
            if old != row:
                updates += self._update_row(key, row, old, styles)
                self._shown[key] = row
        self.last_sync_updates = updates
        if updates:
            self._settle_widths()
        return True

    def _update_row(self, key: str, row: Row, old: Row, styles: dict[Tone, Style], restyle: bool = False) -> int:
        """Rewrite the cells of ``key`` that differ from ``old`` (every cell with ``restyle``)."""
        updates = 0
        for col, new, prev in zip(self._column_keys, row, old, strict=True):
            if restyle or new != prev:
                self._set_cell(key, col, cell_text(new, styles))
                updates += 1
        return updates

    def _set_cell(self, key: str, col: str, text: Text) -> None:
        """Update one cell and fit its column. In a big table the column only widens: a narrower
        cell makes DataTable re-measure the whole column (8,000 cells per update in the largest
        lab), so there it keeps its width."""
        if self.row_count <= BIG_TABLE_ROWS:
            self.update_cell(key, col, text, update_width=True)
            return
        column = self.columns.get(col)  # type: ignore[call-overload]  # (a str finds its ColumnKey)
        self.update_cell(key, col, text, update_width=column is not None and text.cell_len > column.content_width)

    def _settle_widths(self) -> None:
        """Measure the updated cells now, not on the next idle (what DataTable does on its own).

        On a busy machine the next frame (or a snapshot) can come before the table's idle, and a
        cell that grew shows cut ("DataT…") for a frame. Textual is pinned: this mirrors
        ``DataTable._on_idle`` of that version.
        """
        if self._updated_cells:
            cells = self._updated_cells.copy()
            self._updated_cells.clear()
            self._update_column_widths(cells)
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def _put_in_order(self, keys: tuple[str, ...]) -> None:
        if [row.key.value for row in self.ordered_rows] == list(keys):
            return
        selected = self.selected_key
        first = self._column_keys[0]
        # sort() hands the key function cells, not row keys: the cell objects themselves say which row
        rank = {id(self.get_cell(key, first)): i for i, key in enumerate(keys)}
        self.sort(first, key=lambda cell: rank[id(cell)])
        if selected is not None:
            self.move_cursor(row=self.get_row_index(selected), scroll=False)

    def row_data(self, key: str) -> Row | None:
        """The cells last shown for ``key``."""
        return self._shown.get(key)

    @property
    def selected_key(self) -> str | None:
        """The row key under the cursor, or None when the table is empty."""
        if not self.row_count:
            return None
        row = min(max(self.cursor_row, 0), self.row_count - 1)
        value = self.ordered_rows[row].key.value
        return value if isinstance(value, str) else None
