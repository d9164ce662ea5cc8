"""Evaluating lab expectations against the cluster: what was expected, what was seen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clusterlab.sim import PROFILES, Cluster, ClusterSnapshot

from .steps import AllOf, AnyOf, Check, Expectation, NotOf

#: Every subject and the keys it accepts (the loader validates against this table).
SUBJECT_KEYS: Mapping[str, tuple[str, ...]] = {
    "node": ("state", "drain", "node_weight", "dynamic_weight", "roles", "os"),
    "role": ("state", "owner", "owner_not", "owner_in", "preferred_owners"),
    "vm": ("state", "host", "downtime_max", "migrations", "storage", "version"),
    "csv": ("owner", "state", "io", "maintenance", "redirected"),
    "quorum": ("state", "votes", "witness_vote", "forced"),
    "event": ("count", "min", "max", "source"),
    "cau": ("status", "nodes_updated", "failed_nodes", "locked"),
    "file_server": ("state", "owner", "connected", "disconnects", "transparent_failovers"),
    "guest_cluster": ("state", "owner", "failovers"),
    "cluster": ("functional_level", "os", "mixed_mode", "nodes", "roles"),
}

SUBJECT_VALUES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "node": {
        "state": ("Up", "Down", "Paused", "Joining", "Isolated", "Quarantined"),
        "drain": ("NotInitiated", "InProgress", "Completed", "Failed"),
        "os": tuple(PROFILES),
    },
    "role": {"state": ("Online", "Offline", "Failed", "PartialOnline", "Pending")},
    "vm": {
        "state": (
            "Running",
            "Off",
            "Saved",
            "Paused",
            "Starting",
            "Saving",
            "Stopping",
            "Unmonitored",
            "PausedCritical",
        )
    },
    "csv": {"state": ("Online", "Offline", "Paused")},
    "quorum": {"state": ("Up", "Down")},
    "cau": {"status": ("NotStarted", "Running", "Succeeded", "Failed", "Cancelled")},
    "file_server": {"state": ("Online", "Offline", "Failed", "PartialOnline", "Pending")},
    "guest_cluster": {"state": ("Online", "Offline", "Pending")},
    "cluster": {"os": tuple(PROFILES)},
}


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    expected: str
    seen: str


def describe(exp: Expectation) -> str:
    if isinstance(exp, Check):
        head = exp.subject if exp.name is None else f"{exp.subject} {exp.name}"
        keys = " ".join(f"{k} {_show(v)}" for k, v in exp.keys.items())
        return f"{head} {keys}".strip()
    if isinstance(exp, AllOf):
        return "all of (" + "; ".join(describe(e) for e in exp.items) + ")"
    if isinstance(exp, AnyOf):
        return "any of (" + "; ".join(describe(e) for e in exp.items) + ")"
    return "not (" + describe(exp.item) + ")"


def _show(v: Any) -> str:
    if isinstance(v, list | tuple):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {x}" for k, x in v.items()) + "}"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


class Evaluator:
    """Evaluates expectations over one snapshot (taken lazily) plus the event log."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._snap: ClusterSnapshot | None = None

    @property
    def snap(self) -> ClusterSnapshot:
        if self._snap is None:
            self._snap = self.cluster.snapshot()
        return self._snap

    def __call__(self, exp: Expectation) -> Verdict:
        if isinstance(exp, AllOf):
            verdicts = [self(e) for e in exp.items]
            bad = [v for v in verdicts if not v.ok]
            return Verdict(not bad, describe(exp), "; ".join(v.seen for v in (bad or verdicts)))
        if isinstance(exp, AnyOf):
            verdicts = [self(e) for e in exp.items]
            good = [v for v in verdicts if v.ok]
            return Verdict(bool(good), describe(exp), "; ".join(v.seen for v in (good or verdicts)))
        if isinstance(exp, NotOf):
            inner = self(exp.item)
            return Verdict(not inner.ok, describe(exp), inner.seen)
        check = _CHECKS[exp.subject]
        return check(self, exp)

    # subjects ---------------------------------------------------------------------------

    def _node(self, exp: Check) -> Verdict:
        name = str(exp.name)
        n = next((x for x in self.snap.nodes if x.name.lower() == name.lower()), None)
        if n is None:
            # §9.1: an evicted node (or a spare server) is no node of the cluster; only its release can match.
            server = next((x for x in self.snap.servers if x.name.lower() == name.lower()), None)
            what = f"a server running {server.os_display}, {server.state}" if server else "unknown"
            ok = server is not None and set(exp.keys) == {"os"} and _eq(server.os, exp.keys["os"])
            return Verdict(ok, describe(exp), f"{name} is not a node of the cluster ({what})")
        seen = {
            "state": n.state.value,
            "drain": n.drain_status.value,
            "node_weight": n.node_weight,
            "dynamic_weight": n.dynamic_weight,
            "roles": n.roles,
            "os": n.os,
        }
        return self._compare(exp, seen, f"node {n.name}")

    def _cluster(self, exp: Check) -> Verdict:
        s = self.snap
        seen = {
            "functional_level": s.functional_level,
            "os": s.os,
            "mixed_mode": s.mixed_mode,
            "nodes": [n.name for n in s.nodes],
            "roles": [g.name for g in s.groups if not g.is_core],
        }
        return self._compare(exp, seen, "cluster")

    def _role(self, exp: Check) -> Verdict:
        try:
            g = self.snap.group(str(exp.name))
        except KeyError:  # removed (Remove-ClusterGroup) or not made highly available yet
            return Verdict(False, describe(exp), f"there is no clustered role named {exp.name}")
        ok = True
        for key, want in exp.keys.items():
            if key == "state":
                ok &= _eq(g.state.value, want)
            elif key == "owner":
                ok &= _eq(g.owner, want)
            elif key == "owner_not":
                ok &= not _eq(g.owner, want)
            elif key == "owner_in":
                ok &= any(_eq(g.owner, w) for w in want)
            elif key == "preferred_owners":
                ok &= [x.lower() for x in g.preferred_owners] == [str(x).lower() for x in want]
        preferred = f", preferred owners {_show(g.preferred_owners)}" if "preferred_owners" in exp.keys else ""
        return Verdict(
            ok,
            describe(exp),
            f"role {g.name} owner was {g.owner} (state {g.state.value}"
            + (f", {g.status}" if g.status else "")
            + f"){preferred}",
        )

    def _vm(self, exp: Check) -> Verdict:
        try:
            v = self.snap.vm(str(exp.name))
        except KeyError:  # not imported yet
            return Verdict(False, describe(exp), f"there is no virtual machine named {exp.name}")
        ok = True
        for key, want in exp.keys.items():
            if key == "state":
                # Unmonitored is the cluster's view (§7.3); the VM's own state stays what Hyper-V sees.
                ok &= v.unmonitored if _eq("Unmonitored", want) else _eq(v.state.value, want)
            elif key == "host":
                ok &= _eq(v.host, want)
            elif key == "downtime_max":
                ok &= v.downtime_at(self.snap.time) <= float(want) + 1e-9
            elif key == "migrations":
                ok &= v.migrations == int(want)
            elif key == "storage":
                ok &= _eq(v.csv or "", want)
            elif key == "version":
                ok &= _eq(v.version, str(want))
        unmonitored = " (Unmonitored)" if v.unmonitored else ""
        return Verdict(
            ok,
            describe(exp),
            f"vm {v.name} was {v.state.value}{unmonitored} on {v.host}, downtime {v.downtime_at(self.snap.time):g} s, "
            f"{v.migrations} migrations, stored on {v.csv or 'local storage'}, version {v.version}",
        )

    def _csv(self, exp: Check) -> Verdict:
        csv = next((c for c in self.snap.csvs if c.name.lower() == str(exp.name).lower()), None)
        if csv is None:
            return Verdict(False, describe(exp), f"there is no CSV named {exp.name}")
        ok = True
        io_seen = {node: mode for node, mode, _ in csv.io}
        for key, want in exp.keys.items():
            if key == "owner":
                ok &= _eq(csv.owner, want)
            elif key == "state":
                ok &= _eq(csv.state, want)
            elif key == "io":
                ok &= all(_eq(io_seen.get(node, "Unavailable"), mode) for node, mode in dict(want).items())
            elif key == "maintenance":
                ok &= csv.maintenance == bool(want)
            elif key == "redirected":
                ok &= csv.redirected == bool(want)
        return Verdict(
            ok,
            describe(exp),
            f"csv {csv.name} was {csv.state}{' in maintenance' if csv.maintenance else ''}"
            f"{' with redirected access' if csv.redirected else ''} on {csv.owner or 'no node'}, I/O "
            + ", ".join(f"{k} {m}" for k, m in io_seen.items()),
        )

    def _quorum(self, exp: Check) -> Verdict:
        q = self.snap.quorum
        seen = {"state": q.state, "votes": q.votes, "witness_vote": q.witness_dynamic_weight, "forced": q.forced}
        keys = dict(exp.keys)
        if exp.name is not None:
            keys.setdefault("state", exp.name)
        ok = all(_eq(seen[k], v) for k, v in keys.items())
        return Verdict(
            ok,
            describe(exp),
            f"quorum was {q.state}, {q.votes} of {q.total} votes (need {q.needed}), "
            f"witness vote {q.witness_dynamic_weight}" + (", forced" if q.forced else ""),
        )

    def _event(self, exp: Check) -> Verdict:
        event_id = int(str(exp.name))
        source = exp.keys.get("source")
        n = sum(
            1
            for e in self.cluster.events
            if e.event_id == event_id and (source is None or e.source.lower() == str(source).lower())
        )
        ok = True
        if "count" in exp.keys:
            ok &= n == int(exp.keys["count"])
        if "min" in exp.keys:
            ok &= n >= int(exp.keys["min"])
        if "max" in exp.keys:
            ok &= n <= int(exp.keys["max"])
        if not any(k in exp.keys for k in ("count", "min", "max")):
            ok &= n >= 1
        where = f" from {source}" if source else ""
        return Verdict(ok, describe(exp), f"event {event_id}{where} was logged {n} time(s)")

    def _file_server(self, exp: Check) -> Verdict:
        fs = next((f for f in self.snap.file_servers if f.name.lower() == str(exp.name).lower()), None)
        if fs is None:
            return Verdict(False, describe(exp), f"there is no file server named {exp.name}")
        seen = {
            "state": fs.state,
            "owner": fs.owner,
            "connected": fs.connected,
            "disconnects": fs.disconnects,
            "transparent_failovers": fs.transparent_failovers,
        }
        return self._compare(exp, seen, f"file server {fs.name}")

    def _cau(self, exp: Check) -> Verdict:
        status = getattr(self.cluster, "cau_status", None)
        seen: dict[str, Any] = (
            status() if callable(status) else {"status": "NotStarted", "nodes_updated": 0, "failed_nodes": []}
        )
        return self._compare(exp, seen, "cau")

    def _guest_cluster(self, exp: Check) -> Verdict:
        gc = next((g for g in self.cluster.guest_clusters() if g.name.lower() == str(exp.name).lower()), None)
        if gc is None:
            return Verdict(False, describe(exp), f"there is no guest cluster named {exp.name}")
        seen = {"state": gc.state, "owner": gc.owner or "", "failovers": gc.failovers}
        return self._compare(exp, seen, f"guest cluster {gc.name}")

    def _compare(self, exp: Check, seen: Mapping[str, Any], label: str) -> Verdict:
        ok = all(
            _eq(seen[k], v) if not isinstance(v, list) else sorted(map(str, v)) == sorted(map(str, seen[k]))
            for k, v in exp.keys.items()
        )
        shown = ", ".join(f"{k} {_show(seen[k])}" for k in exp.keys) or ", ".join(
            f"{k} {_show(v)}" for k, v in seen.items()
        )
        return Verdict(ok, describe(exp), f"{label} {shown}")


_CHECKS: Mapping[str, Callable[[Evaluator, Check], Verdict]] = {
    "node": Evaluator._node,
    "role": Evaluator._role,
    "vm": Evaluator._vm,
    "csv": Evaluator._csv,
    "quorum": Evaluator._quorum,
    "event": Evaluator._event,
    "cau": Evaluator._cau,
    "file_server": Evaluator._file_server,
    "guest_cluster": Evaluator._guest_cluster,
    "cluster": Evaluator._cluster,
}


def evaluate(cluster: Cluster, exp: Expectation) -> Verdict:
    return Evaluator(cluster)(exp)
