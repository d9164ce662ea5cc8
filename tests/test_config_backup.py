"""§9.3 cluster configuration backup and restore: what a backup holds, what each kind of restore does,
and the refusals (each asserts the real outcome)."""

from __future__ import annotations

import pytest

from clusterlab.shell import Shell
from clusterlab.sim import InvalidStateError, ObjectNotFoundError, Priority, QuorumError, VmSpec
from tests.builders import build, count


def cluster():  # type: ignore[no-untyped-def]
    return build(
        3,
        witness="FileShare",
        vms=[
            VmSpec("DC01", memory_gb=4, owner="HV01", csv="CSV1", preferred_owners=("HV01", "HV02")),
            VmSpec("SQL01", memory_gb=8, owner="HV02", csv="CSV1", priority=Priority.HIGH),
        ],
    )


def settle(c, seconds: float = 300) -> None:  # type: ignore[no-untyped-def]
    c.advance(seconds)


def test_backup_without_quorum_is_refused_with_1540_and_records_nothing() -> None:
    c = cluster()
    c.stop_cluster()
    settle(c, 120)
    assert not c.running
    with pytest.raises(QuorumError, match="1540"):
        c.backup_config("nightly")
    assert count(c, 1540) == 1
    assert c.config_backups() == ()


def test_backup_holds_configuration_not_runtime_state() -> None:
    c = cluster()
    c.set_priority("DC01", Priority.LOW)
    b = c.backup_config()
    dc = b.group("DC01")
    assert dc is not None and dc.priority == 1000 and dc.preferred_owners == ("HV01", "HV02")
    assert dc.persistent_online
    assert {g.name for g in b.groups} == {"DC01", "SQL01"}, "core groups are not roles to restore"
    assert dict(b.node_weights) == {"HV01": 1, "HV02": 1, "HV03": 1}
    assert b.witness_type.value == "FileShare" and b.label == "01/05/2026-09:00"
    assert not hasattr(dc, "owner"), "where a role runs is runtime state, not ClusDb configuration"
    assert c.backup_config().label == "01/05/2026-09:00-2", "default names stay unique"
    with pytest.raises(InvalidStateError, match="already exists"):
        c.backup_config("01/05/2026-09:00")


def test_restore_refusals() -> None:
    c = cluster()
    with pytest.raises(InvalidStateError, match="no cluster configuration backup"):
        c.restore_config("HV01")
    c.backup_config("baseline")
    with pytest.raises(ObjectNotFoundError, match="'nope' was not found"):
        c.restore_config("HV01", "nope")
    with pytest.raises(ObjectNotFoundError):
        c.restore_config("HV09", "baseline")
    c.crash_node("HV03")
    settle(c, 60)
    with pytest.raises(InvalidStateError, match="powered off"):
        c.restore_config("HV03", "baseline")
    assert count(c, 1542) == 1


def test_non_authoritative_restore_keeps_the_current_configuration() -> None:
    c = cluster()
    c.backup_config("baseline")
    c.set_preferred_owners("DC01", ["HV03"])
    sofs = c.add_file_server_role("SOFS2")
    settle(c, 30)
    c.restore_config("HV02", "baseline")
    assert c.restore_pending
    settle(c)
    assert not c.restore_pending
    assert c.node("HV02").state.value == "Up"
    assert c.group("DC01").preferred_owners == ("HV03",)
    assert c.group(sofs).state.value == "Online"
    assert [e.name for e in c.events if e.name.startswith("Config")] == [
        "ConfigBackedUp",
        "ConfigRestoredNonAuthoritative",
        "ConfigSynced",
    ]


def test_authoritative_restore_loses_later_changes_and_brings_roles_back() -> None:
    c = cluster()
    c.backup_config("baseline")
    c.set_preferred_owners("DC01", ["HV03"])
    c.set_priority("SQL01", Priority.LOW)
    c.set_dynamic_quorum(False)
    c.add_file_server_role("SOFS2")
    settle(c, 30)
    c.restore_config("HV01", "baseline", authoritative=True)
    settle(c)
    assert c.running and not c.restore_pending
    assert c.group("DC01").preferred_owners == ("HV01", "HV02")
    assert c.group("SQL01").priority == 3000
    assert c.quorum().dynamic_quorum
    assert "SOFS2" not in c.group_names()
    assert c.group("DC01").state.value == "Online" and c.group("SQL01").state.value == "Online"
    assert all(c.node(n).state.value == "Up" for n in c.node_names())
    assert count(c, 1543) == 0


def test_authoritative_restore_recreates_a_role_removed_after_the_backup() -> None:
    c = cluster()
    c.add_file_server_role("SOFS2")
    settle(c, 30)
    c.backup_config("with-sofs")
    c.remove_group("SOFS2", remove_resources=True)
    assert "SOFS2" not in c.group_names()
    c.restore_config("HV02", "with-sofs", authoritative=True)
    settle(c)
    assert c.group("SOFS2").state.value == "Online"


def test_stopped_role_stays_offline_after_an_authoritative_restore_of_that_state() -> None:
    c = cluster()
    c.stop_group("DC01")
    settle(c, 60)
    c.backup_config("dc-off")
    c.start_group("DC01")
    settle(c, 60)
    assert c.group("DC01").state.value == "Online"
    c.restore_config("HV01", "dc-off", authoritative=True)
    settle(c)
    assert c.group("DC01").state.value == "Offline", "PersistentState comes from the backup"
    assert c.group("SQL01").state.value == "Online"


def test_membership_changes_wait_for_a_restore() -> None:
    c = cluster()
    c.backup_config("baseline")
    c.restore_config("HV01", "baseline", authoritative=True)
    with pytest.raises(InvalidStateError, match="restore on 'HV01' is in progress"):
        c.restore_config("HV02", "baseline")
    with pytest.raises(InvalidStateError, match=r"stopping|in progress"):
        c.remove_node("HV03", force=True)
    settle(c)
    assert c.running


def test_console_restore_and_errors() -> None:
    sh = Shell(cluster(), width=120)
    r = sh.run("Restore-LabClusterConfig -Node HV01")
    assert not r.ok and "run Backup-LabClusterConfig first" in r.text() and "Traceback" not in r.text()
    assert sh.run("Backup-LabClusterConfig -Name baseline").ok
    assert sh.run("Set-ClusterOwnerNode -Group DC01 -Owners HV03").ok
    r = sh.run("Restore-LabClusterConfig baseline -Node HV01 -Authoritative -Wait")
    assert r.ok, r.text()
    assert "{HV01, HV02}" in sh.run("Get-ClusterOwnerNode -Group DC01").text()
    assert "baseline" in sh.run("Get-LabClusterConfigBackup").text()
    r = sh.run("Restore-LabClusterConfig")
    assert not r.ok and "Node" in r.text()
