"""Tab completion: cmdlet names, their parameters, enum values and object names."""

from __future__ import annotations

import re

from clusterlab.sim import Cluster

from .registry import REGISTRY

_TOKEN = re.compile(r"""[^\s|;(){}]+$""")


def _segment(line: str) -> str:
    """The text of the pipeline element being typed (after the last | ; or opening paren)."""
    depth_cut = max(line.rfind("|"), line.rfind(";"), line.rfind("("), line.rfind("{"))
    return line[depth_cut + 1 :]


def object_names(cluster: Cluster) -> list[str]:
    snap = cluster.snapshot()
    names = [n.name for n in snap.nodes] + [g.name for g in snap.groups] + [n.name for n in snap.networks]
    names += [c.name for c in snap.csvs] + [r.name for r in snap.resources]
    return list(dict.fromkeys(names))


def _quote(name: str) -> str:
    return f"'{name}'" if any(ch.isspace() for ch in name) else name


def complete(line: str, cluster: Cluster) -> list[str]:
    """Candidates replacing the last token of ``line`` (the text left of the cursor)."""
    seg = _segment(line)
    m = _TOKEN.search(seg)
    token = m.group(0) if m else ""
    before = seg[: len(seg) - len(token)].strip()
    low = token.lower()
    if not before:
        names = [c.name for c in REGISTRY.all()] + list(REGISTRY.aliases())
        return sorted({n for n in names if n.lower().startswith(low)}, key=str.lower)
    cmd = REGISTRY.find(before.split()[0])
    if token.startswith("-") and cmd is not None:
        return [f"-{p.name}" for p in cmd.params if p.name.lower().startswith(low[1:])]
    words = before.split()
    if cmd is not None and words and words[-1].startswith("-"):
        param = cmd.param(words[-1][1:])
        if param is not None and param.choices:
            return [c for c in param.choices if c.lower().startswith(low)]
    bare = low.strip("'\"")
    return [_quote(n) for n in object_names(cluster) if n.lower().startswith(bare)]
