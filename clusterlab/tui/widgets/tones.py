"""Tones (good, bad, warn …) -> theme colours, for Rich text (tables, log) and Textual markup (panels)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.errors import StyleSyntaxError
from rich.style import Style
from rich.text import Text
from textual.markup import escape

from clusterlab.tui.rows import Cell, Tone

_VARIABLE = {
    Tone.GOOD: "text-success",
    Tone.BAD: "text-error",
    Tone.WARN: "text-warning",
    Tone.INFO: "text-primary",
}
_FALLBACK = {Tone.GOOD: "green", Tone.BAD: "red", Tone.WARN: "yellow", Tone.INFO: "blue"}

_MARKUP = {
    Tone.NORMAL: "",
    Tone.GOOD: "$text-success",
    Tone.BAD: "bold $text-error",
    Tone.WARN: "$text-warning",
    Tone.INFO: "$text-primary",
    Tone.MUTED: "dim",
    Tone.STRONG: "bold",
}


def tone_styles(variables: Mapping[str, str]) -> dict[Tone, Style]:
    """Rich styles for each tone from the current theme's CSS variables."""
    styles: dict[Tone, Style] = {Tone.NORMAL: Style(), Tone.MUTED: Style(dim=True), Tone.STRONG: Style(bold=True)}
    for tone, var in _VARIABLE.items():
        try:
            style = Style(color=variables.get(var, _FALLBACK[tone]))
        except StyleSyntaxError:
            style = Style(color=_FALLBACK[tone])
        styles[tone] = style + Style(bold=True) if tone is Tone.BAD else style
    return styles


def cell_text(cell: Cell, styles: Mapping[Tone, Style]) -> Text:
    return Text(cell.text, style=styles[cell.tone], no_wrap=True, overflow="ellipsis")


def cell_markup(cell: Cell) -> str:
    """Textual markup for a cell; theme variables keep it right when the theme changes."""
    style = _MARKUP[cell.tone]
    text = escape(cell.text)
    return f"[{style}]{text}[/]" if style else text
