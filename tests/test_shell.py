"""The console as an admin uses it: binding rules, errors shaped like PowerShell's, pipelines."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.cli import main
from clusterlab.lab import default_lab_path, load_lab
from clusterlab.shell import Shell
from clusterlab.shell.completion import complete
from clusterlab.shell.docs import generate
from clusterlab.sim import Cluster

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_lab(default_lab_path()).spec


def shell(os_name: str = "2022", blocking: bool = True) -> Shell:
    return Shell(Cluster(replace(SPEC, os=os_name)), width=120, blocking=blocking)


def run(sh: Shell, text: str) -> str:
    return sh.run(text).text()


# parameter binding ----------------------------------------------------------------------


def test_unambiguous_prefixes_and_aliases_bind() -> None:
    sh = shell()
    assert sh.run("Get-ClusterNode -N HV01").ok
    sh.run("'HV01', 'HV02', 'HV03' | % { Invoke-LabFault -Node $_ -Crash }; Start-Sleep 25")
    assert sh.cluster.quorum().state == "Down"
    result = sh.run("Start-ClusterNode -Name HV04 -FQ")
    assert result.ok, result.text()
    sh.run("Start-Sleep 10")
    assert sh.cluster.quorum().forced


def test_ambiguous_prefix_names_the_candidates() -> None:
    text = run(shell(), "Suspend-ClusterNode -D HV02")
    assert "Parameter cannot be processed because the parameter name 'D' is ambiguous." in text
    assert "-Drain" in text and "-Debug" in text


def test_unknown_parameter_and_positional() -> None:
    sh = shell()
    assert "A parameter cannot be found that matches parameter name 'Nodez'." in run(sh, "Get-ClusterNode -Nodez x")
    assert "A positional parameter cannot be found that accepts argument 'extra'." in run(sh, "Get-ClusterQuorum extra")
    assert "Missing an argument for parameter 'Seconds'." in run(sh, "Start-Sleep -Seconds")
    missing = run(sh, "Resume-ClusterNode HV02 -Failback")
    assert "of type 'System.String' and try again. Possible values: NoFailback, Immediate, Policy." in missing


def test_switch_colon_false_and_conversions() -> None:
    sh = shell()
    assert sh.run("Start-Sleep -Seconds 30").ok and sh.cluster.now == 30
    assert 'Cannot convert value "soon" to type "System.Double"' in run(sh, "Start-Sleep -Seconds soon")
    text = run(sh, "Move-ClusterVirtualMachineRole SQL01 -MigrationType Teleport")
    assert "Live, Quick, Shutdown, ShutdownForce, TurnOff" in text
    assert sh.run("Get-ClusterNode -Verbose:$false").ok


# errors -----------------------------------------------------------------------------------


def test_unknown_command_suggests_the_right_one() -> None:
    text = run(shell(), "Get-ClusterNodes")
    assert text.startswith(
        "The term 'Get-ClusterNodes' is not recognized as the name of a cmdlet, function, script file, or operable "
        "program."
    )
    assert "did you mean 'Get-ClusterNode'?" in text
    assert "CommandNotFoundException" in text


def test_unknown_object_names_the_cmdlet_and_the_object() -> None:
    text = run(shell(), "Suspend-ClusterNode -Name HV09")
    assert text.startswith("Suspend-ClusterNode : The node 'HV09' was not found.")
    assert "ObjectNotFound: (HV09:String) [Suspend-ClusterNode]" in text


def test_refused_operation_says_why() -> None:
    sh = shell()
    sh.run("(Get-Cluster).DynamicQuorum = 0; Set-ClusterQuorum -NoWitness")
    assert sh.run("Stop-ClusterNode HV01").ok
    text = run(sh, "Stop-ClusterNode HV02")
    assert "Stop-ClusterNode : Stopping the Cluster service on node 'HV02' would cause the cluster to lose quorum." in (
        text
    )


def test_non_terminating_errors_let_the_pipeline_go_on() -> None:
    sh = shell()
    result = sh.run("'HV01', 'HV09', 'HV03' | Suspend-ClusterNode")
    assert len(result.errors) == 1 and "HV09" in result.errors[0].message
    states = {n.name: n.state.value for n in sh.cluster.snapshot().nodes}
    assert states["HV01"] == "Paused" and states["HV03"] == "Paused"


def test_error_action_silently_continue() -> None:
    assert shell().run("Get-ClusterNode HV09 -ErrorAction SilentlyContinue").ok


def test_syntax_error_is_a_parser_record() -> None:
    result = shell().run("Get-ClusterNode 'HV01")
    assert result.errors[0].category == "ParserError"
    assert "missing the terminator" in result.errors[0].message


# expressions and pipelines --------------------------------------------------------------


def test_property_assignment_changes_the_cluster() -> None:
    sh = shell()
    sh.run("(Get-ClusterNode HV04).NodeWeight = 0")
    assert sh.cluster.node("HV04").node_weight == 0
    sh.run("(Get-Cluster).LowerQuorumPriorityNodeID = 2")
    assert sh.cluster.quorum().lower_quorum_priority_node_id == 2
    assert "'State' is a ReadOnly property." in run(sh, "(Get-ClusterNode HV01).State = 'Down'")
    sh.run("(Get-ClusterGroup SQL01).Priority = 1000")
    assert sh.cluster.group("SQL01").priority_name == "Low"


def test_where_object_both_syntaxes_and_operators() -> None:
    sh = shell()
    long = "Get-ClusterGroup | Where-Object { $_.OwnerNode -eq 'HV02' -and $_.Name -like 'S*' } | % { $_.Name }"
    assert sh.run(long).objects == ["SQL01"]
    assert [str(o) for o in sh.run("Get-ClusterGroup | ? OwnerNode -eq HV02").objects] == ["SQL01", "FS01", "TEST01"]
    assert (
        sh.run("Get-ClusterGroup | ? { -not ($_.Name -match '^(DC|SQL)') } | Measure-Object").objects[0].get("Count")
        == 11
    )
    assert sh.run("(Get-ClusterNode).Name -contains 'HV03'").objects == [True]


def test_variables_and_string_expansion() -> None:
    sh = shell()
    out = sh.run('$up = Get-ClusterNode | ? State -eq Up; "Up: $($up.Count) nodes"').objects
    assert out == ["Up: 4 nodes"]


def test_select_sort_format() -> None:
    sh = shell()
    text = run(sh, "Get-ClusterGroup | Sort-Object Name | Select-Object Name, OwnerNode -First 2 | Format-Table")
    assert text == "\nName  OwnerNode\n----  ---------\nAPP01 HV01\nAPP02 HV03\n\n"
    text = run(sh, "Get-ClusterNode HV01 | Format-List Name, State, NodeWeight")
    assert text == "\nName       : HV01\nState      : Up\nNodeWeight : 1\n\n"


def test_narrow_console_truncates_columns() -> None:
    sh = Shell(Cluster(SPEC), width=40)
    for line in run(sh, "Get-ClusterResource").splitlines():
        assert len(line) <= 40
    assert "..." in run(sh, "Get-ClusterResource")


def test_start_sleep_and_blocking_commands_advance_simulated_time() -> None:
    sh = shell()
    assert sh.run("Move-ClusterGroup SQL01 -Node HV01").ok
    assert sh.cluster.group("SQL01").state.value == "Online", "Move-ClusterGroup waits for completion"
    assert sh.cluster.now > 100, "a 64 GB quick migration takes minutes of simulated time"
    tui = shell(blocking=False)
    tui.run("Move-ClusterGroup SQL01 -Node HV01")
    assert tui.cluster.now == 0 and tui.cluster.group("SQL01").state.value == "Pending"


# completion, help, docs -------------------------------------------------------------------


def test_tab_completion() -> None:
    c = Cluster(SPEC)
    assert "Get-ClusterNode" in complete("Get-ClusterN", c)
    assert complete("Start-ClusterNode -Fo", c) == ["-ForceQuorum"]
    assert complete("Suspend-ClusterNode -Name HV0", c) == ["HV01", "HV02", "HV03", "HV04"]
    assert complete("Resume-ClusterNode HV01 -Failback I", c) == ["Immediate"]
    assert "'Cluster Group'" in complete("Move-ClusterGroup Clus", c)


def test_lab_only_cmdlets_say_so_in_their_help() -> None:
    assert "LAB-ONLY" in run(shell(), "Get-Help Invoke-LabFault")
    assert "LAB-ONLY" not in run(shell(), "Get-Help Get-ClusterNode")


def test_cloud_witness_only_from_2016() -> None:
    assert "CloudWitness" in run(shell("2012R2"), "Set-ClusterQuorum -CloudWitness -AccountName a -AccessKey k")
    sh = shell("2022")
    assert sh.run("Set-ClusterQuorum -CloudWitness -AccountName a -AccessKey k").ok
    assert sh.cluster.quorum().witness_type == "Cloud"


def test_docs_cmdlets_md_is_generated_from_the_registry() -> None:
    committed = (ROOT / "docs" / "cmdlets.md").read_text(encoding="utf-8")
    assert committed == generate(), "regenerate with: python -m clusterlab.shell.docs docs/cmdlets.md"


def test_get_cluster_log_writes_only_into_the_named_folder(tmp_path: Path) -> None:
    sh = shell()
    sh.run("Invoke-LabFault -Node HV02 -Crash; Start-Sleep 60")
    dest = tmp_path / "logs"
    assert sh.run(f"Get-ClusterLog -Destination '{dest}'").ok
    files = sorted(p.name for p in dest.iterdir())
    assert files == ["HV01_cluster.log", "HV02_cluster.log", "HV03_cluster.log", "HV04_cluster.log"]
    assert "EventID 1135" in (dest / "HV01_cluster.log").read_text()


def test_test_cluster_flags_misconfigurations() -> None:
    sh = shell()
    sh.run("Set-ClusterQuorum -NoWitness")
    text = run(sh, "Test-Cluster")
    assert "4 nodes vote and there is no witness" in text and "Overall result: Warning." in text


def test_test_cluster_node_validates_the_named_nodes_and_servers_about_to_be_added(tmp_path: Path) -> None:
    """Before Add-ClusterNode: Test-Cluster -Node with the cluster's nodes and the new server (§9.1 rules)."""
    lab = tmp_path / "spares.yaml"
    lab.write_text(
        'format: 1\nos: "2012R2"\ncluster:\n  nodes: [HV01, HV02, HV03]\n'
        '  servers: [{name: HV04, os: "2016"}, {name: HV05, os: "2019"}, {name: HV06}]\nsteps: []\n'
    )
    sh = Shell(Cluster(load_lab(lab).spec), blocking=True)
    text = run(sh, "Test-Cluster -Node HV01, hv02, HV06")
    assert "List Nodes: HV01, HV02, HV06 (2 in active membership; not a node yet: HV06)." in text
    assert "'HV06' runs Windows Server 2012 R2, as the cluster does." in text
    text = run(sh, "Test-Cluster -Node HV01, HV04, HV05, HV09")
    assert "'HV04' runs Windows Server 2016; adding it puts the cluster in mixed-OS mode" in text
    assert "'HV05': it runs Windows Server 2019, more than one release above" in text
    assert "'HV09' is neither a node of HVCLUS nor one of this lab's servers." in text
    assert "Overall result: Failed." in text
    assert not sh.run("Add-ClusterNode -Name HV05").ok, "Add-ClusterNode refuses what validation failed"


def test_cluster_parameters_show_a_resource_and_offline_action_changes_how_a_vm_goes_offline() -> None:
    """§3.13: OfflineAction 1 (Save) by default; 0 turns the VM off, 2 shuts the guest down."""
    sh = shell()
    text = run(sh, "Get-ClusterResource 'Virtual Machine SQL01' | Get-ClusterParameter")
    assert re.search(r"Virtual Machine SQL01 OfflineAction\s+1\s+UInt32", text), text
    assert "\\\\WITNESS01\\HVCLUS" in run(
        sh, "Get-ClusterResource 'File Share Witness' | Get-ClusterParameter SharePath"
    )
    assert "10.0.1.10" in run(sh, "(Get-ClusterResource 'Cluster IP Address' | Get-ClusterParameter Address).Value")
    run(sh, "Stop-ClusterGroup DC01")
    assert sh.ctx.cluster.vm("DC01").state.value == "Saved", "the default: saved"
    run(sh, "Get-ClusterResource 'Virtual Machine SQL01' | Set-ClusterParameter OfflineAction 0")
    assert "OfflineAction : 0" in run(sh, "Get-ClusterResource 'Virtual Machine SQL01' | Format-List OfflineAction")
    run(sh, "Stop-ClusterGroup SQL01")
    assert sh.ctx.cluster.vm("SQL01").state.value == "Off", "turned off, not saved"
    bad = sh.run("Get-ClusterResource 'Cluster Name' | Set-ClusterParameter DnsName other")
    assert "read-only in this lab" in bad.errors[0].message
    bad = sh.run("Get-ClusterResource 'Virtual Machine SQL01' | Set-ClusterParameter OfflineAction 7")
    assert "OfflineAction must be 0" in bad.errors[0].message
    assert "Pipe a resource" in sh.run("Get-ClusterParameter").errors[0].message
    c = sh.ctx.cluster
    before = c.vm("SQL02").restarts
    run(sh, "Get-ClusterResource 'Virtual Machine SQL02' | Set-ClusterParameter OfflineAction 2")
    run(sh, "Move-ClusterGroup SQL02")
    assert c.vm("SQL02").state.value == "Running" and c.vm("SQL02").restarts == before + 1, "shut down, cold boot"


def test_get_winevent_reads_the_cluster_events_of_the_system_log_newest_first() -> None:
    """§10: troubleshooting a lost node from the console, as on a real node."""
    sh = shell()
    run(sh, "Invoke-LabFault -Node HV02 -Crash")
    run(sh, "Start-Sleep 30")
    text = run(
        sh, "Get-WinEvent -FilterHashtable @{LogName='System'; Id=1135} | Format-List Id, LevelDisplayName, Message"
    )
    assert "Id               : 1135" in text and "Cluster node 'HV02' was removed" in text
    newest = run(sh, "(Get-WinEvent -LogName System -MaxEvents 1).Id").strip()
    oldest = run(sh, "(Get-WinEvent -LogName System -Oldest -MaxEvents 1).Id").strip()
    assert newest != oldest and newest.isdigit() and oldest.isdigit()
    assert run(sh, "(Get-WinEvent -FilterHashtable @{LogName='System'; Level=1}).Count").strip() == "1", "one Critical"
    none = sh.run("Get-WinEvent -FilterHashtable @{LogName='System'; Id=9999}")
    assert none.errors[0].error_id.startswith("NoMatchingEventsFound,Microsoft.PowerShell.Commands")
    assert "This lab keeps two" in sh.run("Get-WinEvent -LogName Application").errors[0].message


def test_test_cluster_resource_failure_runs_the_restart_policy() -> None:
    """§3.3: the simulated failure is a real one to the cluster — 1069, then a restart in place."""
    sh = shell()
    assert "Failed" in run(sh, "Test-ClusterResourceFailure 'Virtual Machine SQL01'")
    run(sh, "Start-Sleep 60")
    assert "Online" in run(sh, "(Get-ClusterResource 'Virtual Machine SQL01').State")
    assert "1069" in run(sh, "(Get-WinEvent -FilterHashtable @{LogName='System'; Id=1069}).Id")
    assert sh.ctx.cluster.group("SQL01").owner == "HV02", "restarted on its node, not failed over"


def test_resource_dependencies_follow_the_roles_resources() -> None:
    """§3.5: a network name needs its IP address; a VM resource comes online after its configuration."""
    sh = shell()
    text = run(sh, "Get-ClusterResourceDependency 'Cluster Name'")
    assert re.search(r"Cluster Name\s+\(\[Cluster IP Address\]\)", text), text
    text = run(sh, "Get-ClusterGroup SQL01 | Get-ClusterResource | Get-ClusterResourceDependency")
    assert "Virtual Machine SQL01               ([Virtual Machine Configuration SQL01])" in text
    assert "nothing" in sh.run("Get-ClusterResourceDependency nothing").errors[0].message


def test_excluding_the_live_migration_network_moves_live_migration_to_the_others() -> None:
    """[S29]: the Virtual Machine resource type's MigrationExcludeNetworks; a migration running over a
    network that gets excluded fails and the VM keeps running where it was (§5.4)."""
    sh = shell(blocking=False)
    c = sh.ctx.cluster
    lm = run(sh, "(Get-ClusterNetwork LiveMigration).Id").strip()
    order = "(Get-ClusterResourceType 'Virtual Machine' | Get-ClusterParameter MigrationNetworkOrder).Value"
    assert run(sh, order).strip() == lm, "the default lab migrates over LiveMigration only"
    run(sh, "Move-ClusterVirtualMachineRole SQL01 -Node HV03 -MigrationType Live")
    c.advance(5)
    run(sh, f"Get-ClusterResourceType 'Virtual Machine' | Set-ClusterParameter MigrationExcludeNetworks {lm}")
    c.advance(5)
    failed = c.migrations()[-1]
    assert failed.state == "Failure" and "excluded from live migration" in failed.failure
    assert c.vm("SQL01").host == "HV02" and c.vm("SQL01").state.value == "Running"
    assert lm not in run(sh, order)
    run(sh, "Move-ClusterVirtualMachineRole SQL01 -Node HV03 -MigrationType Live")
    c.advance(600)
    assert c.vm("SQL01").host == "HV03", "over Management and Cluster instead"
    assert (
        "At least one network"
        in sh.run(
            "Get-ClusterResourceType 'Virtual Machine' | Set-ClusterParameter MigrationExcludeNetworks "
            "'Management;Cluster;LiveMigration'"
        )
        .errors[0]
        .message
    )


# the command line -------------------------------------------------------------------------


def test_clusterlab_shell_exit_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["shell", "-c", "Get-ClusterNode HV01"]) == 0
    assert "HV01" in capsys.readouterr().out
    assert main(["shell", "-c", "Get-ClusterNode HV09; Get-ClusterNode HV01"]) == 1
    captured = capsys.readouterr()
    assert "HV09" in captured.err and "HV01" in captured.out
    script = tmp_path / "drill.ps1"
    script.write_text("# a drill\nInvoke-LabFault -Node HV02 -Crash\nStart-Sleep -Seconds 30\nGet-ClusterNode HV02\n")
    assert main(["shell", str(script)]) == 0
    assert "Isolated" in capsys.readouterr().out  # §7.3: 2022 waits out the resiliency period


def test_microsoft_docs_examples_script() -> None:
    """Commands copied from Microsoft's cmdlet docs run with the documented effect and shape."""
    script = (ROOT / "tests" / "scripts" / "ms-docs-examples.ps1").read_text(encoding="utf-8")
    sh = shell()
    outputs = [sh.run(line) for line in script.splitlines() if line.strip() and not line.startswith("#")]
    bad = [r.text() for r in outputs if not r.ok]
    assert not bad, bad
    c = sh.cluster
    assert c.quorum().witness_type == "FileShare"
    assert c.group("SQL01").preferred_owners == ("HV03", "HV02")
    assert c.node("HV04").node_weight == 0


# fuzzing ------------------------------------------------------------------------------------

# fmt: off
TOKENS = [
    "Get-ClusterNode", "Get-ClusterGroup", "Move-ClusterGroup", "Stop-ClusterNode", "Start-ClusterNode",
    "Suspend-ClusterNode", "Invoke-LabFault", "Repair-LabFault", "Set-ClusterQuorum", "Where-Object",
    "Select-Object", "Sort-Object", "ft", "fl", "?", "%", "-Name", "-Node", "-Crash", "-Witness", "-All", "-FQ",
    "-Seconds", "Start-Sleep", "HV01", "HV02", "HV09", "SQL01", "'Cluster Group'", "|", ";", "(", ")", "{", "}",
    "$_", "$_.Name", "$x", "=", "-eq", "-like", "-and", "-not", ",", "@(", "@{", "'", '"', "1", "60", "-1",
    "*", "(Get-Cluster).DynamicQuorum", "\n", ".", "-Partition", "'HV01,HV02','HV03,HV04'",
]
# fmt: on


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=14))
def test_token_soups_only_produce_console_errors(tokens: list[str]) -> None:
    sh = Shell(Cluster(SPEC), width=100)
    result = sh.run(" ".join(tokens))
    internal = [e for e in result.errors if "clusterlab could not run" in e.message]
    assert not internal, internal[0].message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_only_produces_console_errors(text: str) -> None:
    result = Shell(Cluster(SPEC)).run(text)
    assert not [e for e in result.errors if "clusterlab could not run" in e.message]


def test_network_interfaces_follow_cuts_power_and_the_cockpit_reads_the_same_rule() -> None:
    """Get-ClusterNetworkInterface and the cockpit's Networks view share one rule (interface_state)."""
    from clusterlab.shell.cmdlets.cluster import interface_state

    sh = shell()
    c = sh.cluster
    run(sh, "Invoke-LabFault -Node HV02 -Isolate -Network Cluster")
    run(sh, "Start-Sleep 10")
    out = run(sh, "Get-ClusterNetworkInterface -Node HV02")
    assert "HV02 - Cluster" in out and "Unreachable" in out
    snap = c.snapshot()
    states = {net.name: interface_state(snap.node("HV02"), net) for net in snap.networks}
    assert states == {"Management": "Up", "Cluster": "Unreachable", "LiveMigration": "Up"}
    run(sh, "(Get-ClusterNetwork LiveMigration).Role = 0")
    assert "None" in run(sh, "Get-ClusterNetwork LiveMigration")
    run(sh, "Invoke-LabFault -Node HV03 -SwitchUplink External")
    assert c.snapshot().node("HV03").switches_down == ("External",)
    run(sh, "Repair-LabFault -Node HV03")
    assert c.snapshot().node("HV03").switches_down == ()
