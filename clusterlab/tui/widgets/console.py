"""The console pane: a transcript (echoed lines, output, error records) and the prompt.

The transcript shows text the shell already formatted (tables are laid out for the pane's
width when they run), so it never wraps: long lines scroll sideways. The prompt owns line
editing — history on Up / Down, completion on Tab — and posts :class:`CommandInput.LineEntered`;
the app runs the line.
"""

from __future__ import annotations

import textwrap
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Blur, Click, Resize
from textual.markup import escape
from textual.message import Message
from textual.theme import Theme
from textual.widgets import Input, RichLog, Static

from clusterlab.tui.lineedit import Completion, HistoryWalker, start_completion
from clusterlab.tui.rows import Tone
from clusterlab.tui.widgets.tones import tone_styles

#: Transcript entries kept (and re-rendered after a theme change).
MAX_ENTRIES = 400


class Chunk(StrEnum):
    ECHO = "echo"  # PS HVCLUS> the line
    OUTPUT = "output"  # what the line printed
    ERROR = "error"  # its error records
    NOTE = "note"  # a remark from the cockpit (banner)


@dataclass(frozen=True, slots=True)
class TranscriptEntry:
    kind: Chunk
    text: str


def wrap_lines(text: str, width: int) -> str:
    """Wrap the lines of ``text`` longer than ``width``, continuing at their indentation."""
    out: list[str] = []
    for line in text.split("\n"):
        if cell_len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.extend(
            textwrap.wrap(line, width, subsequent_indent=indent, drop_whitespace=True, break_on_hyphens=False) or [line]
        )
    return "\n".join(out)


class ConsoleLog(RichLog):
    """The console transcript: bounded, monospace, no wrapping, error records in the error colour."""

    DEFAULT_CSS = """
    ConsoleLog { scrollbar-size: 1 1; }
    """

    def __init__(self, prompt: str, *, id: str | None = None, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(
            id=id, max_lines=max_entries * 8, wrap=False, markup=False, highlight=False, auto_scroll=True, min_width=1
        )
        self.prompt = prompt
        self.entries: deque[TranscriptEntry] = deque(maxlen=max_entries)
        self._styles: dict[Tone, Style] | None = None
        self._following = True

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: Theme) -> None:
        self._styles = None
        self.rebuild()

    # following the end: a shorter pane (the completion line opens below it) keeps the last lines in view

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._following = new_value >= self.max_scroll_y

    def on_resize(self, _event: Resize) -> None:  # RichLog.on_resize runs too (Textual calls each class's handler)
        if self._following:
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def _get_styles(self) -> dict[Tone, Style]:
        if self._styles is None:
            self._styles = tone_styles(self.app.theme_variables)
        return self._styles

    # writing -------------------------------------------------------------------------

    def echo(self, cmdline: str) -> None:
        self._add(TranscriptEntry(Chunk.ECHO, cmdline))

    def output(self, text: str) -> None:
        """Shell output as it came (a leading blank line, like PowerShell); trailing blank lines trimmed to one."""
        text = text.rstrip("\n")
        if text.strip():
            self._add(TranscriptEntry(Chunk.OUTPUT, text + "\n"))

    def errors(self, rendered: Iterable[str], width: int) -> None:
        """Error records, their long message lines word-wrapped at ``width`` like a console buffer would."""
        for text in rendered:
            self._add(TranscriptEntry(Chunk.ERROR, wrap_lines(text, width)))

    def note(self, text: str) -> None:
        self._add(TranscriptEntry(Chunk.NOTE, text))

    def _add(self, entry: TranscriptEntry) -> None:
        self.entries.append(entry)
        self._write(entry)

    def rebuild(self) -> None:
        self.clear()
        for entry in self.entries:
            self._write(entry)

    def clear_transcript(self) -> None:
        self.entries.clear()
        self.clear()

    def _write(self, entry: TranscriptEntry) -> None:
        text = self._render_entry(entry)
        width = max((cell_len(line) for line in text.plain.split("\n")), default=1)
        self.write(text, width=max(width, 1))

    def _render_entry(self, entry: TranscriptEntry) -> Text:
        styles = self._get_styles()
        if entry.kind is Chunk.ECHO:
            return Text.assemble(
                (self.prompt, styles[Tone.INFO] + Style(bold=True)),
                (entry.text, Style(bold=True)),
                no_wrap=True,
                overflow="ignore",
            )
        style = {Chunk.OUTPUT: Style(), Chunk.ERROR: styles[Tone.BAD], Chunk.NOTE: styles[Tone.MUTED]}[entry.kind]
        return Text(entry.text, style=style, no_wrap=True, overflow="ignore")

    def plain_text(self) -> str:
        """The kept transcript as plain text (tests and copy)."""
        lines = []
        for e in self.entries:
            lines.append(self.prompt + e.text if e.kind is Chunk.ECHO else e.text.rstrip("\n"))
        return "\n".join(lines)


class CommandInput(Input):
    """The prompt's input: Enter runs, Tab completes (again: the next candidate), Up / Down walk the history.

    Bound here rather than on a container: Input binds up / down itself (to scroll).
    """

    # Textual's command palette has a CommandInput of its own, and a type selector matches both:
    # the class keeps these rules off the palette's search field (else its text has no row to show in).
    DEFAULT_CLASSES = "console-input"
    DEFAULT_CSS = """
    CommandInput.console-input { border: none; height: 1; padding: 0; }
    CommandInput.console-input:focus { border: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "leave", "Tables", id="console.leave", tooltip="Leave the console; keys act on the tables again"
        ),
        Binding(
            "tab",
            "complete(1)",
            "Complete",
            id="console.complete",
            tooltip="Complete the cmdlet, parameter or name; press again for the next candidate",
        ),
        Binding(
            "shift+tab",
            "complete(-1)",
            "Previous",
            id="console.complete_back",
            show=False,
            tooltip="The previous completion candidate",
        ),
        Binding(
            "up",
            "history(-1)",
            "History",
            key_display="↑↓",
            id="console.history_back",
            tooltip="The previous command line (every key you pressed in the cockpit is there too)",
        ),
        Binding(
            "down",
            "history(1)",
            "Newer",
            id="console.history_forward",
            show=False,
            tooltip="The next command line, then the line you were typing",
        ),
        Binding(
            "ctrl+l", "clear", "Clear", id="console.clear", tooltip="Clear the console transcript (the history stays)"
        ),
    ]

    class LineEntered(Message):
        """Enter was pressed on ``line`` (the input is empty again)."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class LeaveRequested(Message):
        """Escape: the app gives focus back to the tables."""

    class ClearRequested(Message):
        """ctrl+l: clear the transcript."""

    class CompletionsChanged(Message):
        """Candidates to list above the prompt (empty: hide the list)."""

        def __init__(self, candidates: tuple[str, ...], index: int) -> None:
            super().__init__()
            self.candidates = candidates
            self.index = index

    def __init__(
        self,
        *,
        history: Callable[[], Sequence[str]],
        complete: Callable[[str], list[str]],
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(placeholder=placeholder, select_on_focus=False, id=id)
        self._history = history
        self._complete = complete
        self._walker = HistoryWalker()
        self._completion: Completion | None = None

    def set_line(self, value: str, cursor: int | None = None) -> None:
        self.value = value
        self.cursor_position = len(value) if cursor is None else cursor

    @property
    def completions(self) -> tuple[str, ...]:
        """The candidates being cycled through (tests)."""
        return self._completion.candidates if self._completion is not None else ()

    @on(Input.Changed)
    def _changed(self, _event: Input.Changed) -> None:
        # typing after a Tab keeps the chosen candidate and ends the cycle
        if self._completion is not None and self.value != self._completion.value:
            self._end_completion()

    def _on_blur(self, event: Blur) -> None:
        self._end_completion()
        super()._on_blur(event)

    async def action_submit(self) -> None:
        line = self.value
        self._walker.reset()
        self._end_completion()
        self.set_line("")
        self.post_message(self.LineEntered(line))

    def action_leave(self) -> None:
        self._end_completion()
        self.post_message(self.LeaveRequested())

    def action_clear(self) -> None:
        self.post_message(self.ClearRequested())

    def action_history(self, direction: int) -> None:
        self._end_completion()
        history = self._history()
        line = self._walker.older(history, self.value) if direction < 0 else self._walker.newer(history)
        if line is None:
            self.app.bell()
            return
        self.set_line(line)

    def action_complete(self, direction: int) -> None:
        current = self._completion
        if current is not None and current.value == self.value:
            self._show_completion(current.step(direction))
            return
        try:
            candidates = self._complete(self.value[: self.cursor_position])
        except Exception:  # completion is a help; a bug in it must not cost the line
            candidates = []
        completion = start_completion(self.value, self.cursor_position, candidates, backwards=direction < 0)
        if completion is None:
            self._end_completion()
            self.app.bell()
            return
        self._show_completion(completion)

    def _show_completion(self, completion: Completion) -> None:
        if len(completion.candidates) == 1:
            self._end_completion()
            self.set_line(completion.value, completion.cursor)
            return
        self._completion = completion
        self.set_line(completion.value, completion.cursor)
        self.post_message(self.CompletionsChanged(completion.candidates, completion.index))

    def _end_completion(self) -> None:
        if self._completion is not None:
            self._completion = None
            self.post_message(self.CompletionsChanged((), 0))


class ConsolePrompt(Vertical):
    """``PS HVCLUS> `` and the :class:`CommandInput`, with the completion candidates above it when there are several."""

    DEFAULT_CSS = """
    ConsolePrompt { height: auto; }
    ConsolePrompt > #completions { height: 1; display: none; text-wrap: nowrap; text-overflow: ellipsis; }
    ConsolePrompt > #completions.-shown { display: block; }
    ConsolePrompt > #prompt-line { height: 1; }
    ConsolePrompt #prompt { width: auto; height: 1; text-wrap: nowrap; }
    ConsolePrompt CommandInput { width: 1fr; }
    """

    HINT = ": or ` to type a command · keys act on the selected node / role · ctrl+p lists every command"
    FOCUSED_HINT = "Get-Help · Get-Command · tab completes · ↑↓ history · esc back to the tables"

    def __init__(
        self,
        prompt: str,
        *,
        history: Callable[[], Sequence[str]],
        complete: Callable[[str], list[str]],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._prompt = prompt
        self._history = history
        self._complete = complete

    def compose(self) -> ComposeResult:
        yield Static(id="completions")
        with Horizontal(id="prompt-line"):
            yield Static(f"[b $text-primary]{escape(self._prompt)}[/]", id="prompt")
            yield CommandInput(history=self._history, complete=self._complete, placeholder=self.HINT, id="console")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def set_prompt(self, prompt: str) -> None:
        """``PS HVCLUS>`` follows the cluster's name (New-Cluster names it)."""
        if prompt != self._prompt:
            self._prompt = prompt
            self.query_one("#prompt", Static).update(f"[b $text-primary]{escape(prompt)}[/]")

    def on_descendant_focus(self) -> None:
        self.input.placeholder = self.FOCUSED_HINT
        self.add_class("-active")

    def on_descendant_blur(self) -> None:
        self.input.placeholder = self.HINT
        self.remove_class("-active")

    @on(CommandInput.CompletionsChanged)
    def _completions(self, event: CommandInput.CompletionsChanged) -> None:
        event.stop()
        hint = self.query_one("#completions", Static)
        if event.candidates:
            parts = [
                f"[reverse]{escape(c)}[/]" if i == event.index else escape(c) for i, c in enumerate(event.candidates)
            ]
            hint.update("[dim]tab:[/] " + "  ".join(parts))
        hint.set_class(bool(event.candidates), "-shown")


class PaneTabs(Horizontal):
    """``Events │ Migrations │ Storage │ Console`` over the lower pane when it shows one of them at a time."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; }
    PaneTabs > .pane-tab { width: auto; height: 1; padding: 0 1; }
    PaneTabs > #pane-hint { width: 1fr; height: 1; text-align: right; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    PANES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("events", "Events"),
        ("migrations", "Migrations"),
        ("storage", "Storage"),
        ("networks", "Networks"),
        ("cau", "CAU"),
        ("lab", "Lab"),
        ("console", "Console"),
    )

    class Selected(Message):
        def __init__(self, pane: str) -> None:
            super().__init__()
            self.pane = pane

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        for pane, label in self.PANES:
            yield Static(label, id=f"tab-{pane}", classes="pane-tab")
        yield Static("[dim]e switches · : types a command[/]", id="pane-hint")

    def show(self, pane: str) -> None:
        for name, _label in self.PANES:
            self.query_one(f"#tab-{name}").set_class(name == pane, "-active")

    def set_count(self, pane: str, count: int) -> None:
        """``Migrations 2``: how many things run in a pane that is not shown (0: the plain label)."""
        if self._counts.get(pane, 0) == count:
            return
        self._counts[pane] = count
        label = dict(self.PANES)[pane]
        tab = self.query_one(f"#tab-{pane}", Static)
        tab.update(f"{label} [b reverse]{count}[/]" if count else label)
        tab.set_class(bool(count), "-busy")

    def on_click(self, event: Click) -> None:
        widget = event.widget
        if widget is not None and widget.id and widget.id.startswith("tab-"):
            self.post_message(self.Selected(widget.id.removeprefix("tab-")))
