"""The shipped lab library (labs/*.yaml): every lab plays clean, walkthroughs are complete, and the
objective ids they claim exist.

Each lab is played twice: headless as ``clusterlab play --check`` does (blocking commands, every task's
solution performed, every quiz answered) and as the cockpit plays it (commands return at once, the
clock keeps running while the learner reads a quiz or works on a task), so a lab cannot pass in one and
break in the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clusterlab.lab import Walkthrough, load_lab, load_lab_text
from clusterlab.lab.loader import Lab
from clusterlab.lab.objectives import OBJECTIVES
from clusterlab.lab.player import TASK_DEFAULT_WITHIN, Player
from clusterlab.lab.steps import Quiz, Task
from clusterlab.shell import Shell
from clusterlab.sim import Cluster

ROOT = Path(__file__).resolve().parent.parent
LABS = sorted((ROOT / "labs").glob("*.yaml"))
WRITING_LABS = ROOT / "docs" / "writing-labs.md"

#: Simulated seconds a learner spends on a quiz or before acting on a task in the cockpit, where the
#: clock does not stop while they think.
THINK_S = 20.0


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _is_walkthrough(lab: Lab) -> bool:
    return any(isinstance(s, Task | Quiz) for s in lab.steps)


def _play(lab: Lab) -> list[str]:
    """Headless playback; the transcript lines of every failed expectation, task or quiz."""
    result = Player(lab, emit=lambda line: None).play()
    return [o.text for o in result.outcomes if not o.ok]


def _cockpit(lab: Lab) -> tuple[Walkthrough, list[str]]:
    """Play ``lab`` as the cockpit does, the learner taking THINK_S over each quiz (answered right) and
    before each task (done with its solution); returns the walkthrough and the problems seen: solution
    lines that printed errors, tasks whose check held before the learner acted."""
    cluster = Cluster(lab.spec)
    shell = Shell(cluster, blocking=False)
    solving: set[str] = set()  # the lines of the solution being run (do_solution goes on past the task)
    problems: list[str] = []

    def run(line: str) -> str:
        result = shell.run(line)
        if line in solving and result.errors:
            problems.append(f"the solution line {line!r} failed: {result.errors[0].message}")
        return result.text()

    def solve(line: str) -> str:  # as the cockpit's y: each solution line runs to completion
        shell.blocking = True
        try:
            return run(line)
        finally:
            shell.blocking = False

    wt = Walkthrough(lab, cluster, run, solve=solve)
    wt.poll()
    guard = 0
    while not wt.finished:
        guard += 1
        assert guard < 1000, f"the walkthrough is stuck at step {wt.progress[0] + 1}"
        task, quiz, index = wt.task, wt.quiz, wt.progress[0]
        if quiz is not None:
            cluster.advance(THINK_S)
            wt.answer(quiz.answer)
        elif task is not None:
            cluster.advance(THINK_S)
            if wt.task_met():
                problems.append(f"step {index + 1}: the check holds before the learner acts ({task.text.strip()})")
            solving.update((task.solution or "").splitlines())
            wt.do_solution()
            solving.clear()
            deadline = cluster.now + (task.within if task.within is not None else TASK_DEFAULT_WITHIN)
            while not wt.finished and wt.progress[0] == index:
                nxt = cluster.next_event_time()
                if nxt is None or nxt > deadline:
                    raise AssertionError(f"step {index + 1}: the solution did not do the task ({task.text.strip()})")
                cluster.run_until(nxt)
                wt.poll()
        else:
            wt.poll()
    for index in sorted(wt.s.done - wt.s.revealed):
        problems.append(
            f"step {index + 1}: the task was done before the learner acted ({wt.steps[index].text.strip()})"
        )
    return wt, problems


@pytest.mark.parametrize("path", LABS, ids=_ids(LABS))
def test_lab_plays_with_every_check_passing(path: Path) -> None:
    failures = _play(load_lab(path))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", LABS, ids=_ids(LABS))
def test_lab_plays_in_the_cockpit(path: Path) -> None:
    lab = load_lab(path)
    wt, problems = _cockpit(lab)
    assert wt.finished
    assert not problems, "\n".join(problems)
    score = wt.score
    assert score.expectations_failed == 0, f"expectations failed at steps {sorted(i + 1 for i in wt.s.failed)}"
    assert score.quizzes_first_try == score.quizzes


def test_the_library_ships_enough_labs() -> None:
    labs = [load_lab(p) for p in LABS]
    walkthroughs = [lab for lab in labs if _is_walkthrough(lab)]
    assert len(labs) >= 12
    assert len(walkthroughs) >= 12


@pytest.mark.parametrize("path", LABS, ids=_ids(LABS))
def test_lab_id_is_its_file_name(path: Path) -> None:
    lab = load_lab(path)
    assert lab.id == path.stem
    assert lab.title and lab.title != lab.id


@pytest.mark.parametrize("path", LABS, ids=_ids(LABS))
def test_walkthrough_is_complete(path: Path) -> None:
    lab = load_lab(path)
    if not _is_walkthrough(lab):
        pytest.skip("a scenario lab (no task or quiz)")
    assert lab.objectives, "a walkthrough names the objectives it teaches"
    assert lab.summary.strip(), "a walkthrough has a summary"
    quizzes = [s for s in lab.steps if isinstance(s, Quiz)]
    assert quizzes, "a walkthrough has at least one quiz"
    for quiz in quizzes:
        assert 3 <= len(quiz.choices) <= 4, f"quiz {quiz.question!r} has {len(quiz.choices)} choices"
        assert quiz.explain and quiz.explain.strip(), f"quiz {quiz.question!r} explains its answer"
    for task in (s for s in lab.steps if isinstance(s, Task)):
        assert task.hint and task.hint.strip(), f"task {task.text!r} has no hint"
        assert task.solution and task.solution.strip(), f"task {task.text!r} has no solution"
        for line in task.solution.splitlines():
            assert line.strip().lower() not in task.hint.lower(), f"the hint of {task.text!r} gives the solution away"


@pytest.mark.parametrize("path", LABS, ids=_ids(LABS))
def test_lab_objectives_exist(path: Path) -> None:
    lab = load_lab(path)
    unknown = [o for o in lab.objectives if o not in OBJECTIVES]
    assert not unknown, f"not in the objective map: {unknown}"


@pytest.mark.parametrize(
    "prefix, os_names", [("74409-", {"2012R2"}), ("az801-", {"2019", "2022"})], ids=["74-409", "AZ-801"]
)
def test_exam_labs_use_the_os_the_exam_assumes(prefix: str, os_names: set[str]) -> None:
    for path in (p for p in LABS if p.stem.startswith(prefix)):
        lab = load_lab(path)
        assert lab.spec.os in os_names, f"{path.name} runs Windows Server {lab.spec.os}"
        exam = "74-409/" if prefix == "74409-" else "AZ-801/"
        assert all(o.startswith(exam) for o in lab.objectives), f"{path.name} claims another exam's objectives"


def test_the_writing_guide_example_plays() -> None:
    """docs/writing-labs.md carries one complete walkthrough; it must load and pass as written."""
    text = WRITING_LABS.read_text(encoding="utf-8")
    match = re.search(r"<!-- example-lab -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, "the guide marks its complete example with <!-- example-lab -->"
    lab = load_lab_text(match.group(1), "example.yaml")
    assert _is_walkthrough(lab)
    assert not _play(lab)
