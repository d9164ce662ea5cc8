"""The cockpit's tables fit their columns to what they show, as DataTable would if it measured
every cell again, while measuring only the cells that changed."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual.app import App, ComposeResult

from clusterlab.tui.rows import Cell, Row
from clusterlab.tui.widgets import SnapshotTable

COLUMNS = (("name", "Role"), ("status", "Status"))


def row(name: str, status: str) -> tuple[str, Row]:
    return name, (Cell(name), Cell(status))


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield SnapshotTable(COLUMNS, id="t")


def widths(table: SnapshotTable) -> list[int]:
    return [c.content_width for c in table.ordered_columns]


def measured_afresh(table: SnapshotTable) -> list[int]:
    """What DataTable's own full measure gives: the widest cell or the label."""
    return [
        max([c.label.cell_len, *(Text.from_markup(str(v)).cell_len for v in table.get_column(c.key))])
        for c in table.ordered_columns
    ]


def test_a_column_widens_for_a_long_status_and_narrows_when_it_is_gone() -> None:
    async def main() -> None:
        app = OneTable()
        async with app.run_test(size=(100, 20)) as pilot:
            t = app.query_one(SnapshotTable)
            rows = [row(f"VM{i:04d}", "") for i in range(200)]  # a big table: the old code only widened
            t.sync(rows)
            await pilot.pause()
            assert widths(t) == measured_afresh(t) == [6, 6]  # "VM0000", the label "Status"

            rows[7] = row("VM0007", "Storage → CSV2 (Copying 45 %)")
            t.sync(rows)
            assert widths(t) == measured_afresh(t) == [6, 29]
            assert t.last_sync_updates == 1, "one cell written"

            rows[9] = row("VM0009", "Live → HV03")
            t.sync(rows)
            assert widths(t) == [6, 29], "a narrower cell elsewhere leaves the widest in charge"

            rows[7] = row("VM0007", "")
            t.sync(rows)
            assert widths(t) == measured_afresh(t) == [6, 11], "the widest is gone: the next widest fits"

            t.sync([r for r in rows if r[0] != "VM0009"])
            assert widths(t) == measured_afresh(t) == [6, 6], "its row removed, the label is the widest"
            await pilot.pause()
            assert t.selected_key == "VM0000"
            t.move_cursor(row=150)
            assert t.selected_key == "VM0151", "the cursor's row, counted without the removed one"

    asyncio.run(main())
