"""The Networks view: the cluster networks over every node's interface on each, and a line about the selection."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from clusterlab.tui.network_rows import INTERFACE_COLUMNS, NETWORK_COLUMNS
from clusterlab.tui.rows import Cell, Row
from clusterlab.tui.widgets.snapshot_table import SnapshotTable
from clusterlab.tui.widgets.tones import cell_markup


class NetworksView(Vertical):
    """Two :class:`SnapshotTable` s: ``#networks`` keyed by network, ``#interfaces`` by ``NODE - NETWORK``."""

    DEFAULT_CSS = """
    NetworksView { height: 1fr; }
    NetworksView > #networks { height: auto; max-height: 50%; }
    NetworksView > #interfaces { height: 1fr; }
    NetworksView > #networks-explain { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._explained: Cell | None = None

    def compose(self) -> ComposeResult:
        for table in (SnapshotTable(NETWORK_COLUMNS, id="networks"), SnapshotTable(INTERFACE_COLUMNS, id="interfaces")):
            table.show_cursor = False  # a selection only matters while the table has focus
            yield table
        yield Static(id="networks-explain")

    def on_descendant_focus(self, event: object) -> None:
        for table in self.query(SnapshotTable):
            table.show_cursor = table.has_focus

    def on_descendant_blur(self) -> None:
        for table in self.query(SnapshotTable):
            table.show_cursor = False

    @property
    def networks(self) -> SnapshotTable:
        return self.query_one("#networks", SnapshotTable)

    @property
    def interfaces(self) -> SnapshotTable:
        return self.query_one("#interfaces", SnapshotTable)

    def sync(self, networks: Sequence[tuple[str, Row]], interfaces: Sequence[tuple[str, Row]]) -> None:
        self.networks.sync(networks)
        self.interfaces.sync(interfaces)

    def explain(self, cell: Cell) -> None:
        if cell != self._explained:
            self._explained = cell
            self.query_one("#networks-explain", Static).update(cell_markup(cell))

    @property
    def explanation(self) -> str:
        return self._explained.text if self._explained is not None else ""
