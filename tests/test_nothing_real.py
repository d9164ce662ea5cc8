"""Nothing real is touched: CAU's Pre-/PostUpdateScript are recorded, never run nor opened; the console
starts no process whatever it is asked; Get-ClusterLog writes only into the folder named with
-Destination; paths in a lab file (witness share, export folders) stay simulated. Every test runs
inside the sandbox of the console fuzzer, which refuses processes and writes outside the test folder.
(``clusterlab serve`` binds 127.0.0.1 unless --host: tests/test_journal.py.)"""

from __future__ import annotations

import builtins
import io
import os
from pathlib import Path
from typing import Any

import pytest

from clusterlab.lab import default_lab_path, load_lab_text
from clusterlab.shell import Shell
from clusterlab.sim import Cluster
from tests.cluster_machine import SPEC
from tests.test_console_fuzz import Sandbox


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    sandbox = Sandbox(work)
    sandbox.install(monkeypatch)
    return sandbox


def watch_opens(monkeypatch: pytest.MonkeyPatch, needle: str) -> list[str]:
    """Every open of a path containing ``needle``, for reading or writing."""
    seen: list[str] = []
    for module, name in ((builtins, "open"), (io, "open"), (os, "open"), (os, "stat"), (os, "listdir")):
        real = getattr(module, name)

        def spy(path: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            if needle in str(path):
                seen.append(str(path))
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return seen


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_cau_update_scripts_are_recorded_never_run_or_opened(
    box: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = box.root / "PWNED"
    script = box.root / "pre-update.ps1"
    script.write_text(f"New-Item {canary}\n")
    post = box.root / "post-update.ps1"
    post.write_text(f"New-Item {canary}\n")
    opened = watch_opens(monkeypatch, "-update.ps1")
    sh = Shell(Cluster(SPEC), blocking=True)
    result = sh.run(f"Invoke-CauRun -Force -PreUpdateScript '{script}' -PostUpdateScript '{post}'")
    assert result.ok, result.text()
    report = sh.run("Get-CauReport -Last -Detailed | Format-List *").output
    assert "Succeeded" in report
    assert not canary.exists(), "the script did not run"
    assert opened == [], f"the script was opened: {opened}"
    assert box.violations == []


@pytest.mark.parametrize(
    "line",
    [
        "Start-Process notepad",
        "Invoke-Expression 'rm -rf /'",
        "iex 'calc'",
        "& cmd.exe /c dir",
        "& 'C:\\Windows\\System32\\cmd.exe'",
        "cmd /c dir",
        "powershell -Command Get-Process",
        "bash -c 'touch x'",
        "ls; dir; cat /etc/passwd",
        "Restart-Computer HV01 -Force",
        "Stop-Computer HV02 -Force",
        "Get-Content /etc/passwd",
        "Set-Content -Path x.txt -Value y",
        "Out-File x.txt",
        "'x' > x.txt",
        "Export-VM APP01 -Path /tmp/exports",
        "Import-VM -Path /etc",
        "Add-VMHardDiskDrive APP01 -Path /dev/sda",
        "Test-Cluster -ReportName /tmp/report",
        "New-Cluster -Name X -Node HV01",
    ],
)
def test_the_console_starts_no_process_and_writes_nothing(box: Sandbox, line: str) -> None:
    before = files_under(box.root)
    result = Shell(Cluster(SPEC), blocking=True).run(line)
    assert not [e for e in result.errors if "could not run" in e.message], result.text()
    assert box.violations == [], box.violations
    assert files_under(box.root) == before, "not even inside the test folder"


def test_get_cluster_log_writes_nothing_without_destination_and_only_into_it_with_one(box: Sandbox) -> None:
    sh = Shell(Cluster(SPEC))
    sh.run("Invoke-LabFault -Node HV02 -Crash; Start-Sleep 60")
    assert sh.run("Get-ClusterLog").ok
    assert files_under(box.root) == [], "without -Destination the logs are only listed"
    assert sh.run("Get-ClusterLog -Destination 'named folder' -Node HV01,HV03").ok
    assert files_under(box.root) == ["named folder", "named folder/HV01_cluster.log", "named folder/HV03_cluster.log"]
    assert box.violations == []


def test_paths_in_a_lab_file_stay_simulated(box: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    canary = tmp_path / "canary"
    text = default_lab_path().read_text(encoding="utf-8")
    text = text.replace(
        "witness: {type: FileShare, path: '\\\\WITNESS01\\HVCLUS'}",
        "witness: {type: FileShare, path: '\\\\canary\\share'}",
    )
    text = text.replace(
        "  csvs:\n",
        f"  exported_vms:\n    - {{name: OLD01, path: '{canary}/exports', memory_gb: 4}}\n"
        f"    - {{name: OLD02, path: '../../../{canary.name}', memory_gb: 4}}\n  csvs:\n",
        1,
    )
    lab = load_lab_text(text, "paths.yaml")
    opened = watch_opens(monkeypatch, "canary")
    sh = Shell(Cluster(lab.spec), blocking=True)
    for line in (
        "Invoke-LabFault -Witness",
        "Start-Sleep 30",
        "Repair-LabFault -Witness",
        f"Import-VM -Path '{canary}/exports/OLD01' -Copy -VhdDestinationPath C:\\ClusterStorage\\CSV1\\OLD01",
        f"Export-VM APP01 -Path '{canary}/out'",
        "Set-ClusterQuorum -FileShareWitness \\\\canary\\other",
        "Get-ClusterQuorum | Format-List *",
    ):
        result = sh.run(line)
        assert not [e for e in result.errors if "could not run" in e.message], (line, result.text())
    assert opened == [], f"the simulator looked at {opened}"
    assert not canary.exists(), "no folder named in the lab or the console was created"
    assert box.violations == []
