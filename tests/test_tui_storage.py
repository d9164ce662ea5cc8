"""Pilot tests of the Storage view: the node × CSV matrix of I/O modes and the keys on it.

Every app starts paused on the default lab (four nodes, CSV1 coordinated by HV01, CSV2 by HV02)
and simulated time moves only when a test calls ``advance_sim``; nothing sleeps in real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from clusterlab.lab import load_lab
from clusterlab.sim import VmState
from clusterlab.tui import ClusterLabApp, make_app
from clusterlab.tui.actions import (
    StorageVerb,
    next_coordinator,
    next_csv,
    storage_command,
    storage_move_command,
    storage_verbs_that_apply,
)
from clusterlab.tui.rows import Tone, file_server_status, io_cell, storage_rows
from clusterlab.tui.widgets import ConsoleLog, EventLog, LinesView, PaneTabs, SnapshotTable, StorageView

Scenario = Callable[[ClusterLabApp, Pilot[None]], Awaitable[None]]

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
# STORAGE columns: CSV, State, Coordinator, VMs, then one per node
CSV, STATE, COORDINATOR, VMS = range(4)
# ROLE_COLUMNS: Role, State, Owner, CSV, Priority, Status
ROLE_STATE, ROLE_CSV, ROLE_STATUS = 1, 3, 5


def drive(scenario: Scenario, *, size: tuple[int, int] = (120, 40), app: ClusterLabApp | None = None) -> ClusterLabApp:
    app = app or make_app(paused=True)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app


def view(app: ClusterLabApp) -> StorageView:
    return app.query_one(StorageView)


def matrix(app: ClusterLabApp, csv: str) -> dict[str, str]:
    """The row of ``csv`` as column label -> cell text (CSV, State, Coordinator, VMs, HV01 …)."""
    table = view(app).table
    data = table.row_data(csv)
    assert data is not None, csv
    labels = [str(c.label) for c in table.ordered_columns]
    return {label: c.text for label, c in zip(labels, data, strict=True)}


def tone(app: ClusterLabApp, csv: str, node: str) -> Tone:
    table = view(app).table
    data = table.row_data(csv)
    assert data is not None
    return data[table.column_keys.index(f"node:{node}")].tone


def role(app: ClusterLabApp, name: str, column: int) -> str:
    data = app.query_one("#roles", SnapshotTable).row_data(name)
    assert data is not None, name
    return data[column].text


def shown_keys(app: ClusterLabApp) -> dict[str, str]:
    """Keys the footer shows now, with their labels."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show and active.enabled
    }


def migration_cells(app: ClusterLabApp, key: str) -> list[str]:
    data = app.query_one("#migrations", SnapshotTable).row_data(key)
    assert data is not None, key
    return [c.text for c in data]


def errors(app: ClusterLabApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def console(app: ClusterLabApp) -> str:
    return app.query_one(ConsoleLog).plain_text()


async def open_storage(app: ClusterLabApp, pilot: Pilot[None], csv: str = "CSV1", node: str | None = None) -> None:
    """Show the Storage tab, focus its matrix and put the cursor on ``csv`` × ``node``."""
    await pilot.click("#tab-storage")
    app.query_one("#storage", SnapshotTable).focus()
    await pilot.pause()
    view(app).select(csv, node)
    await pilot.pause()


# the view -----------------------------------------------------------------------------------


def test_the_matrix_shows_every_csv_with_its_coordinator_and_each_nodes_io() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.click("#tab-storage")
        assert app.pane == "storage" and view(app).display
        assert [str(c.label) for c in view(app).table.ordered_columns] == [
            "CSV",
            "State",
            "Coordinator",
            "VMs",
            "HV01",
            "HV02",
            "HV03",
            "HV04",
        ]
        assert matrix(app, "CSV1") == {
            "CSV": "CSV1",
            "State": "Online",
            "Coordinator": "HV01",
            "VMs": "6",
            "HV01": "Direct ★",
            "HV02": "Direct",
            "HV03": "Direct",
            "HV04": "Direct",
        }
        assert matrix(app, "CSV2")["HV02"] == "Direct ★" and matrix(app, "CSV2")["VMs"] == "7"
        assert tone(app, "CSV1", "HV03") is Tone.GOOD
        assert not app.query_one(PaneTabs).query_one("#tab-storage").has_class("-busy")

    drive(scenario)


def test_io_cells_are_worded_and_coloured_by_mode() -> None:
    assert io_cell("Direct", "NotRedirected", False) == ("Direct", Tone.GOOD)
    assert io_cell("BlockRedirected", "NoDiskConnectivity", False) == ("Block ↪", Tone.WARN)
    assert io_cell("FileSystemRedirected", "UserRequest", True) == ("FS ↪ ★", Tone.WARN)
    assert io_cell("Paused", "CoordinatorChange", True) == ("Paused ★", Tone.BAD)
    assert io_cell("Unavailable", "NoDiskConnectivity", False) == ("No access", Tone.BAD)
    assert io_cell("Unavailable", "", False) == ("—", Tone.MUTED)  # the node is not a running member


def test_f_on_a_cell_fails_that_nodes_path_and_only_that_cell_goes_block_redirected() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await open_storage(app, pilot, "CSV1", "HV02")
        assert (view(app).selected_csv, view(app).selected_node) == ("CSV1", "HV02")
        assert {"f", "O", "a"} <= set(shown_keys(app)) and "c" not in shown_keys(app)
        await pilot.press("f")
        await pilot.pause()
        assert errors(app) == []
        assert "PS HVCLUS> Invoke-LabFault -Node HV02 -StoragePath CSV1" in console(app)
        row = matrix(app, "CSV1")
        assert row["HV02"].startswith("Block") and tone(app, "CSV1", "HV02") is Tone.WARN
        assert row["HV01"] == "Direct ★" and row["HV03"] == row["HV04"] == "Direct"
        assert matrix(app, "CSV2")["HV02"] == "Direct ★"  # its path to CSV2 is fine
        assert view(app).explanation.startswith("HV02 → CSV1 · Block redirected (NoDiskConnectivity): no path")
        assert view(app).explanation.endswith("over SMB through HV01")
        assert "5121" in "\n".join(app.query_one(EventLog).plain_lines())
        assert "f" not in shown_keys(app)  # that path is already gone
        assert app.query_one(PaneTabs).query_one("#tab-storage").has_class("-busy")
        details = app.query_one("#details", LinesView).plain
        assert "› HV02 Block ↪" in details and "NoDiskConnectivity" in details
        # r on the node gives the path back
        nodes = app.query_one("#nodes", SnapshotTable)
        nodes.focus()
        nodes.move_cursor(row=nodes.get_row_index("HV02"))
        await pilot.pause()
        assert "r" in shown_keys(app)
        await pilot.press("r")
        await pilot.pause()
        assert "PS HVCLUS> Repair-LabFault -Node HV02" in console(app)
        assert matrix(app, "CSV1")["HV02"] == "Direct"

    drive(scenario)


def test_a_toggles_redirected_access_for_every_node_but_the_coordinator() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await open_storage(app, pilot, "CSV1", "HV03")
        assert shown_keys(app)["a"] == "Redirect"
        await pilot.press("a")
        await pilot.pause()
        assert "PS HVCLUS> Suspend-ClusterResource -Name CSV1 -RedirectedAccess" in console(app)
        row = matrix(app, "CSV1")
        assert row["HV01"] == "Direct ★"
        assert row["HV02"] == row["HV03"] == row["HV04"] == "FS ↪"
        assert row["State"] == "Online ↪"
        assert set(matrix(app, "CSV2").values()) >= {"Direct"}  # the other CSV is untouched
        assert shown_keys(app)["a"] == "Direct I/O"
        await pilot.press("a")
        await pilot.pause()
        assert "PS HVCLUS> Resume-ClusterResource -Name CSV1" in console(app)
        row = matrix(app, "CSV1")
        assert row["HV02"] == row["HV03"] == row["HV04"] == "Direct" and row["State"] == "Online"
        assert errors(app) == []

    drive(scenario)


def test_shift_m_puts_a_csv_in_maintenance_and_its_vms_are_saved_until_it_ends() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await open_storage(app, pilot, "CSV1", "HV02")
        assert shown_keys(app)["M"] == "Maintain"
        await pilot.press("M")
        await pilot.pause()
        assert "PS HVCLUS> Suspend-ClusterResource -Name CSV1" in console(app)
        app.advance_sim(300)  # long enough to save the biggest VM on it
        await pilot.pause()
        row = matrix(app, "CSV1")
        assert row["State"] == "Online (Maintenance)" and row["HV02"] == "Maint."
        assert tone(app, "CSV1", "HV02") is Tone.WARN
        on_csv1 = [v for v in app.snapshot.vms if v.csv == "CSV1"]
        assert on_csv1 and all(v.state is VmState.SAVED for v in on_csv1 if v.name != "DEV01")
        assert all(v.state is VmState.RUNNING for v in app.snapshot.vms if v.csv == "CSV2" and v.name != "DEV01")
        assert view(app).explanation.endswith("stopped until Resume-ClusterResource")
        assert shown_keys(app)["M"] == "End maint."
        await pilot.press("M")
        await pilot.pause()
        assert "PS HVCLUS> Resume-ClusterResource -Name CSV1" in console(app)
        assert matrix(app, "CSV1")["State"] == "Online"
        assert errors(app) == []

    drive(scenario)


def test_o_moves_the_coordinator_to_the_next_node_and_the_star_follows() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await open_storage(app, pilot, "CSV1", "HV03")
        await pilot.press("O")
        await pilot.pause()
        assert errors(app) == []
        assert "PS HVCLUS> Move-ClusterSharedVolume -Name CSV1 -Node HV02" in console(app)
        row = matrix(app, "CSV1")
        assert row["Coordinator"] == "HV02"
        assert "★" in row["HV02"] and "★" not in row["HV01"]
        assert app.snapshot.node("HV02").csvs_coordinated == ("CSV1", "CSV2")
        app.advance_sim(10)  # the brief I/O pause of a coordinator change is over
        await pilot.pause()
        row = matrix(app, "CSV1")
        assert row["HV02"] == "Direct ★" and row["HV01"] == "Direct" and row["State"] == "Online"
        await pilot.press("O")  # and on to the next one
        await pilot.pause()
        assert "PS HVCLUS> Move-ClusterSharedVolume -Name CSV1 -Node HV03" in console(app)
        assert matrix(app, "CSV1")["Coordinator"] == "HV03"

    drive(scenario)


def test_the_next_coordinator_skips_nodes_without_a_path_or_not_up() -> None:
    app = make_app(paused=True)
    app.cluster.lose_storage_path("HV02", "CSV1")
    app.cluster.crash_node("HV03")
    app.cluster.run_until(60)
    snap = app.cluster.snapshot()
    csv1 = next(c for c in snap.csvs if c.name == "CSV1")
    assert next_coordinator(csv1, snap.nodes) == "HV04"
    cmd = storage_command(StorageVerb.COORDINATOR, csv1, nodes=snap.nodes)
    assert cmd.cmdline == "Move-ClusterSharedVolume -Name CSV1 -Node HV04"
    assert StorageVerb.FAIL_PATH not in storage_verbs_that_apply(csv1, "HV02", snap.nodes)
    assert StorageVerb.FAIL_PATH in storage_verbs_that_apply(csv1, "HV04", snap.nodes)
    assert dict(storage_rows(snap))["CSV1"][4 + 2].text == "—"  # HV03 is down


def test_v_starts_a_storage_migration_that_ends_with_the_vm_on_the_next_csv() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        roles = app.query_one("#roles", SnapshotTable)
        roles.focus()
        roles.move_cursor(row=roles.get_row_index("SQL01"))
        await pilot.pause()
        assert role(app, "SQL01", ROLE_CSV) == "CSV1" and "v" in shown_keys(app)
        await pilot.press("v")
        await pilot.pause()
        assert errors(app) == []
        assert "PS HVCLUS> Move-VMStorage -Name SQL01 -DestinationStoragePath C:\\ClusterStorage\\CSV2\\SQL01" in (
            console(app)
        )
        assert role(app, "SQL01", ROLE_STATUS) == "Storage → CSV2"
        assert "storage migration CSV1 → CSV2: copying" in app.query_one("#details", LinesView).plain
        assert "v" not in shown_keys(app)  # one at a time
        app.advance_sim(30)
        await pilot.pause()
        copying = migration_cells(app, "storage:1")  # the Migrations view follows the copy
        assert copying[:4] == ["SQL01", "Storage", "CSV1 → CSV2", "Copying"]
        assert copying[5].endswith("25%") and copying[6] == "45.0" and copying[7] == "0.5"
        for _ in range(60):
            if app.snapshot.vm("SQL01").csv == "CSV2":
                break
            app.advance_sim(10)
        await pilot.pause()
        vm = app.snapshot.vm("SQL01")
        assert vm.csv == "CSV2" and vm.state is VmState.RUNNING and vm.downtime_at(app.snapshot.time) == 0
        assert role(app, "SQL01", ROLE_CSV) == "CSV2" and role(app, "SQL01", ROLE_STATUS) == ""
        assert matrix(app, "CSV1")["VMs"] == "5" and matrix(app, "CSV2")["VMs"] == "8"
        assert app.storage_moves == {}
        assert "v" in shown_keys(app)  # and back again, if you like
        assert migration_cells(app, "storage:1")[3] == "Done"

    drive(scenario)


def test_storage_migration_goes_to_the_next_csv_wrapping_around() -> None:
    snap = make_app(paused=True).snapshot
    assert next_csv(snap.csvs, "CSV1") == "CSV2" and next_csv(snap.csvs, "CSV2") == "CSV1"
    assert next_csv(snap.csvs, None) is None and next_csv(snap.csvs[:1], "CSV1") is None
    assert storage_move_command("My VM", "CSV2").cmdline == (
        "Move-VMStorage -Name 'My VM' -DestinationStoragePath 'C:\\ClusterStorage\\CSV2\\My VM'"
    )


def test_a_csv_nobody_reaches_pauses_its_vms_paused_critical_in_red() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        for node in ("HV01", "HV02", "HV03", "HV04"):
            assert app.run_cmdline(f"Invoke-LabFault -Node {node} -StoragePath CSV1")
        app.advance_sim(5)
        await pilot.pause()
        assert app.snapshot.vm("SQL01").state is VmState.PAUSED_CRITICAL
        assert role(app, "SQL01", ROLE_STATE) == "Online"  # the cluster keeps the role online …
        assert role(app, "SQL01", ROLE_STATUS) == "PausedCritical"  # … while its VM waits for its storage
        data = app.query_one("#roles", SnapshotTable).row_data("SQL01")
        assert data is not None and data[ROLE_STATUS].tone is Tone.BAD and data[ROLE_CSV].tone is Tone.BAD
        assert role(app, "DC02", ROLE_STATUS) == ""  # on CSV2: untouched
        row = matrix(app, "CSV1")
        assert row["HV03"] == "No access" and "no access" in row["State"]
        roles = app.query_one("#roles", SnapshotTable)
        roles.focus()
        roles.move_cursor(row=roles.get_row_index("SQL01"))
        await pilot.pause()
        assert "PausedCritical: CSV1 is not accessible" in app.query_one("#details", LinesView).plain
        assert "v" not in shown_keys(app)  # no storage migration off a volume nobody reaches
        assert app.run_cmdline("Repair-LabFault -Node HV03")
        app.advance_sim(5)
        await pilot.pause()
        assert role(app, "SQL01", ROLE_STATUS) == "" and app.snapshot.vm("SQL01").state is VmState.RUNNING
        assert matrix(app, "CSV1")["HV03"].startswith("Direct")

    drive(scenario)


def test_file_server_roles_show_what_their_smb_clients_see() -> None:
    lab = load_lab(SCENARIOS / "file-server-continuous-availability.yaml")

    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert role(app, "FS-GENERAL", ROLE_STATUS) == "200 clients"
        assert role(app, "SOFS", ROLE_STATUS) == "40 clients · SMB CA"
        assert role(app, "SOFS", ROLE_CSV) == "-"
        assert app.run_cmdline("Invoke-LabFault -Node HV01 -Crash")
        app.advance_sim(1)
        await pilot.pause()
        assert role(app, "FS-GENERAL", ROLE_STATUS) == "clients reconnecting"
        app.advance_sim(60)
        await pilot.pause()
        assert role(app, "SOFS", ROLE_STATUS) == "SMB CA: 1 ride-through"
        assert role(app, "FS-GENERAL", ROLE_STATUS) == "clients reconnected (1×)"
        roles = app.query_one("#roles", SnapshotTable)
        roles.focus()
        roles.move_cursor(row=roles.get_row_index("SOFS"))
        await pilot.pause()
        details = app.query_one("#details", LinesView).plain
        assert "Scale-Out File Server" in details and "ride-throughs 1" in details
        assert view(app).table.row_count == 0 and view(app).explanation == "No Cluster Shared Volumes."

    drive(scenario, app=make_app(lab, paused=True))


def test_file_server_status_words() -> None:
    lab = load_lab(SCENARIOS / "file-server-continuous-availability.yaml")
    app = make_app(lab, paused=True)
    fs = {f.name: f for f in app.snapshot.file_servers}
    assert file_server_status(fs["SOFS"]).tone is Tone.MUTED


# keys where they do not apply, the palette, quiet ticks ---------------------------------------------


def test_a_storage_key_away_from_the_storage_view_brings_it_up_instead_of_guessing() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert "f" not in shown_keys(app)  # the nodes table has focus
        await pilot.press("f")
        await pilot.pause()
        assert app.pane == "storage" and app.focused is app.query_one("#storage", SnapshotTable)
        assert all(not m.startswith("Block") for m in matrix(app, "CSV1").values())  # nothing ran
        assert "Invoke-LabFault" not in console(app)
        assert view(app).selected_node == "HV01"  # the cursor sits on the first node column

    drive(scenario, size=(80, 24))


def test_the_cursor_stays_on_the_node_columns() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await open_storage(app, pilot, "CSV2", "HV01")
        await pilot.press("left", "left")
        await pilot.pause()
        assert view(app).selected_node == "HV01"
        await pilot.press("right", "down", "up")
        await pilot.pause()
        assert (view(app).selected_csv, view(app).selected_node) == ("CSV1", "HV02")

    drive(scenario)


def test_the_palette_offers_every_node_losing_its_path_to_every_csv() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        entries = {e.title: e for e in app.palette_entries()}
        for node in ("HV01", "HV02", "HV03", "HV04"):
            for csv in ("CSV1", "CSV2"):
                assert f"{node} loses its path to {csv} (lab fault)" in entries
        assert "Move the coordinator of CSV1 to HV02" in entries
        assert "Turn on redirected access for CSV2 (all I/O through the coordinator)" in entries
        assert "Move the storage of SQL01 to CSV2 (storage migration)" in entries
        entry = entries["HV03 loses its path to CSV2 (lab fault)"]
        assert entry.help == "PS> Invoke-LabFault -Node HV03 -StoragePath CSV2"
        entry.run()
        await pilot.pause()
        assert matrix(app, "CSV2")["HV03"] == "Block ↪"

    drive(scenario)


def test_a_quiet_tick_rewrites_no_storage_cell_and_a_path_fault_only_its_own() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        table = view(app).table
        app.advance_sim(1)
        assert table.last_sync_updates == 0
        app.cluster.lose_storage_path("HV04", "CSV2")
        app.publish()
        assert table.last_sync_updates == 1  # HV04 × CSV2
        assert matrix(app, "CSV2")["HV04"] == "Block ↪"

    drive(scenario)


def test_wide_screens_show_the_storage_view_between_migrations_and_events() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.split
        storage = view(app).region
        migrations = app.query_one("#migrations-view").region
        events = app.query_one(EventLog).region
        assert migrations.bottom <= storage.y and storage.bottom <= events.y
        assert 4 <= storage.height <= 8 and events.height > 5

    drive(scenario, size=(200, 50))
