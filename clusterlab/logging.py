"""structlog setup: commands and cluster events as JSON lines in a file.

Never writes to the terminal: the TUI owns it. The default file lives in the user's state
directory; ``--log-file`` chooses another.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import structlog
from platformdirs import user_state_path

from clusterlab.sim import Cluster, ClusterEvent


def default_log_path() -> Path:
    return user_state_path("clusterlab", appauthor=False) / "clusterlab.log"


class _FlushingFile:
    """A file that flushes after every line, so a killed session loses nothing."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def write(self, text: str) -> None:
        self._handle.write(text)

    def flush(self) -> None:
        self._handle.flush()


def configure(path: Path | None = None) -> tuple[structlog.typing.FilteringBoundLogger, Path]:
    """Point structlog at ``path`` (JSON lines, appended). Returns the logger and the path."""
    target = path or default_log_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = target.open("a", encoding="utf-8", buffering=1)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        logger_factory=structlog.WriteLoggerFactory(file=_FlushingFile(handle)),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger("clusterlab")
    return logger, target


def attach(cluster: Cluster, logger: Any, **context: Any) -> None:
    """Log every cluster event with its simulated time (the wall-clock stamp is only metadata)."""
    bound = logger.bind(cluster=cluster.name, **context)

    def on_event(event: ClusterEvent) -> None:
        bound.info(
            "cluster_event",
            sim_time=event.time,
            event_name=event.name,
            event_id=event.event_id,
            level=event.level.value,
            source=event.source,
            message=event.message,
        )

    cluster.subscribe(on_event)


def log_command(logger: Any, cluster: Cluster, command: str, ok: bool, error: str | None = None) -> None:
    logger.info("command", sim_time=cluster.now, command=command, ok=ok, error=error)
