"""Golden output of every cmdlet's default view, on a 2012 R2 and a 2022 cluster.

The expected text lives in tests/__snapshots__/test_shell_golden.ambr (syrupy); review a
change there like a change to the product's output. Update with
``pytest tests/test_shell_golden.py --snapshot-update`` (without -n).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.shell import Shell
from clusterlab.sim import Cluster

COMMANDS = [
    "Get-Cluster",
    "Get-ClusterNode",
    "Get-ClusterGroup",
    "Get-ClusterResource",
    "Get-ClusterQuorum",
    "Get-ClusterNetwork",
    "Get-ClusterSharedVolume",
    "Get-ClusterOwnerNode -Group SQL01",
    "Get-ClusterOwnerNode -Resource 'Virtual Machine SQL01'",
    "Get-VM",
    "Get-ClusterNode HV01 | Format-List *",
    "Get-ClusterGroup SQL01 | Format-List *",
    "Get-Cluster | Format-List *",
    "Get-ClusterNode | Format-Table Name, State, NodeWeight, DynamicWeight -AutoSize",
    "Get-ClusterGroup | Where-Object OwnerNode -eq HV02 | Sort-Object Name",
    "Get-ClusterNode | Measure-Object",
    "Get-VM | Where-Object { $_.State -eq 'Running' } | Select-Object Name, ComputerName -First 3",
    "Invoke-LabFault -Node HV02 -Crash; Start-Sleep -Seconds 25; Get-ClusterNode; Get-ClusterGroup",
    "Stop-ClusterNode -Name HV03",
    "Start-ClusterNode -Name HV04",
    "Suspend-ClusterNode -Name HV04",
    "Move-ClusterGroup -Name SQL01 -Node HV03",
    "Set-ClusterQuorum -NoWitness",
    "Test-Cluster",
]


def shell_for(os_name: str) -> Shell:
    spec = load_lab(default_lab_path()).spec
    return Shell(Cluster(replace(spec, os=os_name)), width=120)


@pytest.mark.parametrize("os_name", ["2012R2", "2022"])
@pytest.mark.parametrize("command", COMMANDS)
def test_default_views(os_name: str, command: str, snapshot) -> None:  # type: ignore[no-untyped-def]
    result = shell_for(os_name).run(command)
    assert result.text() == snapshot
