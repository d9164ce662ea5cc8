"""The validated ``steps:`` list -> typed steps and expectations (``steps.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .schema import EXPECTATION_SUBJECTS
from .schema_kinds import Path, Reading
from .steps import AllOf, AnyOf, At, Check, Expect, Expectation, NotOf, Quiz, Run, Say, Step, Task, Wait, Where


def build_steps(steps: Sequence[Mapping[str, Any]], r: Reading) -> tuple[Step, ...]:
    """Every valid step, in order. Steps the schema refused were dropped (and reported) already."""
    out: list[Step] = []
    for i, step in enumerate(steps):
        if not isinstance(step, Mapping):
            continue
        built = _step(step, ("steps", i), r)
        if built is not None:
            out.append(built)
    return tuple(out)


def _where(path: Path, r: Reading) -> Where:
    line, column = r.at(path)
    return Where(r.source, line, column)


def _step(s: Mapping[str, Any], path: Path, r: Reading) -> Step | None:
    where = _where(path, r)
    if "say" in s:
        return Say(s["say"], where)
    if "run" in s:
        return Run(s["run"], where)
    if "wait" in s:
        return Wait(s["wait"], where)
    if "at" in s:
        return At(s["at"], where)
    if "expect" in s:
        exp = expectation(s["expect"])
        return Expect(exp, s.get("within"), where) if exp is not None else None
    if "task" in s:
        check = expectation(s.get("check"))
        if check is None:
            return None
        return Task(s["task"], check, s.get("solution"), s.get("hint"), s.get("within"), where)
    if "quiz" in s:
        q = s["quiz"]
        if not all(k in q for k in ("question", "choices", "answer")):
            return None
        return Quiz(q["question"], tuple(q["choices"]), q["answer"], q.get("explain", ""), where)
    return None


def expectation(e: Any) -> Expectation | None:
    """A validated expectation mapping -> Check / AllOf / AnyOf / NotOf (None if it was invalid)."""
    if not isinstance(e, Mapping):
        return None
    if "all" in e or "any" in e:
        items = [expectation(x) for x in e.get("all", e.get("any", []))]
        if not items or any(x is None for x in items):
            return None
        valid = tuple(x for x in items if x is not None)
        return AllOf(valid) if "all" in e else AnyOf(valid)
    if "not" in e:
        inner = expectation(e["not"])
        return NotOf(inner) if inner is not None else None
    subject = next((k for k in e if k in EXPECTATION_SUBJECTS), None)
    if subject is None:
        return None
    value = e[subject]
    keys = {k: v for k, v in e.items() if k != subject}
    name: str | None
    if isinstance(value, Mapping):  # quorum: {state: Up, votes: 3}
        keys = {**dict(value), **keys}
        name = None
    elif value is None:
        name = None
    elif subject == "cau":  # cau: Succeeded is shorthand for status
        keys = {"status": value, **keys}
        name = None
    else:
        name = str(value)
    return Check(subject, name, keys)
