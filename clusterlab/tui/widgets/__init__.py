"""Cockpit widgets, one small module each."""

from .cau import CauView
from .console import CommandInput, ConsoleLog, ConsolePrompt, PaneTabs
from .event_log import EntryKind, EventLog, LogEntry
from .events_view import EventsView
from .header import ClusterHeader, QuorumBadge
from .lab import LabView
from .lines_view import LinesView
from .migrations import MigrationsView
from .networks import NetworksView
from .snapshot_table import SnapshotTable
from .storage import StorageView

__all__ = [
    "CauView",
    "ClusterHeader",
    "CommandInput",
    "ConsoleLog",
    "ConsolePrompt",
    "EntryKind",
    "EventLog",
    "EventsView",
    "LabView",
    "LinesView",
    "LogEntry",
    "MigrationsView",
    "NetworksView",
    "PaneTabs",
    "QuorumBadge",
    "SnapshotTable",
    "StorageView",
]
