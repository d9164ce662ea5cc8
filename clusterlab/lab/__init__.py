"""Lab files: loading and checking (schema, loader), playback and walkthroughs."""

from .loader import Lab, default_lab_path, load_lab, load_lab_text, resolve_lab, shipped_labs_dir
from .problems import LabError, Problem

__all__ = [
    "Lab",
    "LabError",
    "Problem",
    "default_lab_path",
    "load_lab",
    "load_lab_text",
    "resolve_lab",
    "shipped_labs_dir",
]
