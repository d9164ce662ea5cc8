"""A recorded session of the default lab's first simulated hour: 50 commands a learner would
type or press in the cockpit — crashes and power-ons, drains and resumes, live and quick
migrations, storage moves, witness and network faults, and the queries in between.

``record(path)`` plays them through the console at their simulated times and writes the
journal the cockpit would have written; ``run.py`` times replaying it (what step back does).
"""

from __future__ import annotations

from pathlib import Path

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.lab.journal import JournalWriter, header_for
from clusterlab.shell.session import Shell
from clusterlab.sim import Cluster

#: (simulated seconds, command line): 50 commands over the first hour.
COMMANDS: tuple[tuple[float, str], ...] = (
    (5, "Get-ClusterNode"),
    (10, "Get-ClusterQuorum"),
    (20, "Move-ClusterVirtualMachineRole -Name SQL01 -Node HV03"),
    (30, "Get-ClusterGroup"),
    (60, "Invoke-LabFault -Node HV02 -Crash"),
    (65, "Get-ClusterNode"),
    (90, "Get-ClusterGroup"),
    (120, "Get-ClusterLog -TimeSpan 5"),
    (180, "Start-LabNode -Name HV02"),
    (300, "Get-ClusterNode"),
    (320, "Suspend-ClusterNode -Name HV03 -Drain"),
    (330, "Get-ClusterNode HV03 | Format-List *"),
    (420, "Get-ClusterGroup"),
    (480, "Resume-ClusterNode -Name HV03 -Failback Immediate"),
    (600, "Get-ClusterGroup"),
    (620, "Move-ClusterVirtualMachineRole -Name WEB01 -Node HV04 -MigrationType Quick"),
    (700, "Get-ClusterResource"),
    (720, "Invoke-LabFault -Witness"),
    (740, "Get-ClusterQuorum"),
    (780, "Repair-LabFault -Witness"),
    (800, "Get-ClusterSharedVolume"),
    (840, "Move-VMStorage -VMName APP01 -DestinationStoragePath C:\\ClusterStorage\\CSV1\\APP01"),
    (900, "Get-ClusterNode"),
    (960, "Stop-ClusterNode -Name HV04"),
    (1000, "Get-ClusterGroup"),
    (1100, "Start-ClusterNode -Name HV04"),
    (1200, "Get-ClusterNode"),
    (1260, "Suspend-ClusterNode -Name HV01 -Drain"),
    (1400, "Get-ClusterGroup"),
    (1500, "Resume-ClusterNode -Name HV01 -Failback Immediate"),
    (1560, "Get-ClusterGroup"),
    (1620, "Invoke-LabFault -Node HV04 -Isolate"),
    (1700, "Get-ClusterNode"),
    (1740, "Repair-LabFault -Node HV04"),
    (1800, "Get-ClusterNode"),
    (1900, "Move-ClusterVirtualMachineRole -Name DC02 -Node HV01"),
    (2000, "Get-ClusterGroup"),
    (2100, "Invoke-LabFault -Node HV03 -Crash"),
    (2200, "Get-ClusterQuorum"),
    (2300, "Start-LabNode -Name HV03"),
    (2500, "Get-ClusterNode"),
    (2600, "Suspend-ClusterNode -Name HV02 -Drain"),
    (2700, "Get-ClusterGroup"),
    (2800, "Resume-ClusterNode -Name HV02 -Failback Immediate"),
    (2900, "Get-ClusterGroup"),
    (3000, "Move-ClusterVirtualMachineRole -Name EXCH01 -Node HV02"),
    (3200, "Get-ClusterNode"),
    (3300, "Get-ClusterResource"),
    (3400, "Get-ClusterSharedVolume"),
    (3500, "Get-ClusterGroup"),
)
END_S = 3600.0


def record(path: Path) -> list[str]:
    """Write the journal of the session to ``path``; returns the error messages the console
    printed (there should be none)."""
    lab = load_lab(default_lab_path())
    cluster = Cluster(lab.spec)
    shell = Shell(cluster, blocking=False)  # as in the cockpit: commands return at once
    writer = JournalWriter(path, header_for(lab, seed=None, interactive=True))
    errors = []
    for t, line in COMMANDS:
        cluster.run_until(t)
        result = shell.run(line)
        writer.command(t, line)
        if not result.ok:
            errors.append(f"{line}: {result.text()}")
    cluster.run_until(END_S)
    writer.close(END_S)
    return errors
