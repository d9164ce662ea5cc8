"""Pilot tests of the console pane: one shell behind every key, palette entry and typed line.

Like tests/test_tui.py, every app starts paused and time advances by direct calls (no sleeps).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from textual.message import Message
from textual.pilot import Pilot

from clusterlab.tui import ClusterLabApp, make_app
from clusterlab.tui.lineedit import HistoryWalker, start_completion, token_start
from clusterlab.tui.widgets import CommandInput, ConsoleLog, EventLog, PaneTabs, SnapshotTable
from clusterlab.tui.widgets.console import wrap_lines

Scenario = Callable[[ClusterLabApp, Pilot[None]], Awaitable[None]]


def drive(scenario: Scenario, *, size: tuple[int, int] = (120, 40)) -> ClusterLabApp:
    app = make_app(paused=True)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app


def transcript(app: ClusterLabApp) -> str:
    return app.query_one(ConsoleLog).plain_text()


def log_text(app: ClusterLabApp) -> str:
    return "\n".join(app.query_one(EventLog).plain_lines())


def prompt(app: ClusterLabApp) -> CommandInput:
    return app.query_one(CommandInput)


def node_state(app: ClusterLabApp, name: str) -> str:
    row = app.query_one("#nodes", SnapshotTable).row_data(name)
    assert row is not None
    return row[1].text


def error_notifications(app: ClusterLabApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def type_line(pilot: Pilot[None], line: str, *, enter: bool = True, keys: bool = False) -> None:
    """Focus the prompt with ``:`` and enter ``line``: key by key when ``keys`` (slow: a repaint per key),
    else pasted into the input as a whole."""
    app = pilot.app
    assert isinstance(app, ClusterLabApp)
    if not app.console_focused:
        await pilot.press("colon")
    if keys:
        await pilot.press(*line)
    else:
        prompt(app).insert_text_at_cursor(line)
    if enter:
        await pilot.press("enter")
    await pilot.pause()


# typing commands ---------------------------------------------------------------------------


def test_typed_get_clusternode_shows_the_table_in_the_console() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Get-ClusterNode", keys=True)
        text = transcript(app)
        assert "PS HVCLUS> Get-ClusterNode\n" in text
        assert "Name State Type\n---- ----- ----\nHV01 Up    Node" in text
        assert prompt(app).value == ""
        assert app.console_focused
        assert app.pane == "console" and app.query_one("#console-log").display
        # a query changes nothing: it stays out of the event log
        assert "Get-ClusterNode" not in log_text(app)

    drive(scenario)


def test_typed_crash_then_advancing_time_shows_the_node_down() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Invoke-LabFault -Node HV02 -Crash")
        assert "PS HVCLUS> Invoke-LabFault -Node HV02 -Crash" in transcript(app)
        assert "PS> Invoke-LabFault -Node HV02 -Crash" in log_text(app)  # it changed the cluster
        assert node_state(app, "HV02") == "Up"  # not noticed yet
        app.advance_sim(20)
        assert node_state(app, "HV02") == "Isolated"  # §7.3: its VMs are Unmonitored for 240 s
        app.advance_sim(240)
        assert node_state(app, "HV02") == "Down"
        assert error_notifications(app) == []

    drive(scenario)


def test_a_bad_line_shows_the_error_record_and_the_app_keeps_running() -> None:
    messages: list[Message] = []

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Get-ClusterNod")
        text = transcript(app)
        assert "PS HVCLUS> Get-ClusterNod\nThe term 'Get-ClusterNod' is not recognized" in text
        assert "did you mean 'Get-ClusterNode'?" in text
        assert "FullyQualifiedErrorId : CommandNotFoundException" in text
        notes = error_notifications(app)
        assert len(notes) == 1 and notes[0].startswith("The term 'Get-ClusterNod' is not recognized")
        assert "Get-ClusterNod" not in log_text(app)
        assert app.is_running
        await type_line(pilot, "Get-ClusterNode HV01")
        assert "HV01 Up    Node" in transcript(app)

    app = make_app(paused=True)

    async def main() -> None:
        async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    done = [m for m in messages if isinstance(m, ClusterLabApp.CommandFinished)]
    assert [(m.cmdline, m.error is not None) for m in done] == [
        ("Get-ClusterNod", True),
        ("Get-ClusterNode HV01", False),
    ]


def test_a_refused_typed_command_is_red_in_the_console_and_one_notification() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Start-LabNode -Name HV01")
        assert "Start-LabNode : Node 'HV01' is already powered on." in transcript(app)
        assert error_notifications(app) == ["Node 'HV01' is already powered on."]
        entries = list(app.query_one(ConsoleLog).entries)
        assert entries[-1].kind == "error"
        assert "Start-LabNode" not in log_text(app)  # refused and nothing changed: no event-log noise

    drive(scenario)


def test_a_shell_crash_becomes_an_error_record_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        def boom(_text: str) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(app.shell, "run", boom)
        await type_line(pilot, "Get-ClusterNode")
        assert "Unexpected error: RuntimeError: boom" in transcript(app)
        assert any("boom" in n for n in error_notifications(app))
        assert app.is_running

    drive(scenario)


def test_move_returns_at_once_with_the_role_pending() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Move-ClusterGroup SQL01 -Node HV03")
        assert app.cluster.now == 0.0  # non-blocking: the live clock shows the rest
        assert "SQL01 HV03      Pending" in transcript(app)
        assert "PS> Move-ClusterGroup SQL01 -Node HV03" in log_text(app)
        app.advance_sim(120)
        assert app.snapshot.group("SQL01").owner == "HV03"

    drive(scenario)


def test_a_typed_witness_fault_is_remembered_by_the_witness_key() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Invoke-LabFault -Witness")
        await pilot.press("escape", "w")
        assert "PS HVCLUS> Repair-LabFault -Witness" in transcript(app)
        assert app.snapshot.quorum.witness_state == "Online"

    drive(scenario)


# keys and the palette run through the same shell ----------------------------------------------


def test_crash_key_is_echoed_in_the_console() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("c")
        assert "PS HVCLUS> Invoke-LabFault -Node HV01 -Crash" in transcript(app)
        assert app.snapshot.node("HV01").powered_on is False
        assert app.shell.history[-1] == "Invoke-LabFault -Node HV01 -Crash"

    drive(scenario)


def test_palette_entries_run_through_the_shell() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        entry = next(e for e in app.palette_entries() if e.title == "Move role SQL01 to the best possible node")
        entry.run()
        await pilot.pause()
        assert "PS HVCLUS> Move-ClusterGroup -Name SQL01" in transcript(app)
        assert app.snapshot.group("SQL01").state in ("Pending", "Online")
        console = next(e for e in app.palette_entries() if e.title == "Type a command at the console prompt")
        console.run()
        await pilot.pause()
        assert app.console_focused

    drive(scenario)


def test_letters_typed_at_the_prompt_do_not_trigger_the_cockpit_keys() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "c q+ npwm", enter=False, keys=True)
        assert prompt(app).value == "c q+ npwm"
        assert all(n.powered_on for n in app.snapshot.nodes)
        assert app.snapshot.quorum.witness_state == "Online"
        assert not app.running and app.speed == 1.0 and app.cluster.now == 0.0
        assert app.is_running
        assert "Invoke-LabFault" not in transcript(app)
        # and the footer shows the prompt's keys, not the cockpit's
        shown = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "node.crash" not in shown and "console.complete" in shown

    drive(scenario)


def test_escape_returns_to_the_last_table_and_colon_comes_back() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")  # the roles table
        roles = app.query_one("#roles", SnapshotTable)
        assert app.focused is roles
        await pilot.press("colon")
        assert app.console_focused and app.pane == "console"
        await pilot.press("escape")
        assert app.focused is roles
        assert app.pane == "console"  # the output stays in view while keys act on the tables
        await pilot.press("e")
        assert app.pane == "events" and app.query_one(EventLog).display
        assert not app.query_one(ConsoleLog).display
        await pilot.press("grave_accent")
        assert app.console_focused and app.pane == "console"

    drive(scenario)


def test_pane_tabs_switch_by_click() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.click("#tab-console")
        assert app.pane == "console"
        await pilot.click("#tab-events")
        assert app.pane == "events"
        assert app.query_one(PaneTabs).query_one("#tab-events").has_class("-active")

    drive(scenario)


# line editing ---------------------------------------------------------------------------------


def test_tab_completes_and_cycles() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Get-ClusterN", enter=False)
        await pilot.press("tab")
        assert prompt(app).value == "Get-ClusterNetwork"
        assert prompt(app).completions == ("Get-ClusterNetwork", "Get-ClusterNetworkInterface", "Get-ClusterNode")
        assert app.query_one("#completions").display
        await pilot.press("tab", "tab")
        assert prompt(app).value == "Get-ClusterNode"
        await pilot.press("shift+tab")
        assert prompt(app).value == "Get-ClusterNetworkInterface"
        await pilot.press("tab", "space", "minus", "N", "tab")  # typing ends the cycle; -N -> -Name
        assert prompt(app).value == "Get-ClusterNode -Name"
        assert prompt(app).completions == ()
        assert app.console_focused  # tab never left the prompt

    drive(scenario)


def test_a_single_candidate_is_inserted_and_text_after_the_cursor_is_kept() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Get-ClusterNo | fl", enter=False)
        prompt(app).cursor_position = len("Get-ClusterNo")
        await pilot.press("tab")
        assert prompt(app).value == "Get-ClusterNode | fl"
        assert prompt(app).cursor_position == len("Get-ClusterNode")
        assert not app.query_one("#completions").display
        await pilot.press("end", "enter")
        assert "Name  : HV01" in transcript(app)

    drive(scenario)


def test_up_and_down_walk_the_history_including_keys() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "p")  # Suspend-ClusterNode -Name HV02, by key
        await type_line(pilot, "Get-ClusterGroup SQL01")
        await type_line(pilot, "draft", enter=False)
        await pilot.press("up")
        assert prompt(app).value == "Get-ClusterGroup SQL01"
        await pilot.press("up")
        assert prompt(app).value == "Suspend-ClusterNode -Name HV02"
        await pilot.press("up")  # the oldest stays
        assert prompt(app).value == "Suspend-ClusterNode -Name HV02"
        await pilot.press("down")
        assert prompt(app).value == "Get-ClusterGroup SQL01"
        await pilot.press("down")
        assert prompt(app).value == "draft"
        await pilot.press("up", "enter")
        assert transcript(app).count("PS HVCLUS> Get-ClusterGroup SQL01") == 2

    drive(scenario)


def test_ctrl_l_clears_the_transcript_not_the_history() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await type_line(pilot, "Get-ClusterNode")
        await pilot.press("ctrl+l")
        assert transcript(app) == ""
        await pilot.press("up")
        assert prompt(app).value == "Get-ClusterNode"

    drive(scenario)


# layout and width -------------------------------------------------------------------------------


def test_console_output_is_formatted_for_the_pane_width() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.split
        assert app.query_one(EventLog).display and app.query_one(ConsoleLog).display
        await type_line(pilot, "Get-ClusterNode")
        pane = app.query_one(ConsoleLog).content_region.width
        assert 80 <= app.shell.width < pane <= 100  # half of 200 columns
        assert app.pane == "events"  # split: nothing to switch
        shown = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "pane.switch" not in shown

    drive(scenario, size=(200, 50))


def test_console_fits_80x24() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert not app.split
        await type_line(pilot, "Get-ClusterGroup")
        log = app.query_one(ConsoleLog)
        assert log.region.height >= 5
        assert 70 <= app.shell.width <= 78
        assert app.query_one("#console-prompt").region.bottom == 23  # right above the footer
        assert app.query_one("#nodes", SnapshotTable).region.height == 5

    drive(scenario, size=(80, 24))


def test_transcript_is_bounded() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        log = app.query_one(ConsoleLog)
        for _ in range(250):  # direct calls: a key press each would cost a full repaint
            app.run_cmdline("Get-ClusterQuorum", typed=True)
        await pilot.pause()
        assert len(log.entries) == log.entries.maxlen
        assert "clusterlab console on" not in log.plain_text()

    drive(scenario)


# line-editing rules (no app) ---------------------------------------------------------------------


def test_completion_replaces_the_last_token_left_of_the_cursor() -> None:
    assert token_start("Get-ClusterGroup | Move-Cl") == len("Get-ClusterGroup | ")
    assert token_start("Get-ClusterNode ") == len("Get-ClusterNode ")
    c = start_completion("Move-ClusterGroup SQ -Node HV03", len("Move-ClusterGroup SQ"), ["SQL01", "SQL02"])
    assert c is not None
    assert c.value == "Move-ClusterGroup SQL01 -Node HV03"
    assert c.step(1).value == "Move-ClusterGroup SQL02 -Node HV03"
    assert c.step(2).value == c.value
    assert c.step(-1).cursor == len("Move-ClusterGroup SQL02")
    assert start_completion("x", 1, []) is None
    back = start_completion("Get-ClusterN", 12, ["Get-ClusterNetwork", "Get-ClusterNode"], backwards=True)
    assert back is not None and back.value == "Get-ClusterNode"


def test_history_walker_skips_blank_and_repeated_lines() -> None:
    w = HistoryWalker()
    history = ["a", "a", " ", "b"]
    assert w.newer(history) is None
    assert w.older(history, "typing") == "b"
    assert w.older(history, "b") == "a"
    assert w.older(history, "a") == "a"
    assert w.newer(history) == "b"
    assert w.newer(history) == "typing"
    assert not w.walking
    assert HistoryWalker().older([], "") is None


def test_long_error_lines_wrap_at_their_indentation() -> None:
    text = "short\n    + CategoryInfo : " + "word " * 20
    lines = wrap_lines(text, 40).split("\n")
    assert lines[0] == "short"
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith("    ") for line in lines[1:])
