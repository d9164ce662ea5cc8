"""The reliability state machine: random command schedules over the default lab, driven through the
console like a learner would, with the cluster's invariants checked after every step.

Shared by ``tests/test_invariants.py`` (a few hundred schedules in CI), ``tests/test_tui_monkey.py``
(the invariant checker after a random key storm) and ``benchmarks/soak.py`` (as many schedules as
fit in N minutes).

Every step is either one console command line (``Shell.run``, exactly what a key press, a palette
entry or a lab step runs) or simulated time passing. The commands are journaled with their
simulated time, and at the end of each schedule the journal is written to disk, read back with
``read_journal`` and replayed: the replay must reproduce the identical event stream
(architecture.md, "One journal").

The invariants (``InvariantChecker``) are computed from snapshots with the reference rules
written out again here, not by calling the simulator's own helpers, so a wrong rule in the
simulator cannot agree with itself.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import note as hypothesis_note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from clusterlab.lab import default_lab_path, load_lab, read_journal, replay
from clusterlab.shell import Shell
from clusterlab.sim import Cluster, GroupState, ResourceState, VmState
from clusterlab.sim.profiles import VM_CONFIG_VERSION
from clusterlab.sim.upgrade import join_refusal, version_key

LAB_PATH = default_lab_path()
SPEC = load_lab(LAB_PATH).spec
SEED = 3
NODES = [n.name for n in SPEC.nodes]
VMS = sorted(v.name for v in SPEC.vms)
GROUPS = [*VMS, "Cluster Group"]
CSVS = [c.name for c in SPEC.csvs]
NETWORKS = [n.name for n in SPEC.networks]

#: §3.3 PendingTimeout (180 s) plus the longest legitimate wait we model (a 64 GB restore, a priority
#: band queue behind the ones above it). A resource pending this long with nothing happening to its
#: role is stuck.
PENDING_BOUND_S = 1800.0
#: a live migration that neither ran nor finished for this long is stuck (the default lab drains
#: its busiest node in well under ten minutes)
MIGRATION_BOUND_S = 4 * 3600.0

#: the console's own record for an exception it did not expect (session.py): never acceptable
INTERNAL = "clusterlab could not run"

ACTIVE = (VmState.RUNNING, VmState.STARTING, VmState.SAVING, VmState.STOPPING, VmState.PAUSED_CRITICAL)


class InvariantViolation(AssertionError):
    pass


def note(text: str) -> None:
    """Printed with a failing schedule (a console script to replay); nothing when driven by hand."""
    if currently_in_test_context():
        hypothesis_note(text)


def expected_group_state(states: list[ResourceState]) -> GroupState:
    """§3.1 CLUSTER_GROUP_STATE from the resources, written out again for the check."""
    if not states:
        return GroupState.OFFLINE
    if any(s is ResourceState.FAILED for s in states):
        return GroupState.FAILED
    if any(s in (ResourceState.ONLINE_PENDING, ResourceState.OFFLINE_PENDING) for s in states):
        return GroupState.PENDING
    if all(s is ResourceState.ONLINE for s in states):
        return GroupState.ONLINE
    if all(s is ResourceState.OFFLINE for s in states):
        return GroupState.OFFLINE
    return GroupState.PARTIAL_ONLINE


@dataclass
class InvariantChecker:
    """Everything that must hold after any step, for one cluster. Keeps the little history some
    invariants need (time, when a node went Isolated, since when a resource is pending)."""

    cluster: Cluster
    last_time: float = 0.0
    seen_events: int = 0
    isolated_at: dict[str, float] = field(default_factory=dict)
    unmonitored_deadline: dict[str, float] = field(default_factory=dict)
    pending_since: dict[str, float] = field(default_factory=dict)
    checks: int = 0

    def check(self) -> None:
        c = self.cluster
        s = c.snapshot()
        self.checks += 1
        fail = InvariantViolation

        # time never goes backwards
        if s.time < self.last_time:
            raise fail(f"simulated time went backwards: {self.last_time} -> {s.time}")
        self.last_time = s.time
        new_events = c.events_since(self.seen_events)
        self.seen_events += len(new_events)
        for e in new_events:
            if e.time > s.time + 1e-9:
                raise fail(f"event {e.name} is stamped {e.time}, after now ({s.time})")
        if c._w.bus.subscriber_errors:
            raise fail(f"a subscriber raised: {c._w.bus.subscriber_errors[0]!r}")

        nodes = {n.name: n for n in s.nodes}
        q = s.quorum

        # --- VMs: one host, a live one, and never an isolated one past its resiliency period (§7.3)
        for vm in s.vms:
            if vm.state in (VmState.RUNNING, VmState.STARTING, VmState.SAVING):
                if vm.host not in nodes:
                    raise fail(f"{vm.name} is {vm.state} on {vm.host}, which is not a node")
                if not nodes[vm.host].powered_on:
                    raise fail(f"{vm.name} runs on powered-off {vm.host}")
            if (
                vm.state is VmState.RUNNING
                and not vm.unmonitored
                and nodes[vm.host].state.value not in ("Up", "Paused")
            ):
                raise fail(f"{vm.name} runs on {vm.host}, which is {nodes[vm.host].state}")
            if vm.unmonitored and nodes[vm.host].state.value not in ("Isolated", "Quarantined"):
                raise fail(f"{vm.name} is unmonitored on {vm.host}, which is {nodes[vm.host].state}")
        running = Counter(vm.host for vm in s.vms if vm.state is VmState.RUNNING)
        for n in s.nodes:
            if n.vms_running != running.get(n.name, 0):
                raise fail(f"{n.name} says it runs {n.vms_running} VMs, the VMs say {running.get(n.name, 0)}")
            if n.state.value == "Isolated" and not any(v.unmonitored and v.host == n.name for v in s.vms):
                raise fail(f"{n.name} is Isolated with no unmonitored VM")
        for e in new_events:
            if e.name == "NodeIsolated":
                self.isolated_at[e.source] = e.time
        default_period = c.resiliency.get("ResiliencyDefaultPeriod", 240)
        groups = {g.name: g for g in s.groups}
        for vm in s.vms:
            if not vm.unmonitored:
                self.unmonitored_deadline.pop(vm.name, None)
                continue
            if vm.name not in self.unmonitored_deadline:
                g = groups[vm.name]
                period = g.resiliency_period if g.resiliency_period >= 0 else default_period
                since = self.isolated_at.get(vm.host, s.time)
                self.unmonitored_deadline[vm.name] = since + period
            if s.time > self.unmonitored_deadline[vm.name] + 1e-6:
                raise fail(
                    f"{vm.name} is still unmonitored on isolated {vm.host} at {s.time}, past its resiliency "
                    f"period (due {self.unmonitored_deadline[vm.name]})"
                )

        # --- memory
        for n in s.nodes:
            if n.memory_used_gb > n.memory_total_gb + 1e-9:
                raise fail(f"{n.name} uses {n.memory_used_gb} GB of {n.memory_total_gb} GB")

        # --- quorum: partitions, then the vote arithmetic of §1.12
        partitions = c._w.partitions
        seen: set[str] = set()
        for p in partitions:
            if seen & set(p.members):
                raise fail(f"{sorted(seen & set(p.members))} in two running partitions")
            seen |= set(p.members)
        unforced = [p.members for p in partitions if not p.forced]
        if len(unforced) > 1:
            raise fail(f"two partitions hold quorum at once, none forced: {unforced}")
        if len(set(q.members)) != len(q.members):
            raise fail(f"a member twice in {q.members}")
        if q.state == "Down" and q.members:
            raise fail(f"quorum Down with members {q.members}")
        if q.state == "Up" and not q.forced and len(partitions) == 1:
            self._check_votes(s)

        # --- groups and resources agree (§3.1), and an online role has a live owner with quorum
        by_group: dict[str, list[ResourceState]] = {}
        for r in s.resources:
            by_group.setdefault(r.group, []).append(r.state)
        running_members = set(q.all_members)
        for g in s.groups:
            if q.state == "Up":
                want = expected_group_state(by_group.get(g.name, []))
                if g.state is not want:
                    raise fail(f"{g.name} is {g.state} but its resources say {want}: {by_group.get(g.name)}")
            if g.state is GroupState.ONLINE:
                if q.state != "Up":
                    raise fail(f"{g.name} online in a cluster without quorum")
                isolated = g.owner in nodes and nodes[g.owner].state.value in ("Isolated", "Quarantined")
                if not (g.owner in running_members or g.is_core or isolated):
                    raise fail(f"{g.name} online on non-member {g.owner}")
                if not g.is_core:
                    vm = next(v for v in s.vms if v.name == g.name)
                    if vm.host != g.owner:
                        raise fail(f"{g.name} online on {g.owner} but the VM is on {vm.host}")
        # the VM resource and the VM agree: Online means the VM is up on the role's owner, and a VM
        # running under a cluster with quorum is a resource that is Online (or on its way off)
        vm_resources = {r.group: r for r in s.resources if r.resource_type == "Virtual Machine"}
        for vm in s.vms:
            r = vm_resources.get(vm.name)
            if r is None or q.state != "Up":
                continue
            # (a host that just lost power still looks Online to the cluster until it is detected)
            known = r.owner in nodes and nodes[r.owner].powered_on and nodes[r.owner].state.value in ("Up", "Paused")
            if known and r.state is ResourceState.ONLINE and (vm.state not in ACTIVE or vm.host != r.owner):
                raise fail(f"resource {r.name} is Online on {r.owner} but the VM is {vm.state} on {vm.host}")
            off_pending = r.state is ResourceState.OFFLINE_PENDING  # being saved or shut down
            if (
                vm.state is VmState.RUNNING
                and not vm.unmonitored
                and r.state is not ResourceState.ONLINE
                and not off_pending
            ):
                raise fail(f"{vm.name} runs on {vm.host} but its resource is {r.state}")

        # --- nothing stays pending (§3.3 PendingTimeout) with nothing happening to it
        touched = {str(e.fields.get("group", e.source)) for e in new_events}
        for r in s.resources:
            pending = r.state in (ResourceState.ONLINE_PENDING, ResourceState.OFFLINE_PENDING)
            if not pending or r.group in touched or q.state != "Up":
                self.pending_since.pop(r.name, None)
                if pending and q.state == "Up":
                    self.pending_since[r.name] = s.time
                continue
            since = self.pending_since.setdefault(r.name, s.time)
            if s.time - since > PENDING_BOUND_S:
                raise fail(f"{r.name} has been {r.state} since {since} ({s.time - since:.0f} s) with no event")

        # --- migrations: a running one has a live source and destination; none is stuck
        for m in c.migrations():
            src, dst = nodes.get(m.source), nodes.get(m.target)  # a finished one may name an evicted node
            live = src is not None and dst is not None and src.powered_on and dst.state.value in ("Up", "Paused")
            if m.state in ("Setup", "DataTransfer", "Move") and not live:
                raise fail(f"migration of {m.vm} runs without a live source/destination ({m.source}->{m.target})")
            if m.state in ("Queued", "Setup", "DataTransfer", "Move") and s.time - m.requested > MIGRATION_BOUND_S:
                raise fail(f"migration of {m.vm} requested at {m.requested} is still {m.state} at {s.time}")

        # --- CAU: one node at a time (§8.1), never on a locked cluster
        run = c.cau.run()
        if run is not None:
            active = [n.node for n in run.nodes if not n.done and n.status not in ("Waiting", "Scanning", "Staging")]
            if len(active) > 1:
                raise fail(f"CAU works on {active} at once")
            if c.cau.locked:
                raise fail("a run is under way on a locked cluster")

        # --- §9.1: nodes and servers apart, nothing names an evicted node, versions fit
        if nodes.keys() & {x.name for x in s.servers}:
            raise fail("a server is also a node")
        for g in s.groups:
            if not set(g.preferred_owners) <= nodes.keys():
                raise fail(f"{g.name} prefers a node that is gone")
        for r in s.resources:
            if not set(r.possible_owners) <= nodes.keys():
                raise fail(f"{r.name} may run on a node that is gone")
        for n in s.nodes:
            if join_refusal(s.os, n.os) is not None:
                raise fail(f"{n.name} runs {n.os} at functional level {s.os}")
        for vm in s.vms:
            active = vm.state in (VmState.RUNNING, VmState.STARTING) and vm.host in nodes
            if active and version_key(vm.version) > version_key(VM_CONFIG_VERSION[nodes[vm.host].os]):
                raise fail(f"{vm.name} ({vm.version}) too new for {vm.host}")
        in_maintenance = {x.name for x in s.csvs if x.maintenance}
        for vm in s.vms:
            if vm.csv in in_maintenance and vm.state in (VmState.RUNNING, VmState.STARTING):
                raise fail(f"{vm.name} runs on {vm.csv}, which is in maintenance")

    def _check_votes(self, s: Any) -> None:
        """§1.12, for one running, unforced partition, computed from the node list alone."""
        fail = InvariantViolation
        q = s.quorum
        members = set(q.members)
        configured = q.witness_type != "None"
        healthy = configured and q.witness_state != "Failed"
        weight = {n.name: n.node_weight for n in s.nodes}
        dyn = {n.name: n.dynamic_weight for n in s.nodes}
        if q.dynamic_quorum:
            for name in weight:
                if dyn[name] not in (0, 1) or dyn[name] > weight[name]:
                    raise fail(f"{name}: DynamicWeight {dyn[name]} with NodeWeight {weight[name]}")
                if name not in members and dyn[name]:
                    raise fail(f"{name} keeps a dynamic vote outside the membership {sorted(members)}")
            voting = sorted(n for n in members if weight[n] == 1)
            zeroed = [n for n in voting if dyn[n] == 0]
            if healthy:
                # §1.6: the witness votes exactly when an even number of nodes vote; no node loses its vote
                if q.witness_dynamic_weight != (1 if len(voting) % 2 == 0 else 0):
                    raise fail(f"witness weight {q.witness_dynamic_weight} with {len(voting)} voting nodes")
                if zeroed:
                    raise fail(f"{zeroed} lost their vote although the witness can break the tie")
            else:
                # §1.7: no usable witness: one node's vote goes when an even number vote
                if q.witness_dynamic_weight != 0:
                    raise fail("an unusable witness keeps its dynamic vote")
                want = 1 if voting and len(voting) % 2 == 0 else 0
                if len(zeroed) != want:
                    raise fail(f"{len(voting)} voting nodes, {zeroed} zeroed (want {want})")
                lower = next((n.name for n in s.nodes if n.id == q.lower_quorum_priority_node_id), None)
                if want and lower in voting and zeroed != [lower]:
                    raise fail(f"the tie-breaker zeroed {zeroed}, not LowerQuorumPriorityNodeID {lower}")
            total = sum(dyn.values()) + q.witness_dynamic_weight
            votes = sum(dyn[n] for n in members) + (q.witness_dynamic_weight if healthy else 0)
        else:
            # §1.5: static votes: every configured vote stays in the total
            total = sum(weight.values()) + (1 if configured else 0)
            votes = sum(weight[n] for n in members) + (1 if healthy else 0)
        if (q.total, q.votes) != (total, votes):
            raise fail(f"quorum says {q.votes}/{q.total} votes, the rules say {votes}/{total}")
        if q.needed != (total // 2 + 1 if total else 1):
            raise fail(f"{q.needed} votes needed of {total}")
        if not votes * 2 > total:
            raise fail(f"a partition runs with {votes} of {total} votes, not forced")


# --- the state machine --------------------------------------------------------------------------

node = st.sampled_from(NODES)
vm_name = st.sampled_from(VMS)
group_name = st.sampled_from(GROUPS)
csv_name = st.sampled_from(CSVS)


def quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class ClusterMachine(RuleBasedStateMachine):
    """Random schedules of console commands and waits; ``interactive`` = the cockpit (commands return
    at once) or ``clusterlab shell`` (blocking cmdlets advance simulated time)."""

    interactive: ClassVar[bool] = True
    #: replay the journal at the end of each schedule (the soak may turn it off to cover more ground)
    check_replay: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.spec = replace(SPEC, seed=SEED)
        self.c = Cluster(self.spec)
        self.shell = Shell(self.c, width=120, blocking=not self.interactive)
        self.checker = InvariantChecker(self.c)
        self.journal: list[tuple[float, str]] = []
        self.steps = 0

    # one step ------------------------------------------------------------------------------

    def run(self, line: str) -> None:
        """One console command, journaled first (as the cockpit and the shell do)."""
        self.journal.append((self.c.now, line))
        self.steps += 1
        note(f"t={self.c.now!r} PS> {line}")  # printed with a failing schedule: a console script to replay
        result = self.shell.run(line)
        internal = [e.message for e in result.errors if INTERNAL in e.message]
        assert not internal, f"{line!r} raised inside the console: {internal[0]}"

    # faults ---------------------------------------------------------------------------------

    @rule(n=node)
    def crash(self, n: str) -> None:
        self.run(f"Invoke-LabFault -Node {n} -Crash")

    @rule(n=node)
    def clussvc_crash(self, n: str) -> None:
        self.run(f"Invoke-LabFault -Node {n} -ClusSvcCrash")

    @rule(n=node, net=st.one_of(st.none(), st.sampled_from(NETWORKS)))
    def isolate(self, n: str, net: str | None) -> None:
        self.run(f"Invoke-LabFault -Node {n} -Isolate" + (f" -Network {net}" if net else ""))

    @rule(order=st.permutations(NODES), cuts=st.sets(st.integers(1, len(NODES) - 1), min_size=1, max_size=2))
    def partition(self, order: list[str], cuts: set[int]) -> None:
        bounds = [0, *sorted(cuts), len(order)]
        sides = [order[a:b] for a, b in itertools.pairwise(bounds)]
        self.run("Invoke-LabFault -Partition " + ",".join(quoted(",".join(side)) for side in sides))

    @rule()
    def witness_fail(self) -> None:
        self.run("Invoke-LabFault -Witness")

    @rule(g=vm_name, count=st.integers(1, 3))
    def fail_resource(self, g: str, count: int) -> None:
        self.run(f"Invoke-LabFault -Resource {g} -Count {count}")

    @rule(n=node, csv=csv_name)
    def storage_path(self, n: str, csv: str) -> None:
        self.run(f"Invoke-LabFault -Node {n} -StoragePath {csv}")

    @rule(g=vm_name, service=st.sampled_from(["AppSvc", "Spooler"]), crash=st.booleans())
    def guest_fault(self, g: str, service: str, crash: bool) -> None:
        """§7.1 VM monitoring: a monitored service fails inside the guest, or the guest hangs."""
        if crash:
            self.run(f"Invoke-LabFault -VM {g} -GuestCrash")
        else:
            self.run(f"Invoke-LabFault -VM {g} -Service {service}")

    @rule(g=vm_name, service=st.sampled_from(["AppSvc", "Spooler"]), add=st.booleans())
    def monitored_item(self, g: str, service: str, add: bool) -> None:
        verb = "Add" if add else "Remove"
        self.run(f"{verb}-ClusterVMMonitoredItem -VirtualMachine {g} -Service {service}")

    @rule(g=vm_name)
    def reset_monitored(self, g: str) -> None:
        self.run(f"Reset-ClusterVMMonitoredState {g}")

    @rule(n=node)
    def switch_uplink(self, n: str) -> None:
        """§7.2 network health protection: the VMs' virtual switch loses its uplink on one node."""
        self.run(f"Invoke-LabFault -Node {n} -SwitchUplink External")

    @rule(g=vm_name, protected=st.booleans())
    def protected_network(self, g: str, protected: bool) -> None:
        self.run(f"Set-VMNetworkAdapter -VMName {g} -NotMonitoredInCluster ${not protected}")

    @rule(n=node, bad=st.booleans(), count=st.integers(1, 3))
    def update_fault(self, n: str, bad: bool, count: int) -> None:
        self.run(
            f"Invoke-LabFault -Node {n} -BadUpdate"
            if bad
            else f"Invoke-LabFault -Node {n} -UpdateFailure -Count {count}"
        )

    # repairs ---------------------------------------------------------------------------------

    @rule(n=node)
    def repair(self, n: str) -> None:
        self.run(f"Repair-LabFault -Node {n}")

    @rule(n=node)
    def power_on(self, n: str) -> None:
        self.run(f"Start-LabNode {n}")

    @rule(what=st.sampled_from(["Witness", "Network", "All"]))
    def repair_other(self, what: str) -> None:
        self.run(f"Repair-LabFault -{what}")

    # nodes -------------------------------------------------------------------------------------

    @rule(n=node)
    def stop(self, n: str) -> None:
        self.run(f"Stop-ClusterNode {n} -Wait 0")

    @rule(n=node, fq=st.booleans(), cq=st.booleans(), pq=st.booleans())
    def start(self, n: str, fq: bool, cq: bool, pq: bool) -> None:
        flags = (
            (" -ForceQuorum" if fq else "") + (" -ClearQuarantine" if cq else "") + (" -PreventQuorum" if pq else "")
        )
        self.run(f"Start-ClusterNode {n}{flags} -Wait 0")

    @rule(stop=st.booleans())
    def whole_cluster(self, stop: bool) -> None:
        self.run("Stop-Cluster -Force -Wait 0" if stop else "Start-Cluster -Wait 0")

    @rule(n=node)
    def pause(self, n: str) -> None:
        self.run(f"Suspend-ClusterNode {n}")

    @rule(n=node, force=st.booleans(), to=st.one_of(st.none(), node))
    def drain(self, n: str, force: bool, to: str | None) -> None:
        self.run(
            f"Suspend-ClusterNode {n} -Drain" + (" -ForceDrain" if force else "") + (f" -TargetNode {to}" if to else "")
        )

    @rule(n=node, mode=st.sampled_from(["NoFailback", "Immediate", "Policy"]))
    def resume(self, n: str, mode: str) -> None:
        self.run(f"Resume-ClusterNode {n} -Failback {mode}")

    @rule(n=node, restart=st.booleans())
    def shutdown(self, n: str, restart: bool) -> None:
        self.run(f"{'Restart' if restart else 'Stop'}-Computer {n} -Force")

    @rule(on=st.booleans())
    def drain_on_shutdown(self, on: bool) -> None:
        self.run(f"(Get-Cluster).DrainOnShutdown = {int(on)}")

    @rule(n=node, force=st.booleans())
    def evict(self, n: str, force: bool) -> None:
        self.run(f"Remove-ClusterNode {n}" + (" -Force" if force else "") + " -Wait 0")

    @rule(n=node, os=st.sampled_from(["2019", "2022"]))
    def reinstall(self, n: str, os: str) -> None:
        self.run(f"Install-LabNodeOS {n} -OS {os}")

    @rule(n=node)
    def add(self, n: str) -> None:
        self.run(f"Add-ClusterNode {n} -Wait 0")

    @rule(what_if=st.booleans())
    def raise_level(self, what_if: bool) -> None:
        self.run("Update-ClusterFunctionalLevel" + (" -WhatIf" if what_if else " -Force"))

    @rule(n=node, authoritative=st.booleans(), backup=st.booleans())
    def backup_restore(self, n: str, authoritative: bool, backup: bool) -> None:
        if backup:
            self.run("Backup-LabClusterConfig")
        else:
            self.run(f"Restore-LabClusterConfig -Node {n}" + (" -Authoritative" if authoritative else ""))

    # quorum settings ------------------------------------------------------------------------------

    @rule(n=node, w=st.integers(0, 1))
    def weight(self, n: str, w: int) -> None:
        self.run(f"(Get-ClusterNode {n}).NodeWeight = {w}")

    @rule(on=st.booleans())
    def dynamic(self, on: bool) -> None:
        self.run(f"(Get-Cluster).DynamicQuorum = {int(on)}")

    @rule(node_id=st.integers(0, len(NODES) + 2))
    def lower_priority(self, node_id: int) -> None:
        self.run(f"(Get-Cluster).LowerQuorumPriorityNodeID = {node_id}")

    @rule(
        how=st.sampled_from(
            [
                "-NoWitness",
                "-FileShareWitness \\\\WITNESS01\\HVCLUS",
                "-FileShareWitness \\\\FS02\\Witness",
                "-CloudWitness -AccountName labstorage -AccessKey abc123",
                "-DiskWitness 'Cluster Disk 9'",
                "-NodeMajority",
            ]
        )
    )
    def quorum_config(self, how: str) -> None:
        self.run(f"Set-ClusterQuorum {how}")

    # roles --------------------------------------------------------------------------------------------

    @rule(g=group_name, dest=st.one_of(st.none(), node))
    def move(self, g: str, dest: str | None) -> None:
        self.run(f"Move-ClusterGroup {quoted(g)}" + (f" {dest}" if dest else "") + " -Wait 0")

    @rule(g=vm_name, dest=st.one_of(st.none(), node), kind=st.sampled_from(["Live", "Quick", "Shutdown", "TurnOff"]))
    def migrate(self, g: str, dest: str | None, kind: str) -> None:
        self.run(
            f"Move-ClusterVirtualMachineRole {g}"
            + (f" -Node {dest}" if dest else "")
            + f" -MigrationType {kind} -Wait 0"
        )

    @rule(g=vm_name)
    def cancel(self, g: str) -> None:
        self.run(f"Move-ClusterVirtualMachineRole {g} -Cancel")

    @rule(g=vm_name, csv=csv_name)
    def move_storage(self, g: str, csv: str) -> None:
        self.run(f"Move-VMStorage {g} -DestinationStoragePath C:\\ClusterStorage\\{csv}\\{g}")

    @rule(g=group_name, on=st.booleans())
    def start_stop_group(self, g: str, on: bool) -> None:
        self.run(f"{'Start' if on else 'Stop'}-ClusterGroup {quoted(g)} -Wait 0")

    @rule(g=vm_name, how=st.sampled_from(["Start-VM", "Stop-VM", "Stop-VM -TurnOff -Force", "Save-VM"]))
    def vm_power(self, g: str, how: str) -> None:
        verb, *rest = how.split(" ", 1)
        self.run(f"{verb} {g} {' '.join(rest)}".strip())

    @rule(g=vm_name)
    def vm_version(self, g: str) -> None:
        self.run(f"Update-VMVersion {g} -Force")

    @rule(g=vm_name, priority=st.sampled_from([0, 1000, 2000, 3000]))
    def priority(self, g: str, priority: int) -> None:
        self.run(f"(Get-ClusterGroup {g}).Priority = {priority}")

    @rule(
        csv=csv_name, what=st.sampled_from(["redirect", "maintenance", "resume", "move"]), n=st.one_of(st.none(), node)
    )
    def csv_admin(self, csv: str, what: str, n: str | None) -> None:
        if what == "redirect":
            self.run(f"Suspend-ClusterResource {csv} -RedirectedAccess -Force")
        elif what == "maintenance":
            self.run(f"Suspend-ClusterResource {csv} -Force")
        elif what == "resume":
            self.run(f"Resume-ClusterResource {csv}")
        else:
            self.run(f"Move-ClusterSharedVolume {csv}" + (f" {n}" if n else ""))

    # compute resiliency (§7.3) --------------------------------------------------------------------------

    @rule(
        key=st.sampled_from(["ResiliencyLevel", "ResiliencyDefaultPeriod"]), value=st.sampled_from([0, 1, 2, 30, 240])
    )
    def resiliency(self, key: str, value: int) -> None:
        self.run(f"(Get-Cluster).{key} = {value}")

    @rule(g=vm_name, seconds=st.sampled_from([-1, 0, 60]))
    def resiliency_period(self, g: str, seconds: int) -> None:
        self.run(f"(Get-ClusterGroup {g}).ResiliencyPeriod = {seconds}")

    # Cluster-Aware Updating (§8) ----------------------------------------------------------------------

    @rule(
        failback=st.sampled_from(["Immediate", "NoFailback", "Policy"]),
        max_failed=st.one_of(st.none(), st.integers(0, 2)),
        retries=st.integers(0, 3),
        wait=st.booleans(),
    )
    def cau_run(self, failback: str, max_failed: int | None, retries: int, wait: bool) -> None:
        line = f"Invoke-CauRun -Force -FailbackMode {failback} -MaxRetriesPerNode {retries}"
        if max_failed is not None:
            line += f" -MaxFailedNodes {max_failed}"
        if not (wait and not self.interactive):
            line += " -Wait 0"  # the shell would block until the run ends: only sometimes
        self.run(line)

    @rule()
    def cau_stop(self) -> None:
        self.run("Stop-CauRun -Force")

    @rule()
    def cau_recover(self) -> None:
        self.run("Invoke-CauRun -ForceRecovery -Force -Wait 0")

    # reading (must never change anything, must never fail internally) -----------------------------------

    @rule(
        line=st.sampled_from(
            [
                "Get-ClusterNode | Format-Table",
                "Get-ClusterGroup | Where-Object State -ne Online",
                "Get-ClusterQuorum | Format-List *",
                "Get-ClusterResource | Sort-Object OwnerNode",
                "Get-VM | Select-Object Name, State, ComputerName",
                "Get-ClusterSharedVolumeState",
                "Get-LabMigration -All",
                "Get-CauRun",
                "Get-Cluster | fl *",
                "Test-Cluster",
                "Get-ClusterNetwork",
            ]
        )
    )
    def read(self, line: str) -> None:
        before = self.c.snapshot()
        seq = len(self.c.events)
        self.run(line)
        assert len(self.c.events) == seq or line == "Test-Cluster", f"{line} emitted events"
        assert self.c.snapshot() == before, f"{line} changed the cluster"

    # time -------------------------------------------------------------------------------------------------

    @rule(seconds=st.sampled_from([0.5, 1.0, 5.0, 19.0, 21.0, 60.0, 241.0, 300.0, 900.0, 3600.0]))
    def wait(self, seconds: float) -> None:
        self.steps += 1
        note(f"t={self.c.now!r} (simulated time passes: {seconds} s)")
        self.c.advance(seconds)

    @precondition(lambda self: not self.interactive)
    @rule(seconds=st.sampled_from([1, 30, 300]))
    def sleep(self, seconds: int) -> None:
        self.run(f"Start-Sleep -Seconds {seconds}")

    # checks -----------------------------------------------------------------------------------------------

    @invariant()
    def invariants_hold(self) -> None:
        self.checker.check()

    def teardown(self) -> None:
        if self.check_replay and self.journal:
            self.check_journal_replay()

    def check_journal_replay(self) -> None:
        """Write the journal as the cockpit/shell would, read it back, replay it: the same events."""
        header = {
            "journal": 1,
            "lab": str(LAB_PATH),
            "lab_id": "default",
            "seed": SEED,
            "interactive": self.interactive,
        }
        lines = [json.dumps(header)]
        lines += [json.dumps({"t": t, "run": line}) for t, line in self.journal]
        lines.append(json.dumps({"t": self.c.now, "mark": "stop"}))
        fd, name = tempfile.mkstemp(prefix="clusterlab-machine-", suffix=".jsonl")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            journal = read_journal(Path(name))
        finally:
            os.unlink(name)
        assert journal.problems == [], journal.problems
        again = replay(journal)
        assert again.cluster.now == self.c.now
        ours, theirs = self.c.events, again.cluster.events
        if ours != theirs:
            first = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), None)
            where = min(len(ours), len(theirs)) if first is None else first
            raise AssertionError(
                f"the replayed journal diverges at event {where}: "
                f"{ours[where] if where < len(ours) else None!r} != {theirs[where] if where < len(theirs) else None!r}"
            )
