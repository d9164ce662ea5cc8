"""Save SVG screenshots of the cockpit: ``.venv/bin/python screenshots/make.py``.

Each shot starts the app paused on the default lab and drives it headless (Pilot), so the
pictures are deterministic. Output goes next to this file.

``screenshots/browser.py`` is the browser counterpart: it runs ``clusterlab serve`` and drives it
in headless Chromium with Playwright (the PNGs ``browser-*.png``); it needs both installed, so it
is a separate command and not part of the tests.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402

from clusterlab.lab import load_lab, resolve_lab  # noqa: E402
from clusterlab.tui import ClusterLabApp, make_app  # noqa: E402
from clusterlab.tui.widgets import CommandInput, SnapshotTable  # noqa: E402

Scenario = Callable[[ClusterLabApp, Pilot[None]], Awaitable[None]]


async def _start(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.pause()


async def _crash_hv02(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Six minutes after HV02 lost power: 20 s detection + 240 s resiliency period, then its VMs restarted."""
    await pilot.press("down")  # HV02
    await pilot.press("c")
    for _ in range(36):  # six simulated minutes, in ten-second steps like a running clock
        app.advance_sim(10)
    await pilot.press("tab", "down", "down")  # roles table, SQL01: why did it go where it went?
    await pilot.pause()


async def _isolated_hv02(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Two minutes after HV02 lost power: Isolated, its VMs Unmonitored for ResiliencyDefaultPeriod (§7.3)."""
    await pilot.press("down", "c")
    for _ in range(12):
        app.advance_sim(10)
    await pilot.press("tab", "down", "down")
    await pilot.pause()


async def _cau_run(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """U starts a Cluster-Aware Updating run; 50 simulated minutes on HV01 is done and HV02 is installing."""
    await pilot.press("U")
    for _ in range(50):
        app.advance_sim(60)
    app.clear_notifications()
    await pilot.pause()


async def _walkthrough(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """The 74-409 quorum walkthrough: its narration, a wrong then a right quiz answer, the next task."""
    await pilot.pause()
    await pilot.press("2")  # a wrong answer first
    await pilot.press("4")  # then the right one: the explanation follows, then the next task
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


async def _light_theme(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await _crash_hv02(app, pilot)
    await pilot.press("ctrl+t")
    await pilot.pause()


async def _help(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.press("f1")
    await pilot.pause()


async def _lab_picker(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """L, filtered to quorum labs, the 74-409 walkthrough highlighted (no saved progress: a fresh data dir)."""
    import os
    import tempfile

    from clusterlab.tui.picker import LabPicker

    os.environ["CLUSTERLAB_DATA"] = tempfile.mkdtemp(prefix="clusterlab-shots-")
    await pilot.press("L")
    for _ in range(200):  # the library loads in a worker thread
        await pilot.pause(0.05)
        if isinstance(app.screen, LabPicker):
            break
    app.clear_notifications()
    await pilot.press(*"quorum", "down")
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


async def _storage_path_lost(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Storage tab, HV02 × CSV1, f: HV02 loses its path to CSV1 and its I/O goes block redirected through HV01."""
    await pilot.click("#tab-storage")
    app.query_one("#storage", SnapshotTable).focus()
    await pilot.press("right", "f")
    for _ in range(3):
        app.advance_sim(10)
    app.clear_notifications()
    await pilot.pause()


async def _storage_redirected_and_moving(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """After a path loss: redirected access on CSV2 (a), SQL01's storage migrating to CSV2 (v) — a busy storage day."""
    await _storage_path_lost(app, pilot)
    await pilot.press("down", "a")  # CSV2: every node but its coordinator HV02 goes file system redirected
    roles = app.query_one("#roles", SnapshotTable)
    roles.focus()
    roles.move_cursor(row=roles.get_row_index("SQL01"))
    await pilot.press("v")  # storage migration of SQL01 to CSV2
    app.advance_sim(20)
    app.query_one("#storage", SnapshotTable).focus()
    await pilot.pause()


async def _paused_critical(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Every node loses its path to CSV1: it is inaccessible (5142) and its VMs go Paused-Critical (2016+)."""
    for node in ("HV01", "HV02", "HV03", "HV04"):
        app.run_cmdline(f"Invoke-LabFault -Node {node} -StoragePath CSV1")
    app.advance_sim(10)
    await pilot.click("#tab-storage")
    roles = app.query_one("#roles", SnapshotTable)
    roles.focus()
    roles.move_cursor(row=roles.get_row_index("SQL01"))
    app.clear_notifications()
    await pilot.pause()


async def _events_filtered(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Six minutes after HV02 crashed, the event log filtered to Warning and worse (F F: Error and worse → F)."""
    await _crash_hv02(app, pilot)
    await pilot.press("F")  # Warning and worse
    app.clear_notifications()
    await pilot.pause()


async def _events_filter_prompt(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """/ opens the filter prompt: a level, an event ID and a source."""
    await _crash_hv02(app, pilot)
    await pilot.press("slash")
    await pilot.press(*"error+ 1069 1135")
    await pilot.pause()


async def _networks(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """Networks tab: HV02 cut off the Cluster network (k), HV03's virtual switch lost its uplink (j)."""
    app.show_networks("#interfaces")
    interfaces = app.query_one("#interfaces", SnapshotTable)
    interfaces.move_cursor(row=interfaces.get_row_index("HV02 - Cluster"))
    await pilot.press("k")
    interfaces.move_cursor(row=interfaces.get_row_index("HV03 - Management"))
    await pilot.press("j")
    for _ in range(3):
        app.advance_sim(10)
    interfaces.move_cursor(row=interfaces.get_row_index("HV02 - Cluster"))
    app.clear_notifications()
    await pilot.pause()


async def _vm_detail(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """SQL01's detail after HV02's crash (it failed over) and a live migration: state history, downtime, migrations."""
    await pilot.press("down", "c")
    for _ in range(36):
        app.advance_sim(10)
    app.run_cmdline("Move-ClusterVirtualMachineRole -Name SQL01 -Node HV03 -MigrationType Live -Wait 0")
    for _ in range(12):
        app.advance_sim(10)
    app.open_detail("vm", "SQL01")
    app.clear_notifications()
    await pilot.pause()


async def _node_detail(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await _crash_hv02(app, pilot)
    app.open_detail("node", "HV02")
    app.clear_notifications()
    await pilot.pause()


async def _cau_detail(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await _cau_run(app, pilot)
    app.open_detail("cau", "")
    await pilot.pause()


async def _timeline(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    """T after a pause, a crash and a drain: the marker on the crash, ready to go back there."""
    app.run_cmdline("Suspend-ClusterNode -Name HV03")
    app.advance_sim(30)
    await _crash_hv02(app, pilot)
    app.run_cmdline("Resume-ClusterNode -Name HV03")
    app.advance_sim(30)
    await pilot.press("T")
    await pilot.press("left_square_bracket", "left_square_bracket")
    app.clear_notifications()
    await pilot.pause()


#: Shots on another lab than the default one: name -> shipped lab id (opened as a walkthrough).
LABS = {"walkthrough-120x40": "74409-quorum", "walkthrough-80x24": "74409-quorum"}

SHOTS: list[tuple[str, tuple[int, int], Scenario]] = [
    ("start-120x40", (120, 40), _start),
    ("crash-hv02-120x40", (120, 40), _crash_hv02),
    ("start-80x24", (80, 24), _start),
    ("crash-hv02-80x24", (80, 24), _crash_hv02),
    ("crash-hv02-200x50", (200, 50), _crash_hv02),
    ("isolated-hv02-120x40", (120, 40), _isolated_hv02),
    ("cau-run-120x40", (120, 40), _cau_run),
    ("cau-run-80x24", (80, 24), _cau_run),
    ("cau-run-200x50", (200, 50), _cau_run),
    ("walkthrough-120x40", (120, 40), _walkthrough),
    ("walkthrough-80x24", (80, 24), _walkthrough),
    ("light-theme-120x40", (120, 40), _light_theme),
    ("palette-120x40", (120, 40), _palette),
    ("lab-picker-80x24", (80, 24), _lab_picker),
    ("lab-picker-120x40", (120, 40), _lab_picker),
    ("help-120x40", (120, 40), _help),
    ("console-120x40", (120, 40), _console),
    ("console-80x24", (80, 24), _console),
    ("console-200x50", (200, 50), _console),
    ("drain-hv02-120x40", (120, 40), _drain_hv02),
    ("drain-hv02-80x24", (80, 24), _drain_hv02),
    ("drain-hv02-200x50", (200, 50), _drain_hv02),
    ("resume-failback-120x40", (120, 40), _drained_then_resume),
    ("storage-path-lost-120x40", (120, 40), _storage_path_lost),
    ("storage-path-lost-80x24", (80, 24), _storage_path_lost),
    ("storage-busy-120x40", (120, 40), _storage_redirected_and_moving),
    ("storage-busy-200x50", (200, 50), _storage_redirected_and_moving),
    ("storage-paused-critical-120x40", (120, 40), _paused_critical),
    ("events-filtered-120x40", (120, 40), _events_filtered),
    ("events-filtered-80x24", (80, 24), _events_filtered),
    ("events-filter-prompt-120x40", (120, 40), _events_filter_prompt),
    ("networks-120x40", (120, 40), _networks),
    ("networks-80x24", (80, 24), _networks),
    ("networks-200x50", (200, 50), _networks),
    ("vm-detail-120x40", (120, 40), _vm_detail),
    ("node-detail-120x40", (120, 40), _node_detail),
    ("cau-detail-120x40", (120, 40), _cau_detail),
    ("timeline-120x40", (120, 40), _timeline),
]


async def shoot(name: str, size: tuple[int, int], scenario: Scenario) -> Path:
    lab_id = LABS.get(name)
    if lab_id is not None:
        app = make_app(load_lab(resolve_lab(lab_id)), paused=True, walkthrough=True)
    else:
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
