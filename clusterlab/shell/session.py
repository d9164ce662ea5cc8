"""The console: parse a line, bind parameters, run cmdlets, format what comes out.

``Shell.run(text)`` never raises: syntax errors, unknown commands, refused operations and
even internal bugs come back as PowerShell-shaped error records, and the console goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clusterlab.sim import PROFILES, Cluster, ClusterError
from clusterlab.sim.profiles import release_index

from . import ast as A
from . import wildcard
from .errors import ErrorRecord, ShellError
from .formatting import default_format
from .objects import PSObject, flatten, to_text
from .registry import PS_TYPES, REGISTRY, Cmdlet, Invocation, Param

MAX_DEPTH = 64
COMMON = (
    Param("Cluster", aliases=("c",), help="Name of the cluster to run against (this lab has one)."),
    Param(
        "ErrorAction",
        kind="enum",
        aliases=("ea",),
        choices=("Continue", "SilentlyContinue", "Stop", "Ignore", "Inquire"),
    ),
    Param("Verbose", kind="switch", aliases=("vb",)),
    Param("Debug", kind="switch", aliases=("db",)),
    Param("WhatIf", kind="switch", aliases=("wi",)),
    Param("Confirm", kind="switch", aliases=("cf",)),
)


#: Modules whose cmdlets need a cluster (FailoverClusters, CAU); before New-Cluster only these run.
NEED_A_CLUSTER = frozenset({"FailoverClusters", "ClusterAwareUpdating"})
WITHOUT_A_CLUSTER = frozenset({"New-Cluster", "Test-Cluster"})


@dataclass(frozen=True, slots=True)
class FormattedText:
    """What Format-Table / Format-List / Out-String emit: already-rendered text."""

    text: str


@dataclass
class RunResult:
    output: str
    errors: list[ErrorRecord] = field(default_factory=list)
    objects: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self) -> str:
        """Output followed by rendered errors, as the console shows them."""
        parts = [self.output] if self.output else []
        parts.extend(e.render() + "\n" for e in self.errors)
        return "".join(parts)


@dataclass
class ScriptBlockValue:
    node: A.ScriptBlock
    shell: Shell

    def invoke(self, current: Any) -> list[Any]:
        return self.shell._run_block(self.node.body, current)

    def __str__(self) -> str:
        return self.node.text


class Context:
    """What cmdlets see of the console: the cluster, variables, error stream, options."""

    def __init__(self, shell: Shell) -> None:
        self.shell = shell

    @property
    def cluster(self) -> Cluster:
        return self.shell.cluster

    @property
    def profile(self) -> str:
        """The release whose cmdlets and output formats the console uses: the newest a node runs (§9.1:
        a mixed-OS cluster is managed from an up-level node)."""
        return self.shell.cluster.console_os

    @property
    def width(self) -> int:
        return self.shell.width

    @property
    def blocking(self) -> bool:
        return self.shell.blocking

    def write_error(self, record: ErrorRecord) -> None:
        self.shell._errors.append(record)

    def wait_until(self, done: Callable[[], bool], timeout_s: float = 3600.0) -> bool:
        """Advance simulated time event by event until ``done()`` (a blocking cmdlet)."""
        c = self.cluster
        deadline = c.now + timeout_s
        while not done():
            nxt = c.next_event_time()
            if nxt is None or nxt > deadline:
                c.run_until(deadline)
                return done()
            c.run_until(nxt)
        return True


class Shell:
    """A console session over one simulated cluster."""

    def __init__(self, cluster: Cluster, *, width: int = 120, blocking: bool = True) -> None:
        self.cluster = cluster
        self.width = width
        #: headless consoles and labs block like PowerShell does (advancing simulated time);
        #: the TUI passes False so commands return at once and the live clock shows progress.
        self.blocking = blocking
        self.variables: dict[str, Any] = {}
        self.history: list[str] = []
        self.ctx = Context(self)
        self._errors: list[ErrorRecord] = []
        self._line = ""
        self._depth = 0
        from . import cmdlets  # noqa: F401 - registers every cmdlet

    @property
    def prompt(self) -> str:
        return f"PS {self.cluster.name}> "

    # entry point ----------------------------------------------------------------------

    def run(self, text: str) -> RunResult:
        from .parser import ParseError, parse

        self._errors = []
        self._line = text.split("\n", 1)[0] if "\n" not in text.strip() else ""
        if text.strip():
            self.history.append(text)
        out: list[str] = []
        objects: list[Any] = []
        try:
            script = parse(text)
        except ParseError as exc:
            self._errors.append(
                ErrorRecord(
                    exc.message,
                    "ParserError",
                    "",
                    "",
                    "ParentContainsErrorRecordException",
                    "ParseException",
                    text if "\n" not in text else "",
                    exc.pos,
                    1,
                )
            )
            return RunResult("", self._errors, [])
        except RecursionError:
            self._errors.append(
                ErrorRecord("The script is nested too deeply.", "ParserError", "", exception="ParseException")
            )
            return RunResult("", self._errors, [])
        for stmt in script.statements:
            try:
                produced = self._statement(stmt)
                out.append(self.render(produced))
            except ShellError as exc:
                self._errors.append(exc.record)
                continue
            except ClusterError as exc:
                self._errors.append(ErrorRecord(exc.message, exc.category, line=self._line, pos=stmt.pos))
                continue
            except RecursionError:
                self._errors.append(ErrorRecord("The script is nested too deeply.", "InvalidOperation"))
                continue
            except Exception as exc:
                self._errors.append(
                    ErrorRecord(
                        f"clusterlab could not run this statement: {type(exc).__name__}: {exc}",
                        "NotSpecified",
                        exception="RuntimeException",
                    )
                )
                continue
            objects.extend(produced)
        return RunResult("".join(out), self._errors, objects)

    def render(self, objects: Sequence[Any]) -> str:
        texts: list[str] = []
        pending: list[Any] = []
        for o in objects:
            if isinstance(o, FormattedText):
                if pending:
                    texts.append(default_format(pending, self.ctx.profile, self.width))
                    pending = []
                texts.append(o.text)
            else:
                pending.append(o)
        if pending:
            texts.append(default_format(pending, self.ctx.profile, self.width))
        return "".join(texts)

    # statements -----------------------------------------------------------------------

    def _statement(self, stmt: A.Statement) -> list[Any]:
        if isinstance(stmt, A.Assignment):
            value = self._pipeline(stmt.value, None)
            result: Any = value[0] if len(value) == 1 else (value if value else None)
            self._assign(stmt.target, result)
            return []
        return self._pipeline(stmt, None)

    def _assign(self, target: A.Variable | A.MemberAccess, value: Any) -> None:
        if isinstance(target, A.Variable):
            name = target.name.lower()
            if name in ("true", "false", "null", "_", "psitem"):
                raise ShellError(
                    ErrorRecord(
                        f"Cannot overwrite variable {target.name} because it is read-only or constant.",
                        "WriteError",
                        exception="SessionStateUnauthorizedAccessException",
                        error_id="VariableNotWritable",
                        line=self._line,
                        pos=target.pos,
                    )
                )
            self.variables[name] = value
            return
        objs = flatten([self._expr(target.target, None)])
        if not objs or all(o is None for o in objs):
            raise ShellError(
                ErrorRecord(
                    f"The property '{target.name}' cannot be found on this object. "
                    "Verify that the property exists and can be set.",
                    "InvalidOperation",
                    exception="RuntimeException",
                    error_id="PropertyAssignmentException",
                    line=self._line,
                    pos=target.pos,
                )
            )
        for obj in objs:
            if not isinstance(obj, PSObject) or not obj.has(target.name):
                raise ShellError(
                    ErrorRecord(
                        f"The property '{target.name}' cannot be found on this object. "
                        "Verify that the property exists and can be set.",
                        "InvalidOperation",
                        exception="RuntimeException",
                        error_id="PropertyNotFound",
                        line=self._line,
                        pos=target.pos,
                    )
                )
            setter = obj.setter(target.name)
            if setter is None:
                raise ShellError(
                    ErrorRecord(
                        f"'{obj.key(target.name)}' is a ReadOnly property.",
                        "InvalidOperation",
                        exception="RuntimeException",
                        error_id="PropertyAssignmentException",
                        line=self._line,
                        pos=target.pos,
                    )
                )
            setter(value)
            obj.set_local(target.name, value)

    def _pipeline(self, pipe: A.Pipeline, current: Any) -> list[Any]:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise RecursionError
            data: list[Any] | None = None
            for i, element in enumerate(pipe.elements):
                if isinstance(element, A.Command):
                    data = self._command(element, data if i > 0 else None, current)
                else:
                    value = self._expr(element, current)
                    data = flatten([value]) if value is not None else []
            return data or []
        finally:
            self._depth -= 1

    def _run_block(self, body: A.Script, current: Any) -> list[Any]:
        out: list[Any] = []
        for stmt in body.statements:
            out.extend(self._statement_in(stmt, current))
        return out

    def _statement_in(self, stmt: A.Statement, current: Any) -> list[Any]:
        if isinstance(stmt, A.Assignment):
            value = self._pipeline(stmt.value, current)
            self._assign(stmt.target, value[0] if len(value) == 1 else value)
            return []
        return self._pipeline(stmt, current)

    # commands -------------------------------------------------------------------------

    def _command(self, cmd: A.Command, input_: list[Any] | None, current: Any) -> list[Any]:
        found = REGISTRY.find(cmd.name)
        span = len(cmd.name)
        if found is None:
            hint = REGISTRY.suggest(cmd.name)
            msg = (
                f"The term '{cmd.name}' is not recognized as the name of a cmdlet, function, script file, or "
                "operable program. Check the spelling of the name, or if a path was included, verify that the "
                "path is correct and try again."
            )
            if hint:
                msg += f"\nSuggestion: did you mean '{hint}'?"
            raise ShellError(
                ErrorRecord(
                    msg,
                    "ObjectNotFound",
                    "",
                    cmd.name,
                    "CommandNotFoundException",
                    "CommandNotFoundException",
                    self._line,
                    cmd.pos,
                    span,
                )
            )
        if found.min_os and not self._os_at_least(found.min_os):
            raise ShellError(
                ErrorRecord(
                    f"The term '{cmd.name}' is not available on {PROFILES[self.cluster.console_os].display_name}: "
                    f"{found.name} exists from Windows Server {found.min_os}.",
                    "ObjectNotFound",
                    "",
                    cmd.name,
                    "CommandNotFoundException",
                    "CommandNotFoundException",
                    self._line,
                    cmd.pos,
                    span,
                )
            )
        inv = Invocation(found, self.ctx, line=self._line, pos=cmd.pos, length=self._span(cmd))
        if not self.cluster.created and found.module in NEED_A_CLUSTER and found.name not in WITHOUT_A_CLUSTER:
            raise ShellError(
                inv.record(
                    f"There is no cluster on these servers yet: validate them with Test-Cluster -Node "
                    f"{', '.join(s.name for s in self.cluster.servers())}, then create it with New-Cluster.",
                    "ObjectNotFound",
                )
            )
        inv.args = self._bind(found, cmd, inv, current)
        silent = str(inv.args.get("ErrorAction", "")).lower() in ("silentlycontinue", "ignore")
        before = len(self._errors)
        try:
            out = self._invoke(found, inv, input_)
        except ClusterError as exc:
            target = getattr(exc, "name", "")
            record = inv.record(exc.message, exc.category, target)
            if silent:
                return []
            raise ShellError(record) from None
        except ShellError:
            if silent:
                return []
            raise
        if silent:
            del self._errors[before:]
        elif str(inv.args.get("ErrorAction", "")).lower() == "stop" and len(self._errors) > before:
            raise ShellError(self._errors.pop())
        return out

    def _invoke(self, found: Cmdlet, inv: Invocation, input_: list[Any] | None) -> list[Any]:
        out: list[Any] = []
        if input_ is None or not found.process:
            inv.input = list(input_ or [])
            if (input_ is not None and not found.process) or input_ is not None:
                pass
            result = found.func(inv)
            out.extend(flatten(result or []))
            return out
        static = dict(inv.args)
        for obj in input_:
            inv.args = dict(static)
            inv.current = obj
            if not self._bind_pipeline(found, inv, obj):
                inv.write_error(
                    "The input object cannot be bound to any parameters for the command either because the command "
                    "does not take pipeline input or the input and its properties do not match any of the "
                    "parameters that take pipeline input.",
                    "InvalidArgument",
                    str(obj),
                )
                continue
            try:
                result = found.func(inv)
            except ClusterError as exc:
                inv.write_error(exc.message, exc.category, getattr(exc, "name", "") or str(obj))
                continue
            except ShellError as exc:
                self._errors.append(exc.record)
                continue
            out.extend(flatten(result or []))
        return out

    def _bind_pipeline(self, found: Cmdlet, inv: Invocation, obj: Any) -> bool:
        for p in found.params:
            if p.pipeline and p.name not in inv.args:
                inv.args[p.name] = self._convert(found, p, obj, inv)
                return True
        for p in found.params:
            if p.by_property and p.name not in inv.args and isinstance(obj, PSObject):
                for name in (p.name, *p.aliases):
                    if obj.has(name):
                        inv.args[p.name] = self._convert(found, p, obj.get(name), inv)
                        return True
        return any(p.pipeline or p.by_property for p in found.params)

    def _span(self, cmd: A.Command) -> int:
        if not self._line:
            return len(cmd.name)
        ends = [i for i in (self._line.find("|", cmd.pos), self._line.find(";", cmd.pos)) if i >= 0]
        end = min(ends) if ends else len(self._line)
        return max(1, len(self._line[cmd.pos : end].rstrip()))

    def _os_at_least(self, version: str) -> bool:
        return release_index(self.cluster.console_os) >= release_index(version)

    # binding --------------------------------------------------------------------------

    def _resolve_param(self, found: Cmdlet, name: str, inv: Invocation) -> Param:
        params = list(found.params) + ([p for p in COMMON if found.param(p.name) is None])
        low = name.lower()
        for p in params:
            if p.name.lower() == low or low in (a.lower() for a in p.aliases):
                return p
        matches = [p for p in params if p.name.lower().startswith(low)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = " ".join(f"-{p.name}" for p in matches)
            raise ShellError(
                inv.record(
                    f"Parameter cannot be processed because the parameter name '{name}' is ambiguous. "
                    f"Possible matches include: {names}.",
                    "InvalidArgument",
                    name,
                    "AmbiguousParameter",
                )
            )
        raise ShellError(
            inv.record(
                f"A parameter cannot be found that matches parameter name '{name}'.",
                "InvalidArgument",
                name,
                "NamedParameterNotFound",
            )
        )

    def _bind(self, found: Cmdlet, cmd: A.Command, inv: Invocation, current: Any) -> dict[str, Any]:
        bound: dict[str, Any] = {}
        positionals: list[A.Positional] = []
        args = list(cmd.args)
        i = 0
        while i < len(args):
            a = args[i]
            if isinstance(a, A.Parameter):
                p = self._resolve_param(found, a.name, inv)
                if p.name in bound:
                    raise ShellError(
                        inv.record(
                            f"Cannot bind parameter because parameter '{p.name}' is specified more than once. "
                            "To provide multiple values to parameters that can accept multiple values, use the "
                            'array syntax. For example, "-parameter value1,value2,value3".',
                            "InvalidArgument",
                            p.name,
                            "ParameterAlreadyBound",
                        )
                    )
                if p.kind == "switch":
                    bound[p.name] = _truthy(self._expr(a.value, current)) if a.value is not None else True
                elif a.value is not None:
                    bound[p.name] = self._convert(found, p, self._expr(a.value, current), inv)
                elif i + 1 < len(args) and isinstance(args[i + 1], A.Positional):
                    nxt = args[i + 1]
                    assert isinstance(nxt, A.Positional)
                    bound[p.name] = self._convert(found, p, self._expr(nxt.value, current), inv)
                    i += 1
                else:
                    raise ShellError(
                        inv.record(
                            f"Missing an argument for parameter '{p.name}'. Specify a parameter of type "
                            f"'System.{PS_TYPES.get(p.kind, 'Object')}' and try again."
                            + (f" Possible values: {', '.join(p.choices)}." if p.kind == "enum" and p.choices else ""),
                            "InvalidArgument",
                            p.name,
                            "MissingArgument",
                        )
                    )
            else:
                positionals.append(a)
            i += 1
        slots = sorted(
            (p for p in found.params if p.position is not None and p.name not in bound), key=lambda p: p.position or 0
        )
        for a in positionals:
            value = self._expr(a.value, current)
            if not slots:
                raise ShellError(
                    inv.record(
                        f"A positional parameter cannot be found that accepts argument '{to_text(value)}'.",
                        "InvalidArgument",
                        to_text(value),
                        "PositionalParameterNotFound",
                    )
                )
            p = slots.pop(0)
            bound[p.name] = self._convert(found, p, value, inv)
        return bound

    def _convert(self, found: Cmdlet, p: Param, value: Any, inv: Invocation) -> Any:
        kind = p.kind

        def bad(type_name: str, detail: str = "") -> ShellError:
            msg = f'Cannot bind parameter \'{p.name}\'. Cannot convert value "{to_text(value)}" to type "{type_name}".'
            if detail:
                msg += f" {detail}"
            return ShellError(inv.record(msg, "InvalidArgument", p.name, "CannotConvertArgumentNoMessage"))

        if kind in ("any", "object"):
            return value
        if kind == "objects":
            return flatten([value])
        if kind == "switch" or kind == "bool":
            return _truthy(value)
        if kind == "strings":
            return [to_text(v) for v in flatten([value])]
        if kind == "string":
            if isinstance(value, list):
                return " ".join(to_text(v) for v in value)
            return to_text(value)
        if kind == "int":
            try:
                if isinstance(value, bool):
                    raise ValueError
                if isinstance(value, float):
                    return round(value)
                return (
                    int(str(to_text(value)).strip(), 0)
                    if str(value).lower().startswith("0x")
                    else int(float(str(to_text(value)).strip()))
                )
            except (ValueError, OverflowError):
                raise bad("System.Int32", 'Error: "Input string was not in a correct format."') from None
        if kind == "float":
            try:
                return float(to_text(value))
            except ValueError:
                raise bad("System.Double", 'Error: "Input string was not in a correct format."') from None
        if kind == "enum":
            text = to_text(value)
            for c in p.choices:
                if c.lower() == text.lower():
                    return c
            raise ShellError(
                inv.record(
                    f'Cannot bind parameter \'{p.name}\'. Cannot convert value "{text}" to type "{p.name}". '
                    'Error: "Unable to match the identifier name '
                    f"{text} to a valid enumerator name. Specify one of the following enumerator names and try again:\n"
                    f'{", ".join(p.choices)}"',
                    "InvalidArgument",
                    text,
                    "CannotConvertArgumentNoMessage",
                )
            )
        if kind == "hashtables":
            items = flatten([value])
            if not all(isinstance(v, dict) for v in items):
                raise bad("System.Collections.Hashtable[]")
            return items
        if kind == "scriptblock":
            if not isinstance(value, ScriptBlockValue):
                raise bad("System.Management.Automation.ScriptBlock")
            return value
        return value

    # expressions ----------------------------------------------------------------------

    def _expr(self, e: A.Expr | None, current: Any) -> Any:
        if e is None:
            return None
        if isinstance(e, A.StringLit):
            return self._expand(e.value, current) if e.expandable else e.value
        if isinstance(e, A.NumberLit):
            return e.value
        if isinstance(e, A.Variable):
            return self._variable(e.name, current)
        if isinstance(e, A.ArrayLit):
            items: list[Any] = []
            for item in e.items:
                v = self._expr(item, current)
                if isinstance(item, A.SubExpr) and isinstance(v, list):
                    items.extend(v)
                else:
                    items.append(v)
            return items
        if isinstance(e, A.HashLit):
            return {k: self._expr(v, current) for k, v in e.entries}
        if isinstance(e, A.SubExpr):
            values = self._pipeline(e.body, current)
            if not values:
                return None
            return values[0] if len(values) == 1 else values
        if isinstance(e, A.ScriptBlock):
            return ScriptBlockValue(e, self)
        if isinstance(e, A.MemberAccess):
            return member(self._expr(e.target, current), e.name)
        if isinstance(e, A.Index):
            target = self._expr(e.target, current)
            index = self._expr(e.index, current)
            try:
                if isinstance(target, list | str) and isinstance(index, int):
                    return target[index]
                if isinstance(target, dict):
                    return next((v for k, v in target.items() if str(k).lower() == str(index).lower()), None)
                if isinstance(target, PSObject) and isinstance(index, int):
                    return target if index in (0, -1) else None
            except IndexError:
                return None
            return None
        if isinstance(e, A.MethodCall):
            return self._method(self._expr(e.target, current), e.name, [self._expr(a, current) for a in e.args], e.pos)
        if isinstance(e, A.UnaryOp):
            v = self._expr(e.operand, current)
            if e.op == "not":
                return not _truthy(v)
            return -_number(v)
        if isinstance(e, A.BinaryOp):
            return self._binary(e, current)
        raise ShellError(ErrorRecord("Unsupported expression.", "ParserError", line=self._line, pos=e.pos))

    def _variable(self, name: str, current: Any) -> Any:
        low = name.lower()
        if low in ("_", "psitem"):
            return current
        if low == "true":
            return True
        if low == "false":
            return False
        if low == "null":
            return None
        return self.variables.get(low)

    _EXPAND = re.compile(r"\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)")

    def _expand(self, text: str, current: Any) -> str:
        out = []
        i = 0
        while i < len(text):
            if text.startswith("`$", i) or text.startswith("``", i):
                out.append(text[i + 1])  # escaped: a literal $ or backtick
                i += 2
                continue
            if text.startswith("$(", i):
                depth, j = 0, i + 1
                while j < len(text):
                    if text[j] == "(":
                        depth += 1
                    elif text[j] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                inner = text[i + 2 : j]
                from .parser import ParseError, parse

                try:
                    script = parse(inner)
                except ParseError as exc:
                    # PowerShell reports a broken $( ) inside a string as a parse error of the line.
                    raise ShellError(
                        ErrorRecord(
                            f"In the sub-expression $({inner}) of a string: {exc.message}",
                            "ParserError",
                            exception="ParentContainsErrorRecordException",
                            error_id="ParseException",
                            line=self._line,
                            pos=max(self._line.find("$(" + inner), 0),
                            length=2,
                        )
                    ) from None
                values: list[Any] = []
                for stmt in script.statements:
                    values.extend(self._statement_in(stmt, current))
                out.append(" ".join(to_text(v) for v in values))
                i = j + 1
                continue
            m = self._EXPAND.match(text, i)
            if m:
                out.append(to_text(self._variable(m.group(1) or m.group(2), current)))
                i = m.end()
                continue
            out.append(text[i])
            i += 1
        return "".join(out)

    def _method(self, target: Any, name: str, args: list[Any], pos: int) -> Any:
        low = name.lower()
        if isinstance(target, str):
            s = target
            table: dict[str, Callable[[], Any]] = {
                "toupper": s.upper,
                "tolower": s.lower,
                "trim": s.strip,
                "tostring": lambda: s,
                "contains": lambda: str(args[0]) in s if args else False,
                "startswith": lambda: s.lower().startswith(str(args[0]).lower()) if args else False,
                "endswith": lambda: s.lower().endswith(str(args[0]).lower()) if args else False,
                "split": lambda: s.split(str(args[0])) if args else s.split(),
                "replace": lambda: s.replace(str(args[0]), str(args[1])) if len(args) > 1 else s,
            }
            if low in table:
                return table[low]()
        if low == "tostring":
            return to_text(target)
        if low == "gettype":
            return target.type_name if isinstance(target, PSObject) else type(target).__name__
        kind = (
            target.type_name
            if isinstance(target, PSObject)
            else ("System.String" if isinstance(target, str) else type(target).__name__)
        )
        raise ShellError(
            ErrorRecord(
                f"Method invocation failed because [{kind}] does not contain a method named '{name}'.",
                "InvalidOperation",
                exception="RuntimeException",
                error_id="MethodNotFound",
                line=self._line,
                pos=pos,
            )
        )

    def _binary(self, e: A.BinaryOp, current: Any) -> Any:
        op = e.op
        if op == "and":
            return _truthy(self._expr(e.left, current)) and _truthy(self._expr(e.right, current))
        if op == "or":
            return _truthy(self._expr(e.left, current)) or _truthy(self._expr(e.right, current))
        left, right = self._expr(e.left, current), self._expr(e.right, current)
        if op in ("+", "-", "*", "/"):
            return _arith(op, left, right, self._line, e.pos)
        return compare(op, left, right)


# values -----------------------------------------------------------------------------------


def member(target: Any, name: str) -> Any:
    """``x.Name``; on a collection, member enumeration (``(Get-ClusterNode).Name``)."""
    low = name.lower()
    if isinstance(target, list):
        if low in ("count", "length"):
            return len(target)
        values = [member(t, name) for t in target]
        return [v for v in flatten(values) if v is not None]
    if target is None:
        return None
    if isinstance(target, PSObject):
        if target.has(name):
            return target.get(name)
        if low == "count":
            return 1
        return None
    if isinstance(target, str):
        return len(target) if low == "length" else None
    if isinstance(target, dict):
        if low == "count":
            return len(target)
        return next((v for k, v in target.items() if str(k).lower() == low), None)
    if low == "count":
        return 1
    return None


def _truthy(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return v != 0
    if isinstance(v, str):
        return v != ""
    if isinstance(v, list):
        if len(v) == 1:
            return _truthy(v[0])
        return len(v) > 0
    return True


def _number(v: Any) -> float | int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | float):
        return v
    try:
        text = to_text(v).strip()
        return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    except ValueError:
        return 0


def _arith(op: str, left: Any, right: Any, line: str, pos: int) -> Any:
    if isinstance(left, str) and op == "+":
        return left + to_text(right)
    if isinstance(left, list) and op == "+":
        return left + flatten([right])
    a, b = _number(left), _number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise ShellError(
            ErrorRecord(
                "Attempted to divide by zero.",
                "NotSpecified",
                exception="RuntimeException",
                error_id="RuntimeException",
                line=line,
                pos=pos,
            )
        )
    result = a / b
    return int(result) if float(result).is_integer() else result


def _coerce(left: Any, right: Any) -> tuple[Any, Any]:
    """PowerShell converts the right operand to the left operand's type."""
    if isinstance(left, bool):
        return left, _truthy(right)
    if isinstance(left, int | float) and not isinstance(right, int | float):
        try:
            return left, float(to_text(right))
        except ValueError:
            return to_text(left), to_text(right)
    if isinstance(left, str | PSObject):
        return to_text(left), to_text(right)
    return left, right


def _cmp_scalar(op: str, left: Any, right: Any) -> bool:
    case = op.startswith("c") and op[1:] in _BASE_OPS
    base = op[1:] if (op.startswith(("c", "i")) and op[1:] in _BASE_OPS) else op
    if base in ("like", "notlike"):
        pattern, text = to_text(right), to_text(left)
        hit = wildcard.fnmatchcase(text, pattern) if case else wildcard.fnmatchcase(text.lower(), pattern.lower())
        return hit if base == "like" else not hit
    if base in ("match", "notmatch"):
        try:
            hit = re.search(to_text(right), to_text(left), 0 if case else re.IGNORECASE) is not None
        except re.error:
            hit = False
        return hit if base == "match" else not hit
    lv, rv = _coerce(left, right)
    if isinstance(lv, str) and isinstance(rv, str) and not case:
        lv, rv = lv.lower(), rv.lower()
    try:
        if base == "eq":
            return bool(lv == rv)
        if base == "ne":
            return bool(lv != rv)
        if base == "gt":
            return bool(lv > rv)
        if base == "lt":
            return bool(lv < rv)
        if base == "ge":
            return bool(lv >= rv)
        if base == "le":
            return bool(lv <= rv)
    except TypeError:
        return False
    return False


_BASE_OPS = {
    "eq",
    "ne",
    "gt",
    "lt",
    "ge",
    "le",
    "like",
    "notlike",
    "match",
    "notmatch",
    "contains",
    "notcontains",
    "in",
    "notin",
}


def compare(op: str, left: Any, right: Any) -> Any:
    base = op[1:] if (op.startswith(("c", "i")) and op[1:] in _BASE_OPS) else op
    if base in ("contains", "notcontains"):
        hit = any(_cmp_scalar("eq", item, right) for item in flatten([left]))
        return hit if base == "contains" else not hit
    if base in ("in", "notin"):
        hit = any(_cmp_scalar("eq", left, item) for item in flatten([right]))
        return hit if base == "in" else not hit
    if isinstance(left, list):
        # A collection on the left filters: ('a','b') -eq 'a' returns the matching items.
        return [item for item in left if _cmp_scalar(op, item, right)]
    return _cmp_scalar(op, left, right)


def iter_values(values: Iterable[Any]) -> list[Any]:
    return flatten(values)
