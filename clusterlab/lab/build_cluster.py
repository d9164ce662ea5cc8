"""The validated ``cluster:`` section -> ``ClusterSpec``, remembering where each node, VM, CSV came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clusterlab.sim.spec import (
    ClusterSpec,
    CsvSpec,
    FailbackSpec,
    FileServerSpec,
    GuestClusterSpec,
    NetworkRole,
    NetworkSpec,
    NodeSpec,
    Priority,
    QuorumSpec,
    UpdateSpec,
    VmSpec,
    WitnessSpec,
    WitnessType,
)

from .schema import MAX_VMS
from .schema_kinds import Path, present

#: The network a cluster gets when the lab lists none.
DEFAULT_NETWORK = NetworkSpec("Cluster Network 1")


@dataclass
class ClusterBuild:
    """The spec plus, for each node/network/CSV/VM in it, the path of the entry that defined it."""

    spec: ClusterSpec
    node_paths: list[Path] = field(default_factory=list)
    server_paths: list[Path] = field(default_factory=list)
    network_paths: list[Path] = field(default_factory=list)
    csv_paths: list[Path] = field(default_factory=list)
    vm_paths: list[Path] = field(default_factory=list)
    #: Paths of ``{generate: N}`` entries.
    batch_paths: set[Path] = field(default_factory=set)
    #: How many VMs the lab asks for; only the first ``MAX_VMS + 1`` are built (the rest would only cost time).
    requested_vms: int = 0
    #: Per VM: the keys the simulator does not model yet (monitored_services, protected_network).
    vm_extra: dict[str, dict[str, Any]] = field(default_factory=dict)


def build_cluster(data: Mapping[str, Any], os_name: str, seed: int, clock: datetime) -> ClusterBuild:
    """``data`` is the ``cluster`` mapping as the schema returned it (invalid entries already dropped)."""
    build = ClusterBuild(ClusterSpec())
    base: Mapping[str, Any] = data.get("node_defaults") or {}
    nodes: list[NodeSpec] = []
    servers: list[NodeSpec] = []
    for section, out, paths in (("nodes", nodes, build.node_paths), ("servers", servers, build.server_paths)):
        for i, entry in enumerate(data.get(section) or []):
            own = {"name": entry} if isinstance(entry, str) else entry
            if not isinstance(own, dict) or "name" not in own:
                continue
            merged = {**base, **own}
            out.append(
                NodeSpec(
                    name=own["name"],
                    memory_gb=merged.get("memory_gb", 256.0),
                    cpus=merged.get("cpus", 32),
                    site=merged.get("site"),
                    node_weight=merged.get("node_weight", 1),
                    os=own.get("os"),
                    updates=_updates(own["updates"]) if own.get("updates") is not None else None,
                )
            )
            paths.append(("cluster", section, i))

    networks: list[NetworkSpec] = []
    raw_networks = data.get("networks")
    for i, net in enumerate(raw_networks or []):
        if not isinstance(net, dict) or "name" not in net:
            continue
        networks.append(
            NetworkSpec(
                net["name"],
                NetworkRole(net.get("role", "ClusterAndClient")),
                net.get("live_migration", False),
                net.get("gbps", 10.0),
            )
        )
        build.network_paths.append(("cluster", "networks", i))
    if raw_networks is None:
        networks.append(DEFAULT_NETWORK)
        build.network_paths.append(("cluster",))

    q = data.get("quorum") or {}
    w = q.get("witness") or {}
    quorum = QuorumSpec(
        witness=WitnessSpec(WitnessType(w.get("type", "None")), w.get("path")),
        dynamic_quorum=q.get("dynamic_quorum", True),
        lower_quorum_priority_node=q.get("lower_quorum_priority_node"),
    )

    csvs: list[CsvSpec] = []
    for i, csv in enumerate(data.get("csvs") or []):
        if isinstance(csv, dict) and "name" in csv:
            csvs.append(CsvSpec(csv["name"], csv.get("size_gb", 2048.0)))
            build.csv_paths.append(("cluster", "csvs", i))

    vms: list[VmSpec] = []
    for i, entry in enumerate(data.get("vms") or []):
        path: Path = ("cluster", "vms", i)
        if not isinstance(entry, dict):
            continue
        room = max(0, MAX_VMS + 1 - len(vms))
        if "generate" in entry:
            build.batch_paths.add(path)
            count: int = entry["generate"]
            width = max(2, len(str(count)))
            names = [f"{entry.get('prefix', 'VM')}{n:0{width}d}" for n in range(1, min(count, room) + 1)]
            build.requested_vms += count
        elif "name" in entry:
            names = [entry["name"]][:room]
            build.requested_vms += 1
        else:
            continue
        for name in names:
            vms.append(_vm(name, entry))
            build.vm_paths.append(path)
            build.vm_extra[name] = {
                "monitored_services": tuple(present(entry.get("monitored_services"))),
                "protected_network": entry.get("protected_network", True),
            }

    build.spec = ClusterSpec(
        name=data.get("name", "HVCLUS"),
        os=os_name,
        seed=seed,
        clock=clock,
        nodes=tuple(nodes),
        networks=tuple(networks),
        quorum=quorum,
        csvs=tuple(csvs),
        disks=tuple(
            CsvSpec(d["name"], d.get("size_gb", 2048.0))
            for d in data.get("disks") or []
            if isinstance(d, dict) and "name" in d
        ),
        vms=tuple(vms),
        file_servers=tuple(
            FileServerSpec(
                name=f["name"],
                type=f.get("type", "General"),
                owner=f.get("owner"),
                shares=tuple(present(f.get("shares")) or ("Share1",)),
                clients=f.get("clients", 50),
                preferred_owners=tuple(present(f.get("preferred_owners"))),
            )
            for f in data.get("file_servers") or []
            if isinstance(f, dict) and "name" in f
        ),
        enforced_anti_affinity=data.get("enforced_anti_affinity", False),
        updates=_updates(data["updates"]) if data.get("updates") is not None else None,
        guest_clusters=tuple(
            GuestClusterSpec(
                g["name"],
                tuple(present(g.get("vms"))),
                tuple(
                    (d["name"], d["csv"])
                    for d in present(g.get("shared_vhdx"))
                    if isinstance(d, dict) and "name" in d and "csv" in d
                ),
                g.get("role") or "Clustered role",
                float(g["heartbeat_threshold"]) if g.get("heartbeat_threshold") is not None else 5.0,
                tuple(present(g["attached"])) if g.get("attached") is not None else None,
            )
            for g in data.get("guest_clusters") or []
            if isinstance(g, dict) and "name" in g
        ),
        remote_shutdown_firewall=data.get("remote_shutdown_firewall", True),
        administrative_access_point=data.get("administrative_access_point", "ActiveDirectoryAndDns"),
        created=data.get("created", True),
        exported_vms=tuple(
            (str(e["path"]), str(e["name"]), float(e.get("memory_gb", 4.0)), float(e.get("vhd_gb", 60.0)))
            for e in data.get("exported_vms") or []
            if isinstance(e, dict) and "name" in e and "path" in e
        ),
        servers=tuple(servers),
    )
    return build


def _updates(items: Any) -> tuple[UpdateSpec, ...]:
    return tuple(
        UpdateSpec(
            u["kb"],
            u.get("title") or u["kb"],
            float(u["install"]) if u.get("install") is not None else 600.0,
            bool(u.get("reboot", True)),
            u.get("requires"),
        )
        for u in present(items)
        if isinstance(u, dict) and "kb" in u
    )


def _vm(name: str, v: Mapping[str, Any]) -> VmSpec:
    fb = v.get("failback") or {}
    window = present(fb.get("window"))
    return VmSpec(
        name=name,
        memory_gb=v.get("memory_gb", 4.0),
        vhd_gb=v.get("vhd_gb", 60.0),
        csv=v.get("csv"),
        owner=v.get("owner"),
        priority=Priority(v.get("priority", "Medium")),
        preferred_owners=tuple(present(v.get("preferred_owners"))),
        possible_owners=tuple(present(v.get("possible_owners"))),
        anti_affinity=tuple(present(v.get("anti_affinity"))),
        failback=FailbackSpec(fb.get("type") == "Allow", (window[0], window[1]) if len(window) == 2 else None),
        running=v.get("running"),
        boot_s=v.get("boot_s"),
        dirty_mb_s=v.get("dirty_mb_s"),
        monitored_services=tuple(present(v.get("monitored_services"))),
        protected_network=v.get("protected_network", True),
    )


def starts_running(vm: VmSpec) -> bool:
    """Does the VM run at lab start (the simulator's rule)?"""
    return vm.running if vm.running is not None else vm.priority is not Priority.NO_AUTO_START
