"""The cockpit re-snapshots only the groups, resources and VMs that changed (``Cluster.snapshot``
reuses the rest). Whatever a learner does, that snapshot must equal one built afresh."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.shell.session import Shell
from clusterlab.sim import Cluster

NODES = ["HV01", "HV02", "HV03", "HV04"]
ROLES = ["DC01", "SQL01", "SQL02", "FS01", "APP01", "WEB01", "TEST01"]

command = st.one_of(
    st.sampled_from(NODES).map(lambda n: f"Invoke-LabFault -Node {n} -Crash"),
    st.sampled_from(NODES).map(lambda n: f"Start-LabNode -Name {n}"),
    st.sampled_from(NODES).map(lambda n: f"Suspend-ClusterNode -Name {n} -Drain"),
    st.sampled_from(NODES).map(lambda n: f"Resume-ClusterNode -Name {n} -Failback Immediate"),
    st.sampled_from(NODES).map(lambda n: f"Stop-ClusterNode -Name {n}"),
    st.sampled_from(NODES).map(lambda n: f"Start-ClusterNode -Name {n}"),
    st.sampled_from(NODES).map(lambda n: f"Invoke-LabFault -Node {n} -Isolate"),
    st.sampled_from(NODES).map(lambda n: f"Repair-LabFault -Node {n}"),
    st.tuples(st.sampled_from(ROLES), st.sampled_from(NODES)).map(
        lambda a: f"Move-ClusterVirtualMachineRole -Name {a[0]} -Node {a[1]}"
    ),
    st.tuples(st.sampled_from(ROLES), st.sampled_from(NODES)).map(
        lambda a: f"Move-ClusterVirtualMachineRole -Name {a[0]} -Node {a[1]} -MigrationType Quick"
    ),
    st.tuples(st.sampled_from(ROLES), st.sampled_from(["CSV1", "CSV2"])).map(
        lambda a: f"Move-VMStorage -VMName {a[0]} -DestinationStoragePath C:\\ClusterStorage\\{a[1]}\\{a[0]}"
    ),
    st.sampled_from(ROLES).map(lambda r: f"Stop-ClusterGroup -Name {r}"),
    st.sampled_from(ROLES).map(lambda r: f"Start-ClusterGroup -Name {r}"),
    st.sampled_from(ROLES).map(lambda r: f"Add-ClusterVMMonitoredItem -VirtualMachine {r} -Service Spooler"),
    st.sampled_from(ROLES).map(lambda r: f"Invoke-LabFault -Resource 'Virtual Machine {r}'"),
    st.tuples(st.sampled_from(ROLES), st.sampled_from(NODES)).map(
        lambda a: f"Set-ClusterOwnerNode -Resource 'Virtual Machine {a[0]}' -Owners {a[1]}"
    ),
    st.just("Invoke-LabFault -Witness"),
    st.just("Repair-LabFault -Witness"),
    st.just("Invoke-CauRun -Force -Wait 0"),
    st.just("Invoke-LabFault -Partition HV01,HV02"),
    st.just("Repair-LabFault -All"),
)
step = st.tuples(command, st.sampled_from([0.0, 1.0, 5.0, 21.0, 60.0, 600.0]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=25))
def test_the_reused_snapshot_equals_a_fresh_one(steps: list[tuple[str, float]]) -> None:
    c = Cluster(load_lab(default_lab_path()).spec)
    shell = Shell(c, blocking=False)
    assert c.snapshot() == c.snapshot(cached=False)
    for line, wait in steps:
        shell.run(line)
        c.advance(wait)
        reused = c.snapshot()
        fresh = c.snapshot(cached=False)
        assert reused == fresh, f"after {line!r} and {wait} s"
        # node figures are counted in one pass over the VMs: the same as asking node by node
        for n in fresh.nodes:
            assert n.memory_used_gb == c._w.node_memory_used(n.name), (n.name, line)


def test_a_vm_that_keeps_running_keeps_its_snapshot_and_its_uptime_grows() -> None:
    c = Cluster(load_lab(default_lab_path()).spec)
    c.advance(600)
    first = c.snapshot()
    c.advance(60)
    second = c.snapshot()
    before, after = first.vm("DC01"), second.vm("DC01")
    assert after is before  # nothing about it changed: the same snapshot object
    assert after.uptime_at(second.time) == before.uptime_at(first.time) + 60
    assert c.vm("DC01") == after
