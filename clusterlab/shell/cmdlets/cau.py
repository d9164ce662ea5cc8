"""ClusterAwareUpdating module (§8, §11.13): Invoke-CauScan, Invoke-CauRun, Get-CauRun, Stop-CauRun,
Get-CauReport and the self-updating role cmdlets.

Invoke-CauRun blocks until the run ends, as the real cmdlet does, in scripts and lab steps; in the
TUI console (or with the clusterlab-only ``-Wait 0``) it returns at once and the run goes on as
simulated time passes. Pre-/PostUpdateScript paths are recorded and simulated, never executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from clusterlab.sim import Cluster
from clusterlab.sim.cau import FAILBACK_MODES, CauOptions, parse_days
from clusterlab.sim.snapshots import CauNodeResult, CauRoleSnapshot, CauRunSnapshot

from ..formatting import View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import wait_for

NS = "Microsoft.ClusterAwareUpdating."
MODULE = "ClusterAwareUpdating"

register_view("CauScanResult", lambda profile: View(("NodeName", "UpdateId", "RebootRequired", "UpdateTitle")))
register_view(
    "CauRun",
    lambda profile: View(
        (),
        ("RunId", "RunStartTime", "CurrentOrchestrator", "Status", "NodeStatusNotifications", "NodeResults"),
    ),
)
register_view(
    "CauReport", lambda profile: View(("ClusterName", "RunStartTime", "RunDuration", "Status", "NodesUpdated"))
)
register_view(
    "CauNodeResult",
    lambda profile: View(
        (),
        (
            "Node",
            "Status",
            "NumberOfSucceededUpdates",
            "NumberOfFailedUpdates",
            "InstallResults",
            "ErrorRecordData",
            "Timeline",
        ),
    ),
)
register_view("CauClusterRoleProperty", lambda profile: View(("Name", "Value")))

CLUSTER = Param("ClusterName", kind="string", position=0, help="The cluster to update (this lab has one).")

RUN_OPTIONS = (
    Param("MaxFailedNodes", kind="int", help="Nodes that may fail before the run stops (default: a third)."),
    Param("MaxRetriesPerNode", kind="int", help="Retries of a node's update process (default 3, max 64)."),
    Param("NodeOrder", kind="strings", help="Every node, in the order to update them (default: fewest roles first)."),
    Param("PreUpdateScript", kind="string", help="A .ps1 run before each node is paused (recorded, simulated)."),
    Param("PostUpdateScript", kind="string", help="A .ps1 run after each node is resumed (recorded, simulated)."),
    Param("ConfigurationName", kind="string", help="PowerShell session configuration for the scripts (recorded)."),
    Param("RequireAllNodesOnline", kind="switch", help="Do not start unless every node is online."),
    Param("WarnAfter", kind="string", help="A warning when the run takes longer than this (hh:mm:ss)."),
    Param("StopAfter", kind="string", help="Stop the run after this long (hh:mm:ss)."),
    Param("RebootTimeoutMinutes", kind="int", help="Time a node may take to restart (default 15)."),
    Param("SeparateReboots", kind="switch", help="Restart after each plug-in (recorded)."),
    Param("EnableFirewallRules", kind="switch", help="Enable the Remote Shutdown firewall rule group on the nodes."),
    Param(
        "FailbackMode",
        kind="enum",
        choices=FAILBACK_MODES,
        help="How drained roles return when a node is resumed (default Immediate).",
    ),
    Param("SuspendClusterNodeTimeoutMinutes", kind="int", help="Storage Spaces Direct wait (recorded)."),
    Param("CauPluginName", kind="strings", position=1, help="Microsoft.WindowsUpdatePlugin (default) or Hotfix."),
    Param("CauPluginArguments", kind="hashtables", help="Plug-in arguments (recorded)."),
    Param("RunPluginsSerially", kind="switch", help="Scan and stage one plug-in at a time (recorded)."),
    Param("StopOnPluginFailure", kind="switch", help="With several plug-ins (recorded)."),
    Param("Credential", kind="any", help="Accepted and ignored: the lab needs no credentials."),
    Param("Force", kind="switch", help="Do not ask for confirmation (clusterlab never asks)."),
)


def _timespan(inv: Invocation, name: str) -> float | None:
    """A TimeSpan argument: hh:mm[:ss] or d.hh:mm:ss."""
    text = inv.get(name)
    if text is None:
        return None
    m = re.fullmatch(r"\s*(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", str(text))
    if m is None:
        raise inv.fail(
            f"Cannot convert '{text}' to System.TimeSpan for -{name}: write it as hh:mm:ss (e.g. 02:00:00).",
            "InvalidArgument",
        )
    days, h, mnt, s = (int(x) if x else 0 for x in m.groups())
    return float(((days * 24 + h) * 60 + mnt) * 60 + s)


def _options(inv: Invocation, base: CauOptions | None = None) -> CauOptions:
    o = base or CauOptions()
    plugins = inv.get("CauPluginName")
    changes: dict[str, Any] = {}
    if inv.has("MaxFailedNodes"):
        changes["max_failed_nodes"] = int(inv.get("MaxFailedNodes"))
    if inv.has("MaxRetriesPerNode"):
        changes["max_retries_per_node"] = int(inv.get("MaxRetriesPerNode"))
    if inv.has("NodeOrder"):
        changes["node_order"] = tuple(str(n) for n in inv.get("NodeOrder"))
    if inv.has("RequireAllNodesOnline"):
        changes["require_all_nodes_online"] = inv.switch("RequireAllNodesOnline")
    if inv.has("RebootTimeoutMinutes"):
        changes["reboot_timeout_min"] = int(inv.get("RebootTimeoutMinutes"))
    if inv.has("FailbackMode"):
        changes["failback_mode"] = str(inv.get("FailbackMode"))
    if inv.has("EnableFirewallRules"):
        changes["enable_firewall_rules"] = inv.switch("EnableFirewallRules")
    if inv.has("StopAfter"):
        changes["stop_after_s"] = _timespan(inv, "StopAfter")
    if inv.has("WarnAfter"):
        changes["warn_after_s"] = _timespan(inv, "WarnAfter")
    if inv.has("PreUpdateScript"):
        changes["pre_update_script"] = str(inv.get("PreUpdateScript"))
    if inv.has("PostUpdateScript"):
        changes["post_update_script"] = str(inv.get("PostUpdateScript"))
    if plugins:
        if len(plugins) > 1:
            raise inv.fail("This lab simulates one plug-in per run; name a single -CauPluginName.", "InvalidArgument")
        changes["plugin"] = str(plugins[0])
    return replace(o, **changes)


def _this_cluster(inv: Invocation) -> Cluster:
    c = inv.ctx.cluster
    name = inv.get("ClusterName")
    if name and str(name).lower() not in (c.name.lower(), "."):
        raise inv.fail(f"The cluster '{name}' was not found: this lab simulates '{c.name}'.", "ObjectNotFound", name)
    return c


def _at(c: Cluster, t: float) -> datetime:
    return c.clock.at(t)


def _node_line(c: Cluster, n: CauNodeResult) -> str:
    since = next((t for t, s in reversed(n.timeline) if s == n.status), None)
    when = f" since {_at(c, since).strftime('%H:%M:%S')}" if since is not None else ""
    detail = f" — {n.detail}" if n.detail else ""
    return f"{n.node}: {n.status}{detail}{when}"


def run_obj(c: Cluster, r: CauRunSnapshot) -> PSObject:
    """Get-CauRun: the run under way (§8.6)."""
    current = [n for n in r.nodes if not n.done and n.status != "Waiting"]
    done = [n for n in r.nodes if n.done]
    return make(
        NS + "CauRun",
        {
            "RunId": r.run_id,
            "RunStartTime": r.start_calendar,
            "CurrentOrchestrator": r.coordinator,
            "Status": r.status,
            "Mode": r.mode,
            "NodeStatusNotifications": [_node_line(c, n) for n in current]
            or ["(no node is being updated at this moment)"],
            "NodeResults": [
                f"{n.node}: {n.status}, {len(n.installed)} succeeded, {len(n.failed_updates)} failed"
                + (f" — {n.error}" if n.error else "")
                for n in done
            ],
            "Progress": f"{sum(1 for n in r.nodes if n.done)} of {len(r.nodes)} nodes",
        },
    )


def report_obj(c: Cluster, r: CauRunSnapshot) -> PSObject:
    """Get-CauReport: a finished run (§8.6)."""
    end = r.finished if r.finished is not None else c.now
    return make(
        NS + "CauReport",
        {
            "ClusterName": c.name,
            "RunId": r.run_id,
            "RunStartTime": r.start_calendar,
            "RunDuration": timedelta(seconds=int(end - r.started)),
            "Status": r.status,
            "Mode": r.mode,
            "CauPluginName": r.plugin,
            "NodesUpdated": r.nodes_updated,
            "FailedNodes": [n.node for n in r.nodes if n.status == "Failed"],
            "ErrorRecordData": r.error,
            "Options": [f"{k}={v}" for k, v in r.options],
            "NodeResults": [f"{n.node}: {n.status}" for n in r.nodes],
            "ClusterLocked": r.locked,
        },
    )


def node_result_obj(c: Cluster, n: CauNodeResult) -> PSObject:
    return make(
        NS + "CauNodeResult",
        {
            "Node": n.node,
            "Status": n.status,
            "NumberOfSucceededUpdates": len(n.installed),
            "NumberOfFailedUpdates": len(n.failed_updates),
            "InstallResults": list(n.installed),
            "FailedUpdates": list(n.failed_updates),
            "Attempts": n.attempts,
            "ErrorRecordData": n.error,
            "Timeline": [f"{_at(c, t).strftime('%H:%M:%S')} {s}" for t, s in n.timeline],
        },
    )


def role_props(r: CauRoleSnapshot) -> list[PSObject]:
    """Get-CauClusterRole prints Name/Value pairs (§8.5 sample)."""
    pairs: list[tuple[str, Any]] = [
        ("ResourceGroupName", r.group),
        ("OwnerNode", r.owner),
        ("Status", r.status if r.enabled else "Disabled"),
        ("StartDate", r.start_date),
        ("DaysOfWeek", ", ".join(r.days_of_week)),
    ]
    if r.weeks_of_month:
        pairs.append(("WeeksOfMonth", list(r.weeks_of_month)))
    if r.interval_weeks:
        pairs.append(("IntervalWeeks", r.interval_weeks))
    pairs.append(("NextRun", r.next_run if r.next_run else "-"))
    pairs += [(k, v) for k, v in r.options if v not in ("-", "Off") or k == "RequireAllNodesOnline"]
    return [make(NS + "CauClusterRoleProperty", {"Name": k, "Value": v}) for k, v in pairs]


@cmdlet(
    "Invoke-CauScan",
    "Scans the cluster nodes for applicable updates and lists them (a preview; nothing is installed).",
    (CLUSTER, Param("CauPluginName", kind="strings", position=1, help="The plug-in to scan with."), RUN_OPTIONS[-2]),
    module=MODULE,
    process=False,
    examples=(("Invoke-CauScan -ClusterName HVCLUS", "Each node's pending updates."),),
)
def invoke_cau_scan(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    found = c.cau.scan()
    return [
        make(
            NS + "CauScanResult",
            {"NodeName": node, "UpdateId": u.kb, "UpdateTitle": u.title, "RebootRequired": u.reboot},
        )
        for node, u in found
    ]


@cmdlet(
    "Invoke-CauRun",
    "Performs an Updating Run: each node is drained, updated, restarted and resumed in turn (§8.1).",
    (
        CLUSTER,
        *RUN_OPTIONS,
        Param("ForceRecovery", kind="switch", help="Recover from a failed run that left the cluster Locked."),
        Param("SkipUpdateChecks", kind="switch", help="Accepted (recorded)."),
        Param("WhatIf", kind="switch", help="Show the node order and options without starting."),
        Param(
            "Wait",
            kind="int",
            help="clusterlab: seconds to wait for the run (0 = return at once; default: until it ends, "
            "as the real cmdlet does).",
        ),
    ),
    module=MODULE,
    process=False,
    description="The real cmdlet blocks until the run ends and returns its report. So does this one in scripts "
    "and lab steps; in the TUI console it returns at once and the CAU tab shows the run.",
    examples=(
        ("Invoke-CauRun -ClusterName HVCLUS -MaxFailedNodes 1 -MaxRetriesPerNode 3 -RequireAllNodesOnline -Force", ""),
        ("Invoke-CauRun -Force -Wait 0", "Start the run and return; follow it with Get-CauRun."),
        ("Invoke-CauRun -ForceRecovery -Force", "Unlock the cluster after a failed run (§8.4)."),
    ),
)
def invoke_cau_run(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    if inv.switch("ForceRecovery"):
        c.cau.recover()
        return []
    options = _options(inv)
    if inv.switch("WhatIf"):
        count = len(c.snapshot().nodes)
        return [f"What if: Performing an Updating Run on '{c.name}' with {k}={v}" for k, v in options.describe(count)]
    run = c.cau.start(options)
    wait_for(inv, lambda: c.cau.current is None, inv.get("Wait"), default_s=7 * 24 * 3600.0)
    last = c.cau.last()
    if last is not None and last.run_id == run.run_id and last.finished is not None:
        return [report_obj(c, last)]
    return [run_obj(c, c.cau.run() or run)]


@cmdlet(
    "Get-CauRun",
    "Shows the Updating Run in progress: its coordinator, the node being updated and the nodes done.",
    (CLUSTER, Param("ShowClusterNodeState", kind="switch", help="Each node's phase.")),
    module=MODULE,
    process=False,
    examples=(("Get-CauRun", "RunNotInProgress, or the run under way."),),
)
def get_cau_run(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    run = c.cau.run()
    if run is None:
        return ["RunNotInProgress"]
    out: list[Any] = [run_obj(c, run)]
    if inv.switch("ShowClusterNodeState"):
        out += [node_result_obj(c, n) for n in run.nodes]
    return out


@cmdlet(
    "Stop-CauRun",
    "Stops the Updating Run in progress after the step under way.",
    (CLUSTER, Param("Force", kind="switch", help="Do not ask for confirmation.")),
    module=MODULE,
    process=False,
)
def stop_cau_run(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    c.cau.stop()
    return []


@cmdlet(
    "Get-CauReport",
    "Gets the reports of finished Updating Runs (-Last: the latest; -Detailed: per-node results).",
    (
        CLUSTER,
        Param("Last", kind="switch", help="Only the latest report."),
        Param("Detailed", kind="switch", help="Add each node's result: updates installed and failed, timeline."),
        Param("StartDate", kind="string", help="Only runs started on or after this date."),
        Param("EndDate", kind="string", help="Only runs started on or before this date."),
    ),
    module=MODULE,
    process=False,
    examples=(("Get-CauReport -Last -Detailed", "What the latest run did on each node."),),
)
def get_cau_report(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    reports: Sequence[CauRunSnapshot] = c.cau.reports()
    start, end = _date(inv, "StartDate"), _date(inv, "EndDate")
    if start is not None:
        reports = [r for r in reports if r.start_calendar >= start]
    if end is not None:
        reports = [r for r in reports if r.start_calendar <= end]
    if inv.switch("Last"):
        reports = list(reports[-1:])
    out: list[Any] = []
    for r in reports:
        out.append(report_obj(c, r))
        if inv.switch("Detailed"):
            out += [node_result_obj(c, n) for n in r.nodes]
    return out


DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y")


def _date(inv: Invocation, name: str) -> datetime | None:
    text = inv.get(name)
    if text is None:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(str(text).strip(), fmt)
        except ValueError:
            continue
    raise inv.fail(
        f"Cannot convert '{text}' to System.DateTime for -{name}: use e.g. '2026-01-20 03:00'.", "InvalidArgument"
    )


SCHEDULE = (
    Param("DaysOfWeek", kind="strings", help="Days to run on (Tuesday, Saturday… or the flags 0x01–0x40)."),
    Param("WeeksOfMonth", kind="strings", help="Weeks of the month, 1–5 (5 = the last week)."),
    Param("IntervalWeeks", kind="int", help="Every N weeks, instead of WeeksOfMonth."),
    Param("StartDate", kind="string", help="First possible run and the time of day (default today 3:00 AM)."),
)


def _schedule(inv: Invocation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        if inv.has("DaysOfWeek"):
            out["days"] = parse_days(inv.get("DaysOfWeek"))
        if inv.has("WeeksOfMonth"):
            out["weeks"] = tuple(int(str(w).strip()) for w in inv.get("WeeksOfMonth"))
    except ValueError:
        raise inv.fail("WeeksOfMonth are numbers from 1 to 5.", "InvalidArgument") from None
    if inv.has("IntervalWeeks"):
        out["interval"] = int(inv.get("IntervalWeeks"))
    if inv.has("StartDate"):
        out["start"] = _date(inv, "StartDate")
    return out


ROLE_OPTIONS = tuple(
    p
    for p in RUN_OPTIONS
    if p.name
    in (
        "MaxFailedNodes",
        "MaxRetriesPerNode",
        "NodeOrder",
        "PreUpdateScript",
        "PostUpdateScript",
        "RequireAllNodesOnline",
        "RebootTimeoutMinutes",
        "EnableFirewallRules",
        "FailbackMode",
        "CauPluginName",
        "StopAfter",
        "WarnAfter",
        "Force",
        "Credential",
    )
)


@cmdlet(
    "Add-CauClusterRole",
    "Adds the CAU clustered role: the cluster updates itself on a schedule (self-updating mode, §8.2).",
    (
        CLUSTER,
        *SCHEDULE,
        *ROLE_OPTIONS,
        Param("VirtualComputerObjectName", kind="string", help="Accepted (recorded)."),
        Param("EnableFirewallRulesOnly", kind="switch", help="Accepted (recorded)."),
    ),
    module=MODULE,
    process=False,
    examples=(
        (
            "Add-CauClusterRole -DaysOfWeek Tuesday,Saturday -WeeksOfMonth 2,4 -MaxFailedNodes 1 -Force",
            "Runs on the 2nd and 4th Tuesday and Saturday at 3:00 AM.",
        ),
        ("Add-CauClusterRole -Force", "The wizard's default: the third Tuesday of each month at 3:00 AM."),
    ),
)
def add_cau_cluster_role(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    s = _schedule(inv)
    role = c.cau.add_role(
        days=s.get("days", ()),
        weeks=s.get("weeks", ()),
        interval=s.get("interval"),
        start=s.get("start"),
        options=_options(inv),
    )
    return role_props(role)


@cmdlet(
    "Set-CauClusterRole",
    "Changes the schedule or the Updating Run options of the CAU clustered role.",
    (CLUSTER, *SCHEDULE, *ROLE_OPTIONS),
    module=MODULE,
    process=False,
)
def set_cau_cluster_role(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    s = _schedule(inv)
    current = c.cau.role.options if c.cau.role is not None else None
    options = _options(inv, current) if any(inv.has(p.name) for p in ROLE_OPTIONS) else None
    role = c.cau.set_role(
        days=s.get("days"),
        weeks=s.get("weeks"),
        interval=s.get("interval"),
        start=s.get("start"),
        options=options,
    )
    return role_props(role)


@cmdlet(
    "Get-CauClusterRole",
    "Shows the CAU clustered role: its schedule, the next run and the run options.",
    (CLUSTER,),
    module=MODULE,
    process=False,
)
def get_cau_cluster_role(inv: Invocation) -> Iterable[Any]:
    c = _this_cluster(inv)
    return role_props(c.cau.role_snapshot())


@cmdlet(
    "Enable-CauClusterRole",
    "Enables the CAU clustered role: its schedule starts runs again.",
    (CLUSTER, Param("Force", kind="switch", help="Do not ask for confirmation.")),
    module=MODULE,
    process=False,
)
def enable_cau_cluster_role(inv: Invocation) -> Iterable[Any]:
    _this_cluster(inv).cau.enable_role(True)
    return []


@cmdlet(
    "Disable-CauClusterRole",
    "Disables the CAU clustered role: no scheduled runs (do this during a rolling upgrade, §9.1).",
    (CLUSTER, Param("Force", kind="switch", help="Do not ask for confirmation.")),
    module=MODULE,
    process=False,
)
def disable_cau_cluster_role(inv: Invocation) -> Iterable[Any]:
    _this_cluster(inv).cau.enable_role(False)
    return []


@cmdlet(
    "Remove-CauClusterRole",
    "Removes the CAU clustered role and its schedule.",
    (CLUSTER, Param("Force", kind="switch", help="Do not ask for confirmation.")),
    module=MODULE,
    process=False,
)
def remove_cau_cluster_role(inv: Invocation) -> Iterable[Any]:
    _this_cluster(inv).cau.remove_role()
    return []
