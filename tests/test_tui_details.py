"""Detail screens (node, VM, CSV, CAU run) and the timeline that goes back to an earlier moment."""

from __future__ import annotations

from textual.pilot import Pilot

from clusterlab.sim import VmState
from clusterlab.tui import ClusterLabApp
from clusterlab.tui.detail_screen import DetailScreen
from clusterlab.tui.timeline import moments
from clusterlab.tui.timeline_screen import TimelineScreen
from clusterlab.tui.widgets import SnapshotTable
from tests.test_tui import drive, log_text


async def _crash_hv02(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.press("down", "c")
    app.advance_sim(400)
    await pilot.pause()


def test_enter_on_a_node_opens_its_detail_and_escape_closes_it() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await _crash_hv02(app, pilot)
        await pilot.press("enter")  # HV02 is selected
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert screen.detail.kind == "node" and screen.detail.name == "HV02"
        text = screen.plain
        assert "NodeWeight 1" in text and "Memory" in text and "Roles" in text
        assert "CSVs it coordinates" in text and "Pending" in text
        assert "1135" in text  # its history: removed from the membership
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DetailScreen)

    drive(scenario)


def test_vm_detail_shows_state_history_downtime_and_migrations() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.run_cmdline("Move-ClusterVirtualMachineRole -Name DC01 -MigrationType Live -Wait 0")
        app.advance_sim(60)
        await _crash_hv02(app, pilot)
        assert app.open_detail("vm", "SQL01")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        history = app.cluster.vm_history("SQL01")
        assert history[0].host == "HV02" and history[-1].state is VmState.RUNNING
        text = screen.plain
        assert "Total downtime" in text and "State history" in text
        assert text.count(" on HV02 ") >= 1
        # live-updates: the app rebuilds the lines from each snapshot while the screen is open
        before = screen.detail
        app.advance_sim(30)
        assert screen.detail != before  # uptime moved on
        await pilot.press("escape")
        assert app.open_detail("vm", "DC01")
        await pilot.pause()
        dc01 = app.screen
        assert isinstance(dc01, DetailScreen)
        assert "Live" in dc01.plain and "took" in dc01.plain and " pass" in dc01.plain

    drive(scenario)


def test_enter_on_a_role_row_opens_the_vm_and_palette_lists_details() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.query_one("#roles", SnapshotTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.detail.kind == "vm"
        await pilot.press("escape")
        titles = {e.title: e for e in app.palette_entries()}
        assert "Details of node HV01" in titles and "Details of CSV CSV1" in titles and "Details of VM SQL01" in titles
        titles["Details of CSV CSV1"].run()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.detail.kind == "csv"
        assert "Coordinator" in screen.plain and "I/O per node" in screen.plain and "VMs on it" in screen.plain

    drive(scenario)


def test_cau_run_detail_lists_each_nodes_phases() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("U")
        for _ in range(50):
            app.advance_sim(60)
        titles = {e.title: e for e in app.palette_entries()}
        titles["Details of the Updating Run"].run()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.detail.kind == "cau"
        text = screen.plain
        assert "HV01: Succeeded" in text and "Installing" in text and "Result" in text

    drive(scenario)


def test_timeline_moments_order_commands_and_notable_events() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await _crash_hv02(app, pilot)
        ms = moments(app.timeline, app.cluster.events)
        assert ms[0].kind == "start" and ms[1].kind == "command"
        assert any(m.kind == "event" and "1135" in m.text and m.kept == 1 for m in ms)
        assert [m.time for m in ms] == sorted(m.time for m in ms)

    drive(scenario)


def test_timeline_brackets_move_the_marker_and_enter_goes_back() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.advance_sim(10)
        app.run_cmdline("Suspend-ClusterNode -Name HV03")
        app.advance_sim(20)
        await _crash_hv02(app, pilot)
        assert len(app.timeline) == 2
        await pilot.press("left_square_bracket")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        last = screen.marker
        assert last == len(screen.moments) - 1
        # move the marker back to the crash command
        crash = next(i for i, m in enumerate(screen.moments) if "Crash" in m.text)
        for _ in range(last - crash):
            await pilot.press("left_square_bracket")
        await pilot.press("right_square_bracket", "left_square_bracket")
        assert screen.marker == crash
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, TimelineScreen)
        # back before the crash: HV02 is Up, HV03 still paused, the crash is gone from the timeline
        assert app.snapshot.node("HV02").state == "Up"
        assert app.snapshot.node("HV03").state == "Paused"
        assert [line for _, line in app.timeline] == ["Suspend-ClusterNode -Name HV03"]
        assert app.cluster.now == screen.moments[crash].time
        assert "Went back to" in log_text(app)

    drive(scenario)


def test_timeline_escape_stays_and_palette_goes_back_to_the_start() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await _crash_hv02(app, pilot)
        now = app.cluster.now
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.cluster.now == now
        entry = next(e for e in app.palette_entries() if e.title.startswith("Go back to T+00:00:00: Lab start"))
        entry.run()
        await pilot.pause()
        assert app.cluster.now == 0.0 and app.timeline == []
        assert app.snapshot.node("HV02").state == "Up"

    drive(scenario)
