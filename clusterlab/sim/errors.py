"""Typed errors raised by the public simulation API.

Every refusal of a command is one of these: callers (the console, labs, the TUI) turn
them into PowerShell-shaped error records or notifications, never tracebacks.
"""

from __future__ import annotations


class ClusterError(Exception):
    """Base class: a command the simulated cluster refuses, with a reason a learner can read."""

    #: PowerShell error category the console shows for this error.
    category = "InvalidOperation"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ObjectNotFoundError(ClusterError):
    """A node, role, resource, VM, CSV or network name that does not exist."""

    category = "ObjectNotFound"

    def __init__(self, kind: str, name: str, suggestion: str | None = None) -> None:
        text = f"The {kind} '{name}' was not found."
        if suggestion:
            text += f" Did you mean '{suggestion}'?"
        super().__init__(text)
        self.kind = kind
        self.name = name
        self.suggestion = suggestion


class InvalidStateError(ClusterError):
    """The command is legal in general but not in the object's current state."""


class QuorumError(ClusterError):
    """The command would make the cluster lose quorum, or needs a cluster that has it."""


class InvalidArgumentError(ClusterError):
    """A value outside what the property or command accepts."""

    category = "InvalidArgument"
