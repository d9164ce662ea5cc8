"""``clusterlab play``: run a lab headless and write its transcript.

The transcript shows each step with its simulated time, the console output of ``run``
steps, the cluster events that happened since the previous step, and PASS/FAIL for every
expectation, task check and quiz. The same lab and seed give a byte-identical transcript
(nothing in it comes from the wall clock).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from clusterlab.shell import Shell
from clusterlab.sim import Cluster, ClusterError, ClusterEvent
from clusterlab.sim.clock import format_elapsed

from .expectations import Evaluator, Verdict, describe
from .loader import Lab
from .steps import At, Expect, Expectation, Quiz, Run, Say, Step, Task, Wait

#: How long ``play`` lets a task's solution take before the check fails.
TASK_DEFAULT_WITHIN = 3600.0


@dataclass
class Outcome:
    step: int
    kind: str
    ok: bool
    text: str


@dataclass
class PlayResult:
    lab: Lab
    outcomes: list[Outcome] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    cluster: Cluster | None = None

    @property
    def passed(self) -> int:
        return sum(1 for o in self.outcomes if o.ok)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)

    @property
    def ok(self) -> bool:
        return self.failed == 0


def wait_for(cluster: Cluster, exp: Expectation, within: float | None) -> tuple[Verdict, float]:
    """Check now, then after every event until ``within`` simulated seconds have passed."""
    verdict = Evaluator(cluster)(exp)
    if verdict.ok or not within:
        return verdict, cluster.now
    deadline = cluster.now + within
    while True:
        nxt = cluster.next_event_time()
        if nxt is None or nxt > deadline:
            cluster.run_until(deadline)
            return Evaluator(cluster)(exp), cluster.now
        cluster.run_until(nxt)
        verdict = Evaluator(cluster)(exp)
        if verdict.ok:
            return verdict, cluster.now


def _dur(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)}m"
    return f"{seconds:g}s"


class Player:
    """Plays one lab; ``emit`` receives each transcript record as it is produced."""

    def __init__(
        self,
        lab: Lab,
        *,
        seed: int | None = None,
        until: float | None = None,
        json_lines: bool = False,
        emit: Callable[[str], None] | None = None,
        width: int = 100,
    ) -> None:
        spec = replace(lab.spec, seed=seed) if seed is not None else lab.spec
        self.lab = lab
        self.cluster = Cluster(spec)
        self.shell = Shell(self.cluster, width=width, blocking=not lab.interactive)
        self.until = until
        self.json = json_lines
        self._emit = emit
        self._seen = 0
        self.result = PlayResult(lab, cluster=self.cluster)

    # output ----------------------------------------------------------------------------

    def _clock(self) -> str:
        return format_elapsed(self.cluster.now)

    def _out(self, record: dict[str, Any], text: str) -> None:
        line = json.dumps(record, sort_keys=True) if self.json else text
        self.result.lines.append(line)
        if self._emit:
            self._emit(line)

    def _events(self) -> None:
        events: list[ClusterEvent] = self.cluster.events_since(self._seen)
        self._seen += len(events)
        for e in events:
            self._out(
                {
                    "type": "event",
                    "time": e.time,
                    "id": e.event_id,
                    "name": e.name,
                    "level": e.level.value,
                    "source": e.source,
                    "message": e.message,
                },
                f"    {format_elapsed(e.time)} {e.display_id:>5} {e.level.value:<11} {e.source:<12} {e.message}",
            )

    def _verdict(self, index: int, kind: str, where: str, verdict: Verdict, within: float | None) -> None:
        when = f" within {_dur(within)}" if within else ""
        if verdict.ok:
            text = f"[{self._clock()}] PASS {kind} {verdict.expected}{when}"
        else:
            text = (
                f"[{self._clock()}] FAIL step {index} ({where}): expected {verdict.expected}{when}; "
                f"at {self._clock()} {verdict.seen}"
            )
        self.result.outcomes.append(Outcome(index, kind, verdict.ok, text))
        self._out(
            {
                "type": "check",
                "step": index,
                "kind": kind,
                "ok": verdict.ok,
                "time": self.cluster.now,
                "expected": verdict.expected,
                "seen": verdict.seen,
                "where": where,
            },
            text,
        )

    # steps -----------------------------------------------------------------------------

    def play(self) -> PlayResult:
        lab = self.lab
        spec = self.cluster.spec
        self._out(
            {"type": "lab", "id": lab.id, "title": lab.title, "os": spec.os, "seed": spec.seed},
            f"== {lab.title} ({lab.id}) · {self.cluster.profile.display_name} · seed {spec.seed}",
        )
        for index, step in enumerate(lab.steps, start=1):
            if self.until is not None and self.cluster.now >= self.until:
                self._out(
                    {"type": "stop", "time": self.cluster.now},
                    f"[{self._clock()}] stopped at --until {format_elapsed(self.until)}",
                )
                break
            self._step(index, step)
            self._events()
        summary = f"== {self.result.passed} passed, {self.result.failed} failed"
        self._out(
            {"type": "summary", "passed": self.result.passed, "failed": self.result.failed, "time": self.cluster.now},
            summary,
        )
        return self.result

    def _advance_to(self, t: float) -> None:
        if self.until is not None:
            t = min(t, self.until)
        if t > self.cluster.now:
            self.cluster.run_until(t)

    def _step(self, index: int, step: Step) -> None:
        where = str(step.where)
        if isinstance(step, Say):
            self._out(
                {"type": "say", "step": index, "time": self.cluster.now, "text": step.text},
                f"[{self._clock()}] say: " + step.text.strip().replace("\n", "\n      "),
            )
        elif isinstance(step, Run):
            self._run(index, step.command, "run")
        elif isinstance(step, Wait):
            self._out(
                {"type": "wait", "step": index, "time": self.cluster.now, "seconds": step.seconds},
                f"[{self._clock()}] wait {_dur(step.seconds)}",
            )
            self._events()
            self._advance_to(self.cluster.now + step.seconds)
        elif isinstance(step, At):
            self._out(
                {"type": "at", "step": index, "time": self.cluster.now, "at": step.time},
                f"[{self._clock()}] at {format_elapsed(step.time)}",
            )
            self._events()
            self._advance_to(step.time)
        elif isinstance(step, Expect):
            self._events()
            verdict, _ = wait_for(self.cluster, step.expectation, step.within)
            self._events()
            self._verdict(index, "expect", where, verdict, step.within)
        elif isinstance(step, Task):
            self._out(
                {"type": "task", "step": index, "time": self.cluster.now, "text": step.text},
                f"[{self._clock()}] task: {step.text}",
            )
            if step.solution:
                self._run(index, step.solution, "solution")
            self._events()
            within = step.within if step.within is not None else TASK_DEFAULT_WITHIN
            verdict, _ = wait_for(self.cluster, step.check, within)
            self._events()
            self._verdict(index, "task", where, verdict, None)
        elif isinstance(step, Quiz):
            valid = 0 <= step.answer < len(step.choices)
            lines = [f"[{self._clock()}] quiz: {step.question}"]
            for i, choice in enumerate(step.choices):
                mark = "*" if i == step.answer else " "
                lines.append(f"      {mark} {i}. {choice}")
            if step.explain:
                lines.append(f"      {step.explain}")
            self._out(
                {
                    "type": "quiz",
                    "step": index,
                    "time": self.cluster.now,
                    "question": step.question,
                    "choices": list(step.choices),
                    "answer": step.answer,
                    "explain": step.explain,
                },
                "\n".join(lines),
            )
            verdict = Verdict(
                valid,
                f"answer {step.answer} is one of the {len(step.choices)} choices",
                f"answer {step.answer} with {len(step.choices)} choices",
            )
            self._verdict(index, "quiz", where, verdict, None)

    def _run(self, index: int, command: str, kind: str) -> None:
        self._events()
        self._out(
            {"type": kind, "step": index, "time": self.cluster.now, "command": command},
            f"[{self._clock()}] PS> {command}",
        )
        try:
            result = self.shell.run(command)
        except ClusterError as exc:  # the shell already turns these into records; belt and braces
            self._out({"type": "error", "step": index, "message": exc.message}, f"      {exc.message}")
            return
        text = result.text().rstrip("\n")
        if text.strip():
            self._out(
                {
                    "type": "output",
                    "step": index,
                    "time": self.cluster.now,
                    "text": text,
                    "errors": [e.message for e in result.errors],
                },
                "\n".join("      " + line if line else "" for line in text.split("\n")),
            )


def play(lab: Lab, **kw: Any) -> PlayResult:
    return Player(lab, **kw).play()


def describe_expectation(exp: Expectation) -> str:
    return describe(exp)
