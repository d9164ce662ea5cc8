"""Lab files: loading (and, as they arrive, playback, walkthroughs and journals)."""

from .loader import Lab, LabError, default_lab_path, load_lab, load_lab_text, resolve_lab, shipped_labs_dir

__all__ = ["Lab", "LabError", "default_lab_path", "load_lab", "load_lab_text", "resolve_lab", "shipped_labs_dir"]
