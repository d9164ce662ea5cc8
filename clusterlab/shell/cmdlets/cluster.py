"""Get-Cluster, Get-ClusterNetwork, Get-ClusterSharedVolume, Test-Cluster, Get-ClusterLog."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from clusterlab.sim import PROFILES, Cluster, NetworkRole, NetworkSnapshot, NodeSnapshot
from clusterlab.sim.clock import format_elapsed

from ..formatting import View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import FC, INPUT, guid, require_target, select, to_int, wait_for

register_view("Cluster", lambda profile: View(("Name",)))
register_view(
    "ClusterNetwork",
    lambda profile: View(("Name", "State") if profile in ("2012", "2012R2") else ("Name", "State", "Metric", "Role")),
)
register_view("ClusterSharedVolume", lambda profile: View(("Name", "State", "Node")))
register_view("FileInfo", lambda profile: View(("Mode", "LastWriteTime", "Length", "Name")))

ROLE_VALUES = {"None": 0, "Cluster": 1, "ClusterAndClient": 3}


def _heartbeat_setter(c: Cluster, key: str) -> Callable[[Any], None]:
    return lambda v: c.set_heartbeat(key, to_int(v))


def _resiliency_setter(c: Cluster, key: str) -> Callable[[Any], None]:
    return lambda v: c.set_resiliency(key, to_int(v))


def cluster_obj(c: Cluster) -> PSObject:
    q = c.quorum()
    hb = c.heartbeat()
    props: dict[str, Any] = {
        "Name": c.name,
        "Id": guid(c.name),
        "Domain": "lab.local",
        "DynamicQuorum": 1 if q.dynamic_quorum else 0,
        "WitnessDynamicWeight": q.witness_dynamic_weight,
        "LowerQuorumPriorityNodeID": q.lower_quorum_priority_node_id or 0,
        "ClusterFunctionalLevel": c.functional_level,  # §9.1: the current level, raised by Update-...
        "SameSubnetDelay": hb["SameSubnetDelay"],
        "SameSubnetThreshold": hb["SameSubnetThreshold"],
        "CrossSubnetDelay": hb["CrossSubnetDelay"],
        "CrossSubnetThreshold": hb["CrossSubnetThreshold"],
        "ClusterEnforcedAntiAffinity": 1 if c.enforced_anti_affinity else 0,
        "DrainOnShutdown": 1 if c.drain_on_shutdown else 0,
        "FixQuorum": 1 if q.forced else 0,
        "MinimumPreemptorPriority": 1,
        "MinimumNeverPreemptPriority": 3000,
        "BlockCacheSize": c.block_cache_mb,
        "AdministrativeAccessPoint": c.administrative_access_point,
    }
    if c.profile.compute_resiliency:
        props |= c.resiliency
        props |= {
            "AutoBalancerMode": c.auto_balancer[0],
            "AutoBalancerLevel": c.auto_balancer[1],
        }
        props |= {"CrossSiteDelay": hb["CrossSiteDelay"], "CrossSiteThreshold": hb["CrossSiteThreshold"]}
        props["PreferredSite"] = c.preferred_site or ""
    if c.max_parallel_migrations is not None:
        props["MaximumParallelMigrations"] = c.max_parallel_migrations
    setters = {
        "DynamicQuorum": lambda v: c.set_dynamic_quorum(to_int(v) != 0),
        "LowerQuorumPriorityNodeID": lambda v: c.set_lower_quorum_priority_node_id(to_int(v) or None),
        "ClusterEnforcedAntiAffinity": lambda v: c.set_enforced_anti_affinity(to_int(v) != 0),
        "DrainOnShutdown": lambda v: c.set_drain_on_shutdown(to_int(v) != 0),
        "BlockCacheSize": lambda v: c.set_block_cache(to_int(v)),
        "MaximumParallelMigrations": lambda v: c.set_max_parallel_migrations(to_int(v)),
        "AutoBalancerMode": lambda v: c.set_auto_balancer(mode=to_int(v)),
        "AutoBalancerLevel": lambda v: c.set_auto_balancer(level=to_int(v)),
    }
    for key in ("ResiliencyLevel", "ResiliencyDefaultPeriod", "QuarantineThreshold", "QuarantineDuration"):
        setters[key] = _resiliency_setter(c, key)
    for key in hb:
        setters[key] = _heartbeat_setter(c, key)
    if c.profile.compute_resiliency:
        setters["PreferredSite"] = lambda v: c.set_preferred_site(str(v) if v else None)
    return make(FC + "Cluster", props, setters)


@cmdlet(
    "Get-Cluster",
    "Gets information about the failover cluster; its properties can be set in place.",
    (Param("Name", kind="string", position=0, help="Cluster to query (this lab has one)."), INPUT),
    process=False,
    noun_type="GetClusterCommand",
    examples=(
        ("Get-Cluster | Format-List *", "Every cluster property."),
        ("(Get-Cluster).DynamicQuorum = 0", "Turns dynamic quorum off (§1.5)."),
        ("(Get-Cluster).LowerQuorumPriorityNodeID = 4", "Node 4 loses its vote in a 50 % split (§1.7)."),
        ("(Get-Cluster).SameSubnetThreshold = 40", "Tolerates 40 missed heartbeats (§2.2)."),
        ("(Get-Cluster).ResiliencyDefaultPeriod = 60", "Isolated nodes' VMs fail over after 60 s, not 240 (§7.3)."),
    ),
)
def get_cluster(inv: Invocation) -> Iterable[Any]:
    _this_cluster(inv)
    return [cluster_obj(inv.ctx.cluster)]


def _this_cluster(inv: Invocation) -> None:
    """-Name/-Cluster: the cluster's name, or a node's (which is how an administrator reaches a
    cluster without an administrative access point, §9.2)."""
    c = inv.ctx.cluster
    name = inv.get("Name")
    if not name or name == ".":
        return
    text = str(name).lower()
    if text in (n.name.lower() for n in c.snapshot().nodes):
        return
    if text == c.name.lower():
        if c.administrative_access_point == "None":
            raise inv.fail(
                f"The cluster '{name}' has no administrative access point: there is no name to connect to. "
                "Connect through a node instead, e.g. -Name HV01 (§9.2).",
                "ObjectNotFound",
                name,
            )
        return
    raise inv.fail(f"The cluster '{name}' was not found: this lab simulates '{c.name}'.", "ObjectNotFound", name)


@cmdlet(
    "Stop-Cluster",
    "Stops the Cluster service on every node: the clustered roles go offline first (VMs are saved) and come "
    "back with Start-Cluster.",
    (
        Param("Name", kind="string", position=0, aliases=("Cluster",), help="The cluster (this lab has one)."),
        Param("Force", kind="switch", help="Do not ask for confirmation (clusterlab never asks)."),
        Param("Wait", kind="int", help="Seconds to wait for every node to stop (0 = return at once)."),
        INPUT,
    ),
    process=False,
    noun_type="StopClusterCommand",
    examples=(("Stop-Cluster -Force", "Saves every VM, then stops ClusSvc on all nodes."),),
)
def stop_cluster(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    _this_cluster(inv)
    c.stop_cluster()
    wait_for(inv, lambda: not c.running, inv.get("Wait"))
    return []


@cmdlet(
    "Start-Cluster",
    "Starts the Cluster service on every node that is powered on; the nodes form the cluster and the roles "
    "that were online come back.",
    (
        Param("Name", kind="string", position=0, aliases=("Cluster",), help="The cluster (this lab has one)."),
        Param("Wait", kind="int", help="Seconds to wait for the cluster to form (0 = return at once)."),
        INPUT,
    ),
    process=False,
    noun_type="StartClusterCommand",
    examples=(("Start-Cluster", "Starts ClusSvc everywhere; the cluster forms and its roles start."),),
)
def start_cluster(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    _this_cluster(inv)
    c.start_cluster()
    wait_for(inv, lambda: c.running, inv.get("Wait"), default_s=120.0)
    return [cluster_obj(c)]


def network_obj(c: Cluster, n: Any, index: int) -> PSObject:
    """``index``: the network's number (from 1), which its addresses carry (network_address)."""
    return make(
        FC + "ClusterNetwork",
        {
            "Name": n.name,
            "State": n.state,
            "Metric": n.metric,
            "Role": n.role,
            "AutoMetric": True,
            "Cluster": c.name,
            "Address": network_address(index),
            "AddressMask": "255.255.255.0",
            "Description": "Live migration network" if n.live_migration else "",
            "Id": guid(n.name),
        },
        {"Role": lambda v: c.set_network_role(n.name, _role(v))},
    )


def _role(value: Any) -> NetworkRole:
    text = str(value)
    for role, number in ROLE_VALUES.items():
        if text.lower() in (role.lower(), str(number)):
            return NetworkRole(role)
    from clusterlab.sim import InvalidArgumentError

    raise InvalidArgumentError(f"'{value}' is not a network role: use 0 (None), 1 (Cluster) or 3 (ClusterAndClient).")


@cmdlet(
    "Get-ClusterNetwork",
    "Gets information about the networks in a failover cluster; Role can be set in place.",
    (Param("Name", kind="strings", position=0, help="Network name(s)."), INPUT),
    process=False,
    noun_type="GetClusterNetworkCommand",
    examples=(
        ("Get-ClusterNetwork", "Each network with its state, metric and role."),
        ("(Get-ClusterNetwork LiveMigration).Role = 0", "Stop using LiveMigration for cluster traffic (§2.5)."),
    ),
)
def get_cluster_network(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    nets = {n.name: (i, n) for i, n in enumerate(c.snapshot().networks, 1)}
    names = select("cluster network", list(nets), inv.get("Name"), inv)
    return [network_obj(c, nets[n][1], nets[n][0]) for n in names]


register_view("ClusterNetworkInterface", lambda profile: View(("Name", "Node", "Network", "State")))


def interface_state(node: NodeSnapshot, net: NetworkSnapshot) -> str:
    """A node's adapter on a cluster network: Up, Unreachable (cut off), Failed (the network is Down) or
    Unavailable (the node is off or its Cluster service is not running) (§2.4)."""
    if not node.powered_on or node.clussvc != "Running":
        return "Unavailable"
    if node.name in net.disconnected:
        return "Unreachable" if net.state != "Down" else "Failed"
    return "Up"


def network_address(net_index: int, host: int = 0) -> str:
    """``10.0.<network number>.<host>``: the lab's addressing (network numbers from 1; .0 is the
    subnet, .10 the cluster IP, .11 and up the nodes, .20 and up other roles' IPs)."""
    return f"10.0.{net_index}.{host}"


def interface_address(net_index: int, node: NodeSnapshot) -> str:
    """A node's address on a network: ``10.0.<network number>.<node id + 10>``."""
    return network_address(net_index, node.id + 10)


@cmdlet(
    "Get-ClusterNetworkInterface",
    "Gets each node's network adapter on each cluster network and its state (§2.4, events 1125/1127).",
    (
        Param("Name", kind="strings", position=0, help="Interface name(s), e.g. 'HV01 - Cluster'."),
        Param("Node", kind="strings", help="Only these nodes."),
        Param("Network", kind="strings", help="Only these networks."),
        INPUT,
    ),
    process=False,
    noun_type="GetClusterNetworkInterfaceCommand",
    examples=(
        ("Get-ClusterNetworkInterface -Node HV02", "HV02's adapters: Up, or Unreachable when cut off."),
        ("Get-ClusterNetwork Cluster | Get-ClusterNetworkInterface", "Every node's adapter on one network."),
    ),
)
def get_cluster_network_interface(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = c.snapshot()
    nodes = {n.name: n for n in snap.nodes}
    wanted_nodes = {str(x).lower() for x in inv.get("Node") or []}
    wanted_nets = {str(x).lower() for x in inv.get("Network") or []}
    for obj in inv.input:
        if getattr(obj, "short_type", "") == "ClusterNetwork":
            wanted_nets.add(str(obj.get("Name")).lower())
        elif getattr(obj, "short_type", "") == "ClusterNode":
            wanted_nodes.add(str(obj.get("Name")).lower())
    out = []
    for i, net in enumerate(snap.networks, start=1):
        if wanted_nets and net.name.lower() not in wanted_nets:
            continue
        for node in nodes.values():
            if wanted_nodes and node.name.lower() not in wanted_nodes:
                continue
            state = interface_state(node, net)
            out.append(
                make(
                    FC + "ClusterNetworkInterface",
                    {
                        "Name": f"{node.name} - {net.name}",
                        "Node": node.name,
                        "Network": net.name,
                        "State": state,
                        "Adapter": f"Ethernet {i}",
                        "Address": interface_address(i, node),
                        "Cluster": c.name,
                    },
                )
            )
    names = [str(x).lower() for x in inv.get("Name") or []]
    return [o for o in out if not names or str(o.get("Name")).lower() in names]


@cmdlet(
    "Get-ClusterSharedVolume",
    "Gets information about Cluster Shared Volumes; Node is the coordinator (§4.2).",
    (Param("Name", kind="strings", position=0), INPUT),
    process=False,
    noun_type="GetClusterSharedVolumeCommand",
)
def get_cluster_shared_volume(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    csvs = {v.name: v for v in c.snapshot().csvs}
    names = select("Cluster Shared Volume", list(csvs), inv.get("Name"), inv)
    return [
        make(
            FC + "ClusterSharedVolume",
            {
                "Name": csvs[n].name,
                "State": csvs[n].state,
                "Node": csvs[n].owner,
                "SharedVolumeInfo": f"C:\\ClusterStorage\\{n}",
                "MaintenanceMode": csvs[n].maintenance,
                "RedirectedAccess": csvs[n].redirected,
                "Id": guid(n),
            },
        )
        for n in names
    ]


# Test-Cluster --------------------------------------------------------------------------


def server_validation(c: Cluster, names: list[str]) -> list[tuple[str, str, str]]:
    """Test-Cluster -Node on servers that are not a cluster yet (AZ-801: validate before New-Cluster)."""
    servers = {s.name.lower(): s for s in c.servers()}
    rows: list[tuple[str, str, str]] = []
    chosen = []
    for name in names:
        s = servers.get(name.lower())
        if s is None:
            rows.append(("Inventory", "Failed", f"'{name}' is not one of this lab's servers."))
        else:
            chosen.append(s)
    if not chosen:
        return rows or [("Inventory", "Failed", "Name the servers to validate: Test-Cluster -Node HV01, HV02.")]
    rows.append(("Inventory", "Success", "List Nodes: " + ", ".join(s.name for s in chosen) + "."))
    off = [s.name for s in chosen if s.state != "Ready"]
    if off:
        rows.append(("Inventory", "Failed", "Not reachable (powered off or installing): " + ", ".join(off) + "."))
    releases = sorted({s.os for s in chosen})
    if len(releases) > 1:
        rows.append(
            (
                "System Configuration",
                "Failed",
                "Validate Operating System Version: the servers run different releases (" + ", ".join(releases) + ").",
            )
        )
    else:
        rows.append(("System Configuration", "Success", f"Validate Operating System Version: all run {releases[0]}."))
    if len(chosen) < 2:
        rows.append(("Cluster Configuration", "Warning", "A one-node cluster has no failover: add a second node."))
    nets = [n for n in c.snapshot().networks if n.role != "None"]
    if len(nets) < 2:
        rows.append(
            ("Network", "Warning", f"Only {len(nets)} network connects the servers: a single point of failure.")
        )
    else:
        rows.append(("Network", "Success", f"{len(nets)} networks connect every server."))
    disks = c.spec.disks
    if disks:
        rows.append(
            (
                "Storage",
                "Success",
                "List Potential Cluster Disks: " + ", ".join(d.name for d in disks) + " (New-Cluster adds them to "
                "Available Storage unless -NoStorage).",
            )
        )
    else:
        rows.append(("Storage", "Warning", "No shared disk is visible to every server: a CSV needs one."))
    rows.append(("Hyper-V Configuration", "Success", "The Hyper-V role is installed on every server."))
    return rows


def _named_nodes(c: Cluster, names: list[str]) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
    """Test-Cluster -Node on a cluster: (its nodes named, spare servers named — validating a
    server before Add-ClusterNode —, rows for names that are neither)."""
    nodes = {n.name.lower(): n.name for n in c.snapshot().nodes}
    servers = {sv.name.lower(): sv.name for sv in c.servers()}
    members: list[str] = []
    spares: list[str] = []
    rows: list[tuple[str, str, str]] = []
    for name in names:
        if name.lower() in nodes:
            members.append(nodes[name.lower()])
        elif name.lower() in servers:
            spares.append(servers[name.lower()])
        else:
            rows.append(
                ("Inventory", "Failed", f"'{name}' is neither a node of {c.name} nor one of this lab's servers.")
            )
    return members, spares, rows


def _spare_rows(c: Cluster, spares: list[str]) -> list[tuple[str, str, str]]:
    """What validating a server with the cluster's nodes checks before Add-ClusterNode: that it
    answers, and that its release may join (the rule Add-ClusterNode itself applies, §9.1)."""
    from clusterlab.sim.upgrade import join_refusal

    rows: list[tuple[str, str, str]] = []
    by_name = {sv.name: sv for sv in c.servers()}
    level = c.profile.name
    for name in spares:
        sv = by_name[name]
        if sv.state != "Ready":
            rows.append(("Inventory", "Failed", f"'{name}' is not reachable ({sv.state})."))
            continue
        refusal = join_refusal(level, sv.os)
        if refusal is not None:
            rows.append(("System Configuration", "Failed", f"Validate Operating System Version: '{name}': {refusal}."))
        elif sv.os != level:
            rows.append(
                (
                    "System Configuration",
                    "Warning",
                    f"Validate Operating System Version: '{name}' runs {sv.os_display}; adding it puts the cluster "
                    "in mixed-OS mode until Update-ClusterFunctionalLevel (rolling upgrade, §9.1).",
                )
            )
        else:
            rows.append(("System Configuration", "Success", f"'{name}' runs {sv.os_display}, as the cluster does."))
    return rows


def validation(c: Cluster, names: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(category, result, message) rows of a validation run over the simulated configuration;
    ``names`` (Test-Cluster -Node): validate those nodes, and servers about to be added."""
    s = c.snapshot()
    rows: list[tuple[str, str, str]] = []
    chosen = s.nodes
    spares: list[str] = []
    if names:
        members, spares, rows = _named_nodes(c, names)
        chosen = tuple(n for n in s.nodes if n.name in members)
    up = [n for n in chosen if n.state.value in ("Up", "Paused")]
    down = [n for n in chosen if n not in up]
    listed = ", ".join([n.name for n in chosen] + spares)
    rows.append(
        (
            "Inventory",
            "Success",
            f"List Nodes: {listed} ({len(up)} in active membership"
            + (f"; not a node yet: {', '.join(spares)}" if spares else "")
            + ")."
            if names
            else f"List Nodes: {len(s.nodes)} nodes, {len(up)} in active membership.",
        )
    )
    rows.extend(_spare_rows(c, spares))
    if down:
        rows.append(
            (
                "Inventory",
                "Warning",
                "Nodes not in active membership were not validated: " + ", ".join(n.name for n in down) + ".",
            )
        )
    if s.mixed_mode:
        releases = sorted({PROFILES[n.os].display_name for n in s.nodes})
        rows.append(
            (
                "System Configuration",
                "Warning",
                f"Validate Operating System Version: the nodes run {' and '.join(releases)} (mixed-OS mode, "
                f"functional level {s.functional_level}). Finish the rolling upgrade and run "
                "Update-ClusterFunctionalLevel (§9.1).",
            )
        )
    cluster_nets = [n for n in s.networks if n.role != "None"]
    if len(cluster_nets) < 2:
        rows.append(
            (
                "Network",
                "Warning",
                f"Only {len(cluster_nets)} network is enabled for cluster communication: it is a single point of "
                "failure. Add a second network (or team) for redundant heartbeats.",
            )
        )
    else:
        rows.append(("Network", "Success", f"{len(cluster_nets)} networks carry cluster communication."))
    if not any(n.live_migration for n in s.networks):
        rows.append(("Network", "Warning", "No network is dedicated to live migration."))
    for n in s.networks:
        if n.state not in ("Up",):
            rows.append(("Network", "Warning", f"Cluster network '{n.name}' is {n.state}."))
    q = s.quorum
    voting_nodes = sum(n.node_weight for n in s.nodes)
    if q.witness_type == "None":
        if voting_nodes % 2 == 0:
            rows.append(
                (
                    "Cluster Configuration",
                    "Warning",
                    f"Validate Quorum Configuration: {voting_nodes} nodes vote and there is no witness. An even "
                    "number of votes can split 50/50; configure a witness (§1.3: always configure one from "
                    "2012 R2).",
                )
            )
        else:
            rows.append(
                (
                    "Cluster Configuration",
                    "Warning",
                    "Validate Quorum Configuration: no witness is configured. Microsoft recommends always "
                    "configuring a witness.",
                )
            )
    else:
        state = "Success" if q.witness_state == "Online" else "Warning"
        rows.append(
            (
                "Cluster Configuration",
                state,
                f"Validate Quorum Configuration: {q.witness_type} witness '{q.witness_resource}' is "
                f"{q.witness_state}; dynamic quorum is {'on' if q.dynamic_quorum else 'off'}.",
            )
        )
    if voting_nodes == 0:
        rows.append(("Cluster Configuration", "Failed", "No node has a vote (NodeWeight = 1)."))
    if not q.dynamic_quorum:
        rows.append(("Cluster Configuration", "Warning", "Dynamic quorum is disabled (§1.5)."))
    total = sum(n.memory_total_gb for n in s.nodes)
    autostart = {g.name for g in s.groups if g.priority > 0}
    used = sum(v.memory_gb for v in s.vms if v.name in autostart)
    biggest = max((n.memory_total_gb for n in s.nodes), default=0)
    if used > total - biggest:
        rows.append(
            (
                "Hyper-V Configuration",
                "Warning",
                f"The VMs need {used:g} GB; with the largest node down only {total - biggest:g} GB remain, so a "
                "node failure will leave roles offline or preempt Low-priority roles (§3.9).",
            )
        )
    else:
        rows.append(
            (
                "Hyper-V Configuration",
                "Success",
                f"The VMs ({used:g} GB) fit in the cluster with any one node down ({total - biggest:g} GB).",
            )
        )
    for csv in s.csvs:
        rows.append(
            (
                "Storage",
                "Success" if csv.state == "Online" else "Warning",
                f"Cluster Shared Volume '{csv.name}' is {csv.state} on {csv.owner or 'no node'}.",
            )
        )
    if q.witness_type == "Disk" and any(v.name == q.witness_resource for v in s.csvs):
        rows.append(("Storage", "Failed", "The disk witness is a Cluster Shared Volume (not supported, §4.1)."))
    classes: dict[str, int] = {}
    for g in s.groups:
        for cls in g.anti_affinity:
            classes[cls] = classes.get(cls, 0) + 1
    for cls, count in sorted(classes.items()):
        if count > len(s.nodes):
            rows.append(
                (
                    "Cluster Configuration",
                    "Warning",
                    f"{count} roles share AntiAffinityClassNames '{cls}' but there are only {len(s.nodes)} nodes.",
                )
            )
    return rows


@cmdlet(
    "Test-Cluster",
    "Runs validation tests on the (simulated) cluster configuration and prints the report.",
    (
        Param("Node", kind="strings", position=0),
        Param("Include", kind="strings"),
        Param("Ignore", kind="strings"),
        Param("ReportName", kind="string"),
        Param("List", kind="switch"),
        Param("Force", kind="switch"),
        INPUT,
    ),
    process=False,
    noun_type="TestClusterCommand",
    examples=(
        ("Test-Cluster", "Validates quorum, networks, storage and capacity; flags misconfigurations."),
        ("Test-Cluster -Node HV01, HV02, HV05", "Validates two nodes with server HV05 before Add-ClusterNode."),
    ),
)
def test_cluster(inv: Invocation) -> Iterable[Any]:
    from ..session import FormattedText

    c = inv.ctx.cluster
    categories = [
        "Inventory",
        "Network",
        "Storage",
        "System Configuration",
        "Cluster Configuration",
        "Hyper-V Configuration",
    ]
    if inv.switch("List"):
        return [
            make(
                "Microsoft.FailoverClusters.PowerShell.ClusterTestInfo",
                {"Category": cat, "DisplayName": f"Validate {cat}"},
            )
            for cat in categories
        ]
    include = [i.lower() for i in inv.get("Include") or []]
    ignore = [i.lower() for i in inv.get("Ignore") or []]
    nodes = [str(n) for n in inv.get("Node") or []]
    found = validation(c, nodes) if c.created else server_validation(c, nodes)
    rows = [r for r in found if (not include or r[0].lower() in include) and r[0].lower() not in ignore]
    when = c.clock.at(c.now)
    name = inv.get("ReportName") or f"Validation Report {when:%Y.%m.%d} At {when:%H.%M.%S}"
    worst = (
        "Failed"
        if any(r[1] == "Failed" for r in rows)
        else "Warning"
        if any(r[1] == "Warning" for r in rows)
        else "Success"
    )
    lines = [
        f"Failover Cluster Validation Report — {c.name} ({c.profile.display_name})",
        f"Started {when:%Y-%m-%d %H:%M:%S} (simulated). Report: C:\\Windows\\Cluster\\Reports\\{name}.htm",
        "",
    ]
    for cat, result, msg in rows:
        lines.append(f"{cat:<22} {result:<8} {msg}")
    lines.append("")
    lines.append(
        f"Overall result: {worst}."
        + (" Review the warnings before relying on this configuration." if worst != "Success" else "")
    )
    return [FormattedText("\n".join(lines) + "\n")]


@cmdlet(
    "New-Cluster",
    "Creates a failover cluster from servers that have the Failover Clustering feature.",
    (
        Param("Name", kind="string", position=0, mandatory=True, help="The cluster name (1-15 characters)."),
        Param("Node", kind="strings", help="The servers that form the cluster."),
        Param("StaticAddress", kind="strings", help="The cluster IP address (recorded)."),
        Param("NoStorage", kind="switch", help="Do not add the eligible shared disks to Available Storage."),
        Param(
            "AdministrativeAccessPoint",
            kind="enum",
            choices=("ActiveDirectoryAndDns", "Dns", "None"),
            aliases=("aap",),
            help="Dns: an AD-detached cluster; None: no cluster name or IP address (§9.2).",
        ),
        Param("IgnoreNetwork", kind="strings", help="Networks not to use (recorded)."),
        Param("Force", kind="switch", help="Do not ask for confirmation."),
    ),
    process=False,
    noun_type="NewClusterCommand",
    examples=(
        ("Test-Cluster -Node HV01, HV02, HV03", "Validate the servers first."),
        ("New-Cluster -Name HVCLUS -Node HV01, HV02, HV03 -StaticAddress 10.0.0.50", "Create the cluster."),
    ),
)
def new_cluster(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = str(inv.get("Name") or "")
    nodes = [str(n) for n in inv.get("Node") or []]
    if not nodes:
        raise inv.fail("New-Cluster needs -Node: the servers that form the cluster.", "InvalidArgument")
    c.new_cluster(
        name,
        nodes,
        no_storage=inv.switch("NoStorage"),
        aap=str(inv.get("AdministrativeAccessPoint") or "ActiveDirectoryAndDns"),
    )
    return [cluster_obj(c)]


# Get-ClusterLog --------------------------------------------------------------------------


def cluster_log_lines(c: Cluster, node: str, minutes: int | None) -> list[str]:
    """A readable simulated cluster.log for one node, built from the event stream."""
    start = c.now - minutes * 60 if minutes else 0.0
    lines = [
        f"[=== Cluster log of {node} in {c.name} ({c.profile.display_name}), simulated by clusterlab ===]",
        "[=== Times are GMT; entries are the cluster events this node logged or saw ===]",
    ]
    pid = 1000 + sum(map(ord, node)) % 9000
    for e in c.events:
        if e.time < start:
            continue
        if e.channel == "Lab":
            continue
        when = c.clock.at(e.time)
        level = {"Critical": "CRIT", "Error": "ERR ", "Warning": "WARN", "Information": "INFO"}[e.level.value]
        comp = "NM" if e.name.startswith(("Node", "Quorum", "Votes", "Forced")) else "RCM"
        eid = f"EventID {e.event_id}: " if e.event_id else ""
        lines.append(f"{pid:08X}.{pid + 4:08X}::{when:%Y/%m/%d-%H:%M:%S}.000 {level} [{comp}] {eid}{e.message}")
    return lines


@cmdlet(
    "Get-ClusterLog",
    "Writes each node's (simulated) cluster.log into the folder you name with -Destination.",
    (
        Param("Node", kind="strings", position=0),
        Param("Destination", kind="string", help="Folder to write <node>_cluster.log files into."),
        Param("TimeSpan", kind="int", help="Only the last N minutes."),
        Param("UseLocalTime", kind="switch"),
        Param("SkipClusterState", kind="switch"),
        Param("Health", kind="switch"),
        INPUT,
    ),
    process=False,
    noun_type="GetClusterLogCommand",
    description="Nothing outside the folder you name is written. Without -Destination the logs are only listed "
    "(on a real cluster they would land in C:\\Windows\\Cluster\\Reports on each node).",
    examples=(("Get-ClusterLog -Destination ./logs -TimeSpan 15", "The last 15 minutes of every node's log."),),
)
def get_cluster_log(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    nodes = select("node", c.node_names(), inv.get("Node"), inv)
    dest = inv.get("Destination")
    minutes = inv.get("TimeSpan")
    out = []
    when = c.clock.at(c.now)
    for node in nodes:
        lines = cluster_log_lines(c, node, minutes)
        text = "\n".join(lines) + "\n"
        name = f"{node}_cluster.log"
        if dest:
            folder = Path(dest).expanduser()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise inv.fail(
                    f"Could not write '{folder / name}': {exc.strerror}.", "WriteError", str(folder)
                ) from None
            path = str(folder.resolve() / name)
        else:
            path = f"C:\\Windows\\Cluster\\Reports\\{name}"
        out.append(
            make(
                "System.IO.FileInfo",
                {"Mode": "-a----", "LastWriteTime": when, "Length": len(text.encode()), "Name": name, "FullName": path},
            )
        )
    return out


@cmdlet(
    "Get-ClusterUptime",
    "Lab-only: how long the simulated lab has been running, on its calendar clock.",
    (),
    process=False,
    module="Lab",
    lab_only=True,
)
def get_cluster_uptime(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    return [
        make(
            "ClusterLab.Clock", {"Elapsed": format_elapsed(c.now), "Now": c.clock.at(c.now), "Seconds": round(c.now, 3)}
        )
    ]


# CSV administration (§4) -----------------------------------------------------------------

register_view(
    "ClusterSharedVolumeState",
    lambda profile: View((), ("Name", "VolumeName", "Node", "State", "VolumeFriendlyName", "RedirectedIOReason")),
)

_MODE_TEXT = {
    "Direct": "Direct",
    "FileSystemRedirected": "File System Redirected",
    "BlockRedirected": "Block Redirected",
    "Paused": "Paused",
    "Unavailable": "Unavailable",
}


@cmdlet(
    "Get-ClusterSharedVolumeState",
    "Gets each node's I/O mode to each CSV: Direct, File System Redirected or Block Redirected, and why (§4.3).",
    (Param("Name", kind="strings", position=0), Param("Node", kind="strings"), INPUT),
    process=False,
    noun_type="GetClusterSharedVolumeStateCommand",
    examples=(("Get-ClusterSharedVolumeState -Name CSV1", "How every node reaches CSV1 now."),),
)
def get_csv_state(inv: Invocation) -> Iterable[Any]:

    c = inv.ctx.cluster
    snap = c.snapshot()
    csvs = {v.name: v for v in snap.csvs}
    names = select("Cluster Shared Volume", list(csvs), inv.get("Name"), inv)
    nodes = select("node", c.node_names(), inv.get("Node"), inv)
    out = []
    for name in names:
        for node, mode, reason in csvs[name].io:
            if node not in nodes:
                continue
            out.append(
                make(
                    "Microsoft.FailoverClusters.PowerShell.ClusterSharedVolumeState",
                    {
                        "Name": name,
                        "VolumeName": "\\\\?\\Volume{" + guid("vol:" + name) + "}\\",
                        "Node": node,
                        "State": _MODE_TEXT.get(mode, mode),
                        "VolumeFriendlyName": name,
                        "RedirectedIOReason": reason or "NotRedirected",
                    },
                )
            )
    return out


@cmdlet(
    "Move-ClusterSharedVolume",
    "Moves the ownership (coordinator) of a Cluster Shared Volume to another node.",
    (Param("Name", kind="string", position=0, by_property=True), Param("Node", kind="string", position=1), INPUT),
    noun_type="MoveClusterSharedVolumeCommand",
)
def move_csv(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    c.move_csv(name, inv.get("Node"))
    v = next(x for x in c.snapshot().csvs if x.name.lower() == name.lower())
    return [make(FC + "ClusterSharedVolume", {"Name": v.name, "State": v.state, "Node": v.owner})]


@cmdlet(
    "Suspend-ClusterResource",
    "Turns on maintenance for a Cluster Shared Volume — every role using it is stopped (its VMs saved) so "
    "that e.g. chkdsk /f can run — or, with -RedirectedAccess, redirected access: every other node's I/O goes "
    "through the coordinator (5136).",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("RedirectedAccess", kind="switch"),
        Param("VolumeName", kind="string"),
        Param("Force", kind="switch"),
        INPUT,
    ),
    noun_type="SuspendResourceCommand",
    examples=(
        ("Suspend-ClusterResource -Name CSV1 -RedirectedAccess", "All I/O to CSV1 goes through its coordinator."),
        ("Suspend-ClusterResource -Name CSV1", "Maintenance: the VMs on CSV1 are saved and cannot start."),
    ),
)
def suspend_cluster_resource(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    if name.lower() not in (v.lower() for v in (x.name for x in c.snapshot().csvs)):
        raise inv.fail(
            f"'{name}' is not a Cluster Shared Volume: only CSVs can be suspended in clusterlab.",
            "InvalidArgument",
            name,
        )
    if inv.switch("RedirectedAccess"):
        c.set_csv_redirected(name, True)
    else:
        c.set_csv_maintenance(name, True)
    return []


@cmdlet(
    "Resume-ClusterResource",
    "Turns maintenance and redirected access off again for a Cluster Shared Volume: nodes with a path go back "
    "to Direct I/O; roles stopped for maintenance stay offline until started.",
    (Param("Name", kind="string", position=0, by_property=True), INPUT),
    noun_type="ResumeResourceCommand",
)
def resume_cluster_resource(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    csv = next((v for v in c.snapshot().csvs if v.name.lower() == name.lower()), None)
    if csv is not None and not (csv.maintenance or csv.redirected):
        raise inv.fail(f"'{csv.name}' is neither in maintenance nor in redirected access.", "InvalidOperation", name)
    if csv is not None and csv.maintenance:
        c.set_csv_maintenance(name, False)
        if not csv.redirected:
            return []
    c.set_csv_redirected(name, False)  # also reports an unknown name
    return []


# file servers -------------------------------------------------------------------------------

register_view("SmbShare", lambda profile: View(("Name", "ScopeName", "Path", "Description")))
register_view(
    "FileServerClients",
    lambda profile: View(
        ("FileServer", "Type", "Owner", "Clients", "Connected", "Disconnects", "TransparentFailovers")
    ),
)


@cmdlet(
    "Get-SmbShare",
    "Gets the SMB shares of the clustered file servers (ContinuouslyAvailable on a Scale-Out File Server).",
    (
        Param("Name", kind="strings", position=0),
        Param("ScopeName", kind="strings"),
        Param("ContinuouslyAvailable", kind="switch", help="Only continuously available shares."),
    ),
    module="SmbShare",
    process=False,
    noun_type="GetSmbShare",
)
def get_smb_share(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = [n.lower() for n in inv.get("Name") or []]
    scopes = [s.lower() for s in inv.get("ScopeName") or []]
    out = []
    for fs in c.file_servers():
        if scopes and fs.name.lower() not in scopes:
            continue
        for share in fs.shares:
            if names and share.lower() not in names:
                continue
            if inv.switch("ContinuouslyAvailable") and not fs.continuously_available:
                continue
            out.append(
                make(
                    "Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/SmbShare",
                    {
                        "Name": share,
                        "ScopeName": fs.name,
                        "Path": f"C:\\ClusterStorage\\{share}" if fs.continuously_available else f"E:\\{share}",
                        "Description": "",
                        "ContinuouslyAvailable": fs.continuously_available,
                        "CachingMode": "None" if fs.continuously_available else "Manual",
                    },
                )
            )
    return out


@cmdlet(
    "Get-LabClient",
    "Lab-only: what the SMB clients of each file server role experienced (connected, disconnects, ride-throughs).",
    (Param("Name", kind="strings", position=0),),
    module="Lab",
    lab_only=True,
    process=False,
)
def get_lab_client(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = [n.lower() for n in inv.get("Name") or []]
    return [
        make(
            "ClusterLab.FileServerClients",
            {
                "FileServer": fs.name,
                "Type": fs.kind,
                "Owner": fs.owner,
                "Clients": fs.clients,
                "Connected": fs.connected,
                "Disconnects": fs.disconnects,
                "TransparentFailovers": fs.transparent_failovers,
                "OutageSeconds": round(fs.client_outage_s, 1),
            },
        )
        for fs in c.file_servers()
        if not names or fs.name.lower() in names
    ]


@cmdlet(
    "Add-ClusterSharedVolume",
    "Makes a clustered disk from Available Storage a Cluster Shared Volume (§4.1).",
    (Param("Name", kind="string", position=0, by_property=True), INPUT),
    noun_type="AddClusterSharedVolumeCommand",
    examples=(("Add-ClusterSharedVolume -Name 'Cluster Disk 2'", "Cluster Disk 2 becomes a CSV."),),
)
def add_csv(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = c.add_csv(require_target(inv))
    v = next(x for x in c.snapshot().csvs if x.name == name)
    return [make(FC + "ClusterSharedVolume", {"Name": v.name, "State": v.state, "Node": v.owner})]


@cmdlet(
    "Remove-ClusterSharedVolume",
    "Returns a Cluster Shared Volume to Available Storage (refused while VMs use it).",
    (Param("Name", kind="string", position=0, by_property=True), INPUT),
    noun_type="RemoveClusterSharedVolumeCommand",
)
def remove_csv(inv: Invocation) -> Iterable[Any]:
    inv.ctx.cluster.remove_csv(require_target(inv))
    return []


@cmdlet(
    "Update-ClusterFunctionalLevel",
    "Updates the functional level of a mixed-version cluster once every node runs the newer release.",
    (
        Param("Name", kind="string", position=0, aliases=("Cluster",), help="The cluster (this lab has one)."),
        Param("Force", kind="switch", help="Do not ask for confirmation (clusterlab never asks)."),
        INPUT,
    ),
    process=False,
    min_os="2016",
    noun_type="UpdateClusterFunctionalLevelCommand",
    description="Cluster OS Rolling Upgrade, the last step and the point of no return (§9.1): every node must "
    "run the newer release and be Up (not Paused or Down). Then ClusterFunctionalLevel rises (1594) and the "
    "release's features start working; otherwise 1664 and the nodes that block it are named. -WhatIf only "
    "checks.",
    examples=(
        ("Update-ClusterFunctionalLevel -WhatIf", "Checks whether the level can be raised."),
        ("Update-ClusterFunctionalLevel", "Raises ClusterFunctionalLevel from 8 to 9 after a 2012 R2 → 2016 upgrade."),
    ),
)
def update_cluster_functional_level(inv: Invocation) -> Iterable[Any]:
    from ..session import FormattedText

    c = inv.ctx.cluster
    _this_cluster(inv)
    if inv.switch("WhatIf"):
        old, new = c.update_functional_level(what_if=True)
        return [
            FormattedText(
                f'What if: Performing the operation "Update-ClusterFunctionalLevel" on target "{c.name}": '
                f"ClusterFunctionalLevel {old} -> {new}.\n"
            )
        ]
    c.update_functional_level()
    return [cluster_obj(c)]
