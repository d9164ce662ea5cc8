"""The Events pane: the event log under a one-line filter bar (level, source, event ID).

The bar shows while a filter is set (what it keeps, how many of the kept entries pass) or while
the learner types one after ``/``. Enter applies the line, esc leaves it as it was. The widget only
posts :class:`EventsView.FilterEntered` / :class:`EventsView.FilterCanceled`: the app parses the
line and owns the filter.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from clusterlab.tui.event_filter import EventFilter
from clusterlab.tui.widgets.event_log import EventLog

FILTER_PLACEHOLDER = "level (critical, error, warning+ …), event ID (1135), source (HV02, CSV1, Hyper-V)"


class FilterInput(Input):
    """The filter prompt: esc leaves it."""

    BINDINGS = [  # noqa: RUF012 (typed on Input)
        Binding("escape", "cancel", "Cancel", id="events.filter_cancel", tooltip="Leave the filter as it was"),
    ]

    def action_cancel(self) -> None:
        self.post_message(EventsView.FilterCanceled())


class EventsView(Vertical):
    """The filter bar and the :class:`EventLog` (id ``events``)."""

    DEFAULT_CSS = """
    EventsView { height: 1fr; }
    EventsView > #events-filter { height: 1; display: none; background: $boost; }
    EventsView.-filtered > #events-filter, EventsView.-editing > #events-filter { display: block; }
    EventsView #events-filter-label { width: auto; height: 1; padding: 0 1; text-wrap: nowrap; }
    EventsView #events-filter-input { width: 1fr; height: 1; border: none; padding: 0; display: none; }
    EventsView.-editing #events-filter-input { display: block; }
    EventsView.-editing #events-filter-label { width: auto; }
    """

    class FilterEntered(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class FilterCanceled(Message):
        pass

    def compose(self) -> ComposeResult:
        with Horizontal(id="events-filter"):
            yield Static("", id="events-filter-label")
            yield FilterInput(placeholder=FILTER_PLACEHOLDER, id="events-filter-input")
        yield EventLog(id="events")

    @property
    def log_view(self) -> EventLog:
        return self.query_one(EventLog)

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def editing(self) -> bool:
        return self.has_class("-editing")

    def edit(self, current: EventFilter) -> None:
        """Open the prompt with the current filter's words in it."""
        self.add_class("-editing")
        self.query_one("#events-filter-label", Static).update("[b]Filter:[/]")
        field = self.input
        field.value = current.text()
        field.cursor_position = len(field.value)
        field.focus()

    def stop_editing(self) -> None:
        self.remove_class("-editing")
        self.show_filter(self.log_view.filter)

    def show_filter(self, flt: EventFilter) -> None:
        """Apply ``flt`` to the log and say so in the bar."""
        log = self.log_view
        log.set_filter(flt)
        self.set_class(flt.active, "-filtered")
        self.update_count()

    def update_count(self) -> None:
        log = self.log_view
        if self.editing or not log.filter.active:
            return
        shown = len(log.shown)
        self.query_one("#events-filter-label", Static).update(
            f"[b]Filter:[/] {log.filter.describe()} · {shown} of {len(log.entries)} · "
            "[dim]/ edit · F level · \\ clear[/]"
        )

    def on_descendant_blur(self) -> None:
        """Focus went elsewhere (a click, tab): the prompt closes, the filter stays as it was."""
        if self.editing:
            self.stop_editing()

    @on(Input.Submitted, "#events-filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.FilterEntered(event.value))
