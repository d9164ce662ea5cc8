"""The event log: cluster events and echoed commands, coloured by level, bounded."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.theme import Theme
from textual.widgets import RichLog

from clusterlab.tui.event_filter import NO_FILTER, EventFilter
from clusterlab.tui.rows import Row, Tone
from clusterlab.tui.widgets.tones import cell_text, tone_styles

#: Entries kept (and re-rendered after a resize or theme change); older ones scroll away for good.
MAX_ENTRIES = 500
#: Below this width the log drops to short level names and a narrow source column.
COMPACT_WIDTH = 100


class EntryKind(StrEnum):
    EVENT = "event"
    COMMAND = "command"
    REFUSED = "refused"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class LogEntry:
    kind: EntryKind
    clock: str  # calendar time of day, HH:MM:SS
    text: str = ""  # command / refusal / note text
    cells: Row = ()  # an event: time, ID, level, source, message
    compact_level: str = ""
    # an event's facts, for the filter
    level: str = ""
    event_id: int | None = None
    source: str = ""
    channel: str = ""

    def passes(self, flt: EventFilter) -> bool:
        if not flt.active:
            return True
        if self.kind is not EntryKind.EVENT:
            return flt.shows_commands
        return flt.matches_event(self.level, self.event_id, self.source, self.channel)


class EventLog(RichLog):
    """A RichLog over a bounded list of entries that it can re-render at a new width or theme."""

    DEFAULT_CSS = """
    EventLog { scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(id=id, max_lines=max_entries * 4, wrap=True, markup=False, auto_scroll=True)
        self.entries: deque[LogEntry] = deque(maxlen=max_entries)
        self._styles: dict[Tone, Style] | None = None
        self._built_width = -1
        #: what is shown of :attr:`entries`; every kept entry is filtered again when it changes
        self.filter: EventFilter = NO_FILTER

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: Theme) -> None:
        self._styles = None
        self.rebuild()

    def on_resize(self, event: events.Resize) -> None:
        # Runs before RichLog.on_resize: on the first resize the rebuilt entries are deferred
        # once more and RichLog renders them, now that the width (and compactness) is known.
        if event.size.width != self._built_width:
            self.rebuild()

    @property
    def compact(self) -> bool:
        width = self.scrollable_content_region.width
        return 0 < width < COMPACT_WIDTH

    def add(self, entries: Iterable[LogEntry]) -> None:
        flt = self.filter
        for entry in entries:
            self.entries.append(entry)
            if entry.passes(flt):
                self.write(self._render_entry(entry), expand=True)

    def set_filter(self, flt: EventFilter) -> None:
        """Show only the kept entries ``flt`` lets through, past ones included."""
        if flt != self.filter:
            self.filter = flt
            self.rebuild()

    @property
    def shown(self) -> list[LogEntry]:
        """The kept entries the filter lets through, oldest first."""
        flt = self.filter
        return [e for e in self.entries if e.passes(flt)]

    def rebuild(self) -> None:
        """Re-render every kept entry the filter lets through (new width, theme or filter)."""
        self._built_width = self.size.width
        self.clear()
        for entry in self.shown:
            self.write(self._render_entry(entry), expand=True)

    def plain_lines(self) -> list[str]:
        """The shown entries as plain text, oldest first (for tests and copy)."""
        out = []
        for e in self.shown:
            if e.kind is EntryKind.EVENT:
                out.append("  ".join(c.text for c in e.cells))
            else:
                out.append(f"{e.clock}  {e.text}")
        return out

    def _get_styles(self) -> dict[Tone, Style]:
        if self._styles is None:
            self._styles = tone_styles(self.app.theme_variables)
        return self._styles

    def _render_entry(self, entry: LogEntry) -> RenderableType:
        styles = self._get_styles()
        compact = self.compact
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=8, no_wrap=True)
        if entry.kind is not EntryKind.EVENT:
            grid.add_column(ratio=1, overflow="fold")
            tone = {
                EntryKind.COMMAND: Tone.INFO,
                EntryKind.REFUSED: Tone.BAD,
                EntryKind.NOTE: Tone.MUTED,
            }[entry.kind]
            style = styles[tone] + (Style(bold=True) if entry.kind is EntryKind.COMMAND else Style())
            grid.add_row(Text(entry.clock, style=styles[Tone.MUTED]), Text(entry.text, style=style))
            return grid
        clock, event_id, level, source, message = entry.cells
        if compact and entry.compact_level:
            level = level._replace(text=entry.compact_level)
        # The columns a Table.grid would lay out (8, 4 right-aligned, 11 or 4, 13 or 8, the rest,
        # one space apart), built as one Text: a grid per entry cost a millisecond, and a node
        # draining in a 64-node cluster logs dozens of events per tick.
        prefix = Text(no_wrap=True)
        for cell, width, right in (
            (clock, 8, False),
            (event_id, 4, True),
            (level, 4 if compact else 11, False),
            (source, 8 if compact else 13, False),
        ):
            text = cell_text(cell, styles)
            text.truncate(width, overflow="ellipsis")
            pad = " " * (width - text.cell_len)
            if right:
                prefix.append(pad)
                prefix.append_text(text)
            else:
                prefix.append_text(text)
                prefix.append(pad)
            prefix.append(" ")
        room = max(1, self.scrollable_content_region.width - prefix.cell_len)
        body = Text(message.text, style=styles[message.tone])
        lines = body.wrap(self.app.console, room, overflow="fold") if room < body.cell_len else [body]
        out = prefix
        indent = " " * prefix.cell_len
        for i, line in enumerate(lines):
            if i:
                out.append("\n" + indent)
            out.append_text(line)
        return out
