"""Hostile console input, grammar-aware: real cmdlet names (from the registry) with their real and
made-up parameters, values of every kind and of no sensible kind, pipelines hundreds deep, lines
of tens of thousands of characters, unbalanced quotes and brackets, control characters.

Through ``Shell.run`` — the console's one public entry point, the one the TUI console, the
palette, key bindings, ``clusterlab shell`` and lab steps all use — only the console's own error
records may come out: never an exception, never the "clusterlab could not run" record of an
unexpected one. While it runs, anything that would start an OS process raises, and anything that
would write a file outside the test's own folder fails the test: the console touches nothing real.

(test_shell.py fuzzes token soups and arbitrary text; test_shell_parser.py the parser alone.)
"""

from __future__ import annotations

import builtins
import io
import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.shell import Shell
from clusterlab.shell.registry import REGISTRY, Cmdlet, Param
from clusterlab.sim import Cluster
from tests.cluster_machine import GROUPS, NODES, SEED, SPEC

Shell(Cluster(SPEC))  # registers every cmdlet
CMDLETS = REGISTRY.all()
ALIASES = sorted(REGISTRY.aliases())

INTERNAL = "clusterlab could not run"

CONTROL = [
    "\x00",
    "\x07",
    "\x08",
    "\x1b",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\r",
    "\t",
    "\x7f",
    "\u202e",
    "\ufeff",
    "\u0085",
]
BROKEN = ["'", '"', "(", ")", "{", "}", "[", "]", "@(", "@{", "$(", "`", "|", ";", ",", "&", "<", ">", "#", "<#", "-"]

names = st.sampled_from([*NODES, *GROUPS, "HV09", "CSV1", "CSV2", "Cluster Disk 9", "*", "HV0*", ""])
weird = st.sampled_from(
    [
        "''",
        '""',
        "'it''s'",
        '"a `"b`" $x $(1+1)"',
        "$null",
        "$true",
        "@()",
        "@{}",
        "@{a=1; b=@(1,2)}",
        "(Get-ClusterNode)",
        "(Get-ClusterNode)[0]",
        "$(Get-ClusterGroup)",
        "{ $_.Name }",
        "$_",
        "$undefined.Property.Deeper",
        "'x' * 10000",
        "1..5",
        "\\\\FS02\\Share",
        "C:\\ClusterStorage\\CSV2\\x",
        "..\\..\\Windows",
        "logs",
        "Ærøskøbing-∑-日本",
        "`n`t`0",
    ]
)
numbers = st.one_of(
    st.integers(-(2**64), 2**64).map(str),
    st.sampled_from(
        ["0", "-1", "2147483648", "1e308", "-1e308", "0x10", "1kb", "NaN", "Infinity", "1.5", "- 1", "--1"]
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
any_value = st.one_of(names.map(lambda s: f"'{s}'" if " " in s or not s else s), weird, numbers)


def value_for(p: Param) -> st.SearchStrategy[str]:
    if p.kind in ("int", "float"):
        return st.one_of(numbers, any_value)
    if p.kind == "bool":
        return st.one_of(st.sampled_from(["$true", "$false", "1", "0", "'yes'"]), any_value)
    if p.kind == "enum" and p.choices:
        return st.one_of(st.sampled_from(list(p.choices)), any_value)
    if p.kind in ("strings", "objects"):
        return st.lists(any_value, min_size=1, max_size=4).map(",".join)
    if p.name == "Destination":  # Get-ClusterLog writes where it is told: keep that inside the test folder
        return st.sampled_from(["logs", "out\\sub", "'with space'"])
    return any_value


def spelled(p: Param) -> st.SearchStrategy[str]:
    options = [p.name, p.name.upper(), p.name.lower(), p.name[: max(1, len(p.name) // 2)], *p.aliases, p.name + "x"]
    return st.sampled_from(options)


@st.composite
def argument(draw: st.DrawFn, c: Cmdlet) -> str:
    if not c.params or draw(st.integers(0, 5)) == 0:
        return draw(any_value)  # a positional argument, wanted or not
    p = draw(st.sampled_from(c.params))
    name = "-" + draw(spelled(p))
    if p.kind == "switch":
        return name + draw(st.sampled_from(["", ":$false", ":$true", ":0", ":'maybe'"]))
    if draw(st.integers(0, 9)) == 0:
        return name  # missing its value
    value = draw(value_for(p))
    return f"{name}:{value}" if draw(st.booleans()) else f"{name} {value}"


@st.composite
def command(draw: st.DrawFn) -> str:
    c = draw(st.sampled_from(CMDLETS))
    head = draw(st.sampled_from([c.name, c.name.lower(), c.name.upper(), *c.aliases]))
    args = draw(st.lists(argument(c), max_size=5))
    return " ".join([head, *args])


@st.composite
def command_line(draw: st.DrawFn) -> str:
    first = draw(command())
    shape = draw(st.integers(0, 7))
    if shape == 0:
        line = " | ".join([first, *draw(st.lists(command(), max_size=3))])
    elif shape == 1:
        line = f"{first} | ForEach-Object {{ {draw(command())} }}"
    elif shape == 2:
        line = f"$x = {first}; $x | Where-Object {{ $_.{draw(st.sampled_from(['Name', 'State', 'Nope']))} -like '*' }}"
    elif shape == 3:
        line = f"({first}).{draw(st.sampled_from(['Name', 'State', 'Count', 'NodeWeight', 'Priority']))}"
    elif shape == 4:
        line = "; ".join([first, *draw(st.lists(command(), max_size=3))])
    elif shape == 5:
        line = f"$({first})"
    else:
        line = first
    # damage: cut it short, drop in a broken token or a control character somewhere
    damage = draw(st.integers(0, 3))
    if damage and line:
        at = draw(st.integers(0, len(line)))
        if damage == 1:
            line = line[:at]
        elif damage == 2:
            line = line[:at] + draw(st.sampled_from(BROKEN)) + line[at:]
        else:
            line = line[:at] + draw(st.sampled_from(CONTROL)) + line[at:]
    return line


class Sandbox:
    """Record (and refuse) anything that would run a program or write outside ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.violations: list[str] = []

    def refuse(self, what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            self.violations.append(f"{what}{args[:2]!r}")
            raise PermissionError(f"the console tried {what}")

        return refused

    def inside(self, path: Any) -> bool:
        try:
            return Path(os.fsdecode(path)).resolve().is_relative_to(self.root)
        except (TypeError, ValueError):
            return True  # a file descriptor, not a path

    def guard_open(self, real: Any, what: str) -> Any:
        def guarded(file: Any, mode: Any = "r", *args: Any, **kwargs: Any) -> Any:
            writing = isinstance(mode, str) and any(m in mode for m in "wax+")
            if isinstance(mode, int):  # os.open(path, flags)
                writing = bool(mode & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC))
            if writing and not self.inside(file):
                self.violations.append(f"{what}({file!r}, {mode!r})")
                raise PermissionError(f"the console tried to write {file!r}")
            return real(file, mode, *args, **kwargs)

        return guarded

    def install(self, mp: pytest.MonkeyPatch) -> None:
        for name in ("Popen", "run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"):
            mp.setattr(subprocess, name, self.refuse(f"subprocess.{name}"))
        for name in dir(os):
            if name.startswith(("exec", "spawn", "posix_spawn")) or name in ("system", "popen", "fork", "forkpty"):
                mp.setattr(os, name, self.refuse(f"os.{name}"))
        mp.setattr(builtins, "open", self.guard_open(builtins.open, "open"))
        mp.setattr(io, "open", self.guard_open(io.open, "io.open"))
        mp.setattr(os, "open", self.guard_open(os.open, "os.open"))

        real_mkdir = os.mkdir

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
            if not self.inside(path):
                self.violations.append(f"os.mkdir({path!r})")
                raise PermissionError(f"the console tried to create {path!r}")
            real_mkdir(path, *args, **kwargs)

        mp.setattr(os, "mkdir", mkdir)
        for name in ("remove", "unlink", "rmdir", "rename", "replace", "truncate", "symlink", "link", "chmod"):
            mp.setattr(os, name, self.refuse(f"os.{name}"))


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    monkeypatch.chdir(tmp_path)
    box = Sandbox(tmp_path)
    box.install(monkeypatch)
    yield box
    monkeypatch.undo()
    assert not box.violations, box.violations


FUZZ = settings(
    max_examples=400,
    deadline=None,
    database=None,  # Hypothesis's own example database would be a write outside the sandbox
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


def run_only_console_errors(sh: Shell, line: str) -> None:
    result = sh.run(line)  # must not raise
    internal = [e.message for e in result.errors if INTERNAL in e.message]
    assert not internal, f"{line!r}: {internal[0]}"
    for e in result.errors:
        assert e.message and e.category, f"{line!r}: an error record without a message or category"


@FUZZ
@given(lines=st.lists(command_line(), min_size=1, max_size=6), blocking=st.booleans())
def test_cmdlets_with_random_parameters_only_produce_console_errors(
    sandbox: Sandbox, lines: list[str], blocking: bool
) -> None:
    sh = Shell(Cluster(replace(SPEC, seed=SEED)), width=100, blocking=blocking)
    for line in lines:
        run_only_console_errors(sh, line)
    assert not sandbox.violations


@settings(FUZZ, max_examples=60)
@given(
    depth=st.integers(50, 400),
    stage=st.sampled_from(
        ["Select-Object *", "Sort-Object Name", "Where-Object { $_ }", "% { $_ }", "Out-String", "fl"]
    ),
)
def test_deep_pipelines_only_produce_console_errors(sandbox: Sandbox, depth: int, stage: str) -> None:
    sh = Shell(Cluster(SPEC), width=100)
    run_only_console_errors(sh, "Get-ClusterNode" + f" | {stage}" * depth)
    assert not sandbox.violations


@settings(FUZZ, max_examples=40)
@given(
    unit=st.sampled_from(["(", "{", "@(", "$(", "[", "'", '"', "x", "-Name ", "HV01,", "| ", "`", "\x00", "\x1b[0m"]),
    size=st.sampled_from([1_000, 10_000, 60_000]),
    prefix=st.sampled_from(["Get-ClusterNode ", "Move-ClusterGroup ", "", "$x = "]),
)
def test_very_long_lines_only_produce_console_errors(sandbox: Sandbox, unit: str, size: int, prefix: str) -> None:
    sh = Shell(Cluster(SPEC), width=100)
    run_only_console_errors(sh, prefix + unit * (size // len(unit)))
    assert not sandbox.violations


@settings(FUZZ, max_examples=150)
@given(st.lists(st.sampled_from([*CONTROL, *BROKEN, "a", " ", "-", "$", "HV01", "Get-ClusterNode", "\n"])).map("".join))
def test_control_characters_and_broken_brackets_only_produce_console_errors(sandbox: Sandbox, text: str) -> None:
    run_only_console_errors(Shell(Cluster(SPEC), width=100), text)
    assert not sandbox.violations


def test_every_cmdlet_and_alias_answers_bare_and_with_nonsense(sandbox: Sandbox) -> None:
    """Each cmdlet without arguments, with -?, and with one argument of every wrong kind."""
    sh = Shell(Cluster(replace(SPEC, seed=SEED)), width=100, blocking=False)
    for c in CMDLETS:
        for tail in ("", "-?", "$null", "@{}", "'x' -Nope", "-" + (c.params[0].name if c.params else "X"), "|", "("):
            run_only_console_errors(sh, f"{c.name} {tail}")
    for alias in ALIASES:
        run_only_console_errors(sh, alias)
    assert not sandbox.violations


def test_the_sandbox_does_catch_a_process_and_a_stray_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard above is only worth something if it fires."""
    monkeypatch.chdir(tmp_path)
    box = Sandbox(tmp_path / "inner")
    box.install(monkeypatch)
    with pytest.raises(PermissionError):
        subprocess.run(["true"], check=False)
    with pytest.raises(PermissionError):
        os.system("true")
    with pytest.raises(PermissionError):
        (tmp_path / "outside.txt").write_text("x")
    monkeypatch.undo()
    assert len(box.violations) == 3


def test_formatting_formatted_output_again_keeps_it_as_it_was() -> None:
    """``| fl | fl`` used to format the first fl's output as an object, quoting and escaping it: each
    stage doubled the text, and fifty stages took all the memory there was."""
    sh = Shell(Cluster(SPEC))
    once = sh.run("Get-ClusterNode HV01 | fl").output
    assert "Name  : HV01" in once
    assert sh.run("Get-ClusterNode HV01 | fl | fl | ft").output.strip() == once.strip()
    grown = len(sh.run("Get-ClusterNode" + " | fl" * 60).output) - len(sh.run("Get-ClusterNode | fl").output)
    assert grown <= 59 * 4, "a few line breaks per stage at most, not a doubling"


def test_a_broken_sub_expression_inside_a_string_is_a_parse_error_of_the_line() -> None:
    """Found by the fuzzer: ``"$({1+1)"`` used to escape as an internal error when the string was expanded."""
    sh = Shell(Cluster(SPEC))
    result = sh.run('Get-ClusterNode "a $({1+1)"; "ok $(1+1)"')
    assert result.output.strip() == "ok 2", "the next statement still runs"
    (error,) = result.errors
    assert error.category == "ParserError" and "Missing closing '}'" in error.message
    assert "At line:1 char:20" in error.render()


@pytest.mark.parametrize(
    ("name", "pattern", "hit"),
    [
        ("HV01", "HV0*", True),
        ("HV01", "hv0?", False),
        ("HV01", "HV0[12]", True),
        ("HV03", "HV0[1-2]", False),
        ("HV03", "HV0[!12]", True),
        ("a[b", "a[b", True),
        ("HV01", "[" * 60_000, False),  # many "[" and no "]": fnmatch took quadratic time on these
        ("HV01", "*" * 10_000 + "1", True),
        ("x", "[z-a]", False),  # a reversed range is a literal pattern, not an error
    ],
)
def test_wildcards_mean_what_fnmatch_means(name: str, pattern: str, hit: bool) -> None:
    from clusterlab.shell.wildcard import fnmatchcase

    assert fnmatchcase(name, pattern) is hit
