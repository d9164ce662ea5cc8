"""``clusterlab shell``: the interactive prompt and headless script runs."""

from __future__ import annotations

import contextlib
import shutil
import sys
from typing import Protocol

from clusterlab.sim import Cluster

from .completion import complete
from .session import Shell


def _width() -> int:
    return max(40, shutil.get_terminal_size((120, 40)).columns)


def run_text(cluster: Cluster, text: str) -> int:
    """Run commands headless; exit status 1 if any error record was written."""
    shell = Shell(cluster, width=_width(), blocking=True)
    failed = False
    for line in _statements(text):
        result = shell.run(line)
        sys.stdout.write(result.output)
        for err in result.errors:
            sys.stderr.write(err.render() + "\n")
        failed = failed or not result.ok
    sys.stdout.flush()
    return 1 if failed else 0


def _statements(text: str) -> list[str]:
    """Split a script into lines, keeping constructs that span lines (open braces/parens,
    trailing pipes) together so error positions refer to one line where possible."""
    out: list[str] = []
    buf = ""
    for line in text.splitlines():
        buf = f"{buf}\n{line}" if buf else line
        depth = sum(buf.count(o) - buf.count(c) for o, c in (("{", "}"), ("(", ")")))
        if depth > 0 or buf.rstrip().endswith(("|", "`")):
            continue
        out.append(buf)
        buf = ""
    if buf:
        out.append(buf)
    return out


class Recorder(Protocol):
    """Where each command line goes before it runs (a session journal)."""

    def command(self, t: float, line: str) -> None: ...

    def close(self, t: float | None = None) -> None: ...


def interactive(cluster: Cluster, journal: Recorder | None = None) -> int:
    """A PowerShell-like prompt with history and tab completion (readline where available).
    ``journal`` gets every line (with its simulated time) before it runs."""
    shell = Shell(cluster, width=_width(), blocking=True)
    try:
        import readline

        readline.parse_and_bind("tab: complete")
        readline.set_completer_delims(" \t\n|;(){}")

        def completer(text: str, state: int) -> str | None:
            line = readline.get_line_buffer()[: readline.get_endidx()]
            options = complete(line, cluster)
            return options[state] if state < len(options) else None

        readline.set_completer(completer)
    except ImportError:  # pragma: no cover - readline exists on Linux and macOS
        pass
    print(f"clusterlab console on {cluster.name} ({cluster.profile.display_name}). Get-Help for help, exit to leave.")
    failed = False
    while True:
        try:
            line = input(shell.prompt)
        except EOFError:
            print()
            break
        except KeyboardInterrupt:
            print()
            continue
        if line.strip().lower() in ("exit", "quit"):
            break
        if journal is not None and line.strip():
            try:
                journal.command(cluster.now, line)
            except OSError as exc:
                sys.stderr.write(f"clusterlab: the journal stopped: {exc}\n")
                journal = None
        result = shell.run(line)
        sys.stdout.write(result.output)
        for err in result.errors:
            sys.stderr.write(err.render() + "\n")
        failed = failed or not result.ok
    if journal is not None:
        with contextlib.suppress(OSError):
            journal.close(cluster.now)
    return 1 if failed else 0
