"""The Lab view: a walkthrough's narration (Markdown), the current task with its check, the quiz."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Markdown, Static

from clusterlab.lab import Line

#: How each narration kind looks: (prefix, Textual markup style).
_STYLE = {
    "run": ("PS> ", "$text-primary"),
    "output": ("", "dim"),
    "pass": ("", "$text-success"),
    "fail": ("", "bold $text-error"),
    "done": ("", "bold $text-success"),
    "hint": ("Hint: ", "$text-warning"),
    "solution": ("Solution: PS> ", "$text-warning"),
    "right": ("", "bold $text-success"),
    "wrong": ("", "$text-error"),
    "end": ("", "bold $text-success"),
}

NO_WALKTHROUGH = (
    "This lab has no walkthrough: it is a sandbox. Break things with the keys, or press L to pick a "
    "walkthrough (each teaches an exam objective with tasks and a quiz)."
)


class LabView(Vertical):
    """Narration above, the current task or quiz pinned below."""

    DEFAULT_CSS = """
    LabView { height: 1fr; }
    LabView > #lab-narration { height: 1fr; padding: 0 1; }
    LabView > #lab-narration > Markdown { margin: 0; padding: 0; }
    LabView > #lab-narration > Markdown MarkdownBlock { margin: 0 0 1 0; }
    LabView > #lab-narration > Static { height: auto; }
    LabView > #lab-narration > .lab-choices { padding: 0 0 1 2; }
    LabView > #lab-status { height: auto; padding: 0 1; background: $boost; }
    LabView > #lab-status.-met { color: $text-success; }
    LabView > #lab-status.-hidden { display: none; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="lab-narration"):
            yield Static(NO_WALKTHROUGH, id="lab-empty")
        yield Static("", id="lab-status", classes="-hidden")

    def add(self, lines: Iterable[Line]) -> None:
        """Append narration; the view follows the newest line."""
        box = self.query_one("#lab-narration", VerticalScroll)
        widgets: list[Static | Markdown] = []
        for line in lines:
            if line.kind in ("say", "explain"):
                widgets.append(Markdown(line.text))
            elif line.kind == "task":
                widgets.append(Markdown(f"**Task:** {line.text}"))
            elif line.kind == "quiz":
                question, _, choices = line.text.partition("\n")
                widgets.append(Markdown(f"**Quiz:** {question}"))
                widgets.append(Static(escape(choices), classes="lab-choices"))
            else:
                prefix, style = _STYLE.get(line.kind, ("", ""))
                text = escape(prefix + line.text)
                widgets.append(Static(f"[{style}]{text}[/]" if style else text, classes=f"lab-{line.kind}"))
        if not widgets:
            return
        empty = self.query("#lab-empty")
        if empty:
            empty.remove()
        box.mount_all(widgets)
        box.scroll_end(animate=False)

    def follow(self) -> None:
        """Scroll to the newest narration."""
        self.query_one("#lab-narration", VerticalScroll).scroll_end(animate=False)

    def status(self, text: str | None, *, met: bool = False) -> None:
        """The pinned line: the task and whether its check holds, or the quiz keys; None hides it."""
        pinned = self.query_one("#lab-status", Static)
        pinned.set_class(text is None, "-hidden")
        pinned.set_class(met, "-met")
        if text is not None:
            pinned.update(text)
