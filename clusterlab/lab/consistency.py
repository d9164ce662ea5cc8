"""Checks across keys: unique names, references that must exist, topologies a cluster cannot have, steps.

The schema checks each value on its own; these checks need the whole lab. They report into the
same ``Reading`` so every problem comes out at once, in file order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from clusterlab.sim.profiles import PROFILES
from clusterlab.sim.spec import NetworkRole, WitnessType
from clusterlab.sim.upgrade import join_refusal

from .build_cluster import ClusterBuild, starts_running
from .problems import did_you_mean, one_of
from .schema import BUILTIN_ROLES, MAX_VMS
from .schema_kinds import Path, Reading, Reference, label

UNC_PATH: Final = r"\\\\[^\\/]+\\[^\\/]+.*"
#: Resource names that log events under their own name (``expect: {event: 1562, source: ...}``).
WITNESS_SOURCES: Final = ("File Share Witness", "Cloud Witness")

_NOUNS: Final = {
    "node": "node",
    "csv": "CSV",
    "vm": "VM",
    "role": "role",
    "event source": "node or role",
    "file server": "file server",
    "guest cluster": "guest cluster",
    "any node": "node",  # a node, or a server that is not one (yet, or any more): expectations (§9.1)
}
_SECTIONS: Final[Mapping[str, tuple[Path, ...]]] = {
    "node": (("cluster", "nodes"),),
    "csv": (("cluster", "csvs"),),
    "vm": (("cluster", "vms"),),
    "role": (("cluster", "vms"), ("cluster", "file_servers")),
    "file server": (("cluster", "file_servers"),),
    "guest cluster": (("cluster", "guest_clusters"),),
    "event source": (("cluster", "nodes"), ("cluster", "servers"), ("cluster", "vms"), ("cluster", "csvs")),
    "any node": (("cluster", "nodes"), ("cluster", "servers")),
}


# names -------------------------------------------------------------------------------------


def check_names(build: ClusterBuild, r: Reading) -> None:
    spec = build.spec
    _unique(
        "node",
        [n.name for n in (*spec.nodes, *spec.servers)],
        [*build.node_paths, *build.server_paths],
        r,
    )
    _unique("network", [n.name for n in spec.networks], build.network_paths, r)
    _unique("CSV", [c.name for c in spec.csvs], build.csv_paths, r)
    _unique("VM", [v.name for v in spec.vms], build.vm_paths, r, reserved=BUILTIN_ROLES, batches=build.batch_paths)
    if build.requested_vms > MAX_VMS:
        r.report_at(
            ("cluster", "vms"),
            f"cluster.vms defines {build.requested_vms:,} VMs (expected at most {MAX_VMS:,}, the most a cluster "
            "supports)",
        )


def _unique(
    noun: str,
    names: Sequence[str],
    paths: Sequence[Path],
    r: Reading,
    reserved: Iterable[str] = (),
    batches: set[Path] | None = None,
) -> None:
    """Report names used twice (ignoring case); ``batches`` are paths that generate several names."""
    taken = {n.lower(): n for n in reserved}
    first: dict[str, Path] = {}
    clashes: dict[tuple[Path, Path], list[str]] = defaultdict(list)
    for name, path in zip(names, paths, strict=True):
        key = name.lower()
        if key in taken:
            r.report_at((*path, "name"), f"{label(path)}: '{name}' is a built-in role (expected another {noun} name)")
        elif key in first:
            clashes[(path, first[key])].append(name)
        else:
            first[key] = path
    for (path, earlier), clashing in clashes.items():
        line = r.at(earlier)[0]
        shown = ", ".join(clashing[:3]) + (", ..." if len(clashing) > 3 else "")
        what = f"{noun} name '{shown}' is" if len(clashing) == 1 else f"{len(clashing)} {noun} names ({shown}) are"
        if batches and path in batches:
            what = "generates " + what.replace(" is", ", which is").replace(" are", ", which are")
        r.report_at(
            (*path, "name"), f"{label(path)}: {what} already used on line {line} (expected unique {noun} names)"
        )


# references --------------------------------------------------------------------------------


def check_references(build: ClusterBuild, r: Reading) -> list[tuple[Reference, str]]:
    """Report names that do not exist; return each reference written in another case with its defined spelling."""
    spec = build.spec
    imported = [name for _folder, name, _mem, _vhd in spec.exported_vms]  # Import-VM may bring them in
    roles = [v.name for v in spec.vms] + imported + [f.name for f in spec.file_servers] + list(BUILTIN_ROLES)
    witness = spec.quorum.witness
    pools: dict[str, list[str]] = {
        "node": [n.name for n in spec.nodes],
        "csv": [c.name for c in spec.csvs] + [d.name for d in spec.disks],  # a disk can become a CSV
        "vm": [v.name for v in spec.vms] + imported,
        "role": roles,
        "file server": [f.name for f in spec.file_servers],
        "guest cluster": [g.name for g in spec.guest_clusters],
        "any node": [n.name for n in (*spec.nodes, *spec.servers)],
        "event source": [n.name for n in (*spec.nodes, *spec.servers)]
        + roles
        + [spec.name]
        + [c.name for c in spec.csvs]
        + list(WITNESS_SOURCES)
        + ([witness.path] if witness.type is WitnessType.DISK and witness.path else ["Cluster Disk 1"]),
    }
    folded = {kind: {n.lower(): n for n in reversed(names)} for kind, names in pools.items()}
    renames: list[tuple[Reference, str]] = []
    shown: dict[tuple[str, ...], tuple[list[str], str]] = {}
    hints = _HintBudget()
    for ref in r.references:
        defined = next((folded[k][ref.name.lower()] for k in ref.kinds if ref.name.lower() in folded[k]), None)
        if defined is not None:
            if defined != ref.name:
                renames.append((ref, defined))
            continue
        if any(r.broken(section) for k in ref.kinds for section in _SECTIONS[k]):
            continue  # an entry that defines these names is itself invalid: its message says enough
        noun = " or ".join(_NOUNS[k] for k in ref.kinds)
        if ref.kinds not in shown:
            names = [n for k in ref.kinds for n in (pools["any node"] + roles if k == "event source" else pools[k])]
            names = list(dict.fromkeys(names))
            listed = one_of(names) if names else f"a {noun} defined in the cluster section; the lab defines none"
            shown[ref.kinds] = (names, listed)
        names, expected = shown[ref.kinds]
        close = hints.suggest(ref.name, ref.kinds, names)
        if close is not None:
            expected += f"; did you mean '{close}'?"
        r.report_at(ref.path, f"{label(ref.path)}: unknown {noun} '{ref.name}' (expected {expected})")
    return renames


class _HintBudget:
    """did-you-mean for unknown names, within a budget: a file with thousands of bad names stays fast."""

    #: How many names may be compared against (in all) to find suggestions.
    COMPARISONS = 50_000

    def __init__(self) -> None:
        self.spent = 0
        self.cache: dict[tuple[str, tuple[str, ...]], str | None] = {}

    def suggest(self, name: str, pool: tuple[str, ...], names: Sequence[str]) -> str | None:
        key = (name.lower(), pool)
        if key not in self.cache:
            if self.spent + len(names) > self.COMPARISONS:
                return None
            self.spent += len(names)
            self.cache[key] = did_you_mean(name, names)
        return self.cache[key]


# topology ----------------------------------------------------------------------------------


def check_topology(build: ClusterBuild, r: Reading) -> None:
    spec = build.spec
    _check_quorum(build, r)
    _check_node_releases(build, r)
    if spec.networks and all(n.role is NetworkRole.NONE for n in spec.networks):
        r.report_at(
            ("cluster", "networks"),
            "cluster.networks: no network carries cluster traffic "
            "(expected at least one network with role Cluster or ClusterAndClient)",
        )
    if spec.nodes and all(n.node_weight == 0 for n in spec.nodes):
        r.report_at(
            ("cluster", "nodes"), "cluster.nodes: every node has node_weight 0 (expected at least one node with a vote)"
        )
    _check_memory(build, r)
    _check_vm_settings(build, r)


def _check_node_releases(build: ClusterBuild, r: Reading) -> None:
    """§9.1: a node runs the lab's release or, mid-upgrade, the next one up (2012 R2 → 2016 first)."""
    spec = build.spec
    for node, path in zip(spec.nodes, build.node_paths, strict=True):
        if node.os is None or node.os not in PROFILES or spec.os not in PROFILES:
            continue
        refusal = join_refusal(spec.os, node.os)
        if refusal is not None:
            where: Path = (*path, "os")
            r.report_at(
                where,
                f"{label(where)}: node {node.name} cannot be in a cluster at functional level "
                f"{PROFILES[spec.os].functional_level}: {refusal} (expected os {spec.os} or the next release up)",
            )


def _check_quorum(build: ClusterBuild, r: Reading) -> None:
    spec = build.spec
    q = spec.quorum
    w = q.witness
    at: Path = ("cluster", "quorum", "witness")
    if r.broken(at):
        return  # the witness's own message says what is wrong; checks on defaults would only add noise
    if w.type is WitnessType.CLOUD and spec.os in PROFILES and not PROFILES[spec.os].cloud_witness:
        r.report_at(
            (*at, "type"),
            f"{label((*at, 'type'))}: a Cloud witness needs Windows Server 2016 or later and os is {spec.os} "
            "(expected None, Disk or FileShare, or a later os)",
        )
    if w.type is WitnessType.DISK and w.path is not None:
        csv = next((c.name for c in spec.csvs if c.name.lower() == w.path.lower()), None)
        if csv is not None:
            r.report_at(
                (*at, "path"),
                f"{label((*at, 'path'))}: '{csv}' is a Cluster Shared Volume and cannot be the disk witness "
                "(expected a cluster disk that is not a CSV, e.g. 'Cluster Disk 1')",
            )
    if w.type is WitnessType.FILE_SHARE:
        if w.path is None:
            r.report_at(at, f"{label(at)}: a FileShare witness needs a path (expected path: '\\\\server\\share')")
        elif not re.fullmatch(UNC_PATH, w.path):
            r.report_at(
                (*at, "path"),
                f"{label((*at, 'path'))}: '{w.path}' is not a file share (expected '\\\\server\\share', "
                "in single quotes)",
            )
    if w.type is WitnessType.NONE and w.path is not None:
        r.report_at(
            (*at, "path"),
            f"{label((*at, 'path'))}: a witness of type None has no path (expected type Disk, FileShare or Cloud)",
        )
    if q.lower_quorum_priority_node is not None and not q.dynamic_quorum:
        where: Path = ("cluster", "quorum", "lower_quorum_priority_node")
        r.report_at(
            where,
            f"{label(where)} only breaks ties of dynamic quorum, which is off "
            "(expected dynamic_quorum: true, or no lower_quorum_priority_node)",
        )


def _gb(value: float) -> str:
    return f"{value:g} GB"


def _check_memory(build: ClusterBuild, r: Reading) -> None:
    spec = build.spec
    nodes = {n.name.lower(): n for n in spec.nodes}
    if not nodes:
        return
    largest = max(n.memory_gb for n in spec.nodes)
    total = sum(n.memory_gb for n in spec.nodes)
    running = 0.0
    per_owner: dict[str, float] = defaultdict(float)
    reported: set[Path] = set()
    for vm, path in zip(spec.vms, build.vm_paths, strict=True):
        if path in reported:
            continue
        hosts = [nodes[n.lower()] for n in vm.possible_owners if n.lower() in nodes] or list(spec.nodes)
        room = max(h.memory_gb for h in hosts)
        owner = nodes.get(vm.owner.lower()) if vm.owner else None
        if vm.memory_gb > largest:
            reported.add(path)
            r.report_at(
                (*path, "memory_gb"),
                f"{label(path)}: VM '{vm.name}' needs {_gb(vm.memory_gb)} of memory but the largest node has "
                f"{_gb(largest)} (expected memory_gb of at most {largest:g})",
            )
        elif vm.memory_gb > room:
            reported.add(path)
            r.report_at(
                (*path, "memory_gb"),
                f"{label(path)}: VM '{vm.name}' needs {_gb(vm.memory_gb)} of memory but its possible owners have "
                f"at most {_gb(room)} (expected a possible owner with enough memory)",
            )
        elif owner is not None and vm.memory_gb > owner.memory_gb:
            reported.add(path)
            r.report_at(
                (*path, "owner"),
                f"{label(path)}: VM '{vm.name}' needs {_gb(vm.memory_gb)} of memory but its owner {owner.name} has "
                f"{_gb(owner.memory_gb)} (expected an owner with enough memory)",
            )
        if (
            owner is not None
            and vm.possible_owners
            and owner.name.lower() not in {n.lower() for n in vm.possible_owners}
        ):
            reported.add(path)
            r.report_at(
                (*path, "owner"),
                f"{label(path)}: owner {owner.name} is not one of the possible_owners "
                f"(expected one of {', '.join(vm.possible_owners)})",
            )
        if starts_running(vm):
            running += vm.memory_gb
            if owner is not None:
                per_owner[owner.name] += vm.memory_gb
    if running > total:
        r.report_at(
            ("cluster", "vms"),
            f"cluster.vms: the VMs running at start need {_gb(running)} of memory but "
            + (f"the {len(nodes)} nodes have {_gb(total)} in all" if len(nodes) > 1 else f"the node has {_gb(total)}")
            + f" (expected at most {_gb(total)}: add nodes or memory, or set running: false on "
            "some VMs)",
        )
        return
    for owner_name, need in per_owner.items():
        have = nodes[owner_name.lower()].memory_gb
        if need > have:
            r.report_at(
                ("cluster", "vms"),
                f"cluster.vms: the running VMs with owner {owner_name} need {_gb(need)} of memory but {owner_name} "
                f"has {_gb(have)} (expected at most {_gb(have)} per node: give some VMs another owner)",
            )


def _check_vm_settings(build: ClusterBuild, r: Reading) -> None:
    reported: set[Path] = set()
    for vm, path in zip(build.spec.vms, build.vm_paths, strict=True):
        if path in reported:
            continue
        if vm.failback.window is not None and not vm.failback.allow:
            reported.add(path)
            where = (*path, "failback", "window")
            r.report_at(where, f"{label(where)}: a failback window needs failback type Allow (expected type: Allow)")


# steps -------------------------------------------------------------------------------------


def check_steps(steps: Sequence[Mapping[str, Any]], r: Reading) -> None:
    """Quiz answers, event counts and the timeline of ``at`` steps."""
    reached = 0.0
    for i, step in enumerate(steps):
        path: Path = ("steps", i)
        if not isinstance(step, Mapping):
            continue
        if "quiz" in step:
            _check_quiz(step["quiz"], (*path, "quiz"), r)
        for key in ("expect", "check"):
            if key in step:
                _check_expectation(step[key], (*path, key), r)
        if isinstance(step.get("wait"), float):
            reached += step["wait"]
        if isinstance(step.get("at"), float):
            if step["at"] + 1e-9 < reached:
                r.report_at(
                    (*path, "at"),
                    f"{label((*path, 'at'))}: {_clock(step['at'])} is earlier than {_clock(reached)}, which the "
                    "steps before it already reach (expected a later time; use wait for a relative delay)",
                )
            reached = max(reached, step["at"])


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _check_quiz(quiz: Mapping[str, Any], path: Path, r: Reading) -> None:
    choices = quiz.get("choices")
    answer = quiz.get("answer")
    if isinstance(choices, list) and isinstance(answer, int) and answer >= len(choices) and len(choices) >= 2:
        r.report_at(
            (*path, "answer"),
            f"{label((*path, 'answer'))}: {answer} is not an index into the {len(choices)} choices "
            f"(expected 0 to {len(choices) - 1}: the first choice is 0)",
        )
    if isinstance(choices, list):
        seen: set[str] = set()
        for j, choice in enumerate(choices):
            if not isinstance(choice, str):
                continue
            if choice in seen:
                r.report_at(
                    (*path, "choices", j),
                    f"{label((*path, 'choices', j))}: '{choice}' is listed twice (expected different choices)",
                )
            seen.add(choice)


def _check_expectation(exp: Any, path: Path, r: Reading) -> None:
    if not isinstance(exp, Mapping):
        return
    if "all" in exp or "any" in exp:
        for j, item in enumerate(exp.get("all", exp.get("any", []))):
            _check_expectation(item, (*path, "all" if "all" in exp else "any", j), r)
    if "not" in exp:
        _check_expectation(exp["not"], (*path, "not"), r)
    for subject in ("quorum", "cau", "cluster"):
        inner = exp.get(subject)
        if isinstance(inner, Mapping):
            for key in inner:
                if key in exp:
                    r.report_at(
                        (*path, key),
                        f"{label(path)}: {key} is given twice, inside {subject}: and beside it (expected it once)",
                    )
    if "event" in exp:
        low, high = exp.get("min"), exp.get("max")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            r.report_at((*path, "min"), f"{label(path)}: min {low} is more than max {high} (expected min <= max)")
        if "count" in exp and ("min" in exp or "max" in exp):
            r.report_at(
                (*path, "count"), f"{label(path)}: count with min or max (expected either count, or min and/or max)"
            )
