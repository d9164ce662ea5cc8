"""§3 role behaviour beyond the scenario labs in tests/scenarios/: placement explanations,
starting and stopping, possible owners, enforced anti-affinity, memory-aware placement, preemption."""

from __future__ import annotations

import pytest

from clusterlab.sim import Priority, VmSpec
from clusterlab.sim.profiles import VM_BOOT_S
from clusterlab.sim.spec import FailbackSpec
from tests.builders import DETECT, build, count, crash


def vm(name: str, owner: str, mem: float = 8, prio: Priority = Priority.MEDIUM, **kw: object) -> VmSpec:
    return VmSpec(name, memory_gb=mem, owner=owner, priority=prio, csv="CSV1", **kw)  # type: ignore[arg-type]


def starts(c, group: str) -> list[float]:  # type: ignore[no-untyped-def]
    return [e.time for e in c.events if e.event_id == 1201 and e.source == group]


# cold restart and downtime -------------------------------------------------------------


def test_failed_over_vm_restarts_cold_and_accounts_its_downtime() -> None:
    c = build(3, vms=[vm("APP01", "HV01")])
    c.crash_node("HV01")
    c.advance(1)
    assert c.vm("APP01").state.value == "Off", "the VM died with its host"
    assert c.group("APP01").state.value == "Online", "the cluster has not noticed yet"
    c.advance(DETECT)
    assert c.vm("APP01").state.value == "Starting" and c.vm("APP01").host != "HV01"
    c.advance(VM_BOOT_S)
    v = c.vm("APP01")
    assert v.state.value == "Running"
    assert v.downtime_at(c.now) == pytest.approx(20 + VM_BOOT_S), "detection delay plus a cold boot"
    assert v.restarts == 1


# priority ------------------------------------------------------------------------------


# preferred and possible owners ---------------------------------------------------------


def test_failover_goes_to_the_next_node_in_the_list_not_back_to_the_top() -> None:
    # §3.6: list A,C,E,B,D,F; owner C fails -> E; E fails -> B
    order = ["HV01", "HV03", "HV05", "HV02", "HV04", "HV06"]
    c = build(6, vms=[vm("SQL01", "HV03", preferred_owners=tuple(order))])
    crash(c, "HV03", settle=60)
    assert c.group("SQL01").owner == "HV05"
    crash(c, "HV05", settle=60)
    assert c.group("SQL01").owner == "HV02"
    why = c.group("SQL01").last_placement
    assert why is not None and "next in list" in why.text()


def test_manual_move_to_best_possible_node_starts_from_the_top() -> None:
    c = build(4, vms=[vm("SQL01", "HV03", preferred_owners=("HV02", "HV03", "HV04"))])
    c.move_group("SQL01")
    c.advance(120)
    assert c.group("SQL01").owner == "HV02"
    assert c.vm("SQL01").migrations == 1


def test_possible_owners_are_never_used_for_other_nodes() -> None:
    c = build(4, vms=[vm("LIC01", "HV01", possible_owners=("HV01", "HV04"))])
    crash(c, "HV01", settle=60)
    assert c.group("LIC01").owner == "HV04"
    why = c.group("LIC01").last_placement
    assert why is not None and "not possible owners" in why.text()
    crash(c, "HV04", settle=60)
    assert c.group("LIC01").state.value == "Offline"
    assert c.group("LIC01").status == "Waiting for resources"


def test_without_preferred_owners_the_node_with_fewest_roles_wins() -> None:
    c = build(
        4,
        vms=[
            vm("A1", "HV01"),
            vm("B1", "HV02"),
            vm("B2", "HV02"),
            vm("C1", "HV03"),
            vm("C2", "HV03"),
            vm("C3", "HV03"),
        ],
    )
    crash(c, "HV01", settle=60)
    assert c.group("A1").owner == "HV04"


# anti-affinity -------------------------------------------------------------------------


def test_anti_affinity_skips_a_node_hosting_the_same_class() -> None:
    c = build(3, vms=[vm("DC01", "HV01", anti_affinity=("dc",)), vm("DC02", "HV02", anti_affinity=("dc",))])
    crash(c, "HV01", settle=60)
    assert c.group("DC01").owner == "HV03"
    why = c.group("DC01").last_placement
    assert why is not None and "anti-affinity: HV02 hosts DC02" in why.text()


def test_enforced_anti_affinity_leaves_the_role_offline() -> None:
    c = build(
        2,
        witness="FileShare",
        enforced_anti_affinity=True,
        vms=[vm("DC01", "HV01", anti_affinity=("dc",)), vm("DC02", "HV02", anti_affinity=("dc",))],
    )
    crash(c, "HV01", settle=60)
    g = c.group("DC01")
    assert g.state.value == "Offline" and g.status == "Offline due to anti-affinity conflict"


# memory and preemption -----------------------------------------------------------------


def test_memory_aware_placement_skips_a_full_node() -> None:
    c = build(3, memory_gb=64, vms=[vm("BIG", "HV01", mem=40), vm("FILL", "HV02", mem=8), vm("HOG", "HV03", mem=50)])
    crash(c, "HV01", settle=60)
    assert c.group("BIG").owner == "HV02"
    c2 = build(3, memory_gb=64, vms=[vm("BIG", "HV01", mem=40), vm("HOG", "HV02", mem=50), vm("SMALL", "HV03", mem=4)])
    crash(c2, "HV01", settle=60)
    assert c2.group("BIG").owner == "HV03"
    assert "memory: HV02 has 14 GB free, needs 40 GB" in c2.group("BIG").last_placement.text()  # type: ignore[union-attr]


def test_high_priority_preempts_low_priority_when_nothing_fits() -> None:
    c = build(
        2,
        witness="FileShare",
        memory_gb=64,
        vms=[vm("SQL01", "HV01", mem=48, prio=Priority.HIGH), vm("TEST01", "HV02", mem=32, prio=Priority.LOW)],
    )
    crash(c, "HV01", settle=200)
    assert count(c, 1251, source="TEST01") == 1
    assert c.group("SQL01").owner == "HV02" and c.group("SQL01").state.value == "Online"
    t = c.group("TEST01")
    assert t.state.value == "Offline" and c.vm("TEST01").state.value == "Saved"
    assert c.group("SQL01").last_placement.preempted == ("TEST01",)  # type: ignore[union-attr]
    snap = c.snapshot().node("HV02")
    assert snap.memory_used_gb <= snap.memory_total_gb


def test_high_never_preempted_and_medium_cannot_preempt_medium() -> None:
    c = build(
        2,
        witness="FileShare",
        memory_gb=64,
        vms=[vm("MED1", "HV01", mem=48), vm("MED2", "HV02", mem=32)],
    )
    crash(c, "HV01", settle=200)
    assert count(c, 1251) == 0
    assert c.group("MED1").status == "Waiting for resources"


# restart policy and failover threshold -------------------------------------------------


# failback ------------------------------------------------------------------------------


def test_failback_of_many_roles_to_a_returning_node_stops_at_its_memory() -> None:
    """§3.8 Allow: every role preferring HV01 fails back when it joins — as many as its memory
    holds, High priority first; the rest stay where they are (one book for the round, updated
    as each role is placed, so the moves in flight count)."""
    allow = FailbackSpec(allow=True)
    roles = [
        vm(
            f"VM{i:02d}",
            "HV02" if i % 2 else "HV03",
            mem=40,
            prio=Priority.HIGH if i >= 3 else Priority.LOW,
            preferred_owners=("HV01",),
            failback=allow,
        )
        for i in range(5)
    ]
    c = build(3, vms=roles, memory_gb=128)
    crash(c, "HV01", settle=120)
    c.repair_node("HV01")
    c.advance(900)
    back = sorted(r.name for r in roles if c.group(r.name).owner == "HV01")
    assert len(back) == 3 and {"VM03", "VM04"} <= set(back), "120 of 128 GB: three of the five, High first"
    assert c.node("HV01").memory_used_gb <= 128


# graceful stop moves roles ---------------------------------------------------------------


def test_stop_node_quick_migrates_its_roles_before_leaving() -> None:
    c = build(3, vms=[vm("APP01", "HV01", mem=4)])
    c.stop_node("HV01")
    assert c.node("HV01").state.value == "Up", "still a member while its roles are saved"
    c.advance(60)
    assert c.node("HV01").state.value == "Down"
    assert c.group("APP01").owner != "HV01" and c.vm("APP01").state.value == "Running"
    assert c.vm("APP01").migrations == 1 and c.vm("APP01").restarts == 0, "restored from saved state"
    assert count(c, 1135) == 0, "a graceful stop is not a failure"
