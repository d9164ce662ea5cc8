"""Pilot tests of the cockpit: flows, keys, refusals, and the model behind the pixels.

Every app starts paused and simulated time is advanced by calling the app directly, so no
test sleeps in real time. (No pytest-asyncio here: each test runs its coroutine itself.)
"""

from __future__ import annotations

import ast
import asyncio
import json
import math
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import DiscoveryHit
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.sim import NodeState
from clusterlab.tui import ClusterLabApp, make_app
from clusterlab.tui.app import SPEEDS, TICK_S
from clusterlab.tui.palette import ClusterCommands
from clusterlab.tui.rows import format_elapsed
from clusterlab.tui.widgets import ClusterHeader, ConsoleLog, EventLog, LinesView, QuorumBadge, SnapshotTable

TUI_DIR = Path(__file__).resolve().parent.parent / "clusterlab" / "tui"

Scenario = Callable[[ClusterLabApp, Pilot[None]], Awaitable[None]]


def drive(
    scenario: Scenario,
    *,
    size: tuple[int, int] = (120, 40),
    messages: list[Message] | None = None,
    app: ClusterLabApp | None = None,
) -> ClusterLabApp:
    """Run ``scenario`` against a paused cockpit on the default lab."""
    app = app or make_app(paused=True)

    async def main() -> None:
        async with app.run_test(size=size, message_hook=messages.append if messages is not None else None) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app


def nodes(app: ClusterLabApp) -> SnapshotTable:
    return app.query_one("#nodes", SnapshotTable)


def roles(app: ClusterLabApp) -> SnapshotTable:
    return app.query_one("#roles", SnapshotTable)


def cell(table: SnapshotTable, row: str, column: int) -> str:
    data = table.row_data(row)
    assert data is not None, row
    return data[column].text


def log_text(app: ClusterLabApp) -> str:
    return "\n".join(app.query_one(EventLog).plain_lines())


def error_notifications(app: ClusterLabApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


# start ----------------------------------------------------------------------------------


def test_starts_on_default_lab_with_four_nodes_up_and_quorum_badge() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        table = nodes(app)
        assert [table.ordered_rows[i].key.value for i in range(table.row_count)] == ["HV01", "HV02", "HV03", "HV04"]
        for name in ("HV01", "HV02", "HV03", "HV04"):
            assert cell(table, name, 1) == "Up"
            assert cell(table, name, 2) == "1/1"
        assert cell(table, "HV01", 3) == "██░░░ 52/128 GB"
        badge = app.query_one(QuorumBadge)
        assert badge.text == "Quorum Up 5/5 votes (need 3) · FSW Online"
        assert badge.has_class("-good")
        header = app.query_one(ClusterHeader).text
        assert "HVCLUS · Windows Server 2022" in header
        assert "2026-01-05 09:00:00 T+00:00:00" in header
        assert "1×" in header and "PAUSED" in header
        assert roles(app).row_count == 15  # 13 VM roles + Cluster Group + Available Storage
        assert cell(roles(app), "SQL01", 2) == "HV02"
        assert app.focused is table

    drive(scenario)


def test_make_app_seed_overrides_the_lab_seed() -> None:
    lab = load_lab(default_lab_path())
    assert make_app(lab, seed=7).cluster.spec.seed == 7
    assert make_app(lab).cluster.spec.seed == lab.spec.seed
    with pytest.raises(ValueError):
        make_app(lab, speed=0)


def test_make_app_logs_events_and_commands_to_the_log_file(tmp_path: Path) -> None:
    log_file = tmp_path / "lab.log"

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("c", "c")  # the second crash is refused: HV01 is already off
        app.advance_sim(30)

    drive(scenario, app=make_app(paused=True, log_file=log_file))
    records = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    commands = [(r["command"], r["ok"]) for r in records if r["event"] == "command"]
    assert commands == [("Invoke-LabFault -Node HV01 -Crash", True), ("Invoke-LabFault -Node HV01 -Crash", False)]
    events = [r for r in records if r["event"] == "cluster_event"]
    assert any(r["event_id"] == 1135 and r["sim_time"] == 20.0 and r["severity"] == "Critical" for r in events)


# crash by key -----------------------------------------------------------------------------


def test_crash_by_key_node_goes_down_after_detection_and_roles_move() -> None:
    messages: list[Message] = []

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        before = {g.name for g in app.snapshot.groups if g.owner == "HV01" and not g.is_core}
        assert before == {"DC01", "EXCH01", "APP01"}
        await pilot.press("c")  # cursor starts on HV01
        assert "PS> Invoke-LabFault -Node HV01 -Crash" in log_text(app)
        assert "PS HVCLUS> Invoke-LabFault -Node HV01 -Crash" in app.query_one(ConsoleLog).plain_text()

        app.advance_sim(19.0)
        assert cell(nodes(app), "HV01", 1) == "Up"  # not noticed yet
        assert cell(nodes(app), "HV01", 6) == "PoweredOff"
        app.advance_sim(1.0)  # 20 s: heartbeat threshold × delay on Windows Server 2022
        # §7.3 (2016+, ResiliencyLevel AlwaysIsolate): the survivors cannot tell a dead host from a
        # cut one, so HV01 is Isolated and its VMs Unmonitored for ResiliencyDefaultPeriod (240 s).
        assert cell(nodes(app), "HV01", 1) == "Isolated"
        assert " 1135 " in f" {log_text(app)} " and " 1673 " in f" {log_text(app)} "
        assert "Cluster node 'HV01' was removed" in log_text(app)
        assert app.query_one(QuorumBadge).text.startswith("Quorum Up 3/3 votes (need 2)")
        for name in before:
            assert cell(roles(app), name, 2) == "HV01"
            assert cell(roles(app), name, 5) == "Unmonitored (Off)"

        app.advance_sim(240.0)
        assert cell(nodes(app), "HV01", 1) == "Down"
        assert " 1682 " in f" {log_text(app)} "
        app.advance_sim(120.0)
        for name in before:
            owner = cell(roles(app), name, 2)
            assert owner not in ("HV01", "-"), (name, owner)
            assert cell(roles(app), name, 1) == "Online"
            assert app.snapshot.group(name).owner == owner

    drive(scenario, messages=messages)
    finished = [m for m in messages if isinstance(m, ClusterLabApp.CommandFinished)]
    assert [(m.cmdline, m.error) for m in finished] == [("Invoke-LabFault -Node HV01 -Crash", None)]


def test_echo_comes_before_the_events_it_causes() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "c")  # HV02
        lines = app.query_one(EventLog).plain_lines()
        echo = next(i for i, line in enumerate(lines) if "PS> Invoke-LabFault -Node HV02 -Crash" in line)
        fault = next(i for i, line in enumerate(lines) if "lost power" in line)
        assert echo < fault

    drive(scenario)


# refusals -------------------------------------------------------------------------------


def test_illegal_action_notifies_and_the_app_keeps_running() -> None:
    messages: list[Message] = []

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("o")  # power on HV01, which is on
        await pilot.pause()
        assert error_notifications(app) == ["Node 'HV01' is already powered on."]
        assert "Start-LabNode : Node 'HV01' is already powered on. (InvalidOperation)" in log_text(app)
        console = app.query_one(ConsoleLog).plain_text()
        assert "PS HVCLUS> Start-LabNode -Name HV01\nStart-LabNode : Node 'HV01' is already powered on." in console
        assert app.is_running
        await pilot.press("c")  # still works afterwards
        assert app.snapshot.node("HV01").powered_on is False

    drive(scenario, messages=messages)
    refused = [m for m in messages if isinstance(m, ClusterLabApp.CommandFinished) and m.error]
    assert [m.cmdline for m in refused] == ["Start-LabNode -Name HV01"]


def test_a_failing_tick_pauses_the_clock_and_notifies(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("space")
        assert app.running

        def boom(_t: float) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(app.cluster, "run_until", boom)
        app._advance()
        await pilot.pause()
        assert not app.running
        assert any("boom" in m for m in error_notifications(app))
        assert app.is_running

    drive(scenario)


# the clock ------------------------------------------------------------------------------


def test_tick_advances_speed_times_tick_and_space_pauses() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert not app.running
        for _ in range(10):
            app._advance()
        assert app.cluster.now == pytest.approx(10 * TICK_S)
        await pilot.press("plus")
        assert app.speed == 10.0
        app._advance()
        assert app.cluster.now == pytest.approx(2.0)
        await pilot.press("space")
        assert app.running and "RUNNING" in app.query_one(ClusterHeader).text
        await pilot.press("space")
        assert not app.running and "PAUSED" in app.query_one(ClusterHeader).text

    drive(scenario)


def test_the_footer_says_what_space_does_now() -> None:
    def space_label(app: ClusterLabApp) -> str:
        return app.screen.active_bindings["space"].binding.description

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert space_label(app) == "Run"
        await pilot.press("space")
        assert app.running and space_label(app) == "Pause"
        await pilot.press("space")
        assert not app.running and space_label(app) == "Run"

    drive(scenario)


def test_tick_time_does_not_drift() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        for _ in range(70):
            app._advance()
        assert app.cluster.now == 7.0
        assert "09:00:07 T+00:00:07" in app.query_one(ClusterHeader).text

    drive(scenario)


def test_speed_keys_step_through_the_speeds() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        seen = [app.speed]
        for _ in range(5):
            await pilot.press("plus")
            seen.append(app.speed)
        assert seen == [1.0, 10.0, 60.0, 600.0, math.inf, math.inf]
        assert "max" in app.query_one(ClusterHeader).text
        await pilot.press("minus")
        assert app.speed == 600.0
        await pilot.press("minus", "minus", "minus", "minus")
        assert app.speed == 1.0

    drive(scenario)
    assert SPEEDS[-1] == math.inf and SPEEDS[:-1] == (1.0, 10.0, 60.0, 600.0)


def test_max_speed_runs_events_in_bounded_slices_and_jumps_an_idle_cluster() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app._set_speed(math.inf)
        app._advance()  # nothing scheduled: the clock jumps an hour
        assert app.cluster.now == 3600.0
        await pilot.press("down", "c")  # HV02 loses power: detection, failover, restarts follow
        start = app.cluster.now
        for _ in range(20):
            app._advance()
        await pilot.pause()
        assert app.cluster.now > start
        assert app.snapshot.node("HV02").state.value in ("Down", "Isolated")
        assert error_notifications(app) == []

    drive(scenario)


def test_next_event_key_jumps_to_the_detection() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("n")  # nothing scheduled yet
        await pilot.pause()
        assert app.cluster.now == 0.0
        assert any("idle" in n.message for n in app._notifications)
        await pilot.press("c", "n")
        assert app.cluster.now == pytest.approx(20.0)
        assert cell(nodes(app), "HV01", 1) == "Isolated"  # §7.3: Down once its VMs fail over
        assert "1135" in log_text(app)

    drive(scenario)


# other actions ----------------------------------------------------------------------------


def test_node_actions_echo_their_cmdlets() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down")  # HV02
        await pilot.press("p")
        assert cell(nodes(app), "HV02", 1) == "Paused"
        await pilot.press("p")
        assert cell(nodes(app), "HV02", 1) == "Up"
        await pilot.press("s")
        app.advance_sim(600)  # drains first: quick-migrating SQL01 (64 GB) away takes minutes
        assert cell(nodes(app), "HV02", 6) == "Stopped"
        await pilot.press("t")
        app.advance_sim(60)
        await pilot.press("i")
        app.advance_sim(30)
        assert cell(nodes(app), "HV02", 1) == "Down"
        await pilot.press("r")
        app.advance_sim(30)
        assert app.snapshot.node("HV02").state is NodeState.UP
        await pilot.press("c")
        await pilot.press("o")
        text = log_text(app)
        for line in (
            "PS> Suspend-ClusterNode -Name HV02",
            "PS> Resume-ClusterNode -Name HV02",
            "PS> Stop-ClusterNode -Name HV02",
            "PS> Start-ClusterNode -Name HV02",
            "PS> Invoke-LabFault -Node HV02 -Isolate",
            "PS> Repair-LabFault -Node HV02",
            "PS> Invoke-LabFault -Node HV02 -Crash",
            "PS> Start-LabNode -Name HV02",
        ):
            assert line in text, line
        assert error_notifications(app) == []

    drive(scenario)


def test_t_clears_the_quarantine_of_a_node_that_crashed_three_times_in_an_hour() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        for _ in range(3):
            assert app.run_cmdline("Invoke-LabFault -Node HV02 -Crash")
            app.advance_sim(60)
            assert app.run_cmdline("Repair-LabFault -Node HV02")
            app.advance_sim(300)
        await pilot.pause()
        assert cell(nodes(app), "HV02", 1) == "Quarantined"
        assert "1672" in log_text(app) and "1675" in log_text(app)
        await pilot.press("down")  # HV02
        await pilot.press("t")
        app.advance_sim(10)
        await pilot.pause()
        assert "PS> Start-ClusterNode -Name HV02 -ClearQuarantine" in log_text(app)
        assert cell(nodes(app), "HV02", 1) == "Up"
        assert error_notifications(app) == []

    drive(scenario)


def test_witness_key_fails_and_restores_the_witness() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("w")
        badge = app.query_one(QuorumBadge)
        assert badge.text.endswith("FSW Failed")
        assert badge.has_class("-warn")
        await pilot.press("w")
        assert badge.text.endswith("FSW Online")
        assert badge.has_class("-good")
        text = log_text(app)
        assert "PS> Invoke-LabFault -Witness" in text
        assert "PS> Repair-LabFault -Witness" in text

    drive(scenario)


def test_move_key_moves_the_selected_role_and_explains_it() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")
        assert app.focused is roles(app)
        await pilot.press("down", "down")
        assert app.selected_role == "SQL01"
        assert "SQL01" in app.query_one("#details", LinesView).plain
        await pilot.press("m")
        assert "PS> Move-ClusterGroup -Name SQL01" in log_text(app)
        app.advance_sim(120)
        assert cell(roles(app), "SQL01", 2) != "HV02"
        assert "why here? manual move" in app.query_one("#details", LinesView).plain
        assert error_notifications(app) == []

    drive(scenario)


def test_tables_keep_rows_and_cursor_and_update_only_changed_cells() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "down")  # HV03
        app.publish()
        assert nodes(app).last_sync_updates == 0
        assert roles(app).last_sync_updates == 0
        app.cluster.crash_node("HV01")
        app.advance_sim(20)
        changed = nodes(app).last_sync_updates
        assert 0 < changed < 4 * 7
        assert nodes(app).selected_key == "HV03"
        assert nodes(app).row_count == 4

    drive(scenario)


def test_theme_toggles_between_dark_and_light() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"

    drive(scenario)


def test_every_binding_has_an_id_and_a_tooltip_and_quit_is_q() -> None:
    bindings = [b for b in ClusterLabApp.BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(ClusterLabApp.BINDINGS)
    for b in bindings:
        assert b.id and b.tooltip, b
    # node, role and storage keys have a hidden twin (same key and id) that runs where the footer's copy does not
    # apply; the two footer copies of a (redirected access on / off) share one twin, which toggles
    twins = [b for b in bindings if b.action.endswith(", True)")]
    primary = [b for b in bindings if b not in twins]
    assert len({b.id for b in primary}) == len(primary)
    by_id = {b.id: b for b in primary}
    assert len(twins) == 21  # node 10, role 4, storage 3, network 4
    for twin in twins:
        shown = by_id[twin.id]
        assert (twin.key, twin.action, twin.show) == (shown.key, shown.action[:-1] + ", True)", False)
    assert any(b.key == "q" and b.id == "app.quit" for b in bindings)


def test_palette_provider_offers_every_action_with_its_cmdlet() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        provider = ClusterCommands(app.screen)
        hits = [hit async for hit in provider.search("crash node HV02")]
        assert hits
        best = max(hits, key=lambda h: h.score)
        assert best.text == "Crash node HV02 (lab fault)"
        assert best.help == "PS> Invoke-LabFault -Node HV02 -Crash"
        best.command()
        await pilot.pause()
        assert app.snapshot.node("HV02").powered_on is False
        helps = {e.help for e in app.palette_entries()}
        assert "PS> Move-ClusterGroup -Name SQL01" in helps
        assert "PS> Invoke-LabFault -Witness" in helps
        assert "PS> Move-ClusterGroup -Name 'Cluster Group'" in helps
        discovered = [hit async for hit in provider.discover()]
        assert any(isinstance(h, DiscoveryHit) and "HV01" in str(h.display) for h in discovered)

    drive(scenario)


def test_palette_search_field_shows_what_is_typed() -> None:
    """The console's CommandInput styles must not reach the palette's own CommandInput (same type name)."""
    from textual.command import CommandInput as PaletteInput

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"crash hv0")
        await pilot.pause()
        field = app.screen.query_one(PaletteInput)
        assert field.value == "crash hv0"
        assert field.content_region.height == 1
        assert field.has_class("console-input") is False
        assert "crash&#160;hv0" in app.export_screenshot()  # on the screen, not only in the value

    drive(scenario)


def test_event_log_is_bounded() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        log = app.query_one(EventLog)
        for _ in range(300):  # direct calls: a key press each would cost a full repaint
            app.action_toggle_witness()
        await pilot.pause()
        assert log.entries.maxlen == 500
        assert len(log.entries) == 500
        assert "Lab: " not in log.plain_lines()[0]  # the oldest entries are gone

    drive(scenario)


def test_narrow_layout_fits_80x24() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.screen.has_class("-narrow")
        assert app.query_one(ClusterHeader).region.height == 2
        assert nodes(app).region.height == 5  # header + 4 nodes
        assert roles(app).region.height >= 5
        assert app.query_one("#details").region.height >= 2
        assert app.query_one(EventLog).region.height >= 5
        assert not app.query_one("#summary").display or app.query_one("#summary").region.height == 0

    drive(scenario, size=(80, 24))


def test_elapsed_format() -> None:
    assert format_elapsed(0) == "00:00:00"
    assert format_elapsed(6.9999999) == "00:00:07"
    assert format_elapsed(90061) == "25:01:01"


# layering -------------------------------------------------------------------------------


def test_tui_uses_only_the_public_sim_api() -> None:
    for path in TUI_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clusterlab."):
                top = ".".join(node.module.split(".")[:2])
                allowed = (
                    "clusterlab.sim",
                    "clusterlab.lab",
                    "clusterlab.shell",
                    "clusterlab.logging",
                    "clusterlab.tui",
                )
                assert top in allowed, (
                    path,
                    node.module,
                )
                if top in ("clusterlab.sim", "clusterlab.lab"):
                    assert node.module == top, f"{path.name} reaches into {node.module}"
        assert not re.search(r"cluster\._", path.read_text(encoding="utf-8")), f"{path.name} touches sim internals"


def test_headless_packages_never_import_textual() -> None:
    code = (
        "import sys, clusterlab.sim, clusterlab.lab, clusterlab.shell; "
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if m.startswith('textual'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# rolling upgrade (§9.1) ---------------------------------------------------------------------


def test_evicted_node_leaves_the_tables_and_comes_back_tagged_with_its_release(tmp_path: Path) -> None:
    lab_file = tmp_path / "upgrade.yaml"
    lab_file.write_text(
        "format: 1\nos: 2012R2\ncluster:\n  nodes: [HV01, HV02, HV03]\n  csvs: [{name: CSV1}]\n"
        "  vms: [{name: DC01, owner: HV01, csv: CSV1}]\n"
    )

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.run_cmdline("Suspend-ClusterNode -Name HV01 -Drain")
        app.advance_sim(120)
        assert app.run_cmdline("Remove-ClusterNode -Name HV01")
        app.advance_sim(1)
        await pilot.pause()
        table = nodes(app)
        assert [table.ordered_rows[i].key.value for i in range(table.row_count)] == ["HV02", "HV03"]
        assert app.run_cmdline("Install-LabNodeOS -Name HV01 -OS 2016")
        app.advance_sim(1201)
        assert app.run_cmdline("Add-ClusterNode -Name HV01")
        app.advance_sim(30)
        await pilot.pause()
        assert [table.ordered_rows[i].key.value for i in range(table.row_count)] == ["HV02", "HV03", "HV01"]
        assert cell(table, "HV01", 0) == "HV01 (2016)" and cell(table, "HV02", 0) == "HV02"
        assert cell(table, "HV01", 1) == "Up"
        assert "mixed-OS, level 8 (Windows Server 2012 R2)" in app.query_one(ClusterHeader).text
        assert not error_notifications(app)

    drive(scenario, app=make_app(load_lab(lab_file), paused=True))


def test_f1_opens_the_keys_and_glossary_and_escape_closes_it() -> None:
    from clusterlab.tui.help import HelpScreen

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        assert "| `c` |" in text and "Crash" in text  # a key from the app's own bindings
        for key in ("/", "F", "\\", "T", "g", "k", "j", "K", "enter"):  # filter, timeline, networks, details
            assert f"| `{key}` |" in text, key
        assert "Paused-Critical" in text and "Tie-breaker" in text  # the glossary
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")  # for browsers that keep F1 to themselves (clusterlab serve)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "colon", "question_mark")  # at the console prompt ? is just typed
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.query_one("#console", Input).value == "?"

    drive(scenario)


def test_the_task_line_shows_lab_markdown_as_the_narration_does() -> None:
    from rich.text import Text

    from clusterlab.tui.app import inline_markdown

    shown = Text.from_markup(inline_markdown("Take the witness away with `Invoke-LabFault -Witness` — **now** [1]."))
    assert shown.plain == "Take the witness away with Invoke-LabFault -Witness — now [1]."
    assert Text.from_markup(inline_markdown("a lone ` and [b]")).plain == "a lone ` and [b]"
