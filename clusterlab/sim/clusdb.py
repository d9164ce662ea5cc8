"""The cluster database (ClusDb) as configuration: backup and restore (§9.3).

A backup records what the cluster database holds — the configuration — and nothing of the runtime
state: which roles exist and their policies (priority, preferred and possible owners, failback,
anti-affinity, failover threshold, persistent state), VM monitoring items, the quorum and witness
settings, node weights, network roles and the cluster common properties. Where a VM runs, which
nodes are up, VM states and the VM configuration files (version, storage location) are not in it.

* Non-authoritative restore: one node's copy is restored; when it rejoins it receives the current
  configuration from the other nodes, so nothing changes [S54].
* Authoritative restore: ClusSvc stops on every node, the backup becomes the configuration, the
  node starts and the others join taking it; changes made after the backup are lost [S54].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import Group, Resource, Witness, World
from .roles import Roles
from .snapshots import GroupType
from .spec import NetworkRole, WitnessType


@dataclass(frozen=True, slots=True)
class ResourceConfig:
    name: str
    type: str
    possible_owners: tuple[str, ...] | None  # None = every node (§3.6)
    restart_threshold: int
    restart_action: int


@dataclass(frozen=True, slots=True)
class GroupConfig:
    name: str
    type: GroupType
    priority: int
    preferred_owners: tuple[str, ...]
    auto_failback: bool
    window: tuple[int | None, int | None]
    anti_affinity: tuple[str, ...]
    failover_threshold: int | None
    persistent_online: bool  # PersistentState: the role should be online
    resources: tuple[ResourceConfig, ...]
    monitored: tuple[str, ...] = ()  # VM monitoring items (§7.1)
    shares: tuple[str, ...] = ()  # file server roles
    clients: int = 0
    online_s: float = 0.0
    offline_action: int = 1  # the VM resource's OfflineAction (§3.13)


@dataclass(frozen=True, slots=True)
class ConfigBackup:
    """One backup of the cluster configuration, as §9.3 describes what ClusDb holds."""

    label: str
    time: float
    taken_at: str  # the lab calendar time, for messages
    functional_level_os: str
    groups: tuple[GroupConfig, ...]
    node_weights: tuple[tuple[str, int], ...]
    witness_type: WitnessType
    witness_path: str | None
    dynamic_quorum: bool
    lower_quorum_priority_node: str | None
    enforced_anti_affinity: bool
    drain_on_shutdown: bool
    block_cache_mb: int
    max_parallel_migrations: int | None
    heartbeat: tuple[tuple[str, int], ...]
    auto_balancer: tuple[int, int]
    network_roles: tuple[tuple[str, NetworkRole], ...]

    def group(self, name: str) -> GroupConfig | None:
        return next((g for g in self.groups if g.name == name), None)


def capture(w: World, roles: Roles, label: str) -> ConfigBackup:
    groups = []
    for g in w.groups.values():
        if g.is_core:
            continue
        groups.append(
            GroupConfig(
                name=g.name,
                type=g.type,
                priority=g.priority,
                preferred_owners=tuple(g.preferred_owners),
                auto_failback=g.auto_failback,
                window=(g.window_start, g.window_end),
                anti_affinity=tuple(g.anti_affinity),
                failover_threshold=g.failover_threshold,
                persistent_online=g.intended_online,
                resources=tuple(_resource_config(r) for r in g.resources),
                monitored=tuple(g.vm.monitored) if g.vm is not None else (),
                shares=tuple(g.shares),
                clients=g.clients,
                online_s=g.online_s,
                offline_action=g.offline_action,
            )
        )
    return ConfigBackup(
        label=label,
        time=w.now,
        taken_at=w.clock.at(w.now).strftime("%Y-%m-%d %H:%M:%S"),
        functional_level_os=w.profile.name,
        groups=tuple(groups),
        node_weights=tuple((n, node.node_weight) for n, node in w.nodes.items()),
        witness_type=w.witness.type,
        witness_path=w.witness.path,
        dynamic_quorum=w.dynamic_quorum,
        lower_quorum_priority_node=w.lower_quorum_priority_node,
        enforced_anti_affinity=w.enforced_anti_affinity,
        drain_on_shutdown=w.drain_on_shutdown,
        block_cache_mb=w.block_cache_mb,
        max_parallel_migrations=w.max_parallel_migrations,
        heartbeat=tuple(sorted(w.heartbeat.items())),
        auto_balancer=(roles.auto_balancer_mode, roles.auto_balancer_level),
        network_roles=tuple((n.name, n.role) for n in w.networks.values()),
    )


def _resource_config(r: Resource) -> ResourceConfig:
    owners = tuple(sorted(r.possible_owners)) if r.possible_owners is not None else None
    return ResourceConfig(r.name, r.type, owners, r.restart_threshold, r.restart_action)


@dataclass
class Applied:
    """What an authoritative restore changed, and what it could not apply (1543)."""

    removed: list[str]
    recreated: list[str]
    problems: list[str]


class ClusDb:
    """Backups taken with Backup-LabClusterConfig, and nodes holding a non-authoritative restore."""

    def __init__(self, world: World, roles: Roles) -> None:
        self.w = world
        self.roles = roles
        self.backups: dict[str, ConfigBackup] = {}
        #: node -> label of the backup restored non-authoritatively on it, until it rejoins
        self.stale: dict[str, str] = {}
        #: the node a restore is running on, and its phase: "stopping" (ClusSvc going down) or "starting"
        self.restoring: tuple[str, str] | None = None

    def node_joined(self, node: str) -> None:
        """§9.3: a node with a restored (older) copy receives the current configuration when it joins."""
        label = self.stale.pop(node, None)
        if label is not None:
            self.w.emit("ConfigSynced", node, node=node, label=label)

    def apply(
        self,
        b: ConfigBackup,
        *,
        create_file_server: Callable[[GroupConfig], Group],
        remove_group: Callable[[Group], None],
        install_witness: Callable[[Witness], None],
    ) -> Applied:
        """Make ``b`` the configuration (the cluster is stopped): roles added since are removed, roles
        removed since come back, every setting reverts. Nodes no longer in the cluster are skipped."""
        w, roles = self.w, self.roles
        out = Applied([], [], [])
        nodes = set(w.nodes)

        def known(names: tuple[str, ...]) -> list[str]:
            gone = [n for n in names if n not in nodes]
            for n in gone:
                problem = f"node {n} is no longer in the cluster"
                if problem not in out.problems:
                    out.problems.append(problem)
            return [n for n in names if n in nodes]

        wanted = {g.name for g in b.groups}
        for g in list(w.groups.values()):
            if g.is_core or g.name in wanted:
                continue
            if g.vm is not None:
                out.problems.append(f"virtual machine role {g.name} is not in the backup and was kept")
                continue
            remove_group(g)
            out.removed.append(g.name)
        for gc in b.groups:
            existing = w.groups.get(gc.name)
            if existing is None:
                if gc.type not in (GroupType.FILE_SERVER, GroupType.SCALE_OUT_FILE_SERVER):
                    out.problems.append(f"role {gc.name} ({gc.type.value}) cannot be re-created")
                    continue
                existing = create_file_server(gc)
                out.recreated.append(existing.name)
            g = existing
            g.priority = gc.priority
            g.preferred_owners = known(gc.preferred_owners)
            g.auto_failback = gc.auto_failback
            g.window_start, g.window_end = gc.window
            g.anti_affinity = list(gc.anti_affinity)
            g.failover_threshold = gc.failover_threshold
            g.intended_online = gc.persistent_online
            g.shares = list(gc.shares)
            g.clients = gc.clients
            g.offline_action = gc.offline_action
            by_name = {rc.name: rc for rc in gc.resources}
            for r in g.resources:
                rc = by_name.get(r.name)
                if rc is None:
                    continue
                r.possible_owners = set(known(rc.possible_owners)) if rc.possible_owners is not None else None
                r.restart_threshold = rc.restart_threshold
                r.restart_action = rc.restart_action
            if g.vm is not None:
                g.vm.monitored = list(gc.monitored)
                csv = w.csvs.get(g.vm.csv or "")
                if csv is not None and csv.maintenance and g.intended_online:
                    # §4.3: nothing starts on a volume in maintenance; the role waits for Start-ClusterGroup
                    g.intended_online = False
                    out.problems.append(f"role {g.name} stays offline while {csv.name} is in maintenance")
        for name, weight in b.node_weights:
            if name in w.nodes:
                w.nodes[name].node_weight = weight
        install_witness(Witness(b.witness_type, b.witness_path))
        w.dynamic_quorum = b.dynamic_quorum
        lower = b.lower_quorum_priority_node
        w.lower_quorum_priority_node = lower if lower in w.nodes else None
        w.enforced_anti_affinity = b.enforced_anti_affinity
        w.drain_on_shutdown = b.drain_on_shutdown
        w.block_cache_mb = b.block_cache_mb
        if w.max_parallel_migrations is not None and b.max_parallel_migrations is not None:
            w.max_parallel_migrations = b.max_parallel_migrations
        w.heartbeat.update(dict(b.heartbeat))
        if w.profile.vm_load_balancing:
            roles.auto_balancer_mode, roles.auto_balancer_level = b.auto_balancer
        for name, role in b.network_roles:
            if name in w.networks:
                w.networks[name].role = role
        if not w.cluster_networks():  # never restore a cluster that cannot talk
            next(iter(w.networks.values())).role = NetworkRole.CLUSTER_AND_CLIENT
        return out
