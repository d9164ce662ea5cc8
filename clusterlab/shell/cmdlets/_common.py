"""Helpers shared by the cmdlet modules: name matching, object builders, waiting."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from clusterlab.sim import Cluster, ClusterSnapshot, GroupSnapshot, NodeSnapshot, ObjectNotFoundError
from clusterlab.sim.profiles import OS_VERSION

from .. import wildcard
from ..objects import PSObject, make
from ..registry import Invocation, Param

FC = "Microsoft.FailoverClusters.PowerShell."
NONE_ID = 4294967295  # 0xFFFFFFFF: "not set" in the cluster API (§3.4, §6.1)

INPUT = Param("InputObject", kind="object", pipeline=True, help="An object from the pipeline.")


def matches(name: str, patterns: Sequence[str] | None) -> bool:
    if not patterns:
        return True
    return any(wildcard.fnmatchcase(name.lower(), p.lower()) for p in patterns)


def has_wildcard(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def select(kind: str, names: Iterable[str], patterns: Sequence[str] | None, inv: Invocation) -> list[str]:
    """Names matching ``patterns``; a pattern without wildcards that matches nothing is an error."""
    names = list(names)
    if not patterns:
        return names
    out: list[str] = []
    for p in patterns:
        hit = [n for n in names if wildcard.fnmatchcase(n.lower(), p.lower())]
        if not hit and not has_wildcard(p):
            close = [n for n in names if n.lower().startswith(p.lower()[:3])]
            raise ObjectNotFoundError(kind, p, close[0] if len(close) == 1 else None)
        out.extend(h for h in hit if h not in out)
    return out


def target_name(inv: Invocation, param: str = "Name") -> str | None:
    """The object a cmdlet acts on: -Name, or the piped InputObject."""
    value = inv.get(param)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is not None:
        return str(value)
    obj = inv.get("InputObject")
    if isinstance(obj, PSObject):
        return str(obj.get("Name") or obj)
    if obj is not None:
        return str(obj)
    return None


def require_target(inv: Invocation, param: str = "Name") -> str:
    """The object name a cmdlet needs (-Name or piped), or PowerShell's missing-parameter error."""
    name = target_name(inv, param)
    if name is None:
        raise inv.fail(
            f"Cannot process command because of one or more missing mandatory parameters: {param}.", "InvalidArgument"
        )
    return name


def node_obj(c: Cluster, n: NodeSnapshot) -> PSObject:
    # §9.1/§11.1: each node reports its own release (they differ during a rolling upgrade).
    major, minor, build = OS_VERSION.get(n.os or c.profile.name, (10, 0, 20348))
    return make(
        FC + "ClusterNode",
        {
            "Name": n.name,
            "Id": str(n.id),
            "State": n.state.value,
            "Type": "Node",
            "NodeWeight": n.node_weight,
            "DynamicWeight": n.dynamic_weight,
            "DrainStatus": n.drain_status.value,
            "DrainTarget": NONE_ID,
            "Site": n.site or "",
            "Cluster": c.name,
            "NodeName": n.name,
            "MajorVersion": major,
            "MinorVersion": minor,
            "BuildNumber": build,
            "Model": "Virtual Lab Host",
            "Manufacturer": "clusterlab",
            "StatusInformation": "Normal" if n.state.value in ("Up", "Paused") else n.state.value,
        },
        {"NodeWeight": lambda v: c.set_node_weight(n.name, _int(v))},
    )


def group_obj(c: Cluster, g: GroupSnapshot) -> PSObject:
    window = g.failback_window
    obj = make(
        FC + "ClusterGroup",
        {
            "Name": g.name,
            "OwnerNode": g.owner,
            "State": g.state.value,
            "Cluster": c.name,
            "IsCoreGroup": g.is_core,
            "Description": "",
            "PersistentState": 1 if g.state.value == "Online" else 0,
            "FailoverThreshold": NONE_ID if g.failover_threshold is None else g.failover_threshold,
            "FailoverPeriod": g.failover_period_h,
            "AutoFailbackType": 1 if g.auto_failback else 0,
            "FailbackWindowStart": window[0] if window else NONE_ID,
            "FailbackWindowEnd": window[1] if window else NONE_ID,
            "Priority": g.priority,
            "DefaultOwner": NONE_ID,
            "AntiAffinityClassNames": list(g.anti_affinity),
            "GroupType": g.group_type.value,
            "StatusInformation": g.status or "Normal",
            "Id": _guid(g.name),
        },
        {
            "Priority": lambda v: c.set_priority(g.name, _int(v)),
            "AntiAffinityClassNames": lambda v: c.set_anti_affinity(
                g.name, [str(x) for x in (v if isinstance(v, list) else [v]) if x is not None and str(x)]
            ),
            "AutoFailbackType": lambda v: c.set_failback(g.name, _int(v) == 1, c.group(g.name).failback_window),
            "FailbackWindowStart": lambda v: _set_window(c, g.name, "start", _int(v)),
            "FailbackWindowEnd": lambda v: _set_window(c, g.name, "end", _int(v)),
            "FailoverThreshold": lambda v: c.set_failover_threshold(g.name, None if _int(v) == NONE_ID else _int(v)),
            "FailoverPeriod": lambda v: c.set_failover_period(g.name, _int(v)),
        },
    )
    if c.profile.compute_resiliency:
        # §7.3: −1 = the cluster's ResiliencyDefaultPeriod.
        obj = make(
            obj.type_name,
            obj.props | {"ResiliencyPeriod": g.resiliency_period, "PreferredSite": g.preferred_site or ""},
            obj.setters
            | {
                "ResiliencyPeriod": lambda v: c.set_resiliency_period(g.name, _int(v)),
                "PreferredSite": lambda v: c.set_group_preferred_site(g.name, str(v) if v else None),
            },
        )
    return obj


def _set_window(c: Cluster, name: str, which: str, hour: int) -> None:
    # §3.8: 0xFFFFFFFF (or -1) clears an end; a window applies once both ends are set.
    clear = hour in (NONE_ID, -1)
    if which == "start":
        c.set_failback_window(name, start=None if clear else hour, clear_start=clear)
    else:
        c.set_failback_window(name, end=None if clear else hour, clear_end=clear)


def _int(v: Any) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    try:
        return int(float(str(v)))
    except ValueError:
        from clusterlab.sim import InvalidArgumentError

        raise InvalidArgumentError(f'Cannot convert value "{v}" to type "System.UInt32".') from None


def _guid(name: str) -> str:
    import hashlib

    h = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


guid = _guid
to_int = _int


def wait_for(inv: Invocation, done: Callable[[], bool], wait: Any = None, default_s: float = 3600.0) -> None:
    """Cmdlets with -Wait: None = wait for completion, 0 = return at once, N = up to N seconds.
    A TUI console never blocks (the live clock shows progress)."""
    if not inv.ctx.blocking:
        return
    if wait is not None:
        seconds = float(wait)
        if seconds <= 0:
            return
        inv.ctx.wait_until(done, seconds)
        return
    inv.ctx.wait_until(done, default_s)


def snapshot(inv: Invocation) -> ClusterSnapshot:
    return inv.ctx.cluster.snapshot()
