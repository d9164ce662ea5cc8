"""Who is in the cluster: failure detection, partitions, quorum verdicts, join, form, force.

Timers, not packets (architecture.md): when a partition stops being one fully connected
set, one event is scheduled a heartbeat threshold later (§2.1: Delay × Threshold). If the
break is still there then, the membership regroups: every unreachable member is pruned in
that same regroup (a node that crashed a few seconds after another is "simultaneous" with
it, because it cannot answer the regroup either), each side is judged against the vote set
from before the failure, and losers stop ClusSvc (1177) and keep trying to rejoin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import profiles as P
from .errors import InvalidStateError, QuorumError
from .model import ACTIVE_VM_STATES, Node, Partition, Service, World
from .quorum import (
    VoteAssignment,
    assign_votes,
    configured_votes,
    forming_votes,
    judge_sides,
    majority,
)
from .roles import Roles
from .snapshots import DrainStatus
from .upgrade import display, level_text, mixed_mode


class Membership:
    def __init__(self, world: World, roles: Roles) -> None:
        self.w = world
        self.roles = roles
        #: called with a node's name each time it joins the active membership
        self.joined_hooks: list[Callable[[str], None]] = []
        self.cluster_stopping = False  # Stop-Cluster is saving the roles before ClusSvc stops everywhere

    # votes -----------------------------------------------------------------------------

    def compute_votes(self, members: list[str], previous: VoteAssignment | None = None) -> VoteAssignment:
        w = self.w
        prev = previous if previous is not None else w.votes
        lower = w.lower_quorum_priority_node
        zeroed = prev.zeroed
        if w.preferred_site and zeroed in w.nodes and w.nodes[zeroed].site == w.preferred_site:
            zeroed = None  # §1.7 [S66]: a PreferredSite moves the tie-breaker out of that site at once
        return assign_votes(
            w.node_order(),
            {n: node.node_weight for n, node in w.nodes.items()},
            members,
            witness_configured=w.witness.configured,
            witness_healthy=w.witness.healthy,
            dynamic_quorum=w.dynamic_quorum,
            lower_priority_node=lower,
            previous_zeroed=zeroed,
            choose=self._tie_breaker,
            dynamic_witness=w.profile.dynamic_witness,
        )

    def _tie_breaker(self, names: Sequence[str]) -> str:
        """The node whose vote dynamic quorum removes for an odd count: with a PreferredSite (2016+),
        one outside it, so the preferred site survives a 50/50 split (§1.7 [S66]); else a seeded choice."""
        w = self.w
        pool = sorted(names, key=lambda n: w.nodes[n].id)
        if w.preferred_site:
            outside = [n for n in pool if w.nodes[n].site != w.preferred_site]
            if outside:
                pool = outside
        return w.rng.choice(pool)

    def commit_votes(self) -> None:
        """Recompute dynamic weights after a committed change; keep the last set while down."""
        w = self.w
        members = w.members()
        if not members:
            return
        new = self.compute_votes(members)
        old = w.votes
        changes = []
        for n in w.node_order():
            a, b = old.dynamic.get(n), new.dynamic[n]
            if a is not None and a != b:
                changes.append(f"{n} DynamicWeight {a}→{b}")
        if old.dynamic and old.witness != new.witness and w.witness.configured:
            changes.append(f"witness WitnessDynamicWeight {old.witness}→{new.witness}")
        w.votes = new
        if changes:
            w.emit("VotesAdjusted", w.name, detail=", ".join(changes), votes=new.total(), total=new.total())
        self._check_forced_end()
        if new.total() == 0:
            self._no_votes_left()
        elif not w.dynamic_quorum:
            self._check_static_majority()

    def _no_votes_left(self) -> None:
        """No node votes and the witness is gone: nothing can hold a majority (§1.1)."""
        w = self.w
        for p in list(w.partitions):
            if p.forced:
                continue
            for m in p.members:
                w.emit("QuorumLost", m, node=m)
                w.nodes[m].partition = None
            w.partitions.remove(p)
            self.roles.partition_lost(p.members)
        if not w.partitions:
            self.roles.cluster_down()
        self.roles.migrations.topology_changed()

    def _check_static_majority(self) -> None:
        """Static quorum (DynamicQuorum 0, §1.5): the configured votes do not adjust, so losing a vote
        holder outside a regroup — the witness — can leave a partition without a majority (1177)."""
        w = self.w
        total = w.votes.total()
        for p in list(w.partitions):
            if p.forced:
                continue
            witness = w.votes.witness if w.witness.healthy and any(w.reaches_witness(m) for m in p.members) else 0
            present = sum(w.votes.dynamic.get(m, 0) for m in p.members) + witness
            if majority(present, total):
                continue
            for m in p.members:
                w.emit("QuorumLost", m, node=m)
                w.nodes[m].partition = None
            w.partitions.remove(p)
            self.roles.partition_lost(p.members)
        if not w.partitions:
            self.roles.cluster_down()
        self.roles.migrations.topology_changed()

    def _check_forced_end(self) -> None:
        w = self.w
        for p in w.partitions:
            if not p.forced:
                continue
            if len(w.partitions) > 1:
                # §1.9: votes "return" to a forced cluster by joining it (Force Quorum resiliency merges a
                # partition that can see it). While another partition runs apart, that one arbitrates the
                # witness (§1.12 rule 4) and the forced side stays forced. Found by the reliability state
                # machine: an eviction made the forced side count the other side's witness and both
                # partitions ran unforced — a split brain.
                continue
            weights = {n: node.node_weight for n, node in w.nodes.items()}
            total = configured_votes(w.node_order(), weights, w.witness.configured)
            present = sum(weights[m] for m in p.members) + (1 if w.witness.configured and w.witness.healthy else 0)
            if majority(present, total):
                p.forced = False
                w.emit("ForcedQuorumEnded", w.name, votes=present, total=total)

    # topology --------------------------------------------------------------------------

    def healthy(self, p: Partition) -> bool:
        w = self.w
        members = p.members
        if any(not w.nodes[m].live for m in members):
            return False
        if w.split is None and not any(w.nodes[m].detached for m in members):
            # Nothing cut: every pair shares every cluster network (what ``linked`` would find
            # for each of the 2,016 pairs of a 64-node partition).
            return len(members) < 2 or bool(w.cluster_networks())
        return all(w.linked(a, b) for i, a in enumerate(members) for b in members[i + 1 :])

    def topology_changed(self) -> None:
        """Something about power or links changed: arm detection, merge, join, form."""
        w = self.w
        for p in list(w.partitions):
            if self.healthy(p):
                p.broken_since = None
            elif p.broken_since is None:
                p.broken_since = w.now
                self._arm_detection(p, w.now)
        self._merge_partitions()
        self.try_join_all()
        self.roles.migrations.topology_changed()

    def _arm_detection(self, p: Partition, since: float) -> None:
        self.w.after(self.w.detection_delay(p), lambda: self._detection_due(p, since))

    def _detection_due(self, p: Partition, since: float) -> None:
        if p not in self.w.partitions or p.broken_since != since:
            return  # healed in time, or a newer break has its own timer
        self.regroup(p)

    def regroup(self, p: Partition) -> None:
        w = self.w
        before = w.votes
        live = [m for m in p.members if w.nodes[m].live]
        sides = w.components(live)
        witness_side = self._arbitrate(sides)
        verdicts = judge_sides(sides, before, witness_side)
        winner: list[str] = []
        if p.forced:
            if sides:
                winner = max(sides, key=lambda s: (len(s), -w.nodes[s[0]].id))
        else:
            for v in verdicts:
                if v.has_quorum:
                    winner = list(v.members)
                    break
        removed = [m for m in p.members if m not in winner]
        # §7.3: leaving without ClusSvc's orderly stop counts toward quarantine.
        unclean = [m for m in removed if not w.nodes[m].stopping] if winner else []
        isolation = self.roles.resiliency.plan(removed, winner)
        keep = frozenset(g for gs in isolation.values() for g in gs)
        for m in removed:
            # 1135 is logged by the nodes that see m leave: a lone survivor does not log it
            # about itself before it stops for lost quorum.
            if winner or not w.nodes[m].live or len(sides) > 1:
                w.emit("NodeRemoved", m, node=m)
        losers = [m for m in removed if w.nodes[m].live]
        for m in losers:
            w.emit("QuorumLost", m, node=m)
        for m in removed:
            node = w.nodes[m]
            node.partition = None
            node.joining = False
            if node.stopping:
                # It was leaving anyway: its ClusSvc stops instead of trying to rejoin.
                node.stopping = False
                node.service = Service.STOPPED
        if winner:
            p.members = w.sort_nodes(winner)
            p.broken_since = None
        else:
            w.partitions.remove(p)
        self.roles.partition_lost(losers, keep)
        if not w.partitions:
            self.roles.cluster_down()
        self.commit_votes()
        self.roles.nodes_removed(removed, survivors=bool(winner), keep=keep)
        self.roles.resiliency.isolate(isolation)
        for m in unclean:
            self._unclean_exit(w.nodes[m])
        self.try_join_all()
        self.roles.migrations.topology_changed()

    # quarantine (§7.3, 2016+) ------------------------------------------------------------------

    def quarantined(self, n: Node) -> bool:
        return self.w.quarantined(n)

    def _unclean_exit(self, n: Node) -> None:
        w = self.w
        if not w.profile.compute_resiliency:
            return
        n.unclean_exits = [t for t in n.unclean_exits if w.now - t < P.QUARANTINE_WINDOW_S] + [w.now]
        if len(n.unclean_exits) < w.quarantine_threshold or self.quarantined(n):
            return
        cap = max(1, int(len(w.nodes) * P.QUARANTINE_MAX_FRACTION))
        if sum(1 for x in w.nodes.values() if self.quarantined(x)) >= cap:
            return  # at most 25 % of the nodes: this one may rejoin
        forever = w.quarantine_duration >= P.QUARANTINE_FOREVER
        until = float("inf") if forever else w.now + w.quarantine_duration
        n.quarantined_until = until
        n.quarantine_join_logged = False
        when = w.clock.at(until).strftime("%Y/%m/%d-%H:%M:%S")
        w.emit(
            "NodeQuarantined", n.name, node=n.name, failures=len(n.unclean_exits), until="cleared" if forever else when
        )
        # It may not rejoin, so there is nothing to wait for: its VMs are drained away (§7.3).
        self.roles.resiliency.quarantined(n.name)

        def release() -> None:
            if n.quarantined_until == until:
                self.clear_quarantine(n, "QuarantineDuration passed")

        if not forever:
            w.after(w.quarantine_duration, release)

    def clear_quarantine(self, n: Node, why: str) -> None:
        n.quarantined_until = None
        n.unclean_exits.clear()
        self.w.emit("NodeQuarantineEnded", n.name, node=n.name, why=why)
        self.try_join_all()

    def _arbitrate(self, sides: list[list[str]]) -> int | None:
        """The side that wins the witness: the one owning the core Cluster Group, else a race."""
        w = self.w
        if not (w.witness.configured and w.witness.healthy) or not sides:
            return None
        able = [i for i, side in enumerate(sides) if any(w.reaches_witness(m) for m in side)]
        if not able:
            return None
        core = w.groups.get("Cluster Group")
        if core is not None:
            for i in able:
                if core.owner in sides[i]:
                    return i
        # §1.3 ArbitrationDelay: non-owners race for the lock after the delay; seeded choice.
        return able[w.rng.randrange(len(able))]

    def _merge_partitions(self) -> None:
        """Force Quorum resiliency (§1.9): a partition that can see a forced one joins it."""
        w = self.w
        while len(w.partitions) > 1:
            pair = None
            for i, a in enumerate(w.partitions):
                for b in w.partitions[i + 1 :]:
                    if any(w.linked(x, y) for x in a.members for y in b.members):
                        pair = (a, b)
                        break
                if pair:
                    break
            if pair is None:
                return
            a, b = pair
            if a.forced != b.forced:
                loser = b if a.forced else a
            else:
                loser = min(pair, key=lambda p: (len(p.members), -w.nodes[p.members[0]].id))
            for m in loser.members:
                w.emit("ForcedPartitionExists", m, node=m)
                w.nodes[m].partition = None
            w.partitions.remove(loser)
            self.roles.partition_lost(loser.members)
            self.roles.nodes_removed(loser.members, survivors=True)

    # join and form ---------------------------------------------------------------------

    def try_join_all(self) -> None:
        w = self.w
        waiting = [n for n in w.nodes.values() if n.live and not n.is_member and not n.joining]
        for n in [n for n in waiting if self.quarantined(n)]:
            waiting.remove(n)
            if not n.quarantine_join_logged:
                n.quarantine_join_logged = True
                q = n.quarantined_until or 0.0
                until = "cleared" if q == float("inf") else w.clock.at(q).strftime("%Y/%m/%d-%H:%M:%S")
                w.emit("JoiningNodeQuarantined", n.name, node=n.name, until=until)
            # Turned away, but reachable again: the VMs it still runs are live-migrated off (§7.3).
            self.roles.resiliency.drain_quarantined(n.name)
        if not waiting:
            return
        if w.partitions:
            for n in waiting:
                target = self._joinable(n.name)
                if target is not None:
                    self._join(n, target)
            return
        # Nobody runs the cluster: a set of nodes that can talk may form it with a majority
        # of the last committed vote set (PreventQuorum nodes never form).
        for comp in w.components([n.name for n in waiting]):
            nodes = [w.nodes[m] for m in comp]
            if all(x.prevent_quorum for x in nodes):
                continue
            votes, total = forming_votes(comp, w.votes, any(w.reaches_witness(m) for m in comp))
            if majority(votes, total):
                self._form(comp, forced=False)
                return

    def _joinable(self, name: str) -> Partition | None:
        w = self.w
        for p in w.partitions:
            if self.healthy(p) and all(w.linked(name, m) for m in p.members):
                return p
        return None

    def _join(self, n: Node, p: Partition) -> None:
        w = self.w
        n.joining = True
        epoch = n.epoch
        w.emit("NodeJoining", n.name, node=n.name)

        def done() -> None:
            n.joining = False
            if n.epoch != epoch or not n.live or n.is_member:
                return
            target = p if p in w.partitions and self._joinable(n.name) is p else self._joinable(n.name)
            if target is None:
                self.try_join_all()
                return
            target.members = w.sort_nodes([*target.members, n.name])
            n.partition = target
            w.emit("NodeJoined", n.name, node=n.name)
            self._versions_on_join(n, target)
            self.commit_votes()
            self.roles.resiliency.rejoined(n.name)
            self.roles.node_joined(n.name)
            for hook in tuple(self.joined_hooks):
                hook(n.name)
            self.try_join_all()

        w.after(P.JOIN_S, done)

    def _versions_on_join(self, n: Node, p: Partition) -> None:
        """§9.1 mixed-OS mode: a node joining while some member runs another release than the functional
        level's logs 1548; the first node of a newer release than the core Cluster Group's owner takes the
        core resources [S22]."""
        w = self.w
        if mixed_mode(w.profile.name, [w.nodes[m].os for m in p.members]):
            w.emit(
                "VersionCompatible",
                n.name,
                node=n.name,
                os_display=display(n.os),
                level=level_text(w.profile.name),
            )
        core = w.groups.get("Cluster Group")
        owner = w.nodes.get(core.owner) if core is not None else None
        newer = owner is not None and P.release_index(n.os) > P.release_index(owner.os)
        if core is not None and owner is not None and newer and owner.is_member and owner.live and n.can_host:
            w.emit("GroupMoved", core.name, group=core.name, source=core.owner, target=n.name)
            core.owner = n.name

    def _form(self, names: list[str], forced: bool) -> None:
        w = self.w
        nodes = [w.nodes[m] for m in names]
        for n in nodes:
            n.joining = True
            w.emit("NodeJoining", n.name, node=n.name)
        epochs = {n.name: n.epoch for n in nodes}

        def done() -> None:
            for n in nodes:
                n.joining = False
            alive = [n.name for n in nodes if n.epoch == epochs[n.name] and n.live and not n.is_member]
            if not alive:
                self.try_join_all()
                return
            reachable = any(self._joinable(a) is not None for a in alive)
            if reachable or (w.partitions and not forced):
                self.try_join_all()
                return
            comp = w.components(alive)[0]
            if not forced:
                votes, total = forming_votes(comp, w.votes, any(w.reaches_witness(m) for m in comp))
                if not majority(votes, total):
                    self.try_join_all()
                    return
            p = w.new_partition(comp, forced=forced)
            if forced:
                w.emit("QuorumForced", comp[0], node=comp[0])
            self.commit_votes()
            votes = w.votes.total() if not forced else 0
            if not forced:
                w.emit("QuorumFormed", w.name, votes=votes, total=votes, members=", ".join(p.members))
            for m in p.members:
                # A forced start on an isolated node: it runs (and monitors) its own VMs now.
                self.roles.resiliency.rejoined(m)
            self.roles.cluster_formed(p.members)
            self.try_join_all()

        w.after(P.JOIN_S, done)

    # commands --------------------------------------------------------------------------

    def crash(self, n: Node) -> None:
        w = self.w
        n.powered = False
        n.booting = False
        n.epoch += 1
        n.joining = False
        n.shutting_down = False
        w.emit("NodeCrashed", n.name, node=n.name)
        self.roles.host_powered_off(n.name)
        self.topology_changed()

    def crash_service(self, n: Node) -> None:
        """Lab fault: ClusSvc dies. The VMs (worker processes) keep running; the survivors see the
        node's heartbeats stop; the Service Control Manager restarts the service (§7.3 scenario 2)."""
        w = self.w
        n.service = Service.STOPPED
        n.clussvc_crashed = True
        n.joining = False
        n.stopping = False
        epoch = n.epoch
        w.emit("ClusSvcCrashed", n.name, node=n.name, restart_s=int(P.CLUSSVC_RESTART_S))

        def restart() -> None:
            if n.epoch != epoch or not n.powered or not n.clussvc_crashed:
                return
            n.clussvc_crashed = False
            n.service = Service.RUNNING
            self.topology_changed()

        w.after(P.CLUSSVC_RESTART_S, restart)
        self.topology_changed()

    def power_on(self, n: Node, *, keep_paused: bool = False, extra_s: float = 0.0) -> None:
        """Boot the node; ClusSvc starts and it joins. ``keep_paused``: a CAU restart, after which
        CAU itself resumes the node; ``extra_s``: updates applied before the boot proper."""
        w = self.w
        n.booting = True
        n.epoch += 1
        epoch = n.epoch
        if not keep_paused:
            w.emit("NodePoweredOn", n.name, node=n.name)

        def booted() -> None:
            if n.epoch != epoch:
                return
            if n.boot_broken:
                # Lab fault: the update leaves Windows unable to start; it stays down until rolled back.
                w.emit("NodeBootFailed", n.name, node=n.name, kb=n.boot_broken)
                return
            n.booting = False
            n.powered = True
            n.service = Service.RUNNING  # ClusSvc starts automatically at boot
            n.clussvc_crashed = False
            n.prevent_quorum = False
            n.paused = n.paused or keep_paused  # a paused node that reboots is still paused ([S3] PauseClusterNode)
            n.stopping = False
            self.topology_changed()

        w.after(P.NODE_BOOT_S + extra_s, booted)

    def restart_for_update(self, n: Node, apply_s: float) -> None:
        """CAU restarts a drained node (§8.1 step 4): ClusSvc leaves gracefully (no 1135, no
        quarantine count), the OS applies the updates and boots, and the node comes back paused
        for CAU to resume."""
        w = self.w
        w.emit("NodeShuttingDown", n.name, node=n.name, restart=" to restart (Cluster-Aware Updating)")
        self._power_off_gracefully(n)
        self.power_on(n, keep_paused=True, extra_s=apply_s)

    def _power_off_gracefully(self, n: Node) -> None:
        """An orderly OS shutdown: ClusSvc leaves, the host powers off; whatever still ran there
        (a drain that could not finish) dies with the OS and fails over."""
        self._leave_gracefully(n)
        n.powered = False
        n.epoch += 1
        self.roles.host_powered_off(n.name)
        if self.roles.groups_on([n.name]):
            self.roles.nodes_removed([n.name], survivors=bool(self.w.partitions))
        self.topology_changed()

    def _leave_gracefully(self, n: Node) -> None:
        """ClusSvc stops in order: out of the membership without a regroup (NodeStopped, not 1135)."""
        w = self.w
        p = n.partition
        n.stopping = False
        n.shutting_down = False
        if p is None:
            return
        p.members = [m for m in p.members if m != n.name]
        n.partition = None
        if not p.members:
            w.partitions.remove(p)
            if not w.partitions:
                self.roles.cluster_down()
        w.emit("NodeStopped", n.name, node=n.name)
        self.commit_votes()

    def start_service(self, n: Node, force_quorum: bool, prevent_quorum: bool) -> None:
        if n.is_member or n.joining:
            raise InvalidStateError(f"The Cluster service on node '{n.name}' is already running.")
        n.service = Service.RUNNING
        n.clussvc_crashed = False
        n.prevent_quorum = prevent_quorum
        if force_quorum and self._joinable(n.name) is None:
            # §1.9: the forced node forms its own cluster even if another partition runs
            # out of sight; Force Quorum resiliency merges them when they meet.
            self._form([n.name], forced=True)
            return
        self.try_join_all()

    def stop_cluster(self, on_stopped: Callable[[], None] | None = None) -> None:
        """Stop-Cluster: every role goes offline with its offline action (VMs saved) and keeps its
        persistent state, then ClusSvc stops on every node at once; the last committed votes stay,
        so Start-Cluster forms again with them."""
        w = self.w
        if not w.partitions:
            raise InvalidStateError("The cluster is not running.")
        w.emit("ClusterStopping", w.name)
        self.cluster_stopping = True
        running = [
            g
            for g in sorted(w.groups.values(), key=lambda g: g.name)
            if g.vm is not None and g.vm.state in ACTIVE_VM_STATES
        ]
        left = len(running)

        def stop_all() -> None:
            # every node's ClusSvc: members, and nodes that were joining or waiting meanwhile
            # (a pending join finds its node no longer live and gives up)
            self.cluster_stopping = False
            for n in w.nodes.values():
                if n.partition is None and not (n.powered and n.service is Service.RUNNING):
                    continue
                n.partition = None  # also a crashed member not yet detected
                n.joining = n.stopping = False  # (a pause stays: it is persistent)
                if n.powered:
                    n.service = Service.STOPPED
                    w.emit("NodeStopped", n.name, node=n.name)
            w.partitions.clear()
            self.roles.cluster_down()
            self.roles.migrations.topology_changed()
            if on_stopped is not None:
                on_stopped()

        def one_saved() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                stop_all()

        for m in self.roles.migrations.running():
            self.roles.migrations.cancel(m, "the cluster is stopping")
        for g in running:
            persist = g.intended_online
            self.roles.save_offline(g, on_saved=one_saved)
            g.intended_online = persist  # PersistentState: Start-Cluster brings it back
        if not running:
            stop_all()

    def start_cluster(self) -> list[str]:
        """Start-Cluster: ClusSvc starts on every powered node; together they form the cluster."""
        w = self.w
        started = [n for n in w.nodes.values() if n.powered and not n.booting and n.service is Service.STOPPED]
        if not started:
            raise InvalidStateError("The Cluster service is already running on every node that is powered on.")
        w.emit("ClusterStarting", w.name, nodes=", ".join(n.name for n in started))
        for n in started:
            n.service = Service.RUNNING
            n.prevent_quorum = False
        self.try_join_all()
        return [n.name for n in started]

    def would_keep_quorum_without(self, n: Node) -> bool:
        """Stop-ClusterNode is refused if the rest cannot hold quorum (§6.5)."""
        w = self.w
        p = n.partition
        assert p is not None
        rest = [m for m in p.members if m != n.name and w.nodes[m].live and not w.nodes[m].stopping]
        if not rest:
            return False
        if p.forced:
            return True
        if w.dynamic_quorum:
            # §1.5: a graceful leave is a committed change — the votes move first.
            after = self.compute_votes(rest)
            held = sum(after.dynamic[m] for m in rest) + after.witness
            return majority(held, after.total())
        weights = {m: node.node_weight for m, node in w.nodes.items()}
        total = configured_votes(w.node_order(), weights, w.witness.configured)
        held = sum(weights[m] for m in rest) + (1 if w.witness.configured and w.witness.healthy else 0)
        return majority(held, total)

    def shutdown(self, n: Node, restart: bool) -> None:
        """Stop-/Restart-Computer: an orderly OS shutdown. With DrainOnShutdown = 1 (2012 R2+,
        §6.4) the node drains itself first (live migration); otherwise its VMs are saved and
        moved. Then ClusSvc stops (no 1135: it is a graceful leave) and the node powers off."""
        w = self.w
        if n.stopping or n.shutting_down:
            raise InvalidStateError(f"Node '{n.name}' is already shutting down or stopping.")
        if n.is_member and not self.would_keep_quorum_without(n):
            raise QuorumError(
                f"Shutting down node '{n.name}' would cause the cluster to lose quorum. Stop the cluster first."
            )
        w.emit("NodeShuttingDown", n.name, node=n.name, restart=" to restart" if restart else "")
        n.shutting_down = True
        epoch = n.epoch
        done = False
        # An administrator's pause is persistent: the node comes back paused (PauseClusterNode,
        # [S3]). The pause drain-on-shutdown puts on it is the shutdown's own, and ends with it
        # (inferred: otherwise every reboot of a 2012 R2+ node would need a Resume-ClusterNode).
        paused_by_admin = n.paused

        def off(_ok: bool = True) -> None:
            nonlocal done
            if done or n.epoch != epoch:
                return
            done = True
            n.paused = paused_by_admin
            self._power_off_gracefully(n)
            if restart:
                self.power_on(n)

        if not n.is_member:
            off()
            return
        if w.drain_on_shutdown:
            self.roles.cancel_migrations_touching(n.name)
            self.roles.drain(n.name, on_finished=off)
            w.after(P.SHUTDOWN_TIMEOUT_S, off)  # §6.4: the shutdown waits at most this long
        else:
            n.stopping = True
            self.roles.evacuate(n.name, off)

    def stop_service(self, n: Node, then: Callable[[], None] | None = None) -> None:
        w = self.w
        if not n.is_member or not n.live:
            raise InvalidStateError(f"The Cluster service on node '{n.name}' is not running.")
        if n.stopping or n.shutting_down:
            raise InvalidStateError(f"The Cluster service on node '{n.name}' is already stopping.")
        if not self.would_keep_quorum_without(n):
            raise QuorumError(
                f"Stopping the Cluster service on node '{n.name}' would cause the cluster to lose quorum. "
                "Use Stop-Cluster to stop the whole cluster."
            )
        n.stopping = True
        epoch = n.epoch
        at_stop = n.partition

        def left() -> None:
            if n.epoch != epoch or not n.stopping or n.partition is not at_stop:
                return
            p = n.partition
            n.stopping = False  # (a pause stays: it is persistent, [S3] PauseClusterNode)
            n.service = Service.STOPPED
            n.partition = None
            if p is not None:
                p.members = [m for m in p.members if m != n.name]
                if not p.members:
                    w.partitions.remove(p)
                    if not w.partitions:
                        self.roles.cluster_down()
            w.emit("NodeStopped", n.name, node=n.name)
            self.commit_votes()
            self.topology_changed()
            if then is not None:
                then()

        self.roles.evacuate(n.name, left)

    # eviction and adding nodes (§9.1) ----------------------------------------------------------

    def would_keep_quorum_after_evict(self, n: Node) -> bool:
        """Remove-ClusterNode is refused if the cluster would lose quorum: the node's vote leaves the
        configuration (not just the membership), so the arithmetic is redone without it (§1.5, §9.1)."""
        w = self.w
        p = w.primary()
        if p is None:
            return False
        if p.forced:
            return True
        rest = [m for m in w.node_order() if m != n.name]
        members = [m for m in p.members if m != n.name and w.nodes[m].live and not w.nodes[m].stopping]
        if not members:
            return False
        weights = {m: w.nodes[m].node_weight for m in rest}
        witness_up = w.witness.configured and w.witness.healthy
        if w.dynamic_quorum:
            after = assign_votes(
                rest,
                weights,
                members,
                witness_configured=w.witness.configured,
                witness_healthy=w.witness.healthy,
                dynamic_quorum=True,
                lower_priority_node=w.lower_quorum_priority_node if w.lower_quorum_priority_node != n.name else None,
                previous_zeroed=None,
                choose=lambda names: sorted(names, key=lambda x: w.nodes[x].id)[0],
                dynamic_witness=w.profile.dynamic_witness,
            )
            held = sum(after.dynamic[m] for m in members) + (after.witness if witness_up else 0)
            return majority(held, after.total())
        total = configured_votes(rest, weights, w.witness.configured)
        held = sum(weights[m] for m in members) + (1 if witness_up else 0)
        return majority(held, total)

    def evict(self, n: Node) -> None:
        """Remove-ClusterNode (§9.1 step 1): the node leaves the membership and the cluster's node list; its
        vote leaves the quorum arithmetic, and every reference to it in the configuration goes (1011, then
        4621 once its cluster configuration is cleaned up). The caller has checked that it hosts nothing."""
        w, roles = self.w, self.roles
        name = n.name
        roles.cancel_migrations_touching(name)
        roles.storage.host_gone(name)
        roles.move_core_groups_off(name)
        p = n.partition
        if p is not None:
            p.members = [m for m in p.members if m != name]
            n.partition = None
            if not p.members:
                w.partitions.remove(p)
        n.epoch += 1  # its pending joins and boots are void
        if n.booting:
            n.booting = False  # it finishes booting as a server outside the cluster
            n.powered = True
        n.joining = n.paused = n.stopping = n.shutting_down = n.prevent_quorum = False
        n.drain_status = DrainStatus.NOT_INITIATED
        n.quarantined_until = None
        n.unclean_exits.clear()
        n.service = Service.STOPPED  # the Failover Clustering configuration is removed
        del w.nodes[name]
        w.servers[name] = n
        remaining = w.node_order()
        hosts = [m for m in remaining if w.nodes[m].can_host] or remaining
        for g in w.groups.values():
            # §3.6: evicted nodes leave preferred and possible owner lists.
            g.preferred_owners = [o for o in g.preferred_owners if o != name]
            for r in g.resources:
                if r.possible_owners is not None:
                    r.possible_owners.discard(name)
                    r.touch()
            if g.drained_from == name:
                g.drained_from = None
            if g.owner == name:  # an offline role it owned: ownership moves to another node
                g.owner = hosts[0]
            if g.vm is not None and g.vm.host == name and g.vm.state not in ACTIVE_VM_STATES:
                g.vm.host = g.owner
        for c in w.csvs.values():
            c.paths_lost.discard(name)
            if c.owner == name:
                c.owner = ""
        if w.lower_quorum_priority_node == name:
            w.lower_quorum_priority_node = None
        w.emit("NodeEvicted", name, node=name)
        if n.powered:
            w.emit("NodeCleanup", name, node=name)
        else:
            w.emit("NodeCleanupPending", name, node=name)
        self.commit_votes()
        if w.partitions:
            roles.move_core_groups()
            roles.assign_csvs()
            roles.storage.nodes_changed()
        self.topology_changed()
