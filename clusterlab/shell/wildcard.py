"""Wildcard patterns (``*``, ``?``, ``[abc]``, ``[a-z]``, ``[!abc]``) for -like, -Name filters and
Format-* property names: fnmatch's meaning, compiled in linear time.

``fnmatch.translate`` scans ahead for a closing ``]`` at every ``[``, so a pattern of many ``[``
and no ``]`` takes quadratic time: a pasted line of 60,000 ``[`` froze the console for over a
minute (found by the console fuzzer, tests/test_console_fuzz.py). Here the last ``]`` is found
once, so a ``[`` after it is a literal at once, and every scan ahead moves the cursor past what it
scanned.
"""

from __future__ import annotations

import functools
import re

_CLASS_SPECIAL = frozenset("\\^[]&~|")


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str] | None:
    out: list[str] = []
    last_close = pattern.rfind("]")
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if not out or out[-1] != ".*":  # ``**`` is ``*``: no stacked backtracking
                out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            j = i
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            if j > last_close:  # no ``]`` closes it: a literal ``[``
                out.append("\\[")
                continue
            j = pattern.index("]", j)
            body = pattern[i:j]
            negate = body.startswith("!")
            if negate:
                body = body[1:]
            chars = "".join(
                "\\" + c if c in _CLASS_SPECIAL or (c == "-" and k and body[k - 1] == "-") else c
                for k, c in enumerate(body)
            )
            out.append(f"[{'^' if negate else ''}{chars}]")
            i = j + 1
        else:
            out.append(re.escape(ch))
    try:
        return re.compile("(?s:" + "".join(out) + ")\\Z")
    except re.error:  # e.g. a reversed range [z-a]: the pattern is taken literally
        return None


def fnmatchcase(name: str, pattern: str) -> bool:
    """``fnmatch.fnmatchcase`` (case-sensitive), in linear time for any pattern."""
    compiled = _compile(pattern)
    if compiled is None:
        return name == pattern
    return compiled.match(name) is not None
