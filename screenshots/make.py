"""Save SVG screenshots of the cockpit: ``.venv/bin/python screenshots/make.py``.

Each shot starts the app paused on the default lab and drives it headless (Pilot), so the
pictures are deterministic. Output goes next to this file.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402

from clusterlab.tui import ClusterLabApp, make_app  # noqa: E402
from clusterlab.tui.widgets import CommandInput  # noqa: E402

Scenario = Callable[[ClusterLabApp, Pilot[None]], Awaitable[None]]


async def _start(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.pause()


async def _crash_hv02(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.press("down")  # HV02
    await pilot.press("c")
    for _ in range(12):  # two simulated minutes, in ten-second steps like a running clock
        app.advance_sim(10)
    await pilot.press("tab", "down", "down")  # roles table, SQL01: why did it go where it went?
    await pilot.pause()


async def _light_theme(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await _crash_hv02(app, pilot)
    await pilot.press("ctrl+t")
    await pilot.pause()


async def _palette(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"crash hv0")
    await pilot.pause(0.5)


async def _console(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Crash HV02 by key (echoed as its cmdlet), then ask the console what happened."""
    prompt = app.query_one(CommandInput)
    prompt.cursor_blink = False
    await pilot.press("down", "c")
    for _ in range(3):  # thirty simulated seconds: HV02 is Down, its roles are failing over
        app.advance_sim(10)
    await pilot.press("colon")
    for line in ("Get-ClusterNode", "Get-ClusterGroup | Where-Object OwnerNode -eq HV01", "Get-ClusterNod"):
        prompt.insert_text_at_cursor(line)
        await pilot.press("enter")
    app.clear_notifications()  # the toast would cover the transcript
    prompt.insert_text_at_cursor("Move-ClusterGroup SQL01 -Node HV0")
    await pilot.press("tab")
    await pilot.pause()


async def _drain_hv02(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Drain HV02 by key: the Migrations view shows SQL01 (High) live-migrating, FS01 (Medium) waiting its turn."""
    await pilot.press("down", "d")
    for _ in range(3):  # thirty simulated seconds
        app.advance_sim(10)
    await pilot.pause()


async def _drained_then_resume(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """HV02 drained (Paused · drained), then u: Resume-ClusterNode -Failback Immediate brings its roles back."""
    await pilot.press("down", "d")
    for _ in range(12):  # two simulated minutes: the drain completes
        app.advance_sim(10)
    await pilot.press("u")
    for _ in range(2):
        app.advance_sim(10)
    await pilot.pause()


SHOTS: list[tuple[str, tuple[int, int], Scenario]] = [
    ("start-120x40", (120, 40), _start),
    ("crash-hv02-120x40", (120, 40), _crash_hv02),
    ("start-80x24", (80, 24), _start),
    ("crash-hv02-80x24", (80, 24), _crash_hv02),
    ("crash-hv02-200x50", (200, 50), _crash_hv02),
    ("light-theme-120x40", (120, 40), _light_theme),
    ("palette-120x40", (120, 40), _palette),
    ("console-120x40", (120, 40), _console),
    ("console-80x24", (80, 24), _console),
    ("console-200x50", (200, 50), _console),
    ("drain-hv02-120x40", (120, 40), _drain_hv02),
    ("drain-hv02-80x24", (80, 24), _drain_hv02),
    ("drain-hv02-200x50", (200, 50), _drain_hv02),
    ("resume-failback-120x40", (120, 40), _drained_then_resume),
]


async def shoot(name: str, size: tuple[int, int], scenario: Scenario) -> Path:
    app = make_app(paused=True)
    async with app.run_test(size=size) as pilot:
        await scenario(app, pilot)
        await pilot.pause()
        path = app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    return Path(path)


async def main() -> None:
    for name, size, scenario in SHOTS:
        print(await shoot(name, size, scenario))


if __name__ == "__main__":
    asyncio.run(main())
