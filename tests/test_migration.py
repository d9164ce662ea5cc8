"""Live migration timing (§5.1, §5.3): memory size, dirty rate, bandwidth and the performance option."""

from __future__ import annotations

import pytest

from clusterlab.sim import Cluster, ClusterSpec, NetworkRole, NetworkSpec, NodeSpec, VmSpec


def migrate(
    memory_gb: float = 16, dirty_mb_s: float = 20, gbps: float = 10, option: str | None = None, os: str = "2022"
) -> tuple[float, int, float]:
    """(seconds, passes, blackout downtime) of one live migration HV01 -> HV02."""
    spec = ClusterSpec(
        os=os,
        nodes=(NodeSpec("HV01"), NodeSpec("HV02"), NodeSpec("HV03")),
        networks=(NetworkSpec("Management"), NetworkSpec("LM", NetworkRole.CLUSTER, live_migration=True, gbps=gbps)),
        vms=(VmSpec("VM1", memory_gb=memory_gb, owner="HV01", dirty_mb_s=dirty_mb_s),),
    )
    c = Cluster(spec)
    if option:
        c.set_vm_host("HV01", option=option)
        c.set_vm_host("HV02", option=option)
    c.live_migrate("VM1", "HV02")
    while c.group("VM1").owner != "HV02":
        nxt = c.next_event_time()
        assert nxt is not None
        c.run_until(nxt)
    m = c.migrations()[-1]
    assert m.started is not None and m.finished is not None
    return m.finished - m.started, m.passes, c.vm("VM1").downtime_at(c.now)


def test_bigger_vms_take_longer() -> None:
    assert migrate(memory_gb=64)[0] > 3 * migrate(memory_gb=4)[0]


def test_busier_vms_take_more_passes_and_longer() -> None:
    idle, busy = migrate(dirty_mb_s=1), migrate(dirty_mb_s=400)
    assert busy[1] > idle[1]
    assert busy[0] > idle[0]
    assert busy[2] > idle[2], "a busy VM carries more into the blackout"


def test_a_vm_dirtying_memory_faster_than_the_link_stops_after_the_last_pre_copy_pass() -> None:
    """§5.1: at most 5 pre-copy passes (2012 R2+); the blackout that follows is not a sixth."""
    _took, passes, downtime = migrate(memory_gb=16, dirty_mb_s=4000, gbps=10)
    assert passes == 5
    assert downtime > 1, "what was still dirty moves during the blackout"


def test_more_bandwidth_is_faster() -> None:
    assert migrate(gbps=1, option="TCPIP")[0] > 5 * migrate(gbps=10, option="TCPIP")[0]


def test_compression_helps_on_a_slow_link_smb_uses_the_link_as_is() -> None:
    assert migrate(gbps=1, option="Compression")[0] < migrate(gbps=1, option="TCPIP")[0]
    assert migrate(gbps=25, option="SMB")[0] < migrate(gbps=25, option="Compression")[0]


def test_blackout_is_milliseconds_for_a_quiet_vm() -> None:
    assert migrate(dirty_mb_s=5)[2] < 0.5


@pytest.mark.parametrize(("os", "running_at_once"), [("2019", 2), ("2022", 1)])
def test_simultaneous_limit_per_profile(os: str, running_at_once: int) -> None:
    spec = ClusterSpec(
        os=os,
        nodes=(NodeSpec("HV01"), NodeSpec("HV02"), NodeSpec("HV03")),
        vms=tuple(VmSpec(f"VM{i}", memory_gb=16, owner="HV01") for i in range(1, 4)),
    )
    c = Cluster(spec)
    for i in range(1, 4):
        c.live_migrate(f"VM{i}", "HV02")
    c.advance(2)
    active = [m for m in c.migrations() if m.state in ("Setup", "DataTransfer", "Move")]
    assert len(active) == running_at_once


def test_storage_migration_progress_follows_the_hosts_io_mode() -> None:
    """A 60 GB copy at 0.5 GB/s is half done after 60 s; when the host loses its path to the
    source CSV its I/O goes block redirected and the rest copies at half speed (§4.3, §5.6)."""
    from clusterlab.lab import default_lab_path, load_lab

    c = Cluster(load_lab(default_lab_path()).spec)
    c.storage_migrate("SQL01", "CSV2")
    c.advance(60)
    (m,) = c.storage_migrations()
    assert (m.kind, m.state, m.source, m.target, m.percent, m.rate_gbps) == (
        "Storage",
        "Copying",
        "CSV1",
        "CSV2",
        50.0,
        0.5,
    )
    c.lose_storage_path("HV02", "CSV1")
    c.advance(60)
    (m,) = c.storage_migrations()
    assert (m.percent, m.gb_left, m.rate_gbps) == (75.0, 15.0, 0.25)
    c.advance(60)
    (m,) = c.storage_migrations()
    assert (m.state, m.finished, m.percent) == ("Done", 180.0, 100.0)
    assert c.snapshot().vm("SQL01").csv == "CSV2"
    assert c.storage_migrations(finished=0) == ()
