"""Detail screens: a node, a VM, a CSV or a CAU run over the cockpit (enter on a row, or the palette); esc closes.

The screen only shows lines (:mod:`clusterlab.tui.details`); the app rebuilds them from each new
snapshot while the screen is open, so a detail follows the simulation.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen

from clusterlab.tui.details import Detail
from clusterlab.tui.widgets.lines_view import LinesView


class DetailScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > #detail-box {
        width: 95%; max-width: 110; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
        border-title-color: $text-primary; border-title-style: bold;
        border-subtitle-color: $text-muted;
    }
    DetailScreen #detail-lines { height: 1fr; }
    """
    BINDINGS = [  # noqa: RUF012 (Textual's own type)
        Binding("escape,q", "close", "Close", id="detail.close", tooltip="Back to the cockpit"),
    ]

    def __init__(self, detail: Detail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        box = LinesView(id="detail-box")
        box.border_title = self.detail.title
        box.border_subtitle = "esc closes"
        yield box

    def on_mount(self) -> None:
        self.show(self.detail)
        self.query_one("#detail-box", LinesView).focus()

    def show(self, detail: Detail) -> None:
        self.detail = detail
        box = self.query_one("#detail-box", LinesView)
        box.border_title = detail.title
        box.show(detail.lines)

    @property
    def plain(self) -> str:
        return self.query_one("#detail-box", LinesView).plain

    def action_close(self) -> None:
        self.dismiss(None)
