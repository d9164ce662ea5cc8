"""Lab files: loading and checking (schema, loader), playback and walkthroughs."""

from .catalog import Entry as LibraryEntry
from .catalog import duration_text
from .catalog import shipped as shipped_library
from .expectations import describe as describe_check
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
from .progress import LabProgress, ProgressStore, data_dir
from .walkthrough import Line, Score, Walkthrough

__all__ = [
    "Journal",
    "JournalError",
    "JournalWriter",
    "Lab",
    "LabError",
    "LabProgress",
    "LibraryEntry",
    "Line",
    "Problem",
    "ProgressStore",
    "Replayed",
    "Score",
    "Walkthrough",
    "data_dir",
    "default_journal_path",
    "default_lab_path",
    "describe_check",
    "duration_text",
    "export_lab",
    "header_for",
    "load_lab",
    "load_lab_text",
    "read_journal",
    "replay",
    "resolve_lab",
    "shipped_labs_dir",
    "shipped_library",
]
