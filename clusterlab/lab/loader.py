"""Lab files -> ``ClusterSpec``.

This first loader reads the ``cluster`` section of the lab format (lab-format.md) with the
safe YAML loader and reports every problem it finds; steps are kept as plain data for the
player. The full schema with line/column errors and playback arrives with the lab-files
issue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from clusterlab.sim.clock import DEFAULT_START
from clusterlab.sim.profiles import DEFAULT_PROFILE, PROFILES
from clusterlab.sim.spec import (
    ClusterSpec,
    CsvSpec,
    FailbackSpec,
    NetworkRole,
    NetworkSpec,
    NodeSpec,
    Priority,
    QuorumSpec,
    VmSpec,
    WitnessSpec,
    WitnessType,
)

MAX_LAB_BYTES = 5 * 1024 * 1024


class LabError(Exception):
    """A lab file that cannot be used; ``problems`` lists every message."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class Lab:
    id: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    spec: ClusterSpec
    steps: tuple[Mapping[str, Any], ...] = ()
    path: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def shipped_labs_dir() -> Path:
    """Labs packaged in the wheel (``clusterlab/labs``) or, from a checkout, ``labs/``."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "labs"
    if packaged.is_dir():
        return packaged
    return here.parent / "labs"


def default_lab_path() -> Path:
    return shipped_labs_dir() / "default.yaml"


def resolve_lab(name: str) -> Path:
    """A lab named by path, or by the id of a shipped lab."""
    p = Path(name)
    if p.exists():
        return p
    shipped = shipped_labs_dir() / f"{name}.yaml"
    if shipped.exists():
        return shipped
    raise LabError(name, ["no such lab file, and no shipped lab has this id"])


def load_lab(path: str | Path) -> Lab:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise LabError(str(p), [f"cannot read the file ({exc.strerror})"]) from None
    if len(data) > MAX_LAB_BYTES:
        raise LabError(str(p), [f"the file is {len(data)} bytes; labs are limited to {MAX_LAB_BYTES} bytes"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabError(str(p), [f"the file is not UTF-8 text (bad byte at offset {exc.start})"]) from None
    return load_lab_text(text, str(p), default_id=p.stem, path=p)


def load_lab_text(text: str, source: str = "<lab>", default_id: str = "lab", path: Path | None = None) -> Lab:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LabError(source, [f"{where}YAML syntax error: {problem}"]) from None
    except RecursionError:
        raise LabError(source, ["the document is nested too deeply"]) from None
    problems: list[str] = []
    if not isinstance(doc, dict):
        raise LabError(source, ["a lab file must be a mapping with 'format', 'cluster' and 'steps'"])
    if doc.get("format") != 1:
        problems.append("'format: 1' is required")
    os_name = str(doc.get("os", DEFAULT_PROFILE))
    if os_name not in PROFILES:
        problems.append(f"os: unknown profile '{os_name}' (expected one of {', '.join(PROFILES)})")
        os_name = DEFAULT_PROFILE
    seed = doc.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        problems.append("seed: expected an integer")
        seed = 0
    clock = _clock(doc.get("clock"), problems)
    cluster = doc.get("cluster")
    if not isinstance(cluster, dict):
        problems.append("cluster: expected a mapping describing the cluster")
        cluster = {}
    spec = _cluster(cluster, os_name, seed, clock, problems)
    steps = doc.get("steps", [])
    if not isinstance(steps, list):
        problems.append("steps: expected a list")
        steps = []
    objectives = doc.get("objectives", [])
    if problems:
        raise LabError(source, problems)
    return Lab(
        id=str(doc.get("id", default_id)),
        title=str(doc.get("title", default_id)),
        summary=str(doc.get("summary", "")),
        objectives=tuple(str(o) for o in objectives) if isinstance(objectives, list) else (),
        spec=spec,
        steps=tuple(s for s in steps if isinstance(s, dict)),
        path=path,
    )


def _clock(value: Any, problems: list[str]) -> datetime:
    if value is None:
        return DEFAULT_START
    if isinstance(value, datetime):
        return value
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value), fmt)
        except ValueError:
            continue
    problems.append(f"clock: '{value}' is not a date and time (expected e.g. \"2026-01-05 09:00\")")
    return DEFAULT_START


def _num(m: Mapping[str, Any], key: str, default: float, where: str, problems: list[str]) -> float:
    v = m.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
        problems.append(f"{where}.{key}: expected a non-negative number")
        return default
    return float(v)


def _names(v: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return tuple(v)
    problems.append(f"{where}: expected a list of names")
    return ()


def _cluster(c: Mapping[str, Any], os_name: str, seed: int, clock: datetime, problems: list[str]) -> ClusterSpec:
    defaults = c.get("node_defaults", {}) or {}
    if not isinstance(defaults, dict):
        problems.append("cluster.node_defaults: expected a mapping")
        defaults = {}
    nodes: list[NodeSpec] = []
    raw_nodes = c.get("nodes", [])
    if not isinstance(raw_nodes, list) or not raw_nodes:
        problems.append("cluster.nodes: expected a non-empty list of node names or maps")
        raw_nodes = []
    for i, rn in enumerate(raw_nodes):
        where = f"cluster.nodes[{i}]"
        m: dict[str, Any] = {"name": rn} if isinstance(rn, str) else rn if isinstance(rn, dict) else {}
        if "name" not in m or not isinstance(m["name"], str):
            problems.append(f"{where}: expected a node name or a map with 'name'")
            continue
        merged = {**defaults, **m}
        nodes.append(
            NodeSpec(
                name=m["name"],
                memory_gb=_num(merged, "memory_gb", 256.0, where, problems),
                cpus=int(_num(merged, "cpus", 32, where, problems)),
                site=str(merged["site"]) if merged.get("site") is not None else None,
                node_weight=int(_num(merged, "node_weight", 1, where, problems)),
            )
        )
    networks: list[NetworkSpec] = []
    for i, rn in enumerate(c.get("networks", []) or []):
        where = f"cluster.networks[{i}]"
        if not isinstance(rn, dict) or not isinstance(rn.get("name"), str):
            problems.append(f"{where}: expected a map with 'name'")
            continue
        try:
            role = NetworkRole(str(rn.get("role", "ClusterAndClient")))
        except ValueError:
            problems.append(f"{where}.role: expected None, Cluster or ClusterAndClient")
            role = NetworkRole.CLUSTER_AND_CLIENT
        networks.append(
            NetworkSpec(
                rn["name"], role, bool(rn.get("live_migration", False)), _num(rn, "gbps", 10.0, where, problems)
            )
        )
    quorum = _quorum(c.get("quorum", {}) or {}, problems)
    csvs = []
    for i, rc in enumerate(c.get("csvs", []) or []):
        if not isinstance(rc, dict) or not isinstance(rc.get("name"), str):
            problems.append(f"cluster.csvs[{i}]: expected a map with 'name'")
            continue
        csvs.append(CsvSpec(rc["name"], _num(rc, "size_gb", 2048.0, f"cluster.csvs[{i}]", problems)))
    vms = _vms(c.get("vms", []) or [], problems)
    return ClusterSpec(
        name=str(c.get("name", "HVCLUS")),
        os=os_name,
        seed=seed,
        clock=clock,
        nodes=tuple(nodes),
        networks=tuple(networks) or (NetworkSpec("Cluster Network 1"),),
        quorum=quorum,
        csvs=tuple(csvs),
        vms=tuple(vms),
        enforced_anti_affinity=bool(c.get("enforced_anti_affinity", False)),
    )


def _quorum(q: Any, problems: list[str]) -> QuorumSpec:
    if not isinstance(q, dict):
        problems.append("cluster.quorum: expected a mapping")
        return QuorumSpec()
    w = q.get("witness", {}) or {}
    if not isinstance(w, dict):
        problems.append("cluster.quorum.witness: expected a mapping with 'type'")
        w = {}
    try:
        wtype = WitnessType(str(w.get("type", "None")))
    except ValueError:
        problems.append("cluster.quorum.witness.type: expected None, Disk, FileShare or Cloud")
        wtype = WitnessType.NONE
    lower = q.get("lower_quorum_priority_node")
    return QuorumSpec(
        witness=WitnessSpec(wtype, str(w["path"]) if w.get("path") is not None else None),
        dynamic_quorum=bool(q.get("dynamic_quorum", True)),
        lower_quorum_priority_node=str(lower) if lower is not None else None,
    )


def _vms(raw: Any, problems: list[str]) -> list[VmSpec]:
    if not isinstance(raw, list):
        problems.append("cluster.vms: expected a list")
        return []
    out: list[VmSpec] = []
    for i, rv in enumerate(raw):
        where = f"cluster.vms[{i}]"
        if not isinstance(rv, dict):
            problems.append(f"{where}: expected a map")
            continue
        if "generate" in rv:
            count = rv.get("generate")
            if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10000:
                problems.append(f"{where}.generate: expected a count between 1 and 10000")
                continue
            prefix = str(rv.get("prefix", "VM"))
            width = max(2, len(str(count)))
            base = {k: v for k, v in rv.items() if k not in ("generate", "prefix")}
            for j in range(1, count + 1):
                vm = _vm({**base, "name": f"{prefix}{j:0{width}d}"}, where, problems)
                if vm is not None:
                    out.append(vm)
            continue
        vm = _vm(rv, where, problems)
        if vm is not None:
            out.append(vm)
    return out


def _vm(rv: Mapping[str, Any], where: str, problems: list[str]) -> VmSpec | None:
    name = rv.get("name")
    if not isinstance(name, str) or not name:
        problems.append(f"{where}: expected 'name'")
        return None
    try:
        priority = Priority(str(rv.get("priority", "Medium")))
    except ValueError:
        problems.append(f"{where}.priority: expected High, Medium, Low or NoAutoStart")
        priority = Priority.MEDIUM
    fb = rv.get("failback", {}) or {}
    failback = FailbackSpec()
    if isinstance(fb, dict):
        allow = str(fb.get("type", "Prevent")) == "Allow"
        window = fb.get("window")
        win: tuple[int, int] | None = None
        if window is not None:
            if (
                isinstance(window, list)
                and len(window) == 2
                and all(isinstance(h, int) and 0 <= h <= 23 for h in window)
            ):
                win = (window[0], window[1])
            else:
                problems.append(f"{where}.failback.window: expected [start_hour, end_hour] with hours 0-23")
        failback = FailbackSpec(allow, win)
    else:
        problems.append(f"{where}.failback: expected a mapping with 'type'")
    running = rv.get("running")
    return VmSpec(
        name=name,
        memory_gb=_num(rv, "memory_gb", 4.0, where, problems),
        vhd_gb=_num(rv, "vhd_gb", 60.0, where, problems),
        csv=str(rv["csv"]) if rv.get("csv") is not None else None,
        owner=str(rv["owner"]) if rv.get("owner") is not None else None,
        priority=priority,
        preferred_owners=_names(rv.get("preferred_owners"), f"{where}.preferred_owners", problems),
        possible_owners=_names(rv.get("possible_owners"), f"{where}.possible_owners", problems),
        anti_affinity=_names(rv.get("anti_affinity"), f"{where}.anti_affinity", problems),
        failback=failback,
        running=bool(running) if running is not None else None,
    )
