"""Walkthroughs: a lab played with a learner, independent of any UI.

``poll()`` runs the steps that need nobody — ``say``, ``run``, ``wait``/``at`` (the clock jumps),
``expect`` (the simulation runs until it holds or its ``within`` ends) — and stops at a
``task`` (until its ``check`` holds while the learner works) or a ``quiz`` (until answered).
The UI shows the :class:`Line` s it returns and calls ``poll()`` again after every tick and
command. Hints are free; revealing or running a task's solution forfeits that task's point;
a quiz scores when its first answer is right.

Everything a resume needs is in :meth:`Walkthrough.state` (saved atomically by
:mod:`clusterlab.lab.progress`); the cluster itself comes back from the session's journal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clusterlab.sim import Cluster
from clusterlab.sim.clock import format_elapsed

from .expectations import Evaluator, describe
from .loader import Lab
from .player import TASK_DEFAULT_WITHIN, wait_for
from .steps import At, Expect, Quiz, Run, Say, Step, Task, Wait


@dataclass(frozen=True, slots=True)
class Line:
    """One line of narration. ``kind``: say, run, output, pass, fail, task, done, hint,
    solution, quiz, right, wrong, explain, end."""

    kind: str
    text: str
    step: int


@dataclass(frozen=True, slots=True)
class Score:
    tasks_clean: int  # done without revealing the solution
    tasks: int
    quizzes_first_try: int
    quizzes: int
    expectations_failed: int = 0

    @property
    def points(self) -> int:
        return self.tasks_clean + self.quizzes_first_try

    @property
    def max_points(self) -> int:
        return self.tasks + self.quizzes

    def text(self) -> str:
        parts = [f"{self.points}/{self.max_points}"]
        if self.tasks:
            parts.append(f"tasks {self.tasks_clean}/{self.tasks} without the solution")
        if self.quizzes:
            parts.append(f"quizzes {self.quizzes_first_try}/{self.quizzes} right first time")
        return " · ".join(parts)


@dataclass
class _State:
    index: int = 0
    started: set[int] = field(default_factory=set)  # steps whose text was shown (task, quiz, expect within)
    deadline: dict[int, float] = field(default_factory=dict)  # wait/at/expect: when it ends
    revealed: set[int] = field(default_factory=set)  # tasks whose solution was shown or run
    hinted: set[int] = field(default_factory=set)
    done: set[int] = field(default_factory=set)  # tasks completed
    answers: dict[int, list[int]] = field(default_factory=dict)  # quiz step -> answers given, in order
    failed: set[int] = field(default_factory=set)  # expectations that did not hold


class Walkthrough:
    """Drives ``lab``'s steps over ``cluster``. ``run`` executes a command line the way the UI
    does (echoed, journaled) and returns its output text."""

    def __init__(
        self,
        lab: Lab,
        cluster: Cluster,
        run: Callable[[str], str],
        *,
        state: dict[str, Any] | None = None,
        solve: Callable[[str], str] | None = None,
    ) -> None:
        """``run`` runs a step's command; ``solve`` a line of a task's solution, to completion
        (a blocking console, as `play` has: the next line may need the previous one done)."""
        self.lab = lab
        self.cluster = cluster
        self._run = run
        self._solve = solve or run
        self.s = _state_from(state) if state else _State()
        self.steps: tuple[Step, ...] = lab.steps

    # where we are ------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.s.index >= len(self.steps)

    @property
    def current(self) -> Step | None:
        return None if self.finished else self.steps[self.s.index]

    @property
    def task(self) -> Task | None:
        step = self.current
        return step if isinstance(step, Task) else None

    @property
    def quiz(self) -> Quiz | None:
        step = self.current
        return step if isinstance(step, Quiz) else None

    def task_met(self) -> bool:
        task = self.task
        return task is not None and Evaluator(self.cluster)(task.check).ok

    @property
    def score(self) -> Score:
        tasks = [i for i, s in enumerate(self.steps) if isinstance(s, Task)]
        quizzes = [i for i, s in enumerate(self.steps) if isinstance(s, Quiz)]
        clean = sum(1 for i in tasks if i in self.s.done and i not in self.s.revealed)
        first = sum(1 for i in quizzes if self.s.answers.get(i) and self.s.answers[i][0] == _answer(self.steps[i]))
        return Score(clean, len(tasks), first, len(quizzes), len(self.s.failed))

    @property
    def progress(self) -> tuple[int, int]:
        return min(self.s.index, len(self.steps)), len(self.steps)

    # advancing ---------------------------------------------------------------------------------

    def poll(self) -> list[Line]:
        """Run every step that needs nobody; stop at a task or quiz the learner has not finished."""
        out: list[Line] = []
        guard = 0
        while not self.finished and guard < 10_000:
            guard += 1
            i = self.s.index
            step = self.steps[i]
            if isinstance(step, Say):
                out.append(Line("say", step.text.strip(), i))
            elif isinstance(step, Run):
                out.append(Line("run", step.command, i))
                text = self._run(step.command)
                if text.strip():
                    out.append(Line("output", text.rstrip("\n"), i))
            elif isinstance(step, Wait | At):
                end = self.s.deadline.setdefault(
                    i, self.cluster.now + step.seconds if isinstance(step, Wait) else step.time
                )
                if self.cluster.now < end:
                    self.cluster.run_until(end)
            elif isinstance(step, Expect):
                verdict, _ = wait_for(self.cluster, step.expectation, step.within)
                if verdict.ok:
                    out.append(Line("pass", f"✔ {describe(step.expectation)}", i))
                else:
                    self.s.failed.add(i)
                    out.append(Line("fail", f"✘ expected {verdict.expected}; saw {verdict.seen}", i))
            elif isinstance(step, Task):
                if i not in self.s.started:
                    self.s.started.add(i)
                    out.append(Line("task", step.text.strip(), i))
                if not Evaluator(self.cluster)(step.check).ok:
                    return out
                self.s.done.add(i)
                how = " (with the solution)" if i in self.s.revealed else ""
                out.append(Line("done", f"✔ Task done{how}: {describe(step.check)}", i))
            elif isinstance(step, Quiz):
                if i not in self.s.started:
                    self.s.started.add(i)
                    choices = "\n".join(f"{n}. {c}" for n, c in enumerate(step.choices, 1))
                    out.append(Line("quiz", f"{step.question.strip()}\n{choices}", i))
                if step.answer not in self.s.answers.get(i, []):
                    return out
            self.s.index += 1
        if self.finished and len(self.steps) not in self.s.started:
            self.s.started.add(len(self.steps))
            expects = sum(1 for s in self.steps if isinstance(s, Expect))
            if self.score.max_points:
                out.append(Line("end", f"Lab complete. Score {self.score.text()}.", len(self.steps)))
            elif expects:  # a scenario: no score, but did the cluster do what it says?
                held = expects - len(self.s.failed)
                out.append(Line("end", f"End of the scenario: {held} of {expects} expectations held.", len(self.steps)))
        return out

    def history(self) -> list[Line]:
        """The narration of the steps already passed, for a resumed session (nothing runs again)."""
        out: list[Line] = []
        upto = min(self.s.index, len(self.steps) - 1) if self.steps else -1
        for i, step in enumerate(self.steps[: upto + 1]):
            if i == self.s.index and i not in self.s.started:
                break
            if isinstance(step, Say):
                out.append(Line("say", step.text.strip(), i))
            elif isinstance(step, Run):
                out.append(Line("run", step.command, i))
            elif isinstance(step, Expect):
                ok = i not in self.s.failed
                out.append(Line("pass" if ok else "fail", f"{'✔' if ok else '✘'} {describe(step.expectation)}", i))
            elif isinstance(step, Task):
                out.append(Line("task", step.text.strip(), i))
                if i in self.s.done:
                    out.append(Line("done", f"✔ Task done: {describe(step.check)}", i))
            elif isinstance(step, Quiz):
                choices = "\n".join(f"{n}. {c}" for n, c in enumerate(step.choices, 1))
                out.append(Line("quiz", f"{step.question.strip()}\n{choices}", i))
                if step.answer in self.s.answers.get(i, []):
                    out.append(Line("right", f"✔ {step.choices[step.answer]}", i))
        return out

    # the learner's side ------------------------------------------------------------------------------

    def hint(self) -> str | None:
        task = self.task
        if task is None:
            return None
        self.s.hinted.add(self.s.index)
        return task.hint or "No hint for this task: look at what the check asks for."

    def solution(self) -> str | None:
        """Show the solution (the task then scores no point)."""
        task = self.task
        if task is None or task.solution is None:
            return None
        self.s.revealed.add(self.s.index)
        return task.solution

    def do_solution(self) -> list[Line]:
        """Run the solution in the learner's place, then go on."""
        task = self.task
        if task is None or task.solution is None:
            return []
        i = self.s.index
        self.s.revealed.add(i)
        out = [Line("solution", task.solution, i)]
        for line in task.solution.splitlines():
            if line.strip():
                text = self._solve(line)
                if text.strip():
                    out.append(Line("output", text.rstrip("\n"), i))
        # Doing it for the learner includes the wait (a CAU run that starts at 03:00, a drain):
        # simulated time runs to the moment the check holds, as `play` lets it (within, else 1 h).
        within = task.within if task.within is not None else TASK_DEFAULT_WITHIN
        before = self.cluster.now
        verdict, _ = wait_for(self.cluster, task.check, within)
        if verdict.ok and self.cluster.now > before:
            out.append(
                Line("output", f"(simulated time ran {format_elapsed(self.cluster.now - before)} until it held)", i)
            )
        return out + self.poll()

    def answer(self, choice: int) -> list[Line]:
        """Answer the current quiz with choice ``choice`` (0-based)."""
        quiz = self.quiz
        if quiz is None or not 0 <= choice < len(quiz.choices):
            return []
        i = self.s.index
        given = self.s.answers.setdefault(i, [])
        given.append(choice)
        if choice != quiz.answer:
            return [Line("wrong", f"✘ {quiz.choices[choice]} — not quite. Try again.", i)]
        first = len(given) == 1
        out = [Line("right", f"✔ {quiz.choices[choice]}" + (" — right first time." if first else "."), i)]
        if quiz.explain:
            out.append(Line("explain", quiz.explain.strip(), i))
        return out + self.poll()

    # saving --------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        s = self.s
        return {
            "index": s.index,
            "started": sorted(s.started),
            "deadline": {str(k): v for k, v in s.deadline.items()},
            "revealed": sorted(s.revealed),
            "hinted": sorted(s.hinted),
            "done": sorted(s.done),
            "answers": {str(k): v for k, v in s.answers.items()},
            "failed": sorted(s.failed),
        }


def _answer(step: Step) -> int:
    return step.answer if isinstance(step, Quiz) else -1


def _ints(value: Any) -> set[int]:
    return {int(x) for x in value if isinstance(x, int)} if isinstance(value, list) else set()


def _state_from(data: dict[str, Any]) -> _State:
    """Tolerant: a damaged field starts empty rather than failing the resume."""
    index = data.get("index")
    raw_deadline, raw_answers = data.get("deadline"), data.get("answers")
    deadline: dict[Any, Any] = raw_deadline if isinstance(raw_deadline, dict) else {}
    answers: dict[Any, Any] = raw_answers if isinstance(raw_answers, dict) else {}
    return _State(
        index=index if isinstance(index, int) and index >= 0 else 0,
        started=_ints(data.get("started")),
        deadline={int(k): float(v) for k, v in deadline.items() if str(k).isdigit() and isinstance(v, int | float)},
        revealed=_ints(data.get("revealed")),
        hinted=_ints(data.get("hinted")),
        done=_ints(data.get("done")),
        answers={
            int(k): [int(x) for x in v if isinstance(x, int)]
            for k, v in answers.items()
            if str(k).isdigit() and isinstance(v, list)
        },
        failed=_ints(data.get("failed")),
    )
