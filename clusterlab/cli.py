"""Entry point: ``clusterlab [open LAB]``. Imports textual only when the TUI starts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from clusterlab import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusterlab",
        description=(
            "A terminal lab for Windows Server Failover Clustering with Hyper-V. "
            "With no command, opens the TUI on the built-in default lab."
        ),
    )
    parser.add_argument("--version", action="version", version=f"clusterlab {__version__}")
    parser.add_argument("--log-file", type=Path, help="where to write the JSON-lines log (default: user state dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    op = sub.add_parser("open", help="open the TUI on a lab (a path, or the id of a shipped lab)")
    op.add_argument("lab", nargs="?", help="lab file or shipped lab id (default: the built-in default lab)")
    op.add_argument("--seed", type=int, help="override the lab's random seed")
    op.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)")
    op.add_argument("--paused", action="store_true", help="start with the clock paused")
    return parser


def _open(lab_name: str | None, seed: int | None, speed: float, paused: bool, log_file: Path | None) -> int:
    from clusterlab.lab import LabError, default_lab_path, load_lab, resolve_lab

    try:
        lab = load_lab(resolve_lab(lab_name) if lab_name else default_lab_path())
    except LabError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if speed <= 0:
        print("clusterlab: --speed must be positive", file=sys.stderr)
        return 2
    from clusterlab.sim import ClusterError

    try:
        from clusterlab.tui import make_app

        app = make_app(lab, seed=seed, speed=speed, paused=paused, log_file=log_file)
    except ClusterError as exc:
        print(f"{lab.path or lab.id}: {exc.message}", file=sys.stderr)
        return 2
    app.run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in (None, "open"):
        return _open(
            getattr(args, "lab", None),
            getattr(args, "seed", None),
            getattr(args, "speed", 1.0),
            getattr(args, "paused", False),
            args.log_file,
        )
    return 2
