"""The public face of the simulation: build from a spec, send commands, read snapshots.

Commands validate their input and raise one typed ``ClusterError`` on bad input or an
illegal state; nothing else escapes. Queries return frozen snapshots.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from . import profiles as P
from .cau import Cau, default_updates
from .clock import CalendarClock
from .clusdb import ClusDb, ConfigBackup, GroupConfig, capture
from .errors import ClusterError, InvalidArgumentError, InvalidStateError, ObjectNotFoundError, QuorumError
from .events import ClusterEvent
from .guest import GuestCluster, GuestClusters, GuestClusterSnapshot
from .membership import Membership
from .model import ACTIVE_VM_STATES, Csv, Group, Network, Node, Resource, Service, Vm, Witness, World
from .placement import Mode
from .quorum import VoteAssignment, configured_votes, judge_sides, majority, votes_needed
from .roles import VM_CONFIG_RESOURCE, VM_RESOURCE, Roles, group_state
from .snapshots import (
    ClusterSnapshot,
    CsvSnapshot,
    DrainStatus,
    FileServerSnapshot,
    GroupSnapshot,
    GroupState,
    GroupType,
    MigrationSnapshot,
    NetworkSnapshot,
    NodeSnapshot,
    NodeState,
    PlacementExplanation,
    QuorumSnapshot,
    ResourceSnapshot,
    ResourceState,
    ServerSnapshot,
    SplitWhatIf,
    VmSnapshot,
    VmState,
    VmStateChange,
    WhatIf,
)
from .spec import ClusterSpec, FileServerSpec, NetworkRole, Priority, VmSpec, WitnessType
from .upgrade import check_level_update, display, join_refusal, level_text, mixed_mode, version_key
from .vmfiles import ExportedVm, VmFiles

T = TypeVar("T")

CORE_GROUP = "Cluster Group"
#: A computer or client access point name: 1–15 letters, digits or hyphens.
_COMPUTER_NAME = re.compile(r"[A-Za-z0-9-]{1,15}")

_HOUR_S = 3600.0


def _failovers_counting(g: Group, now: float) -> bool:
    """A failover of ``g`` is still within its FailoverPeriod (§3.4): its failover count moves with the clock."""
    return any(now - t < g.failover_period_h * _HOUR_S for t in g.failover_times)


#: §3.13 VM resource OfflineAction → how the VM goes offline: 0 Turn off, 1 Save (default),
#: 2 Shut down, 3 Shut down (forced) — the guest shuts down either way here.
OFFLINE_ACTIONS: dict[int, str] = {0: "turnoff", 1: "save", 2: "shutdown", 3: "shutdown"}
AVAILABLE_STORAGE = "Available Storage"


def _lookup(kind: str, table: dict[str, T], name: str) -> T:
    if not isinstance(name, str) or not name:
        raise InvalidArgumentError(f"A {kind} name is required.")
    if name in table:
        return table[name]
    folded = {k.lower(): v for k, v in table.items()}
    if name.lower() in folded:
        return folded[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(folded), n=1, cutoff=0.6)
    suggestion = next((k for k in table if close and k.lower() == close[0]), None)
    raise ObjectNotFoundError(kind, name, suggestion)


class Cluster:
    """A simulated WSFC cluster with Hyper-V roles."""

    def __init__(self, spec: ClusterSpec) -> None:
        if spec.os not in P.PROFILES:
            raise InvalidArgumentError(f"Unknown OS profile '{spec.os}' (expected one of {', '.join(P.PROFILES)}).")
        self.spec = spec
        self._snap_state: _SnapState | None = None  # the snapshots ``snapshot`` reuses
        self._file_server_groups: tuple[int, list[Group]] = (-1, [])
        self._disk_sizes: dict[str, float] = {}
        self._role_names: set[str] | None = {CORE_GROUP.lower(), AVAILABLE_STORAGE.lower()}  # while building
        self._aap = spec.administrative_access_point
        self._installing: set[str] = set()  # servers being reinstalled (§9.1), not just booting
        self._last_evict: float | None = None  # §2.3 AddEvictDelay counts from here
        self._w = w = World(P.PROFILES[spec.os], spec.seed, CalendarClock(spec.clock), spec.name)
        self._roles = Roles(w)
        self._members = Membership(w, self._roles)
        self._clusdb = ClusDb(w, self._roles)
        self._members.joined_hooks.append(self._clusdb.node_joined)
        self.cau = Cau(w, self._roles, self._members)
        self._guests = GuestClusters(w)
        self._roles.vm_listeners.append(self._guests.vm_changed)
        self._files = VmFiles(w)
        self._build(spec)
        self._role_names = None
        for folder, vm_name, mem, vhd in spec.exported_vms:
            full = folder.replace("/", "\\").rstrip("\\") + "\\" + vm_name
            ext = "xml" if self.profile.name in ("2012", "2012R2") else "vmcx"
            ident = self._files.id_of(f"export:{full}")
            self._files.add_export(
                ExportedVm(
                    full,
                    vm_name,
                    ident,
                    mem,
                    vhd,
                    P.VM_CONFIG_VERSION.get(spec.os, ""),
                    f"{full}\\Virtual Machines\\{ident}.{ext}",
                )
            )
        default = spec.updates if spec.updates is not None else default_updates(self.profile, w.clock.at(0))
        for ns in (*spec.nodes, *spec.servers):
            self.cau.set_updates(ns.name, ns.updates if ns.updates is not None else default)
        self.cau.firewall_enabled = spec.remote_shutdown_firewall

    @property
    def profile(self) -> P.OsProfile:
        """The behaviour profile: the release of the cluster functional level (§9.1). In mixed-OS mode the
        newer nodes run in compatibility mode, so this stays the older release until the level is raised."""
        return self._w.profile

    # construction ----------------------------------------------------------------------

    def _build(self, spec: ClusterSpec) -> None:
        w = self._w
        if not spec.nodes:
            raise InvalidArgumentError("A cluster needs at least one node.")
        for i, ns in enumerate((*spec.nodes, *spec.servers), start=1):
            if ns.name.lower() in (n.lower() for n in (*w.nodes, *w.servers)):
                raise InvalidArgumentError(f"Duplicate node name '{ns.name}'.")
            if ns.node_weight not in (0, 1):
                raise InvalidArgumentError(f"NodeWeight of '{ns.name}' must be 0 or 1.")
            os_name = ns.os or spec.os
            if os_name not in P.PROFILES:
                raise InvalidArgumentError(
                    f"Unknown OS '{os_name}' for '{ns.name}' (expected one of {', '.join(P.PROFILES)})."
                )
            node = Node(ns.name, i, ns.memory_gb, ns.cpus, ns.site, ns.node_weight, os=os_name)
            node.migration_option = P.PROFILES[os_name].default_migration_option
            if spec.created and i <= len(spec.nodes):
                refusal = join_refusal(spec.os, os_name)
                if refusal is not None:
                    raise InvalidArgumentError(f"Node '{ns.name}' cannot be a node of this cluster: {refusal}.")
                w.nodes[ns.name] = node
            else:
                node.service = Service.STOPPED  # §9.1: a spare server, not clustered until Add-ClusterNode
                w.servers[ns.name] = node
            if ns.site and ns.site not in w.sites:
                w.sites.append(ns.site)
        w.next_node_id = len(spec.nodes) + len(spec.servers) + 1
        metric_cluster, metric_client = 1000, 10000
        for net in spec.networks:
            if net.role is NetworkRole.CLUSTER_AND_CLIENT:
                metric, metric_client = metric_client, metric_client + 100
            else:
                metric, metric_cluster = metric_cluster, metric_cluster + 100
            w.networks[net.name] = Network(net.name, net.role, net.live_migration, net.gbps, metric)
        if not w.cluster_networks():
            raise InvalidArgumentError("At least one network must allow cluster communication.")
        q = spec.quorum
        if q.witness.type is WitnessType.CLOUD and not self.profile.cloud_witness:
            raise InvalidArgumentError(f"A cloud witness needs Windows Server 2016 or later (profile {spec.os}).")
        w.witness = Witness(q.witness.type, q.witness.path)
        w.dynamic_quorum = q.dynamic_quorum
        if q.lower_quorum_priority_node is not None:
            w.lower_quorum_priority_node = _lookup("node", w.nodes, q.lower_quorum_priority_node).name
        w.enforced_anti_affinity = spec.enforced_anti_affinity
        for cs in spec.csvs:
            if cs.name in w.csvs:
                raise InvalidArgumentError(f"Duplicate CSV name '{cs.name}'.")
            if q.witness.type is WitnessType.DISK and q.witness.path == cs.name:
                raise InvalidArgumentError(
                    f"'{cs.name}' is a Cluster Shared Volume and cannot be the disk witness (§4.1)."
                )
            w.csvs[cs.name] = Csv(cs.name, cs.size_gb)

        self._check_access_point(spec.administrative_access_point)
        if not spec.created:
            # AZ-801 "create a cluster": the servers are ready, the cluster is New-Cluster's to make.
            if (
                spec.csvs
                or spec.vms
                or spec.file_servers
                or spec.guest_clusters
                or q.witness.type is not WitnessType.NONE
            ):
                raise InvalidArgumentError(
                    "A cluster that is not created yet (created: false) has no CSVs, roles or witness: "
                    "add them after New-Cluster."
                )
            return
        core, storage = self._create_core_groups(next(iter(w.nodes)), spec.administrative_access_point)
        for ds in spec.disks:
            if w.witness_resource is not None and ds.name == w.witness_resource.name:
                self._disk_sizes[ds.name] = ds.size_gb  # the disk witness lives in the Cluster Group
                continue
            if ds.name in w.csvs or ds.name in w.resources:
                raise InvalidArgumentError(f"Duplicate disk name '{ds.name}'.")
            disk = self._add_resource(storage, ds.name, "Physical Disk")
            disk.state = ResourceState.ONLINE
            self._disk_sizes[ds.name] = ds.size_gb

        for vs in spec.vms:
            self._add_vm(vs)
        for fs in spec.file_servers:
            self._add_file_server(fs)

        w.new_partition(list(w.nodes))
        w.votes = self._members.compute_votes(list(w.nodes), VoteAssignment({}, 0, None))
        for r in core.resources:
            r.state = (
                ResourceState.FAILED if r is w.witness_resource and not w.witness.healthy else ResourceState.ONLINE
            )
        self._roles.assign_csvs()
        self._place_initial()
        for gs in spec.guest_clusters:
            members = [_lookup("VM", w.vms, m).name for m in gs.vms]
            attached = members if gs.attached is None else [_lookup("VM", w.vms, m).name for m in gs.attached]
            files = {f for f, _ in gs.shared_vhdx}
            gc = GuestCluster(
                gs.name,
                members,
                gs.role,
                [(f, _lookup("Cluster Shared Volume", w.csvs, c).name) for f, c in gs.shared_vhdx],
                gs.threshold_s,
                attached={m: set(files) for m in attached},
            )
            self._guests.add(gc)
        self._guests.start()

    def _check_access_point(self, aap: str) -> None:
        if aap not in ("ActiveDirectoryAndDns", "Dns", "None"):
            raise InvalidArgumentError("AdministrativeAccessPoint must be ActiveDirectoryAndDns, Dns or None.")
        if aap != "ActiveDirectoryAndDns" and self.profile.name == "2012":
            raise InvalidArgumentError("Clusters without an Active Directory name arrived with Windows Server 2012 R2.")

    def _create_core_groups(self, first: str, aap: str) -> tuple[Group, Group]:
        """The Cluster Group (name, IP, witness …) and Available Storage, owned by ``first``."""
        w = self._w
        core = Group(CORE_GROUP, GroupType.CLUSTER, first, priority=P.PRIORITY_HIGH, is_core=True)
        if aap != "None":  # §9.2: None = no network name and no IP address in the core group
            self._add_resource(core, "Cluster IP Address", "IP Address")
            self._add_resource(core, "Cluster Name", "Network Name")
        self._install_witness(core)
        if self.profile.compute_resiliency:
            self._add_resource(core, "Storage Qos Resource", "Storage QoS Policy Manager")
        self._add_resource(core, "Virtual Machine Cluster WMI", "Virtual Machine Cluster WMI")
        w.groups[CORE_GROUP] = core
        storage = Group(AVAILABLE_STORAGE, GroupType.AVAILABLE_STORAGE, first, is_core=True)
        w.groups[AVAILABLE_STORAGE] = storage
        return core, storage

    @property
    def created(self) -> bool:
        """False until New-Cluster when the lab starts from servers (``created: false``)."""
        return bool(self._w.groups)

    def new_cluster(
        self, name: str, nodes: Sequence[str], *, no_storage: bool = False, aap: str = "ActiveDirectoryAndDns"
    ) -> None:
        """New-Cluster -Name -Node [-NoStorage] [-AdministrativeAccessPoint] (AZ-801 create a cluster)."""
        w = self._w
        if self.created:
            raise InvalidStateError(f"These servers already form the cluster '{w.name}'.")
        if not name or len(name) > 15:
            raise InvalidArgumentError("A cluster name is 1 to 15 letters, digits or hyphens.")
        if not nodes:
            raise InvalidArgumentError("New-Cluster needs -Node: the servers that form the cluster.")
        self._check_access_point(aap)
        chosen: list[Node] = []
        for ref in nodes:
            n = _lookup("server", w.servers, ref)
            if n in chosen:
                raise InvalidArgumentError(f"'{n.name}' is named twice.")
            if not n.powered or n.booting or n.name in self._installing:
                raise InvalidStateError(f"Server '{n.name}' is not running: power it on first.")
            if n.os != self.profile.name:
                raise InvalidArgumentError(
                    f"Server '{n.name}' runs Windows Server {n.os}: every node of a new cluster runs the same "
                    f"release ({self.profile.display_name})."
                )
            chosen.append(n)
        w.name = name
        self._aap = aap
        for n in chosen:
            del w.servers[n.name]
            n.service = Service.RUNNING
            w.nodes[n.name] = n
        w.nodes = {k: w.nodes[k] for k in sorted(w.nodes, key=lambda k: w.nodes[k].id)}
        core, storage = self._create_core_groups(chosen[0].name, aap)
        added = []
        if not no_storage:  # §4.1: eligible shared disks go to Available Storage
            for ds in self.spec.disks:
                self._add_resource(storage, ds.name, "Physical Disk")
                self._disk_sizes[ds.name] = ds.size_gb
                added.append(ds.name)
        w.new_partition([n.name for n in chosen])
        w.votes = self._members.compute_votes(list(w.nodes), VoteAssignment({}, 0, None))
        for g in (core, storage):
            for r in g.resources:
                r.state = ResourceState.ONLINE
        self._roles.assign_csvs()
        w.emit(
            "ClusterCreated",
            name,
            cluster=name,
            nodes=", ".join(n.name for n in chosen),
            storage=", ".join(added) or "none",
        )
        self._members.try_join_all()

    def _add_resource(self, g: Group, name: str, rtype: str, threshold: int = P.RESTART_THRESHOLD_OTHER) -> Resource:
        r = Resource(name, rtype, g, restart_threshold=threshold)
        g.resources.append(r)
        g.touch()
        self._w.resources[name] = r
        return r

    def _witness_resource_name(self) -> tuple[str, str]:
        wt = self._w.witness
        if wt.type is WitnessType.FILE_SHARE:
            return "File Share Witness", self.profile.fsw_resource_type
        if wt.type is WitnessType.CLOUD:
            return "Cloud Witness", "Cloud Witness"
        return (wt.path or "Cluster Disk 1"), "Physical Disk"

    def _install_witness(self, core: Group) -> None:
        w = self._w
        if w.witness_resource is not None:
            core.resources.remove(w.witness_resource)
            core.touch()
            del w.resources[w.witness_resource.name]
            w.witness_resource = None
        if w.witness.configured:
            name, rtype = self._witness_resource_name()
            r = Resource(name, rtype, core)
            core.resources.insert(2, r)
            core.touch()
            w.resources[name] = r
            w.witness_resource = r

    def _claim_role_name(self, name: str) -> None:
        """Role names are unique, ignoring case. While the lab is built a set keeps the check O(1) for
        8,000 VMs; afterwards roles come and go (Remove-ClusterGroup, restores), so look at them."""
        low = name.lower()
        if self._role_names is not None:
            if low in self._role_names:
                raise InvalidArgumentError(f"Duplicate role name '{name}'.")
            self._role_names.add(low)
        elif any(g.lower() == low for g in self._w.groups):
            raise InvalidArgumentError(f"Duplicate role name '{name}'.")

    def _add_vm(self, vs: VmSpec) -> None:
        w = self._w
        self._claim_role_name(vs.name)
        if vs.memory_gb <= 0:
            raise InvalidArgumentError(f"VM '{vs.name}' needs a positive memory size.")
        for ref in (*vs.preferred_owners, *vs.possible_owners, *([vs.owner] if vs.owner else [])):
            _lookup("node", w.nodes, ref)
        if vs.csv is not None:
            _lookup("Cluster Shared Volume", w.csvs, vs.csv)
        g = Group(
            vs.name,
            GroupType.VIRTUAL_MACHINE,
            owner=vs.owner or "",
            priority=vs.priority.number,
            preferred_owners=[_lookup("node", w.nodes, n).name for n in vs.preferred_owners],
            auto_failback=vs.failback.allow,
            window_start=vs.failback.window[0] if vs.failback.window else None,
            window_end=vs.failback.window[1] if vs.failback.window else None,
            anti_affinity=list(vs.anti_affinity),
        )
        running = vs.running if vs.running is not None else vs.priority is not Priority.NO_AUTO_START
        g.intended_online = running
        possible = {_lookup("node", w.nodes, n).name for n in vs.possible_owners} or None
        cfg = self._add_resource(g, f"{VM_CONFIG_RESOURCE} {vs.name}", VM_CONFIG_RESOURCE)
        vmr = self._add_resource(g, f"{VM_RESOURCE} {vs.name}", VM_RESOURCE, P.RESTART_THRESHOLD_VM)
        cfg.possible_owners = possible
        vmr.possible_owners = possible
        vm = Vm(vs.name, g, vs.memory_gb, vs.vhd_gb, vs.csv, vs.boot_s if vs.boot_s is not None else P.VM_BOOT_S)
        vm.version = P.VM_CONFIG_VERSION[self.profile.name]  # §9.1: created at the cluster's release
        vm.dirty_mb_s = vs.dirty_mb_s if vs.dirty_mb_s is not None else P.DEFAULT_DIRTY_MB_S
        vm.monitored = list(vs.monitored_services)
        vm.protected_network = vs.protected_network
        g.vm = vm
        w.groups[vs.name] = g
        w.vms[vs.name] = vm

    def _add_file_server(self, fs: FileServerSpec) -> Group:
        """A general-purpose file server or a Scale-Out File Server role (§5, continuous availability)."""
        w = self._w
        self._claim_role_name(fs.name)
        if fs.type not in ("General", "ScaleOut"):
            raise InvalidArgumentError(f"File server '{fs.name}': type must be General or ScaleOut.")
        sofs = fs.type == "ScaleOut"
        owner = _lookup("node", w.nodes, fs.owner).name if fs.owner else next(iter(w.nodes))
        g = Group(
            fs.name,
            GroupType.SCALE_OUT_FILE_SERVER if sofs else GroupType.FILE_SERVER,
            owner,
            preferred_owners=[_lookup("node", w.nodes, n).name for n in fs.preferred_owners],
            online_s=P.SOFS_ONLINE_S if sofs else P.FILE_SERVER_ONLINE_S,
            clients=fs.clients,
            shares=list(fs.shares),
        )
        if sofs:
            self._add_resource(g, fs.name, "Distributed Network Name")
            self._add_resource(g, f"Scale-Out File Server ({fs.name})", "Scale Out File Server")
        else:
            self._add_resource(g, f"IP Address {fs.name}", "IP Address")
            self._add_resource(g, fs.name, "Network Name")
            self._add_resource(g, f"File Server (\\{fs.name})", "File Server")
        for r in g.resources:
            r.state = ResourceState.ONLINE
        w.groups[fs.name] = g
        return g

    def file_servers(self) -> tuple[FileServerSnapshot, ...]:
        out = []
        now = self.now
        w = self._w
        if self._file_server_groups[0] != w.structure:  # (looked for again only when roles come or go)
            kinds = (GroupType.FILE_SERVER, GroupType.SCALE_OUT_FILE_SERVER)
            self._file_server_groups = (w.structure, [g for g in w.groups.values() if g.type in kinds])
        for g in self._file_server_groups[1]:
            state = group_state(g)
            outage = g.client_outage + (now - g.client_down_since if g.client_down_since is not None else 0.0)
            out.append(
                FileServerSnapshot(
                    name=g.name,
                    kind="ScaleOut" if g.type is GroupType.SCALE_OUT_FILE_SERVER else "General",
                    state=state.value,
                    owner=g.owner,
                    shares=tuple(g.shares),
                    continuously_available=g.type is GroupType.SCALE_OUT_FILE_SERVER,
                    clients=g.clients,
                    connected=g.client_down_since is None and bool(self._w.partitions),
                    disconnects=g.disconnects,
                    transparent_failovers=g.transparent_failovers,
                    client_outage_s=outage,
                )
            )
        return tuple(out)

    def _place_initial(self) -> None:
        """Put every VM on its owner (or where placement says) and start it, at time 0."""
        w, roles = self._w, self._roles
        book = roles._book()
        ordered = sorted((g for g in w.groups.values() if g.vm is not None), key=lambda g: (-g.priority, g.name))
        for g in ordered:
            assert g.vm is not None
            if g.owner:
                result = roles._place(g, book, "initial placement", Mode.TARGET, target=g.owner)
                if result.node is not None:
                    g.last_placement = PlacementExplanation(
                        0.0, "initial placement", result.node, result.order, (f"owner set in the lab: {result.node}",)
                    )
            else:
                result = roles._place(g, book, "initial placement", Mode.BEST)
            if result.node is None:
                raise InvalidArgumentError(
                    f"VM '{g.name}' cannot be placed at start: {result.reasons[-1] if result.reasons else 'no node'}."
                )
            g.owner = result.node
            g.vm.host = result.node
            if g.intended_online:
                g.claim = True
                g.vm.state = VmState.RUNNING
                g.vm.running_since = 0.0
                g.vm.down_since = None
                for r in g.resources:
                    r.state = ResourceState.ONLINE
            g.vm.history.append((0.0, g.vm.state, g.vm.host))

    # time ------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self._w.now

    @property
    def name(self) -> str:
        return self._w.name

    @property
    def administrative_access_point(self) -> str:
        """§9.2: ActiveDirectoryAndDns, Dns (AD-detached) or None."""
        return self._aap

    @property
    def clock(self) -> CalendarClock:
        return self._w.clock

    def run_until(self, t: float) -> None:
        """Advance to simulated time ``t``, processing every event due at or before it."""
        env = self._w.env
        if t < env.now:
            raise InvalidArgumentError(f"Cannot go back in time (now {env.now:g} s, asked {t:g} s).")
        steps = 0
        while env.peek() <= t:
            env.step()
            steps += 1
        self._w.steps += steps
        # Nothing is scheduled before t: move the clock there without leaving a stop event
        # behind in the queue (which env.run(until=t) would do).
        env._now = t

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise InvalidArgumentError("Cannot advance by a negative time.")
        self.run_until(self.now + seconds)

    @property
    def events_processed(self) -> int:
        """simpy events processed so far (benchmarks: the cost per event)."""
        return self._w.steps

    def next_event_time(self) -> float | None:
        t = self._w.env.peek()
        return None if t == float("inf") else float(t)

    # events ----------------------------------------------------------------------------

    @property
    def events(self) -> tuple[ClusterEvent, ...]:
        return self._w.bus.events

    def events_since(self, seq: int) -> list[ClusterEvent]:
        return self._w.bus.since(seq)

    def subscribe(self, callback: Callable[[ClusterEvent], None]) -> Callable[[], None]:
        return self._w.bus.subscribe(callback)

    # lookups ---------------------------------------------------------------------------

    def _node(self, name: str) -> Node:
        return _lookup("node", self._w.nodes, name)

    def _reachable_group(self, name: str) -> Group:
        """A role the cluster can act on: not Unmonitored on an isolated node (§7.3)."""
        g = self._group(name)
        if g.unmonitored_until is not None:
            raise InvalidStateError(
                f"Role '{g.name}' is Unmonitored on isolated node '{g.owner}' (§7.3): the cluster cannot act on it "
                "until the node rejoins or its ResiliencyPeriod ends."
            )
        return g

    def _group(self, name: str) -> Group:
        return _lookup("clustered role", self._w.groups, name)

    def _vm(self, name: str) -> Vm:
        return _lookup("virtual machine", self._w.vms, name)

    def _resource(self, name: str) -> Resource:
        try:
            return _lookup("resource", self._w.resources, name)
        except ObjectNotFoundError:
            if name in self._w.vms or name.lower() in (v.lower() for v in self._w.vms):
                vm = self._vm(name)
                r = Roles.vm_resource(vm.group)
                assert r is not None
                return r
            raise

    def _require_cluster(self) -> None:
        if not self._w.partitions:
            raise QuorumError("The cluster is not running: no set of nodes holds quorum.")

    # node commands ---------------------------------------------------------------------

    def crash_node(self, name: str) -> None:
        """Lab fault: power loss / bugcheck. Survivors notice after the heartbeat threshold."""
        n = self._node(name)
        if not n.powered and not n.booting:
            raise InvalidStateError(f"Node '{n.name}' is already powered off.")
        self._members.crash(n)

    def power_on_node(self, name: str) -> None:
        """Lab repair: power the node on; ClusSvc starts after it boots and it joins. A server that is
        not a node (evicted while off, §9.1) just boots."""
        server = next((x for x in self._w.servers.values() if x.name.lower() == str(name).lower()), None)
        if server is not None:
            self._boot_server(server)
            return
        n = self._node(name)
        if n.powered or n.booting:
            raise InvalidStateError(f"Node '{n.name}' is already powered on.")
        self._members.power_on(n)

    def stop_node(self, name: str) -> None:
        """Stop-ClusterNode: move roles away, stop ClusSvc; refused if quorum would be lost."""
        n = self._node(name)
        if not n.powered:
            raise InvalidStateError(f"Node '{n.name}' is powered off.")
        self._members.stop_service(n)

    def stop_cluster(self) -> None:
        """Stop-Cluster: roles offline (VMs saved, persistent state kept), then ClusSvc stops everywhere."""
        self._members.stop_cluster()

    def start_cluster(self) -> list[str]:
        """Start-Cluster: ClusSvc starts on every powered node; they form and bring the roles back."""
        return self._members.start_cluster()

    @property
    def running(self) -> bool:
        """Some set of nodes runs the cluster with quorum."""
        return bool(self._w.partitions)

    def start_node(
        self, name: str, *, force_quorum: bool = False, prevent_quorum: bool = False, clear_quarantine: bool = False
    ) -> None:
        """Start-ClusterNode [-ForceQuorum] [-PreventQuorum] [-ClearQuarantine] (§1.9, §7.3)."""
        n = self._node(name)
        if force_quorum and prevent_quorum:
            raise InvalidArgumentError("ForceQuorum and PreventQuorum cannot be used together.")
        if clear_quarantine and self._members.quarantined(n):
            self._members.clear_quarantine(n, "Start-ClusterNode -ClearQuarantine")
            if n.live and (n.is_member or n.joining):
                return  # its ClusSvc was running and waiting: it joins now
        if not n.powered:
            raise InvalidStateError(
                f"Node '{n.name}' is powered off" + (" (still booting)." if n.booting else ". Power it on first.")
            )
        self._members.start_service(n, force_quorum, prevent_quorum)

    def suspend_node(self, name: str) -> None:
        """Suspend-ClusterNode (pause without drain): no new roles can move to the node."""
        n = self._node(name)
        if not n.is_member:
            raise InvalidStateError(f"Node '{n.name}' is not an active member of the cluster.")
        if n.paused:
            raise InvalidStateError(f"Node '{n.name}' is already paused.")
        n.paused = True
        self._w.emit("NodePaused", n.name, node=n.name)

    def resume_node(self, name: str, failback: str = "NoFailback") -> None:
        """Resume-ClusterNode [-Failback NoFailback|Immediate|Policy] (§6.3)."""
        n = self._node(name)
        if failback not in ("NoFailback", "Immediate", "Policy"):
            raise InvalidArgumentError("Failback must be NoFailback, Immediate or Policy.")
        if not n.is_member:
            raise InvalidStateError(
                f"Node '{n.name}' is not in the active membership: resume it once its Cluster service has joined"
                + (" (it stays paused meanwhile: a pause is persistent)." if n.paused else ".")
            )
        if not n.paused:
            raise InvalidStateError(f"Node '{n.name}' is not paused.")
        n.paused = False
        if n.drain_status is DrainStatus.IN_PROGRESS:
            n.drain_status = DrainStatus.NOT_INITIATED
        self._w.emit("NodeResumed", n.name, node=n.name)
        self._roles.failback_drained(n.name, failback)
        self._roles.retry_waiting()

    def drain_node(self, name: str, *, target: str | None = None, force: bool = False) -> None:
        """Suspend-ClusterNode -Drain [-TargetNode] [-ForceDrain] (§6.2)."""
        self._require_cluster()
        n = self._node(name)
        if not n.is_member or not n.live:
            raise InvalidStateError(f"Node '{n.name}' is not an active member of the cluster.")
        if n.drain_status is DrainStatus.IN_PROGRESS:
            raise InvalidStateError(f"Node '{n.name}' is already draining.")
        dest = None
        if target is not None:
            dest = self._node(target).name
            if dest == n.name:
                raise InvalidArgumentError("The drain target must be another node.")
            if not self._w.nodes[dest].can_host:
                raise InvalidStateError(f"The drain target '{dest}' cannot host roles now.")
        self._roles.drain(n.name, target=dest, force=force)

    def shutdown_node(self, name: str, *, restart: bool = False) -> None:
        """Stop-Computer / Restart-Computer on a node: drain on shutdown, then power off (§6.4)."""
        n = self._node(name)
        if not n.powered:
            raise InvalidStateError(f"Node '{n.name}' is powered off.")
        self._members.shutdown(n, restart)

    # storage (§4, §5.6) ------------------------------------------------------------------

    def _csv(self, name: str) -> Csv:
        return _lookup("Cluster Shared Volume", self._w.csvs, name)

    def lose_storage_path(self, node: str, csv: str) -> None:
        """Lab fault: the node loses its path to the CSV's LUN (its I/O goes block redirected)."""
        n = self._node(node)
        c = self._csv(csv)
        if n.name in c.paths_lost:
            raise InvalidStateError(f"Node '{n.name}' has already lost its path to '{c.name}'.")
        self._roles.storage.lose_path(c, n.name)

    def set_csv_redirected(self, csv: str, on: bool) -> None:
        """Suspend-ClusterResource -RedirectedAccess / Resume-ClusterResource on a CSV (§4.3)."""
        self._require_cluster()
        c = self._csv(csv)
        if c.redirected == on:
            raise InvalidStateError(f"Redirected access is already {'on' if on else 'off'} for '{c.name}'.")
        self._roles.storage.set_redirected(c, on)

    def set_csv_maintenance(self, csv: str, on: bool) -> None:
        """Suspend-ClusterResource (no -RedirectedAccess) / Resume-ClusterResource on a CSV: maintenance
        stops every role using the volume, e.g. for chkdsk /f (§4.3, [S46])."""
        self._require_cluster()
        c = self._csv(csv)
        if c.maintenance == on:
            raise InvalidStateError(f"Maintenance is already {'on' if on else 'off'} for '{c.name}'.")
        self._roles.storage.set_maintenance(c, on, lambda vm: self._roles.stop_group(vm.group, "save"))

    @property
    def resiliency(self) -> dict[str, int]:
        """§7.3 cluster common properties of compute resiliency and quarantine (2016+)."""
        w = self._w
        return {
            "ResiliencyLevel": w.resiliency_level,
            "ResiliencyDefaultPeriod": w.resiliency_default_period,
            "QuarantineThreshold": w.quarantine_threshold,
            "QuarantineDuration": w.quarantine_duration,
        }

    def set_resiliency(self, key: str, value: int) -> None:
        """(Get-Cluster).ResiliencyLevel = 1|2, .ResiliencyDefaultPeriod, .QuarantineThreshold,
        .QuarantineDuration (seconds; 0xFFFFFFF = until cleared) — §7.3."""
        w = self._w
        if not w.profile.compute_resiliency:
            raise InvalidArgumentError(
                f"{key}: VM compute resiliency arrived with Windows Server 2016, not {self.profile.display_name}."
            )
        if key == "ResiliencyLevel":
            if value not in (1, 2):
                raise InvalidArgumentError(
                    "ResiliencyLevel must be 1 (IsolateOnSpecialHeartbeat) or 2 (AlwaysIsolate)."
                )
            w.resiliency_level = value
        elif key == "ResiliencyDefaultPeriod":
            if not 0 <= value <= 24 * 3600:
                raise InvalidArgumentError("ResiliencyDefaultPeriod is in seconds, from 0 (off) to 86400.")
            w.resiliency_default_period = value
        elif key == "QuarantineThreshold":
            if not 1 <= value <= 1000:
                raise InvalidArgumentError("QuarantineThreshold must be at least 1 (failures within an hour).")
            w.quarantine_threshold = value
        elif key == "QuarantineDuration":
            if not 0 <= value <= P.QUARANTINE_FOREVER:
                raise InvalidArgumentError(
                    f"QuarantineDuration is in seconds, 0 to {P.QUARANTINE_FOREVER:#x} (never leave on its own)."
                )
            w.quarantine_duration = value
        else:
            raise InvalidArgumentError(f"'{key}' is not a compute resiliency property.")

    def set_resiliency_period(self, group: str, seconds: int) -> None:
        """(Get-ClusterGroup VM).ResiliencyPeriod = s; −1 = the cluster's ResiliencyDefaultPeriod (§7.3)."""
        g = self._group(group)
        if not self._w.profile.compute_resiliency:
            raise InvalidArgumentError(
                f"ResiliencyPeriod: VM compute resiliency arrived with Windows Server 2016, not "
                f"{self.profile.display_name}."
            )
        if seconds < -1 or seconds > 24 * 3600:
            raise InvalidArgumentError("ResiliencyPeriod is in seconds (0 to 86400), or -1 for the cluster default.")
        g.resiliency_period = seconds

    def cau_status(self) -> dict[str, object]:
        """The latest Updating Run for lab expectations (``cau:``): status, nodes_updated, failed_nodes, locked."""
        return self.cau.status()

    def arm_bad_update(self, name: str) -> None:
        """Lab fault: the next update installed on the node leaves it unable to boot (§8.4 triggers)."""
        n = self._node(name)
        if not self.cau.pending.get(n.name):
            raise InvalidStateError(f"Node '{n.name}' has no pending updates to break.")
        self.cau.bad_update.add(n.name)
        self._w.emit("BadUpdateArmed", n.name, node=n.name)

    def arm_update_failure(self, name: str, count: int = 1) -> None:
        """Lab fault: the next ``count`` update installations on the node fail (MaxRetriesPerNode)."""
        n = self._node(name)
        if count < 1:
            raise InvalidArgumentError("Count must be at least 1.")
        self.cau.fail_installs[n.name] = self.cau.fail_installs.get(n.name, 0) + count
        self._w.emit("UpdateFailureArmed", n.name, node=n.name, count=count)

    # sites (§1.7, 2016+ site awareness) ----------------------------------------------------

    def _require_sites(self, what: str) -> None:
        if not self.profile.compute_resiliency:
            raise InvalidArgumentError(
                f"{what}: site awareness arrived with Windows Server 2016, not {self.profile.display_name}."
            )

    def _site(self, name: str) -> str:
        return _lookup("site fault domain", {s: s for s in self._w.sites}, name)

    def fault_domains(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Get-ClusterFaultDomain: each site and the nodes in it."""
        w = self._w
        return tuple((s, tuple(n for n in w.node_order() if w.nodes[n].site == s)) for s in w.sites)

    def new_site(self, name: str) -> None:
        """New-ClusterFaultDomain -Type Site."""
        self._require_sites("New-ClusterFaultDomain")
        if not name.strip():
            raise InvalidArgumentError("A site needs a name.")
        if any(s.lower() == name.lower() for s in self._w.sites) or name.lower() in (n.lower() for n in self._w.nodes):
            raise InvalidStateError(f"A fault domain named '{name}' already exists.")
        self._w.sites.append(name)
        self._w.emit("SiteAdded", self.name, site=name)

    def set_node_site(self, node: str, site: str | None) -> None:
        """Set-ClusterFaultDomain -Name NODE -Parent SITE: the node's site (the heartbeat and placement use it)."""
        self._require_sites("Set-ClusterFaultDomain")
        n = self._node(node)
        n.site = self._site(site) if site else None
        self._w.emit("NodeSiteSet", n.name, node=n.name, site=n.site or "(none)")
        self._members.topology_changed()

    @property
    def preferred_site(self) -> str | None:
        return self._w.preferred_site

    def set_preferred_site(self, site: str | None) -> None:
        """(Get-Cluster).PreferredSite = 'SiteA' (§1.7 [S3:preferredsite][S66]); '' clears it."""
        self._require_sites("PreferredSite")
        self._w.preferred_site = self._site(site) if site else None
        self._members.commit_votes()  # the tie-breaker now spares the preferred site

    def set_group_preferred_site(self, group: str, site: str | None) -> None:
        """(Get-ClusterGroup X).PreferredSite = 'SiteB': this role prefers that site (§1.7 [S66])."""
        self._require_sites("PreferredSite")
        self._group(group).preferred_site = self._site(site) if site else None

    # guest clusters ---------------------------------------------------------------------------

    def guest_clusters(self) -> tuple[GuestClusterSnapshot, ...]:
        return tuple(self._guests.snapshot(gc) for gc in self._guests.clusters.values())

    def guest_cluster(self, name: str) -> GuestClusterSnapshot:
        return self._guests.snapshot(self._guests.get(name))

    def vm_disks(self, vm: str) -> tuple[tuple[str, bool], ...]:
        """Get-VMHardDiskDrive: (path, SupportPersistentReservations) of the VM's disks."""
        v = _lookup("VM", self._w.vms, vm)
        disks = [(f"C:\\ClusterStorage\\{v.csv or 'Volume1'}\\{v.name}\\{v.name}.vhdx", False)]
        for gc in self._guests.of_vm(v.name):
            for file, csv in gc.shared:
                if file in gc.attached.get(v.name, set()):
                    disks.append((f"C:\\ClusterStorage\\{csv}\\{gc.name}\\{file}", True))
        return tuple(disks)

    def attach_vm_disk(self, vm: str, path: str, persistent_reservations: bool) -> str:
        """Add-VMHardDiskDrive: in this lab, attaching a guest cluster's shared VHDX to a member."""
        v = _lookup("VM", self._w.vms, vm)
        return self._guests.attach(v.name, path, persistent_reservations)

    def set_guest_threshold(self, name: str, seconds: float) -> None:
        """What (Get-Cluster).SameSubnetThreshold does inside the guest cluster (§2.2 [S67])."""
        self._guests.set_threshold(name, seconds)

    def crash_clussvc(self, name: str) -> None:
        """Lab fault: ClusSvc terminates on the node; its VMs keep running; the SCM restarts it."""
        n = self._node(name)
        if not n.powered:
            raise InvalidStateError(f"Node '{n.name}' is powered off.")
        if n.service is not Service.RUNNING:
            raise InvalidStateError(f"The Cluster service on node '{n.name}' is not running.")
        self._members.crash_service(n)

    @property
    def auto_balancer(self) -> tuple[int, int]:
        """(AutoBalancerMode, AutoBalancerLevel), §3.11; mode 0 on profiles without VM load balancing."""
        return self._roles.auto_balancer_mode, self._roles.auto_balancer_level

    def set_auto_balancer(self, mode: int | None = None, level: int | None = None) -> None:
        """(Get-Cluster).AutoBalancerMode = 0|1|2 and .AutoBalancerLevel = 1|2|3 (2016+, §3.11)."""
        if not self._w.profile.vm_load_balancing:
            raise InvalidArgumentError(
                f"VM load balancing arrived with Windows Server 2016, not {self.profile.display_name}."
            )
        if mode is not None and mode not in (0, 1, 2):
            raise InvalidArgumentError(
                "AutoBalancerMode must be 0 (disabled), 1 (on node join) or 2 (on node join and every 30 minutes)."
            )
        if level is not None and level not in (1, 2, 3):
            raise InvalidArgumentError(
                "AutoBalancerLevel must be 1 (Low, above 80 %), 2 (Medium, 70 %) or 3 (High, 60 %)."
            )
        if mode is not None:
            self._roles.auto_balancer_mode = mode
        if level is not None:
            self._roles.auto_balancer_level = level
        self._roles.arm_balancer()

    def balance_vms(self) -> tuple[tuple[str, str, str], ...]:
        """Evaluate VM load balancing now (what the periodic evaluation does): (VM, from, to) per move."""
        self._require_cluster()
        if not self._w.profile.vm_load_balancing:
            raise InvalidStateError(
                f"VM load balancing arrived with Windows Server 2016, not {self.profile.display_name}."
            )
        return tuple((m.group, m.source, m.target) for m in self._roles.balance("requested by the lab"))

    def csv_in_maintenance(self, name: str) -> bool:
        csv = self._w.csvs.get(name)
        return csv is not None and csv.maintenance

    def move_csv(self, csv: str, node: str | None = None) -> str:
        """Move-ClusterSharedVolume: a new coordinator (brief I/O pause, §4.2)."""
        self._require_cluster()
        c = self._csv(csv)
        w = self._w
        if node is None:
            others = [m for m in w.members() if m != c.owner and w.nodes[m].can_host and m not in c.paths_lost]
            if not others:
                raise InvalidStateError(f"No other node can coordinate '{c.name}'.")
            # Like the cluster's own balancing (§4.2): the node coordinating the fewest CSVs.
            load = {m: sum(1 for x in w.csvs.values() if x.owner == m) for m in others}
            target = min(others, key=lambda m: (load[m], w.nodes[m].id))
        else:
            target = self._node(node).name
            if target == c.owner:
                raise InvalidStateError(f"Node '{target}' already coordinates '{c.name}'.")
            if not w.nodes[target].can_host:
                raise InvalidStateError(f"Node '{target}' cannot take ownership now (not an Up member).")
            if target in c.paths_lost:
                raise InvalidStateError(f"Node '{target}' has no path to '{c.name}' and cannot coordinate it.")
        self._roles.storage.move_coordinator(c, target)
        return target

    def storage_migrate(self, vm: str, csv: str) -> None:
        """Move-VMStorage: copy the VM's files to another CSV while it runs (§5.6)."""
        self._require_cluster()
        v = self._vm(vm)
        target = self._csv(csv).name
        if v.csv is None:
            raise InvalidStateError(f"The virtual machine '{v.name}' is not stored on a Cluster Shared Volume.")
        if v.csv == target:
            raise InvalidStateError(f"The virtual machine '{v.name}' is already stored on '{target}'.")
        for name in (v.csv, target):
            if self._csv(name).maintenance:
                raise InvalidStateError(f"'{name}' is in maintenance: Resume-ClusterResource -Name '{name}' first.")
        if self._roles.storage.current_move(v) is not None:
            raise InvalidStateError(f"A storage migration of '{v.name}' is already in progress.")
        if any(gc.attached.get(v.name) for gc in self._guests.of_vm(v.name)):
            raise InvalidStateError(
                f"'{v.name}' has a shared VHDX attached (guest cluster): storage migration cannot move shared "
                "virtual hard disks (§5.6)."
            )
        for name in (v.csv, target):
            if not self._roles.storage.accessible(self._csv(name)):
                raise InvalidStateError(f"'{name}' is not accessible from any node: the files cannot be copied.")
        if v.state not in ACTIVE_VM_STATES:
            v.csv = target  # an offline VM's files are simply copied
            return
        self._roles.storage.request_move(v, target)

    @property
    def block_cache_mb(self) -> int:
        return self._w.block_cache_mb

    def set_block_cache(self, mb: int) -> None:
        """(Get-Cluster).BlockCacheSize = MB (§4.4, 2012 R2+): CSV read cache per node, at most 80 % of
        RAM; a size the nodes cannot give is cut down (5149). The cache comes out of VM memory."""
        w = self._w
        if mb < 0:
            raise InvalidArgumentError("BlockCacheSize cannot be negative.")
        size = mb
        for n in w.nodes.values():
            vms = w.node_memory_used(n.name) - w.block_cache_mb / 1024.0
            room = int(min(n.memory_gb * 0.8, n.memory_gb - vms) * 1024)
            if size > room:
                size = max(0, room)
                w.emit("CsvCacheResized", n.name, size=size, requested=mb, node=n.name)
        w.block_cache_mb = size

    def add_csv(self, disk: str) -> str:
        """Add-ClusterSharedVolume: a disk from Available Storage becomes a CSV (§4.1)."""
        self._require_cluster()
        w = self._w
        storage = w.groups[AVAILABLE_STORAGE]
        r = next((x for x in storage.resources if x.name.lower() == disk.lower()), None)
        if w.witness_resource is not None and w.witness_resource.name.lower() == disk.lower():
            raise InvalidStateError(
                f"'{w.witness_resource.name}' is the disk witness and cannot be a Cluster Shared Volume (§4.1)."
            )
        if r is None:
            if disk in w.csvs:
                raise InvalidStateError(f"'{disk}' is already a Cluster Shared Volume.")
            close = difflib.get_close_matches(disk, [x.name for x in storage.resources], n=1)
            raise ObjectNotFoundError("disk in Available Storage", disk, close[0] if close else None)
        if r is w.witness_resource:
            raise InvalidStateError(f"'{r.name}' is the disk witness and cannot be a Cluster Shared Volume (§4.1).")
        storage.resources.remove(r)
        storage.touch()
        del w.resources[r.name]
        w.csvs[r.name] = Csv(r.name, self._disk_sizes.get(r.name, 1024.0))
        self._roles.assign_csvs()
        return r.name

    def remove_csv(self, name: str) -> None:
        """Remove-ClusterSharedVolume: back to Available Storage; refused while VMs use it."""
        self._require_cluster()
        w = self._w
        c = self._csv(name)
        users = [v.name for v in w.vms.values() if v.csv == c.name]
        if users:
            raise InvalidStateError(f"'{c.name}' is in use by {', '.join(users)}: move their storage first.")
        del w.csvs[c.name]
        self._disk_sizes[c.name] = c.size_gb
        disk = self._add_resource(w.groups[AVAILABLE_STORAGE], c.name, "Physical Disk")
        disk.state = ResourceState.ONLINE

    # VM monitoring (§7.1) ------------------------------------------------------------------

    def add_monitored_item(self, vm: str, item: str) -> None:
        """Add-ClusterVMMonitoredItem: watch a service (or an event-log item) inside the guest."""
        v = self._vm(vm)
        if not item:
            raise InvalidArgumentError("Name a service (-Service) or an event (-EventLog -EventSource -EventId).")
        if item.lower() in (m.lower() for m in v.monitored):
            raise InvalidStateError(f"'{item}' is already monitored in '{v.name}'.")
        v.monitored.append(item)
        v.touch()

    def remove_monitored_item(self, vm: str, item: str) -> None:
        v = self._vm(vm)
        match = next((m for m in v.monitored if m.lower() == item.lower()), None)
        if match is None:
            raise ObjectNotFoundError("monitored item", item)
        v.monitored.remove(match)
        v.touch()

    def monitored_items(self, vm: str) -> tuple[str, ...]:
        return tuple(self._vm(vm).monitored)

    def reset_monitored_state(self, vm: str) -> None:
        """Reset-ClusterVMMonitoredState: clear the application-critical flag."""
        self._vm(vm).critical = False

    def fail_guest_service(self, vm: str, service: str) -> None:
        """Lab fault: a service inside the guest terminates (VM monitoring, §7.1)."""
        v = self._vm(vm)
        if v.state is not VmState.RUNNING or v.guest_hung:
            raise InvalidStateError(f"The guest of '{v.name}' is not running ({v.state.value}).")
        self._roles.guest_service_failed(v, service)

    def crash_guest(self, vm: str) -> None:
        """Lab fault: the guest OS stops responding; the heartbeat integration service notices."""
        v = self._vm(vm)
        if v.state is not VmState.RUNNING or v.guest_hung:
            raise InvalidStateError(f"The guest of '{v.name}' is not running ({v.state.value}).")
        self._roles.guest_crashed(v)

    # network health protection (§7.2) --------------------------------------------------

    def lose_switch_uplink(self, node: str, switch: str = "External") -> None:
        """Lab fault: a virtual switch on the node loses its physical uplink. VMs with a protected
        adapter on it live-migrate (queued like any migration) to nodes where that switch is
        healthy (1255); unprotected ones stay (§7.2; not on 2012, which predates the feature)."""
        n = self._node(node)
        if switch in n.uplinks_down:
            raise InvalidStateError(f"Virtual switch '{switch}' on '{n.name}' has already lost its uplink.")
        n.uplinks_down.add(switch)
        self._w.emit("SwitchUplinkLost", n.name, node=n.name, switch=switch)
        if self.profile.name != "2012":
            self._roles.protect_networks(n.name, switch)

    def restore_switch_uplinks(self, node: str) -> bool:
        n = self._node(node)
        if not n.uplinks_down:
            return False
        for switch in sorted(n.uplinks_down):
            self._w.emit("SwitchUplinkRestored", n.name, node=n.name, switch=switch)
        n.uplinks_down.clear()
        self._roles.network_recovered(n.name)  # §7.2: queued protective migrations are canceled
        return True

    def set_protected_network(self, vm: str, protected: bool) -> None:
        """Set-VMNetworkAdapter -NotMonitoredInCluster (the Protected network checkbox, §7.2)."""
        self._vm(vm).protected_network = protected

    def vm_network_adapter(self, vm: str) -> tuple[str, bool, bool]:
        """(switch, protected, uplink healthy on its host)."""
        v = self._vm(vm)
        host = self._w.nodes.get(v.host)
        healthy = host is None or v.switch not in host.uplinks_down
        return v.switch, v.protected_network, healthy

    def storage_migration_running(self, vm: str) -> bool:
        return self._roles.storage.current_move(self._vm(vm)) is not None

    def csv_state(self, csv: str, node: str) -> tuple[str, str]:
        """(I/O mode, reason) of one node for one CSV (Get-ClusterSharedVolumeState)."""
        return self._roles.storage.io_mode(self._csv(csv), self._node(node).name)

    # live migration ------------------------------------------------------------------------

    def live_migrate(self, name: str, node: str | None = None) -> PlacementExplanation:
        """Move-ClusterVirtualMachineRole (-MigrationType Live, the default): queue a live migration."""
        self._require_cluster()
        g = self._reachable_group(name)
        vm = g.vm
        if vm is None:
            raise InvalidStateError(f"The clustered role '{g.name}' is not a virtual machine.")
        if vm.state is not VmState.RUNNING:
            raise InvalidStateError(
                f"The virtual machine '{g.name}' is {vm.state.value}: only a running VM can be live-migrated "
                "(use Move-ClusterGroup to quick-migrate or move an offline role)."
            )
        if self._roles.migrations.current(g) is not None or g.migrating_to:
            raise InvalidStateError(
                f"A migration of '{g.name}' is already in progress (0x800700AA: another migration was in progress)."
            )
        target = self._node(node).name if node is not None else None
        if target == g.owner:
            raise InvalidStateError(f"The virtual machine '{g.name}' is already running on node '{target}'.")
        book = self._roles._book()
        if target is None:
            result = self._roles._place(
                g, book, "live migration", Mode.BEST, allow_preempt=False, start=True, exclude=[g.owner]
            )
        else:
            result = self._roles._place(g, book, "live migration", Mode.TARGET, target, allow_preempt=False, start=True)
        if result.node is None:
            raise InvalidStateError(
                f"The virtual machine '{g.name}' could not be live-migrated: "
                + (result.reasons[-1] if result.reasons else "no node can host it")
                + "."
            )
        self._roles.live_move(g, result.node, "live migration")
        assert g.last_placement is not None
        return g.last_placement

    def cancel_migration(self, name: str) -> None:
        """Move-ClusterVirtualMachineRole -Cancel: the VM stays on the source (§5.4)."""
        g = self._group(name)
        m = self._roles.migrations.current(g)
        if m is None:
            raise InvalidStateError(f"No live migration of '{g.name}' is in progress.")
        self._roles.migrations.cancel(m)

    def set_vm_host(
        self,
        name: str,
        *,
        max_vm_migrations: int | None = None,
        max_storage_migrations: int | None = None,
        option: str | None = None,
    ) -> None:
        """Set-VMHost -MaximumVirtualMachineMigrations / -MaximumStorageMigrations /
        -VirtualMachineMigrationPerformanceOption (§5.2, §5.3)."""
        n = self._node(name)
        for value in (max_vm_migrations, max_storage_migrations):
            if value is not None and not 1 <= value <= 64:
                raise InvalidArgumentError("The number of simultaneous migrations must be between 1 and 64.")
        if option is not None and option not in ("TCPIP", "Compression", "SMB"):
            raise InvalidArgumentError("The performance option must be TCPIP, Compression or SMB.")
        if max_vm_migrations is not None:
            n.max_vm_migrations = max_vm_migrations
        if max_storage_migrations is not None:
            n.max_storage_migrations = max_storage_migrations
        if option is not None:
            n.migration_option = option
        self._roles.migrations._pump()

    def vm_host(self, name: str) -> dict[str, object]:
        n = self._node(name)
        return {
            "Name": n.name,
            "MaximumVirtualMachineMigrations": n.max_vm_migrations,
            "MaximumStorageMigrations": n.max_storage_migrations,
            "VirtualMachineMigrationPerformanceOption": n.migration_option,
            "MemoryCapacity": int(n.memory_gb * 1024**3),
            "LogicalProcessorCount": n.cpus,
        }

    @property
    def max_parallel_migrations(self) -> int | None:
        return self._w.max_parallel_migrations

    def set_max_parallel_migrations(self, value: int) -> None:
        """(Get-Cluster).MaximumParallelMigrations (2022, §5.2)."""
        if self.profile.name != "2022":
            raise InvalidArgumentError("MaximumParallelMigrations exists on Windows Server 2022 (2022-09 CU) only.")
        if not 1 <= value <= 64:
            raise InvalidArgumentError("MaximumParallelMigrations must be between 1 and 64.")
        self._w.max_parallel_migrations = value
        self._roles.migrations._pump()

    @property
    def drain_on_shutdown(self) -> bool:
        return self._w.drain_on_shutdown

    def set_drain_on_shutdown(self, enabled: bool) -> None:
        self._w.drain_on_shutdown = bool(enabled)

    def set_vm_workload(self, name: str, dirty_mb_s: float) -> None:
        """Lab control: how fast the guest dirties memory (what makes live migration take passes)."""
        if dirty_mb_s < 0:
            raise InvalidArgumentError("The dirty rate cannot be negative.")
        self._vm(name).dirty_mb_s = dirty_mb_s

    def migrations(self, finished: int | None = None) -> tuple[MigrationSnapshot, ...]:
        """Live migrations in request order: every one, or the open ones plus the last ``finished``
        (storage migrations: :meth:`storage_migrations`)."""
        engine = self._roles.migrations
        out = []
        open_ids = {id(m) for m in engine.open}
        for m in _open_and_last_finished(engine.all, lambda m: id(m) in open_ids, finished):
            percent, left = engine.progress(m)
            out.append(
                MigrationSnapshot(
                    id=m.id,
                    vm=m.vm.name,
                    kind="Live",
                    source=m.source,
                    target=m.target,
                    state=m.state.value,
                    passes=m.passes,
                    percent=percent,
                    gb_left=round(left, 3),
                    rate_gbps=round(m.rate, 3),
                    requested=m.requested,
                    started=m.started,
                    finished=m.finished,
                    reason=m.reason,
                    failure=m.failure,
                )
            )
        return tuple(out)

    def storage_migrations(self, finished: int | None = None) -> tuple[MigrationSnapshot, ...]:
        """Storage migrations (Move-VMStorage, §5.6) as migrations of ``kind`` "Storage": source and
        target are CSVs; state Queued / Copying / Done / Failure; every one, or the open ones plus
        the last ``finished``."""
        storage = self._roles.storage
        out = []
        for m in _open_and_last_finished(storage.moves, lambda m: m.state in ("Queued", "Copying"), finished):
            copied = storage.copied(m)
            out.append(
                MigrationSnapshot(
                    id=m.id,
                    vm=m.vm.name,
                    kind="Storage",
                    source=m.source_csv,
                    target=m.target_csv,
                    state="Failure" if m.state == "Failed" else m.state,
                    passes=0,
                    percent=round(100.0 * copied / m.size_gb, 1) if m.size_gb else 100.0,
                    gb_left=round(m.size_gb - copied, 3),
                    rate_gbps=round(m.rate, 3) if m.state == "Copying" else 0.0,
                    requested=m.requested,
                    started=m.started,
                    finished=m.finished,
                    reason=f"Move-VMStorage on {m.host}",
                    failure=m.failure,
                )
            )
        return tuple(out)

    # network and witness faults --------------------------------------------------------

    def isolate_node(self, name: str, network: str | None = None) -> None:
        """Lab fault: cut the node from every cluster network, or from one."""
        n = self._node(name)
        if network is None:
            nets = [net.name for net in self._w.networks.values()]
        else:
            nets = [_lookup("cluster network", self._w.networks, network).name]
        n.detached.update(nets)
        self._w.emit("NodeIsolatedFault", n.name, node=n.name, networks=", ".join(nets))
        self._members.topology_changed()

    def partition_networks(self, groups: Sequence[Iterable[str]]) -> None:
        """Lab fault: split every cluster network into the given groups of nodes."""
        w = self._w
        resolved: list[list[str]] = []
        seen: set[str] = set()
        for grp in groups:
            names = [self._node(x).name for x in grp]
            for n in names:
                if n in seen:
                    raise InvalidArgumentError(f"Node '{n}' appears in more than one partition group.")
                seen.add(n)
            if names:
                resolved.append(names)
        rest = [n for n in w.node_order() if n not in seen]
        if rest:
            resolved.append(rest)
        if len(resolved) < 2:
            raise InvalidArgumentError("A partition needs at least two groups of nodes.")
        w.split = resolved
        w.emit("NetworkPartitioned", w.name, groups=" | ".join(",".join(g) for g in resolved))
        self._members.topology_changed()

    def heal_network(self, name: str | None = None) -> None:
        """Lab repair: undo partitions and isolation (of one node, or everywhere)."""
        w = self._w
        if name is None:
            w.split = None
            for n in w.nodes.values():
                n.detached.clear()
            w.emit("NetworkHealed", w.name, what="every cluster network")
        else:
            n = self._node(name)
            n.detached.clear()
            w.emit("NetworkHealed", n.name, what=f"node '{n.name}'")
        self._members.topology_changed()

    def fail_witness(self) -> None:
        w = self._w
        if not w.witness.configured:
            raise InvalidStateError("The cluster has no witness.")
        if not w.witness.healthy:
            raise InvalidStateError("The witness is already unreachable.")
        w.witness.healthy = False
        w.emit("WitnessFailedFault", w.name, witness_type=w.witness.type.value)
        r = w.witness_resource
        if r is not None and w.partitions:
            r.state = ResourceState.FAILED
            if w.witness.type is WitnessType.FILE_SHARE:
                w.emit("FswAliveFailure", r.name, resource=r.name)
            elif w.witness.type is WitnessType.CLOUD:
                w.emit("CloudWitnessUnreachable", r.name, resource=r.name)
            w.emit("ResourceFailed", CORE_GROUP, resource=r.name, resource_type=r.type, group=CORE_GROUP)
        self._members.commit_votes()

    def restore_witness(self) -> None:
        w = self._w
        if not w.witness.configured:
            raise InvalidStateError("The cluster has no witness.")
        if w.witness.healthy:
            raise InvalidStateError("The witness is not failed.")
        w.witness.healthy = True
        if w.witness_resource is not None and w.partitions:
            w.witness_resource.state = ResourceState.ONLINE
        w.emit("WitnessRestored", w.name, witness_type=w.witness.type.value)
        self._members.commit_votes()
        self._members.try_join_all()

    def repair_node(self, name: str) -> None:
        """Repair-LabFault -Node: reconnect the node, restore its storage paths, power it on."""
        n = self._node(name)
        touched = False
        if n.boot_broken:
            # The bad update is rolled back (§8.4 lab fault): the node can boot again.
            self._w.emit("UpdateRolledBack", n.name, node=n.name, kb=n.boot_broken)
            self.cau.roll_back(n.name, n.boot_broken)
            n.boot_broken = ""
            n.booting = False
            n.epoch += 1
            touched = True
        if any(n.name in c.paths_lost for c in self._w.csvs.values()):
            self._roles.storage.restore_paths(n.name)
            touched = True
        if self.restore_switch_uplinks(n.name):
            touched = True
        if n.detached:
            n.detached.clear()
            self._w.emit("NetworkHealed", n.name, what=f"node '{n.name}'")
            touched = True
        if not n.powered and not n.booting:
            self._members.power_on(n)
            touched = True
        if touched:
            self._members.topology_changed()
        else:
            raise InvalidStateError(f"Node '{n.name}' has no fault to repair.")

    def repair_all(self) -> None:
        w = self._w
        if w.split is not None or any(n.detached for n in w.nodes.values()):
            self.heal_network()
        if not w.witness.healthy:
            self.restore_witness()
        for n in w.nodes.values():
            if not n.powered and not n.booting:
                self._members.power_on(n)
        for r in w.resources.values():
            r.fail_next = 0
            r.fail_on.clear()
        for n in w.nodes.values():
            self._roles.storage.restore_paths(n.name)
            self.restore_switch_uplinks(n.name)

    # cluster settings ------------------------------------------------------------------

    #: §2.2 ranges of the heartbeat properties.
    HEARTBEAT_RANGES: ClassVar[dict[str, tuple[int, int]]] = {
        "SameSubnetDelay": (250, 2000),
        "SameSubnetThreshold": (3, 120),
        "CrossSubnetDelay": (250, 4000),
        "CrossSubnetThreshold": (3, 120),
        "CrossSiteDelay": (250, 4000),
        "CrossSiteThreshold": (3, 120),
    }

    def heartbeat(self) -> dict[str, int]:
        return dict(self._w.heartbeat)

    def set_heartbeat(self, name: str, value: int) -> None:
        """Set SameSubnetDelay/Threshold or CrossSubnetDelay/Threshold; effective at once (§2.2)."""
        key = next((k for k in self.HEARTBEAT_RANGES if k.lower() == name.lower()), None)
        if key is not None and key not in self._w.heartbeat:
            raise InvalidArgumentError(f"{key}: site thresholds arrived with Windows Server 2016.")
        if key is None:
            raise InvalidArgumentError(f"Unknown heartbeat setting '{name}'.")
        lo, hi = self.HEARTBEAT_RANGES[key]
        if not lo <= value <= hi:
            raise InvalidArgumentError(f"{key} must be between {lo} and {hi}.")
        hb = dict(self._w.heartbeat)
        hb[key] = value
        if hb["SameSubnetDelay"] > hb["CrossSubnetDelay"] or hb["SameSubnetThreshold"] > hb["CrossSubnetThreshold"]:
            raise InvalidArgumentError("Same-subnet values must not exceed the cross-subnet values (§2.2).")
        self._w.heartbeat[key] = value

    def set_network_role(self, name: str, role: NetworkRole) -> None:
        """(Get-ClusterNetwork X).Role = 0|1|3: None takes it out of cluster communication (§2.5)."""
        net = _lookup("cluster network", self._w.networks, name)
        others = [n for n in self._w.cluster_networks() if n is not net]
        if role is NetworkRole.NONE and not others:
            raise InvalidStateError("At least one network must remain enabled for cluster communication.")
        net.role = role
        self._members.topology_changed()

    def set_migration_excluded_networks(self, names: Iterable[str]) -> None:
        """The Virtual Machine resource type's MigrationExcludeNetworks (FCM: Live Migration
        Settings): live migrations use every other network, not these [S29]. Migrations already
        running over an excluded network fail, as when that network goes away (§5.4)."""
        w = self._w
        excluded = {_lookup("cluster network", w.networks, n).name for n in names}
        if len(excluded) == len(w.networks):
            raise InvalidArgumentError("At least one network must remain available for live migration.")
        changed = [net.name for net in w.networks.values() if net.live_migration == (net.name in excluded)]
        for net in w.networks.values():
            net.live_migration = net.name not in excluded
        if changed:
            w.emit(
                "MigrationNetworksChanged",
                w.name,
                used=", ".join(n.name for n in w.networks.values() if n.live_migration),
                excluded=", ".join(sorted(excluded)) or "none",
            )
            self._roles.migrations.topology_changed()

    # quorum settings -------------------------------------------------------------------

    def set_node_weight(self, name: str, weight: int) -> None:
        n = self._node(name)
        if weight not in (0, 1):
            raise InvalidArgumentError("NodeWeight must be 0 or 1.")
        old = n.node_weight
        n.node_weight = weight
        members = self._w.members()
        if members and weight == 0 and self._members.compute_votes(members).total() == 0:
            n.node_weight = old
            raise QuorumError(
                f"Removing the vote of node '{n.name}' would leave the cluster without any vote. "
                "Configure a witness or keep at least one voting node."
            )
        self._members.commit_votes()

    def set_dynamic_quorum(self, enabled: bool) -> None:
        self._w.dynamic_quorum = bool(enabled)
        self._members.commit_votes()

    def set_lower_quorum_priority_node_id(self, node_id: int | None) -> None:
        w = self._w
        if node_id is None or node_id == 0:
            w.lower_quorum_priority_node = None
        else:
            match = [n for n in w.nodes.values() if n.id == node_id]
            if not match:
                raise InvalidArgumentError(f"There is no node with ID {node_id}.")
            w.lower_quorum_priority_node = match[0].name
        self._members.commit_votes()

    def set_witness(self, witness_type: WitnessType, path: str | None = None) -> None:
        """Set-ClusterQuorum: change the witness without stopping the cluster (§1.2)."""
        w = self._w
        self._require_cluster()
        if witness_type is WitnessType.CLOUD and not self.profile.cloud_witness:
            raise InvalidArgumentError(f"Cloud witness is not available on {self.profile.display_name}.")
        if witness_type is WitnessType.DISK and path in w.csvs:
            raise InvalidArgumentError(f"'{path}' is a Cluster Shared Volume and cannot be the disk witness.")
        if witness_type is WitnessType.FILE_SHARE and not path:
            raise InvalidArgumentError("A file share witness needs a share path (\\\\server\\share).")
        w.witness = Witness(witness_type, path)
        self._install_witness(w.groups[CORE_GROUP])
        if w.witness_resource is not None:
            w.witness_resource.state = ResourceState.ONLINE
        self._members.commit_votes()

    # role commands ---------------------------------------------------------------------

    def move_group(self, name: str, node: str | None = None, offline: str | None = None) -> PlacementExplanation:
        """Move-ClusterGroup: quick migration of a VM role to ``node`` or the best possible node.
        ``offline`` ``shutdown``/``turnoff``: stop the guest instead of saving it (cold start there);
        None: the VM resource's OfflineAction (§3.13, Save by default)."""
        if offline not in (None, "save", "shutdown", "turnoff"):
            raise InvalidArgumentError(f"Unknown offline action '{offline}'.")
        self._require_cluster()
        g = self._reachable_group(name)
        if offline is None:
            offline = OFFLINE_ACTIONS[g.offline_action]
        if g.migrating_to:
            raise InvalidStateError(f"A live migration of '{g.name}' is in progress; cancel it first.")
        target = self._node(node).name if node is not None else None
        if target is not None and target == g.owner:
            raise InvalidStateError(f"The clustered role '{g.name}' is already owned by node '{target}'.")
        if g.status == "Moving":
            raise InvalidStateError(f"The clustered role '{g.name}' is already being moved.")
        owner = self._w.node_named(g.owner)
        if not g.is_core and owner.is_member and not owner.powered and group_state(g) != GroupState.OFFLINE:
            # §5.5: a quick migration starts by saving the VM on its owner, and a node that lost power
            # saves nothing; the role stays with it until the others notice the loss (§2.1, 1135) and
            # restart it cold elsewhere (§5.5, last point). Found by the reliability state machine:
            # the move used to change the owner and leave the role "Online" with its VM off, for good.
            raise InvalidStateError(
                f"The clustered role '{g.name}' could not be moved: its owner node '{owner.name}' is not responding "
                "(the cluster fails it over once it notices the node is down)."
            )
        if g.is_core:
            dest = target or next((n for n in self._w.node_order() if n != g.owner and self._w.nodes[n].can_host), None)
            if dest is None or not self._w.nodes[dest].can_host:
                raise InvalidStateError(f"No node can take the clustered role '{g.name}'.")
            old = g.owner
            g.owner = dest
            self._w.emit("GroupMoved", g.name, group=g.name, source=old, target=dest)
            return PlacementExplanation(self.now, "manual move", dest, (), (f"moved to {dest}",))
        result = self._roles.move(g, target, "manual move", offline)
        if result.node is None:
            raise InvalidStateError(
                f"The clustered role '{g.name}' could not be moved: "
                + (result.reasons[-1] if result.reasons else "no node can host it")
                + "."
            )
        assert g.last_placement is not None
        return g.last_placement

    # VMs that are not clustered: export, import, make highly available ------------------------

    def exports(self) -> tuple[ExportedVm, ...]:
        return tuple(self._files.exports.values())

    def export_vm(self, name: str, path: str) -> ExportedVm:
        """Export-VM -Name -Path: the export is there when the copy ends (a running VM too, 2012 R2+)."""
        vm = self._vm(name)
        e, seconds = self._files.export(vm, path)
        w = self._w
        w.emit("VmExportStarted", vm.name, vm=vm.name, folder=e.folder, gb=f"{vm.vhd_gb:g}")

        def done() -> None:
            self._files.add_export(e)
            w.emit("VmExported", vm.name, vm=vm.name, folder=e.folder)

        w.after(seconds, done)
        return e

    def import_vm(
        self,
        path: str,
        host: str | None = None,
        *,
        copy: bool = False,
        new_id: bool = False,
        vhd_path: str | None = None,
    ) -> str:
        """Import-VM -Path [-Copy] [-GenerateNewId] [-VhdDestinationPath] on ``host`` (default: the first Up node)."""
        w = self._w
        if host is None:
            up = [n for n in w.node_order() if w.nodes[n].is_member and w.nodes[n].live]
            if not up:
                raise InvalidStateError("No node is running to import the VM on.")
            target = up[0]
        else:
            target = self._node(host).name
            if not w.nodes[target].powered:
                raise InvalidStateError(f"'{target}' is powered off.")
        return self._files.import_vm(path, target, copy=copy, new_id=new_id, vhd_path=vhd_path).name

    def add_vm_role(self, vm_name: str) -> None:
        """Add-ClusterVirtualMachineRole -VMName: a VM that is not clustered becomes a clustered role."""
        self._require_cluster()
        w = self._w
        vm = _lookup("virtual machine", w.standalone, vm_name)
        if vm.csv is None:
            raise InvalidStateError(
                f"The files of '{vm.name}' are on the local storage of {vm.host}: a clustered VM must be on a "
                "Cluster Shared Volume (or SOFS share) so that another node can run it. Import it with "
                "-Copy -VhdDestinationPath C:\\ClusterStorage\\<CSV>\\... or move its storage first."
            )
        if not (w.nodes.get(vm.host) and w.nodes[vm.host].is_member):
            raise InvalidStateError(f"'{vm.host}' is not an active member of the cluster.")
        self._claim_role_name_now(vm.name)
        g = vm.group
        g.owner = vm.host
        running = vm.state in ACTIVE_VM_STATES
        g.intended_online = running
        g.claim = running
        cfg = self._add_resource(g, f"{VM_CONFIG_RESOURCE} {vm.name}", VM_CONFIG_RESOURCE)
        vmr = self._add_resource(g, f"{VM_RESOURCE} {vm.name}", VM_RESOURCE, P.RESTART_THRESHOLD_VM)
        state = ResourceState.ONLINE if running else ResourceState.OFFLINE
        cfg.state = ResourceState.ONLINE
        vmr.state = state
        del w.standalone[vm.name]
        w.groups[vm.name] = g
        w.emit("VmMadeHighlyAvailable", vm.name, vm=vm.name, node=vm.host)

    def _claim_role_name_now(self, name: str) -> None:
        if any(g.lower() == name.lower() for g in self._w.groups):
            raise InvalidArgumentError(f"Duplicate role name '{name}'.")

    def _standalone_power(self, vm: Vm, start: bool, action: str = "save") -> None:
        """Start-VM / Stop-VM / Save-VM on a VM that is not clustered: its host does it alone."""
        w, roles = self._w, self._roles
        if start:
            if vm.state in ACTIVE_VM_STATES:
                raise InvalidStateError(f"The virtual machine '{vm.name}' is already running.")
            host = w.nodes.get(vm.host) or w.servers.get(vm.host)
            if host is None or not host.powered:
                raise InvalidStateError(f"'{vm.host}' is not running.")
            roles.set_vm(vm, VmState.STARTING)

            def booted() -> None:
                if vm.state is VmState.STARTING:
                    roles.set_vm(vm, VmState.RUNNING)

            w.after(vm.boot_s, booted)
            return
        if vm.state not in ACTIVE_VM_STATES:
            raise InvalidStateError(f"The virtual machine '{vm.name}' is not running.")
        if action == "turnoff":
            roles.set_vm(vm, VmState.OFF)
            return
        roles.set_vm(vm, VmState.SAVING if action == "save" else VmState.STOPPING)
        end = VmState.SAVED if action == "save" else VmState.OFF

        def stopped() -> None:
            if vm.state in (VmState.SAVING, VmState.STOPPING):
                roles.set_vm(vm, end)

        w.after(roles.save_s(vm), stopped)

    def start_group(self, name: str) -> None:
        if name in self._w.standalone or name.lower() in (v.lower() for v in self._w.standalone):
            self._standalone_power(_lookup("virtual machine", self._w.standalone, name), True)
            return
        self._require_cluster()
        g = self._reachable_group(name)
        if group_state(g) in ("Online", "Pending") and g.intended_online:
            raise InvalidStateError(f"The clustered role '{g.name}' is already online.")
        if g.vm is not None and g.vm.csv in self._w.csvs and self._w.csvs[g.vm.csv].maintenance:
            raise InvalidStateError(
                f"The virtual machine '{g.vm.name}' is stored on '{g.vm.csv}', which is in maintenance: "
                f"Resume-ClusterResource -Name '{g.vm.csv}' first."
            )
        self._roles.start_group(g)

    def offline_action(self, name: str) -> int:
        """§3.13 the VM resource's OfflineAction (0 turn off, 1 save, 2 shut down, 3 forced)."""
        return self._group(name).offline_action

    def set_offline_action(self, name: str, value: int) -> None:
        """Set-ClusterParameter OfflineAction on a VM resource (§3.13): how Stop-ClusterGroup and
        Move-ClusterGroup take the VM offline; live migration and failover are not affected."""
        g = self._group(name)
        if g.vm is None:
            raise InvalidArgumentError(f"'{g.name}' is not a virtual machine role: OfflineAction belongs to VMs.")
        if value not in OFFLINE_ACTIONS:
            raise InvalidArgumentError(
                f"OfflineAction must be 0 (turn off), 1 (save), 2 (shut down) or 3 (shut down, forced), not {value}."
            )
        g.offline_action = value

    @property
    def witness_path(self) -> str:
        """The witness's share path, storage account or disk ("" without a witness)."""
        return self._w.witness.path or "" if self._w.witness.configured else ""

    def stop_group(self, name: str, action: str | None = None) -> None:
        """Stop-ClusterGroup (None: the VM resource's OfflineAction, §3.13 — Save by default) or
        Stop-VM (``shutdown``/``turnoff``, or ``save`` for Save-VM)."""
        if action not in (None, "save", "shutdown", "turnoff"):
            raise InvalidArgumentError(f"Unknown offline action '{action}'.")
        if name.lower() in (v.lower() for v in self._w.standalone):
            self._standalone_power(_lookup("virtual machine", self._w.standalone, name), False, action or "save")
            return
        self._require_cluster()
        g = self._reachable_group(name)
        if action is None:
            action = OFFLINE_ACTIONS[g.offline_action]
        if g.is_core:
            raise InvalidStateError("The core Cluster Group cannot be taken offline.")
        if not g.intended_online and group_state(g) == "Offline":
            raise InvalidStateError(f"The clustered role '{g.name}' is already offline.")
        self._roles.stop_group(g, action)

    @property
    def enforced_anti_affinity(self) -> bool:
        return self._w.enforced_anti_affinity

    def set_priority(self, name: str, priority: Priority | int) -> None:
        g = self._group(name)
        value = priority.number if isinstance(priority, Priority) else int(priority)
        if value not in (0, 1000, 2000, 3000):
            raise InvalidArgumentError("Priority must be 3000 (High), 2000 (Medium), 1000 (Low) or 0 (No Auto Start).")
        g.priority = value

    def set_preferred_owners(self, name: str, owners: Sequence[str]) -> None:
        g = self._group(name)
        g.preferred_owners = [self._node(o).name for o in owners]

    def set_possible_owners(self, name: str, owners: Sequence[str]) -> None:
        """Possible owners live on resources (§3.6); a role name sets them on each of its resources."""
        names = {self._node(o).name for o in owners} or None
        if name in self._w.groups or name.lower() in (g.lower() for g in self._w.groups):
            for r in self._group(name).resources:
                r.possible_owners = set(names) if names else None
        else:
            self._resource(name).possible_owners = names

    def set_failback(self, name: str, allow: bool, window: tuple[int, int] | None = None) -> None:
        g = self._group(name)
        if window is not None and not all(0 <= h <= 23 for h in window):
            raise InvalidArgumentError("Failback window hours must be between 0 and 23.")
        g.auto_failback = allow
        g.window_start, g.window_end = window if window is not None else (None, None)

    def set_failback_window(
        self,
        name: str,
        *,
        start: int | None = None,
        end: int | None = None,
        clear_start: bool = False,
        clear_end: bool = False,
    ) -> None:
        """FailbackWindowStart / FailbackWindowEnd one at a time (hours 0–23; cleared = not set)."""
        g = self._group(name)
        for hour in (start, end):
            if hour is not None and not 0 <= hour <= 23:
                raise InvalidArgumentError("Failback window hours must be between 0 and 23.")
        if start is not None or clear_start:
            g.window_start = start
        if end is not None or clear_end:
            g.window_end = end

    def set_anti_affinity(self, name: str, classes: Sequence[str]) -> None:
        self._group(name).anti_affinity = list(classes)

    def set_enforced_anti_affinity(self, enforced: bool) -> None:
        self._w.enforced_anti_affinity = enforced

    def set_failover_period(self, name: str, hours: int) -> None:
        """(Get-ClusterGroup X).FailoverPeriod = hours (§3.4, default 6)."""
        if not 1 <= hours <= 1193:
            raise InvalidArgumentError("FailoverPeriod is in hours, from 1 to 1193.")
        self._group(name).failover_period_h = hours

    def set_failover_threshold(self, name: str, threshold: int | None) -> None:
        if threshold is not None and threshold < 0:
            raise InvalidArgumentError("FailoverThreshold cannot be negative.")
        self._group(name).failover_threshold = threshold

    def fail_resource(self, name: str, count: int = 1, node: str | None = None) -> None:
        """Lab fault: the resource fails now, and its next ``count - 1`` online attempts fail too.

        With ``node`` the resource instead cannot come online on that node until repaired.
        """
        self._require_cluster()
        r = self._resource(name)
        if node is not None:
            r.fail_on.add(self._node(node).name)
            if r.group.owner.lower() != node.lower() or r.state is not ResourceState.ONLINE:
                return
        elif count < 1:
            raise InvalidArgumentError("Count must be at least 1.")
        else:
            r.fail_next = count - 1
        if r.state is not ResourceState.ONLINE:
            raise InvalidStateError(f"Resource '{r.name}' is not online ({r.state.value}).")
        self._roles.resource_failed(r)

    # Cluster OS Rolling Upgrade (§9.1) --------------------------------------------------------

    @property
    def functional_level(self) -> int:
        """ClusterFunctionalLevel: the level the cluster runs at (8 = 2012 R2, 9 = 2016, §9.1)."""
        return self._w.profile.functional_level

    @property
    def mixed_mode(self) -> bool:
        """§9.1: some node runs another release than the functional level's."""
        return mixed_mode(self._w.profile.name, [n.os for n in self._w.nodes.values()])

    @property
    def console_os(self) -> str:
        """The release the console's cmdlets come from: the newest a node runs (§9.1: manage a
        mixed-OS cluster from an up-level node)."""
        return max((n.os for n in self._w.nodes.values()), key=P.release_index, default=self._w.profile.name)

    def _hosting(self, node: str) -> list[str]:
        """Roles running, starting or moving on ``node`` (what stops an eviction without -Force)."""
        w = self._w
        out = []
        for g in w.groups.values():
            if g.is_core:
                continue
            vm = g.vm
            here = g.owner == node and group_state(g) in ("Online", "PartialOnline", "Pending")
            if vm is not None and (vm.host == node or vm.dest_host == node) and vm.state in ACTIVE_VM_STATES:
                here = True
            if here or g.migrating_to == node:
                out.append(g.name)
        return out

    def remove_node(self, name: str, *, force: bool = False) -> None:
        """Remove-ClusterNode (evict, §9.1 step 1): only a node that hosts no roles (drained, or down),
        unless ``force``; refused for the last node and when the cluster would lose quorum."""
        self._require_cluster()
        self._busy_guard("evict nodes")
        w = self._w
        n = self._node(name)
        if len(w.nodes) == 1:
            raise InvalidStateError(
                f"Node '{n.name}' is the last node of cluster '{w.name}' and cannot be evicted: "
                "a cluster needs at least one node."
            )
        if n.is_member and not n.live:
            raise InvalidStateError(
                f"Node '{n.name}' is not responding but is still in the active membership: wait until the "
                "cluster marks it Down (§2.1), then evict it."
            )
        if n.stopping or n.shutting_down:
            raise InvalidStateError(f"Node '{n.name}' is stopping: evict it once it is Down.")
        if not self._members.would_keep_quorum_after_evict(n):
            raise QuorumError(
                f"Evicting node '{n.name}' would cause cluster '{w.name}' to lose quorum: the remaining nodes "
                "and the witness would not hold a majority of the votes."
            )
        hosting = self._hosting(n.name)
        if hosting and not force:
            shown = ", ".join(hosting[:5]) + (f" and {len(hosting) - 5} more" if len(hosting) > 5 else "")
            raise InvalidStateError(
                f"Node '{n.name}' is hosting clustered roles ({shown}): drain it first "
                f"(Suspend-ClusterNode -Name {n.name} -Drain) or evict it with -Force (§9.1)."
            )
        if hosting and n.is_member:
            # -Force: like Stop-ClusterNode the roles move away first, then the node is evicted.
            def evict_when_stopped() -> None:
                if n.name not in w.nodes or n.is_member or len(w.nodes) == 1:
                    return
                if self._hosting(n.name):  # a VM is still being saved there: evict once it is gone
                    w.after(1.0, evict_when_stopped)
                    return
                self._evict(n)

            # scheduled, not called: the move that finished last is still unwinding and may look the node up
            self._members.stop_service(n, then=lambda: w.after(0, evict_when_stopped))
            return
        if hosting:  # VMs still run on a node outside the membership: they fail over
            self._roles.nodes_removed([n.name], survivors=True)
        self._evict(n)

    def _evict(self, n: Node) -> None:
        # §7.3: nothing to wait for any more: its Unmonitored VMs fail over now.
        self._roles.resiliency.end_now(n.name, "the node was evicted")
        self._members.evict(n)
        self._last_evict = self._w.now

    def _server(self, name: str) -> Node:
        return _lookup("server", self._w.servers, name)

    def add_node(self, name: str) -> None:
        """Add-ClusterNode (§9.1 step 3): a reinstalled or spare server joins like any node. A node one
        release above the functional level puts the cluster in mixed-OS mode (1548 when it joins)."""
        self._require_cluster()
        self._busy_guard("add nodes")
        w = self._w
        existing = next((n for n in w.nodes if n.lower() == str(name).lower()), None)
        if existing is not None:
            raise InvalidStateError(f"'{existing}' is already a node of cluster '{w.name}'.")
        server = self._server(name)
        if server.booting:
            raise InvalidStateError(
                f"Server '{server.name}' is still being installed or booting: add it once it is up."
            )
        if not server.powered:
            raise InvalidStateError(f"Server '{server.name}' is powered off: it cannot be reached.")
        refusal = join_refusal(w.profile.name, server.os)
        if refusal is not None:
            raise InvalidStateError(f"Server '{server.name}' cannot be added to cluster '{w.name}': {refusal}.")
        del w.servers[server.name]
        server.id = w.next_node_id
        w.next_node_id += 1
        server.epoch += 1
        server.paused = server.joining = server.stopping = server.shutting_down = server.prevent_quorum = False
        server.drain_status = DrainStatus.NOT_INITIATED
        w.nodes[server.name] = server  # the newest ID, so dict order stays node-ID order
        for r in w.resources.values():
            if r.possible_owners is not None:  # a new node becomes a possible owner of every resource
                r.possible_owners.add(server.name)
                r.touch()
        w.emit("NodeAdded", server.name, node=server.name, os_display=display(server.os), id=server.id)
        self._members.commit_votes()
        # §2.3 AddEvictDelay: within 60 s of an eviction the new node's Cluster service waits to join.
        wait = 0.0 if self._last_evict is None else self._last_evict + P.ADD_EVICT_DELAY_S - w.now
        epoch = server.epoch

        def start() -> None:
            if server.epoch == epoch and server.name in w.nodes and server.powered:
                server.service = Service.RUNNING
                self._members.topology_changed()

        if wait > 0:
            server.service = Service.STOPPED
            w.after(wait, start)
        else:
            start()

    def install_node_os(
        self, name: str, os_name: str, *, memory_gb: float | None = None, cpus: int | None = None
    ) -> None:
        """Lab: clean-install a server with ``os_name`` (§9.1 step 2). It must not be a cluster node (evict
        it first); a name the lab does not know racks a new server. It is ready after OS_INSTALL_S."""
        w = self._w
        if os_name not in P.PROFILES:
            close = difflib.get_close_matches(str(os_name), list(P.PROFILES), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise InvalidArgumentError(
                f"Unknown Windows Server release '{os_name}' (expected one of {', '.join(P.PROFILES)}).{hint}"
            )
        node = next((n for n in w.nodes.values() if n.name.lower() == str(name).lower()), None)
        if node is not None:
            raise InvalidStateError(
                f"'{node.name}' is a node of cluster '{w.name}': evict it first (Remove-ClusterNode -Name "
                f"{node.name}). A rolling upgrade reinstalls evicted nodes (§9.1)."
            )
        if (memory_gb is not None and memory_gb <= 0) or (cpus is not None and cpus <= 0):
            raise InvalidArgumentError("Memory and processors must be positive.")
        server = next((n for n in w.servers.values() if n.name.lower() == str(name).lower()), None)
        if server is None:
            if not _COMPUTER_NAME.fullmatch(str(name)):
                raise InvalidArgumentError(
                    f"'{name}' is not a valid computer name (1 to 15 letters, digits or hyphens)."
                )
            template = next(iter(w.nodes.values()))
            server = Node(
                str(name),
                0,
                memory_gb if memory_gb is not None else template.memory_gb,
                cpus if cpus is not None else template.cpus,
                None,
                1,
                os=os_name,
            )
            w.servers[server.name] = server
        elif memory_gb is not None or cpus is not None:
            raise InvalidArgumentError("-MemoryGB and -Cpus describe a new server; an existing one keeps its hardware.")
        if server.booting:
            raise InvalidStateError(f"Server '{server.name}' is already being installed or booting.")
        server.os = os_name
        server.powered = False
        server.booting = True
        server.service = Service.STOPPED
        server.epoch += 1
        server.migration_option = P.PROFILES[os_name].default_migration_option
        server.max_vm_migrations = server.max_storage_migrations = 2
        server.unclean_exits.clear()
        server.quarantined_until = None
        epoch = server.epoch
        self._installing.add(server.name)
        w.emit("NodeOsInstalling", server.name, node=server.name, os_display=display(os_name))

        def installed() -> None:
            if server.epoch != epoch or server.name not in w.servers:
                return
            self._installing.discard(server.name)
            server.booting = False
            server.powered = True
            w.emit("NodeOsInstalled", server.name, node=server.name, os_display=display(os_name))

        w.after(P.OS_INSTALL_S, installed)

    def _boot_server(self, server: Node) -> None:
        w = self._w
        if server.powered or server.booting:
            raise InvalidStateError(f"Server '{server.name}' is already powered on.")
        server.booting = True
        server.epoch += 1
        epoch = server.epoch
        w.emit("NodePoweredOn", server.name, node=server.name)

        def booted() -> None:
            if server.epoch == epoch and server.name in w.servers:
                server.booting = False
                server.powered = True

        w.after(P.NODE_BOOT_S, booted)

    def servers(self) -> tuple[ServerSnapshot, ...]:
        out = []
        for s in self._w.servers.values():
            if s.booting:
                state = "Installing" if s.name in self._installing else "Booting"
            else:
                state = "Ready" if s.powered else "PoweredOff"
            out.append(ServerSnapshot(s.name, s.os, display(s.os), state, s.memory_gb, s.cpus))
        return tuple(out)

    def _set_level(self, os_name: str) -> None:
        """Switch the cluster's behaviour to ``os_name``'s profile (the functional level, §9.1)."""
        w = self._w
        old, new = w.profile, P.PROFILES[os_name]
        w.profile = new
        core = w.groups[CORE_GROUP]
        qos = w.resources.get("Storage Qos Resource")
        if new.compute_resiliency and qos is None:
            r = self._add_resource(core, "Storage Qos Resource", "Storage QoS Policy Manager")
            r.state = core.resources[0].state
        elif not new.compute_resiliency and qos is not None:
            core.resources.remove(qos)
            core.touch()
            del w.resources[qos.name]
        if new.vm_load_balancing and not old.vm_load_balancing:
            self._roles.auto_balancer_mode = 2  # §3.11: the 2016 default
        elif not new.vm_load_balancing:
            self._roles.auto_balancer_mode = 0
        if new.name == "2022" and w.max_parallel_migrations is None:
            w.max_parallel_migrations = 1  # §5.2
        elif new.name != "2022":
            w.max_parallel_migrations = None
        w.drain_on_shutdown = w.drain_on_shutdown and new.drain_on_shutdown
        if new.compute_resiliency:  # §2.2: 2016+ site thresholds ([S7] 1000 ms × 20)
            w.heartbeat.setdefault("CrossSiteDelay", 1000)
            w.heartbeat.setdefault("CrossSiteThreshold", 20)
        else:
            w.heartbeat.pop("CrossSiteDelay", None)
            w.heartbeat.pop("CrossSiteThreshold", None)
        if w.witness_resource is not None and w.witness.type is WitnessType.FILE_SHARE:
            w.witness_resource.type = new.fsw_resource_type

    def update_functional_level(self, *, what_if: bool = False) -> tuple[int, int]:
        """Update-ClusterFunctionalLevel [-WhatIf] (§9.1): every node up-level and Up → the level rises (1594)
        and the new release's behaviour starts; otherwise 1664 and an error naming the blocking nodes.
        Returns (old level, new level)."""
        self._require_cluster()
        w = self._w
        current = w.profile.name
        check = check_level_update(current, [(n.name, n.os, self._node_state(n).value) for n in w.nodes.values()])
        if check.target == current:
            raise InvalidStateError(
                f"The cluster functional level is already {level_text(current)} and every node runs "
                f"{display(current)}: there is nothing to update."
            )
        if not check.ok:
            reason = check.blockers()
            if not what_if:
                w.emit("FunctionalLevelUpdateFailed", w.name, old=level_text(current), reason=reason)
            raise InvalidStateError(
                f"The cluster functional level cannot be updated to {level_text(check.target)}: {reason} (§9.1)."
            )
        levels = (w.profile.functional_level, P.PROFILES[check.target].functional_level)
        if what_if:
            return levels
        self._set_level(check.target)
        w.emit(
            "FunctionalLevelUpdated",
            w.name,
            old=levels[0],
            new=levels[1],
            os_display=display(check.target),
        )
        self._roles.arm_balancer()
        return levels

    def update_vm_version(self, name: str) -> tuple[str, str]:
        """Update-VMVersion (§9.1): a VM that is off takes its host's configuration version, once the
        functional level has reached the host's release. Returns (old, new)."""
        w = self._w
        v = self._vm(name)
        if v.state in ACTIVE_VM_STATES:
            raise InvalidStateError(
                f"The virtual machine '{v.name}' is {v.state.value}: shut it down first (Update-VMVersion needs the "
                "VM off, §9.1)."
            )
        if v.state is VmState.SAVED:
            raise InvalidStateError(
                f"The virtual machine '{v.name}' is Saved: its saved state belongs to configuration version "
                f"{v.version}. Start it and shut it down first (the VM must be off, §9.1)."
            )
        host = w.nodes.get(v.host) or w.nodes.get(v.group.owner)
        if host is None or not host.powered:
            where = host.name if host is not None else v.host or "its host"
            raise InvalidStateError(f"Hyper-V on '{where}' cannot be reached to update '{v.name}'.")
        target = P.VM_CONFIG_VERSION[host.os]
        if P.release_index(w.profile.name) < P.release_index(host.os):
            raise InvalidStateError(
                f"The configuration version of '{v.name}' cannot be raised to {target} yet: the cluster functional "
                f"level is {level_text(w.profile.name)}, below its host {host.name}'s {display(host.os)}. Run "
                "Update-ClusterFunctionalLevel first (§9.1)."
            )
        if version_key(v.version) >= version_key(target):
            raise InvalidStateError(
                f"The virtual machine '{v.name}' is already at configuration version {v.version}, the highest "
                f"{host.name} ({display(host.os)}) supports."
            )
        old = v.version
        v.version = target
        w.emit("VmVersionUpdated", v.name, vm=v.name, old=old, new=target)
        return old, target

    # configuration backup and restore (§9.3) ---------------------------------------------------

    def backup_config(self, label: str | None = None) -> ConfigBackup:
        """Lab: back up the cluster configuration (a system-state backup's ClusDb). Needs a running cluster
        with quorum, else 1540 (§9.3)."""
        w = self._w
        if not w.partitions:
            w.emit("BackupNoQuorum", w.name)
            raise QuorumError(
                "The cluster configuration cannot be backed up: the cluster is not running with quorum "
                "(event 1540, §9.3)."
            )
        backups = self._clusdb.backups
        taken = {k.lower() for k in backups}
        if label is not None:
            label = str(label).strip()
            if not label:
                raise InvalidArgumentError("A backup name cannot be empty.")
            if label.lower() in taken:
                raise InvalidStateError(f"A cluster configuration backup named '{label}' already exists.")
        else:
            base = w.clock.at(w.now).strftime("%m/%d/%Y-%H:%M")  # like a wbadmin version identifier
            label, i = base, 2
            while label.lower() in taken:
                label, i = f"{base}-{i}", i + 1
        b = capture(w, self._roles, label)
        backups[label] = b
        w.emit("ConfigBackedUp", w.name, label=label, roles=len(b.groups))
        return b

    def config_backups(self) -> tuple[ConfigBackup, ...]:
        return tuple(self._clusdb.backups.values())

    @property
    def restore_pending(self) -> bool:
        """A configuration restore (§9.3) has not finished: its node's ClusSvc is still stopping, or it has
        not joined (or formed) the cluster again."""
        r = self._clusdb.restoring
        if r is None:
            return False
        node, phase = r
        n = self._w.nodes.get(node)
        if phase == "starting" and (n is None or n.is_member or not n.powered):
            self._clusdb.restoring = None
            return False
        return True

    def _busy_guard(self, what: str) -> None:
        """Membership changes wait for Stop-Cluster and configuration restores to finish."""
        if self.restore_pending:
            assert self._clusdb.restoring is not None
            raise InvalidStateError(
                f"A cluster configuration restore on '{self._clusdb.restoring[0]}' is in progress: {what} once "
                "it has finished."
            )
        if self._members.cluster_stopping:
            raise InvalidStateError(f"The cluster is stopping: {what} once it has stopped.")

    def _backup(self, label: str | None) -> ConfigBackup:
        backups = self._clusdb.backups
        if not backups:
            raise InvalidStateError("There is no cluster configuration backup: run Backup-LabClusterConfig first.")
        if label is None:
            return next(reversed(backups.values()))
        return _lookup("cluster configuration backup", backups, str(label))

    def restore_config(self, node: str, label: str | None = None, *, authoritative: bool = False) -> ConfigBackup:
        """Lab: restore the cluster configuration from a backup on ``node`` (§9.3).

        Non-authoritative: the node's ClusSvc stops (its roles move away), its copy is restored, it
        starts and rejoins, receiving the current configuration: nothing changes. Authoritative:
        ClusSvc stops everywhere, the backup becomes the configuration, the node starts and the others
        join taking it; changes made after the backup are lost."""
        w = self._w
        n = self._node(node)
        b = self._backup(label)
        self._busy_guard("restore the configuration")

        def refuse(reason: str, error: type[ClusterError] = InvalidStateError) -> ClusterError:
            w.emit("RestorePreFailure", n.name, label=b.label, node=n.name, reason=reason)
            return error(f"The cluster configuration cannot be restored on '{n.name}': {reason} (§9.3).")

        if not n.powered or n.booting:
            raise refuse("the node is powered off")
        if n.stopping or n.shutting_down:
            raise refuse("the node is stopping")
        if n.joining:
            raise refuse("the node is joining the cluster")
        if not authoritative:
            others = [m for m in w.members() if m != n.name and w.nodes[m].live]
            if not w.partitions or not others:
                raise refuse(
                    "a non-authoritative restore takes the current configuration from the other running nodes, "
                    "and none runs the cluster; use -Authoritative to make the backup the configuration"
                )
            if n.is_member and not self._members.would_keep_quorum_without(n):
                raise refuse("restarting its Cluster service would cost the cluster its quorum", QuorumError)

            def restored() -> None:
                self._clusdb.restoring = (n.name, "starting")
                if not n.powered:
                    return
                n.service = Service.STOPPED
                self._clusdb.stale[n.name] = b.label
                w.emit("ConfigRestoredNonAuthoritative", n.name, node=n.name, label=b.label)
                self._members.start_service(n, False, False)

            self._clusdb.restoring = (n.name, "stopping")
            if n.is_member:
                self._members.stop_service(n, then=restored)
            else:
                restored()
            return b
        w.emit("ConfigRestoring", n.name, label=b.label, node=n.name, taken=b.taken_at)

        def stopped() -> None:
            self._clusdb.restoring = (n.name, "starting")
            applied = self._clusdb.apply(
                b,
                create_file_server=self._recreate_file_server,
                remove_group=self._delete_group,
                install_witness=self._restore_witness,
            )
            if b.functional_level_os != w.profile.name:
                misfits = [x.name for x in w.nodes.values() if join_refusal(b.functional_level_os, x.os)]
                if misfits:
                    applied.problems.append(
                        f"functional level {level_text(b.functional_level_os)} does not fit {', '.join(misfits)}"
                    )
                else:
                    self._set_level(b.functional_level_os)
            detail = []
            if applied.removed:
                detail.append("roles created since the backup removed: " + ", ".join(applied.removed))
            if applied.recreated:
                detail.append("roles re-created: " + ", ".join(applied.recreated))
            detail.append(f"{len(b.groups)} roles and the cluster settings as of {b.taken_at}")
            w.emit("ConfigRestored", n.name, node=n.name, label=b.label, detail="; ".join(detail))
            if applied.problems:
                w.emit("RestorePostFailure", n.name, label=b.label, node=n.name, reason="; ".join(applied.problems))
            self._clusdb.stale.clear()
            if n.powered and n.service is Service.STOPPED:
                self._members.start_service(n, False, False)

            def others() -> None:
                if any(x.powered and not x.booting and x.service is Service.STOPPED for x in w.nodes.values()):
                    self._members.start_cluster()

            w.after(P.JOIN_S, others)

        self._clusdb.restoring = (n.name, "stopping")
        if w.partitions:
            self._members.stop_cluster(on_stopped=stopped)
        else:
            for x in w.nodes.values():  # nodes waiting to form stop too
                if x.powered and x.service is Service.RUNNING:
                    x.service = Service.STOPPED
                    x.joining = False
                    x.epoch += 1
                    w.emit("NodeStopped", x.name, node=x.name)
            stopped()
        return b

    def _recreate_file_server(self, gc: GroupConfig) -> Group:
        g = self._add_file_server(
            FileServerSpec(
                gc.name,
                "ScaleOut" if gc.type is GroupType.SCALE_OUT_FILE_SERVER else "General",
                shares=gc.shares,
                clients=gc.clients,
            )
        )
        for r in g.resources:
            r.state = ResourceState.OFFLINE
        self._w.emit("GroupCreated", g.name, group=g.name, what="restored from a configuration backup")
        return g

    def _delete_group(self, g: Group, what: str = "not in the restored configuration") -> None:
        w = self._w
        g.epoch += 1
        g.claim = False
        for r in g.resources:
            r.state = ResourceState.OFFLINE
            w.resources.pop(r.name, None)
        del w.groups[g.name]
        w.emit("GroupDeleted", g.name, group=g.name, what=what)

    def _restore_witness(self, witness: Witness) -> None:
        w = self._w
        healthy = w.witness.healthy if witness.type is w.witness.type and witness.path == w.witness.path else True
        w.witness = Witness(witness.type, witness.path, healthy)
        self._install_witness(w.groups[CORE_GROUP])

    def remove_group(self, name: str, *, remove_resources: bool = False) -> None:
        """Remove-ClusterGroup -RemoveResources: the role goes offline and leaves the configuration.
        Core groups cannot be removed; VM roles are refused (a VM outside the cluster is not simulated)."""
        self._require_cluster()
        g = self._group(name)
        if g.is_core:
            raise InvalidStateError(f"'{g.name}' is a core cluster group and cannot be removed.")
        if g.vm is not None:
            raise InvalidStateError(
                f"'{g.name}' is a virtual machine role: removing it would leave the VM running outside the cluster, "
                "which clusterlab does not simulate."
            )
        if g.resources and not remove_resources:
            raise InvalidStateError(
                f"The clustered role '{g.name}' still contains resources: use -RemoveResources to delete them too."
            )
        if group_state(g) is not GroupState.OFFLINE:
            self._roles.take_offline_now(g, reason="the role is being removed")
        self._delete_group(g, "Remove-ClusterGroup")

    def add_file_server_role(self, name: str, *, scale_out: bool = True) -> str:
        """Add-ClusterScaleOutFileServerRole: a new Scale-Out File Server role, online on the best node."""
        self._require_cluster()
        w = self._w
        if not isinstance(name, str) or not _COMPUTER_NAME.fullmatch(name):
            raise InvalidArgumentError(
                f"'{name}' is not a valid client access point name (1 to 15 letters, digits or hyphens)."
            )
        if name.lower() in (g.lower() for g in w.groups) or name in w.resources:
            raise InvalidStateError(f"A clustered role or resource named '{name}' already exists.")
        g = self._add_file_server(FileServerSpec(name, "ScaleOut" if scale_out else "General", shares=(), clients=0))
        for r in g.resources:
            r.state = ResourceState.OFFLINE
        g.owner = ""
        result = self._roles._place(g, self._roles._book(), "role created", Mode.BEST, allow_preempt=False)
        w.emit("GroupCreated", g.name, group=g.name, what="Add-ClusterScaleOutFileServerRole")
        if result.node is None:
            g.owner = next(iter(w.nodes))
            self._roles._mark_waiting(g, result)
            return g.name
        self._roles.bring_online(g, result.node)
        return g.name

    # snapshots -------------------------------------------------------------------------

    def _node_state(self, n: Node) -> NodeState:
        if n.is_member:
            return NodeState.PAUSED if n.paused else NodeState.UP
        if self._members.quarantined(n):
            return NodeState.QUARANTINED  # (its Unmonitored VMs, if any, are being drained away)
        if n.name in self._roles.resiliency.isolated:
            return NodeState.ISOLATED  # §7.3: still hosting its Unmonitored VMs
        if n.joining:
            return NodeState.JOINING
        return NodeState.DOWN

    def drain_status(self, name: str) -> DrainStatus:
        """Cheap query for loops that wait on a drain (a full node snapshot counts roles and memory)."""
        return self._node(name).drain_status

    def node(self, name: str) -> NodeSnapshot:
        return self._node_snapshot(self._node(name), self._node_counts())

    def _node_counts(self) -> dict[str, tuple[int, int, float]]:
        """Node -> (roles it owns, VMs running on it, GB of VM memory in use there), in one pass
        over the groups and the VMs (what ``World.node_memory_used`` counts, for every node)."""
        w = self._w
        roles = Counter(g.owner for g in w.groups.values() if not g.is_core)
        running_state, active = VmState.RUNNING, ACTIVE_VM_STATES
        running: Counter[str] = Counter()
        memory = dict.fromkeys(w.nodes, 0.0)
        for vm in w.vms.values():
            host, dest, state = vm.host, vm.dest_host, vm.state
            if state is running_state:
                running[host] += 1
            if state in active:
                if host in memory:
                    memory[host] += vm.memory_gb
                if dest is not None and dest != host and dest in memory:
                    memory[dest] += vm.memory_gb
            elif dest is not None and dest in memory:
                memory[dest] += vm.memory_gb
        cache = w.block_cache_mb / 1024.0
        return {n: (roles[n], running[n], cache + memory[n]) for n in w.nodes}

    def _node_snapshot(self, n: Node, counts: dict[str, tuple[int, int, float]]) -> NodeSnapshot:
        w = self._w
        roles, running, used = counts[n.name]
        if n.booting:
            svc = "Booting"
        elif not n.powered:
            svc = "PoweredOff"
        else:
            svc = n.service.value
        return NodeSnapshot(
            name=n.name,
            id=n.id,
            state=self._node_state(n),
            node_weight=n.node_weight,
            dynamic_weight=w.votes.dynamic.get(n.name, 0),
            memory_total_gb=n.memory_gb,
            memory_used_gb=used,
            roles=roles,
            vms_running=running,
            drain_status=n.drain_status,
            powered_on=n.powered,
            clussvc=svc,
            site=n.site,
            csvs_coordinated=tuple(sorted(c.name for c in w.csvs.values() if c.owner == n.name and n.is_member)),
            pending_updates=self.cau.pending_count(n.name),
            update_phase=self.cau.phase(n.name),
            os=n.os,
            switches_down=tuple(sorted(n.uplinks_down)),
        )

    def group(self, name: str) -> GroupSnapshot:
        return self._group_snapshot(self._group(name))

    def _group_snapshot(self, g: Group) -> GroupSnapshot:
        now = self.now
        return GroupSnapshot(
            name=g.name,
            group_type=g.type,
            state=group_state(g),
            owner=g.owner,
            priority=g.priority,
            priority_name=Priority.from_number(g.priority).value
            if g.priority in (0, 1000, 2000, 3000)
            else str(g.priority),
            preferred_owners=tuple(g.preferred_owners),
            auto_failback=g.auto_failback,
            failback_window=g.failback_window,
            anti_affinity=tuple(g.anti_affinity),
            failover_count=sum(1 for t in g.failover_times if now - t < g.failover_period_h * _HOUR_S),
            failover_threshold=g.failover_threshold,
            failover_period_h=g.failover_period_h,
            status=g.status,
            last_placement=g.last_placement,
            is_core=g.is_core,
            resiliency_period=g.resiliency_period,
            unmonitored_until=g.unmonitored_until,
            preferred_site=g.preferred_site,
        )

    def vm(self, name: str) -> VmSnapshot:
        return self._vm_snapshot(self._vm(name))

    def vm_history(self, name: str) -> tuple[VmStateChange, ...]:
        """Every change of the VM's state or host since the lab started, oldest first."""
        return tuple(VmStateChange(t, state, host) for t, state, host in self._vm(name).history)

    def _vm_snapshot(self, vm: Vm) -> VmSnapshot:
        return VmSnapshot(
            name=vm.name,
            state=vm.state,
            host=vm.host,
            memory_gb=vm.memory_gb,
            csv=vm.csv,
            running_since=vm.running_since,
            downtime_before=vm.downtime,
            down_since=vm.down_since,
            migrations=vm.migrations,
            restarts=vm.restarts,
            critical=vm.critical,
            monitored=tuple(vm.monitored),
            migration_state=self._migration_state(vm),
            migration_progress=self._migration_progress(vm),
            dirty_mb_s=vm.dirty_mb_s,
            unmonitored=vm.group.unmonitored_until is not None,
            clustered=vm.name not in self._w.standalone,
            version=vm.version,
        )

    def _migration_state(self, vm: Vm) -> str:
        m = self._roles.migrations.last(vm.group)
        if m is None or m.state.value == "Done":
            return "None"
        return m.state.value

    def _migration_progress(self, vm: Vm) -> float:
        m = self._roles.migrations.current(vm.group)
        return self._roles.migrations.progress(m)[0] if m is not None else 0.0

    def what_if(self) -> tuple[WhatIf, ...]:
        """For every member and the witness: does the cluster keep quorum if it fails next?

        The same rules as a real regroup (§1.12): the survivors are judged against the vote set in
        force before the failure; a split among them is judged side by side; the witness goes to
        the side that owns the Cluster Group. Nothing is simulated or drawn at random here."""
        w = self._w
        p = w.primary()
        if p is None or p.forced:
            return ()
        before = w.votes
        out: list[WhatIf] = []
        for m in p.members:
            survivors = [x for x in p.members if x != m and w.nodes[x].live]
            sides = w.components(survivors)
            witness_side = self._predicted_witness_side(sides, m)
            verdicts = judge_sides(sides, before, witness_side)
            best = max(verdicts, key=lambda v: v.votes, default=None)
            survives = any(v.has_quorum for v in verdicts)
            votes = best.votes if best is not None else 0
            total = before.total()
            if not survives:
                why = f"the rest would hold {votes} of {total} votes, not a majority"
            elif len(sides) > 1:
                why = f"the nodes left would split; one side keeps {votes} of {total} votes"
            else:
                why = f"{votes} of {total} votes remain"
            out.append(WhatIf(m, survives, votes, total, why))
        if w.witness.configured and w.witness.healthy:
            weights = {n: node.node_weight for n, node in w.nodes.items()}
            node_votes = sum(weights[x] for x in p.members)
            if w.dynamic_quorum:
                survives = node_votes > 0
                total = node_votes
                why = "the witness vote is dropped; dynamic quorum counts the nodes' votes"
            else:
                total = configured_votes(w.node_order(), weights, True)
                survives = majority(node_votes, total)
                why = f"static quorum: {node_votes} of {total} configured votes remain"
            out.append(WhatIf("witness", survives, node_votes, total, why))
        return tuple(out)

    def what_if_splits(self, limit: int = 8) -> tuple[SplitWhatIf, ...]:
        """For the partitions a learner can make — every split of the members in two for up to
        ``limit`` members; beyond that the split by site and the split in halves — which side
        keeps quorum (the regroup's own rules, as ``what_if``)."""
        w = self._w
        p = w.primary()
        if p is None or p.forced or len(p.members) < 2:
            return ()
        members = [m for m in p.members if w.nodes[m].live]
        if len(members) < 2:
            return ()
        if len(members) <= limit:
            first, rest = members[0], members[1:]
            splits = []
            for mask in range(2 ** len(rest)):
                a = [first] + [n for i, n in enumerate(rest) if mask >> i & 1]
                if len(a) < len(members):
                    splits.append(a)
        else:
            sites = sorted({site for m in members if (site := w.nodes[m].site)})
            splits = [[m for m in members if w.nodes[m].site == s] for s in sites] if len(sites) > 1 else []
            splits.append(members[: len(members) // 2])
        out = []
        seen: set[tuple[str, ...]] = set()
        for a in splits:
            b = [m for m in members if m not in a]
            key = tuple(sorted(a))
            if not a or not b or key in seen:
                continue
            seen.add(key)
            sides = w.components(a) + w.components(b)
            out.append(self._judge_split(sides))
        return tuple(out)

    def _judge_split(self, sides: list[list[str]]) -> SplitWhatIf:
        w = self._w
        able = [
            i
            for i, side in enumerate(sides)
            if w.witness.configured and w.witness.healthy and any(w.reaches_witness(x) for x in side)
        ]
        witness_side = self._predicted_witness_side(sides, "")
        verdicts = judge_sides(sides, w.votes, witness_side)
        total = w.votes.total()
        frozen = tuple(tuple(s) for s in sides)
        winners = [v for v in verdicts if v.has_quorum]
        if witness_side is None and len(able) > 1:
            return SplitWhatIf(frozen, None, True, "both sides reach the witness: the first to arbitrate wins")
        if winners:
            v = winners[0]
            with_witness = " with the witness" if v.holds_witness else ""
            why = f"{', '.join(v.members)} keep {v.votes} of {total} votes{with_witness}"
            return SplitWhatIf(frozen, v.members, False, why)
        best = max(verdicts, key=lambda v: v.votes)
        return SplitWhatIf(frozen, None, False, f"no side has a majority (at best {best.votes} of {total} votes)")

    def _predicted_witness_side(self, sides: list[list[str]], failed: str) -> int | None:
        w = self._w
        if not (w.witness.configured and w.witness.healthy):
            return None
        able = [i for i, side in enumerate(sides) if any(w.reaches_witness(x) for x in side)]
        if not able:
            return None
        core = w.groups.get(CORE_GROUP)
        owner = core.owner if core is not None else None
        for i in able:
            if owner in sides[i]:
                return i
        return able[0] if len(able) == 1 else None  # a race the model draws at random: no sure answer

    def quorum(self) -> QuorumSnapshot:
        w = self._w
        p = w.primary()
        witness_state = ""
        if w.witness_resource is not None:
            witness_state = "Failed" if not w.witness.healthy else w.witness_resource.state.value if p else "Offline"
        wt = w.witness.type
        if self.profile.legacy_quorum_type_names:
            quorum_type = {
                WitnessType.NONE: "NodeMajority",
                WitnessType.DISK: "NodeAndDiskMajority",
                WitnessType.FILE_SHARE: "NodeAndFileShareMajority",
                WitnessType.CLOUD: "NodeAndCloudMajority",
            }[wt]
        else:
            quorum_type = "Majority"
        members = tuple(p.members) if p else ()
        witness_up = w.witness.configured and w.witness.healthy
        if w.dynamic_quorum:
            total = w.votes.total()
            votes = sum(w.votes.dynamic.get(m, 0) for m in members) + (w.votes.witness if witness_up and p else 0)
        else:
            total = sum(n.node_weight for n in w.nodes.values()) + (1 if w.witness.configured else 0)
            votes = sum(w.nodes[m].node_weight for m in members) + (1 if witness_up and p else 0)
        lower = w.lower_quorum_priority_node
        return QuorumSnapshot(
            state="Up" if p else "Down",
            forced=bool(p and p.forced),
            votes=votes,
            total=total,
            needed=votes_needed(total),
            witness_type=wt.value,
            witness_resource=w.witness_resource.name if w.witness_resource else "",
            witness_state=witness_state,
            witness_dynamic_weight=w.votes.witness,
            dynamic_quorum=w.dynamic_quorum,
            lower_quorum_priority_node_id=w.nodes[lower].id if lower else None,
            quorum_type=quorum_type,
            members=members,
            all_members=tuple(w.members()),
        )

    def snapshot(self, *, cached: bool = True) -> ClusterSnapshot:
        """The whole cluster now. Group, resource and VM snapshots of entities that did not change
        since the last call are reused (the cockpit takes one per tick of an 8,000-VM cluster);
        ``cached=False`` builds every one afresh (tests compare the two)."""
        w = self._w
        groups, resources, vms = self._entity_snapshots(cached)
        counts = self._node_counts()
        nodes = tuple(self._node_snapshot(n, counts) for n in w.nodes.values())
        on_csv: dict[str, list[str]] = {}
        for v in w.vms.values():
            if v.csv:
                on_csv.setdefault(v.csv, []).append(v.name)
        return ClusterSnapshot(
            time=self.now,
            calendar=w.clock.at(self.now),
            name=w.name,
            os=self.profile.name,
            os_display=self.profile.display_name,
            nodes=nodes,
            groups=groups,
            resources=resources,
            vms=vms,
            quorum=self.quorum(),
            networks=tuple(self._network_snapshot(net) for net in w.networks.values()),
            csvs=tuple(self._csv_snapshot(c, on_csv.get(c.name, [])) for c in w.csvs.values()),
            file_servers=self.file_servers(),
            functional_level=self.functional_level,
            mixed_mode=self.mixed_mode,
            servers=self.servers(),
        )

    def _entity_snapshots(
        self, cached: bool
    ) -> tuple[tuple[GroupSnapshot, ...], tuple[ResourceSnapshot, ...], tuple[VmSnapshot, ...]]:
        """Every group, resource and VM snapshot, rebuilding only those of the entities that
        changed since the last call (``World.changes``): an 8,000-VM cluster where a node drains
        re-snapshots the handful of roles that moved, not 8,000 of each.

        What the clock alone moves is rebuilt every time: a migrating VM's percent, and a group's
        failover count while it has failovers within its period."""
        w = self._w
        up = bool(w.partitions)
        node_names = tuple(w.nodes)
        st = self._snap_state
        changes = w.changes
        if not cached or st is None or st.key != (w.structure, up, node_names):
            st = self._snap_state = _SnapState(
                (w.structure, up, node_names),
                [self._group_snapshot(g) for g in w.groups.values()],
                [self._resource_snapshot(r, up, node_names) for r in w.resources.values()],
                [self._vm_snapshot(v) for v in w.vms.values()],
                {id(g): i for i, g in enumerate(w.groups.values())},
                {id(r): i for i, r in enumerate(w.resources.values())},
                {id(v): i for i, v in enumerate(w.vms.values())},
            )
            changes.clear()
            st.volatile = {g for g in w.groups.values() if _failovers_counting(g, w.now)}
            return st.freeze()
        dirty_groups: set[Group] = set()
        dirty_vms: set[Vm] = set()
        for e in changes:
            if isinstance(e, Group):
                dirty_groups.add(e)
                if e.vm is not None:
                    dirty_vms.add(e.vm)
            elif isinstance(e, Vm):
                dirty_vms.add(e)
                dirty_groups.add(e.group)
            elif isinstance(e, Resource):
                dirty_groups.add(e.group)
        changes.clear()
        for m in self._roles.migrations.open:
            dirty_vms.add(m.vm)
        for g in st.volatile:
            dirty_groups.add(g)
        if not dirty_groups and not dirty_vms:
            return st.freeze()
        for g in dirty_groups:
            i = st.group_at.get(id(g))
            if i is not None:
                st.groups[i] = self._group_snapshot(g)
                # Its failover count falls as failovers leave FailoverPeriod: rebuilt each time
                # until the last one has (a failover later touches the group again).
                if _failovers_counting(g, w.now):
                    st.volatile.add(g)
                else:
                    st.volatile.discard(g)
            for r in g.resources:
                j = st.resource_at.get(id(r))
                if j is not None:
                    st.resources[j] = self._resource_snapshot(r, up, node_names)
        for v in dirty_vms:
            k = st.vm_at.get(id(v))
            if k is not None:
                st.vms[k] = self._vm_snapshot(v)
        st.frozen = None
        return st.freeze()

    def _resource_snapshot(self, r: Resource, up: bool, node_names: tuple[str, ...]) -> ResourceSnapshot:
        return ResourceSnapshot(
            name=r.name,
            resource_type=r.type,
            group=r.group.name,
            state=r.state if up else ResourceState.OFFLINE,
            owner=r.group.owner,
            restart_threshold=r.restart_threshold,
            possible_owners=tuple(self._w.sort_nodes(r.possible_owners)) if r.possible_owners else node_names,
        )

    def _csv_snapshot(self, c: Csv, vms: list[str]) -> CsvSnapshot:
        w = self._w
        storage = self._roles.storage
        if not w.partitions or not c.owner:
            state = "Offline"
        elif c.paused_until is not None and c.paused_until > self.now:
            state = "Paused"
        else:
            state = "Online"
        return CsvSnapshot(
            name=c.name,
            state=state,
            owner=c.owner,
            size_gb=c.size_gb,
            vms=tuple(vms),
            io=tuple((n, *storage.io_mode(c, n)) for n in w.node_order()),
            redirected=c.redirected,
            accessible=storage.accessible(c),
            paths_lost=tuple(w.sort_nodes(c.paths_lost)),
            maintenance=c.maintenance,
        )

    def _network_snapshot(self, net: Network) -> NetworkSnapshot:
        """§2.4 network state: Up, Partitioned (some members cannot talk), Down, Unavailable."""
        w = self._w
        live = [n for n in w.nodes.values() if n.live]
        attached = [n for n in live if net.name not in n.detached]
        disconnected = tuple(n.name for n in w.nodes.values() if net.name in n.detached)
        if net.role is NetworkRole.NONE:
            state = "Up" if attached else "Unavailable"
        elif not live:
            state = "Unavailable"
        elif not attached:
            state = "Down"
        elif len(attached) < len(live) or (w.split is not None and len({w._split_group(n.name) for n in attached}) > 1):
            state = "Partitioned"
        else:
            state = "Up"
        return NetworkSnapshot(
            name=net.name,
            role=net.role.value,
            state=state,
            live_migration=net.live_migration,
            gbps=net.gbps,
            metric=net.metric,
            disconnected=disconnected,
        )

    # convenience for tests and views ---------------------------------------------------

    def node_names(self) -> list[str]:
        return list(self._w.nodes)

    def group_names(self) -> list[str]:
        return list(self._w.groups)

    def vm_names(self) -> list[str]:
        return list(self._w.vms)

    def is_running(self, vm: str) -> bool:
        return self._vm(vm).state in ACTIVE_VM_STATES


@dataclass
class _SnapState:
    """The entity snapshots of the last ``Cluster.snapshot``, in the world's order, with where
    each entity's snapshot sits; valid while ``key`` (structure, quorum, node names) holds."""

    key: tuple[object, ...]
    groups: list[GroupSnapshot]
    resources: list[ResourceSnapshot]
    vms: list[VmSnapshot]
    group_at: dict[int, int]
    resource_at: dict[int, int]
    vm_at: dict[int, int]
    volatile: set[Group] = field(default_factory=set)
    frozen: tuple[tuple[GroupSnapshot, ...], tuple[ResourceSnapshot, ...], tuple[VmSnapshot, ...]] | None = None

    def freeze(self) -> tuple[tuple[GroupSnapshot, ...], tuple[ResourceSnapshot, ...], tuple[VmSnapshot, ...]]:
        """The three tuples; the same objects as last time when nothing changed."""
        if self.frozen is None:
            self.frozen = (tuple(self.groups), tuple(self.resources), tuple(self.vms))
        return self.frozen


def _open_and_last_finished(items: Sequence[T], is_open: Callable[[T], bool], finished: int | None) -> list[T]:
    """Every item (``finished`` None), or the open ones plus the last ``finished`` finished, in order."""
    if finished is None:
        return list(items)
    flags = [is_open(m) for m in items]
    done = [m for m, o in zip(items, flags, strict=True) if not o]
    keep = set(map(id, done[-finished:])) if finished > 0 else set()
    return [m for m, o in zip(items, flags, strict=True) if o or id(m) in keep]
