"""Lab files: loading and checking (schema, loader), playback and walkthroughs."""

from .journal import (
    Journal,
    JournalError,
    JournalWriter,
    Replayed,
    default_journal_path,
    export_lab,
    header_for,
    read_journal,
    replay,
)
from .loader import Lab, default_lab_path, load_lab, load_lab_text, resolve_lab, shipped_labs_dir
from .problems import LabError, Problem

__all__ = [
    "Journal",
    "JournalError",
    "JournalWriter",
    "Lab",
    "LabError",
    "Problem",
    "Replayed",
    "default_journal_path",
    "default_lab_path",
    "export_lab",
    "header_for",
    "load_lab",
    "load_lab_text",
    "read_journal",
    "replay",
    "resolve_lab",
    "shipped_labs_dir",
]
