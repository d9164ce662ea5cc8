"""The Networks view: cluster networks and node interfaces, with their actions as cmdlets through the console."""

from __future__ import annotations

from textual.pilot import Pilot

from clusterlab.tui import ClusterLabApp
from clusterlab.tui.network_rows import NetworkVerb, network_command, next_role
from clusterlab.tui.widgets import ConsoleLog, NetworksView
from tests.test_tui import cell, drive, log_text


def test_network_commands_and_role_cycle() -> None:
    assert next_role("ClusterAndClient") == "Cluster" and next_role("None") == "ClusterAndClient"
    assert network_command(NetworkVerb.ROLE, "LiveMigration", role="Cluster").cmdline == (
        "(Get-ClusterNetwork LiveMigration).Role = 0"
    )
    assert network_command(NetworkVerb.CUT, "Cluster", "HV02").cmdline == (
        "Invoke-LabFault -Node HV02 -Isolate -Network Cluster"
    )
    assert (
        network_command(NetworkVerb.UPLINK, "", "HV03").cmdline == "Invoke-LabFault -Node HV03 -SwitchUplink External"
    )
    assert network_command(NetworkVerb.RECONNECT, "", "HV03").cmdline == "Repair-LabFault -Node HV03"


def test_networks_tab_lists_networks_and_interfaces() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.show_networks()
        await pilot.pause()
        assert app.pane == "networks"
        view = app.query_one(NetworksView)
        assert view.display
        nets = view.networks
        assert [r.key.value for r in nets.ordered_rows] == ["Management", "Cluster", "LiveMigration"]
        assert cell(nets, "Cluster", 1) == "1 Cluster"
        assert cell(nets, "Cluster", 2) == "Up"
        assert cell(nets, "Management", 3) == "10000"
        assert view.interfaces.row_count == 4 * 3
        assert cell(view.interfaces, "HV02 - Cluster", 2) == "Up"
        assert "carries" in view.explanation

    drive(scenario)


def test_g_changes_the_role_through_the_console() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.show_networks()
        await pilot.press("down", "down", "g")  # LiveMigration: Cluster → None
        await pilot.pause()
        assert app.snapshot.networks[2].role == "None"
        assert "(Get-ClusterNetwork LiveMigration).Role = 0" in app.query_one(ConsoleLog).plain_text()
        assert cell(app.query_one(NetworksView).networks, "LiveMigration", 1).startswith("0 None")

    drive(scenario)


def test_k_cuts_an_interface_j_loses_the_uplink_and_K_reconnects() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.show_networks("#interfaces")
        await pilot.pause()
        view = app.query_one(NetworksView)
        view.interfaces.move_cursor(row=view.interfaces.get_row_index("HV02 - Cluster"))
        await pilot.press("k")
        app.advance_sim(10)
        await pilot.pause()
        assert "PS> Invoke-LabFault -Node HV02 -Isolate -Network Cluster" in log_text(app)
        assert cell(view.interfaces, "HV02 - Cluster", 2) == "Unreachable"
        assert cell(view.networks, "Cluster", 2) == "Partitioned"
        assert ("network", "reconnect") in app.keys_that_apply()
        view.interfaces.move_cursor(row=view.interfaces.get_row_index("HV03 - Management"))
        await pilot.press("j")
        app.advance_sim(60)
        await pilot.pause()
        assert app.snapshot.node("HV03").switches_down == ("External",)
        assert cell(view.interfaces, "HV03 - Cluster", 4) == "External: lost"
        assert all(v.host != "HV03" for v in app.snapshot.vms if v.name in ("DC02", "APP02", "WEB01"))
        await pilot.press("K")
        view.interfaces.move_cursor(row=view.interfaces.get_row_index("HV02 - Cluster"))
        await pilot.press("K")
        app.advance_sim(10)
        await pilot.pause()
        assert app.snapshot.node("HV03").switches_down == ()
        assert cell(view.interfaces, "HV02 - Cluster", 2) == "Up"
        assert "PS> Repair-LabFault -Node HV02" in log_text(app)

    drive(scenario)


def test_network_key_elsewhere_shows_the_view_and_runs_nothing() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("k")
        await pilot.pause()
        assert app.pane == "networks"
        assert "PS>" not in log_text(app)

    drive(scenario)


def test_palette_has_network_roles_and_interface_faults() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.show_networks("#interfaces")
        await pilot.pause()
        titles = {e.title: e for e in app.palette_entries()}
        assert "Set network LiveMigration's role to 0 None" in titles
        assert "Cut HV01 off network Management (lab fault)" in titles
        assert "HV04's virtual switch External loses its uplink (lab fault)" in titles
        discovered = {e.title for e in app.palette_entries() if e.discover}
        assert "Cut HV01 off network Management (lab fault)" in discovered  # the selected interface
        titles["Set network LiveMigration's role to 0 None"].run()
        assert app.snapshot.networks[2].role == "None"

    drive(scenario)


def test_split_layout_shows_networks_only_when_asked() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        view = app.query_one(NetworksView)
        assert app.split and not view.display  # every other view shows; this one waits to be asked for
        app.show_networks()
        await pilot.pause()
        assert view.display and view.region.height > 3
        assert app.query_one("#events").region.height > 0  # the event log keeps some room

    drive(scenario, size=(200, 50))


def test_narrow_networks_view_shows_a_row_of_each_table_without_a_horizontal_scrollbar() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.show_networks("#interfaces")
        await pilot.pause()
        view = app.query_one(NetworksView)
        for table in (view.networks, view.interfaces):
            assert table.region.height >= 2, table  # its header and at least one row
            assert table.virtual_size.width <= table.scrollable_content_region.width, table

    drive(scenario, size=(80, 24))
