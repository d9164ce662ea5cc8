"""The cmdlet registry and PowerShell's parameter binding rules.

Each cmdlet module registers its cmdlets here with their real names, parameters,
positions, aliases and parameter types; ``Get-Help``, ``Get-Command``, tab completion and
``docs/cmdlets.md`` are all generated from this one registry.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ErrorRecord, ShellError

if TYPE_CHECKING:
    from .session import Context


PS_TYPES = {
    "switch": "SwitchParameter",
    "string": "String",
    "strings": "String[]",
    "int": "Int32",
    "float": "Double",
    "bool": "Boolean",
    "enum": "String",
    "object": "PSObject",
    "objects": "Object[]",
    "hashtables": "Hashtable[]",
    "scriptblock": "ScriptBlock",
    "any": "Object",
}


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str = "string"
    position: int | None = None
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    pipeline: bool = False  # ValueFromPipeline: the whole input object
    by_property: bool = False  # ValueFromPipelineByPropertyName: input.<Name>
    mandatory: bool = False
    help: str = ""
    min_os: str | None = None

    @property
    def ps_type(self) -> str:
        if self.kind == "enum" and self.choices:
            return "{" + " | ".join(self.choices) + "}"
        return PS_TYPES.get(self.kind, "Object")


@dataclass(frozen=True, slots=True)
class Cmdlet:
    name: str
    func: Callable[[Invocation], Iterable[Any] | None]
    synopsis: str
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    module: str = "FailoverClusters"
    lab_only: bool = False
    min_os: str | None = None
    process: bool = True  # once per pipeline object (process block) vs once for all input
    description: str = ""
    examples: tuple[tuple[str, str], ...] = ()
    noun_type: str = ""  # .NET class name for the FullyQualifiedErrorId

    def param(self, name: str) -> Param | None:
        low = name.lower()
        for p in self.params:
            if p.name.lower() == low:
                return p
        return None

    def syntax(self) -> str:
        parts = [self.name]
        for p in sorted(self.params, key=lambda p: (p.position is None, p.position or 0)):
            if p.kind == "switch":
                text = f"-{p.name}"
            else:
                name = f"-{p.name}"
                if p.position is not None:
                    name = f"[{name}]"
                text = f"{name} <{p.ps_type}>"
            parts.append(text if p.mandatory else f"[{text}]")
        return " ".join(parts)


class Registry:
    def __init__(self) -> None:
        self._by_name: dict[str, Cmdlet] = {}
        self._aliases: dict[str, str] = {}

    def add(self, cmdlet: Cmdlet) -> Cmdlet:
        self._by_name[cmdlet.name.lower()] = cmdlet
        for a in cmdlet.aliases:
            self._aliases[a.lower()] = cmdlet.name
        return cmdlet

    def alias(self, alias: str, name: str) -> None:
        self._aliases[alias.lower()] = name

    def find(self, name: str) -> Cmdlet | None:
        low = name.lower()
        if low in self._by_name:
            return self._by_name[low]
        target = self._aliases.get(low)
        return self._by_name.get(target.lower()) if target else None

    def all(self) -> list[Cmdlet]:
        return sorted(self._by_name.values(), key=lambda c: c.name.lower())

    def aliases(self) -> dict[str, str]:
        return dict(self._aliases)

    def suggest(self, name: str) -> str | None:
        names = [c.name for c in self._by_name.values()] + list(self._aliases)
        low = {n.lower(): n for n in names}
        close = difflib.get_close_matches(name.lower(), list(low), n=1, cutoff=0.75)
        if not close:
            return None
        found = low[close[0]]
        cmd = self.find(found)
        return cmd.name if cmd else found


REGISTRY = Registry()


def cmdlet(
    name: str,
    synopsis: str,
    params: Sequence[Param] = (),
    **kw: Any,
) -> Callable[[Callable[[Invocation], Iterable[Any] | None]], Callable[[Invocation], Iterable[Any] | None]]:
    """Decorator registering a cmdlet implementation."""

    def wrap(func: Callable[[Invocation], Iterable[Any] | None]) -> Callable[[Invocation], Iterable[Any] | None]:
        REGISTRY.add(Cmdlet(name=name, func=func, synopsis=synopsis, params=tuple(params), **kw))
        return func

    return wrap


# invocation -------------------------------------------------------------------------------


@dataclass
class Invocation:
    """What a cmdlet implementation receives: bound arguments, pipeline input, the context."""

    cmdlet: Cmdlet
    ctx: Context
    args: dict[str, Any] = field(default_factory=dict)
    input: list[Any] = field(default_factory=list)  # all input (process=False)
    current: Any = None  # the object of this process-block call (process=True)
    line: str = ""
    pos: int = 0
    length: int = 0

    def has(self, name: str) -> bool:
        return name in self.args

    def get(self, name: str, default: Any = None) -> Any:
        return self.args.get(name, default)

    def switch(self, name: str) -> bool:
        return bool(self.args.get(name, False))

    def record(
        self, message: str, category: str = "InvalidOperation", target: str = "", error_id: str = ""
    ) -> ErrorRecord:
        c = self.cmdlet
        cls = c.noun_type or c.name.replace("-", "") + "Command"
        module = {
            "Hyper-V": "Microsoft.HyperV.PowerShell.Commands",
            "ClusterAwareUpdating": "Microsoft.ClusterAwareUpdating.Commands",
            "Lab": "ClusterLab.Commands",
            "Microsoft.PowerShell.Utility": "Microsoft.PowerShell.Commands",
            "Microsoft.PowerShell.Core": "Microsoft.PowerShell.Commands",
            "Microsoft.PowerShell.Diagnostics": "Microsoft.PowerShell.Commands",
        }.get(c.module, "Microsoft.FailoverClusters.PowerShell")
        exception = {"Hyper-V": "VirtualizationException", "Lab": "LabCmdletException"}.get(
            c.module, "ClusterCmdletException" if c.module == "FailoverClusters" else "InvalidOperationException"
        )
        if category == "InvalidArgument" and c.module not in ("FailoverClusters", "Hyper-V", "Lab"):
            exception = "ArgumentException"
        return ErrorRecord(
            message=message,
            category=category,
            command=c.name,
            target=target,
            exception=exception,
            error_id=f"{error_id or exception},{module}.{cls}",
            line=self.line,
            pos=self.pos,
            length=self.length,
        )

    def write_error(self, message: str, category: str = "InvalidOperation", target: str = "") -> None:
        """A non-terminating error: recorded, the pipeline goes on."""
        self.ctx.write_error(self.record(message, category, target))

    def fail(self, message: str, category: str = "InvalidOperation", target: str = "") -> ShellError:
        """A terminating error for this statement: ``raise inv.fail(...)``."""
        return ShellError(self.record(message, category, target))
