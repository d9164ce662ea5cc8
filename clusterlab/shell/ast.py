"""Syntax tree of the PowerShell subset the console understands.

The parser (``parser.py``) produces these; the executor (``executor.py``) evaluates them.
Every node keeps ``pos``, the offset of its first character in the source line, so error
messages can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Node:
    pos: int


# expressions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StringLit(Node):
    """'single' (verbatim), "double" (``expandable``: $var and $(...) inside), or a bareword
    argument in command mode (``Get-ClusterNode HV04`` -> StringLit("HV04", bare=True))."""

    value: str
    expandable: bool = False
    bare: bool = False


@dataclass(frozen=True, slots=True)
class NumberLit(Node):
    """Integers and decimals, with PowerShell multipliers folded in (``4GB`` -> 4294967296)."""

    value: int | float


@dataclass(frozen=True, slots=True)
class Variable(Node):
    """``$name``; ``$_`` and ``$PSItem`` are the pipeline object; ``$true``/``$false``/``$null``
    are variables too (resolved by the executor)."""

    name: str


@dataclass(frozen=True, slots=True)
class ArrayLit(Node):
    """``a, b, c`` (comma operator) and ``@(...)``."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class HashLit(Node):
    """``@{Key = value; Other = value}``; keys are plain strings."""

    entries: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class SubExpr(Node):
    """``( pipeline )`` — parentheses around a pipeline or expression, and ``$( ... )``."""

    body: Pipeline


@dataclass(frozen=True, slots=True)
class ScriptBlock(Node):
    """``{ statements }`` — used by Where-Object, ForEach-Object and Sort-Object."""

    body: Script
    text: str = ""


@dataclass(frozen=True, slots=True)
class MemberAccess(Node):
    """``expr.Name``."""

    target: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Index(Node):
    """``expr[index]``."""

    target: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    """``expr.Name(args)`` (e.g. ``'x'.ToUpper()``)."""

    target: Expr
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class BinaryOp(Node):
    """Comparison (``-eq -ne -gt -lt -ge -le -like -notlike -match -notmatch -contains -in``,
    case-insensitive, optional ``c``/``i`` prefix: ``-ceq``), logical (``-and -or``) and
    arithmetic (``+ - * /``). ``op`` is lower-case without the dash (``"eq"``, ``"and"``, ``"+"``)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class UnaryOp(Node):
    """``-not x``, ``!x``, unary ``-x``. ``op`` is ``"not"`` or ``"-"``."""

    op: str
    operand: Expr


Expr = (
    StringLit
    | NumberLit
    | Variable
    | ArrayLit
    | HashLit
    | SubExpr
    | ScriptBlock
    | MemberAccess
    | Index
    | MethodCall
    | BinaryOp
    | UnaryOp
)


# commands and pipelines -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parameter(Node):
    """``-Name``, ``-Name value`` or ``-Name:value``. ``value`` is None for a bare switch (and for
    a named parameter whose value follows as the next argument: the parser attaches the next
    argument only when it is not itself a parameter; the binder decides whether the parameter is
    a switch, so the parser sets ``value`` only for ``-Name:value``; a following positional
    argument stays a separate ``Positional``)."""

    name: str
    value: Expr | None = None
    colon: bool = False


@dataclass(frozen=True, slots=True)
class Positional(Node):
    value: Expr


@dataclass(frozen=True, slots=True)
class Command(Node):
    """A command invocation: its name as typed and its arguments in order."""

    name: str
    args: tuple[Parameter | Positional, ...] = ()


@dataclass(frozen=True, slots=True)
class Pipeline(Node):
    """``a | b | c``. The first element may be an expression (``(Get-Cluster) | fl *``,
    ``1..3`` is not supported); every later element is a Command."""

    elements: tuple[Command | Expr, ...]


@dataclass(frozen=True, slots=True)
class Assignment(Node):
    """``$x = pipeline``, ``(Get-ClusterNode HV04).NodeWeight = 0``. ``target`` is a Variable or
    a MemberAccess."""

    target: Variable | MemberAccess
    value: Pipeline


Statement = Pipeline | Assignment


@dataclass(frozen=True, slots=True)
class Script(Node):
    """Statements separated by ``;`` or newlines. Comments (``#`` to end of line) are dropped."""

    statements: tuple[Statement, ...] = field(default=())
