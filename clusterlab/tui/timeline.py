"""The session's timeline: its commands and the notable cluster events, as moments to go back to.

Pure data (no Textual). Going back to a moment re-simulates the session from the lab's start
with the commands issued before it (the journal's determinism: same lab, seed and commands, same
events), then runs the clock to the moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clusterlab.sim import ClusterEvent, Level

#: Event levels that make a moment on the timeline.
NOTABLE: frozenset[Level] = frozenset({Level.CRITICAL, Level.ERROR})
#: At most this many event moments (the newest), so the list stays short.
MAX_EVENT_MOMENTS = 60


@dataclass(frozen=True, slots=True)
class Moment:
    time: float
    kind: str  # start / command / event
    text: str
    #: commands kept when going back here: the first ``kept`` of the session's timeline
    kept: int
    level: str = ""


def moments(commands: Sequence[tuple[float, str]], events: Sequence[ClusterEvent]) -> list[Moment]:
    """The start, each command (going there undoes it and what came after) and each Critical or Error event
    (going there keeps the commands issued up to it), in time order."""
    out = [Moment(0.0, "start", "Lab start", 0)]
    for i, (t, line) in enumerate(commands):
        out.append(Moment(t, "command", line, i))
    notable = [e for e in events if e.level in NOTABLE][-MAX_EVENT_MOMENTS:]
    for e in notable:
        kept = sum(1 for t, _ in commands if t <= e.time)
        first = e.message.split(". ")[0]
        out.append(Moment(e.time, "event", f"{e.display_id} {e.source}: {first}", kept, str(e.level)))
    # commands before events at the same instant: going to a command undoes it, so it comes first
    order = {"start": 0, "command": 1, "event": 2}
    out.sort(key=lambda m: (m.time, order[m.kind], m.kept))
    return out


def commands_to_keep(commands: Sequence[tuple[float, str]], moment: Moment) -> list[tuple[float, str]]:
    return list(commands[: moment.kept])
