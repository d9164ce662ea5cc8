"""Cockpit widgets, one small module each."""

from .console_line import ConsoleLine
from .event_log import EntryKind, EventLog, LogEntry
from .header import ClusterHeader, QuorumBadge
from .lines_view import LinesView
from .snapshot_table import SnapshotTable

__all__ = [
    "ClusterHeader",
    "ConsoleLine",
    "EntryKind",
    "EventLog",
    "LinesView",
    "LogEntry",
    "QuorumBadge",
    "SnapshotTable",
]
