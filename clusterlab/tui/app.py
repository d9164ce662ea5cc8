"""The clusterlab cockpit: one simulated cluster, its nodes, roles, live migrations, CSVs and events, driven by keys.

The :class:`Cluster` lives on the UI thread. A pausable 10 Hz timer advances it by
``speed × 0.1`` simulated seconds and publishes ONE snapshot (with the list of live migrations)
to every view; views diff it against what they show. Every action — a key, a palette entry,
a line typed at the console prompt — is a PowerShell command line that
:meth:`ClusterLabApp.run_cmdline` runs through the app's one non-blocking :class:`Shell` and
echoes in the console pane.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Literal

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input

from clusterlab.lab import (
    JournalError,
    JournalWriter,
    Lab,
    LibraryEntry,
    Line,
    ProgressStore,
    Replayed,
    Walkthrough,
    default_lab_path,
    describe_check,
    header_for,
    load_lab,
    shipped_library,
)
from clusterlab.logging import configure, log_command
from clusterlab.shell import ErrorRecord, Shell
from clusterlab.shell.completion import complete
from clusterlab.sim import (
    Cluster,
    ClusterError,
    ClusterEvent,
    ClusterSnapshot,
    FileServerSnapshot,
    GroupSnapshot,
    Level,
    MigrationSnapshot,
    VmSnapshot,
)
from clusterlab.tui.actions import (
    MIGRATION_VERBS,
    NODE_VERBS,
    ROLE_VERBS,
    NodeVerb,
    RoleVerb,
    StorageVerb,
    has_path,
    is_vm_role,
    maintenance_toggle,
    next_csv,
    node_command,
    node_verbs_that_apply,
    redirect_toggle,
    role_command,
    role_verbs_that_apply,
    storage_command,
    storage_verbs_that_apply,
    witness_command,
)
from clusterlab.tui.cau_rows import cau_rows, cau_summary
from clusterlab.tui.detail_screen import DetailScreen
from clusterlab.tui.details import Detail, cau_detail, csv_detail, elapsed_clock, node_detail, vm_detail
from clusterlab.tui.event_filter import (
    LEVELS,
    NO_FILTER,
    EventFilter,
    FilterError,
    at_least,
    next_level_filter,
    parse_filter,
)
from clusterlab.tui.help import HelpScreen, help_markdown
from clusterlab.tui.network_rows import (
    INTERFACE_VERBS,
    NetworkVerb,
    interface_rows,
    network_command,
    network_explanation,
    network_of,
    network_rows,
    network_verbs_that_apply,
    networks_attention,
    node_of,
    role_choices,
)
from clusterlab.tui.network_rows import (
    role_command as network_role_command,
)
from clusterlab.tui.palette import ClusterCommands
from clusterlab.tui.picker import LabChoice, LabPicker
from clusterlab.tui.rows import (
    LEVEL_SHORT,
    NODE_COLUMNS,
    ROLE_COLUMNS,
    Row,
    StorageMove,
    clock_text,
    cluster_summary,
    csv_details,
    event_cells,
    format_elapsed,
    identity_text,
    io_explanation,
    is_finished,
    migration_key,
    migration_rows,
    node_row,
    open_storage_moves,
    ordered_groups,
    quorum_badge,
    role_details,
    role_row,
    running_migrations,
    speed_text,
    storage_attention,
    storage_columns,
    storage_rows,
)
from clusterlab.tui.timeline import Moment, commands_to_keep, moments
from clusterlab.tui.timeline_screen import TimelineScreen
from clusterlab.tui.widgets import (
    CauView,
    ClusterHeader,
    CommandInput,
    ConsoleLog,
    ConsolePrompt,
    EntryKind,
    EventLog,
    EventsView,
    LabView,
    LinesView,
    LogEntry,
    MigrationsView,
    NetworksView,
    PaneTabs,
    SnapshotTable,
    StorageView,
)

#: Simulation speeds the + and - keys step through (simulated seconds per real second).
#: The last is "as fast as possible" (shown "max"): each tick runs events for MAX_SLICE_S of real time.
MAX_SPEED = math.inf
SPEEDS: tuple[float, ...] = (1.0, 10.0, 60.0, 600.0, MAX_SPEED)
#: At max speed: real seconds of simulation per tick (keys stay responsive between slices), and
#: how far simulated time jumps when nothing is scheduled sooner (an idle cluster still moves on).
MAX_SLICE_S = 0.05
MAX_IDLE_JUMP_S = 3600.0
#: Real seconds between ticks; each tick advances ``speed × TICK_S`` simulated seconds.
TICK_S = 0.1
#: ``n`` steps through scheduled simulation events until one shows up in the log, within these bounds.
NEXT_EVENT_MAX_STEPS = 10_000
NEXT_EVENT_HORIZON_S = 24 * 3600.0

#: From this width the lower pane shows every view at once (migrations, storage and events beside the console);
#: below, one at a time.
SPLIT_WIDTH = 160
#: Error records from one line that are also written to the event log (the console shows them all).
LOGGED_ERRORS = 3

#: The lower pane's views, in the order the tabs show them and ``e`` steps through them.
PANES: tuple[str, ...] = ("events", "migrations", "storage", "networks", "cau", "lab", "console")
#: The tables keys act on that live in the lower pane, and the pane each one is in.
PANE_TABLES: dict[str, str] = {
    "#migrations": "migrations",
    "#storage": "storage",
    "#networks": "networks",
    "#interfaces": "networks",
}

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


#: Keys that act on the node selected in the nodes table (shown in the footer while that table has focus).
NODE_KEYS: list[Binding] = [
    Binding(
        "c",
        "node('crash')",
        "Crash",
        id="node.crash",
        tooltip="Lab fault: the selected node loses power (Invoke-LabFault -Node X -Crash)",
    ),
    Binding(
        "o",
        "node('power_on')",
        "Power",
        id="node.power_on",
        tooltip="Power the selected node on; it boots and rejoins (Start-LabNode -Name X)",
    ),
    Binding(
        "s",
        "node('stop')",
        "Stop",
        id="node.stop",
        tooltip="Stop the Cluster service on the selected node (Stop-ClusterNode -Name X)",
    ),
    Binding(
        "t",
        "node('start')",
        "Start",
        id="node.start",
        tooltip="Start the Cluster service on the selected node (Start-ClusterNode -Name X)",
    ),
    Binding(
        "i",
        "node('isolate')",
        "Isolate",
        id="node.isolate",
        tooltip="Lab fault: cut the selected node off all cluster networks (Invoke-LabFault -Node X -Isolate)",
    ),
    Binding(
        "r",
        "node('repair')",
        "Repair",
        id="node.repair",
        tooltip="Reconnect the selected node, give it back its storage paths and power it on (Repair-LabFault -Node X)",
    ),
    Binding(
        "p",
        "node('pause')",
        "Suspend",
        id="node.pause",
        tooltip="Pause the selected node without draining it (Suspend-ClusterNode -Name X); "
        "on a paused node p resumes it without failback (Resume-ClusterNode -Name X)",
    ),
    Binding(
        "d",
        "node('drain')",
        "Drain",
        id="node.drain",
        tooltip="Drain the selected node: pause it and move its roles away, High priority first, "
        "High and Medium by live migration (Suspend-ClusterNode -Name X -Drain)",
    ),
    Binding(
        "u",
        "node('resume')",
        "Resume",
        id="node.resume",
        tooltip="Resume the selected paused node and fail its drained roles back "
        "(Resume-ClusterNode -Name X -Failback Immediate)",
    ),
    Binding(
        "R",
        "node('restart')",
        "Restart",
        id="node.restart",
        tooltip="Restart the selected node's OS: it drains, reboots and rejoins (Restart-Computer -ComputerName X)",
    ),
]

#: Keys that act on the selected role (roles table) or the VM of the selected migration (Migrations view).
ROLE_KEYS: list[Binding] = [
    Binding(
        "m",
        "role('move')",
        "Move",
        id="role.move",
        tooltip="Move the selected role to the best possible node; a VM is quick-migrated: saved, moved, "
        "restored (Move-ClusterGroup -Name X)",
    ),
    Binding(
        "l",
        "role('live')",
        "Live",
        id="role.live",
        tooltip="Live-migrate the selected VM role to the best possible node; it keeps running "
        "(Move-ClusterVirtualMachineRole -Name X -MigrationType Live -Wait 0)",
    ),
    Binding(
        "x",
        "role('cancel')",
        "Cancel",
        id="role.cancel",
        tooltip="Cancel the live migration of the selected role (or of the migration selected in the "
        "Migrations view); the VM stays where it runs (Move-ClusterVirtualMachineRole -Name X -Cancel)",
    ),
    Binding(
        "v",
        "role('storage')",
        "VM storage",
        id="role.storage",
        tooltip="Storage migration: copy the selected VM's files to the next CSV while it keeps running "
        "(Move-VMStorage -Name X -DestinationStoragePath C:\\ClusterStorage\\<next CSV>\\X)",
    ),
]

#: Keys that act on the Storage view's selected cell: its row is a CSV, its column a node.
STORAGE_KEYS: list[Binding] = [
    Binding(
        "f",
        "storage('fail_path')",
        "Fail path",
        id="storage.fail_path",
        tooltip="Lab fault: the node of the selected cell loses its path to the row's CSV; its I/O goes block "
        "redirected through the coordinator (Invoke-LabFault -Node X -StoragePath CSV); r on the node repairs it",
    ),
    Binding(
        "O",
        "storage('coordinator')",
        "Coord",
        id="storage.coordinator",
        tooltip="Move the selected CSV's coordinator to the next node that can take it; I/O pauses briefly "
        "(Move-ClusterSharedVolume -Name CSV -Node X)",
    ),
    Binding(
        "a",
        "storage('redirect')",
        "Redirect",
        id="storage.redirect",
        tooltip="Turn on redirected access for the selected CSV: every other node's I/O goes through the "
        "coordinator (Suspend-ClusterResource -Name CSV -RedirectedAccess); a again turns it off",
    ),
    Binding(
        "a",
        "storage('direct')",
        "Direct I/O",
        id="storage.direct",
        tooltip="Turn off redirected access for the selected CSV: direct I/O again (Resume-ClusterResource -Name CSV)",
    ),
    Binding(
        "M",
        "storage('maintain')",
        "Maintain",
        id="storage.maintain",
        tooltip="Turn on maintenance for the selected CSV: every VM on it is saved and cannot start until "
        "maintenance ends (Suspend-ClusterResource -Name CSV); M again turns it off",
    ),
    Binding(
        "M",
        "storage('end_maintenance')",
        "End maint.",
        id="storage.end_maintenance",
        tooltip="Turn off maintenance for the selected CSV; its roles stay off until started "
        "(Resume-ClusterResource -Name CSV)",
    ),
]

#: Keys that act on the Networks view's selected network (or interface: its node and network).
NETWORK_KEYS: list[Binding] = [
    Binding(
        "g",
        "network('role')",
        "Role",
        id="network.role",
        tooltip="Change the selected network's role (cluster use): 3 Cluster+Client → 1 Cluster only → "
        "0 none ((Get-ClusterNetwork X).Role = N)",
    ),
    Binding(
        "k",
        "network('cut')",
        "Cut",
        id="network.cut",
        tooltip="Lab fault: the selected interface's node loses that network; heartbeats go over the others "
        "(Invoke-LabFault -Node X -Isolate -Network N)",
    ),
    Binding(
        "j",
        "network('uplink')",
        "Uplink",
        id="network.uplink",
        tooltip="Lab fault: the selected interface's node's virtual switch loses its physical uplink; network "
        "health protection live-migrates its protected VMs away (Invoke-LabFault -Node X -SwitchUplink External)",
    ),
    Binding(
        "K",
        "network('reconnect')",
        "Reconnect",
        id="network.reconnect",
        tooltip="Reconnect the selected interface's node: networks, switch uplinks and storage paths "
        "(Repair-LabFault -Node X)",
    ),
]


def _anywhere(binding: Binding) -> Binding:
    """The hidden twin of a node or role key: same key and id, never in the footer, runs wherever it is pressed.

    ``node('drain')`` becomes ``node('drain', True)``: :meth:`ClusterLabApp.check_action` lets the
    twin through where the shown binding does not apply.
    """
    assert binding.action.endswith("')"), binding.action
    return Binding(
        binding.key,
        binding.action[:-1] + ", True)",
        binding.description,
        show=False,
        key_display=binding.key_display,
        id=binding.id,
        tooltip=binding.tooltip,
    )


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    title: str
    help: str
    run: Callable[[], object]
    discover: bool = True


class ClusterLabApp(App[LabChoice | None]):
    """The cockpit over one :class:`Cluster`."""

    CSS_PATH = "app.tcss"
    TITLE = "clusterlab"
    AUTO_FOCUS = "#nodes"
    # narrow: one column; medium: two columns, two-line header; wide: two columns, one-line header
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (120, "-wide")]  # noqa: RUF012 (typed on App)
    COMMANDS = App.COMMANDS | {ClusterCommands}

    _SPEED = Binding.Group("Speed", compact=True)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_cockpit", "Quit", id="app.quit", tooltip="Leave clusterlab (ctrl+q works everywhere)"),
        # second: the footer cuts what does not fit at 80 columns, and help must stay in sight
        Binding(
            "f1",
            "show_help",
            "Help",
            id="app.help",
            tooltip="Keys and a glossary of the WSFC words on the screen (? too)",
        ),
        # some browsers keep F1 for their own help (clusterlab serve); ? is never theirs
        Binding(
            "question_mark",
            "show_help",
            "Help",
            show=False,
            id="app.help.question_mark",
            tooltip="Keys and a glossary of the WSFC words on the screen (as f1)",
        ),
        Binding(
            "colon,grave_accent",
            "focus_console",
            "Shell",
            key_display=":",
            id="console.focus",
            tooltip="Type a PowerShell command at the console prompt (esc comes back to the tables)",
        ),
        # one key, two labels: the footer says what space does now
        Binding("space", "run_clock", "Run", id="clock.run", tooltip="Resume simulated time"),
        Binding("space", "pause_clock", "Pause", id="clock.pause", tooltip="Pause simulated time"),
        Binding(
            "plus,equals_sign",
            "speed_up",
            "Faster",
            key_display="+",
            id="clock.faster",
            group=_SPEED,
            tooltip="Speed up simulated time (1×, 10×, 60×, 600×, max: as fast as possible)",
        ),
        Binding(
            "minus",
            "slow_down",
            "Slower",
            key_display="-",
            id="clock.slower",
            group=_SPEED,
            tooltip="Slow down simulated time (max, 600×, 60×, 10×, 1×)",
        ),
        Binding(
            "n",
            "next_event",
            "Next",
            id="clock.next_event",
            tooltip="Jump simulated time to the next thing that happens in the cluster",
        ),
        *NODE_KEYS,
        Binding(
            "w",
            "toggle_witness",
            "Witness",
            id="witness.toggle",
            tooltip="Lab fault: fail the witness, or restore it (Invoke-LabFault / Repair-LabFault -Witness)",
        ),
        *ROLE_KEYS,
        *STORAGE_KEYS,
        *NETWORK_KEYS,
        Binding("h", "lab_hint", "Hint", id="lab.hint", tooltip="A hint for the walkthrough's current task (free)"),
        Binding(
            "y",
            "lab_solve",
            "Do it",
            id="lab.solve",
            tooltip="Run the current task's solution for you (the task then scores no point)",
        ),
        *(
            Binding(
                str(n),
                f"lab_answer({n})",
                f"Answer {n}",
                show=False,
                id=f"lab.answer{n}",
                tooltip=f"Answer the walkthrough's quiz with choice {n}",
            )
            for n in range(1, 10)
        ),
        Binding(
            "b",
            "step_back",
            "Back",
            id="clock.back",
            tooltip="Step back: the session is re-simulated up to just before its last command (repeat to go "
            "further back)",
        ),
        Binding(
            "T,left_square_bracket",
            "timeline",
            "Timeline",
            key_display="T",
            id="clock.timeline",
            tooltip="Timeline: pick an earlier moment (a command or a Critical/Error event) with [ and ] and go "
            "back to it with enter; the session is re-simulated up to there",
        ),
        Binding(
            "enter",
            "open_detail",
            "Details",
            id="detail.open",
            tooltip="Details of the selected node, VM, CSV or CAU run: state history, downtime, migrations, "
            "I/O per node, phases (esc closes)",
        ),
        Binding(
            "L",
            "pick_lab",
            "Labs",
            id="lab.pick",
            tooltip="Pick a lab: the walkthroughs for each exam objective and the failure scenarios, with "
            "your progress",
        ),
        Binding(
            "U",
            "cau_run",
            "Update",
            id="cau.run",
            tooltip="Cluster-Aware Updating: start an Updating Run — each node in turn is drained, updated, "
            "restarted and resumed with failback (Invoke-CauRun -Force -Wait 0); the CAU tab follows it",
        ),
        Binding(
            "e",
            "switch_pane",
            "Events/Migrations/Storage/Networks/Console",
            id="pane.switch",
            show=False,
            tooltip="Show the event log, the live and storage migrations, the storage (CSV I/O per node), the "
            "networks, CAU, the lab or the console in the lower pane (from 160 columns they all show)",
        ),
        Binding(
            "slash",
            "filter_events",
            "Filter",
            key_display="/",
            id="events.filter",
            tooltip="Filter the event log by level, event ID and source: type e.g. 'warning+ 1135 HV02' "
            "(enter applies, esc cancels); past events are filtered too",
        ),
        Binding(
            "F",
            "events_level",
            "Level",
            id="events.level",
            show=False,
            tooltip="Event log levels: all → Warning and worse → Error and worse → Critical → all",
        ),
        Binding(
            "backslash",
            "clear_event_filter",
            "Clear filter",
            key_display="\\",
            id="events.clear",
            show=False,
            tooltip="Show every event again (clear the event log's filter)",
        ),
        Binding(
            "ctrl+t",
            "toggle_theme",
            "Theme",
            id="app.theme",
            show=False,
            tooltip="Switch between dark and light themes",
        ),
        # Node and role keys show in the footer only where they apply (the focused table, the
        # selection's state); these hidden twins make every one of them work everywhere, so a key
        # that does not apply still runs its line and the learner sees the cluster's refusal.
        *(_anywhere(b) for b in (*NODE_KEYS, *ROLE_KEYS, *STORAGE_KEYS[:3], *NETWORK_KEYS)),  # one a: it toggles
    ]
    #: Actions of the single keys above: off (and out of the footer) while the console prompt has focus.
    TABLE_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "quit_cockpit",
            "focus_console",
            "run_clock",
            "pause_clock",
            "speed_up",
            "slow_down",
            "next_event",
            "node",
            "role",
            "storage",
            "network",
            "toggle_witness",
            "switch_pane",
            "cau_run",
            "lab_hint",
            "lab_solve",
            "lab_answer",
            "pick_lab",
            "step_back",
            "timeline",
            "open_detail",
            "filter_events",
            "events_level",
            "clear_event_filter",
        }
    )

    class CommandFinished(Message):
        """A command line ran: ``error`` is None when the cluster accepted it."""

        def __init__(self, cmdline: str, error: str | None) -> None:
            super().__init__()
            self.cmdline = cmdline
            self.error = error

    class SnapshotPublished(Message):
        """The views now show ``snapshot`` and ``migrations``."""

        def __init__(self, snapshot: ClusterSnapshot, migrations: tuple[MigrationSnapshot, ...] = ()) -> None:
            super().__init__()
            self.snapshot = snapshot
            self.migrations = migrations

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ClusterLabApp.SnapshotPublished)

    def __init__(
        self,
        cluster: Cluster,
        *,
        lab_title: str = "",
        speed: float = 1.0,
        paused: bool = False,
        logger: Any = None,
        journal: JournalWriter | None = None,
        shell: Shell | None = None,
        lab: Lab | None = None,
        progress: ProgressStore | None = None,
        walkthrough_state: dict[str, Any] | None = None,
        timeline: Iterable[tuple[float, str]] = (),
    ) -> None:
        super().__init__()
        if not speed > 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        self.cluster = cluster
        self.lab_title = lab_title
        self.speed = float(speed)
        self.running = not paused
        self.snapshot: ClusterSnapshot = cluster.snapshot()
        #: live and storage migrations as of the last publish, and the live ones still running by VM name
        self.migrations: tuple[MigrationSnapshot, ...] = self._all_migrations()
        self.running_migrations: dict[str, MigrationSnapshot] = running_migrations(self.migrations)
        #: storage migrations (Move-VMStorage) not ended yet, by VM name
        self.storage_moves: dict[str, StorageMove] = open_storage_moves(self.migrations)
        #: (action, verb) of the node and role keys that apply now: what the footer shows
        self._keys_that_apply: frozenset[tuple[str, str]] = frozenset()
        self._event_seq = 0
        #: the group and VM snapshots the Roles table last showed, and the roles that then showed
        #: a migration or clients: see ``_sync_roles``
        self._role_prev: tuple[tuple[GroupSnapshot, ...], tuple[VmSnapshot, ...], set[str]] | None = None
        self._witness_faulted = False
        self._tick: Timer | None = None
        #: the console: every key, palette entry and typed line runs through this one shell
        #: the lab being played with its walkthrough (tasks, quizzes) when it has steps
        self.lab = lab
        self.progress = progress
        self.walkthrough: Walkthrough | None = None
        if lab is not None and lab.steps:
            self.walkthrough = Walkthrough(
                lab, cluster, self._walkthrough_run, state=walkthrough_state, solve=self._walkthrough_solve
            )
        self._polling = False
        self._finish_saved = False  # the finished lab was saved (and announced) once
        self._last_output = ""
        self._walkthrough_index = -1
        self.shell = shell or Shell(cluster, width=120, blocking=False)
        self.shell.blocking = False
        #: every command of this session with its simulated time: what step back (b) re-simulates
        self.timeline: list[tuple[float, str]] = list(timeline)
        #: every command line, with its simulated time, for replay, export and resume
        self.journal = journal
        self.pane = "events"  # what the lower pane shows when it shows one thing at a time
        self._last_table = "#nodes"
        self._command_log = logger  # structlog logger for commands and cluster events, or None
        #: problems found while building the app, shown as notifications once it runs
        self.startup_warnings: list[str] = []
        self.startup_notes: list[str] = []
        self.theme = DARK_THEME
        if lab_title:
            self.sub_title = lab_title

    # layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ClusterHeader(id="header")
        with Container(id="body"):
            with Vertical(id="left"):
                yield SnapshotTable(NODE_COLUMNS, id="nodes")
                yield SnapshotTable(ROLE_COLUMNS, id="roles")
            with Vertical(id="right"):
                yield LinesView(id="details")
                yield LinesView(id="summary")
        with Vertical(id="bottom", classes="-pane-events"):
            yield PaneTabs(id="pane-tabs")
            with Horizontal(id="panes"):
                with Vertical(id="watch"):
                    yield MigrationsView(id="migrations-view")
                    yield StorageView(storage_columns(self.snapshot), id="storage-view")
                    yield NetworksView(id="networks-view")
                    yield CauView(id="cau-view")
                    yield LabView(id="lab-view", classes="" if self.walkthrough else "-idle")
                    yield EventsView(id="events-view")
                yield ConsoleLog(self.shell.prompt, id="console-log")
            yield ConsolePrompt(
                self.shell.prompt, history=lambda: self.shell.history, complete=self._complete, id="console-prompt"
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        titles = {
            "#nodes": "Nodes",
            "#roles": "Roles",
            "#details": "Why here?",
            "#summary": "Quorum · networks · CSVs",
            "#events-view": "Events",
            "#migrations-view": "Live and storage migrations",
            "#storage-view": "Storage: CSV I/O per node (★ coordinator)",
            "#cau-view": "Cluster-Aware Updating",
            "#networks-view": "Networks: cluster networks and node interfaces",
            "#lab-view": f"Lab: {self.lab_title}" if self.lab_title else "Lab",
            "#console-log": "Console",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        if self.lab_title:
            self._write_log([LogEntry(EntryKind.NOTE, self._clock_text(self.cluster.now), f"Lab: {self.lab_title}")])
        self.query_one(ConsoleLog).note(
            f"clusterlab console on {self.cluster.name} ({self.cluster.profile.display_name}).\n"
            "Every key you press runs here as its command. Get-Command lists the rest."
        )
        if self.walkthrough is not None:
            self.query_one(LabView).add(self.walkthrough.history())  # a resumed lab shows what came before
            if self.walkthrough.score.max_points:
                self.pane = "lab"  # a walkthrough starts on its narration
        self._show_pane(self.pane)
        self._apply_width(self.size.width)
        self.publish()
        self._tick = self.set_interval(TICK_S, self._advance, pause=not self.running)
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", timeout=10)
        for note in self.startup_notes:
            self.notify(note, timeout=8)

    # the clock -----------------------------------------------------------------------

    def _advance(self) -> None:
        """One timer tick: advance simulated time by ``speed × TICK_S`` and publish one snapshot."""
        if not self.is_running:
            return  # shutting down: a last tick would find the views already gone
        try:
            # rounded so that 0.1 s steps do not drift (6.9999999 s would show as 09:00:07 and T+00:00:06)
            if math.isinf(self.speed):
                self._advance_max()
            else:
                self.cluster.run_until(round(self.cluster.now + self.speed * TICK_S, 6))
            self.publish()
        except Exception as exc:  # a tick must never take the app down
            self._set_running(False)
            self.notify(
                f"The simulation was paused after an error: {exc}",
                title="Simulation error",
                severity="error",
                timeout=10,
            )

    def _advance_max(self) -> None:
        """As fast as possible, in bounded slices: event after event until MAX_SLICE_S of real time
        has gone, or jump MAX_IDLE_JUMP_S when nothing is scheduled that soon."""
        c = self.cluster
        until = time.perf_counter() + MAX_SLICE_S
        while True:
            nxt = c.next_event_time()
            if nxt is None or nxt - c.now > MAX_IDLE_JUMP_S:
                c.run_until(c.now + MAX_IDLE_JUMP_S)
                return
            c.run_until(nxt)
            if time.perf_counter() >= until:
                return

    def advance_sim(self, seconds: float) -> None:
        """Advance simulated time now (tests, scripts) and publish, whether or not the clock runs."""
        self.cluster.run_until(self.cluster.now + seconds)
        self.publish()

    def _set_running(self, running: bool) -> None:
        self.running = running
        if self._tick is not None:
            if running:
                self._tick.resume()
            else:
                self._tick.pause()
        self._show_header(self.snapshot)
        self.refresh_bindings()

    def action_toggle_clock(self) -> None:
        self._set_running(not self.running)

    def action_run_clock(self) -> None:
        self._set_running(True)

    def action_pause_clock(self) -> None:
        self._set_running(False)

    def action_speed_up(self) -> None:
        faster = [s for s in SPEEDS if s > self.speed]
        if faster:
            self._set_speed(faster[0])
        else:
            self.notify(f"Already at the top speed ({speed_text(self.speed)}).", timeout=2)

    def action_slow_down(self) -> None:
        slower = [s for s in SPEEDS if s < self.speed]
        if slower:
            self._set_speed(slower[-1])
        else:
            self.notify(f"Already at the slowest speed ({speed_text(self.speed)}).", timeout=2)

    def _set_speed(self, speed: float) -> None:
        self.speed = speed
        self._show_header(self.snapshot)

    def action_next_event(self) -> None:
        """Step through scheduled simulation events until one is published to the event log."""
        try:
            self.publish()
            outcome = self._run_to_next_event()
            self.publish()
        except Exception as exc:
            self.notify(f"Could not advance: {exc}", title="Simulation error", severity="error")
            return
        if outcome:
            self.notify(outcome, timeout=3)

    def _run_to_next_event(self) -> str | None:
        """Advance to the next logged cluster event; None when found, else why not."""
        c = self.cluster
        seq, start = self._event_seq, c.now
        for _ in range(NEXT_EVENT_MAX_STEPS):
            t = c.next_event_time()
            if t is None:
                return "Nothing is scheduled: the cluster is idle until you change something."
            if t > start + NEXT_EVENT_HORIZON_S:
                return "Nothing happens in the next 24 simulated hours."
            c.run_until(max(t, c.now))  # t == now: a leftover timer at this instant (see next_event_time)
            if c.events_since(seq):
                return None
        return "Many internal steps without a cluster event; press n again to keep going."

    # publishing one snapshot ---------------------------------------------------------

    def _all_migrations(self) -> tuple[MigrationSnapshot, ...]:
        """Live then storage migrations: the open ones and the last few finished of each."""
        return self.cluster.migrations(finished=10) + self.cluster.storage_migrations(finished=10)

    def publish(self) -> None:
        """Take ONE snapshot and show it everywhere; append new events to the log."""
        snap = self.cluster.snapshot()
        migrations = self._all_migrations()
        running = running_migrations(migrations)
        self.snapshot, self.migrations, self.running_migrations = snap, migrations, running
        # remember a witness fault however it was made (key or typed): without quorum it reads Offline
        if snap.quorum.witness_state == "Failed":
            self._witness_faulted = True
        elif snap.quorum.witness_state == "Online":
            self._witness_faulted = False
        new_events = self.cluster.events_since(self._event_seq)
        self._event_seq += len(new_events)
        self.storage_moves = open_storage_moves(migrations)
        nodes = self.query_one("#nodes", SnapshotTable)
        roles = self.query_one("#roles", SnapshotTable)
        storage = self.query_one(StorageView)
        vms = {v.name: v for v in snap.vms}
        file_servers = {f.name: f for f in snap.file_servers}
        with self.batch_update():
            self._show_header(snap)
            nodes.sync([(n.name, node_row(n, snap.os)) for n in snap.nodes])
            self._sync_roles(roles, snap, running, vms, file_servers)
            self.query_one(MigrationsView).sync(migration_rows(migrations, snap.time))
            storage.sync(storage_columns(snap), storage_rows(snap))
            run = self.cluster.cau.last()
            self.query_one(CauView).sync(
                cau_summary(run, snap.time) if run is not None else None,
                cau_rows(run, self.cluster.clock) if run is not None else [],
            )
            storage.explain(io_explanation(snap, storage.selected_csv, storage.selected_node))
            tabs = self.query_one(PaneTabs)
            tabs.set_count("migrations", sum(1 for m in migrations if not is_finished(m)))
            tabs.set_count("storage", storage_attention(snap))
            tabs.set_count("networks", networks_attention(snap))
            self._sync_networks(snap)
            tabs.set_count("cau", 1 if run is not None and run.status == "Running" else 0)
            self._show_details()
            self.query_one("#summary", LinesView).show(
                cluster_summary(snap, self.cluster.what_if(), self.cluster.what_if_splits())
            )
            if new_events:
                self._write_log(self._event_entry(e) for e in new_events)
        self._sync_keys()
        if isinstance(self.screen, DetailScreen):
            self._refresh_detail(self.screen)
        if new_events and self._command_log is not None:
            self._log_events(new_events)
        self.post_message(self.SnapshotPublished(snap, migrations))
        self._poll_walkthrough()

    def _sync_roles(
        self,
        table: SnapshotTable,
        snap: ClusterSnapshot,
        running: Mapping[str, MigrationSnapshot],
        vms: Mapping[str, VmSnapshot],
        file_servers: Mapping[str, FileServerSnapshot],
    ) -> None:
        """Refresh the Roles table. The cluster hands back the very snapshot objects of roles
        that did not change, so only the roles whose group or VM snapshot is a new object, or
        that have a migration or SMB clients to show, are re-formatted and patched: an
        8,000-VM cluster where a node drains touches a few dozen rows per tick."""
        moves = self.storage_moves
        prev = self._role_prev
        groups, vm_snaps = snap.groups, snap.vms
        if prev is None or len(prev[0]) != len(groups) or len(prev[1]) != len(vm_snaps) or table.row_count == 0:
            names = None  # first time, or roles came or went: every row
        else:
            names = {g.name for g, was in zip(groups, prev[0], strict=True) if g is not was}
            names.update(v.name for v, was in zip(vm_snaps, prev[1], strict=True) if v is not was)
            # rows that show a migration, a storage move or SMB clients, now or on the last tick
            names.update(running, moves, file_servers, prev[2])
        self._role_prev = (groups, vm_snaps, {*running, *moves, *file_servers})

        def row(g: GroupSnapshot) -> Row:
            name = g.name
            return role_row(
                g, running.get(name), vm=vms.get(name), file_server=file_servers.get(name), storage_move=moves.get(name)
            )

        if names is not None:
            by_name = {g.name: g for g in groups} if names else {}
            if all(n in by_name or n not in table.shown for n in names) and table.patch(
                [(n, row(by_name[n])) for n in sorted(names) if n in by_name]
            ):
                return
        table.sync([(g.name, row(g)) for g in ordered_groups(snap)])

    def _log_events(self, new_events: Iterable[ClusterEvent]) -> None:
        """Cluster events to the JSON-lines log, with their simulated time."""
        try:
            for e in new_events:
                self._command_log.info(
                    "cluster_event",
                    seq=e.seq,
                    sim_time=e.time,
                    name=e.name,
                    event_id=e.event_id,
                    severity=str(e.level),
                    source=e.source,
                    message=e.message,
                    channel=e.channel,
                )
        except Exception as exc:  # the log is a nicety; the cockpit keeps going
            self._command_log = None
            self.notify(f"Logging stopped: {exc}", severity="warning")

    def _safe_publish(self) -> None:
        try:
            self.publish()
        except Exception as exc:  # a view bug must not take the app down
            self.notify(f"Could not refresh the views: {exc}", title="Display error", severity="error")

    def _show_header(self, snap: ClusterSnapshot) -> None:
        self.query_one(ClusterHeader).show(
            identity_text(snap), clock_text(snap, self.speed), self.running, quorum_badge(snap.quorum)
        )

    def _clock_text(self, t: float) -> str:
        return self.cluster.clock.at(t).strftime("%H:%M:%S")

    def _event_entry(self, e: ClusterEvent) -> LogEntry:
        clock = self._clock_text(e.time)
        return LogEntry(
            EntryKind.EVENT,
            clock,
            cells=event_cells(e, clock, compact=False),
            compact_level=LEVEL_SHORT.get(e.level, ""),
            level=str(e.level),
            event_id=e.event_id,
            source=e.source,
            channel=e.channel,
        )

    def _write_log(self, entries: Iterable[LogEntry]) -> None:
        self.query_one(EventLog).add(entries)
        self.query_one(EventsView).update_count()

    # the event log's filter (a view action: nothing runs on the cluster) ------------------------

    @property
    def event_filter(self) -> EventFilter:
        return self.query_one(EventLog).filter

    def set_event_filter(self, flt: EventFilter) -> None:
        """Show only the events ``flt`` lets through (the kept past ones too) and the Events pane."""
        view = self.query_one(EventsView)
        if view.editing:
            view.remove_class("-editing")
        view.show_filter(flt)
        if not self.split:
            self._show_pane("events")

    def action_filter_events(self) -> None:
        """``/``: type a filter over the event log."""
        if not self.split:
            self._show_pane("events")
        self.query_one(EventsView).edit(self.event_filter)
        self.refresh_bindings()

    def action_events_level(self) -> None:
        self.set_event_filter(next_level_filter(self.event_filter))

    def action_clear_event_filter(self) -> None:
        self.set_event_filter(NO_FILTER)

    @on(EventsView.FilterEntered)
    def _filter_entered(self, event: EventsView.FilterEntered) -> None:
        try:
            flt = parse_filter(event.line)
        except FilterError as exc:
            self.notify(str(exc), title="Event filter", severity="warning")
            return
        self.set_event_filter(flt)
        self.query_one(self._last_table).focus()

    @on(EventsView.FilterCanceled)
    def _filter_canceled(self) -> None:
        self.query_one(EventsView).stop_editing()
        self.query_one(self._last_table).focus()

    def _show_details(self) -> None:
        details = self.query_one("#details", LinesView)
        if self._last_table == "#storage":
            view = self.query_one(StorageView)
            details.border_title = "CSV I/O"
            details.show(csv_details(self.snapshot, view.selected_csv, view.selected_node))
            return
        details.border_title = "Why here?"
        details.show(role_details(self.snapshot, self.selected_role, self.running_migrations, self.storage_moves))

    @on(DataTable.RowHighlighted)
    def _row_selected(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id in ("roles", "migrations"):
            self._show_details()
        if event.data_table.id in ("networks", "interfaces"):
            self._explain_network()
        self._sync_keys()

    @on(DataTable.CellHighlighted)
    def _cell_selected(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "storage":
            view = self.query_one(StorageView)
            view.explain(io_explanation(self.snapshot, view.selected_csv, view.selected_node))
            self._show_details()
            self._sync_keys()

    # commands ------------------------------------------------------------------------

    def run_cmdline(self, cmdline: str, *, typed: bool = False) -> bool:
        """Run ``cmdline`` through the console's shell and echo it there; the one door every action goes through.

        The console shows ``PS HVCLUS> cmdline``, the output and any error records (in red); the
        first error also becomes a notification. Keys and palette entries (``typed=False``) are
        echoed in the event log too, with their refusals; a typed line only when it changed the
        cluster, so queries stay out of the event log. True when no error record was written.
        """
        self._safe_publish()  # events that happened before the command stay before its echo
        before, seq = self.snapshot, self._event_seq
        clock = self._clock_text(self.cluster.now)  # when the line was entered (Start-Sleep moves time on)
        console = self.query_one(ConsoleLog)
        console.echo(cmdline)
        self._journal_command(cmdline)
        self.timeline.append((self.cluster.now, cmdline))
        records: list[ErrorRecord] = []
        try:
            self.shell.width = self._console_width()
            result = self.shell.run(cmdline)
            self._last_output = result.output
            console.output(result.output)
            records = list(result.errors)
        except Exception as exc:  # Shell.run never raises; if it ever does, the cockpit keeps going
            records = [ErrorRecord(f"Unexpected error: {type(exc).__name__}: {exc}", "NotSpecified")]
        if records:
            console.errors((r.render() for r in records), self.shell.width)
        if self.shell.prompt != console.prompt:  # New-Cluster named the cluster
            console.prompt = self.shell.prompt
            self.query_one(ConsolePrompt).set_prompt(self.shell.prompt)
        changed = not typed or self._cluster_changed(before, seq)
        if changed:
            self._write_log([LogEntry(EntryKind.COMMAND, clock, f"PS> {cmdline}")])
            self._write_log(LogEntry(EntryKind.REFUSED, clock, _refusal(r)) for r in records[:LOGGED_ERRORS])
            if len(records) > LOGGED_ERRORS:
                more = len(records) - LOGGED_ERRORS
                self._write_log([LogEntry(EntryKind.REFUSED, clock, f"… and {more} more (see the console)")])
        error = records[0].message if records else None
        if records:
            first = records[0]
            title = first.command or cmdline.split(" ", 1)[0]
            if len(records) > 1:
                title += f" ({len(records)} errors)"
            self.notify(first.message, title=title, severity="error")
        if self._command_log is not None:
            try:
                log_command(self._command_log, self.cluster, cmdline, ok=error is None, error=error)
            except Exception as exc:
                self._command_log = None
                self.notify(f"Logging stopped: {exc}", severity="warning")
        self._safe_publish()
        self.post_message(self.CommandFinished(cmdline, error))
        return error is None

    def _cluster_changed(self, before: ClusterSnapshot, seq: int) -> bool:
        """Did the last command change the cluster (state, settings, time or events)?"""
        try:
            return self.cluster.snapshot() != before or bool(self.cluster.events_since(seq))
        except Exception:
            return True

    def _complete(self, left: str) -> list[str]:
        return complete(left, self.cluster)

    # the console pane ----------------------------------------------------------------

    @property
    def split(self) -> bool:
        """True when the event log and the console show side by side."""
        return self.query_one("#bottom").has_class("-split")

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        bottom = self.query_one("#bottom")
        if bottom.has_class("-split") != (width >= SPLIT_WIDTH):
            bottom.set_class(width >= SPLIT_WIDTH, "-split")
            self._leave_hidden_migrations()
            self.refresh_bindings()

    def _console_width(self) -> int:
        """Columns the shell formats for: the console pane's width (its share of the lower pane when hidden)."""
        log = self.query_one(ConsoleLog)
        width = log.content_region.width
        if not (log.display and width > 0):
            panes = self.query_one("#panes").content_region.width or self.size.width
            width = (panes // 2 if self.split else panes) - 2
        return max(40, width - 1)  # the vertical scrollbar takes a column once the transcript fills the pane

    def _show_pane(self, pane: str) -> None:
        self.pane = pane
        bottom = self.query_one("#bottom")
        for name in PANES:
            bottom.set_class(pane == name, f"-pane-{name}")
        self.query_one(PaneTabs).show(pane)
        self._leave_hidden_migrations()
        if pane == "lab":  # lines added while it was hidden: show the newest
            self.call_after_refresh(self.query_one(LabView).follow)

    def _leave_hidden_migrations(self) -> None:
        """The Migrations or Storage view was the table keys act on and is now hidden: the roles table takes over."""
        pane = PANE_TABLES.get(self._last_table)
        if pane is not None and self.pane != pane and (not self.split or pane == "networks"):
            self.query_one("#roles", SnapshotTable).focus()
            self._last_table = "#roles"
            self._show_details()
            self._sync_keys()

    def action_switch_pane(self) -> None:
        """Events → Migrations → Storage → Console → Events."""
        self._show_pane(PANES[(PANES.index(self.pane) + 1) % len(PANES)])

    def _reveal_migrations(self) -> None:
        """After a key that starts or stops live migrations: show them (below 160 columns the pane switches)."""
        if not self.split:
            self._show_pane("migrations")

    def action_focus_console(self) -> None:
        if not self.split:
            self._show_pane("console")
        self.query_one(ConsolePrompt).input.focus()

    @on(PaneTabs.Selected)
    def _pane_selected(self, event: PaneTabs.Selected) -> None:
        self._show_pane(event.pane)

    @on(CommandInput.LineEntered)
    def _line_entered(self, event: CommandInput.LineEntered) -> None:
        if event.line.strip():
            self.run_cmdline(event.line, typed=True)
        else:
            self.query_one(ConsoleLog).echo("")

    @on(CommandInput.LeaveRequested)
    def _leave_console(self) -> None:
        self.query_one(self._last_table).focus()

    @on(CommandInput.ClearRequested)
    def _clear_console(self) -> None:
        self.query_one(ConsoleLog).clear_transcript()

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        widget: Widget = event.widget
        if isinstance(widget, SnapshotTable) and widget.id:
            self._last_table = f"#{widget.id}"
            self._show_details()
        elif isinstance(widget, CommandInput) and not self.split and self.pane != "console":
            self._show_pane("console")  # clicked or tabbed into the prompt: show what it prints
        bottom = self.query_one("#bottom")
        bottom.set_class(isinstance(widget, CommandInput), "-typing")
        # a table of the lower pane in use (networks, storage, migrations): it gets the room
        bottom.set_class(isinstance(widget, SnapshotTable) and bottom in widget.ancestors, "-browsing")
        self._sync_keys()

    @property
    def console_focused(self) -> bool:
        """The console prompt or the event filter prompt has focus: single keys type there."""
        return isinstance(self.focused, Input)  # (the console's CommandInput is one)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TABLE_ACTIONS and self.console_focused:
            return False  # the keys type into the prompt; keep them out of the footer too
        if action in ("run_clock", "pause_clock"):
            return self.running == (action == "pause_clock")
        if action in ("lab_hint", "lab_solve"):
            return self.walkthrough is not None and self.walkthrough.task is not None
        if action == "lab_answer":
            quiz = self.walkthrough.quiz if self.walkthrough is not None else None
            return quiz is not None and bool(parameters) and int(str(parameters[0])) <= len(quiz.choices)
        if action in ("node", "role", "storage", "network") and len(parameters) == 1:
            # the footer's copy of a node or role key: only where it applies (its hidden twin runs anyway)
            return (action, str(parameters[0])) in self._keys_that_apply
        return not (action == "switch_pane" and self.split)  # all panes show: nothing to switch

    def keys_that_apply(self) -> frozenset[tuple[str, str]]:
        """(action, verb) of the node and role keys the footer shows now.

        Node keys while the nodes table has (or last had) focus, role keys while the roles table
        or the Migrations view has, storage keys while the Storage view has; of those, the ones that
        make sense for the selection's state.
        """
        snap = self.snapshot
        if self._last_table in ("#networks", "#interfaces"):
            network, interface = self.selected_network
            return frozenset(("network", str(v)) for v in network_verbs_that_apply(snap, network, interface))
        if self._last_table == "#storage":
            view = self.query_one(StorageView)
            csv = next((c for c in snap.csvs if c.name == view.selected_csv), None)
            if csv is None:
                return frozenset()
            storage_verbs = storage_verbs_that_apply(csv, view.selected_node, snap.nodes)
            return frozenset(("storage", str(v)) for v in storage_verbs)
        if self._last_table == "#nodes":
            name = self.selected_node
            if name is None:
                return frozenset()
            try:
                node = snap.node(name)
            except KeyError:
                return frozenset()
            cut_off = any(node.name in net.disconnected for net in snap.networks)
            path_lost = any(not has_path(csv, node.name) for csv in snap.csvs)
            return frozenset(("node", str(v)) for v in node_verbs_that_apply(node, cut_off, path_lost))
        role = self.selected_role
        if role is None:
            return frozenset()
        try:
            group = snap.group(role)
        except KeyError:
            return frozenset()
        try:
            vm = snap.vm(role)
        except KeyError:
            vm = None
        verbs = role_verbs_that_apply(
            group, vm, self.running_migrations.get(group.name), snap.csvs, group.name in self.storage_moves
        )
        return frozenset(("role", str(v)) for v in verbs)

    def _sync_keys(self) -> None:
        """Recompose the footer only when the keys that apply change (not on every tick)."""
        keys = self.keys_that_apply()
        if keys != self._keys_that_apply:
            self._keys_that_apply = keys
            self.refresh_bindings()

    def action_quit_cockpit(self) -> None:
        self.exit()

    # step back and fork (re-simulated from the session's commands) -----------------------------

    def action_show_help(self) -> None:
        keys = [
            (b.key_display or b.key, b.description, b.tooltip or b.description)
            for b in self.BINDINGS
            # the footer's keys and the hidden ones with their own action (not the twins, not each quiz answer)
            if isinstance(b, Binding)
            and (b.show or not (b.action.endswith(", True)") or (b.id or "").startswith("lab.answer")))
        ]
        self.push_screen(HelpScreen(help_markdown(keys)))

    def action_step_back(self) -> None:
        """Back to the moment just before the last command: the session is re-simulated without it."""
        if self.walkthrough is not None and not self.walkthrough.finished:
            self.notify("A lab in progress cannot step back; L restarts a lab from the beginning.", timeout=4)
            return
        if not self.timeline:
            self.notify("Nothing to step back over: no command has run yet.", timeout=3)
            return
        t_last, undone = self.timeline[-1]
        kept = self.timeline[:-1]
        try:
            cluster, shell = self._resimulate(kept, t_last)
        except Exception as exc:  # the cockpit stays on the current state
            self.notify(f"Could not step back: {exc}", severity="error")
            return
        self.timeline = kept
        if self.journal is not None:
            try:
                self.journal.rewrite(self.journal.header, kept, (t_last, f"stepped back over: {undone}"))
            except OSError as exc:
                self.notify(f"The journal could not follow the step back: {exc}", severity="warning")
        self._swap_cluster(cluster, shell, f"Stepped back before: {undone}")

    def action_fork(self) -> None:
        """Keep the session's journal as it is and go on in a new one from here (try another way)."""
        if self.journal is None:
            self.notify("This session has no journal to fork (it was opened with --no-journal).", timeout=4)
            return
        old = self.journal.path
        n = 1
        new = old.with_name(f"{old.stem}-fork{n}{old.suffix}")
        while new.exists():
            n += 1
            new = old.with_name(f"{old.stem}-fork{n}{old.suffix}")
        try:
            writer = JournalWriter(new, self.journal.header)
            writer.rewrite(self.journal.header, self.timeline, (self.cluster.now, f"forked from {old.name}"))
        except (OSError, JournalError) as exc:
            self.notify(f"Could not fork: {exc}", severity="error")
            return
        with contextlib.suppress(OSError):
            self.journal.close(self.cluster.now)
        self.journal = writer
        self.notify(f"Forked: {old.name} keeps the original; this session goes on in {new.name}.", timeout=8)

    def _resimulate(self, commands: list[tuple[float, str]], until: float) -> tuple[Cluster, Shell]:
        cluster = Cluster(self.cluster.spec)
        shell = Shell(cluster, width=self.shell.width, blocking=False)
        for t, line in commands:
            if t > cluster.now:
                cluster.run_until(t)
            shell.run(line)
        if until > cluster.now:
            cluster.run_until(until)
        return cluster, shell

    def _swap_cluster(self, cluster: Cluster, shell: Shell, note: str) -> None:
        self.cluster = cluster
        self.shell = shell
        self._event_seq = 0
        log = self.query_one(EventLog)
        log.entries.clear()
        log.clear()
        self.query_one(ConsoleLog).note(f"{note} — the clock is back at {self._clock_text(cluster.now)}.")
        self._write_log([LogEntry(EntryKind.NOTE, self._clock_text(cluster.now), note)])
        self.publish()

    # the walkthrough ---------------------------------------------------------------------

    def _walkthrough_run(self, cmdline: str) -> str:
        """A lab ``run:`` step or a task's solution: through the console like any key."""
        self._last_output = ""
        self.run_cmdline(cmdline)
        return self._last_output

    def _walkthrough_solve(self, cmdline: str) -> str:
        """A line of a task's solution (y): run to completion, as `play` does, so that the next
        line finds it done (a restore before the resume that follows it)."""
        blocking, self.shell.blocking = self.shell.blocking, True
        try:
            return self._walkthrough_run(cmdline)
        finally:
            self.shell.blocking = blocking

    def _poll_walkthrough(self) -> None:
        """Run the steps that need nobody; show the narration; save progress when a step is passed."""
        wt = self.walkthrough
        if wt is None or self._polling:
            return
        self._polling = True
        try:
            lines = wt.poll()
            self._show_walkthrough(lines)
        except Exception as exc:  # a broken step must not take the cockpit down
            self.notify(f"The walkthrough stopped: {exc}", title="Lab error", severity="error")
            self.walkthrough = None
        finally:
            self._polling = False

    def _show_walkthrough(self, lines: list[Line]) -> None:
        wt = self.walkthrough
        if wt is None:
            return
        view = self.query_one(LabView)
        if lines:
            view.add(lines)
            if not self.split and self.pane != "lab" and any(line.kind in ("done", "quiz", "end") for line in lines):
                # the learner acted elsewhere (a key switched to Migrations): the lab has moved on
                self._show_pane("lab")
            if self.journal is not None:
                with contextlib.suppress(OSError):
                    self.journal.mark(self.cluster.now, f"step {wt.progress[0]}")
            if any(line.kind in ("fail", "end") for line in lines):
                self.publish()
        task, quiz = wt.task, wt.quiz
        if task is not None:
            met = wt.task_met()
            first = task.text.strip().splitlines()[0] if task.text.strip() else describe_check(task.check)
            first = inline_markdown(first)
            view.status(
                f"{'✔' if met else '…'} Task: {first}  [dim](h hint · y do it for me · n next event)[/]", met=met
            )
        elif quiz is not None:
            view.status(f"Quiz: press 1–{len(quiz.choices)} to answer")
        elif wt.finished and wt.score.max_points:
            view.status(f"Lab complete · score {wt.score.text()}", met=True)
        else:
            view.status(None)
        if wt.progress[0] != self._walkthrough_index:
            self._walkthrough_index = wt.progress[0]
            self._save_progress()

    def _save_progress(self) -> None:
        wt, store, lab = self.walkthrough, self.progress, self.lab
        if wt is None or store is None or lab is None or not wt.score.max_points:
            return
        try:
            if wt.finished:
                if self._finish_saved:
                    return
                self._finish_saved = True
                store.finished(lab.id, wt.score.points, wt.score.max_points)
                self.notify(f"Lab complete: {wt.score.text()}", title=lab.title, timeout=10)
            else:
                store.moved(lab.id, wt.state(), wt.progress)
        except OSError as exc:
            self.notify(f"Could not save your progress: {exc}", severity="warning")

    def action_pick_lab(self) -> None:
        """Open the lab picker; the library (and durations not cached yet) load in a thread."""
        self.notify("Loading the lab library…", timeout=2)
        self.run_worker(self._load_library, thread=True, exclusive=True, group="library")

    def _load_library(self) -> None:
        try:
            entries, problems = shipped_library()
            store = self.progress or ProgressStore()
        except Exception as exc:  # the cockpit stays up whatever the library holds
            self.call_from_thread(self.notify, f"Could not load the labs: {exc}", severity="error")
            return
        self.call_from_thread(self._show_picker, entries, store, problems)

    def _show_picker(self, entries: list[LibraryEntry], store: ProgressStore, problems: list[str]) -> None:
        def chosen(choice: LabChoice | None) -> None:
            if choice is not None:
                self.exit(choice)  # the CLI opens the chosen lab (a new cluster, its own journal)

        self.push_screen(LabPicker(entries, store, problems), chosen)

    def action_lab_hint(self) -> None:
        wt = self.walkthrough
        hint = wt.hint() if wt is not None else None
        if hint is None:
            self.notify("No task to hint at right now.", timeout=3)
            return
        self._show_walkthrough([Line("hint", hint, wt.progress[0] if wt else 0)])
        self._save_progress_state()

    def action_lab_solve(self) -> None:
        """Run the task's solution (the task then scores no point)."""
        wt = self.walkthrough
        if wt is None or wt.task is None or wt.task.solution is None:
            self.notify("No task with a solution right now.", timeout=3)
            return
        self._polling = True
        try:
            lines = wt.do_solution()
        finally:
            self._polling = False
        self._show_walkthrough(lines)
        self._save_progress_state()
        self.publish()

    def action_lab_answer(self, choice: int) -> None:
        wt = self.walkthrough
        if wt is None or wt.quiz is None:
            return
        self._polling = True
        try:
            lines = wt.answer(choice - 1)
        finally:
            self._polling = False
        self._show_walkthrough(lines)
        self._save_progress_state()
        self.publish()

    def _save_progress_state(self) -> None:
        """Hints, revealed solutions and answers count for the score: save them at once."""
        self._walkthrough_index = -1
        if self.walkthrough is not None:
            self._show_walkthrough([])

    def _journal_command(self, cmdline: str) -> None:
        """Append the line to the journal (flushed to disk) before it runs: a kill loses nothing."""
        if self.journal is None:
            return
        try:
            self.journal.command(self.cluster.now, cmdline)
        except OSError as exc:
            self.journal = None
            self.notify(f"The journal stopped: {exc}", severity="warning")

    def on_unmount(self) -> None:
        if self.journal is not None:
            with contextlib.suppress(OSError):
                self.journal.close(self.cluster.now)
            self.journal = None

    @property
    def selected_node(self) -> str | None:
        return self.query_one("#nodes", SnapshotTable).selected_key

    @property
    def selected_role(self) -> str | None:
        """The role under the roles table's cursor, or the VM of the selected migration while that view has focus."""
        if self._last_table == "#migrations":
            key = self.query_one("#migrations", SnapshotTable).selected_key
            for m in self.migrations:
                if migration_key(m) == key:
                    return m.vm
        return self.query_one("#roles", SnapshotTable).selected_key

    def action_node(self, verb: str, _anywhere: bool = False) -> None:
        name = self.selected_node
        if name is None:
            self.notify("Select a node first.", severity="warning")
            return
        self.node_action(NodeVerb(verb), name)

    def node_action(self, verb: NodeVerb, name: str) -> bool:
        try:
            node = self.snapshot.node(name)
        except KeyError:
            self.notify(f"There is no node '{name}'.", severity="error")
            return False
        ok = self.run_cmdline(node_command(verb, node).cmdline)
        if ok and verb in MIGRATION_VERBS:
            self._reveal_migrations()
        return ok

    def action_cau_run(self) -> None:
        """Start an Updating Run and show the CAU view (below 160 columns the pane switches)."""
        self.run_cmdline(CAU_RUN_CMDLINE)
        self.show_cau()

    def show_cau(self) -> None:
        if not self.split:
            self._show_pane("cau")

    def action_toggle_witness(self) -> None:
        cmd = witness_command(self.snapshot.quorum, self._witness_faulted)
        if self.run_cmdline(cmd.cmdline):
            self._witness_faulted = cmd.cmdline.startswith("Invoke-")

    def action_role(self, verb: str, _anywhere: bool = False) -> None:
        name = self.selected_role
        if name is None:
            self.notify("Select a role first.", severity="warning")
            return
        self.role_action(RoleVerb(verb), name)

    def role_action(self, verb: RoleVerb, name: str) -> bool:
        snap = self.snapshot
        try:
            group = snap.group(name)
        except KeyError:
            self.notify(f"There is no role '{name}'.", severity="error")
            return False
        target: str | None = None
        if verb is RoleVerb.STORAGE:
            try:
                current = snap.vm(name).csv
            except KeyError:
                self.notify(f"{name} is not a virtual machine: only a VM's files move with Move-VMStorage.")
                return False
            target = next_csv(snap.csvs, current)
            if target is None:
                why = "is not on a Cluster Shared Volume" if current is None else "has no other CSV to move to"
                self.notify(f"{name} {why}.", severity="warning")
                return False
        ok = self.run_cmdline(role_command(verb, group, target).cmdline)
        if ok and verb in MIGRATION_VERBS:
            self._reveal_migrations()
        return ok

    def action_storage(self, verb: str, _anywhere: bool = False) -> None:
        """A storage key: on the Storage view's selected cell (elsewhere: show the view and say so)."""
        view = self.query_one(StorageView)
        if self._last_table != "#storage":
            self.show_storage()
            self.notify("Storage keys act on the cell selected here: a CSV row, a node column.", timeout=4)
            return
        csv = view.selected_csv
        if csv is None:
            self.notify("There are no Cluster Shared Volumes.", severity="warning")
            return
        self.storage_action(StorageVerb(verb), csv, view.selected_node, toggle=True)

    def storage_action(
        self, verb: StorageVerb, csv_name: str, node: str | None = None, *, toggle: bool = False
    ) -> bool:
        """Run ``verb`` on ``csv_name`` (and ``node`` for a path fault); ``toggle``: redirect/direct by its state."""
        snap = self.snapshot
        csv = next((c for c in snap.csvs if c.name == csv_name), None)
        if csv is None:
            self.notify(f"There is no Cluster Shared Volume '{csv_name}'.", severity="error")
            return False
        if toggle and verb in (StorageVerb.REDIRECT, StorageVerb.DIRECT):
            verb = redirect_toggle(csv)
        if toggle and verb in (StorageVerb.MAINTAIN, StorageVerb.END_MAINTENANCE):
            verb = maintenance_toggle(csv)
        if verb is StorageVerb.FAIL_PATH and node is None:
            self.notify("Select a node column first.", severity="warning")
            return False
        return self.run_cmdline(storage_command(verb, csv, node, snap.nodes).cmdline)

    def show_storage(self) -> None:
        """Show the Storage view (below 160 columns the pane switches) and give it focus."""
        if not self.split:
            self._show_pane("storage")
        self.query_one("#storage", SnapshotTable).focus()

    # detail screens --------------------------------------------------------------------------

    def build_detail(self, kind: str, name: str) -> Detail | None:
        """The detail of node / vm / csv / cau ``name`` from the last snapshot, or None when it is gone."""
        snap, c = self.snapshot, self.cluster
        at = elapsed_clock(self._clock_text)
        try:
            if kind == "node":
                return node_detail(snap, name, c.events, c.cau.last(), at)
            if kind == "vm":
                history = c.vm_history(name)
                return vm_detail(snap, name, history, c.migrations() + c.storage_migrations(), at)
            if kind == "csv":
                return csv_detail(snap, name)
            if kind == "cau":
                run = c.cau.last()
                return cau_detail(run, snap.time, at) if run is not None else None
        except (KeyError, StopIteration, ClusterError):
            return None
        return None

    def open_detail(self, kind: str, name: str) -> bool:
        detail = self.build_detail(kind, name)
        if detail is None:
            self.notify(f"Nothing to show for {kind} '{name}'.", severity="warning", timeout=3)
            return False
        if isinstance(self.screen, DetailScreen):
            self.screen.show(detail)
        else:
            self.push_screen(DetailScreen(detail))
        return True

    def _refresh_detail(self, screen: DetailScreen) -> None:
        try:
            detail = self.build_detail(screen.detail.kind, screen.detail.name)
        except Exception:  # a detail must never take the cockpit down
            detail = None
        if detail is not None:
            screen.show(detail)

    def selected_detail(self) -> tuple[str, str] | None:
        """(kind, name) of what enter opens: the row selected in the table keys act on."""
        table = self._last_table
        if table == "#nodes":
            node = self.selected_node
            return ("node", node) if node else None
        if table == "#storage":
            csv = self.query_one(StorageView).selected_csv
            return ("csv", csv) if csv else None
        if table == "#cau":
            run = self.cluster.cau.last()
            return ("cau", run.run_id) if run is not None else None
        if table in ("#networks", "#interfaces"):
            return None
        role = self.selected_role
        if role is None:
            return None
        if any(v.name == role for v in self.snapshot.vms):
            return ("vm", role)
        return None

    def action_open_detail(self) -> None:
        target = self.selected_detail()
        if target is None:
            self.notify("Select a node, a VM role, a CSV or the CAU run first.", timeout=3)
            return
        self.open_detail(*target)

    @on(DataTable.RowSelected)
    def _row_entered(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in ("nodes", "roles", "migrations", "cau"):
            self._last_table = f"#{event.data_table.id}"
            self.action_open_detail()

    @on(DataTable.CellSelected)
    def _cell_entered(self, event: DataTable.CellSelected) -> None:
        if event.data_table.id == "storage":
            self._last_table = "#storage"
            self.action_open_detail()

    def _detail_entries(self) -> list[PaletteEntry]:
        snap = self.snapshot
        entries = [
            PaletteEntry(f"Details of node {n.name}", "enter on a node", partial(self.open_detail, "node", n.name))
            for n in snap.nodes
        ]
        entries += [
            PaletteEntry(f"Details of VM {v.name}", "enter on a role", partial(self.open_detail, "vm", v.name))
            for v in snap.vms
        ]
        entries += [
            PaletteEntry(f"Details of CSV {c.name}", "enter in Storage", partial(self.open_detail, "csv", c.name))
            for c in snap.csvs
        ]
        run = self.cluster.cau.last()
        if run is not None:
            entries.append(
                PaletteEntry(
                    "Details of the Updating Run", "enter in CAU", partial(self.open_detail, "cau", run.run_id)
                )
            )
        return entries

    # the timeline: go back to an earlier moment --------------------------------------------------

    def timeline_moments(self) -> list[Moment]:
        return moments(self.timeline, self.cluster.events)

    def action_timeline(self) -> None:
        if not self._can_go_back():
            return
        at = elapsed_clock(self._clock_text)

        def chosen(moment: Moment | None) -> None:
            if moment is not None:
                self.go_back_to(moment)

        self.push_screen(TimelineScreen(self.timeline_moments(), at), chosen)

    def _can_go_back(self) -> bool:
        if self.walkthrough is not None and not self.walkthrough.finished:
            self.notify("A lab in progress cannot go back; L restarts a lab from the beginning.", timeout=4)
            return False
        return True

    def go_back_to(self, moment: Moment) -> bool:
        """Re-simulate the session up to ``moment`` (its commands before it), like step back, and go on from there."""
        if not self._can_go_back():
            return False
        if moment.time > self.cluster.now:
            self.notify("That moment has not happened yet.", severity="warning")
            return False
        kept = commands_to_keep(self.timeline, moment)
        try:
            cluster, shell = self._resimulate(kept, moment.time)
        except Exception as exc:  # the cockpit stays on the current state
            self.notify(f"Could not go back: {exc}", severity="error")
            return False
        when = f"T+{format_elapsed(moment.time)}"
        self.timeline = kept
        if self.journal is not None:
            try:
                self.journal.rewrite(self.journal.header, kept, (moment.time, f"went back to {when}: {moment.text}"))
            except OSError as exc:
                self.notify(f"The journal could not follow: {exc}", severity="warning")
        self._swap_cluster(cluster, shell, f"Went back to {when}: {moment.text}")
        return True

    def _timeline_entries(self) -> list[PaletteEntry]:
        entries = [PaletteEntry("Timeline: go back to an earlier moment", "T or [", self.action_timeline)]
        for m in self.timeline_moments()[:-1]:  # (not "now", the last moment)
            entries.append(
                PaletteEntry(
                    f"Go back to T+{format_elapsed(m.time)}: {m.text}",
                    "timeline",
                    partial(self.go_back_to, m),
                    discover=False,
                )
            )
        return entries

    # networks ----------------------------------------------------------------------------------

    def _sync_networks(self, snap: ClusterSnapshot) -> None:
        self.query_one(NetworksView).sync(network_rows(snap), interface_rows(snap))
        self._explain_network()

    def _explain_network(self) -> None:
        network, interface = self.selected_network
        self.query_one(NetworksView).explain(network_explanation(self.snapshot, network, interface))

    @property
    def selected_network(self) -> tuple[str | None, str | None]:
        """(network, interface) under the cursor: the interface only while the interfaces table was last focused."""
        view = self.query_one(NetworksView)
        if self._last_table == "#interfaces":
            interface = view.interfaces.selected_key
            return network_of(interface), interface
        return view.networks.selected_key, None

    def show_networks(self, table: str = "#networks") -> None:
        """Show the Networks view (below 160 columns the pane switches) and give ``table`` focus."""
        self._show_pane("networks")  # from 160 columns too: there the view shows only once asked for
        self.query_one(table, SnapshotTable).focus()

    def action_network(self, verb: str, _anywhere: bool = False) -> None:
        """A network key: on the Networks view's selected network or interface (elsewhere: show the view)."""
        if self._last_table not in ("#networks", "#interfaces"):
            self.show_networks()
            self.notify("Network keys act on the row selected here: g on a network, k j K on an interface.", timeout=4)
            return
        network, interface = self.selected_network
        verb_ = NetworkVerb(verb)
        if verb_ in INTERFACE_VERBS and interface is None:
            self.show_networks("#interfaces")
            self.notify("Select a node's interface first (the lower table).", severity="warning")
            return
        if network is None:
            self.notify("There are no cluster networks.", severity="warning")
            return
        self.network_action(verb_, network, node_of(interface))

    def network_action(self, verb: NetworkVerb, network: str, node: str | None = None) -> bool:
        net = next((n for n in self.snapshot.networks if n.name == network), None)
        if net is None:
            self.notify(f"There is no cluster network '{network}'.", severity="error")
            return False
        return self.run_cmdline(network_command(verb, network, node, net.role).cmdline)

    def _network_entries(self) -> list[PaletteEntry]:
        """Every network's other roles; every node's cut per network, uplink fault and reconnect."""
        snap = self.snapshot
        network, interface = self.selected_network if self._last_table in ("#networks", "#interfaces") else (None, None)
        applies = network_verbs_that_apply(snap, network, interface)
        entries = [PaletteEntry("Show the cluster networks and node interfaces", "Networks tab", self.show_networks)]
        for name, role in role_choices(snap.networks):
            cmd = network_role_command(name, role)
            entries.append(
                PaletteEntry(
                    cmd.title,
                    f"PS> {cmd.cmdline}",
                    partial(self.run_cmdline, cmd.cmdline),
                    discover=NetworkVerb.ROLE in applies and name == network,
                )
            )
        selected_node = node_of(interface)
        for node in snap.nodes:
            for net in snap.networks:
                cmd = network_command(NetworkVerb.CUT, net.name, node.name)
                entries.append(
                    PaletteEntry(
                        cmd.title,
                        f"PS> {cmd.cmdline}",
                        partial(self.network_action, NetworkVerb.CUT, net.name, node.name),
                        discover=NetworkVerb.CUT in applies and node.name == selected_node and net.name == network,
                    )
                )
            for verb in (NetworkVerb.UPLINK, NetworkVerb.RECONNECT):
                cmd = network_command(verb, "", node.name)
                entries.append(
                    PaletteEntry(
                        cmd.title,
                        f"PS> {cmd.cmdline}",
                        partial(self.run_cmdline, cmd.cmdline),
                        discover=verb in applies and node.name == selected_node,
                    )
                )
        return entries

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    # command palette -----------------------------------------------------------------

    def _cau_entries(self) -> list[PaletteEntry]:
        """Cluster-Aware Updating: start, follow, stop and recover runs (§8)."""
        cau = self.cluster.cau
        run = cau.run()
        entries = [
            PaletteEntry(
                "Start a Cluster-Aware Updating run",
                f"U · PS> {CAU_RUN_CMDLINE}",
                self.action_cau_run,
                discover=run is None and not cau.locked,
            ),
            PaletteEntry("Show the Cluster-Aware Updating run", "CAU tab", self.show_cau),
            PaletteEntry(
                "List each node's pending updates", "PS> Invoke-CauScan", partial(self.run_cmdline, "Invoke-CauScan")
            ),
        ]
        if run is not None:
            entries.append(
                PaletteEntry(
                    "Stop the Updating Run", "PS> Stop-CauRun -Force", partial(self.run_cmdline, "Stop-CauRun -Force")
                )
            )
        if cau.locked:
            entries.append(
                PaletteEntry(
                    "Recover from the failed Updating Run (unlock the cluster)",
                    "PS> Invoke-CauRun -ForceRecovery -Force",
                    partial(self.run_cmdline, "Invoke-CauRun -ForceRecovery -Force"),
                )
            )
        return entries

    def _storage_entries(self) -> list[PaletteEntry]:
        """Every node × CSV path fault, every CSV's coordinator move and redirected access toggle."""
        snap = self.snapshot
        view = self.query_one(StorageView)
        here = self._last_table == "#storage"
        entries = []
        for csv in snap.csvs:
            selected = here and csv.name == view.selected_csv
            applies = storage_verbs_that_apply(csv, view.selected_node, snap.nodes) if selected else frozenset()
            for node in snap.nodes:
                cmd = storage_command(StorageVerb.FAIL_PATH, csv, node.name)
                entries.append(
                    PaletteEntry(
                        cmd.title,
                        f"PS> {cmd.cmdline}",
                        partial(self.storage_action, StorageVerb.FAIL_PATH, csv.name, node.name),
                        discover=StorageVerb.FAIL_PATH in applies and node.name == view.selected_node,
                    )
                )
            for verb in (StorageVerb.COORDINATOR, redirect_toggle(csv), maintenance_toggle(csv)):
                cmd = storage_command(verb, csv, nodes=snap.nodes)
                entries.append(
                    PaletteEntry(
                        cmd.title,
                        f"PS> {cmd.cmdline}",
                        partial(self.storage_action, verb, csv.name),
                        discover=verb in applies,
                    )
                )
        return entries

    def _event_filter_entries(self) -> list[PaletteEntry]:
        """Filter the event log: type a filter, pick a level, an event ID or a source seen in the log, clear."""
        flt = self.event_filter
        entries = [
            PaletteEntry("Filter the event log (level, event ID, source)", "/", self.action_filter_events),
            PaletteEntry(
                "Event log: every level", "F", partial(self._filter_levels, frozenset()), discover=bool(flt.levels)
            ),
        ]
        for level in LEVELS[:3]:
            levels = at_least(level)
            title = "Critical only" if level is LEVELS[0] else f"{level.value} and worse"
            entries.append(PaletteEntry(f"Event log: {title}", "F", partial(self._filter_levels, levels)))
        if flt.active:
            entries.append(PaletteEntry("Event log: clear the filter", "\\", self.action_clear_event_filter))
        log = self.query_one(EventLog)
        ids = sorted({e.event_id for e in log.entries if e.event_id is not None})
        sources = sorted({e.source for e in log.entries if e.source})
        for event_id in ids:
            entries.append(
                PaletteEntry(
                    f"Event log: only event ID {event_id}",
                    f"/ {event_id}",
                    partial(self.set_event_filter, EventFilter(event_ids=frozenset({event_id}))),
                    discover=False,
                )
            )
        for source in sources:
            entries.append(
                PaletteEntry(
                    f"Event log: only events from {source}",
                    f"/ {source}",
                    partial(self.set_event_filter, EventFilter(sources=(source.lower(),))),
                    discover=False,
                )
            )
        return entries

    def _filter_levels(self, levels: frozenset[Level]) -> None:
        flt = self.event_filter
        self.set_event_filter(EventFilter(levels, flt.event_ids, flt.sources))

    def palette_entries(self) -> list[PaletteEntry]:
        """Everything the keys do, for every node and role, as palette entries."""
        snap = self.snapshot
        selected = self.selected_node
        entries = [
            PaletteEntry(
                "Resume simulated time" if not self.running else "Pause simulated time",
                "space",
                self.action_toggle_clock,
            ),
            PaletteEntry("Speed up simulated time", f"+ (now {speed_text(self.speed)})", self.action_speed_up),
            PaletteEntry("Slow down simulated time", f"- (now {speed_text(self.speed)})", self.action_slow_down),
            PaletteEntry("Jump to the next cluster event", "n", self.action_next_event),
            PaletteEntry("Step back before the last command (re-simulated)", "b", self.action_step_back),
            PaletteEntry("Fork the session: keep this journal, go on in a new one", "journal fork", self.action_fork),
            *self._timeline_entries(),
            *self._detail_entries(),
        ]
        for node in snap.nodes:
            cut_off = any(node.name in net.disconnected for net in snap.networks)
            path_lost = any(not has_path(csv, node.name) for csv in snap.csvs)
            node_applies = node_verbs_that_apply(node, cut_off, path_lost) if node.name == selected else frozenset()
            for verb in NODE_VERBS:
                cmd = node_command(verb, node)
                entries.append(
                    PaletteEntry(
                        cmd.title,
                        f"PS> {cmd.cmdline}",
                        partial(self.node_action, verb, node.name),
                        discover=verb in node_applies,
                    )
                )
        witness = witness_command(snap.quorum, self._witness_faulted)
        entries.append(PaletteEntry(witness.title, f"PS> {witness.cmdline}", self.action_toggle_witness))
        role = self.selected_role
        for group in ordered_groups(snap):
            applies: frozenset[RoleVerb] = frozenset()
            if group.name == role:
                try:
                    vm = snap.vm(group.name)
                except KeyError:
                    vm = None
                applies = role_verbs_that_apply(
                    group, vm, self.running_migrations.get(group.name), snap.csvs, group.name in self.storage_moves
                )
            try:
                target = next_csv(snap.csvs, snap.vm(group.name).csv)
            except KeyError:
                target = None
            for role_verb in ROLE_VERBS:
                if role_verb is not RoleVerb.MOVE and not is_vm_role(group):
                    continue  # live and storage migration are for virtual machines
                if role_verb is RoleVerb.STORAGE and target is None:
                    continue
                cmd = role_command(role_verb, group, target)
                entries.append(
                    PaletteEntry(
                        cmd.title,
                        f"PS> {cmd.cmdline}",
                        partial(self.role_action, role_verb, group.name),
                        discover=role_verb in applies,
                    )
                )
        entries.extend(self._storage_entries())
        entries.append(PaletteEntry("Type a command at the console prompt", ": or `", self.action_focus_console))
        if not self.split:
            entries.append(
                PaletteEntry("Show the event log, the live migrations or the console", "e", self.action_switch_pane)
            )
            entries.append(
                PaletteEntry(
                    "Show the live and storage migrations", "Migrations tab", partial(self._show_pane, "migrations")
                )
            )
        entries.append(PaletteEntry("Show the storage: CSV I/O per node", "Storage tab", self.show_storage))
        entries.extend(self._network_entries())
        entries.extend(self._cau_entries())
        entries.extend(self._event_filter_entries())
        entries.append(PaletteEntry("Toggle dark / light theme", "ctrl+t", self.action_toggle_theme))
        entries.append(PaletteEntry("Keys and a glossary of the WSFC words (help)", "f1 or ?", self.action_show_help))
        return entries


CAU_RUN_CMDLINE = "Invoke-CauRun -Force -Wait 0"


def _refusal(record: ErrorRecord) -> str:
    """One event-log line for an error record: ``Cmdlet : first line of the message (Category)``."""
    head = record.message.split("\n", 1)[0]
    return f"{record.command} : {head} ({record.category})" if record.command else f"{head} ({record.category})"


def inline_markdown(text: str) -> str:
    """Rich markup for one line of a lab's Markdown, as the narration shows it: `code` and
    **bold** are bold, and nothing else is taken for markup."""
    out = escape(text)
    out = re.sub(r"`([^`]+)`", r"[b]\1[/b]", out)
    return re.sub(r"\*\*(.+?)\*\*", r"[b]\1[/b]", out)


def make_app(
    lab: Lab | None = None,
    *,
    seed: int | None = None,
    speed: float = 1.0,
    paused: bool = False,
    log_file: Path | Literal[False] | None = False,
    journal: Path | None = None,
    resumed: Replayed | None = None,
    progress: ProgressStore | None = None,
    walkthrough: bool = False,
    walkthrough_state: dict[str, Any] | None = None,
) -> ClusterLabApp:
    """The cockpit for ``lab`` (default: the shipped default lab); ``seed`` overrides the lab's seed.

    ``log_file``: where cluster events and commands go as JSON lines; ``None`` is the default
    file in the user state directory (what the CLI passes), ``False`` (the default) logs nothing.
    ``journal``: append every command to this journal (created with a header if new);
    ``resumed``: a session rebuilt from its journal (``clusterlab open --resume``) to continue.
    ``walkthrough``: play the lab's steps with the learner (what ``clusterlab open`` does); without
    it the cockpit only builds the lab's cluster. ``walkthrough_state`` resumes one where it stopped.
    """
    if resumed is not None:
        lab = resumed.lab
    if lab is None:
        lab = load_lab(default_lab_path())
    spec = lab.spec if seed is None else dataclasses.replace(lab.spec, seed=seed)
    cluster = resumed.cluster if resumed is not None else Cluster(spec)
    writer: JournalWriter | None = None
    journal_problem: str | None = None
    if journal is not None:
        try:
            writer = JournalWriter(journal, header_for(lab, seed=spec.seed, interactive=True))
        except (OSError, JournalError) as exc:
            journal_problem = f"Could not open the journal {journal}: {exc}"
    logger: Any = None
    log_problem: str | None = None
    if log_file is not False:
        try:
            logger, _path = configure(log_file)
        except OSError as exc:
            log_problem = f"Could not open the log file: {exc}"
        else:
            # Not clusterlab.logging.attach(): a subscriber runs inside the simulation and, if it
            # raises, breaks the command or tick mid-event. The app logs events after each step.
            logger = logger.bind(cluster=cluster.name, lab=lab.id, seed=spec.seed)
    app = ClusterLabApp(
        cluster,
        lab_title=lab.title,
        speed=speed,
        paused=paused,
        logger=logger,
        journal=writer,
        shell=resumed.shell if resumed is not None else None,
        lab=lab if walkthrough else None,
        progress=progress,
        walkthrough_state=walkthrough_state,
        timeline=[(e.t, e.run) for e in resumed.journal.commands if e.run is not None] if resumed else (),
    )
    for problem in (log_problem, journal_problem):
        if problem:
            app.startup_warnings.append(problem)
    if resumed is not None:
        app.startup_warnings.extend(resumed.journal.problems)
        app.startup_notes.append(
            f"Resumed from {resumed.journal.path.name}: {len(resumed.journal.commands)} command(s) replayed, "
            f"the clock at T+{format_elapsed(cluster.now)}."
        )
    return app
