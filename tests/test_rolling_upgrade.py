"""§9.1 Cluster OS Rolling Upgrade: evict, reinstall, add back, mixed-OS mode, functional level,
VM configuration version — the refusal paths assert what really happened (or did not)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from clusterlab.lab import load_lab
from clusterlab.lab.problems import LabError
from clusterlab.shell import Shell
from clusterlab.sim import (
    Cluster,
    ClusterSpec,
    CsvSpec,
    InvalidArgumentError,
    InvalidStateError,
    NodeSpec,
    ObjectNotFoundError,
    Priority,
    QuorumError,
    QuorumSpec,
    VmSpec,
    WitnessSpec,
    WitnessType,
)
from clusterlab.sim.profiles import OS_INSTALL_S, QUARANTINE_THRESHOLD
from tests.builders import build, count, names

DETECT_2012R2 = 11.0  # §2.2: 10 × 1 s on 2012 R2/2016, one second more


def cluster(
    n: int = 4,
    *,
    os: str = "2012R2",
    node_os: Mapping[str, str] | None = None,
    servers: Sequence[NodeSpec] = (),
    witness: bool = True,
    dynamic: bool = True,
    vms: Sequence[VmSpec] = (),
) -> Cluster:
    node_os = node_os or {}
    return Cluster(
        ClusterSpec(
            os=os,
            nodes=tuple(NodeSpec(x, os=node_os.get(x)) for x in names(n)),
            quorum=QuorumSpec(
                WitnessSpec(WitnessType.FILE_SHARE, r"\\FS01\W") if witness else WitnessSpec(),
                dynamic_quorum=dynamic,
            ),
            csvs=(CsvSpec("CSV1"),),
            vms=tuple(vms),
            servers=tuple(servers),
        )
    )


def vm(name: str, owner: str, prio: Priority = Priority.MEDIUM) -> VmSpec:
    return VmSpec(name, memory_gb=8, owner=owner, csv="CSV1", priority=prio)


def upgrade(c: Cluster, node: str, os_name: str = "2016") -> None:
    """Drain, evict, reinstall and add back one node (§9.1 steps 1–3)."""
    c.drain_node(node)
    c.advance(120)
    c.remove_node(node)
    c.install_node_os(node, os_name)
    c.advance(OS_INSTALL_S + 1)
    c.add_node(node)
    c.advance(30)


# evicting (Remove-ClusterNode) -------------------------------------------------------------


def test_evicting_a_node_that_hosts_roles_is_refused_and_changes_nothing() -> None:
    c = cluster(vms=[vm("DC01", "HV01")])
    with pytest.raises(InvalidStateError, match=r"hosting clustered roles \(DC01\).*Suspend-ClusterNode"):
        c.remove_node("HV01")
    assert c.node_names() == names(4)
    assert c.vm("DC01").host == "HV01" and c.vm("DC01").state.value == "Running"
    assert count(c, 1011) == 0


def test_force_moves_the_roles_away_then_evicts() -> None:
    c = cluster(vms=[vm("DC01", "HV01")])
    c.remove_node("HV01", force=True)
    c.advance(120)
    assert "HV01" not in c.node_names()
    assert c.vm("DC01").state.value == "Running" and c.vm("DC01").host != "HV01"
    assert count(c, 1011) == 1 and count(c, 4621) == 1


def test_evicting_the_last_node_is_refused() -> None:
    c = cluster(2, witness=False)
    c.drain_node("HV02")
    c.advance(60)
    c.remove_node("HV02")
    assert c.node_names() == ["HV01"]
    with pytest.raises(InvalidStateError, match="last node"):
        c.remove_node("HV01")
    assert c.node_names() == ["HV01"] and c.quorum().state == "Up"


def test_evicting_a_node_that_would_cost_quorum_is_refused() -> None:
    # static votes (§1.5): HV01 is down; evicting HV02 leaves HV03's 1 of HV01 + HV03's 2 votes.
    c = cluster(3, witness=False, dynamic=False)
    c.crash_node("HV01")
    c.advance(DETECT_2012R2 + 5)
    assert c.node("HV01").state.value == "Down" and c.quorum().state == "Up"
    with pytest.raises(QuorumError, match="lose quorum"):
        c.remove_node("HV02")
    assert c.node_names() == names(3) and c.node("HV02").state.value == "Up"


def test_a_down_node_can_be_evicted_and_its_vote_leaves_the_arithmetic() -> None:
    c = cluster(3, witness=False, dynamic=False)
    c.crash_node("HV03")
    c.advance(DETECT_2012R2 + 5)
    assert (c.quorum().votes, c.quorum().total) == (2, 3)
    c.remove_node("HV03")
    assert (c.quorum().votes, c.quorum().total) == (2, 2)
    assert count(c, 1011) == 1 and "HV03" not in c.node_names()
    assert count(c, 4621) == 0, "a powered-off node cannot clean up yet"
    assert any(e.name == "NodeCleanupPending" and e.source == "HV03" for e in c.events)


def test_eviction_leaves_preferred_and_possible_owner_lists() -> None:
    spec_vm = VmSpec(
        "SQL01", owner="HV02", csv="CSV1", preferred_owners=("HV01", "HV02"), possible_owners=("HV01", "HV02", "HV03")
    )
    c = cluster(vms=[spec_vm])
    c.drain_node("HV01")
    c.advance(60)
    c.remove_node("HV01")
    assert c.group("SQL01").preferred_owners == ("HV02",)
    res = next(r for r in c.snapshot().resources if r.group == "SQL01")
    assert res.possible_owners == ("HV02", "HV03")
    with pytest.raises(ObjectNotFoundError):
        c.node("HV01")


# reinstall and add back ------------------------------------------------------------------


def test_a_cluster_node_cannot_be_reinstalled_in_place() -> None:
    c = cluster()
    with pytest.raises(InvalidStateError, match="evict it first"):
        c.install_node_os("HV01", "2016")
    with pytest.raises(InvalidArgumentError, match="Unknown Windows Server release"):
        c.install_node_os("HV05", "2017")
    assert c.servers() == ()


def test_first_up_level_node_puts_the_cluster_in_mixed_mode_and_takes_the_core_group() -> None:
    c = cluster(vms=[vm("DC01", "HV02")])
    upgrade(c, "HV01")
    s = c.snapshot()
    assert s.node("HV01").os == "2016" and s.node("HV01").state.value == "Up"
    assert s.node("HV01").id == 5, "a node added back gets a new node ID"
    assert (s.functional_level, s.os, s.mixed_mode) == (8, "2012R2", True)
    assert count(c, 1548) == 1
    assert c.group("Cluster Group").owner == "HV01"
    assert not c.profile.compute_resiliency, "new features stay off in mixed mode"


def test_add_refuses_a_node_more_than_one_release_up_or_below_the_level() -> None:
    c = cluster()
    c.drain_node("HV04")
    c.advance(60)
    c.remove_node("HV04")
    c.install_node_os("HV04", "2019")
    c.advance(OS_INSTALL_S + 1)
    with pytest.raises(InvalidStateError, match="more than one release above"):
        c.add_node("HV04")
    assert "HV04" not in c.node_names() and c.servers()[0].state == "Ready"

    c16 = cluster(os="2016", servers=[NodeSpec("HV05", os="2012R2")])
    with pytest.raises(InvalidStateError, match="older than the cluster functional level"):
        c16.add_node("HV05")

    c12 = cluster(os="2012", servers=[NodeSpec("HV05", os="2012R2")])
    with pytest.raises(InvalidStateError, match="starts with Windows Server 2012 R2"):
        c12.add_node("HV05")


def test_mixed_mode_is_reversible_a_down_level_node_may_come_back() -> None:
    c = cluster()
    upgrade(c, "HV01")
    upgrade(c, "HV02", os_name="2012R2")  # reinstalled with the old release: allowed while mixed
    assert c.node("HV02").os == "2012R2" and c.node("HV02").state.value == "Up"
    assert c.mixed_mode


def test_a_server_still_installing_cannot_be_added() -> None:
    c = cluster()
    c.drain_node("HV04")
    c.advance(60)
    c.remove_node("HV04")
    c.install_node_os("HV04", "2016")
    with pytest.raises(InvalidStateError, match="still being installed"):
        c.add_node("HV04")
    with pytest.raises(ObjectNotFoundError):
        c.add_node("HV09")


# Update-ClusterFunctionalLevel -------------------------------------------------------------


def test_level_update_with_a_down_node_is_refused_with_1664_naming_it() -> None:
    c = cluster(node_os={n: "2016" for n in names(4)})
    assert c.mixed_mode and c.functional_level == 8
    c.crash_node("HV03")
    c.advance(DETECT_2012R2 + 5)
    with pytest.raises(InvalidStateError, match="HV03 is Down"):
        c.update_functional_level()
    assert c.functional_level == 8 and c.profile.name == "2012R2"
    assert count(c, 1664) == 1 and count(c, 1594) == 0


def test_what_if_checks_without_changing_or_logging() -> None:
    c = cluster(node_os={n: "2016" for n in names(4)})
    assert c.update_functional_level(what_if=True) == (8, 9)
    assert c.functional_level == 8 and count(c, 1594) == 0 and count(c, 1664) == 0


def test_level_update_switches_the_behaviour_to_the_new_release() -> None:
    c = cluster(node_os={n: "2016" for n in names(4)})
    assert "Storage Qos Resource" not in [r.name for r in c.snapshot().resources]
    assert c.update_functional_level() == (8, 9)
    assert count(c, 1594) == 1
    s = c.snapshot()
    assert (s.functional_level, s.os, s.mixed_mode) == (9, "2016", False)
    assert c.quorum().quorum_type == "Majority", "2016 wording (§1.2)"
    assert c.auto_balancer[0] == 2, "VM load balancing is on (§3.11)"
    assert "Storage Qos Resource" in [r.name for r in s.resources]
    with pytest.raises(InvalidStateError, match="already 9"):
        c.update_functional_level()


def test_compute_resiliency_quarantine_starts_only_at_the_new_level() -> None:
    def crash_three_times(c: Cluster) -> None:
        for _ in range(QUARANTINE_THRESHOLD):
            c.crash_node("HV04")
            c.advance(60)
            c.repair_node("HV04")
            c.advance(300)

    mixed = cluster(node_os={n: "2016" for n in names(4)})
    crash_three_times(mixed)
    assert count(mixed, 1672) == 0 and mixed.node("HV04").state.value == "Up"
    raised = cluster(node_os={n: "2016" for n in names(4)})
    raised.update_functional_level()
    crash_three_times(raised)
    assert count(raised, 1672) == 1 and raised.node("HV04").state.value == "Quarantined"


# Update-VMVersion ------------------------------------------------------------------------


def test_vm_version_refusals_and_update() -> None:
    c = cluster(node_os={n: "2016" for n in names(4)}, vms=[vm("DC01", "HV01")])
    assert c.vm("DC01").version == "5.0"
    with pytest.raises(InvalidStateError, match="is Running: shut it down first"):
        c.update_vm_version("DC01")
    c.stop_group("DC01", "save")
    c.advance(60)
    with pytest.raises(InvalidStateError, match="is Saved"):
        c.update_vm_version("DC01")
    c.start_group("DC01")
    c.advance(60)
    c.stop_group("DC01", "shutdown")
    c.advance(60)
    assert c.vm("DC01").state.value == "Off"
    with pytest.raises(InvalidStateError, match="Update-ClusterFunctionalLevel first"):
        c.update_vm_version("DC01")
    assert c.vm("DC01").version == "5.0"
    c.update_functional_level()
    assert c.update_vm_version("DC01") == ("5.0", "8.0")
    assert c.vm("DC01").version == "8.0"
    with pytest.raises(InvalidStateError, match=r"already at configuration version 8\.0"):
        c.update_vm_version("DC01")


# the console -------------------------------------------------------------------------------


def test_console_errors_are_records_and_versions_are_per_node() -> None:
    c = cluster(vms=[vm("DC01", "HV01")])
    sh = Shell(c, width=120)
    r = sh.run("Remove-ClusterNode -Name HV01")
    assert not r.ok and "Remove-ClusterNode : Node 'HV01' is hosting clustered roles" in r.text()
    assert "Traceback" not in r.text()
    r = sh.run("Update-ClusterFunctionalLevel")
    assert not r.ok and "not available on Windows Server 2012 R2" in r.text()
    assert sh.run("Suspend-ClusterNode HV01 -Drain -Wait; Remove-ClusterNode HV01").ok
    assert sh.run("Install-LabNodeOS -Name HV01 -OS 2016 -Wait").ok
    r = sh.run("Add-ClusterNode HV01 -Wait 60")
    assert r.ok, r.text()
    out = sh.run("Get-ClusterNode | Format-Table Name, MajorVersion, BuildNumber").text()
    assert "HV01           10       14393" in out and "HV02            6        9600" in out
    assert "ClusterFunctionalLevel : 8" in sh.run("Get-Cluster | Format-List ClusterFunctionalLevel").text()
    # managed from the up-level node (§9.1): the 2016 cmdlet exists and says what blocks it
    r = sh.run("Update-ClusterFunctionalLevel")
    assert not r.ok and "HV02, HV03, HV04 still run Windows Server 2012 R2" in r.text()
    r = sh.run("Install-LabNodeOS -Name HV02 -OS 2017")
    assert not r.ok and "2017" in r.text() and "Traceback" not in r.text()
    assert "Version" in sh.run("Get-VM").text(), "the 2016 console shows the Version column (§11.7)"


def test_lab_nodes_may_start_mid_upgrade_but_not_two_releases_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "mixed.yaml"
    good.write_text(
        "format: 1\nos: 2012R2\ncluster:\n  nodes: [HV01, {name: HV02, os: 2016}]\n"
        "  servers: [{name: HV03, os: 2016}]\n"
        "steps:\n  - expect: {cluster: {functional_level: 8, mixed_mode: true, nodes: [HV01, HV02]}}\n"
        "  - run: Add-ClusterNode HV03 -Wait 60\n"
        "  - expect: {all: [{node: HV03, state: Up, os: 2016}, {cluster: {nodes: [HV01, HV02, HV03]}}]}\n"
    )
    lab = load_lab(good)
    c = Cluster(lab.spec)
    assert c.mixed_mode and [s.name for s in c.servers()] == ["HV03"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nos: 2012R2\ncluster:\n  nodes: [HV01, {name: HV02, os: 2019}]\n")
    with pytest.raises(LabError) as err:
        load_lab(bad)
    assert "cluster.nodes[1].os" in str(err.value) and "more than one release above" in str(err.value)


def test_snapshot_carries_node_os_level_and_servers() -> None:
    c = build(3, os="2019")
    s = c.snapshot()
    assert {n.os for n in s.nodes} == {"2019"} and s.functional_level == 10 and not s.mixed_mode
    assert s.servers == ()


def test_a_node_evicted_while_off_boots_as_a_server_and_can_come_back() -> None:
    c = cluster()
    c.crash_node("HV04")
    c.advance(DETECT_2012R2 + 5)
    c.remove_node("HV04")
    assert c.servers()[0].state == "PoweredOff"
    with pytest.raises(InvalidStateError, match="powered off"):
        c.add_node("HV04")
    c.power_on_node("HV04")
    assert c.servers()[0].state == "Booting"
    with pytest.raises(InvalidStateError, match="still being installed or booting"):
        c.add_node("HV04")
    c.advance(200)
    assert c.servers()[0].state == "Ready"
    c.add_node("HV04")
    c.advance(30)
    assert c.node("HV04").state.value == "Up" and not c.mixed_mode


def test_a_node_added_right_after_an_eviction_waits_for_add_evict_delay() -> None:
    c = cluster()
    c.drain_node("HV04")
    c.advance(60)
    c.remove_node("HV04")
    c.advance(10)
    c.add_node("HV04")  # §2.3 AddEvictDelay 60 s: its ClusSvc waits 50 s more
    c.advance(45)
    assert c.node("HV04").state.value == "Down" and c.node("HV04").clussvc == "Stopped"
    c.advance(15)
    assert c.node("HV04").state.value == "Up"


def test_get_cluster_works_after_the_level_is_raised_to_2016() -> None:
    """The 2016 heartbeat settings (CrossSiteDelay/Threshold) arrive with the level (§2.2)."""
    from clusterlab.lab import load_lab_text
    from clusterlab.shell import Shell
    from clusterlab.sim import Cluster

    lab = load_lab_text(
        'format: 1\nos: "2012R2"\ncluster:\n  nodes: [{name: HV01, os: 2016}, {name: HV02, os: 2016}]\n', "x"
    )
    shell = Shell(Cluster(lab.spec), blocking=False)
    assert not shell.run("Update-ClusterFunctionalLevel").errors
    out = shell.run("Get-Cluster | Format-List ClusterFunctionalLevel, CrossSiteDelay, CrossSiteThreshold")
    assert not out.errors
    assert "ClusterFunctionalLevel : 9" in out.output and "CrossSiteThreshold     : 20" in out.output
