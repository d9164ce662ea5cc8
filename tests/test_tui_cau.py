"""Cluster-Aware Updating in the cockpit (§8): U starts a run, the CAU view and the node cards follow it."""

from __future__ import annotations

from textual.pilot import Pilot

from clusterlab.tui import ClusterLabApp
from clusterlab.tui.widgets import CauView, ConsoleLog
from tests.test_tui import cell, drive, nodes


def cau_cell(app: ClusterLabApp, node: str, column: int) -> str:
    return cell(app.query_one(CauView).table, node, column)


def test_u_starts_a_run_and_every_node_is_drained_updated_restarted_and_resumed() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("U")
        assert "PS HVCLUS> Invoke-CauRun -Force -Wait 0" in app.query_one(ConsoleLog).plain_text()
        assert app.pane == "cau"  # below 160 columns the lower pane switches to the run
        app.advance_sim(30)
        assert cau_cell(app, "HV01", 1) == "Scanning"
        seen: dict[str, set[str]] = {n: set() for n in ("HV01", "HV02", "HV03", "HV04")}
        owners_before = {g.name: g.owner for g in app.snapshot.groups if not g.is_core}
        for _ in range(12 * 60):  # up to twelve simulated hours, a minute at a time
            app.advance_sim(60)
            for n in seen:
                seen[n].add(cell(nodes(app), n, 1))
            if app.cluster.cau.current is None:
                break
        assert app.cluster.cau_status()["status"] == "Succeeded"
        for n, states in seen.items():
            # every node went through maintenance and the restart, as the node cards showed it
            assert "Paused · CAU installing" in states, (n, states)
            assert "Down · CAU restarting" in states, (n, states)
            assert cau_cell(app, n, 1) == "Succeeded"
            assert cau_cell(app, n, 2) == "3/3"
            assert cell(nodes(app), n, 1) == "Up"
        moved_back = [g for g, owner in owners_before.items() if app.snapshot.group(g).owner == owner]
        assert len(moved_back) >= len(owners_before) - 3, "FailbackMode Immediate brought the roles home"

    drive(scenario, size=(120, 40))


def test_the_cau_view_explains_itself_before_the_first_run() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.click("#tab-cau")
        await pilot.pause()
        hint = app.query_one("#cau-hint")
        assert hint.display and "U starts one" in str(hint.render())

    drive(scenario, size=(120, 40))
