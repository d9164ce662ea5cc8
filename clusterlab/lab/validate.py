"""``clusterlab validate``: check lab files and print every problem."""

from __future__ import annotations

from typing import TextIO

from .loader import load_lab, resolve_lab
from .problems import LabError


def validate_paths(paths: list[str], out: TextIO, err: TextIO) -> int:
    """Print ``OK <path>`` to ``out`` per good lab and every problem to ``err``; 0 if all are good, else 2.

    A path may also be the id of a shipped lab.
    """
    status = 0
    for name in paths:
        try:
            load_lab(resolve_lab(name))
        except LabError as exc:
            status = 2
            for problem in exc.problems:
                print(problem, file=err)
            continue
        print(f"OK {name}", file=out)
    return status
