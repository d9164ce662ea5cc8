"""The vocabulary of the lab schema: kinds of value that can both read YAML nodes and describe themselves.

Each kind checks a node of the composed YAML tree (reporting ``path:line:col`` problems),
returns the plain Python value (or ``INVALID`` after reporting why) and emits its JSON Schema
(draft 2020-12). ``schema.py`` assembles the lab format from these, so the loader and the
published JSON Schema can never disagree about a key.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem, did_you_mean, one_of
from .safe_yaml import MERGE_TAG, YAML_TAG, position, scalar
from .steps import parse_duration

Path = tuple[str | int, ...]
JsonSchema = dict[str, Any]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


#: What ``read`` returns after reporting a problem with the value.
INVALID: Final = _Invalid()


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: A field without a default.
MISSING: Final = _Missing()


def label(path: Path) -> str:
    """``("cluster", "vms", 2, "owner")`` -> ``cluster.vms[2].owner``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "the lab"


def describe(node: Node) -> str:
    """How a value reads to a person: ``a list``, ``the text 'lots'``, ``the number 3``."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    raw = str(node.value)
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    tag = node.tag.removeprefix(YAML_TAG)
    if tag == "null":
        return "empty"
    if tag == "bool":
        return f"the boolean {shown}"
    if tag in ("int", "float"):
        return f"the number {shown}"
    if tag == "timestamp":
        return f"the date {shown}"
    return f"the text '{shown}'"


@dataclass(frozen=True, slots=True)
class Reference:
    """A name that must exist: ``kinds`` are tried in order (``node``, ``role``, ...)."""

    kinds: tuple[str, ...]
    name: str
    path: Path
    is_key: bool = False  # the name is a mapping key (``io: {HV01: Direct}``), not a value


@dataclass
class Reading:
    """Everything one pass over a document collects: problems, positions, references."""

    source: str
    refused: set[int] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    invalid: set[Path] = field(default_factory=set)
    _prefixes: set[Path] = field(default_factory=set, repr=False)
    _prefixes_of: int = field(default=0, repr=False)

    def report(self, at: Node | tuple[int, int], message: str) -> None:
        line, column = position(at) if isinstance(at, Node) else at
        self.problems.append(Problem(line, column, message, self.source))

    def at(self, path: Path) -> tuple[int, int]:
        """Where the value at ``path`` (or its nearest recorded parent) starts."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def report_at(self, path: Path, message: str) -> None:
        self.report(self.at(path), message)

    def broken(self, prefix: Path) -> bool:
        """Was any value at or under ``prefix`` invalid?"""
        if self._prefixes_of != len(self.invalid):
            self._prefixes = {p[:n] for p in self.invalid for n in range(len(p) + 1)}
            self._prefixes_of = len(self.invalid)
        return prefix in self._prefixes


# kinds -------------------------------------------------------------------------------------


class Kind:
    """A kind of value. Subclasses implement ``_read`` (the node is never a refused one) and ``json``."""

    description: str = ""
    what: str = ""

    def read(self, node: Node, path: Path, r: Reading) -> Any:
        r.positions.setdefault(path, position(node))
        if id(node) in r.refused:
            r.invalid.add(path)
            return INVALID
        value = self._read(node, path, r)
        if value is INVALID:
            r.invalid.add(path)
        return value

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        raise NotImplementedError

    def expected(self) -> str:
        return self.what

    def matches(self, node: Node) -> bool:
        """Could ``node`` be meant as this kind (by its shape)? Used to pick a ``Union`` alternative."""
        return isinstance(node, ScalarNode) and not _is_null(node)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        raise NotImplementedError

    def wrong(self, node: Node, path: Path, r: Reading) -> _Invalid:
        r.report(node, f"{label(path)} is {describe(node)} (expected {self.expected()})")
        return INVALID

    def _with_description(self, schema: JsonSchema) -> JsonSchema:
        if self.description:
            schema.setdefault("description", self.description)
        return schema


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == YAML_TAG + "null"


def _plain_value(node: Node) -> Any:
    """The scalar's value, or INVALID when it cannot be read (an int too long, a bad date)."""
    assert isinstance(node, ScalarNode)
    try:
        return scalar(node)
    except ValueError:
        return INVALID


@dataclass(frozen=True)
class Text(Kind):
    """Free text. ``lenient`` takes any scalar as the text written (``choices: [2, 3]``)."""

    description: str = ""
    what: str = "text"
    min_length: int = 0
    pattern: str | None = None
    pattern_help: str = ""
    lenient: bool = False

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode) or _is_null(node):
            return self.wrong(node, path, r)
        if node.tag != YAML_TAG + "str" and not self.lenient:
            return self.wrong(node, path, r)
        text = str(node.value)
        if len(text) < self.min_length:
            r.report(node, f"{label(path)} is empty (expected {self.expected()})")
            return INVALID
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            r.report(node, f"{label(path)}: '{text}' is not valid (expected {self.pattern_help or self.expected()})")
            return INVALID
        return text

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        schema: JsonSchema = {"type": ["string", "number", "boolean"]} if self.lenient else {"type": "string"}
        if self.min_length and not self.lenient:
            schema["minLength"] = self.min_length
        if self.pattern is not None:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return self._with_description(schema)


@dataclass(frozen=True)
class Name(Kind):
    """The name of something. ``refers`` names the kinds it must be one of (checked after reading)."""

    description: str = ""
    what: str = "a name"
    refers: tuple[str, ...] = ()
    pattern: str | None = None
    pattern_help: str = ""

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode) or _is_null(node):
            return self.wrong(node, path, r)
        text = str(node.value)
        if node.tag != YAML_TAG + "str":
            r.report(node, f"{label(path)} is {describe(node)} (expected {self.expected()}: quote it, '{text}')")
            return INVALID
        if not text.strip():
            r.report(node, f"{label(path)} is empty (expected {self.expected()})")
            return INVALID
        if text != text.strip():
            r.report(node, f"{label(path)}: '{text}' starts or ends with spaces (expected {self.expected()})")
            return INVALID
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            r.report(node, f"{label(path)}: '{text}' is not valid (expected {self.pattern_help or self.expected()})")
            return INVALID
        if self.refers:
            r.references.append(Reference(self.refers, text, path))
        return text

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        schema: JsonSchema = {"type": "string", "minLength": 1}
        if self.pattern is not None:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return self._with_description(schema)


@dataclass(frozen=True)
class Integer(Kind):
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    what: str = ""

    def expected(self) -> str:
        if self.what:
            return self.what
        if self.minimum is not None and self.maximum is not None:
            return f"an integer from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"an integer of at least {self.minimum}"
        return "an integer"

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode):
            return self.wrong(node, path, r)
        value = _plain_value(node)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong(node, path, r)
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            r.report(node, f"{label(path)}: {value} is out of range (expected {self.expected()})")
            return INVALID
        return value

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        schema: JsonSchema = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return self._with_description(schema)


@dataclass(frozen=True)
class Number(Kind):
    """A finite number; ``positive`` means greater than 0, otherwise at least 0."""

    description: str = ""
    positive: bool = True
    what: str = ""

    def expected(self) -> str:
        return self.what or ("a number greater than 0" if self.positive else "a number of at least 0")

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode):
            return self.wrong(node, path, r)
        value = _plain_value(node)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.wrong(node, path, r)
        if not math.isfinite(value) or value < 0 or (self.positive and value == 0):
            r.report(node, f"{label(path)}: {node.value} is out of range (expected {self.expected()})")
            return INVALID
        return float(value)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        schema: JsonSchema = {"type": "number"}
        schema["exclusiveMinimum" if self.positive else "minimum"] = 0
        return self._with_description(schema)


@dataclass(frozen=True)
class Boolean(Kind):
    description: str = ""
    what: str = "true or false"

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode) or node.tag != YAML_TAG + "bool":
            return self.wrong(node, path, r)
        return _plain_value(node)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({"type": "boolean"})


@dataclass(frozen=True)
class Choice(Kind):
    """One of fixed words, compared as written (so ``Off`` and ``2016`` are words, not YAML's false and 2016).

    An empty value counts as ``None`` when ``None`` is a choice. ``hints`` explain common wrong words.
    """

    values: tuple[str, ...] = ()
    description: str = ""
    what: str = ""
    hints: Mapping[str, str] = field(default_factory=dict)

    def expected(self) -> str:
        return self.what or one_of(self.values)

    def matches(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and (not _is_null(node) or "None" in self.values)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode):
            return self.wrong(node, path, r)
        if _is_null(node) and "None" in self.values:
            return "None"
        text = str(node.value)
        if text in self.values:
            return text
        hint = self.hints.get(text)
        if hint is None:
            close = did_you_mean(text, self.values)
            hint = f"did you mean '{close}'?" if close is not None else ""
        expected = one_of(self.values) + (f"; {hint}" if hint else "")
        r.report(node, f"{label(path)}: '{text}' is not valid (expected {expected})")
        return INVALID

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        options: list[Any] = list(self.values)
        options += [int(v) for v in self.values if v.isdigit()]
        if "None" in self.values:
            options.append(None)
        return self._with_description({"enum": options})


@dataclass(frozen=True)
class Const(Kind):
    value: int = 1
    description: str = ""

    def expected(self) -> str:
        return str(self.value)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode) or _plain_value(node) != self.value or node.tag != YAML_TAG + "int":
            r.report(node, f"{label(path)} is {describe(node)} (expected {self.value})")
            return INVALID
        return self.value

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({"const": self.value})


#: What ``parse_duration`` accepts, as one regular expression (ECMA-262 compatible, for the JSON Schema).
_UNIT: Final = r"(?:[mM][sS]|[sSmMhHdD])"
DURATION_PATTERN: Final = (
    rf"\s*(?:[0-9]+(?:\.[0-9]+)?\s*{_UNIT}\s*)+|[0-9]+(?:\.[0-9]+)?|[0-9]+:[0-9]{{1,2}}:[0-9]{{1,2}}(?:\.[0-9]+)?"
)


@dataclass(frozen=True)
class Duration(Kind):
    """Simulated seconds: ``30``, ``"30s"``, ``"5m"``, ``"1h30m"``, ``"2d"``, ``"00:05:00"``."""

    description: str = ""
    what: str = "a duration such as 30, 30s, 5m or 1h30m"

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode):
            return self.wrong(node, path, r)
        value = _plain_value(node)
        if isinstance(value, bool) or value is None or value is INVALID:
            return self.wrong(node, path, r)
        if isinstance(value, str) and not re.fullmatch(DURATION_PATTERN, value):
            return self.wrong(node, path, r)
        seconds = parse_duration(value)
        if seconds is None or not math.isfinite(seconds):
            r.report(node, f"{label(path)}: {node.value} is out of range (expected {self.expected()}, at least 0)")
            return INVALID
        return seconds

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description(
            {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": f"^(?:{DURATION_PATTERN})$"}]}
        )


CLOCK_FORMATS: Final = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
CLOCK_PATTERN: Final = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?"


@dataclass(frozen=True)
class Timestamp(Kind):
    """A calendar date and time without a time zone: ``"2026-01-05 09:00"``."""

    description: str = ""
    what: str = 'a date and time such as "2026-01-05 09:00"'

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, ScalarNode):
            return self.wrong(node, path, r)
        value = _plain_value(node)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                r.report(node, f"{label(path)}: '{node.value}' has a time zone (expected local time, {self.what})")
                return INVALID
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        text = str(node.value)
        if re.fullmatch(CLOCK_PATTERN, text):
            for fmt in CLOCK_FORMATS:
                try:
                    return datetime.strptime(text, fmt)
                except ValueError:
                    continue
            r.report(node, f"{label(path)}: '{text}' is not a real date and time (expected {self.what})")
            return INVALID
        return self.wrong(node, path, r)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({"type": "string", "pattern": f"^(?:{CLOCK_PATTERN})$"})


@dataclass(frozen=True)
class Nothing(Kind):
    """Only an empty value (``~`` / nothing after the colon)."""

    description: str = ""
    what: str = "nothing"

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        return None if _is_null(node) else self.wrong(node, path, r)

    def matches(self, node: Node) -> bool:
        return _is_null(node)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({"type": "null"})


@dataclass(frozen=True)
class Anything(Kind):
    """Any plain value or list of plain values (keys the loader does not know the type of)."""

    description: str = ""
    what: str = "a value"

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if isinstance(node, ScalarNode):
            value = _plain_value(node)
            return self.wrong(node, path, r) if value is INVALID else value
        if isinstance(node, SequenceNode):
            items = [self.read(n, (*path, i), r) for i, n in enumerate(node.value)]
            return INVALID if any(v is INVALID for v in items) else items
        return self.wrong(node, path, r)

    def matches(self, node: Node) -> bool:
        return not isinstance(node, MappingNode)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({})


@dataclass(frozen=True)
class ListOf(Kind):
    """A list; an empty value is an empty list when ``min_items`` is 0. ``unique`` refuses repeated words.

    Invalid items stay in the list as ``INVALID`` so every item keeps its index (and its position).
    """

    item: Kind = field(default_factory=Anything)
    description: str = ""
    what: str = "a list"
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if _is_null(node) and self.min_items == 0:
            return []
        if not isinstance(node, SequenceNode):
            return self.wrong(node, path, r)
        if len(node.value) < self.min_items:
            count = "none" if not node.value else f"only {len(node.value)}"
            r.report(node, f"{label(path)} has {count} (expected {self.expected()}, at least {self.min_items})")
            return INVALID
        if self.max_items is not None and len(node.value) > self.max_items:
            r.report(
                node,
                f"{label(path)} has {len(node.value)} items (expected {self.expected()}, at most {self.max_items})",
            )
            return INVALID
        out: list[Any] = []
        seen: dict[str, int] = {}
        for i, child in enumerate(node.value):
            value = self.item.read(child, (*path, i), r)
            if self.unique and isinstance(value, str):
                if value.lower() in seen:
                    first = seen[value.lower()]
                    r.report(
                        child, f"{label((*path, i))}: '{value}' is already listed as item {first} (expected each once)"
                    )
                    r.invalid.add((*path, i))
                    value = INVALID
                else:
                    seen[value.lower()] = i
            out.append(value)
        return out

    def matches(self, node: Node) -> bool:
        return isinstance(node, SequenceNode) or (_is_null(node) and self.min_items == 0)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        schema: JsonSchema = {"type": "array" if self.min_items else ["array", "null"], "items": self.item.json(defs)}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.unique:
            schema["uniqueItems"] = True
        return self._with_description(schema)


def entries(node: MappingNode, path: Path, r: Reading) -> dict[str, tuple[Node, Node]]:
    """A mapping's keys in order, with YAML merge keys (``<<: *defaults``) applied; reports bad keys."""
    own: dict[str, tuple[Node, Node]] = {}
    merged: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if id(key) in r.refused:
            continue
        if not isinstance(key, ScalarNode):
            r.report(key, f"a key in {label(path)} is {describe(key)} (expected a plain word)")
            continue
        if key.tag == MERGE_TAG:
            for name, pair in _merge_sources(value, path, r).items():
                merged.setdefault(name, pair)
            continue
        name = str(key.value)
        if name in own:
            line = position(own[name][0])[0]
            r.report(key, f"duplicate key '{name}' in {label(path)} (the first is on line {line}; expected each once)")
            continue
        own[name] = (key, value)
    return {**{k: v for k, v in merged.items() if k not in own}, **own}


def _merge_sources(value: Node, path: Path, r: Reading) -> dict[str, tuple[Node, Node]]:
    if id(value) in r.refused:
        return {}
    if isinstance(value, MappingNode):
        return entries(value, path, r)
    out: dict[str, tuple[Node, Node]] = {}
    if isinstance(value, SequenceNode) and all(isinstance(v, MappingNode) for v in value.value):
        for item in value.value:
            for name, pair in entries(item, path, r).items():
                out.setdefault(name, pair)
        return out
    r.report(value, f"'<<' in {label(path)} merges {describe(value)} (expected a mapping or a list of mappings)")
    return out


@dataclass(frozen=True)
class Field:
    """One key of a ``Record``."""

    name: str
    kind: Kind
    description: str
    required: bool = False
    default: Any = MISSING


@dataclass(frozen=True)
class Record(Kind):
    """A mapping with fixed keys; unknown keys are errors with a "did you mean". Missing keys get defaults.

    ``tag`` (when set) is the key that makes a mapping this record rather than another alternative
    of a ``Union`` or ``Tagged``.
    """

    fields: tuple[Field, ...] = ()
    description: str = ""
    what: str = "a mapping"
    tag: str | None = None
    #: Advice for unknown keys people are known to write here.
    key_hints: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def matches(self, node: Node) -> bool:
        if _is_null(node):
            return self.tag is None and not any(f.required for f in self.fields)
        if not isinstance(node, MappingNode):
            return False
        if self.tag is None:
            return True
        return any(isinstance(k, ScalarNode) and k.value == self.tag for k, _ in node.value)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if _is_null(node) and not any(f.required for f in self.fields):
            return self._defaults({})
        if not isinstance(node, MappingNode):
            return self.wrong(node, path, r)
        items = entries(node, path, r)
        by_name = {f.name: f for f in self.fields}
        out: dict[str, Any] = {}
        for key, (key_node, value_node) in items.items():
            spec = by_name.get(key)
            if spec is None:
                r.report(key_node, unknown_key(key, path, self.names(), self.key_hints.get(key)))
                r.invalid.add((*path, key))
                continue
            value = spec.kind.read(value_node, (*path, key), r)
            if value is not INVALID:
                out[key] = value
        missing = [f for f in self.fields if f.required and f.name not in items]
        for f in missing:
            r.report(node, f"{label(path)}: missing required key '{f.name}' (expected {f.kind.expected()})")
        if missing:
            r.invalid.add(path)
        return self._defaults(out)

    def _defaults(self, out: dict[str, Any]) -> dict[str, Any]:
        for f in self.fields:
            if f.name in out or f.default is MISSING:
                continue
            if isinstance(f.kind, Record) and isinstance(f.default, dict):
                out[f.name] = f.kind._defaults(copy.deepcopy(f.default))
            else:
                out[f.name] = copy.deepcopy(f.default)
        return out

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        props: dict[str, JsonSchema] = {}
        for f in self.fields:
            schema = dict(f.kind.json(defs))
            schema["description"] = f.description
            if f.default is not MISSING and f.default is not None:
                schema["default"] = f.default
            props[f.name] = schema
        optional_null = self.tag is None and not any(f.required for f in self.fields)
        out: JsonSchema = {"type": ["object", "null"] if optional_null else "object", "properties": props}
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        return self._with_description(out)


def unknown_key(key: str, path: Path, known: Sequence[str], hint: str | None = None) -> str:
    where = "at the top level" if not path else f"in {label(path)}"
    close = did_you_mean(key, known)
    if hint is None:
        hint = f"did you mean '{close}'?" if close is not None else f"expected {one_of(known, limit=30)}"
    return f"unknown key '{key}' {where} ({hint})"


def present(items: Any) -> list[Any]:
    """The valid items of a list the schema returned (dropping ``INVALID`` placeholders)."""
    return [x for x in items or () if x is not INVALID]


@dataclass(frozen=True)
class Union(Kind):
    """The first alternative whose shape matches the node reads it (a name or a node map, say)."""

    options: tuple[Kind, ...] = ()
    description: str = ""
    what: str = ""

    def expected(self) -> str:
        return self.what or " or ".join(o.expected() for o in self.options)

    def matches(self, node: Node) -> bool:
        return any(o.matches(node) for o in self.options)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        for option in self.options:
            if option.matches(node):
                return option._read(node, path, r)
        return self.wrong(node, path, r)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({"anyOf": [o.json(defs) for o in self.options]})


@dataclass(frozen=True)
class Tagged(Kind):
    """A mapping that is one of several records, told apart by which of their tag keys it has."""

    variants: tuple[Record, ...] = ()
    description: str = ""
    what: str = ""
    noun: str = "entry"

    def tags(self) -> tuple[str, ...]:
        return tuple(v.tag for v in self.variants if v.tag is not None)

    def matches(self, node: Node) -> bool:
        return isinstance(node, MappingNode)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, MappingNode):
            return self.wrong(node, path, r)
        keys = [k for k, _ in node.value if isinstance(k, ScalarNode) and id(k) not in r.refused]
        found = [k for k in keys if k.value in self.tags()]
        if len(found) > 1:
            names = " and ".join(f"'{k.value}'" for k in found)
            r.report(found[1], f"{label(path)} has both {names} (expected one {self.noun} per list item)")
            return INVALID
        if not found:
            for k in keys:
                close = did_you_mean(str(k.value), self.tags())
                if close is not None:
                    r.report(k, f"unknown key '{k.value}' in {label(path)} (did you mean '{close}'?)")
                    return INVALID
            r.report(node, f"{label(path)} has none of the keys {', '.join(self.tags())} (expected {self.expected()})")
            return INVALID
        variant = next(v for v in self.variants if v.tag == found[0].value)
        return variant._read(node, path, r)

    def expected(self) -> str:
        return self.what or f"a mapping with one of {', '.join(self.tags())}"

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description({"type": "object", "oneOf": [v.json(defs) for v in self.variants]})


@dataclass(frozen=True)
class MapOf(Kind):
    """A mapping from names (``key``) to values of one kind: ``io: {HV01: Direct}``."""

    key: Name = field(default_factory=Name)
    value: Kind = field(default_factory=Anything)
    description: str = ""
    what: str = "a mapping"

    def matches(self, node: Node) -> bool:
        return isinstance(node, MappingNode)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        if not isinstance(node, MappingNode):
            return self.wrong(node, path, r)
        out: dict[str, Any] = {}
        for name, (key_node, value_node) in entries(node, path, r).items():
            first = len(r.references)
            if self.key.read(key_node, (*path, name), r) is INVALID:
                continue
            r.references[first:] = [dataclasses.replace(ref, is_key=True) for ref in r.references[first:]]
            value = self.value.read(value_node, (*path, name), r)
            if value is not INVALID:
                out[name] = value
        return out

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return self._with_description(
            {"type": "object", "propertyNames": self.key.json(defs), "additionalProperties": self.value.json(defs)}
        )


#: Named kinds that refer to themselves (expectations nest in all/any/not).
DEFINITIONS: dict[str, Kind] = {}


@dataclass(frozen=True)
class Ref(Kind):
    """A named kind from ``DEFINITIONS``; appears once in the JSON Schema's ``$defs``."""

    name: str = ""
    description: str = ""

    @property
    def target(self) -> Kind:
        return DEFINITIONS[self.name]

    def expected(self) -> str:
        return self.target.expected()

    def matches(self, node: Node) -> bool:
        return self.target.matches(node)

    def _read(self, node: Node, path: Path, r: Reading) -> Any:
        return self.target._read(node, path, r)

    def json(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        if self.name not in defs:
            defs[self.name] = {}
            defs[self.name] = self.target.json(defs)
        return self._with_description({"$ref": f"#/$defs/{self.name}"})


def walk(kind: Kind, visit: Callable[[Kind], None], seen: set[str] | None = None) -> None:
    """Call ``visit`` on ``kind`` and every kind inside it (each named definition once)."""
    seen = set() if seen is None else seen
    visit(kind)
    children: list[Kind] = []
    if isinstance(kind, Ref):
        if kind.name in seen:
            return
        seen.add(kind.name)
        children = [kind.target]
    elif isinstance(kind, Record):
        children = [f.kind for f in kind.fields]
    elif isinstance(kind, Union):
        children = list(kind.options)
    elif isinstance(kind, Tagged):
        children = list(kind.variants)
    elif isinstance(kind, ListOf):
        children = [kind.item]
    elif isinstance(kind, MapOf):
        children = [kind.key, kind.value]
    for child in children:
        walk(child, visit, seen)
