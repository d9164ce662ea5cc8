"""A paused node stays paused (§6.2): "Because the paused state is persistent, a paused node that is
rebooted continues to be paused when it comes back up" (PauseClusterNode, [S3]). The manual patch
routine is therefore drain → restart → Resume-ClusterNode; only the pause that drain-on-shutdown
puts on a node for its own shutdown ends with that shutdown."""

from __future__ import annotations

from clusterlab.sim import Cluster, NodeState
from tests.builders import build, crash
from tests.test_roles import vm

MINUTES = 60


def four_nodes() -> Cluster:
    return build(4, vms=[vm("APP01", "HV02", mem=8), vm("APP02", "HV02", mem=8)], witness="FileShare")


def test_a_drained_node_restarted_for_patching_comes_back_paused_until_resumed() -> None:
    c = four_nodes()
    c.drain_node("HV02")
    c.advance(5 * MINUTES)
    assert c.node("HV02").state is NodeState.PAUSED and c.node("HV02").roles == 0
    c.shutdown_node("HV02", restart=True)
    c.advance(15 * MINUTES)
    assert c.node("HV02").state is NodeState.PAUSED, "back in the cluster, still paused"
    assert c.node("HV02").roles == 0, "nothing moves to a paused node"
    c.resume_node("HV02", failback="Immediate")
    c.advance(5 * MINUTES)
    assert c.node("HV02").state is NodeState.UP
    assert {c.group("APP01").owner, c.group("APP02").owner} == {"HV02"}, "failed back"


def test_a_restart_without_a_drain_drains_for_the_shutdown_only() -> None:
    """§6.4 drain on shutdown: the node pauses and drains itself to shut down, and is Up again after."""
    c = four_nodes()
    c.shutdown_node("HV02", restart=True)
    c.advance(15 * MINUTES)
    assert c.node("HV02").state is NodeState.UP
    assert c.group("APP01").owner != "HV02" and c.vm("APP01").downtime_at(c.now) < 1, "live-migrated first"


def test_a_paused_node_stays_paused_through_a_crash_and_a_cluster_service_restart() -> None:
    c = four_nodes()
    c.suspend_node("HV03")
    crash(c, "HV03", settle=2 * MINUTES)
    c.repair_node("HV03")
    c.advance(10 * MINUTES)
    assert c.node("HV03").state is NodeState.PAUSED
    c.stop_node("HV03")
    c.advance(2 * MINUTES)
    c.start_node("HV03")
    c.advance(2 * MINUTES)
    assert c.node("HV03").state is NodeState.PAUSED
