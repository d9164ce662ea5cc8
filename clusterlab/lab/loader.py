"""Lab files -> ``Lab``: a ``ClusterSpec`` to build and typed steps to play (lab-format.md).

Reading goes in four passes, and every problem of every pass is reported at once, each as
``path:line:col: what is wrong (what was expected)``:

1. ``safe_yaml``: UTF-8, size, syntax, nesting and alias limits, refused tags -> a node tree
   with line/column marks (never Python objects);
2. ``schema``: every key, type, allowed word, required key and default (the same description
   publishes the JSON Schema);
3. ``consistency``: unique names, references, impossible topologies, quiz answers, the timeline;
4. the simulator builds the cluster once, so a lab that loads is a lab that runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from clusterlab.sim import Cluster, ClusterError
from clusterlab.sim.clock import DEFAULT_START
from clusterlab.sim.profiles import DEFAULT_PROFILE
from clusterlab.sim.spec import ClusterSpec

from .build_cluster import ClusterBuild, build_cluster
from .build_steps import build_steps
from .consistency import check_names, check_references, check_steps, check_topology
from .problems import LabError, Problem, did_you_mean
from .safe_yaml import YamlProblem, compose, decode
from .schema import LAB
from .schema_kinds import INVALID, Reading, Reference, label
from .steps import Step

__all__ = [
    "Lab",
    "LabError",
    "default_lab_path",
    "load_lab",
    "load_lab_text",
    "resolve_lab",
    "shipped_labs_dir",
]


@dataclass(frozen=True, slots=True)
class Lab:
    """A loaded lab. ``extra["vms"][NAME]`` holds the VM keys the simulator does not model yet
    (``monitored_services``, ``protected_network``)."""

    id: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    spec: ClusterSpec
    steps: tuple[Step, ...] = ()
    path: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: run steps return at once, as in the cockpit (lab key ``interactive``)
    interactive: bool = False


def shipped_labs_dir() -> Path:
    """Labs packaged in the wheel (``clusterlab/labs``) or, from a checkout, ``labs/``."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "labs"
    if packaged.is_dir():
        return packaged
    return here.parent / "labs"


def default_lab_path() -> Path:
    return shipped_labs_dir() / "default.yaml"


def shipped_lab_ids() -> list[str]:
    """Ids of the shipped labs (a shipped lab's id is its file name without ``.yaml``)."""
    folder = shipped_labs_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def resolve_lab(name: str) -> Path:
    """A lab named by path, or by the id of a shipped lab."""
    p = Path(name)
    if p.is_file():
        return p
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        shipped = shipped_labs_dir() / f"{name}.yaml"
        if shipped.is_file():
            return shipped
    ids = shipped_lab_ids()
    close = did_you_mean(name, ids)
    hint = f"did you mean '{close}'?" if close is not None else "shipped labs: " + (", ".join(ids) or "none")
    raise LabError(name, [f"no such lab file, and no shipped lab has this id (expected a path or a lab id; {hint})"])


def load_lab(path: str | Path) -> Lab:
    """Read and check one lab file; raise ``LabError`` listing every problem."""
    p = Path(path)
    source = str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise LabError(source, [f"cannot read the file ({exc.strerror or exc})"]) from None
    try:
        text = decode(data)
    except YamlProblem as exc:
        raise LabError(source, [Problem(exc.line, exc.column, exc.message, source)]) from None
    return load_lab_text(text, source, default_id=p.stem, path=p)


def load_lab_text(text: str, source: str = "<lab>", default_id: str = "lab", path: Path | None = None) -> Lab:
    """Check a lab given as text; ``source`` names it in messages. Raises ``LabError`` and nothing else."""
    try:
        return _load(text, source, default_id, path)
    except LabError:
        raise
    except YamlProblem as exc:
        raise LabError(source, [Problem(exc.line, exc.column, exc.message, source)]) from None
    except Exception as exc:  # a bug here must still not become a traceback for the learner
        raise LabError(
            source, [f"internal error in the lab loader: {type(exc).__name__}: {exc} (please report this)"]
        ) from exc


def _load(text: str, source: str, default_id: str, path: Path | None) -> Lab:
    doc = compose(text)
    r = Reading(source, refused=doc.refused)
    for tag_problem in doc.problems:
        r.report((tag_problem.line, tag_problem.column), tag_problem.message)
    if doc.root is None:
        raise LabError(
            source, [Problem(1, 1, "the file is empty (expected a lab: format: 1, cluster and steps)", source)]
        )
    data = LAB.read(doc.root, (), r)
    if data is INVALID:
        _fail(r)
    build = _build(data)
    if "cluster" in data:
        check_names(build, r)
        for ref, defined in check_references(build, r):
            _respell(data, ref, defined)
        check_topology(build, r)
    steps_data = data.get("steps") or []
    check_steps(steps_data, r)
    if r.problems:
        _fail(r)
    build = _build(data)  # again, with every reference spelled as its definition (HV01, not hv01)
    _simulate(build, r)
    if r.problems:
        _fail(r)
    lab_id = data.get("id") or default_id
    return Lab(
        id=lab_id,
        title=data.get("title") or lab_id,
        summary=data.get("summary", ""),
        objectives=tuple(data.get("objectives", ())),
        spec=build.spec,
        steps=build_steps(steps_data, r),
        path=path,
        extra={"vms": build.vm_extra},
        interactive=bool(data.get("interactive", False)),
    )


def _build(data: Mapping[str, Any]) -> ClusterBuild:
    clock = data.get("clock")
    return build_cluster(
        data.get("cluster") or {},
        data.get("os", DEFAULT_PROFILE),
        data.get("seed", 0),
        clock if isinstance(clock, datetime) else DEFAULT_START,
    )


def _respell(data: Any, ref: Reference, defined: str) -> None:
    """Write ``defined`` over the referring name (a value, or a mapping key such as ``io: {hv01: Direct}``)."""
    parent = data
    for part in ref.path[:-1]:
        parent = parent[part]
    last = ref.path[-1]
    if ref.is_key:
        items = list(parent.items())
        parent.clear()
        parent.update((defined if key == last else key, value) for key, value in items)
    else:
        parent[last] = defined


def _simulate(build: ClusterBuild, r: Reading) -> None:
    """Build the cluster once: whatever the simulator still refuses (placement at start) is a problem too."""
    try:
        Cluster(build.spec)
    except ClusterError as exc:
        where: tuple[str | int, ...] = ("cluster",)
        m = re.search(r"VM '([^']+)'", exc.message)
        if m is not None:
            for vm, vm_path in zip(build.spec.vms, build.vm_paths, strict=True):
                if vm.name == m.group(1):
                    where = vm_path
                    break
        r.report_at(where, f"{label(where)}: the simulator cannot build this cluster: {exc.message}")


def _fail(r: Reading) -> NoReturn:
    problems = sorted(dict.fromkeys(r.problems), key=lambda p: (p.line, p.column))  # stable: same place, found order
    raise LabError(r.source, problems)
