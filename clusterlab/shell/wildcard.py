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
def _compile(pattern: str) -> tuple[tuple[re.Pattern[str], int], ...] | None:
    """The pattern's runs between ``*``s, each a regex and the number of characters it matches
    (one piece per character), or None when the pattern is not a valid one (it is then taken
    literally).

    Matching run by run, never as one regex with ``.*``s, keeps ``*a*a*a…b`` against a long name
    from backtracking for minutes (found by the console fuzzer)."""
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
    runs: list[list[str]] = [[]]
    for piece in out:
        if piece == ".*":
            runs.append([])
        else:
            runs[-1].append(piece)
    try:
        return tuple((re.compile("(?s:" + "".join(run) + ")"), len(run)) for run in runs)
    except re.error:  # e.g. a reversed range [z-a]: the pattern is taken literally
        return None


def fnmatchcase(name: str, pattern: str) -> bool:
    """``fnmatch.fnmatchcase`` (case-sensitive), without backtracking for any pattern.

    Every run between ``*``s matches a fixed number of characters, so the first run must match at
    the start, the last at the end, and each run between them where it first fits: no other
    placement can do better."""
    runs = _compile(pattern)
    if runs is None:
        return name == pattern
    if len(runs) == 1:
        return runs[0][0].fullmatch(name) is not None
    (first, _), *middle, (last, tail_len) = runs
    head = first.match(name)
    if head is None:
        return False
    pos, end = head.end(), len(name)
    if end - tail_len < pos or last.fullmatch(name, end - tail_len) is None:
        return False
    end -= tail_len
    for run, _ in middle:
        found = run.search(name, pos, end)
        if found is None:
            return False
        pos = found.end()
    return True
