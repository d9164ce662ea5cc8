"""The public API: determinism, typed errors, layering."""

from __future__ import annotations

import subprocess
import sys

import pytest

from clusterlab.lab import default_lab_path, load_lab
from clusterlab.sim import Cluster, ClusterError, InvalidArgumentError, InvalidStateError, ObjectNotFoundError
from tests.builders import build


def _session(seed: int) -> list[tuple[float, str, str, str]]:
    from dataclasses import replace

    lab = load_lab(default_lab_path())
    c = Cluster(replace(lab.spec, seed=seed))
    c.fail_witness()
    c.advance(10)
    c.crash_node("HV02")
    c.advance(45)
    c.partition_networks([["HV01"], ["HV03", "HV04"]])
    c.advance(120)
    c.repair_all()
    c.advance(600)
    c.stop_node("HV03")
    c.advance(300)
    return [(e.time, e.name, e.source, e.message) for e in c.events]


def test_same_seed_and_commands_give_the_identical_event_stream() -> None:
    first, second = _session(7), _session(7)
    assert first == second
    assert len(first) > 30


def test_the_seed_matters_where_the_product_is_random() -> None:
    streams = {tuple(_session(s)) for s in range(6)}
    assert len(streams) > 1


def test_unknown_names_raise_one_typed_error_with_a_suggestion() -> None:
    c = build(4)
    with pytest.raises(ObjectNotFoundError) as info:
        c.crash_node("HV2")
    assert info.value.message == "The node 'HV2' was not found. Did you mean 'HV02'?"
    with pytest.raises(ObjectNotFoundError, match="clustered role 'NOPE'"):
        c.move_group("NOPE")
    assert c.node("hv03").name == "HV03", "names are case-insensitive like PowerShell's"


@pytest.mark.parametrize(
    "action",
    [
        lambda c: c.power_on_node("HV01"),
        lambda c: c.start_node("HV01"),
        lambda c: c.resume_node("HV01"),
        lambda c: c.restore_witness(),
        lambda c: c.stop_group("Cluster Group"),
        lambda c: c.repair_node("HV01"),
    ],
)
def test_illegal_in_the_current_state(action) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidStateError):
        action(build(3, witness="FileShare"))


@pytest.mark.parametrize(
    "action",
    [
        lambda c: c.set_node_weight("HV01", 2),
        lambda c: c.run_until(-1),
        lambda c: c.start_node("HV01", force_quorum=True, prevent_quorum=True),
        lambda c: c.set_lower_quorum_priority_node_id(9),
        lambda c: c.partition_networks([["HV01", "HV02", "HV03"]]),
        lambda c: c.partition_networks([["HV01"], ["HV01", "HV02"]]),
    ],
)
def test_bad_arguments(action) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgumentError):
        action(build(3))


def test_a_crashed_node_refuses_commands_that_need_it_running() -> None:
    c = build(3)
    c.crash_node("HV01")
    for action in (c.crash_node, c.stop_node, c.start_node):
        with pytest.raises(ClusterError):
            action("HV01")


def test_headless_layers_never_import_textual() -> None:
    code = (
        "import sys, clusterlab.sim, clusterlab.lab, clusterlab.shell, clusterlab.cli, clusterlab.logging; "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]; "
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_snapshots_are_immutable() -> None:
    import dataclasses

    snap = build(3).snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.nodes[0].state = "Down"  # type: ignore[misc]
