"""Cluster-Aware Updating (§8): Updating Runs, the self-updating role and its schedule, reports.

An Updating Run is one simpy process (§8.1): every node is scanned and staged at once, then the
nodes are updated one at a time — fewest clustered roles first unless NodeOrder says otherwise —
through PreUpdateScript → drain (maintenance mode) → install → restart → rejoin → resume with
failback → PostUpdateScript. It fails for the reasons of §8.4; a run that ends while a node is
still in maintenance leaves the cluster Locked until ``Invoke-CauRun -ForceRecovery``.

Scripts are recorded and simulated, never executed. Updates are data: a list per node, from the
lab or a typical month's set for the OS (``default_updates``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import simpy

from . import profiles as P
from .errors import InvalidArgumentError, InvalidStateError, ObjectNotFoundError
from .model import Group, Resource, World
from .placement import Mode
from .snapshots import (
    CauNodeResult,
    CauRoleSnapshot,
    CauRunSnapshot,
    DrainStatus,
    GroupState,
    GroupType,
)
from .spec import UpdateSpec

if TYPE_CHECKING:
    from .membership import Membership
    from .roles import Roles

#: §8.5: DaysOfWeek flags are Sunday 0x01 … Saturday 0x40.
DAY_NAMES: tuple[str, ...] = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
FAILBACK_MODES = ("NoFailback", "Immediate", "Policy")
DONE = ("Succeeded", "Failed", "Skipped")
CAU_RESOURCE_TYPE = "ClusterAwareUpdatingResource"
#: Passes of one run: the first set, then re-scans for updates that became applicable (§8.1 step 7).
MAX_PASSES = 3


def default_updates(profile: P.OsProfile, when: datetime) -> tuple[UpdateSpec, ...]:
    """A typical Patch Tuesday on a Hyper-V host. Titles follow Microsoft's naming; the KB
    numbers are illustrative, not real articles."""
    month = when.strftime("%Y-%m")
    n = when.year % 100 * 100 + when.month  # stable per lab month
    os = profile.display_name
    if profile.name in ("2012", "2012R2"):
        return (
            UpdateSpec(f"KB50{n:05d}", f"{month} Security Monthly Quality Rollup for {os} (KB50{n:05d})", 1200.0),
            UpdateSpec(f"KB48{n:05d}", f"{month} Cumulative Update for .NET Framework 4.8 for {os}", 420.0),
            UpdateSpec(
                "KB890830", f"Windows Malicious Software Removal Tool x64 - v5.{n % 100} ({month})", 90.0, False
            ),
        )
    cu, net = f"KB50{n:05d}", f"KB51{n:05d}"
    return (
        UpdateSpec(cu, f"{month} Cumulative Update for {os} for x64-based Systems ({cu})", 1500.0),
        UpdateSpec(net, f"{month} Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for {os}", 420.0),
        UpdateSpec(
            "KB2267602", "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602", 60.0, False
        ),
    )


def parse_days(values: Iterable[str | int]) -> tuple[str, ...]:
    """DaysOfWeek as names (Tuesday), abbreviations (Tue) or the flag number (0x04 = Tuesday)."""
    out: list[str] = []
    for v in values:
        if isinstance(v, int) or (isinstance(v, str) and v.strip().lstrip("0x").isdigit()):
            flags = int(v, 0) if isinstance(v, str) else v
            if not 0 < flags < 0x80:
                raise InvalidArgumentError(f"DaysOfWeek flags must be 0x01 (Sunday) … 0x40 (Saturday), not {v}.")
            out += [d for i, d in enumerate(DAY_NAMES) if flags & (1 << i)]
            continue
        name = str(v).strip().capitalize()
        match = [d for d in DAY_NAMES if d.lower().startswith(name.lower()[:3]) and len(name) >= 3]
        if not match:
            raise InvalidArgumentError(f"'{v}' is not a day of the week (Sunday … Saturday).")
        out.append(match[0])
    return tuple(d for d in DAY_NAMES if d in out)


@dataclass(frozen=True, slots=True)
class CauOptions:
    """§8.3 Updating Run options (the subset the simulation acts on, plus the recorded ones)."""

    max_failed_nodes: int | None = None  # None = about a third of the nodes
    max_retries_per_node: int = P.CAU_MAX_RETRIES_PER_NODE
    node_order: tuple[str, ...] = ()
    require_all_nodes_online: bool = False
    reboot_timeout_min: int = P.CAU_REBOOT_TIMEOUT_MIN
    failback_mode: str = "Immediate"
    enable_firewall_rules: bool = False
    stop_after_s: float | None = None
    warn_after_s: float | None = None
    pre_update_script: str = ""
    post_update_script: str = ""
    plugin: str = P.CAU_PLUGIN

    def validate(self, nodes: list[str]) -> None:
        count = len(nodes)
        if self.max_failed_nodes is not None and not 0 <= self.max_failed_nodes <= max(0, count - 1):
            raise InvalidArgumentError(f"MaxFailedNodes must be between 0 and {max(0, count - 1)} (nodes − 1).")
        if not 0 <= self.max_retries_per_node <= 64:
            raise InvalidArgumentError("MaxRetriesPerNode must be between 0 and 64.")
        if self.reboot_timeout_min < 1:
            raise InvalidArgumentError("RebootTimeoutMinutes must be at least 1.")
        if self.failback_mode not in FAILBACK_MODES:
            raise InvalidArgumentError("FailbackMode must be NoFailback, Immediate or Policy.")
        if self.plugin not in (P.CAU_PLUGIN, "Microsoft.HotfixPlugin"):
            raise InvalidArgumentError(
                f"CauPluginName '{self.plugin}' is not installed: Microsoft.WindowsUpdatePlugin or "
                "Microsoft.HotfixPlugin."
            )
        for script in (self.pre_update_script, self.post_update_script):
            if script and (len(script) > 260 or not script.lower().endswith(".ps1")):
                raise InvalidArgumentError(f"'{script}': an update script is a .ps1 path of at most 260 characters.")
        for stop in (self.stop_after_s, self.warn_after_s):
            if stop is not None and stop <= 0:
                raise InvalidArgumentError("StopAfter and WarnAfter must be positive time spans.")

    def limit(self, count: int) -> int:
        """§8.3 MaxFailedNodes default: about one-third of the number of nodes."""
        return self.max_failed_nodes if self.max_failed_nodes is not None else count // 3

    def describe(self, count: int) -> tuple[tuple[str, str], ...]:
        def span(s: float | None) -> str:
            return str(timedelta(seconds=int(s))) if s is not None else "-"

        return (
            ("CauPluginName", self.plugin),
            ("MaxFailedNodes", str(self.limit(count))),
            ("MaxRetriesPerNode", str(self.max_retries_per_node)),
            ("NodeOrder", ", ".join(self.node_order) or "fewest roles first"),
            ("RequireAllNodesOnline", "On" if self.require_all_nodes_online else "Off"),
            ("RebootTimeoutMinutes", str(self.reboot_timeout_min)),
            ("FailbackMode", self.failback_mode),
            ("EnableFirewallRules", "On" if self.enable_firewall_rules else "Off"),
            ("StopAfter", span(self.stop_after_s)),
            ("WarnAfter", span(self.warn_after_s)),
            ("PreUpdateScript", self.pre_update_script or "-"),
            ("PostUpdateScript", self.post_update_script or "-"),
        )


@dataclass(eq=False)
class _NodeRun:
    node: str
    status: str = "Waiting"
    updates: list[str] = field(default_factory=list)
    installed: list[str] = field(default_factory=list)
    failed_updates: list[str] = field(default_factory=list)
    attempts: int = 0
    error: str = ""
    started: float | None = None
    finished: float | None = None
    timeline: list[tuple[float, str]] = field(default_factory=list)
    detail: str = ""
    in_maintenance: bool = False  # CAU paused it and has not resumed it yet

    def snapshot(self) -> CauNodeResult:
        return CauNodeResult(
            node=self.node,
            status=self.status,
            updates=tuple(self.updates),
            installed=tuple(self.installed),
            failed_updates=tuple(self.failed_updates),
            attempts=self.attempts,
            error=self.error,
            started=self.started,
            finished=self.finished,
            timeline=tuple(self.timeline),
            detail=self.detail,
        )


@dataclass(eq=False)
class _Run:
    run_id: str
    mode: str
    coordinator: Callable[[], str]
    started: float
    start_calendar: datetime
    options: CauOptions
    nodes: list[_NodeRun]
    finished: float | None = None
    status: str = "Running"
    error: str = ""
    current: str | None = None
    locked: bool = False
    process: simpy.Process | None = None

    def node(self, name: str) -> _NodeRun:
        return next(n for n in self.nodes if n.node == name)

    def snapshot(self) -> CauRunSnapshot:
        return CauRunSnapshot(
            run_id=self.run_id,
            mode=self.mode,
            coordinator=self.coordinator(),
            started=self.started,
            start_calendar=self.start_calendar,
            finished=self.finished,
            status=self.status,
            error=self.error,
            current_node=self.current,
            nodes=tuple(n.snapshot() for n in self.nodes),
            options=self.options.describe(len(self.nodes)),
            locked=self.locked,
            plugin=self.options.plugin,
        )


@dataclass(eq=False)
class _Role:
    group: Group
    enabled: bool
    days: tuple[str, ...]
    weeks: tuple[int, ...]
    interval: int | None
    start: datetime
    options: CauOptions
    token: int = 0
    next_run: datetime | None = None


class Cau:
    """The Update Coordinator's view of the cluster, plus the updates pending on each node."""

    def __init__(self, world: World, roles: Roles, members: Membership) -> None:
        self.w = world
        self.roles = roles
        self.members = members
        self.pending: dict[str, list[UpdateSpec]] = {}
        self._catalog: dict[str, UpdateSpec] = {}
        self.installed: dict[str, list[str]] = {}
        self.fail_installs: dict[str, int] = {}  # lab fault: the next N installs on the node fail
        self.bad_update: set[str] = set()  # lab fault: the next update installed breaks the boot
        self.firewall_enabled = True
        self.runs: list[_Run] = []
        self.current: _Run | None = None
        self.locked = False
        self.role: _Role | None = None

    # updates on the nodes -------------------------------------------------------------------

    def set_updates(self, node: str, updates: Iterable[UpdateSpec]) -> None:
        self.pending[node] = list(updates)
        self.installed.setdefault(node, [])
        self._catalog.update({u.kb: u for u in self.pending[node]})

    def roll_back(self, node: str, kb: str) -> None:
        """A rolled-back update is applicable again (the next run installs it, this time cleanly)."""
        if kb in self.installed.get(node, []):
            self.installed[node].remove(kb)
            self.pending.setdefault(node, []).insert(0, self._catalog[kb])

    def scan(self) -> list[tuple[str, UpdateSpec]]:
        """Invoke-CauScan: what each member node would install now (§8.6)."""
        self._require_cluster()
        return [
            (n, u)
            for n in self.w.node_order()
            if self.w.nodes[n].is_member and self.w.nodes[n].live
            for u in self.applicable(n)
        ]

    def applicable(self, node: str) -> list[UpdateSpec]:
        """Pending updates whose prerequisite (if any) is installed: what a scan finds now."""
        done = self.installed.get(node, [])
        return [u for u in self.pending.get(node, []) if u.requires is None or u.requires in done]

    def pending_count(self, node: str) -> int:
        return len(self.applicable(node))

    def phase(self, node: str) -> str:
        """The node's phase in the run under way, '' when it is not being updated."""
        run = self.current
        if run is None:
            return ""
        nr = next((x for x in run.nodes if x.node == node), None)
        return "" if nr is None or nr.status in DONE or nr.status == "Waiting" else nr.status

    # starting and stopping runs -----------------------------------------------------------------

    def _require_cluster(self) -> None:
        if not self.w.partitions:
            raise InvalidStateError(f"The cluster '{self.w.name}' is not running: no partition holds quorum.")

    def _check_can_start(self) -> None:
        self._require_cluster()
        if self.current is not None:
            raise InvalidStateError(
                f"An Updating Run ({self.current.run_id}) is already in progress on '{self.w.name}'. "
                "Watch it with Get-CauRun or stop it with Stop-CauRun."
            )
        if self.locked:
            raise InvalidStateError(
                f"The cluster '{self.w.name}' is locked by an Updating Run that failed (§8.4). "
                "Run Invoke-CauRun -ForceRecovery first."
            )

    def start(self, options: CauOptions, *, mode: str = "Remote") -> CauRunSnapshot:
        """Invoke-CauRun (remote-updating mode) or a scheduled self-updating run."""
        self._check_can_start()
        w = self.w
        nodes = w.node_order()
        options.validate(nodes)
        by_lower = {n.lower(): n for n in nodes}
        for name in options.node_order:
            if name.lower() not in by_lower:
                raise ObjectNotFoundError("node", name)
        options = replace(options, node_order=tuple(by_lower[n.lower()] for n in options.node_order))
        if len(set(options.node_order)) != len(options.node_order):
            raise InvalidArgumentError("NodeOrder names a node twice.")
        if options.node_order and sorted(options.node_order) != sorted(nodes):
            missing = ", ".join(n for n in nodes if n not in options.node_order)
            raise InvalidArgumentError(f"NodeOrder must name every node of the cluster once (missing: {missing}).")
        order = list(options.node_order) or self._fewest_roles_first(nodes)
        number = len(self.runs) + 1
        digest = hashlib.sha256(f"{w.name}/{number}/{w.now}".encode()).hexdigest()
        run_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        coordinator: Callable[[], str]
        if mode == "SelfUpdating" and self.role is not None:
            group = self.role.group
            coordinator = lambda: group.owner  # noqa: E731 — the CAU role fails over with the drains
        else:
            coordinator = lambda: P.CAU_REMOTE_COORDINATOR  # noqa: E731
        run = _Run(
            run_id,
            mode,
            coordinator,
            w.now,
            w.clock.at(w.now),
            options,
            [_NodeRun(n) for n in order],
        )
        self.runs.append(run)
        self.current = run
        w.emit(
            "CauRunStarted",
            w.name,
            run_id=run_id,
            cluster=w.name,
            mode="self-updating" if mode == "SelfUpdating" else "remote-updating",
            coordinator=coordinator(),
            order=", ".join(order),
        )
        run.process = w.env.process(self._process(run))
        if options.stop_after_s is not None:
            w.after(options.stop_after_s, lambda: self._interrupt(run, "StopAfter"))
        if options.warn_after_s is not None:
            w.after(options.warn_after_s, lambda: self._warn(run))
        return run.snapshot()

    def _fewest_roles_first(self, nodes: list[str]) -> list[str]:
        """§8.1: the node hosting the fewest clustered roles first (node ID breaks ties)."""
        count = {n: 0 for n in nodes}
        for g in self.w.groups.values():
            if not g.is_core and g.owner in count:
                count[g.owner] += 1
        return sorted(nodes, key=lambda n: (count[n], self.w.nodes[n].id))

    def stop(self) -> CauRunSnapshot:
        """Stop-CauRun: the run stops after the step under way; a node in maintenance stays there."""
        run = self.current
        if run is None:
            raise InvalidStateError(f"No Updating Run is in progress on '{self.w.name}'.")
        self._interrupt(run, "Stop-CauRun")
        return run.snapshot()

    def _interrupt(self, run: _Run, why: str) -> None:
        if run is self.current and run.process is not None and run.process.is_alive:
            run.process.interrupt(why)

    def _warn(self, run: _Run) -> None:
        if run is self.current:
            self.w.emit("CauRunWarning", self.w.name, run_id=run.run_id, cluster=self.w.name)

    def recover(self) -> str:
        """Invoke-CauRun -ForceRecovery: unlock the cluster and take nodes out of maintenance."""
        self._require_cluster()
        if self.current is not None:
            raise InvalidStateError("An Updating Run is in progress; stop it with Stop-CauRun first.")
        if not self.locked:
            raise InvalidStateError(f"The cluster '{self.w.name}' is not locked by a failed Updating Run.")
        resumed: list[str] = []
        still: list[str] = []
        for run in self.runs:
            for nr in run.nodes:
                if not nr.in_maintenance:
                    continue
                if self._resume(nr, "NoFailback"):
                    resumed.append(nr.node)
                else:
                    still.append(nr.node)
                    nr.in_maintenance = False
            run.locked = False
        self.locked = False
        self.w.emit(
            "CauRecovered",
            self.w.name,
            cluster=self.w.name,
            resumed=", ".join(resumed) or "none",
            down=(" Still down (resume them when they are back): " + ", ".join(still) + ".") if still else "",
        )
        return ", ".join(resumed)

    # the run ----------------------------------------------------------------------------------

    def _set(self, run: _Run, nr: _NodeRun, status: str, detail: str = "") -> None:
        nr.status = status
        nr.detail = detail
        nr.timeline.append((self.w.now, status))
        self.w.emit("CauNodePhase", nr.node, node=nr.node, phase=status, detail=f": {detail}" if detail else "")

    def _process(self, run: _Run) -> Generator[simpy.Event, Any, None]:
        try:
            yield from self._body(run)
        except simpy.Interrupt as stop:
            why = str(stop.cause)
            for nr in run.nodes:
                # Stopping cleans up: a node CAU paused is resumed if it is up (else the cluster stays Locked).
                if nr.in_maintenance:
                    self._resume(nr, run.options.failback_mode)
            if why == "StopAfter":
                self._finish(run, "Cancelled", "The run exceeded StopAfter and was stopped (§8.4).")
            else:
                self._finish(run, "Cancelled", f"The run was stopped ({why}).")

    def _body(self, run: _Run) -> Generator[simpy.Event, Any, None]:
        w = self.w
        o = run.options
        env = w.env
        limit = o.limit(len(run.nodes))
        if not self.firewall_enabled:
            if not o.enable_firewall_rules:
                self._finish(
                    run,
                    "Failed",
                    "The Remote Shutdown Windows Firewall rule group is not enabled on the nodes (§8.4); "
                    "run again with -EnableFirewallRules.",
                )
                return
            self.firewall_enabled = True
            w.emit("CauFirewallRulesEnabled", w.name, cluster=w.name)
        offline = [nr for nr in run.nodes if not self._online(nr.node)]
        if o.require_all_nodes_online and offline:
            self._finish(
                run,
                "Failed",
                "RequireAllNodesOnline is set and these nodes are not online: "
                + ", ".join(nr.node for nr in offline)
                + " (§8.4).",
            )
            return
        for nr in run.nodes:
            if nr in offline:
                self._node_failed(run, nr, "the node is not online: it could not be scanned")
            else:
                nr.started = w.now
                self._set(run, nr, "Scanning")
        if self._too_many_failures(run, limit):
            return
        yield env.timeout(P.CAU_SCAN_S)
        staging = []
        for nr in run.nodes:
            if nr.status != "Scanning":
                continue
            nr.updates = [u.kb for u in self.applicable(nr.node)]
            if nr.updates:
                staging.append(nr)
                self._set(run, nr, "Staging", f"{len(nr.updates)} update(s)")
            else:
                nr.finished = w.now
                self._set(run, nr, "Succeeded", "no applicable updates")
        if staging:
            yield env.timeout(P.CAU_STAGE_S)
        for nr in staging:
            self._set(run, nr, "Waiting", f"{len(nr.updates)} update(s) staged")
        for rescan in range(MAX_PASSES):
            for nr in run.nodes:
                if nr.status != "Waiting":
                    continue
                run.current = nr.node
                ok = yield from self._update_node(run, nr)
                run.current = None
                if not ok and self._too_many_failures(run, limit):
                    return
            # §8.1 step 7: re-check for updates that only became applicable after the first set.
            more = [nr for nr in run.nodes if nr.status == "Succeeded" and self.applicable(nr.node)]
            if not more or rescan == MAX_PASSES - 1:
                break
            for nr in more:
                self._set(run, nr, "Scanning", "re-scan after the first set")
            yield env.timeout(P.CAU_SCAN_S)
            for nr in more:
                found = [u.kb for u in self.applicable(nr.node)]
                nr.updates += found
                nr.finished = None
                self._set(run, nr, "Waiting", f"{len(found)} more update(s) became applicable")
        failed = [nr.node for nr in run.nodes if nr.status == "Failed"]
        if failed:
            self._finish(run, "Failed", f"The run finished, but these nodes failed: {', '.join(failed)}.")
        else:
            self._finish(run, "Succeeded", "")

    def _too_many_failures(self, run: _Run, limit: int) -> bool:
        failed = [nr.node for nr in run.nodes if nr.status == "Failed"]
        if len(failed) <= limit:
            return False
        for nr in run.nodes:
            if nr.status not in DONE:
                nr.finished = self.w.now
                self._set(run, nr, "Skipped", "the run stopped")
        self._finish(
            run,
            "Failed",
            f"{len(failed)} node(s) failed ({', '.join(failed)}), more than MaxFailedNodes ({limit}): "
            "the run stopped (§8.4).",
        )
        return True

    def _online(self, node: str) -> bool:
        n = self.w.nodes.get(node)  # an evicted node (Remove-ClusterNode) is gone
        return n is not None and n.is_member and n.live

    def _update_node(self, run: _Run, nr: _NodeRun) -> Generator[simpy.Event, Any, bool]:
        lost, unwatch = self._watch_down(nr.node)
        try:
            return (yield from self._update_steps(run, nr, lost))
        finally:
            unwatch()

    def _update_steps(self, run: _Run, nr: _NodeRun, lost: simpy.Event) -> Generator[simpy.Event, Any, bool]:
        w = self.w
        o = run.options
        env = w.env
        if not self._online(nr.node):
            return self._node_failed(run, nr, "the node is not an active member of the cluster")
        n = w.nodes[nr.node]
        epoch = n.epoch
        if o.pre_update_script:
            self._set(run, nr, "PreUpdateScript", o.pre_update_script)
            w.emit("CauScript", nr.node, node=nr.node, which="PreUpdateScript", path=o.pre_update_script)
            yield env.timeout(P.CAU_SCRIPT_S)
            if n.epoch != epoch or not self._online(nr.node):
                return self._node_failed(run, nr, "the node went down during the PreUpdateScript")
        if not self.members.would_keep_quorum_without(n):
            return self._node_failed(run, nr, "taking the node down would cost the cluster its quorum (§8.1)")
        # §8.1 step 3: maintenance mode = pause + drain.
        self._set(run, nr, "Suspending", "Suspend-ClusterNode -Drain")
        drained = env.event()
        if n.drain_status is DrainStatus.IN_PROGRESS:
            return self._node_failed(run, nr, "the node is already draining")
        nr.in_maintenance = True

        def drain_done(ok: bool) -> None:
            if not drained.triggered:
                drained.succeed(ok)

        self.roles.drain(nr.node, on_finished=drain_done)
        yield env.any_of([drained, lost])
        if lost.triggered or n.epoch != epoch:
            return self._node_failed(run, nr, "the node went down while draining")
        if not drained.value:
            self._resume(nr, o.failback_mode)
            return self._node_failed(run, nr, "the node failed to drain (1677): a role could not be moved (§8.4)")
        # §8.1 step 4: install; the update process is retried up to MaxRetriesPerNode (§8.4).
        reboot = False
        while True:
            nr.attempts += 1
            broke = False
            todo = self.applicable(nr.node)
            for i, u in enumerate(todo, 1):
                self._set(run, nr, "Installing", f"{u.kb} ({i} of {len(todo)})")
                yield env.any_of([env.timeout(u.install_s), lost])
                if lost.triggered or n.epoch != epoch:
                    return self._node_failed(run, nr, "the node went down while installing updates")
                if self.fail_installs.get(nr.node, 0) > 0:
                    self.fail_installs[nr.node] -= 1
                    nr.failed_updates.append(u.kb)
                    w.emit(
                        "CauUpdateFailed",
                        nr.node,
                        node=nr.node,
                        kb=u.kb,
                        attempt=nr.attempts,
                        tries=o.max_retries_per_node + 1,
                    )
                    broke = True
                    break
                self.pending[nr.node].remove(u)
                self.installed.setdefault(nr.node, []).append(u.kb)
                nr.installed.append(u.kb)
                reboot = reboot or u.reboot
                if nr.node in self.bad_update:
                    self.bad_update.discard(nr.node)
                    n.boot_broken = u.kb  # shows at the next boot
            if not broke:
                break
            if nr.attempts > o.max_retries_per_node:
                if reboot:
                    break  # what did install still needs its restart before the node can serve
                self._resume(nr, o.failback_mode)
                return self._node_failed(run, nr, self._retries_exhausted(nr, o))
            self._set(run, nr, "Installing", f"retry {nr.attempts} of {o.max_retries_per_node} in {P.CAU_RETRY_S:g} s")
            yield env.any_of([env.timeout(P.CAU_RETRY_S), lost])
            if lost.triggered or n.epoch != epoch:
                return self._node_failed(run, nr, "the node went down while installing updates")
        # §8.1 step 4: restart if required, back within RebootTimeoutMinutes.
        if reboot:
            self._set(run, nr, "Restarting", f"RebootTimeoutMinutes {o.reboot_timeout_min}")
            if nr.node not in w.nodes:
                return self._node_failed(run, nr, "the node was evicted from the cluster")
            joined = self._watch_joined(nr.node)
            self.members.restart_for_update(n, P.CAU_REBOOT_APPLY_S)
            yield env.any_of([joined, env.timeout(o.reboot_timeout_min * 60)])
            if not joined.triggered:
                return self._node_failed(
                    run,
                    nr,
                    f"the node did not come back within RebootTimeoutMinutes ({o.reboot_timeout_min}) (§8.4)",
                )
        if nr.failed_updates and nr.attempts > o.max_retries_per_node:
            self._resume(nr, o.failback_mode)
            return self._node_failed(run, nr, self._retries_exhausted(nr, o))
        # §8.1 step 5: out of maintenance, roles fail back (FailbackMode); the next node waits
        # for them so its drain does not race the failback.
        self._set(run, nr, "Resuming", f"Resume-ClusterNode -Failback {o.failback_mode}")
        back = env.event()

        def failed_back() -> None:
            if not back.triggered:
                back.succeed()

        self._resume(nr, o.failback_mode, failed_back)
        yield back
        if o.post_update_script:
            self._set(run, nr, "PostUpdateScript", o.post_update_script)
            w.emit("CauScript", nr.node, node=nr.node, which="PostUpdateScript", path=o.post_update_script)
            yield env.timeout(P.CAU_SCRIPT_S)
        nr.finished = w.now
        self._set(run, nr, "Succeeded", f"{len(nr.installed)} update(s) installed")
        w.emit("CauNodeUpdated", nr.node, node=nr.node, count=len(nr.installed), kbs=", ".join(nr.installed))
        return True

    @staticmethod
    def _retries_exhausted(nr: _NodeRun, o: CauOptions) -> str:
        return f"the update process failed {nr.attempts} times (MaxRetriesPerNode {o.max_retries_per_node}, §8.4)"

    def _watch_down(self, node: str) -> tuple[simpy.Event, Callable[[], None]]:
        """An event that triggers if the node crashes or drops out of the membership while CAU works on it."""
        w = self.w
        ev = w.env.event()

        def watch(e: Any) -> None:
            if e.source == node and e.name in ("NodeCrashed", "NodeRemoved", "NodeEvicted") and not ev.triggered:
                ev.succeed()

        return ev, w.bus.subscribe(watch)

    def _watch_joined(self, node: str) -> simpy.Event:
        w = self.w
        ev = w.env.event()

        def watch(e: Any) -> None:
            if e.source == node and e.name == "NodeJoined" and not ev.triggered:
                ev.succeed()

        unsubscribe = w.bus.subscribe(watch)
        ev.callbacks.append(lambda _e: unsubscribe())
        return ev

    def _resume(self, nr: _NodeRun, failback: str, on_done: Callable[[], None] | None = None) -> bool:
        """Take the node out of maintenance (Resume-ClusterNode -Failback …) if it is back;
        ``on_done`` once the failbacks have ended (at once if it is not back)."""
        n = self.w.nodes.get(nr.node)
        if n is None or not (n.is_member and n.live):
            if on_done is not None:
                on_done()
            return False
        nr.in_maintenance = False
        if n.paused:
            n.paused = False
            if n.drain_status is DrainStatus.IN_PROGRESS:
                n.drain_status = DrainStatus.NOT_INITIATED
            self.w.emit("NodeResumed", n.name, node=n.name)
        self.roles.failback_drained(n.name, failback, on_done)
        self.roles.retry_waiting()
        return True

    def _node_failed(self, run: _Run, nr: _NodeRun, why: str) -> bool:
        nr.error = why
        nr.finished = self.w.now
        self._set(run, nr, "Failed", why)
        self.w.emit("CauNodeFailed", nr.node, node=nr.node, why=why)
        return False

    def _finish(self, run: _Run, status: str, error: str) -> None:
        w = self.w
        run.status = status
        run.error = error
        run.finished = w.now
        run.current = None
        for nr in run.nodes:
            if nr.status not in DONE:
                nr.finished = w.now
                self._set(run, nr, "Skipped", "the run ended first")
        if self.current is run:
            self.current = None
        held = [nr.node for nr in run.nodes if nr.in_maintenance]
        if held:
            run.locked = True
            self.locked = True
        kind = {"Succeeded": "CauRunSucceeded", "Failed": "CauRunFailed"}.get(status, "CauRunCancelled")
        w.emit(kind, w.name, run_id=run.run_id, cluster=w.name, why=error)
        if held:
            w.emit("CauClusterLocked", w.name, cluster=w.name, nodes=", ".join(held))

    # snapshots ----------------------------------------------------------------------------------

    def run(self) -> CauRunSnapshot | None:
        """The run under way (Get-CauRun), else None."""
        return self.current.snapshot() if self.current is not None else None

    def last(self) -> CauRunSnapshot | None:
        """The run under way, else the most recent one."""
        return self.runs[-1].snapshot() if self.runs else None

    def reports(self) -> tuple[CauRunSnapshot, ...]:
        """Finished runs, oldest first (Get-CauReport)."""
        return tuple(r.snapshot() for r in self.runs if r.finished is not None)

    def status(self) -> dict[str, Any]:
        """For lab expectations: the latest run's status, nodes updated, failed nodes, lock."""
        last = self.last()
        if last is None:
            return {"status": "NotStarted", "nodes_updated": 0, "failed_nodes": [], "locked": self.locked}
        return {
            "status": last.status,
            "nodes_updated": last.nodes_updated,
            "failed_nodes": [n.node for n in last.nodes if n.status == "Failed"],
            "locked": self.locked,
        }

    # self-updating mode (§8.2, §8.5) ------------------------------------------------------------------

    def add_role(
        self,
        *,
        days: tuple[str, ...],
        weeks: tuple[int, ...],
        interval: int | None,
        start: datetime | None,
        options: CauOptions,
        enabled: bool = True,
    ) -> CauRoleSnapshot:
        """Add-CauClusterRole: a clustered role whose owner is the Update Coordinator."""
        self._require_cluster()
        w = self.w
        if self.role is not None:
            raise InvalidStateError(
                f"The CAU clustered role '{self.role.group.name}' already exists; use Set-CauClusterRole."
            )
        options.validate(w.node_order())
        days, weeks, interval, start = self._schedule_args(days, weeks, interval, start)
        digest = hashlib.sha256(w.name.encode()).hexdigest()[:5]
        name = f"CAU{w.name[:8]}{digest}"
        g = Group(name, GroupType.CLUSTER_AWARE_UPDATING, "", priority=P.PRIORITY_MEDIUM, online_s=5.0)
        r = Resource(name, CAU_RESOURCE_TYPE, g)
        g.resources.append(r)
        g.touch()
        w.resources[name] = r
        w.groups[name] = g
        self.role = _Role(g, enabled, days, weeks, interval, start, options)
        self.roles.place_and_start([g], "Add-CauClusterRole", Mode.BEST)
        w.emit("CauRoleAdded", name, group=name, cluster=w.name)
        self._arm()
        return self.role_snapshot()

    def _schedule_args(
        self, days: tuple[str, ...], weeks: tuple[int, ...], interval: int | None, start: datetime | None
    ) -> tuple[tuple[str, ...], tuple[int, ...], int | None, datetime]:
        if weeks and interval:
            raise InvalidArgumentError("Use either -WeeksOfMonth or -IntervalWeeks, not both.")
        if any(not 1 <= wk <= 5 for wk in weeks):
            raise InvalidArgumentError("WeeksOfMonth are 1 … 5 (5 = the last week of the month).")
        if interval is not None and not 1 <= interval <= 52:
            raise InvalidArgumentError("IntervalWeeks must be between 1 and 52.")
        if not days:
            # §8.5: the wizard's default (low confidence): Tuesday of the third week, 3:00 AM.
            days = P.CAU_DEFAULT_DAYS
            if not weeks and interval is None:
                weeks = P.CAU_DEFAULT_WEEKS
        if not weeks and interval is None:
            interval = 1
        now = self.w.clock.at(self.w.now)
        if start is None:
            start = datetime.combine(now.date(), time(P.CAU_DEFAULT_HOUR))
        return days, weeks, interval, start

    def _require_role(self) -> _Role:
        if self.role is None:
            raise InvalidStateError(
                f"The cluster '{self.w.name}' has no CAU clustered role. Add one with Add-CauClusterRole."
            )
        return self.role

    def set_role(
        self,
        *,
        days: tuple[str, ...] | None = None,
        weeks: tuple[int, ...] | None = None,
        interval: int | None = None,
        start: datetime | None = None,
        options: CauOptions | None = None,
    ) -> CauRoleSnapshot:
        """Set-CauClusterRole: change the schedule or the run options."""
        role = self._require_role()
        if options is not None:
            options.validate(self.w.node_order())
            role.options = options
        if days is not None or weeks is not None or interval is not None or start is not None:
            new_weeks = weeks if weeks is not None else (role.weeks if interval is None else ())
            new_interval = interval if interval is not None else (role.interval if weeks is None else None)
            role.days, role.weeks, role.interval, role.start = self._schedule_args(
                days if days is not None else role.days, new_weeks, new_interval, start or role.start
            )
        self._arm()
        return self.role_snapshot()

    def enable_role(self, on: bool) -> CauRoleSnapshot:
        """Enable-/Disable-CauClusterRole: the schedule runs or not (§9.1: disable it during an upgrade)."""
        role = self._require_role()
        if role.enabled == on:
            raise InvalidStateError(f"The CAU clustered role is already {'enabled' if on else 'disabled'}.")
        role.enabled = on
        self.w.emit("CauRoleEnabled" if on else "CauRoleDisabled", role.group.name, group=role.group.name)
        self._arm()
        return self.role_snapshot()

    def remove_role(self) -> None:
        """Remove-CauClusterRole: the clustered role goes away; the schedule with it."""
        role = self._require_role()
        if self.current is not None and self.current.mode == "SelfUpdating":
            raise InvalidStateError("A self-updating run is in progress; stop it with Stop-CauRun first.")
        g = role.group
        self.roles.take_offline_now(g, reason="Remove-CauClusterRole")
        for r in g.resources:
            self.w.resources.pop(r.name, None)
        self.w.groups.pop(g.name, None)
        role.token += 1
        self.role = None
        self.w.emit("CauRoleRemoved", g.name, group=g.name)

    def role_snapshot(self) -> CauRoleSnapshot:
        role = self._require_role()
        from .roles import group_state

        return CauRoleSnapshot(
            group=role.group.name,
            owner=role.group.owner,
            status=group_state(role.group).value if self.w.partitions else "Offline",
            enabled=role.enabled,
            days_of_week=role.days,
            weeks_of_month=role.weeks,
            interval_weeks=role.interval,
            start_date=role.start,
            next_run=role.next_run if role.enabled else None,
            options=role.options.describe(len(self.w.nodes)),
        )

    def next_occurrence(self, after: datetime) -> datetime | None:
        """§8.5: the first scheduled moment strictly after ``after``."""
        role = self._require_role()
        at = time(role.start.hour, role.start.minute)
        first = max(after.date(), role.start.date())
        for i in range(0, 800):
            day = first + timedelta(days=i)
            when = datetime.combine(day, at)
            if when <= after or when < role.start:
                continue
            if DAY_NAMES[(day.weekday() + 1) % 7] not in role.days:
                continue
            if role.weeks:
                week = (day.day - 1) // 7 + 1
                last = (day + timedelta(days=7)).month != day.month
                if week not in role.weeks and not (5 in role.weeks and last):
                    continue
            elif role.interval and ((day - role.start.date()).days // 7) % role.interval:
                continue
            return when
        return None

    def _arm(self) -> None:
        role = self.role
        if role is None:
            return
        role.token += 1
        token = role.token
        w = self.w
        role.next_run = self.next_occurrence(w.clock.at(w.now))
        if not role.enabled or role.next_run is None:
            return
        delay = w.clock.seconds_until(role.next_run) - w.now

        def fire() -> None:
            if self.role is not role or role.token != token:
                return
            self._scheduled(role)
            self._arm()

        w.after(delay, fire)

    def _scheduled(self, role: _Role) -> None:
        w = self.w
        from .roles import group_state

        reason = ""
        if not w.partitions:
            reason = "the cluster is not running"
        elif group_state(role.group) is not GroupState.ONLINE:
            reason = f"the CAU clustered role '{role.group.name}' is not online"
        elif self.current is not None:
            reason = "another Updating Run is in progress"
        elif self.locked:
            reason = "the cluster is locked by a failed run (Invoke-CauRun -ForceRecovery)"
        if reason:
            w.emit("CauScheduledRunSkipped", role.group.name, group=role.group.name, why=reason)
            return
        w.emit("CauScheduledRun", role.group.name, group=role.group.name, owner=role.group.owner)
        self.start(role.options, mode="SelfUpdating")
