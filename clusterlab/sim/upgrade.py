"""Cluster OS Rolling Upgrade rules (§9.1): pure functions over release names, no simulation state.

* A cluster runs at its **functional level**: the release whose behaviour it has. Nodes may run
  that release or the next one up; while any node differs the cluster is in mixed-OS mode and
  keeps the functional level's behaviour (new nodes run in compatibility mode) [S22].
* 2012 R2 → 2016 is the first supported hop; a node more than one release up, or older than the
  functional level, cannot be added [S22].
* ``Update-ClusterFunctionalLevel`` needs every node up-level and Up (in active membership, not
  Paused or Down) [S22][S17]; it is the point of no return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .profiles import PROFILES, ROLLING_UPGRADE_FROM, VM_CONFIG_VERSION, release_index


def display(os_name: str) -> str:
    return PROFILES[os_name].display_name


def level_text(os_name: str) -> str:
    """``8 (Windows Server 2012 R2)``."""
    return f"{PROFILES[os_name].functional_level} ({display(os_name)})"


def join_refusal(level_os: str, node_os: str) -> str | None:
    """Why a node running ``node_os`` cannot be a node of a cluster at functional level ``level_os``
    (§9.1 restrictions), or None when it can."""
    if node_os == level_os:
        return None
    level_i, node_i = release_index(level_os), release_index(node_os)
    if node_i < level_i:
        return (
            f"it runs {display(node_os)}, older than the cluster functional level {level_text(level_os)}; "
            "after Update-ClusterFunctionalLevel down-level nodes cannot join (§9.1)"
        )
    if level_i < release_index(ROLLING_UPGRADE_FROM):
        return (
            f"Cluster OS Rolling Upgrade starts with {display(ROLLING_UPGRADE_FROM)} → Windows Server 2016 (§9.1): "
            f"a cluster at functional level {level_text(level_os)} cannot take a {display(node_os)} node"
        )
    if node_i > level_i + 1:
        nxt = next(name for name in PROFILES if release_index(name) == level_i + 1)
        return (
            f"it runs {display(node_os)}, more than one release above the cluster functional level "
            f"{level_text(level_os)}: a rolling upgrade goes one release at a time (§9.1) — "
            f"upgrade the cluster to {display(nxt)} first"
        )
    return None


def mixed_mode(level_os: str, node_oses: Sequence[str]) -> bool:
    """§9.1: mixed-OS mode while any node runs another release than the functional level."""
    return any(os_name != level_os for os_name in node_oses)


@dataclass(frozen=True, slots=True)
class LevelCheck:
    """What ``Update-ClusterFunctionalLevel`` would do: the target release and what blocks it."""

    current: str
    target: str
    down_level: tuple[str, ...]  # nodes still on an older release than the target
    not_up: tuple[tuple[str, str], ...]  # (node, state) of nodes not Up

    @property
    def ok(self) -> bool:
        return self.target != self.current and not self.down_level and not self.not_up

    def blockers(self) -> str:
        """One sentence naming the nodes that block the update (§9.1)."""
        parts = []
        if self.down_level:
            parts.append(
                f"{', '.join(self.down_level)} still run{'s' if len(self.down_level) == 1 else ''} "
                f"{display(self.current)}: upgrade every node to {display(self.target)} first"
            )
        if self.not_up:
            shown = ", ".join(f"{name} is {state}" for name, state in self.not_up)
            parts.append(f"every node must be Up in the active membership ({shown})")
        return "; ".join(parts)


def check_level_update(current: str, nodes: Sequence[tuple[str, str, str]]) -> LevelCheck:
    """``nodes``: (name, os, state) of every cluster node. The target is the newest release any node runs."""
    target = max((os_name for _, os_name, _ in nodes), key=release_index, default=current)
    if release_index(target) < release_index(current):
        target = current
    down = tuple(name for name, os_name, _ in nodes if os_name != target)
    not_up = tuple((name, state) for name, _, state in nodes if state != "Up")
    return LevelCheck(current, target, down, not_up)


def vm_version(os_name: str) -> str:
    """§9.1: the VM configuration version a host of this release upgrades a VM to."""
    return VM_CONFIG_VERSION[os_name]


def version_key(version: str) -> tuple[int, ...]:
    """``"10.0"`` > ``"9.0"``: compare configuration versions as numbers."""
    return tuple(int(p) for p in version.split(".") if p.isdigit())
