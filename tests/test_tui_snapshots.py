"""Appearance of the cockpit (pytest-textual-snapshot), paused so every run draws the same.

Update after a deliberate change, without xdist:
``.venv/bin/python -m pytest tests/test_tui_snapshots.py -p no:xdist --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from clusterlab.tui import ClusterLabApp, make_app
from clusterlab.tui.widgets import CommandInput, SnapshotTable

SnapCompare = Callable[..., bool]


def test_start_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24))


def test_start_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40))


async def _crash_hv02_two_minutes(pilot: Pilot[Any]) -> None:
    """HV02 Isolated, its VMs Unmonitored (§7.3): 2022 waits ResiliencyDefaultPeriod before failing them over."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.press("down", "c")  # crash HV02
    app.advance_sim(120)
    await pilot.press("tab", "down", "down")  # SQL01: why did it land where it did?
    await pilot.pause()


def test_crash_hv02_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_crash_hv02_two_minutes)


def test_crash_hv02_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24), run_before=_crash_hv02_two_minutes)


async def _cau_run_fifty_minutes(pilot: Pilot[Any]) -> None:
    """U starts an Updating Run; fifty simulated minutes on, HV01 is updated and the next node is installing."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.press("U")
    for _ in range(50):
        app.advance_sim(60)
    app.clear_notifications()
    await pilot.pause()


def test_cau_run_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_cau_run_fifty_minutes)


def test_cau_run_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24), run_before=_cau_run_fifty_minutes)


async def _console_session(pilot: Pilot[Any]) -> None:
    """Crash HV02 by key, then look around at the console prompt (its echo, two queries, a Tab)."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    prompt = app.query_one(CommandInput)
    prompt.cursor_blink = False
    await pilot.press("down", "c")  # crash HV02: echoed as Invoke-LabFault -Node HV02 -Crash
    app.advance_sim(30)
    await pilot.press("colon")
    for line in ("Get-ClusterNode", "Get-ClusterGroup | Where-Object OwnerNode -eq HV01"):
        prompt.insert_text_at_cursor(line)
        await pilot.press("enter")
    prompt.insert_text_at_cursor("Get-ClusterN")
    await pilot.press("tab")
    await pilot.pause()


def test_console_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_console_session)


def test_console_split_200x50(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(200, 50), run_before=_console_session)


async def _drain_hv02_half_way(pilot: Pilot[Any]) -> None:
    """Drain HV02 by key and look 30 s later: SQL01 (High) is live-migrating, FS01 (Medium) waits its turn."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.press("down", "d")
    for _ in range(3):
        app.advance_sim(10)
    await pilot.pause()


def test_migrations_mid_drain_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_drain_hv02_half_way)


def test_migrations_mid_drain_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24), run_before=_drain_hv02_half_way)


def test_migrations_mid_drain_split_200x50(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(200, 50), run_before=_drain_hv02_half_way)


async def _storage_path_lost(pilot: Pilot[Any]) -> None:
    """The Storage view after f on HV02 × CSV1: HV02's I/O to CSV1 goes block redirected through HV01."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.press("e", "e")  # Events → Migrations → Storage
    app.query_one("#storage", SnapshotTable).focus()
    await pilot.press("right", "f")  # HV01 → HV02 on CSV1, and its path is gone
    app.advance_sim(10)
    await pilot.pause()


def test_storage_path_lost_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_storage_path_lost)


def test_storage_path_lost_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24), run_before=_storage_path_lost)


async def _events_filtered(pilot: Pilot[Any]) -> None:
    """HV02 crashed six minutes ago; the event log filtered to Warning and worse (F)."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.press("down", "c")
    for _ in range(36):
        app.advance_sim(10)
    await pilot.press("F")
    app.clear_notifications()
    await pilot.pause()


def test_events_filtered_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_events_filtered)


def test_events_filtered_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24), run_before=_events_filtered)


async def _networks(pilot: Pilot[Any]) -> None:
    """Networks tab: HV02 cut off the Cluster network (k), HV03's virtual switch lost its uplink (j)."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
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


def test_networks_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_networks)


def test_networks_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24), run_before=_networks)


async def _vm_detail(pilot: Pilot[Any]) -> None:
    """SQL01's detail screen after HV02's crash (it failed over) and a live migration to HV03."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.press("down", "c")
    for _ in range(36):
        app.advance_sim(10)
    app.run_cmdline("Move-ClusterVirtualMachineRole -Name SQL01 -Node HV03 -MigrationType Live -Wait 0")
    for _ in range(12):
        app.advance_sim(10)
    app.open_detail("vm", "SQL01")
    app.clear_notifications()
    await pilot.pause()


def test_vm_detail_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_vm_detail)


async def _timeline(pilot: Pilot[Any]) -> None:
    """T after a pause, a crash and a resume; [ [ puts the marker on the crash."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    app.run_cmdline("Suspend-ClusterNode -Name HV03")
    app.advance_sim(30)
    await pilot.press("down", "c")
    for _ in range(36):
        app.advance_sim(10)
    app.run_cmdline("Resume-ClusterNode -Name HV03")
    app.advance_sim(30)
    await pilot.press("T", "left_square_bracket", "left_square_bracket")
    app.clear_notifications()
    await pilot.pause()


def test_timeline_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), run_before=_timeline)


async def _quiz_answered(pilot: Pilot[Any]) -> None:
    """The 74-409 quorum walkthrough in the Lab pane: a wrong then the right answer to its quiz."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    await pilot.pause()
    await pilot.press("2", "4")
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


def test_walkthrough_lab_pane_120x40(snap_compare: SnapCompare) -> None:
    from clusterlab.lab import load_lab, resolve_lab

    app = make_app(load_lab(resolve_lab("74409-quorum")), paused=True, walkthrough=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_quiz_answered)


def test_walkthrough_lab_pane_80x24(snap_compare: SnapCompare) -> None:
    """On a short screen the narration takes less than half, and the roles keep a couple of rows."""
    from clusterlab.lab import load_lab, resolve_lab

    app = make_app(load_lab(resolve_lab("74409-quorum")), paused=True, walkthrough=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_quiz_answered)


def test_help_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40), press=["f1"])
