"""The timeline: pick an earlier moment of the session (a command, a Critical or Error event) and go back to it.

``[`` and ``]`` (or the arrows) move the marker, enter goes there, esc stays. The screen only
returns the chosen :class:`Moment`; the app re-simulates (like step back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clusterlab.tui.timeline import Moment

_KIND_STYLE = {"start": "bold", "command": "bold", "event": ""}
_LEVEL_STYLE = {"Critical": "red", "Error": "red"}


class TimelineScreen(ModalScreen[Moment | None]):
    DEFAULT_CSS = """
    TimelineScreen { align: center middle; }
    TimelineScreen > Vertical {
        width: 95%; max-width: 120; height: 90%;
        border: round $primary; background: $surface;
        border-title-color: $text-primary; border-title-style: bold;
    }
    TimelineScreen #timeline-help { height: auto; padding: 0 1; color: $text-muted; }
    TimelineScreen OptionList, TimelineScreen OptionList:focus { height: 1fr; border: none; background: $surface; }
    """
    BINDINGS = [  # noqa: RUF012 (Textual's own type)
        Binding(
            "left_square_bracket",
            "move(-1)",
            "Earlier",
            key_display="[",
            id="timeline.earlier",
            tooltip="Move the marker to the moment before",
        ),
        Binding(
            "right_square_bracket",
            "move(1)",
            "Later",
            key_display="]",
            id="timeline.later",
            tooltip="Move the marker to the moment after",
        ),
        Binding("escape,q", "close", "Stay", id="timeline.close", tooltip="Stay where you are"),
    ]

    def __init__(self, moments: Sequence[Moment], at: Callable[[float], str]) -> None:
        super().__init__()
        self.moments = list(moments)
        self._at = at

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Timeline: go back to a moment (re-simulated from the lab's start)"
            yield Static(
                "[ ] move the marker · enter goes back there · esc stays. Going to a command undoes it and "
                "everything after; going to an event keeps the commands issued before it.",
                id="timeline-help",
            )
            yield OptionList(*(self._option(i, m) for i, m in enumerate(self.moments)), id="timeline")

    def _option(self, index: int, m: Moment) -> Option:
        text = Text()
        text.append(f"{self._at(m.time)}  ", style="dim")
        mark = {"start": "◆", "command": "PS>", "event": "!"}[m.kind]
        text.append(f"{mark:<4}", style=_LEVEL_STYLE.get(m.level, "cyan" if m.kind == "command" else ""))
        text.append(m.text, style=_KIND_STYLE[m.kind] + " " + _LEVEL_STYLE.get(m.level, ""))
        return Option(text, id=f"m{index}")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = len(self.moments) - 1
        options.focus()

    @property
    def marker(self) -> int:
        highlighted = self.query_one(OptionList).highlighted
        return highlighted if highlighted is not None else len(self.moments) - 1

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.highlighted = max(0, min(len(self.moments) - 1, self.marker + step))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.moments[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
