"""Format-Table / Format-List the way PowerShell's default views print them.

PowerShell's table: a blank line, a header row, a row of dashes under each header, one row
per object, a blank line. Columns are as wide as their content (``-AutoSize``) and shrink to
fit the console width, truncating with ``...``; numbers are right-aligned. Lists print
``Name : value`` with the names padded to the longest, objects separated by a blank line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import wildcard
from .objects import PSObject, to_text


@dataclass(frozen=True, slots=True)
class View:
    """Default table columns and default list properties of one object type."""

    table: tuple[str, ...]
    list: tuple[str, ...] = ()


#: type short name -> profile -> view. Filled by the cmdlet modules (``register_view``).
_VIEWS: dict[str, Callable[[str], View]] = {}


def register_view(short_type: str, view: Callable[[str], View]) -> None:
    _VIEWS[short_type] = view


def view_for(obj: PSObject, profile: str) -> View | None:
    if obj.type_name.startswith("Selected."):
        return None  # Select-Object output has only the selected properties
    factory = _VIEWS.get(obj.short_type)
    return factory(profile) if factory else None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _cell(obj: Any, prop: str | Column) -> Any:
    if isinstance(prop, Column):
        return prop.value(obj)
    if isinstance(obj, PSObject):
        return obj.get(prop)
    return None


@dataclass(frozen=True, slots=True)
class Column:
    """A calculated column (``@{Name='X'; Expression={...}}``) or a renamed property."""

    label: str
    value: Callable[[Any], Any]


def format_table(
    objects: Sequence[Any], columns: Sequence[str | Column], width: int = 120, hide_headers: bool = False
) -> str:
    if not objects:
        return ""
    labels = [c.label if isinstance(c, Column) else _label(objects[0], c) for c in columns]
    rows: list[list[Any]] = [[_cell(o, c) for c in columns] for o in objects]
    texts = [[to_text(v) for v in row] for row in rows]
    numeric = [
        all(_is_number(r[i]) or r[i] is None for r in rows) and any(_is_number(r[i]) for r in rows)
        for i in range(len(columns))
    ]
    widths = [max([len(labels[i])] + [len(t[i]) for t in texts]) for i in range(len(columns))]
    widths = _fit(widths, width - 1)
    out = [""]
    if not hide_headers:
        out.append(_row(labels, widths, numeric))
        out.append(_row(["-" * min(len(lbl), w) for lbl, w in zip(labels, widths, strict=True)], widths, numeric))
    out.extend(_row(t, widths, numeric) for t in texts)
    out.append("")
    return "\n".join(line.rstrip() for line in out) + "\n"


def _label(obj: Any, prop: str) -> str:
    if isinstance(obj, PSObject):
        return obj.key(prop) or prop
    return prop


def _fit(widths: list[int], total: int) -> list[int]:
    """Shrink the widest columns until the row (with single spaces between) fits."""
    widths = list(widths)
    while sum(widths) + len(widths) - 1 > total:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= 4:
            break
        widths[i] -= 1
    return widths


def _clip(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(0, width - 3)] + "..." if width > 3 else text[:width]


def _row(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    parts = []
    for text, w, num in zip(cells, widths, numeric, strict=True):
        t = _clip(text, w)
        parts.append(t.rjust(w) if num else t.ljust(w))
    return " ".join(parts)


def format_list(objects: Sequence[Any], props: Sequence[str | Column] | None, width: int = 120) -> str:
    if not objects:
        return ""
    blocks = []
    for obj in objects:
        if not isinstance(obj, PSObject):
            blocks.append(to_text(obj))
            continue
        chosen: Sequence[str | Column] = props if props is not None else list(obj.props)
        labels = [p.label if isinstance(p, Column) else (obj.key(p) or p) for p in chosen]
        pad = max((len(lbl) for lbl in labels), default=0)
        lines = []
        for lbl, p in zip(labels, chosen, strict=True):
            value = to_text(_cell(obj, p))
            prefix = f"{lbl.ljust(pad)} : "
            lines.append(prefix + _wrap(value, width - len(prefix), len(prefix)))
        blocks.append("\n".join(lines))
    return "\n" + "\n\n".join(blocks) + "\n\n"


def _wrap(text: str, room: int, indent: int) -> str:
    if room < 10 or len(text) <= room:
        return text
    chunks = [text[i : i + room] for i in range(0, len(text), room)]
    return ("\n" + " " * indent).join(chunks)


def expand_star(objects: Sequence[Any], props: Sequence[str]) -> list[str]:
    """``*`` and wildcards in a property list expand to the object's property names."""

    names: list[str] = []
    sample = next((o for o in objects if isinstance(o, PSObject)), None)
    for p in props:
        if any(ch in p for ch in "*?") and sample is not None:
            names.extend(k for k in sample.props if wildcard.fnmatchcase(k.lower(), p.lower()) and k not in names)
        else:
            names.append(p)
    return names


def default_format(objects: Sequence[Any], profile: str, width: int = 120) -> str:
    """Out-Default: group consecutive objects of one type; table when the type has a table view
    or at most 4 properties, list otherwise; scalars one per line."""
    out: list[str] = []
    i = 0
    while i < len(objects):
        obj = objects[i]
        if not isinstance(obj, PSObject):
            j = i
            lines = []
            while j < len(objects) and not isinstance(objects[j], PSObject):
                lines.append(to_text(objects[j]))
                j += 1
            out.append("\n".join(lines) + "\n")
            i = j
            continue
        j = i
        while j < len(objects) and isinstance(objects[j], PSObject) and objects[j].type_name == obj.type_name:
            j += 1
        group = list(objects[i:j])
        view = view_for(obj, profile)
        if view is not None and not view.table and view.list:
            out.append(format_list(group, list(view.list), width))
        elif view is not None and view.table:
            out.append(format_table(group, view.table, width))
        elif len(obj.props) <= 4:
            out.append(format_table(group, list(obj.props), width))
        else:
            out.append(format_list(group, list(view.list) if view and view.list else None, width))
        i = j
    return "".join(out)


def _calculated(evaluate: Callable[[Any, Any], Any], expr: Any) -> Callable[[Any], Any]:
    return lambda o: evaluate(expr, o)


def columns_from(spec: Sequence[Any], evaluate: Callable[[Any, Any], Any]) -> list[str | Column]:
    """Property list items: names, or hashtables ``@{Name/Label=...; Expression=...}``."""
    cols: list[str | Column] = []
    for item in spec:
        if isinstance(item, Mapping):
            label = next((str(v) for k, v in item.items() if str(k).lower() in ("name", "label", "n", "l")), "")
            expr = next((v for k, v in item.items() if str(k).lower() in ("expression", "e")), None)
            cols.append(Column(label or "Expression", _calculated(evaluate, expr)))
        else:
            cols.append(str(item))
    return cols
