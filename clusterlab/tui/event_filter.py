"""The event log's filter: levels, a source and event IDs, parsed from one line the learner types.

Pure data (no Textual). ``/`` in the cockpit opens a one-line prompt over the event log; what is
typed there is read by :func:`parse_filter`:

- a level name (``critical``, ``error``, ``warning``, ``information`` or ``crit``/``err``/``warn``/``info``)
  keeps that level; ``warning+`` keeps Warning and everything more severe;
- a number (``1135``) keeps that event ID; several numbers keep any of them;
- any other word (``HV02``, ``Hyper-V``, ``CSV1``) keeps events whose source (the object the event is
  about) or channel (System, Operational, Hyper-V, Lab) starts with it, case-insensitively;
- ``level:``, ``id:`` and ``source:`` prefixes say the same explicitly (``source:1135`` is a source).

Several words narrow the view (level AND id AND source); several values of one kind widen it.
Command echoes and notes show while only levels are filtered (they say what the learner did) and
are hidden by a source or ID filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterlab.sim import Level

#: Levels from the most severe.
LEVELS: tuple[Level, ...] = (Level.CRITICAL, Level.ERROR, Level.WARNING, Level.INFORMATION)

_LEVEL_WORDS: dict[str, Level] = {
    "critical": Level.CRITICAL,
    "crit": Level.CRITICAL,
    "error": Level.ERROR,
    "err": Level.ERROR,
    "warning": Level.WARNING,
    "warn": Level.WARNING,
    "information": Level.INFORMATION,
    "info": Level.INFORMATION,
}


class FilterError(ValueError):
    """A filter line that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What the event log shows; the empty filter shows everything."""

    levels: frozenset[Level] = frozenset()
    event_ids: frozenset[int] = frozenset()
    sources: tuple[str, ...] = ()  # lower-case prefixes of the source or channel

    @property
    def active(self) -> bool:
        return bool(self.levels or self.event_ids or self.sources)

    def matches_event(self, level: str, event_id: int | None, source: str, channel: str = "") -> bool:
        if self.levels and level not in self.levels:
            return False
        if self.event_ids and event_id not in self.event_ids:
            return False
        if self.sources:
            src, chan = source.lower(), channel.lower()
            if not any(src.startswith(s) or chan.startswith(s) for s in self.sources):
                return False
        return True

    @property
    def shows_commands(self) -> bool:
        """Command echoes, refusals and notes: shown unless a source or an ID is filtered."""
        return not (self.event_ids or self.sources)

    def text(self) -> str:
        """The filter as the prompt would read it back (and :func:`parse_filter` reads again)."""
        words: list[str] = []
        plus = next((lv for lv in LEVELS[1:] if self.levels == at_least(lv)), None)
        if plus is not None:
            words.append(f"{plus.value.lower()}+")
        else:
            words.extend(lv.value.lower() for lv in LEVELS if lv in self.levels)
        words.extend(str(i) for i in sorted(self.event_ids))
        words.extend(f"source:{s}" if s.isdigit() else s for s in self.sources)
        return " ".join(words)

    def describe(self) -> str:
        """``Warning and worse · ID 1135 · source HV02``: for the filter bar."""
        parts: list[str] = []
        if self.levels:
            ordered = [lv for lv in LEVELS if lv in self.levels]
            n = len(ordered)
            if n > 1 and ordered == list(LEVELS[:n]):
                parts.append(f"{ordered[-1].value} and worse")
            else:
                parts.append(" or ".join(lv.value for lv in ordered))
        if self.event_ids:
            parts.append(("ID " if len(self.event_ids) == 1 else "IDs ") + ", ".join(map(str, sorted(self.event_ids))))
        if self.sources:
            parts.append("source " + " or ".join(f"{s}…" for s in self.sources))
        return " · ".join(parts) if parts else "everything"


NO_FILTER = EventFilter()


def at_least(level: Level) -> frozenset[Level]:
    """``level`` and every more severe level."""
    return frozenset(LEVELS[: LEVELS.index(level) + 1])


def parse_filter(line: str) -> EventFilter:
    """Read a filter line (see the module docstring); an empty line is no filter."""
    levels: set[Level] = set()
    ids: set[int] = set()
    sources: list[str] = []
    for raw in line.replace(",", " ").split():
        word = raw.strip()
        key, sep, value = word.partition(":")
        kind = key.lower() if sep else ""
        if sep and kind not in ("level", "id", "source", "src"):
            kind, value = "", word  # a source with a colon in it
        if not sep:
            value = word
        if not value:
            raise FilterError(f"'{word}' says what to filter on but not the value.")
        low = value.lower()
        if kind in ("", "level") and low.rstrip("+") in _LEVEL_WORDS:
            level = _LEVEL_WORDS[low.rstrip("+")]
            levels.update(at_least(level) if low.endswith("+") else (level,))
        elif kind == "level":
            raise FilterError(f"'{value}' is not a level: critical, error, warning or information (warning+ …).")
        elif kind in ("", "id") and value.isdigit():
            ids.add(int(value))
        elif kind == "id":
            raise FilterError(f"'{value}' is not an event ID (a number such as 1135).")
        elif low not in sources:
            sources.append(low)
    return EventFilter(frozenset(levels), frozenset(ids), tuple(sources))


def next_level_filter(current: EventFilter) -> EventFilter:
    """``F``: all levels → Warning and worse → Error and worse → Critical → all levels (ID and source kept)."""
    steps: list[frozenset[Level]] = [
        frozenset(),
        at_least(Level.WARNING),
        at_least(Level.ERROR),
        frozenset({Level.CRITICAL}),
    ]
    try:
        i = steps.index(current.levels)
    except ValueError:
        i = 0
    return EventFilter(steps[(i + 1) % len(steps)], current.event_ids, current.sources)
