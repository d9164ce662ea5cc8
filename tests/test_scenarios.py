"""Every scenario under tests/scenarios/ and every shipped lab under labs/ passes `play --check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterlab.cli import main
from clusterlab.lab import load_lab
from clusterlab.lab.player import play

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
SHIPPED = sorted((ROOT / "labs").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS + SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_lab_passes(path: Path) -> None:
    result = play(load_lab(path))
    failures = [o.text for o in result.outcomes if not o.ok]
    assert not failures, "\n".join(result.lines)


def test_same_lab_and_seed_give_a_byte_identical_transcript(capsys: pytest.CaptureFixture[str]) -> None:
    lab = str(ROOT / "tests" / "scenarios" / "quorum-force-start.yaml")
    assert main(["play", lab, "--check"]) == 0
    first = capsys.readouterr().out
    assert main(["play", lab, "--check"]) == 0
    assert capsys.readouterr().out == first
    assert main(["play", lab, "--json"]) == 0
    assert capsys.readouterr().out.startswith('{"id"')


def test_a_failing_expectation_says_what_was_expected_and_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lab = tmp_path / "wrong.yaml"
    lab.write_text(
        "format: 1\ncluster:\n  nodes: [HV01, HV02, HV03]\n  vms: [{name: DC01, owner: HV01}]\nsteps:\n"
        "  - run: Invoke-LabFault -Node HV02 -Crash\n"
        "  - expect: {role: DC01, owner_not: HV01}\n    within: 2m\n"
    )
    assert main(["play", str(lab), "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        f"FAIL step 2 ({lab}:7): expected role DC01 owner_not HV01 within 2m; at 00:02:00 role DC01 owner was "
        "HV01 (state Online)" in out
    )
    assert "== 0 passed, 1 failed" in out


def test_until_stops_playback(capsys: pytest.CaptureFixture[str]) -> None:
    lab = str(ROOT / "tests" / "scenarios" / "failback-window.yaml")
    assert main(["play", lab, "--until", "10m"]) == 0
    assert "stopped at --until 00:10:00" in capsys.readouterr().out


def test_invalid_lab_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\ncluster: {nodes: [HV01], vms: [{name: X, owner: HV9}]}\n")
    assert main(["play", str(bad)]) == 2
    assert "HV9" in capsys.readouterr().err


def test_several_labs_play_in_one_run_with_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "format: 1\ncluster:\n  nodes: [HV01, HV02, HV03]\n  vms: [{name: DC01, owner: HV01}]\nsteps:\n"
        "  - expect: {role: DC01, owner: HV02}\n"
    )
    good = str(ROOT / "tests" / "scenarios" / "quorum-force-start.yaml")
    assert main(["play", "--check", good, "default"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### quorum-force-start (1/2)\n") and "\n### default (2/2)\n" in out
    assert out.endswith("=== 2 labs: 2 passed, 0 failed\n")
    assert main(["play", "--check", good, str(wrong)]) == 1
    assert capsys.readouterr().out.endswith("=== 2 labs: 1 passed, 1 failed (wrong)\n")
    assert main(["play", "--json", good, "default"]) == 0
    assert capsys.readouterr().out.endswith('{"failed": [], "labs": 2, "passed": 2, "type": "labs"}\n')


def test_all_plays_every_shipped_lab(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--check", "--all"]) == 0
    assert capsys.readouterr().out.endswith(f"=== {len(SHIPPED)} labs: {len(SHIPPED)} passed, 0 failed\n")


def test_an_invalid_lab_among_several_stops_the_run_before_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\ncluster: {nodes: [HV01], vms: [{name: X, owner: HV9}]}\n")
    assert main(["play", "default", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "HV9" in captured.err
    assert main(["play"]) == 2
    assert "name a lab" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_play_quietly() -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("clusterlab")
    proc = subprocess.Popen([str(exe), "play", "--all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141 and "Traceback" not in err and err == ""


def test_a_folder_stands_for_the_labs_in_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--check", str(ROOT / "tests" / "scenarios")]) == 0
    assert capsys.readouterr().out.endswith(f"=== {len(SCENARIOS)} labs: {len(SCENARIOS)} passed, 0 failed\n")
    assert main(["validate", str(ROOT / "labs")]) == 0
    assert capsys.readouterr().out.count("OK ") == len(SHIPPED)
    assert main(["validate", str(tmp_path)]) == 2
    assert "a folder with no lab files in it" in capsys.readouterr().err


def test_ctrl_c_ends_a_command_with_a_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import clusterlab.cli

    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(clusterlab.cli, "_play", interrupted)
    assert main(["play", "default"]) == 130
    assert capsys.readouterr().err == "\nclusterlab: interrupted\n"
