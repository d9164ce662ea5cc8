"""The walkthrough engine and the Lab pane: tasks wait for their check, hints are free, a revealed
solution costs the task's point, a quiz scores when right first time, progress survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from clusterlab.lab import ProgressStore, Walkthrough, load_lab_text
from clusterlab.shell import Shell
from clusterlab.sim import Cluster
from clusterlab.tui import ClusterLabApp, make_app
from clusterlab.tui.widgets import LabView
from tests.test_tui import drive

LAB = """
format: 1
id: drain-basics
title: Drain before patching
objectives: [74-409/drain-on-shutdown]
os: "2022"
cluster:
  nodes: [HV01, HV02, HV03]
  quorum: {witness: {type: Cloud, path: labwitness}}
  csvs: [{name: CSV1}]
  vms:
    - {name: APP01, owner: HV03, csv: CSV1}
    - {name: APP02, owner: HV03, csv: CSV1}
steps:
  - say: HV03 needs a patch. **Drain it** first.
  - run: Get-ClusterNode
  - task: Drain HV03 so its VMs live-migrate away.
    check: {node: HV03, state: Paused, drain: Completed}
    hint: Suspend the node with the switch that moves its roles.
    solution: Suspend-ClusterNode -Name HV03 -Drain
  - expect: {role: APP01, owner_not: HV03}
  - wait: 1m
  - quiz:
      question: Which roles move first when a node drains?
      choices: [Low priority, High priority, Alphabetical]
      answer: 1
      explain: Drain moves roles in priority order, High first (§6.2).
  - task: Bring HV03 back with its roles.
    check: {node: HV03, state: Up}
    hint: Resume it with failback.
    solution: Resume-ClusterNode -Name HV03 -Failback Immediate
  - say: Done.
"""


def walkthrough() -> tuple[Walkthrough, Cluster, Shell]:
    lab = load_lab_text(LAB, "drain-basics.yaml")
    cluster = Cluster(lab.spec)
    shell = Shell(cluster, blocking=False)
    return Walkthrough(lab, cluster, lambda line: shell.run(line).output), cluster, shell


def test_steps_run_by_themselves_until_a_task_waits_for_its_check() -> None:
    wt, cluster, shell = walkthrough()
    lines = wt.poll()
    assert [line.kind for line in lines] == ["say", "run", "output", "task"]
    assert wt.task is not None and not wt.task_met()
    assert wt.poll() == [], "nothing new while the learner has not acted"
    shell.run("Suspend-ClusterNode -Name HV03 -Drain")
    cluster.advance(120)
    lines = wt.poll()
    assert [line.kind for line in lines] == ["done", "pass", "quiz"]
    assert cluster.now == pytest.approx(180), "wait: 1m moved the clock on by itself"
    assert wt.quiz is not None


def test_do_it_for_me_includes_the_wait_for_the_check() -> None:
    """y on a drain task: the solution runs and simulated time moves on until the drain completed,
    as `play` lets it — the learner is not left watching a task that holds only later."""
    wt, cluster, _ = walkthrough()
    wt.poll()
    lines = wt.do_solution()
    kinds = [line.kind for line in lines]
    assert kinds[:2] == ["solution", "output"] and "done" in kinds, kinds
    waited = next(line.text for line in lines if line.text.startswith("(simulated time ran"))
    assert waited.endswith("until it held)") and cluster.now > 0
    assert wt.quiz is not None, "the walkthrough went on to the quiz"


def test_score_hints_are_free_solutions_cost_the_task_quizzes_count_first_answers() -> None:
    wt, cluster, shell = walkthrough()
    wt.poll()
    assert wt.hint() == "Suspend the node with the switch that moves its roles."
    shell.run("Suspend-ClusterNode -Name HV03 -Drain")
    cluster.advance(120)
    wt.poll()
    assert [line.kind for line in wt.answer(0)] == ["wrong"]
    lines = wt.answer(1)
    assert [line.kind for line in lines][:3] == ["right", "explain", "task"]
    assert wt.solution() == "Resume-ClusterNode -Name HV03 -Failback Immediate"
    lines = wt.do_solution()
    assert lines[0].kind == "solution" and lines[-1].kind == "end"
    assert wt.finished
    score = wt.score
    assert (score.tasks_clean, score.tasks, score.quizzes_first_try, score.quizzes) == (1, 2, 0, 1)
    assert score.text() == "1/3 · tasks 1/2 without the solution · quizzes 0/1 right first time"


def test_state_restores_the_walkthrough_where_it_stopped() -> None:
    wt, cluster, shell = walkthrough()
    wt.poll()
    wt.hint()
    state = wt.state()
    lab = load_lab_text(LAB, "drain-basics.yaml")
    again = Walkthrough(lab, cluster, lambda line: shell.run(line).output, state=state)
    assert again.poll() == [], "the task text was already shown; nothing runs twice"
    assert again.task is not None and again.s.hinted == {2}
    broken = Walkthrough(lab, cluster, lambda line: "", state={"index": "x", "answers": 5})
    assert broken.progress == (0, 8), "a damaged state starts the lab afresh instead of failing"


def test_progress_is_saved_atomically_and_a_damaged_file_is_kept_aside(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.json")
    store.started("drain-basics", "Drain before patching", ["74-409/drain-on-shutdown"], tmp_path / "j.jsonl")
    store.moved("drain-basics", {"index": 3}, (3, 7))
    assert ProgressStore(tmp_path / "progress.json").labs["drain-basics"].status() == "in progress 3/7 steps"
    store.finished("drain-basics", 2, 3)
    again = ProgressStore(tmp_path / "progress.json")
    assert again.labs["drain-basics"].status() == "done 2/3"
    assert again.covered() == {"74-409/drain-on-shutdown"}
    assert not list(tmp_path.glob(".progress.json.*")), "no temporary file left behind"
    (tmp_path / "progress.json").write_text("{half a file", encoding="utf-8")
    damaged = ProgressStore(tmp_path / "progress.json")
    assert damaged.labs == {} and damaged.problem is not None and "damaged" in damaged.problem
    assert (tmp_path / "progress.json.damaged").read_text(encoding="utf-8") == "{half a file"


def test_the_lab_pane_walks_a_learner_through_tasks_and_the_quiz(tmp_path: Path) -> None:
    lab = load_lab_text(LAB, "drain-basics.yaml")
    store = ProgressStore(tmp_path / "progress.json")
    store.started(lab.id, lab.title, list(lab.objectives), tmp_path / "j.jsonl")
    app = make_app(lab, paused=True, walkthrough=True, progress=store, journal=tmp_path / "j.jsonl")

    async def learner(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        assert app.pane == "lab"
        text = _lab_text(app)
        assert "Drain it" in text and "Task:" in text
        await pilot.press("down", "down", "d")  # the learner drains HV03 by key
        app.advance_sim(120)
        await pilot.pause()
        assert "Task done" in _lab_text(app) and "Quiz:" in _lab_text(app)
        await pilot.press("1")  # wrong
        await pilot.press("2")  # right
        await pilot.pause()
        assert "not quite" in _lab_text(app) and "✔ High priority." in _lab_text(app)
        await pilot.press("h")
        await pilot.press("y")  # do it for me: Resume-ClusterNode -Failback Immediate
        app.advance_sim(5)
        await pilot.pause()
        assert "Lab complete" in _lab_text(app)

    drive(learner, app=app)
    assert ProgressStore(tmp_path / "progress.json").labs[lab.id].status() == "done 1/3"


def _lab_text(app: ClusterLabApp) -> str:
    view = app.query_one(LabView)
    parts = []
    for widget in view.query("#lab-narration > *"):
        source = getattr(widget, "source", None)
        parts.append(source if isinstance(source, str) else str(widget.render()))
    return "\n".join(parts)


def test_l_opens_the_lab_picker_and_choosing_a_lab_hands_it_to_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clusterlab.tui.picker import LabChoice, LabPicker

    monkeypatch.setenv("CLUSTERLAB_DATA", str(tmp_path))
    app = make_app(paused=True)

    async def learner(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        await pilot.press("L")
        for _ in range(200):  # the library loads in a worker thread
            await pilot.pause(0.05)
            if isinstance(app.screen, LabPicker):
                break
        assert isinstance(app.screen, LabPicker)
        await pilot.press(*"quorum", "down")  # from the filter into the list, past the default lab
        await pilot.pause()
        detail = str(app.screen.query_one("#picker-detail").render())
        assert detail.startswith("74-409: Configure quorum"), "the highlighted lab in full, whatever the width"
        assert "walkthrough · " in detail and "74-409/quorum · not started" in detail
        await pilot.press("escape")  # back to the cockpit
        await pilot.press("L")
        for _ in range(200):
            await pilot.pause(0.05)
            if isinstance(app.screen, LabPicker):
                break
        await pilot.press(*"default")
        await pilot.press("enter")
        await pilot.pause()

    drive(learner, app=app)
    assert app.return_value == LabChoice("default", restart=False)
