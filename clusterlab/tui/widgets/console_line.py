"""The console line: the PowerShell command the last action stood for, and how it went."""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

HINT = "keys act on the selected node / role · tab switches table · ctrl+p lists every command"


class ConsoleLine(Static):
    def on_mount(self) -> None:
        self.update(f"[b $text-primary]PS>[/] [dim]{escape(HINT)}[/]")

    def show(self, cmdline: str, error: str | None) -> None:
        text = f"[b $text-primary]PS>[/] [b]{escape(cmdline)}[/]"
        if error:
            text += f"  [$text-error]✗ {escape(error)}[/]"
        self.update(text)
        self.set_class(error is not None, "-error")
