"""The calendar clock: simulated seconds since lab start mapped onto a calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: lab-format.md: default clock is "a Monday 09:00".
DEFAULT_START = datetime(2026, 1, 5, 9, 0, 0)


@dataclass(frozen=True, slots=True)
class CalendarClock:
    """Converts simulated seconds to calendar time and back; no wall clock anywhere."""

    start: datetime = DEFAULT_START

    def at(self, sim_s: float) -> datetime:
        return self.start + timedelta(seconds=sim_s)

    def seconds_until(self, when: datetime) -> float:
        return (when - self.start).total_seconds()

    def next_hour_start(self, sim_s: float, hour: int) -> float:
        """Simulated seconds of the next moment (strictly after ``sim_s``) the clock reads ``hour``:00."""
        now = self.at(sim_s)
        candidate = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if candidate <= now:
            candidate += timedelta(days=1)
        return self.seconds_until(candidate)


def format_elapsed(sim_s: float) -> str:
    """``HH:MM:SS`` of elapsed simulated time (hours may exceed 24)."""
    total = int(sim_s)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
