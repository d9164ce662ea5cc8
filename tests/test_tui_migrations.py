"""Pilot tests of live migration in the cockpit: drain, resume with failback, restart, live-migrate, cancel.

Every app starts paused on the default lab (Windows Server 2022: one live migration at a time
cluster-wide, MaximumParallelMigrations = 1) and simulated time moves only when a test calls
``advance_sim``; nothing sleeps in real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from clusterlab.sim import DrainStatus, MigrationSnapshot, NodeState
from clusterlab.tui import ClusterLabApp, make_app
from clusterlab.tui.rows import (
    FINISHED_MIGRATIONS_SHOWN,
    Tone,
    migration_rows,
    progress_bar,
)
from clusterlab.tui.widgets import ConsoleLog, EventLog, EventsView, LinesView, MigrationsView, PaneTabs, SnapshotTable

Scenario = Callable[[ClusterLabApp, Pilot[None]], Awaitable[None]]

# MIGRATION_COLUMNS: VM, Type, From → To, State, Pass, Progress, GB left, GB/s
VM, TYPE, ROUTE, STATE, PASS, PROGRESS, LEFT, RATE = range(8)
# ROLE_COLUMNS: Role, State, Owner, CSV, Priority, Status
STATUS = 5


def drive(scenario: Scenario, *, size: tuple[int, int] = (120, 40)) -> ClusterLabApp:
    app = make_app(paused=True)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app


def table(app: ClusterLabApp, selector: str) -> SnapshotTable:
    return app.query_one(selector, SnapshotTable)


def view_rows(app: ClusterLabApp) -> list[tuple[str, ...]]:
    """The Migrations view top to bottom, as cell texts."""
    t = table(app, "#migrations")
    out = []
    for row in t.ordered_rows:
        data = t.row_data(str(row.key.value))
        assert data is not None
        out.append(tuple(c.text for c in data))
    return out


def view_row(app: ClusterLabApp, vm: str, state: str | None = None) -> tuple[str, ...]:
    rows = [r for r in view_rows(app) if r[VM] == vm and (state is None or r[STATE] == state)]
    assert rows, (vm, view_rows(app))
    return rows[0]


def node_state(app: ClusterLabApp, name: str) -> str:
    data = table(app, "#nodes").row_data(name)
    assert data is not None
    return data[1].text


def role_cell(app: ClusterLabApp, name: str, column: int) -> str:
    data = table(app, "#roles").row_data(name)
    assert data is not None
    return data[column].text


def shown_keys(app: ClusterLabApp) -> set[str]:
    """Keys the footer shows now."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show and active.enabled}


def log_text(app: ClusterLabApp) -> str:
    return "\n".join(app.query_one(EventLog).plain_lines())


def errors(app: ClusterLabApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def percent(row: tuple[str, ...]) -> float:
    return float(row[PROGRESS].rsplit(" ", 1)[-1].rstrip("%"))


async def select_role(app: ClusterLabApp, pilot: Pilot[None], name: str) -> None:
    await pilot.press("tab")
    roles = table(app, "#roles")
    assert app.focused is roles
    while roles.selected_key != name:
        await pilot.press("down")
    await pilot.pause()


# drain ------------------------------------------------------------------------------------


def test_drain_by_key_migrates_high_priority_first_and_ends_paused_drained() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        # HV02 runs SQL01 (High), FS01 (Medium) and TEST01 (Low)
        await pilot.press("down", "d")
        assert "PS> Suspend-ClusterNode -Name HV02 -Drain" in log_text(app)
        assert "PS HVCLUS> Suspend-ClusterNode -Name HV02 -Drain" in app.query_one(ConsoleLog).plain_text()
        assert app.pane == "migrations" and app.query_one(MigrationsView).display
        assert node_state(app, "HV02") == "Paused · draining"
        assert app.snapshot.node("HV02").drain_status is DrainStatus.IN_PROGRESS

        # High and Medium live-migrate, High first; Low (TEST01) is quick-migrated, so it is not listed.
        rows = view_rows(app)
        assert [(r[VM], r[TYPE], r[ROUTE], r[STATE]) for r in rows] == [
            ("SQL01", "Live", "HV02 → HV01", "Setup"),
            ("FS01", "Live", "HV02 → HV04", "Queued"),
        ]
        assert app.query_one(PaneTabs).query_one("#tab-migrations").has_class("-busy")

        app.advance_sim(30)
        sql, fs = view_row(app, "SQL01"), view_row(app, "FS01")
        assert sql[STATE] == "DataTransfer" and sql[PASS] == "1"
        assert 0 < percent(sql) < 90 and "━" in sql[PROGRESS]
        assert float(sql[LEFT]) < 64 and float(sql[RATE]) > 0
        assert fs[STATE] == "Queued" and fs[PROGRESS] == "waiting 30s"  # one at a time on 2022: FS01 waits
        assert role_cell(app, "SQL01", STATUS) == f"Live → HV01 {percent(sql):.0f}%"
        assert role_cell(app, "FS01", STATUS) == "Live → HV04 queued"

        # step on and watch the order: FS01 only starts moving once SQL01 is done
        for _ in range(60):
            app.advance_sim(2)
            states = {r[VM]: r[STATE] for r in view_rows(app)}
            if states["FS01"] != "Queued":
                assert states["SQL01"] == "Done", states
            if app.snapshot.node("HV02").drain_status is not DrainStatus.IN_PROGRESS:
                break

        snap = app.snapshot
        assert snap.node("HV02").state is NodeState.PAUSED
        assert snap.node("HV02").drain_status is DrainStatus.COMPLETED
        assert node_state(app, "HV02") == "Paused · drained"
        app.advance_sim(60)  # TEST01's quick migration (save, move, restore) ends too
        assert not [g.name for g in app.snapshot.groups if g.owner == "HV02" and not g.is_core]
        # finished migrations stay, dimmed, newest first
        assert [(r[VM], r[STATE]) for r in view_rows(app)] == [("FS01", "Done"), ("SQL01", "Done")]
        done = table(app, "#migrations").row_data("1")
        assert done is not None and all(c.tone is Tone.MUTED for c in done)
        assert not app.query_one(PaneTabs).query_one("#tab-migrations").has_class("-busy")
        assert errors(app) == []

    drive(scenario)


def test_resume_with_failback_after_a_drain_brings_the_roles_back() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")
        app.advance_sim(180)
        assert node_state(app, "HV02") == "Paused · drained"
        assert "u" in shown_keys(app) and "d" not in shown_keys(app) and "p" not in shown_keys(app)
        await pilot.press("u")
        assert "PS> Resume-ClusterNode -Name HV02 -Failback Immediate" in log_text(app)
        assert node_state(app, "HV02") == "Up"
        back = [(r[VM], r[ROUTE]) for r in view_rows(app) if r[STATE] not in ("Done", "Canceled", "Failure")]
        assert back == [("SQL01", "HV01 → HV02"), ("FS01", "HV04 → HV02")]
        app.advance_sim(300)
        owners = {name: app.snapshot.group(name).owner for name in ("SQL01", "FS01", "TEST01")}
        assert owners == {"SQL01": "HV02", "FS01": "HV02", "TEST01": "HV02"}
        assert errors(app) == []

    drive(scenario)


def test_a_failed_drain_shows_on_the_node() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")
        app.advance_sim(10)
        await pilot.press("up", "c")  # SQL01's destination HV01 loses power mid-migration
        app.advance_sim(60)
        assert view_row(app, "SQL01", "Failure")[STATE] == "Failure"
        assert app.snapshot.node("HV02").drain_status is DrainStatus.FAILED
        assert node_state(app, "HV02") == "Paused · drain failed"
        await pilot.press("down")
        assert "d" in shown_keys(app)  # drain again, once the problem is fixed

    drive(scenario)


def test_restart_key_drains_reboots_and_rejoins() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "R")
        assert "PS> Restart-Computer -ComputerName HV02" in log_text(app)
        assert node_state(app, "HV02") == "Paused · draining"
        assert view_row(app, "SQL01")[STATE] == "Setup"
        app.advance_sim(90)
        assert node_state(app, "HV02") == "Down"
        app.advance_sim(150)
        assert app.snapshot.node("HV02").state is NodeState.UP
        assert errors(app) == []

    drive(scenario)


# live migration and cancel ------------------------------------------------------------------


def test_live_migrate_key_starts_a_live_migration_the_view_shows() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await select_role(app, pilot, "SQL01")
        assert "l" in shown_keys(app) and "x" not in shown_keys(app)
        await pilot.press("l")
        assert "PS> Move-ClusterVirtualMachineRole -Name SQL01 -MigrationType Live -Wait 0" in log_text(app)
        assert app.pane == "migrations"
        row = view_row(app, "SQL01")
        assert (row[TYPE], row[ROUTE], row[STATE]) == ("Live", "HV02 → HV01", "Setup")
        assert "x" in shown_keys(app) and "l" not in shown_keys(app)
        app.advance_sim(20)
        row = view_row(app, "SQL01")
        assert row[STATE] == "DataTransfer" and percent(row) > 0
        assert role_cell(app, "SQL01", STATUS).startswith("Live → HV01 ")
        assert role_cell(app, "SQL01", 2) == "HV02"  # it runs on the source until the blackout
        assert "live migration to HV01: DataTransfer, pass 1" in app.query_one("#details", LinesView).plain
        app.advance_sim(120)
        assert view_row(app, "SQL01")[STATE] == "Done"
        assert role_cell(app, "SQL01", 2) == "HV01" and role_cell(app, "SQL01", STATUS) == ""
        vm = app.snapshot.vm("SQL01")
        down = vm.downtime_at(app.snapshot.time)
        assert vm.host == "HV01" and 0 < down < 0.5  # only the blackout
        assert f"down {down:.1f} s" in app.query_one("#details", LinesView).plain
        assert errors(app) == []

    drive(scenario)


def test_cancel_key_cancels_the_live_migration_and_the_vm_stays_on_the_source() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await select_role(app, pilot, "SQL01")
        await pilot.press("l")
        app.advance_sim(15)
        await pilot.press("x")
        assert "PS> Move-ClusterVirtualMachineRole -Name SQL01 -Cancel" in log_text(app)
        row = view_row(app, "SQL01")
        assert row[STATE] == "Canceled"
        app.advance_sim(120)
        assert role_cell(app, "SQL01", 2) == "HV02" and role_cell(app, "SQL01", STATUS) == ""
        vm = app.snapshot.vm("SQL01")
        assert (vm.host, str(vm.state), vm.downtime_at(app.snapshot.time)) == ("HV02", "Running", 0.0)
        assert vm.migration_state == "Canceled"
        assert "l" in shown_keys(app) and "x" not in shown_keys(app)
        assert errors(app) == []

    drive(scenario)


def test_cancel_from_the_migrations_view_acts_on_the_selected_migration() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")  # SQL01 runs, FS01 queued
        migrations = table(app, "#migrations")
        migrations.focus()
        await pilot.pause()
        await pilot.press("down")  # FS01
        assert app.selected_role == "FS01"
        assert "x" in shown_keys(app) and "d" not in shown_keys(app)
        assert app.query_one("#details", LinesView).plain.startswith("FS01")
        await pilot.press("x")
        assert "PS> Move-ClusterVirtualMachineRole -Name FS01 -Cancel" in log_text(app)
        assert view_row(app, "SQL01")[STATE] == "Setup"
        assert view_row(app, "FS01")[STATE] == "Canceled"
        assert migrations.selected_key == "2"  # the cursor stays on FS01's row as it moves down

    drive(scenario)


def test_keys_that_do_not_apply_are_hidden_but_still_run_and_show_the_refusal() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        keys = shown_keys(app)  # HV01, Up
        assert {"c", "s", "i", "p", "d", "R"} <= keys
        assert not {"u", "o", "t", "r", "m", "l", "x"} & keys
        await pilot.press("u")  # resume a node that is not paused: the cluster says no
        await pilot.pause()
        assert errors(app) == ["Node 'HV01' is not paused."]
        assert "PS> Resume-ClusterNode -Name HV01 -Failback Immediate" in log_text(app)
        await pilot.press("x")  # cancel with no migration: refused, not ignored
        await pilot.pause()
        assert "No live migration of 'DC01' is in progress." in errors(app)
        await pilot.press("tab")
        keys = shown_keys(app)
        assert {"m", "l"} <= keys and not {"c", "d", "x"} & keys
        await pilot.press("colon")  # typing: no single-letter keys at all
        assert not {"c", "d", "u", "R", "l", "x", "m"} & set(app.screen.active_bindings)

    drive(scenario)


# the view ------------------------------------------------------------------------------------


def test_e_steps_through_events_migrations_storage_cau_and_console() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.pane == "events"
        seen = []
        for _ in range(7):
            await pilot.press("e")
            seen.append(app.pane)
        assert seen == ["migrations", "storage", "networks", "cau", "lab", "console", "events"]
        await pilot.click("#tab-migrations")
        assert app.pane == "migrations" and app.query_one(MigrationsView).display
        assert not app.query_one(EventsView).display and not app.query_one(ConsoleLog).display
        assert app.query_one("#migrations-hint").display  # nothing yet: says how to start one

    drive(scenario)


def test_wide_screens_show_migrations_events_and_console_together() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")
        await pilot.pause()
        assert app.split and app.pane == "events"  # nothing to switch
        for widget in (app.query_one(MigrationsView), app.query_one(EventLog), app.query_one(ConsoleLog)):
            assert widget.display and widget.region.height > 0, widget
        view, events = app.query_one(MigrationsView).region, app.query_one(EventLog).region
        assert view.bottom <= events.y and view.height <= 8

    drive(scenario, size=(200, 50))


def test_a_quiet_tick_updates_no_cells_and_a_busy_one_only_a_few() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")
        app.advance_sim(20)
        migrations = table(app, "#migrations")
        app.publish()
        assert migrations.last_sync_updates == 0
        app.advance_sim(1)
        # SQL01: progress, GB left; FS01: its waiting time
        assert 0 < migrations.last_sync_updates <= 4
        assert migrations.row_count == 2

    drive(scenario)


def test_palette_offers_drain_resume_restart_live_and_cancel() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        entries = {e.help: e for e in app.palette_entries()}
        for help_text in (
            "PS> Suspend-ClusterNode -Name HV03 -Drain",
            "PS> Resume-ClusterNode -Name HV03 -Failback Immediate",
            "PS> Restart-Computer -ComputerName HV03",
            "PS> Move-ClusterVirtualMachineRole -Name SQL01 -MigrationType Live -Wait 0",
            "PS> Move-ClusterVirtualMachineRole -Name SQL01 -Cancel",
        ):
            assert help_text in entries, help_text
        assert not [h for h in entries if "'Cluster Group' -MigrationType" in h]  # not a VM
        discovered = {e.help for e in app.palette_entries() if e.discover}
        assert "PS> Suspend-ClusterNode -Name HV01 -Drain" in discovered  # HV01 is selected
        assert "PS> Resume-ClusterNode -Name HV01 -Failback Immediate" not in discovered  # it is not paused
        entries["PS> Suspend-ClusterNode -Name HV03 -Drain"].run()
        await pilot.pause()
        assert app.snapshot.node("HV03").state is NodeState.PAUSED
        assert app.pane == "migrations"

    drive(scenario)


# pure rows -----------------------------------------------------------------------------------


def _migration(id: int, state: str, finished: float | None = None, percent: float = 0.0) -> MigrationSnapshot:
    return MigrationSnapshot(
        id=id,
        vm=f"VM{id}",
        kind="Live",
        source="HV01",
        target="HV02",
        state=state,
        passes=1 if state not in ("Queued", "Setup") else 0,
        percent=percent,
        gb_left=3.5,
        rate_gbps=1.0,
        requested=0.0,
        started=None if state == "Queued" else 1.0,
        finished=finished,
        reason="live migration",
    )


def test_migration_rows_running_first_then_the_last_finished_newest_first() -> None:
    ms = [_migration(i, "Done", finished=float(i)) for i in range(1, 14)]
    ms += [_migration(20, "Queued"), _migration(14, "DataTransfer", percent=42.0)]
    rows = migration_rows(ms, now=75.0)
    keys = [k for k, _ in rows]
    assert keys[:2] == ["14", "20"]
    assert keys[2:] == [str(i) for i in range(13, 13 - FINISHED_MIGRATIONS_SHOWN, -1)]
    running = dict(rows)["14"]
    assert running[PROGRESS].text == "━━━╸────  42%" and running[LEFT].text == "3.5"
    assert dict(rows)["20"][PROGRESS].text == "waiting 1:15"


def test_progress_bar() -> None:
    assert progress_bar(0) == "────────   0%"
    assert progress_bar(50) == "━━━━────  50%"
    assert progress_bar(99) == "━━━━━━━━  99%"
    assert progress_bar(100) == "━━━━━━━━ 100%"


def test_a_table_whose_order_changes_keeps_the_cursor_on_its_row() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        t = table(app, "#migrations")
        view = app.query_one(MigrationsView)
        made = migration_rows([_migration(1, "DataTransfer"), _migration(2, "Queued"), _migration(3, "Queued")], 5.0)
        view.sync(made)
        t.focus()
        await pilot.pause()
        await pilot.press("down")
        assert t.selected_key == "2"
        # 1 finishes: it moves below the running ones, and the cursor stays on 2
        later = [_migration(1, "Done", finished=5.0), _migration(2, "Setup"), _migration(3, "Queued")]
        view.sync(migration_rows(later, 6.0))
        assert [row.key.value for row in t.ordered_rows] == ["2", "3", "1"]
        assert t.selected_key == "2"
        view.sync([])
        assert t.row_count == 0 and app.query_one("#migrations-hint").display

    drive(scenario)


def test_hiding_the_focused_migrations_view_hands_the_keys_to_the_roles_table() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")
        table(app, "#migrations").focus()
        await pilot.pause()
        assert app.selected_role == "SQL01" and "x" in shown_keys(app)
        await pilot.press("e")  # the storage pane: the Migrations view is hidden
        assert app.pane == "storage"
        assert app.focused is table(app, "#roles")
        assert app.selected_role == "DC01" and "x" not in shown_keys(app)

    drive(scenario)
