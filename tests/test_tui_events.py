"""The event log's filter: level, event ID and source, by keys, the filter prompt and the palette."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from clusterlab.sim import Level
from clusterlab.tui import ClusterLabApp
from clusterlab.tui.event_filter import EventFilter, FilterError, at_least, next_level_filter, parse_filter
from clusterlab.tui.widgets import EventLog, EventsView
from clusterlab.tui.widgets.event_log import EntryKind
from tests.test_tui import drive


def test_parse_filter_reads_levels_ids_and_sources() -> None:
    flt = parse_filter("warning+ 1135 HV02")
    assert flt.levels == frozenset({Level.CRITICAL, Level.ERROR, Level.WARNING})
    assert flt.event_ids == frozenset({1135})
    assert flt.sources == ("hv02",)
    assert parse_filter(flt.text()) == flt
    assert parse_filter("") == EventFilter()
    assert not parse_filter("  ").active
    assert parse_filter("level:err id:1069,1205 source:Hyper-V").levels == frozenset({Level.ERROR})
    assert parse_filter("id:1069,1205").event_ids == frozenset({1069, 1205})
    assert parse_filter("source:1135").sources == ("1135",)
    with pytest.raises(FilterError):
        parse_filter("level:loud")
    with pytest.raises(FilterError):
        parse_filter("id:HV02")


def test_filter_matches_source_or_channel_prefix_and_describes_itself() -> None:
    flt = parse_filter("hyper-v")
    assert flt.matches_event("Information", None, "DC02", "Hyper-V")
    assert not flt.matches_event("Information", None, "DC02", "System")
    assert parse_filter("HV0").matches_event("Critical", 1135, "HV02", "System")
    assert parse_filter("error+ 1135").describe() == "Error and worse · ID 1135"
    assert not parse_filter("1135").shows_commands and parse_filter("critical").shows_commands


def test_level_key_cycles_and_keeps_the_rest() -> None:
    flt = EventFilter(event_ids=frozenset({1135}))
    seen = []
    for _ in range(4):
        flt = next_level_filter(flt)
        seen.append(flt.levels)
        assert flt.event_ids == frozenset({1135})
    assert seen == [at_least(Level.WARNING), at_least(Level.ERROR), frozenset({Level.CRITICAL}), frozenset()]


async def _crash_hv02(app: ClusterLabApp, pilot: Pilot[None]) -> None:
    await pilot.press("down", "c")
    app.advance_sim(400)
    await pilot.pause()


def test_slash_filters_past_events_by_id_and_escape_cancels() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await _crash_hv02(app, pilot)
        log = app.query_one(EventLog)
        total = len(log.entries)
        await pilot.press("slash")
        view = app.query_one(EventsView)
        assert view.editing and app.focused is view.input
        await pilot.press("1", "1", "3", "5", "enter")
        await pilot.pause()
        assert app.event_filter.event_ids == frozenset({1135})
        shown = log.shown
        assert shown and all(e.event_id == 1135 for e in shown)
        assert len(log.entries) == total  # nothing dropped: clearing shows it all again
        assert app.focused is app.query_one("#nodes")
        assert app.pane == "events"
        # new events are filtered as they come: a second crash adds one more 1135
        await pilot.press("down", "c")
        app.advance_sim(60)
        assert len(log.shown) == len(shown) + 1
        assert all(e.kind is EntryKind.EVENT and e.event_id == 1135 for e in log.shown)
        # escape leaves the filter as it was
        await pilot.press("slash", "backspace", "backspace", "escape")
        await pilot.pause()
        assert app.event_filter.event_ids == frozenset({1135}) and not view.editing
        await pilot.press("backslash")
        assert not app.event_filter.active and len(log.shown) == len(log.entries)

    drive(scenario)


def test_level_key_and_source_filter_keep_bounded_memory() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await _crash_hv02(app, pilot)
        log = app.query_one(EventLog)
        await pilot.press("F")  # warning and worse; commands still show
        assert app.event_filter.levels == at_least(Level.WARNING)
        kinds = {e.kind for e in log.shown}
        assert EntryKind.COMMAND in kinds
        assert all(e.level in ("Critical", "Error", "Warning") for e in log.shown if e.kind is EntryKind.EVENT)
        await pilot.press("F", "F")
        assert app.event_filter.levels == frozenset({Level.CRITICAL})
        app.set_event_filter(parse_filter("hv02"))
        assert log.shown and all(e.source == "HV02" for e in log.shown)
        for _ in range(30):  # many events: the log keeps at most its cap, filtered or not
            app.run_cmdline("Suspend-ClusterNode -Name HV01")
            app.run_cmdline("Resume-ClusterNode -Name HV01")
        assert len(log.entries) <= log.entries.maxlen  # type: ignore[operator]
        label = str(app.query_one("#events-filter-label").render())
        assert "source hv02" in label and "of" in label

    drive(scenario)


def test_a_bad_filter_notifies_and_keeps_the_old_one() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        for ch in "id:x":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.event_filter.active
        assert any("event ID" in n.message for n in app._notifications)

    drive(scenario)


def test_palette_offers_the_filters_with_ids_and_sources_seen() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await _crash_hv02(app, pilot)
        entries = {e.title: e for e in app.palette_entries()}
        assert "Filter the event log (level, event ID, source)" in entries
        assert "Event log: Error and worse" in entries
        entries["Event log: only event ID 1135"].run()
        assert app.event_filter.event_ids == frozenset({1135})
        entries = {e.title: e for e in app.palette_entries()}
        entries["Event log: only events from HV02"].run()
        assert app.event_filter.sources == ("hv02",)
        entries = {e.title: e for e in app.palette_entries()}
        entries["Event log: clear the filter"].run()
        assert not app.event_filter.active

    drive(scenario)


def test_focus_leaving_the_filter_prompt_closes_it_and_keys_work_again() -> None:
    async def scenario(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("F")  # warning and worse
        await pilot.press("slash")
        view = app.query_one(EventsView)
        assert view.editing
        assert app.console_focused  # single keys type into the prompt, not act on the cluster
        await pilot.press("c")
        assert "PS>" not in "\n".join(app.query_one(EventLog).plain_lines())
        app.query_one("#nodes").focus()
        await pilot.pause()
        assert not view.editing and app.event_filter.levels == at_least(Level.WARNING)

    drive(scenario)
