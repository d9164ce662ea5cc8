"""Reading untrusted YAML safely: a node tree with line/column marks, never Python objects.

The document is composed (not constructed) with the safe loader's composer and resolver; the
event parser is libyaml's when PyYAML has it (the same events, about ten times faster), else
PyYAML's own. Limits keep hostile files cheap: at most ``MAX_BYTES`` of UTF-8, ``MAX_NODES``
nodes (counting every alias expansion, so a "billion laughs" file stops early) and
``MAX_DEPTH`` levels of nesting. Only the plain YAML tags are allowed; a tag that would build a
Python object (``!!python/object/apply:...``) or anything else is reported and its node refused.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_NODES: Final = 100_000
MAX_DEPTH: Final = 100

YAML_TAG: Final = "tag:yaml.org,2002:"
SCALAR_TAGS: Final = frozenset(YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
MAP_TAG: Final = YAML_TAG + "map"
SEQ_TAG: Final = YAML_TAG + "seq"
MERGE_TAG: Final = YAML_TAG + "merge"
PLAIN_TAGS: Final = SCALAR_TAGS | {MAP_TAG, SEQ_TAG, MERGE_TAG}


class _Mark(Protocol):
    line: int
    column: int


@dataclass
class YamlProblem(Exception):
    """The file cannot be read as YAML at all. ``line``/``column`` are 1-based (0: the whole file)."""

    line: int
    column: int
    message: str


@dataclass(slots=True)
class Document:
    """A composed document: its root node (None for an empty file) and the problems found with tags."""

    root: Node | None
    problems: list[YamlProblem] = field(default_factory=list)
    refused: set[int] = field(default_factory=set)  # id() of nodes carrying a refused tag


def position(node: Node) -> tuple[int, int]:
    """1-based (line, column) where ``node`` starts."""
    mark: _Mark = node.start_mark
    return mark.line + 1, mark.column + 1


def show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


# bytes -> text -----------------------------------------------------------------------------

_OTHER_ENCODINGS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def decode(data: bytes) -> str:
    """UTF-8 bytes (an optional BOM is dropped) -> text, or a YamlProblem saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(0, 0, f"the file is {len(data):,} bytes (expected at most {MAX_BYTES:,} bytes, 5 MB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace").removeprefix("\ufeff")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        hint = "save the file as UTF-8"
        for bom, name in _OTHER_ENCODINGS:
            if data.startswith(bom):
                hint = f"it looks like {name}; save it as UTF-8"
                break
        raise YamlProblem(
            line, column, f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (expected UTF-8 text; {hint})"
        ) from None


# text -> nodes -----------------------------------------------------------------------------


class _Limit(Exception):
    def __init__(self, node_mark: _Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = node_mark
        self.message = message


class _LimitedComposer(Composer):
    """The safe composer, counting nodes and nesting as it goes."""

    depth = 0
    nodes = 0
    peek_event: Callable[[], Any]  # from the parser this composer is mixed with

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        mark = self.peek_event().start_mark
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Limit(mark, f"the document has more than {MAX_NODES:,} values (expected a lab of a sensible size)")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Limit(mark, f"the document is nested more than {MAX_DEPTH} levels deep (expected a flatter lab)")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PyLoader(Reader, Scanner, Parser, _LimitedComposer, Resolver):
    """PyYAML's own (pure Python) parser under the limited composer."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _LimitedComposer.__init__(self)
        Resolver.__init__(self)


def _c_loader() -> Callable[[str], _LimitedComposer] | None:
    """libyaml's event parser under the limited composer, when PyYAML was built with libyaml."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    from yaml._yaml import CParser

    class _CLoader(CParser, _LimitedComposer, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _LimitedComposer.__init__(self)
            Resolver.__init__(self)

        # CParser composes in C; these take the Python composer (with its limits) instead.
        get_single_node = _LimitedComposer.get_single_node
        compose_document = _LimitedComposer.compose_document
        compose_node = _LimitedComposer.compose_node

    return _CLoader


_C_LOADER: Final = _c_loader()
#: True when the fast (libyaml) parser is in use; syntax error wording differs slightly between the two.
ACCELERATED: Final = _C_LOADER is not None


def _syntax_message(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark: _Mark = exc.problem_mark
        notes: list[str] = []
        if exc.context and exc.context_mark is not None:
            cm: _Mark = exc.context_mark
            notes.append(f"{exc.context} at line {cm.line + 1}, column {cm.column + 1}")
        elif exc.context:
            notes.append(exc.context)
        lines = text.splitlines()
        if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            notes.append("indent with spaces: YAML does not allow tabs there")
        problem = exc.problem or "the YAML is malformed"
        detail = f" ({'; '.join(notes)})" if notes else ""
        return YamlProblem(mark.line + 1, mark.column + 1, f"YAML syntax error: {problem}{detail}")
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return YamlProblem(
            line, column, f"character #x{exc.character:04x} is not allowed in YAML (expected printable text)"
        )
    return YamlProblem(0, 0, f"YAML syntax error: {exc}")


def compose(text: str, *, accelerated: bool = True) -> Document:
    """Compose ``text`` into a node tree within the limits; raise YamlProblem when that is impossible.

    ``accelerated=False`` uses PyYAML's pure Python parser even when libyaml is available.
    """
    if len(text) > MAX_BYTES:
        raise YamlProblem(0, 0, f"the text is {len(text):,} characters (expected at most {MAX_BYTES:,}, 5 MB)")
    loader: _LimitedComposer = (_C_LOADER if accelerated and _C_LOADER is not None else _PyLoader)(text)
    try:
        root = loader.get_single_node()
    except _Limit as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark is not None else (0, 0)
        raise YamlProblem(line, column, exc.message) from None
    except yaml.YAMLError as exc:
        raise _syntax_message(exc, text) from None
    except RecursionError:
        raise YamlProblem(0, 0, "the document is nested too deeply (expected a flatter lab)") from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    doc = Document(root)
    if root is not None:
        _Measure(doc).check(root)
    return doc


class _Measure:
    """One pass over the node graph (aliases are shared nodes): expanded size, depth and tags."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.size: dict[int, int] = {}
        self.depth: dict[int, int] = {}
        self.active: set[int] = set()

    def check(self, root: Node) -> None:
        self._visit(root, 1)

    def _visit(self, node: Node, level: int) -> tuple[int, int]:
        """(expanded size, depth) of ``node`` reached at nesting ``level``; raise past the limits."""
        key = id(node)
        if key in self.size:
            size, depth = self.size[key], self.depth[key]
        else:
            if key in self.active:
                raise YamlProblem(
                    *position(node), "an alias refers to a value that contains it (expected no recursion)"
                )
            if level > MAX_DEPTH:
                raise YamlProblem(
                    *position(node), f"aliases nest values more than {MAX_DEPTH} levels deep (expected a flatter lab)"
                )
            if node.tag not in PLAIN_TAGS:
                self.doc.refused.add(key)
                self.doc.problems.append(YamlProblem(*position(node), _tag_message(node.tag)))
            children: list[Node] = []
            if isinstance(node, SequenceNode):
                children = list(node.value)
            elif isinstance(node, MappingNode):
                for k, v in node.value:
                    children += (k, v)
            self.active.add(key)
            size, depth = 1, 1
            for child in children:
                s, d = self._visit(child, level + 1)
                size += s
                depth = max(depth, d + 1)
            self.active.discard(key)
            self.size[key], self.depth[key] = size, depth
        if size > MAX_NODES:
            raise YamlProblem(
                *position(node),
                f"aliases expand this value to more than {MAX_NODES:,} values (an alias bomb?; expected each anchor "
                "to be reused a few times)",
            )
        if level + depth - 1 > MAX_DEPTH:
            raise YamlProblem(
                *position(node), f"aliases nest values more than {MAX_DEPTH} levels deep (expected a flatter lab)"
            )
        return size, depth


def _tag_message(tag: str) -> str:
    shown = show_tag(tag)
    if "python/" in tag:
        return (
            f"tag '{shown}' is not allowed: lab files hold plain data and tags that build Python objects are refused "
            "(expected a plain value, list or mapping)"
        )
    return f"tag '{shown}' is not allowed (expected a plain value, list or mapping without a tag)"


# scalars -----------------------------------------------------------------------------------

_CONSTRUCTOR: Final = SafeConstructor()


def scalar(node: ScalarNode) -> Any:
    """The value of a plain scalar (str, int, float, bool, None, date/datetime); ValueError if unreadable."""
    tag = node.tag
    if tag == YAML_TAG + "str" or tag == MERGE_TAG:
        return str(node.value)
    try:
        if tag == YAML_TAG + "null":
            return None
        if tag == YAML_TAG + "bool":
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == YAML_TAG + "int":
            return _CONSTRUCTOR.construct_yaml_int(node)
        if tag == YAML_TAG + "float":
            return _CONSTRUCTOR.construct_yaml_float(node)
        if tag == YAML_TAG + "timestamp":
            return _CONSTRUCTOR.construct_yaml_timestamp(node)
    except (ValueError, OverflowError, TypeError) as exc:
        raise ValueError(f"'{node.value}' cannot be read as a {show_tag(tag)[2:]}") from exc
    raise ValueError(f"tag '{show_tag(tag)}' is not allowed")
