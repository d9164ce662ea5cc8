"""No lost work: a journal damaged by a crash, a bad disk or an editor is reported with what could be
recovered, and the session goes on with that; nothing ends in a traceback; progress files are
replaced atomically, so a failed save leaves the old file whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clusterlab.cli import main
from clusterlab.lab import JournalWriter, default_lab_path, read_journal
from clusterlab.lab.progress import ProgressStore, write_atomically

ROOT = Path(__file__).resolve().parent.parent
HEADER = {"journal": 1, "lab": str(default_lab_path()), "lab_id": "default", "seed": 0, "interactive": True}
COMMANDS = [
    {"t": 0.0, "run": "Invoke-LabFault -Node HV02 -Crash"},
    {"t": 60.0, "run": "Suspend-ClusterNode -Name HV03 -Drain"},
    {"t": 400.5, "run": "Get-ClusterNode"},
]


def journal_text(*lines: Any) -> str:
    return "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)


DAMAGES = {
    "cut-off last line": (journal_text(HEADER, *COMMANDS[:2]) + '\n{"t": 400.5, "run": "Get-Clu', 4, 2),
    "garbage in the middle": (journal_text(HEADER, COMMANDS[0], "\x00\x00 garbage", *COMMANDS[1:]) + "\n", 3, 1),
    "non-UTF-8 bytes": (journal_text(HEADER, COMMANDS[0], '{"t": 1.0, "run": "\udcff"}', COMMANDS[2]), 3, 1),
    "time going backwards": (journal_text(HEADER, COMMANDS[1], COMMANDS[0]) + "\n", 3, 1),
}


def clusterlab(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLUSTERLAB_DATA": str(cwd / "data"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "clusterlab", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_journal_says_which_line_and_how_many_commands_were_recovered(tmp_path: Path, damage: str) -> None:
    text, line, kept = DAMAGES[damage]
    path = tmp_path / "s.jsonl"
    write(path, text)
    done = clusterlab("export", str(path), "-o", str(tmp_path / "s.yaml"), cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert f"s.jsonl:{line}: this line" in done.stderr and f"recovered the {kept} command(s)" in done.stderr
    assert (tmp_path / "s.yaml").read_text(encoding="utf-8").count("- run:") == kept


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "the journal is empty"),
        ("\n", "not a clusterlab journal"),
        (journal_text({"journal": 99, "lab_id": "default"}, *COMMANDS), "not a clusterlab journal"),
        (journal_text("[1, 2, 3]", *COMMANDS), "not a clusterlab journal"),
        ("\udcff\udcfe binary", "not a clusterlab journal"),
        (journal_text({**HEADER, "lab": "/nowhere.yaml", "lab_id": "no-such-lab"}, *COMMANDS), "cannot be loaded"),
    ],
)
def test_a_journal_with_nothing_to_recover_is_refused_with_status_2(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "s.jsonl"
    write(path, content)
    for command in (["open", "--resume", str(path)], ["export", str(path)]):
        done = clusterlab(*command, cwd=tmp_path)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 2 and says in done.stderr, (command, done.returncode, done.stderr)


class FakeApp:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def run(self) -> None:
        # the cockpit appends the learner's next command to the journal it was given
        writer = JournalWriter(self.kwargs["journal"])
        writer.command(500.0, "Get-ClusterQuorum")
        writer.close(510.0)


def test_resuming_a_damaged_journal_goes_on_with_what_was_recovered_and_keeps_the_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import clusterlab.tui

    monkeypatch.setenv("CLUSTERLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(clusterlab.tui, "make_app", lambda *a, **kw: FakeApp(**kw))
    path = tmp_path / "s.jsonl"
    damaged = journal_text(HEADER, COMMANDS[0], "garbage", *COMMANDS[1:]) + "\n"
    path.write_text(damaged, encoding="utf-8")
    assert main(["open", "--resume", str(path)]) == 0
    err = capsys.readouterr().err
    assert "s.jsonl:3: this line is damaged; recovered the 1 command(s) before it" in err
    assert "going on with the 1 recovered command(s); the damaged journal is kept as" in err
    assert (tmp_path / "s.jsonl.damaged").read_text(encoding="utf-8") == damaged, "kept byte for byte"
    journal = read_journal(path)
    assert journal.problems == [], "the new command is not hidden behind the damaged line"
    assert [e.run for e in journal.commands] == [COMMANDS[0]["run"], "Get-ClusterQuorum"]


def test_a_cut_off_journal_does_not_swallow_the_next_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Appending after a half-written line would glue the next command onto it."""
    import clusterlab.tui

    monkeypatch.setenv("CLUSTERLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(clusterlab.tui, "make_app", lambda *a, **kw: FakeApp(**kw))
    path = tmp_path / "s.jsonl"
    path.write_text(journal_text(HEADER, *COMMANDS[:2]) + '\n{"t": 400.5, "run": "Get-Clu', encoding="utf-8")
    assert main(["open", "--resume", str(path)]) == 0
    assert "cut off" in capsys.readouterr().err
    journal = read_journal(path)
    assert journal.problems == []
    assert [e.run for e in journal.commands] == [c["run"] for c in COMMANDS[:2]] + ["Get-ClusterQuorum"]


def test_a_failed_progress_save_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore(tmp_path / "progress.json")
    store.started("drain-basics", "Drain before patching", [], tmp_path / "j.jsonl")
    before = (tmp_path / "progress.json").read_bytes()

    def disk_full(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        store.moved("drain-basics", {"index": 3}, (3, 7))
    with pytest.raises(OSError):
        write_atomically(tmp_path / "progress.json", "{half")
    monkeypatch.undo()
    assert (tmp_path / "progress.json").read_bytes() == before, "the old progress is intact"
    assert not list(tmp_path.glob(".progress.json.*")), "and no temporary file is left behind"
    assert ProgressStore(tmp_path / "progress.json").labs["drain-basics"].status() != "in progress 3/7 steps"


@pytest.mark.parametrize("command", ["shell", "open"])
def test_a_new_session_never_appends_to_another_sessions_journal(tmp_path: Path, command: str) -> None:
    """Its times would start again at 0 and every later read would stop there, dropping them."""
    path = tmp_path / "earlier.jsonl"
    before = journal_text(HEADER, *COMMANDS) + "\n"
    path.write_text(before, encoding="utf-8")
    done = clusterlab(command, "--journal", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert "already holds a recorded session" in done.stderr and "--resume" in done.stderr
    assert "Traceback" not in done.stderr
    assert path.read_text(encoding="utf-8") == before  # untouched
