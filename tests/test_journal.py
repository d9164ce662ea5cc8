"""Session journals (issue: journal and recording): a session is recorded command by command,
exported to a lab that replays it exactly, and resumed after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clusterlab.cli import main
from clusterlab.lab import default_lab_path, export_lab, load_lab, load_lab_text, read_journal, replay
from clusterlab.lab.player import Player
from clusterlab.sim import Cluster, ClusterEvent
from clusterlab.tui import ClusterLabApp, make_app
from tests.test_tui import drive, log_text

ROOT = Path(__file__).resolve().parent.parent


def stream(events: tuple[ClusterEvent, ...] | list[ClusterEvent]) -> list[tuple[float, str, str, str]]:
    return [(round(e.time, 6), e.name, e.source, e.message) for e in events]


def test_a_cockpit_session_exports_to_a_lab_that_replays_its_event_stream_exactly(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    app = make_app(paused=True, journal=path)

    async def session(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "c")  # crash HV02 by key
        for _ in range(37):
            app.advance_sim(9.7)  # the clock ticking in odd steps
        await pilot.press("up", "d")  # drain HV01
        app.advance_sim(95.3)
        app.run_cmdline("Move-ClusterVirtualMachineRole -Name SQL02 -Node HV03 -Wait 0", typed=True)
        app.advance_sim(41)
        app.run_cmdline("Invoke-CauRun -Force", typed=True)  # returns at once in the cockpit
        for _ in range(30):
            app.advance_sim(60)
        await pilot.press("r")  # repair the selected node (HV01): nothing to undo, refused and journaled
        app.advance_sim(15.25)

    drive(session, app=app)
    recorded = stream(app.cluster.events)
    journal = read_journal(path)
    assert journal.problems == []
    assert [e.run for e in journal.commands][:2] == [
        "Invoke-LabFault -Node HV02 -Crash",
        "Suspend-ClusterNode -Name HV01 -Drain",
    ]
    assert journal.entries[-1].mark == "stop"

    lab_file = tmp_path / "session.yaml"
    assert main(["export", str(path), "-o", str(lab_file)]) == 0
    lab = load_lab(lab_file)
    assert lab.interactive
    result = Player(lab, emit=lambda line: None).play()
    assert result.cluster is not None
    assert stream(result.cluster.events) == recorded
    assert result.cluster.now == app.cluster.now


def test_replay_rebuilds_the_same_cluster(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    app = make_app(paused=True, journal=path)

    async def session(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.run_cmdline("(Get-ClusterGroup SQL01).Priority = 1000", typed=True)
        app.advance_sim(12.5)
        await pilot.press("down", "down", "i")  # isolate HV03
        app.advance_sim(300)

    drive(session, app=app)
    again = replay(read_journal(path))
    assert stream(again.cluster.events) == stream(app.cluster.events)
    assert again.cluster.snapshot() == app.cluster.snapshot()


def test_a_killed_shell_session_resumes_from_its_journal(tmp_path: Path) -> None:
    path = tmp_path / "killed.jsonl"
    commands = [
        "Invoke-LabFault -Node HV03 -Crash",
        "Start-Sleep -Seconds 300",
        "Suspend-ClusterNode -Name HV01 -Drain",
        "Start-Sleep -Seconds 120",
        "$g = Get-ClusterGroup SQL01",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "clusterlab", "shell", "--journal", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        text=True,
    )
    assert proc.stdin is not None
    for line in commands:
        proc.stdin.write(line + "\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # every line is on disk before it runs
        if path.exists() and len(path.read_text(encoding="utf-8").splitlines()) == 1 + len(commands):
            break
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    journal = read_journal(path)
    assert [e.run for e in journal.commands] == commands
    assert not journal.interactive
    resumed = replay(journal)
    # the same commands run in a fresh session give the same cluster
    fresh = Cluster(load_lab(default_lab_path()).spec)
    from clusterlab.shell import Shell

    shell = Shell(fresh, blocking=True)
    for line in commands:
        shell.run(line)
    assert stream(resumed.cluster.events) == stream(fresh.events)
    assert resumed.cluster.snapshot() == fresh.snapshot() and resumed.cluster.now == 420.0
    assert resumed.shell.run("$g.Name").output.strip() == "SQL01", "the variables come back too"


def test_open_resume_continues_the_same_journal(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    first = make_app(paused=True, journal=path)

    async def before(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "c")
        app.advance_sim(400)

    drive(before, app=first)
    journal = read_journal(path)
    second = make_app(paused=True, journal=path, resumed=replay(journal))

    async def after(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.cluster.now == first.cluster.now
        assert app.snapshot.node("HV02").state.value == "Down"
        assert any("Resumed from r.jsonl" in n.message for n in app._notifications)
        await pilot.press("down", "o")  # power HV02 on
        app.advance_sim(200)

    drive(after, app=second)
    whole = read_journal(path)
    assert len(whole.commands) == 2 and whole.problems == []
    assert stream(replay(whole).cluster.events) == stream(second.cluster.events)


def test_a_truncated_or_damaged_journal_says_what_it_recovered(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    header = {"journal": 1, "lab": str(default_lab_path()), "lab_id": "default", "seed": 0, "interactive": True}
    lines = [json.dumps(header), json.dumps({"t": 1.0, "run": "Invoke-LabFault -Node HV02 -Crash"})]
    path.write_text("\n".join(lines) + '\n{"t": 30.0, "run": "Get-Clus', encoding="utf-8")
    journal = read_journal(path)
    assert len(journal.commands) == 1
    assert journal.problems == [
        f"{path}:3: this line was cut off (the session was killed while writing it); "
        "recovered the 1 command(s) before it"
    ]
    path.write_text("\n".join([*lines, "garbage", lines[1]]) + "\n", encoding="utf-8")
    journal = read_journal(path)
    assert (
        len(journal.commands) == 1
        and "damaged" in journal.problems[0]
        and "dropped the 1 line(s)" in journal.problems[0]
    )
    path.write_text("not a journal\n", encoding="utf-8")
    assert main(["open", "--resume", str(path)]) == 2
    assert main(["export", str(tmp_path / "missing.jsonl")]) == 2


def test_the_exported_lab_is_a_valid_lab_file(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    app = make_app(paused=True, journal=path)

    async def session(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        app.run_cmdline("Get-ClusterNode", typed=True)
        app.advance_sim(0.1)
        app.run_cmdline("Stop-ClusterNode HV04", typed=True)
        app.advance_sim(59.9)

    drive(session, app=app)
    text = export_lab(read_journal(path), title="My afternoon")
    lab = load_lab_text(text, "export")
    assert lab.title == "My afternoon" and [type(s).__name__ for s in lab.steps] == ["Run", "At", "Run", "At"]


def test_b_steps_back_before_the_last_command_and_the_journal_follows(tmp_path: Path) -> None:
    path = tmp_path / "back.jsonl"
    app = make_app(paused=True, journal=path)

    async def session(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")  # drain HV02
        app.advance_sim(300)
        before_crash = stream(app.cluster.events)
        t = app.cluster.now
        await pilot.press("down", "c")  # crash HV03
        app.advance_sim(400)
        assert app.snapshot.node("HV03").state.value == "Down"
        await pilot.press("b")
        await pilot.pause()
        assert app.cluster.now == t, "back at the moment the crash was typed"
        assert app.snapshot.node("HV03").state.value == "Up"
        assert stream(app.cluster.events) == before_crash, "the same history, re-simulated"
        assert "Stepped back before: Invoke-LabFault -Node HV03 -Crash" in log_text(app)
        await pilot.press("b")
        await pilot.pause()
        assert app.cluster.now == 0.0 and app.snapshot.node("HV02").state.value == "Up"
        await pilot.press("b")  # nothing left to undo: a note, no change
        await pilot.press("up", "c")  # a new branch: the cursor is back on HV02, crash it
        app.advance_sim(30)

    drive(session, app=app)
    journal = read_journal(path)
    assert [e.run for e in journal.commands] == ["Invoke-LabFault -Node HV02 -Crash"]
    assert stream(replay(journal).cluster.events) == stream(app.cluster.events)


def test_fork_keeps_the_original_journal(tmp_path: Path) -> None:
    path = tmp_path / "main.jsonl"
    app = make_app(paused=True, journal=path)

    async def session(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "d")
        app.advance_sim(60)
        app.action_fork()
        await pilot.press("down", "c")
        app.advance_sim(60)

    drive(session, app=app)
    original = read_journal(path)
    fork = read_journal(tmp_path / "main-fork1.jsonl")
    assert [e.run for e in original.commands] == ["Suspend-ClusterNode -Name HV02 -Drain"]
    assert [e.run for e in fork.commands] == [
        "Suspend-ClusterNode -Name HV02 -Drain",
        "Invoke-LabFault -Node HV03 -Crash",
    ]
    assert stream(replay(fork).cluster.events) == stream(app.cluster.events)


def test_serve_listens_on_loopback_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    import textual_serve.server

    import clusterlab.serve

    seen: list[tuple[str, str, int]] = []

    class FakeServer:
        def __init__(self, command: str, host: str, port: int, **options: object) -> None:
            seen.append((command, host, port))

        def serve(self) -> None:
            return None

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    monkeypatch.setattr(clusterlab.serve, "address_problem", lambda host, port: None)  # 8000 may be taken here
    assert main(["serve"]) == 0
    assert main(["serve", "74409-quorum", "--host", "0.0.0.0", "--port", "8080"]) == 0
    assert seen[0][1:] == ("127.0.0.1", 8000) and "-m clusterlab open" in seen[0][0]
    assert seen[1][1:] == ("0.0.0.0", 8080) and seen[1][0].endswith("74409-quorum.yaml")
    assert main(["serve", "no-such-lab"]) == 2
