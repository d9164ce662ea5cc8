"""Wildcards (-like, -Name filters, Format-* property names) mean what fnmatch means, and no
pattern makes the console backtrack: a run between ``*``s is matched where it first fits."""

from __future__ import annotations

import fnmatch

from hypothesis import given
from hypothesis import strategies as st

from clusterlab.shell.wildcard import fnmatchcase

PATTERN = st.text(alphabet="ab[]!-*?c", max_size=10)
NAME = st.text(alphabet="abc[]!-*?", max_size=10)


def _reversed_range(pattern: str) -> bool:
    """``[z-a]``: fnmatch drops such a range; here the whole pattern is taken literally."""
    return any(
        pattern[i + 1] == "-" and pattern[i] > pattern[i + 2] for i in range(len(pattern) - 2) if "[" in pattern[:i]
    )


@given(NAME, PATTERN)
def test_the_same_answer_as_fnmatch(name: str, pattern: str) -> None:
    if not _reversed_range(pattern):
        assert fnmatchcase(name, pattern) == fnmatch.fnmatchcase(name, pattern)


def test_stars_between_letters_do_not_backtrack_over_a_long_name() -> None:
    # as one regex, '.*a.*a…b' against 60,000 a's would try every placement of 3,000 a's
    assert not fnmatchcase("a" * 60_000, "*a" * 3_000 + "b")
    assert fnmatchcase("a" * 60_000 + "b", "*a" * 3_000 + "b")


def test_runs_with_wildcards_and_classes() -> None:
    assert fnmatchcase("HV02", "HV0[1-3]")
    assert fnmatchcase("SQL01", "S*0?")
    assert not fnmatchcase("SQL01", "S*0?1")
    assert fnmatchcase("Virtual Machine SQL01", "*Machine*01")
    assert fnmatchcase("[x]", "[[]x]")
