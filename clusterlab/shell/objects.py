"""PowerShell-like objects: an ordered bag of properties with a .NET type name.

Cmdlets wrap simulation snapshots in these; the formatter and the executor's member access
work on them. Settable properties carry a setter that turns ``obj.Prop = value`` into a
cluster command, the way ``(Get-ClusterNode HV04).NodeWeight = 0`` works on a real cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

Setter = Callable[[Any], None]


@dataclass(eq=False)
class PSObject:
    type_name: str
    props: dict[str, Any]
    display: str | None = None  # ToString(); defaults to the Name property
    setters: dict[str, Setter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = {k.lower(): k for k in self.props}

    def key(self, name: str) -> str | None:
        return self._keys.get(name.lower())

    def get(self, name: str) -> Any:
        k = self.key(name)
        if k is None:
            return None
        return self.props[k]

    def has(self, name: str) -> bool:
        return name.lower() in self._keys

    def setter(self, name: str) -> Setter | None:
        k = self.key(name)
        return self.setters.get(k) if k is not None else None

    def set_local(self, name: str, value: Any) -> None:
        k = self.key(name) or name
        self.props[k] = value
        self._keys[k.lower()] = k

    @property
    def short_type(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    def __str__(self) -> str:
        if self.display is not None:
            return self.display
        name = self.get("Name")
        return str(name) if name is not None else self.type_name

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.props.items())


def make(
    type_name: str, props: Mapping[str, Any], setters: Mapping[str, Setter] | None = None, display: str | None = None
) -> PSObject:
    return PSObject(type_name, dict(props), display, dict(setters or {}))


def to_text(value: Any) -> str:
    """How PowerShell shows a value in a table cell or list."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, timedelta):
        total = value.total_seconds()
        days, rem = divmod(int(total), 86400)
        h, rem = divmod(rem, 3600)
        m, s = divmod(rem, 60)
        frac = total - int(total)
        base = f"{h:02d}:{m:02d}:{s:02d}"
        if days:
            base = f"{days}.{base}"
        return base + (f".{round(frac * 1e7):07d}" if frac else "")
    if isinstance(value, datetime):
        return f"{value.month}/{value.day}/{value.year} {value.strftime('%I:%M:%S %p').lstrip('0')}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(to_text(v) for v in value) + "}"
    return str(value)


def flatten(values: Iterable[Any]) -> list[Any]:
    """Pipelines unroll arrays one level, as PowerShell does."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, list | tuple):
            out.extend(v)
        else:
            out.append(v)
    return out
