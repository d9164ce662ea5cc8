"""Appearance of the cockpit (pytest-textual-snapshot), paused so every run draws the same.

Update after a deliberate change, without xdist:
``.venv/bin/python -m pytest tests/test_tui_snapshots.py -p no:xdist --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from clusterlab.tui import ClusterLabApp, make_app

SnapCompare = Callable[..., bool]


def test_start_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(80, 24))


def test_start_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(paused=True), terminal_size=(120, 40))


async def _crash_hv02_two_minutes(pilot: Pilot[Any]) -> None:
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
