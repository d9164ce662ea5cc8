"""A DataTable kept in step with snapshots: stable row keys, only changed cells are updated."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.theme import Theme
from textual.widgets import DataTable

from clusterlab.tui.rows import Row, Tone
from clusterlab.tui.widgets.tones import cell_text, tone_styles


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
        # Column widths from cell widths kept here: DataTable re-measures a whole column whenever a
        # cell narrows (8,000 cells, for each such cell, in the largest lab); with the widths of
        # every cell at hand a column is settled by a max() over integers.
        self._widths: dict[str, dict[str, int]] = {key: {} for key in self._column_keys}
        self._touched: dict[str, list[tuple[int, int]]] = {}  # column -> (old, new) cell widths
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
        self._widths = {key: {} for key in keys}
        self._touched.clear()
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
            for col, widths in self._widths.items():
                self._touched.setdefault(col, []).append((widths.pop(stale, 0), 0))
        for key, row in rows:
            old = self._shown.get(key)
            if old is None:
                texts = [cell_text(c, styles) for c in row]
                self.add_row(*texts, key=key)  # DataTable widens the columns for a new row itself
                for col, text in zip(self._column_keys, texts, strict=True):
                    self._widths[col][key] = _width(text)
                updates += len(row)
            elif restyle or old != row:
                updates += self._update_row(key, row, old, styles, restyle)
            self._shown[key] = row
        self.last_sync_updates = updates
        if updates or self._touched:
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
        """Update one cell; its column is fitted by :meth:`_settle_widths`."""
        self.update_cell(key, col, text)
        widths = self._widths[col]
        old, new = widths.get(key, 0), _width(text)
        if new != old:
            widths[key] = new
            self._touched.setdefault(col, []).append((old, new))

    def _settle_widths(self) -> None:
        """Fit the columns whose cells changed width, now rather than on the next idle.

        A column widens to its widest new cell; when a cell that was the widest narrows (or its
        row goes), the column takes the width of its widest remaining cell. On a busy machine the
        next frame (or a snapshot) can come before the table's idle, and a cell that grew would
        show cut ("DataT…") for a frame. Textual is pinned: the rest mirrors ``DataTable._on_idle``
        of that version.
        """
        for col, changes in self._touched.items():
            column = self.columns.get(col)  # type: ignore[call-overload]  # (a str finds its ColumnKey)
            if column is None:
                continue
            width = column.content_width
            grown = max(new for _, new in changes)
            if grown >= width:
                fitted = grown
            elif any(old >= width for old, _ in changes):
                fitted = max(self._widths[col].values(), default=0)
            else:
                continue
            fitted = max(fitted, column.label.cell_len)
            if fitted != width:
                column.content_width = fitted
                self._require_update_dimensions = True
        self._touched.clear()
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
        # (not ordered_rows: DataTable rebuilds that list after every cell update)
        value = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return value if isinstance(value, str) else None


def _width(text: Text) -> int:
    """Cells a value takes, as DataTable measures it (its widest line)."""
    plain = text.plain
    if "\n" not in plain:
        return text.cell_len
    return max(Text(line).cell_len for line in plain.split("\n"))
