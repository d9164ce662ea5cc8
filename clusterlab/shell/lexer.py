"""Character-level scanning for the console's PowerShell subset.

PowerShell tokenises the same text differently in *command mode* (``Get-ClusterNode HV01 -Name x``:
barewords and ``-Name`` parameters) and *expression mode* (``$a -eq 'x'``: operators), and only the
parser knows which mode applies at a given point. So there is no up-front token stream: the parser
owns a ``Scanner`` and asks it for the kind of token it expects next. Everything here is linear in
the length of the input.
"""

from __future__ import annotations

import re
import unicodedata

#: Deepest nesting of brackets, blocks, strings and unary operators the parser accepts. Each level
#: costs about ten Python frames, so this keeps well clear of Python's default recursion limit
#: (1000) even when the caller is itself deep in a UI or test framework.
MAX_DEPTH = 50
NESTED_TOO_DEEPLY = "The script is nested too deeply."

# PowerShell accepts typographic dashes and quotes (text pasted from documents), so do we.
DASHES = frozenset("-\u2013\u2014\u2015")
SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")
DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e')
QUOTES = SINGLE_QUOTES | DOUBLE_QUOTES
NEWLINES = frozenset("\r\n")
DIGITS = frozenset("0123456789")
# Characters that end a bareword whatever it started with (PowerShell's ForceStartNewToken):
# ``a#b`` and ``C:\x=y`` are one token each, ``a,b`` and ``a;b`` are not. Whitespace ends one too.
TOKEN_BREAKERS = frozenset(";|&(){},\r\n")
# Characters that also end a *number* (ForceStartNewTokenAfterNumber): ``1+2`` is three tokens at the
# start of a statement, while ``7z`` is a single bareword (a command name).
_NUMBER_BREAKERS = frozenset("!#%*+-./<=>]") | DASHES
_ASCII_SPACES = frozenset(" \t\v\f\xa0\x85")

# Backtick escapes in double-quoted strings and barewords; any other escaped character stands for itself.
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}

# 60, 1.5, .5, 1e3, 0x10, with an optional type suffix (10L, 10d) and multiplier (4GB = 4 * 1024**3).
_NUMBER = re.compile(
    r"(?:0x(?P<hex>[0-9a-f]+)|(?P<dec>(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:e[+-]?[0-9]+)?))"
    r"(?P<suffix>[ld])?(?P<mult>[kmgtp]b)?",
    re.IGNORECASE,
)
_VARIABLE_NAME = re.compile(r"\w+(?::\w+)?|[?$^]")  # $name, $env:Path, $_, and the specials $? $$ $^
_MEMBER_NAME = re.compile(r"\w+")
_TOKEN_TEXT = re.compile(r"[\w$\-][\w.:\-]{0,39}")
_TO_LINE_END = re.compile(r"[^\r\n]*")


class SourceError(Exception):
    """A syntax problem found while scanning or parsing; ``parse`` re-raises it as ``ParseError``."""

    def __init__(self, message: str, pos: int, *, incomplete: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.incomplete = incomplete


def is_space(c: str) -> bool:
    """PowerShell whitespace. Newlines are not whitespace: they end statements."""
    if c in _ASCII_SPACES:
        return True
    return c > "\x7f" and unicodedata.category(c) in ("Zs", "Zl", "Zp")


def is_number_end(c: str) -> bool:
    """True if ``c`` (``""`` at the end of input) may directly follow a number in expression mode."""
    return c == "" or is_space(c) or c in TOKEN_BREAKERS or c in _NUMBER_BREAKERS


def number_value(match: re.Match[str]) -> int | float:
    """The value of a ``_NUMBER`` match, multiplier applied."""
    if match["hex"] is not None:
        value: int | float = int(match["hex"], 16)
    else:
        text = match["dec"]
        if "." in text or "e" in text or "E" in text:
            value = float(text)
        else:
            try:
                value = int(text)
            except ValueError:  # more digits than int() accepts: PowerShell falls back to a double too
                value = float(text)
    if match["mult"]:
        value *= 1024 ** ("kmgtp".index(match["mult"][0].lower()) + 1)
    return value


def bare_number(text: str) -> int | float | None:
    """A command-mode bareword that is entirely a number (``60``, ``4GB``, ``-1``, ``0x10``), else None.
    PowerShell decides this per whole token: ``1+2`` or ``7z`` as an argument is a string."""
    negative = text[:1] in DASHES
    match = _NUMBER.fullmatch(text[1:] if negative else text)
    if match is None:
        return None
    value = number_value(match)
    return -value if negative else value


def printable(text: str) -> str:
    """``text`` with control characters spelled out, for error messages."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


class Scanner:
    """The source text, a cursor into it, and the scanning primitives the parser is built on."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.depth = 0

    # cursor ---------------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        """The character ``offset`` places ahead, or ``""`` past the end."""
        i = self.pos + offset
        return self.src[i] if i < len(self.src) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def enter(self, pos: int) -> None:
        """Count one more level of nesting (the caller calls ``leave`` when done)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SourceError(NESTED_TOO_DEEPLY, pos)

    def leave(self) -> None:
        self.depth -= 1

    def token_text_at(self, pos: int) -> str:
        """The token starting at ``pos``, roughly, for "Unexpected token" messages."""
        match = _TOKEN_TEXT.match(self.src, pos)
        return printable(match.group() if match else self.src[pos : pos + 1])

    def skip_space(self, *, newlines: bool) -> None:
        """Skip whitespace, ``#`` and ``<# #>`` comments and backtick line continuations; newlines too
        if ``newlines``."""
        src = self.src
        while True:
            c = self.peek()
            if is_space(c) or (newlines and c in NEWLINES):
                self.pos += 1
            elif c == "`" and (self.peek(1) in NEWLINES or self.peek(1) == ""):
                # A backtick at the end of a line joins the next line (a trailing one at the end of
                # the input is ignored).
                self.pos += 3 if src.startswith("\r\n", self.pos + 1) else min(2, len(src) - self.pos)
            elif c == "#":
                line = _TO_LINE_END.match(src, self.pos)
                self.pos = line.end() if line else len(src)
            elif c == "<" and self.peek(1) == "#":
                end = src.find("#>", self.pos + 2)
                if end < 0:
                    raise SourceError("Missing closing '#>' in block comment.", self.pos, incomplete=True)
                self.pos = end + 2
            else:
                return

    # tokens ---------------------------------------------------------------------------------

    def scan_single_quoted(self) -> str:
        """``'text'`` at the cursor: verbatim, except that ``''`` stands for one quote."""
        src, start = self.src, self.pos
        out: list[str] = []
        i = start + 1
        while i < len(src):
            c = src[i]
            if c in SINGLE_QUOTES:
                if i + 1 < len(src) and src[i + 1] in SINGLE_QUOTES:
                    out.append(c)
                    i += 2
                    continue
                self.pos = i + 1
                return "".join(out)
            out.append(c)
            i += 1
        raise SourceError("The string is missing the terminator: '.", start, incomplete=True)

    def scan_double_quoted(self, *, keep_dollar_escapes: bool = True) -> str:
        """``"text"`` at the cursor. Backtick escapes (`` `n `t `" ``) and ``""`` are decoded; ``$var``
        and ``$( ... )`` are kept as written for the executor to expand. With ``keep_dollar_escapes``
        the two escapes that matter to that expansion stay encoded: ``"`$x"`` gives `` `$x `` (a
        literal dollar) and ``"``"`` gives ``` `` ```, so every backtick left in the text starts one
        of those two pairs (outside ``$( ... )``, which is code and kept verbatim)."""
        src, start = self.src, self.pos
        self.enter(start)
        out: list[str] = []
        i = start + 1
        while i < len(src):
            c = src[i]
            if c in DOUBLE_QUOTES:
                if i + 1 < len(src) and src[i + 1] in DOUBLE_QUOTES:
                    out.append(c)
                    i += 2
                    continue
                self.pos = i + 1
                self.leave()
                return "".join(out)
            if c == "`" and i + 1 < len(src):
                escaped = src[i + 1]
                if escaped in "$`" and keep_dollar_escapes:
                    out.append(c + escaped)
                else:
                    out.append(_ESCAPES.get(escaped, escaped))
                i += 2
            elif c == "$" and src.startswith("(", i + 1):
                end = self._skip_subexpression(i + 1)
                if end < 0:
                    break
                out.append(src[i:end])
                i = end
            else:
                out.append(c)
                i += 1
        raise SourceError('The string is missing the terminator: ".', start, incomplete=True)

    def _skip_subexpression(self, i: int) -> int:
        """Index just past the ``)`` matching the ``(`` at ``i``, inside a double-quoted string
        (``"$( "nested" )"`` is legal, so nested strings are skipped as wholes); -1 if there is none."""
        src, depth = self.src, 0
        while i < len(src):
            c = src[i]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return i + 1
            elif c == "`":
                i += 1
            elif c in QUOTES:
                self.pos = i
                if c in SINGLE_QUOTES:
                    self.scan_single_quoted()
                else:
                    self.scan_double_quoted()
                i = self.pos
                continue
            i += 1
        return -1

    def scan_variable(self) -> str:
        """``$name``, ``$env:Path``, ``${any name}`` or ``$_`` at the cursor; returns the name."""
        start = self.pos
        if self.peek(1) == "{":
            end = self.src.find("}", start + 2)
            if end < 0:
                raise SourceError("Incomplete variable reference token.", start, incomplete=True)
            if end == start + 2:
                raise SourceError("Empty ${} variable reference, there should be a name between the braces.", start)
            self.pos = end + 1
            return self.src[start + 2 : end]
        match = _VARIABLE_NAME.match(self.src, start + 1)
        if match is None:
            raise SourceError(
                "Variable reference is not valid. '$' was not followed by a valid variable name character. "
                "Consider using ${} to delimit the name.",
                start,
            )
        self.pos = match.end()
        return match.group()

    def scan_number(self) -> int | float | None:
        """An expression-mode number at the cursor, or None (cursor unchanged) if there is none."""
        match = _NUMBER.match(self.src, self.pos)
        if match is None:
            return None
        if not is_number_end(self.src[match.end() : match.end() + 1]):
            text = self.token_text_at(self.pos)
            raise SourceError(f"Unexpected token '{text}' in expression or statement.", self.pos)
        self.pos = match.end()
        return number_value(match)

    def number_starts_here(self) -> bool:
        """True if an expression-mode number starts at the cursor (``5``, ``4GB``, ``1+``, but not ``7z``)."""
        match = _NUMBER.match(self.src, self.pos)
        return match is not None and is_number_end(self.src[match.end() : match.end() + 1])

    def scan_member_name(self) -> str | None:
        """A member name after ``.``: ``Name`` or a quoted ``'Name with spaces'``; None if absent."""
        c = self.peek()
        if c in SINGLE_QUOTES:
            return self.scan_single_quoted()
        if c in DOUBLE_QUOTES:
            return self.scan_double_quoted(keep_dollar_escapes=False)
        match = _MEMBER_NAME.match(self.src, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group()

    def scan_generic(self) -> str:
        """A command-mode bareword at the cursor (``HV04``, ``C:\\Reports``, ``\\\\FS01\\Share``, ``*``),
        up to whitespace or one of ``; | & ( ) { } ,``. As in PowerShell a backtick escapes the next
        character and quoted sections are part of the word (``a'b c'`` is ``ab c``). ``$`` inside a
        bareword is not expanded."""
        src = self.src
        out: list[str] = []
        while self.pos < len(src):
            c = src[self.pos]
            if c in TOKEN_BREAKERS or is_space(c):
                break
            if c == "`":
                escaped = self.peek(1)
                if escaped == "" or escaped in NEWLINES:
                    break  # a line continuation, which skip_space consumes
                out.append(_ESCAPES.get(escaped, escaped))
                self.pos += 2
            elif c in SINGLE_QUOTES:
                out.append(self.scan_single_quoted())
            elif c in DOUBLE_QUOTES:
                out.append(self.scan_double_quoted(keep_dollar_escapes=False))
            else:
                out.append(c)
                self.pos += 1
        return "".join(out)
