"""Entry point: ``clusterlab [open LAB]``. Imports textual only when the TUI starts."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clusterlab import __version__


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {text!r}")
    return port


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
    op.add_argument("--resume", metavar="JOURNAL", type=Path, help="continue a session from its journal")
    op.add_argument("--journal", type=Path, help="where to record the session (default: a new file in your data dir)")
    op.add_argument("--no-journal", action="store_true", help="do not record the session")
    op.add_argument(
        "--restart", action="store_true", help="start a walkthrough from the beginning, not where you stopped"
    )
    pl = sub.add_parser(
        "play",
        help="play a lab headless and print its transcript (several labs, a folder or --all in one run)",
        description="Plays every step of a lab as fast as the CPU allows and prints a transcript: simulated times, "
        "command output, cluster events, PASS/FAIL per expectation. Several labs (or --all) play one after "
        "another in one process, with a summary at the end. Exit status: 0 ok, 1 a check failed "
        "(with --check), 2 invalid lab (then nothing runs).",
    )
    pl.add_argument(
        "lab", nargs="*", metavar="LAB", help="lab file, folder of lab files or shipped lab id; several play in turn"
    )
    pl.add_argument("--all", action="store_true", help="play every shipped lab")
    pl.add_argument("--check", action="store_true", help="exit 1 unless every expectation, task and quiz holds")
    pl.add_argument("--seed", type=int, help="override the lab's random seed")
    pl.add_argument("--json", action="store_true", help="write the transcript as JSON lines")
    pl.add_argument("--until", help="stop at this simulated time (e.g. 30m, 2h, 01:30:00)")
    va = sub.add_parser("validate", help="check lab files and report every problem (exit 2 if any)")
    va.add_argument("labs", nargs="+", help="lab files, folders of lab files or shipped lab ids")
    sub.add_parser("schema", help="print the JSON Schema of the lab format (for editors)")
    sh = sub.add_parser(
        "shell",
        help="a PowerShell-style console over a lab: interactive, -c 'commands', or a script file",
        description="Runs FailoverClusters/Hyper-V cmdlets against a simulated cluster. Exit status 1 when any "
        "error record was written, 0 otherwise.",
    )
    sh.add_argument("script", nargs="?", help="a script file of commands (.ps1) to run headless")
    sh.add_argument("--lab", help="lab file or shipped lab id (default: the built-in default lab)")
    sh.add_argument("-c", "--command", dest="commands", help="commands to run, separated by ';' or newlines")
    sh.add_argument("--seed", type=int, help="override the lab's random seed")
    sh.add_argument("--journal", type=Path, help="interactive: where to record the session (default: your data dir)")
    sh.add_argument("--no-journal", action="store_true", help="interactive: do not record the session")
    sv = sub.add_parser(
        "serve",
        help="serve the cockpit in web browsers (textual-serve): one independent session per browser tab",
        description="For classrooms: every browser tab that opens the page gets its own session of the lab. "
        "Listens on 127.0.0.1 unless --host says otherwise.",
    )
    sv.add_argument("lab", nargs="?", help="lab file or shipped lab id (default: the built-in default lab)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    sv.add_argument("--port", type=_port, default=8000, help="port, 1 to 65535 (default 8000)")
    lb = sub.add_parser(
        "labs",
        help="list the lab library: id, title, objectives, simulated time, your progress",
        description="Lists the shipped labs. --objectives prints the exam objective map with the labs that "
        "cover each id (exit 1 if an id is uncovered).",
    )
    lb.add_argument("--objectives", action="store_true", help="print the objective map instead")
    ex = sub.add_parser(
        "export",
        help="turn a session journal into a lab file that replays it",
        description="Writes a lab: the journal's cluster and every command at the simulated time it ran, so "
        "`clusterlab play` reproduces the session's event stream exactly.",
    )
    ex.add_argument("journal", type=Path, help="a journal (.jsonl) recorded by `clusterlab open` or `clusterlab shell`")
    ex.add_argument("-o", "--output", type=Path, help="the lab file to write (default: standard output)")
    ex.add_argument("--title", help="the exported lab's title")
    return parser


def _open(args: argparse.Namespace) -> int:
    """Open the cockpit; when the learner picks another lab (L), open that one next."""
    while True:
        code, choice = _open_once(args)
        if choice is None:
            return code
        lab_id, restart = choice
        args = argparse.Namespace(**{**vars(args), "lab": lab_id, "resume": None, "journal": None, "restart": restart})


def _open_once(args: argparse.Namespace) -> tuple[int, tuple[str, bool] | None]:
    from clusterlab.lab import (
        JournalError,
        LabError,
        ProgressStore,
        Replayed,
        default_journal_path,
        default_lab_path,
        load_lab,
        read_journal,
        replay,
        resolve_lab,
    )
    from clusterlab.lab.journal import salvage
    from clusterlab.sim import ClusterError

    lab_name: str | None = getattr(args, "lab", None)
    speed: float = getattr(args, "speed", 1.0)
    resume: Path | None = getattr(args, "resume", None)
    if speed <= 0:
        print("clusterlab: --speed must be positive", file=sys.stderr)
        return 2, None
    resumed: Replayed | None = None
    state: dict[str, Any] | None = None
    store = ProgressStore()
    if store.problem:
        print(f"clusterlab: {store.problem}", file=sys.stderr)
    try:
        if resume is None and lab_name and not getattr(args, "restart", False):
            # a walkthrough left unfinished continues where it stopped
            lab = load_lab(resolve_lab(lab_name))
            unfinished = store.labs[lab.id].unfinished if lab.id in store.labs else None
            if unfinished and Path(str(unfinished.get("journal", ""))).is_file():
                resume = Path(str(unfinished["journal"]))
                raw_state = unfinished.get("state")
                state = raw_state if isinstance(raw_state, dict) else None
                print(f"clusterlab: continuing {lab.id} where you stopped (--restart starts it afresh)")
                lab_name = None
        if resume is not None:
            if lab_name:
                print("clusterlab open: give a lab or --resume JOURNAL, not both", file=sys.stderr)
                return 2, None
            journal = read_journal(resume)
            for problem in journal.problems:
                print(f"clusterlab: {problem}", file=sys.stderr)
            resumed = replay(journal)
            if journal.problems:
                try:
                    kept = salvage(journal)
                except OSError as exc:
                    print(f"clusterlab: cannot repair {resume}: {exc.strerror or exc}", file=sys.stderr)
                    return 2, None
                print(
                    f"clusterlab: going on with the {len(journal.commands)} recovered command(s); "
                    f"the damaged journal is kept as {kept}",
                    file=sys.stderr,
                )
            lab = resumed.lab
            if state is None:
                unfinished = store.labs[lab.id].unfinished if lab.id in store.labs else None
                if unfinished and Path(str(unfinished.get("journal", ""))) == resume:
                    raw_state = unfinished.get("state")
                    state = raw_state if isinstance(raw_state, dict) else None
        else:
            lab = load_lab(resolve_lab(lab_name) if lab_name else default_lab_path())
    except (LabError, JournalError) as exc:
        print(str(exc), file=sys.stderr)
        return 2, None
    except ClusterError as exc:
        print(f"{resume or lab_name}: {exc.message}", file=sys.stderr)
        return 2, None
    journal_path: Path | None = None
    if not getattr(args, "no_journal", False):
        taken = _taken_journal(getattr(args, "journal", None)) if resume is None else None
        if taken:
            print(taken, file=sys.stderr)
            return 2, None
        journal_path = resume or getattr(args, "journal", None) or default_journal_path(lab.id)
    graded = any(type(s).__name__ in ("Task", "Quiz") for s in lab.steps)
    if graded and resumed is None and journal_path is not None:
        try:
            store.started(lab.id, lab.title, list(lab.objectives), journal_path)
        except OSError as exc:
            print(f"clusterlab: cannot save your progress: {exc}", file=sys.stderr)
    try:
        from clusterlab.tui import make_app

        app = make_app(
            lab,
            seed=getattr(args, "seed", None),
            speed=speed,
            paused=getattr(args, "paused", False),
            log_file=args.log_file,
            journal=journal_path,
            resumed=resumed,
            progress=store if graded else None,
            walkthrough=True,
            walkthrough_state=state,
        )
    except ClusterError as exc:
        print(f"{lab.path or lab.id}: {exc.message}", file=sys.stderr)
        return 2, None
    result = app.run()
    if journal_path is not None:
        print(f"clusterlab: this session is in {journal_path} (clusterlab open --resume to continue it)")
    lab_id = getattr(result, "lab_id", None)
    if isinstance(lab_id, str):
        return 0, (lab_id, bool(getattr(result, "restart", False)))
    return 0, None


def _serve(args: argparse.Namespace) -> int:
    """Each browser tab runs ``clusterlab open LAB`` in its own process (textual-serve)."""
    import shlex

    from clusterlab.lab import LabError, default_lab_path, load_lab, resolve_lab

    try:
        path = resolve_lab(args.lab) if args.lab else default_lab_path()
        load_lab(path)  # a broken lab is reported here, not in every browser tab
    except LabError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from clusterlab.serve import address_problem, make_server

    problem = address_problem(args.host, args.port)
    if problem is not None:
        print(f"clusterlab serve: {problem}", file=sys.stderr)
        return 2
    command = f"{shlex.quote(sys.executable)} -m clusterlab open {shlex.quote(str(path))}"
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"clusterlab serve: listening on {args.host}: anyone who can reach it gets a session", file=sys.stderr)
    try:
        make_server(command, args.host, args.port).serve()
    except OSError as exc:  # lost the port between the check and the start
        print(f"clusterlab serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _labs(args: argparse.Namespace) -> int:
    from clusterlab.lab import ProgressStore
    from clusterlab.lab.catalog import objective_map, shipped, table

    entries, problems = shipped()
    for problem in problems:
        print(problem, file=sys.stderr)
    store = ProgressStore()
    if store.problem:
        print(f"clusterlab: {store.problem}", file=sys.stderr)
    if args.objectives:
        text, uncovered = objective_map(entries, store)
        sys.stdout.write(text)
        return 1 if uncovered or problems else 0
    sys.stdout.write(table(entries, store))
    return 2 if problems else 0


def _export(args: argparse.Namespace) -> int:
    from clusterlab.lab import JournalError, export_lab, read_journal

    try:
        journal = read_journal(args.journal)
        text = export_lab(journal, title=args.title)
    except JournalError as exc:
        print(f"clusterlab export: {exc}", file=sys.stderr)
        return 2
    for problem in journal.problems:
        print(f"clusterlab export: {problem}", file=sys.stderr)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    from clusterlab.lab.progress import write_atomically

    try:
        write_atomically(args.output, text)
    except OSError as exc:
        print(f"clusterlab export: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output} ({len(journal.commands)} commands)")
    return 0


def _taken_journal(path: Path | None) -> str | None:
    """A new session must not append to another session's journal: its times would start again
    at 0 and every later read would stop there, dropping what came after (no lost work)."""
    if path is None:
        return None
    try:
        taken = path.is_file() and path.stat().st_size > 0
    except OSError:
        return None  # (the writer reports what is wrong with the path)
    if not taken:
        return None
    return (
        f"clusterlab: {path} already holds a recorded session; `clusterlab open --resume {path}` "
        "continues it, or name a new file with --journal"
    )


def _shell(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from clusterlab.lab import LabError, default_lab_path, load_lab, resolve_lab
    from clusterlab.shell.repl import interactive, run_text
    from clusterlab.sim import Cluster, ClusterError

    try:
        lab = load_lab(resolve_lab(args.lab) if args.lab else default_lab_path())
        spec = replace(lab.spec, seed=args.seed) if args.seed is not None else lab.spec
        cluster = Cluster(spec)
    except LabError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ClusterError as exc:
        print(f"{args.lab or 'default lab'}: {exc.message}", file=sys.stderr)
        return 2
    if args.commands is not None and args.script is not None:
        print("clusterlab shell: give either -c or a script file, not both", file=sys.stderr)
        return 2
    if args.commands is not None:
        return run_text(cluster, args.commands)
    writer = None
    if args.script is None and not args.no_journal:
        from clusterlab.lab import JournalError, JournalWriter, default_journal_path, header_for

        if problem := _taken_journal(args.journal):
            print(problem, file=sys.stderr)
            return 2
        path = args.journal or default_journal_path(lab.id)
        try:
            writer = JournalWriter(path, header_for(lab, seed=spec.seed, interactive=False))
        except (OSError, JournalError) as exc:
            print(f"clusterlab shell: not recording this session: {exc}", file=sys.stderr)
        else:
            print(f"Recording this session in {path}", file=sys.stderr)
    if args.script is not None:
        try:
            text = Path(args.script).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"clusterlab shell: cannot read {args.script}: {exc}", file=sys.stderr)
            return 2
        return run_text(cluster, text)
    return interactive(cluster, writer)


def _play(args: argparse.Namespace) -> int:
    from clusterlab.lab import Lab, LabError, load_lab, resolve_lab
    from clusterlab.lab.loader import shipped_lab_ids
    from clusterlab.lab.player import Player
    from clusterlab.lab.steps import parse_duration
    from clusterlab.sim import ClusterError

    until = None
    if args.until is not None:
        until = parse_duration(args.until)
        if until is None:
            print(
                f"clusterlab play: --until {args.until!r} is not a duration (e.g. 30m, 2h, 01:30:00)", file=sys.stderr
            )
            return 2
    given = _lab_names(list(args.lab))
    if given is None:
        return 2
    names = given + (shipped_lab_ids() if args.all else [])
    if not names:
        print("clusterlab play: name a lab (a file, a folder of labs or a shipped lab id), or --all", file=sys.stderr)
        return 2
    # Every lab is loaded before any plays: an invalid one stops the run before it starts.
    players: list[tuple[Lab, Player]] = []
    for name in names:
        try:
            lab = load_lab(resolve_lab(name))
            players.append((lab, Player(lab, seed=args.seed, until=until, json_lines=args.json, emit=print)))
        except LabError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        except ClusterError as exc:
            print(f"{name}: {exc.message}", file=sys.stderr)
            return 2
    failed: list[str] = []
    for i, (lab, player) in enumerate(players):
        if len(players) > 1 and not args.json:
            print(f"{'' if i == 0 else chr(10)}### {lab.id} ({i + 1}/{len(players)})")
        result = player.play()
        if not result.ok:
            failed.append(lab.id)
        sys.stdout.flush()
    if len(players) > 1:
        _play_summary(len(players), failed, as_json=args.json)
    if args.check and failed:
        return 1
    return 0


def _play_summary(count: int, failed: list[str], *, as_json: bool) -> None:
    if as_json:
        import json

        print(json.dumps({"failed": failed, "labs": count, "passed": count - len(failed), "type": "labs"}))
    else:
        line = f"=== {count} labs: {count - len(failed)} passed, {len(failed)} failed"
        print(line + (f" ({', '.join(failed)})" if failed else ""))
    sys.stdout.flush()


def _lab_names(names: list[str]) -> list[str] | None:
    """Lab arguments with each folder replaced by the lab files in it (sorted); None after
    reporting a folder that holds none."""
    out: list[str] = []
    for name in names:
        folder = Path(name)
        if not folder.is_dir():
            out.append(name)
            continue
        files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            print(f"{name}: a folder with no lab files in it (*.yaml, *.yml)", file=sys.stderr)
            return None
        out.extend(files)
    return out


def _validate(args: argparse.Namespace) -> int:
    from clusterlab.lab.validate import validate_paths

    names = _lab_names(list(args.labs))
    if names is None:
        return 2
    return validate_paths(names, sys.stdout, sys.stderr)


def _schema() -> int:
    import json

    from clusterlab.lab.schema import json_schema

    print(json.dumps(json_schema(), indent=2, sort_keys=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl-C: whatever was recorded is already on disk (journals flush per command).
        print("\nclusterlab: interrupted", file=sys.stderr)
        return 130  # 128 + SIGINT
    except BrokenPipeError:
        # The reader went away (`clusterlab play LAB | head`): stop quietly, as other tools do.
        # Python would complain again when it flushes stdout at exit, so point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the broken pipe


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "shell":
        return _shell(args)
    if args.command == "play":
        return _play(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "schema":
        return _schema()
    if args.command == "export":
        return _export(args)
    if args.command == "labs":
        return _labs(args)
    if args.command == "serve":
        return _serve(args)
    if args.command in (None, "open"):
        return _open(args)
    return 2
