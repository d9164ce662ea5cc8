"""The simulated WSFC cluster: pure Python on simpy, deterministic, no UI imports.

Build a :class:`Cluster` from a :class:`ClusterSpec`, send it commands, advance time with
``run_until``/``advance`` and read immutable snapshots.
"""

from .clock import CalendarClock
from .clusdb import ConfigBackup
from .cluster import Cluster
from .errors import ClusterError, InvalidArgumentError, InvalidStateError, ObjectNotFoundError, QuorumError
from .events import ClusterEvent, Level
from .profiles import PROFILES, OsProfile
from .snapshots import (
    CauNodeResult,
    CauRoleSnapshot,
    CauRunSnapshot,
    ClusterSnapshot,
    CsvSnapshot,
    DrainStatus,
    FileServerSnapshot,
    GroupSnapshot,
    GroupState,
    GroupType,
    MigrationSnapshot,
    NetworkSnapshot,
    NodeSnapshot,
    NodeState,
    PlacementExplanation,
    QuorumSnapshot,
    ResourceSnapshot,
    ResourceState,
    ServerSnapshot,
    VmSnapshot,
    VmState,
    WhatIf,
)
from .spec import (
    ClusterSpec,
    CsvSpec,
    FailbackSpec,
    FileServerSpec,
    NetworkRole,
    NetworkSpec,
    NodeSpec,
    Priority,
    QuorumSpec,
    VmSpec,
    WitnessSpec,
    WitnessType,
)

__all__ = [
    "PROFILES",
    "CalendarClock",
    "CauNodeResult",
    "CauRoleSnapshot",
    "CauRunSnapshot",
    "Cluster",
    "ClusterError",
    "ClusterEvent",
    "ClusterSnapshot",
    "ClusterSpec",
    "ConfigBackup",
    "CsvSnapshot",
    "CsvSpec",
    "DrainStatus",
    "FailbackSpec",
    "FileServerSnapshot",
    "FileServerSpec",
    "GroupSnapshot",
    "GroupState",
    "GroupType",
    "InvalidArgumentError",
    "InvalidStateError",
    "Level",
    "MigrationSnapshot",
    "NetworkRole",
    "NetworkSnapshot",
    "NetworkSpec",
    "NodeSnapshot",
    "NodeSpec",
    "NodeState",
    "ObjectNotFoundError",
    "OsProfile",
    "PlacementExplanation",
    "Priority",
    "QuorumError",
    "QuorumSnapshot",
    "QuorumSpec",
    "ResourceSnapshot",
    "ResourceState",
    "ServerSnapshot",
    "VmSnapshot",
    "VmSpec",
    "VmState",
    "WhatIf",
    "WitnessSpec",
    "WitnessType",
]
