"""The lab loader: shipped labs load, every key of the format reaches the spec or the steps, the JSON Schema."""

from __future__ import annotations

import io
import json
import re
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from clusterlab.lab import Lab, LabError, default_lab_path, load_lab, load_lab_text, resolve_lab, shipped_labs_dir
from clusterlab.lab.expectations import SUBJECT_KEYS, SUBJECT_VALUES
from clusterlab.lab.schema import LAB, STEP_KINDS, json_schema
from clusterlab.lab.schema_kinds import Anything, Kind, Record, Tagged, walk
from clusterlab.lab.steps import AllOf, AnyOf, At, Check, Expect, NotOf, Quiz, Run, Say, Task, Wait, Where
from clusterlab.lab.validate import validate_paths
from clusterlab.sim import Cluster
from clusterlab.sim.spec import NetworkRole, Priority, WitnessType

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "labs").glob("*.yaml"))


def lab(text: str, source: str = "t.yaml") -> Lab:
    return load_lab_text(textwrap.dedent(text), source)


def problems(text: str) -> list[str]:
    with pytest.raises(LabError) as info:
        lab(text)
    return info.value.problems


MINI = """\
format: 1
cluster:
  nodes: [HV01, HV02]
"""


# shipped labs ------------------------------------------------------------------------------


def test_default_lab_loads() -> None:
    loaded = load_lab(default_lab_path())
    assert loaded.id == "default"
    assert [n.name for n in loaded.spec.nodes] == ["HV01", "HV02", "HV03", "HV04"]
    assert loaded.spec.quorum.witness.type is WitnessType.FILE_SHARE
    assert len(loaded.spec.vms) == 13
    assert all(isinstance(s, Say | Run | Wait | At | Expect | Task | Quiz) for s in loaded.steps)
    assert loaded.path == default_lab_path()
    Cluster(loaded.spec)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_lab_loads_and_its_id_is_its_file_name(path: Path) -> None:
    loaded = load_lab(path)
    assert loaded.id == path.stem
    assert resolve_lab(path.stem) == shipped_labs_dir() / path.name


def test_resolve_lab_by_path_and_unknown_id() -> None:
    assert resolve_lab(str(default_lab_path())) == default_lab_path()
    with pytest.raises(LabError) as info:
        resolve_lab("defualt")
    assert info.value.problems == [
        "defualt: no such lab file, and no shipped lab has this id (expected a path or a lab id; did you mean "
        "'default'?)"
    ]


# every key ---------------------------------------------------------------------------------

FULL = """\
format: 1
id: full-lab
title: Every key once
summary: A lab that uses every key of the format.
objectives: [74-409/quorum, AZ-801/quorum]
os: "2019"
seed: 7
clock: "2026-03-02 22:30"

cluster:
  name: LABCLUS
  node_defaults: {memory_gb: 128, cpus: 16, site: Paris, node_weight: 1}
  nodes:
    - HV01
    - {name: HV02, memory_gb: 256, cpus: 48, site: Lyon, node_weight: 0}
    - HV03
  networks:
    - {name: Management, role: ClusterAndClient}
    - {name: Cluster, role: Cluster, gbps: 25}
    - {name: LiveMigration, role: Cluster, live_migration: true, gbps: 40}
    - {name: iSCSI, role: None}
  quorum:
    witness: {type: FileShare, path: '\\\\FS99\\LABCLUS'}
    dynamic_quorum: true
    lower_quorum_priority_node: HV03
  csvs:
    - {name: CSV1, size_gb: 4096}
    - {name: CSV2}
  vms:
    - name: DC01
      memory_gb: 4
      vhd_gb: 80
      csv: CSV1
      owner: HV01
      priority: High
      preferred_owners: [HV01, HV02]
      possible_owners: [HV01, HV02, HV03]
      anti_affinity: [dc]
      failback: {type: Allow, window: [1, 5]}
      monitored_services: [NTDS, DNS]
      protected_network: false
      running: true
      boot_s: 45s
    - {name: DEV01, priority: NoAutoStart}
    - {name: OFF01, running: false, memory_gb: 2}
    - {generate: 3, prefix: APP, memory_gb: 8, csv: CSV2, priority: Low, anti_affinity: [app]}
  enforced_anti_affinity: true

steps:
  - say: Hello.
  - run: Get-ClusterQuorum
  - wait: 30
  - wait: 30s
  - wait: 5m
  - wait: 1h
  - wait: 1h30m
  - at: 3h
  - expect: {node: HV02, state: Up, drain: NotInitiated, node_weight: 0, dynamic_weight: 0, roles: 0}
  - expect: {role: DC01, state: Online, owner: HV01, owner_not: HV02, owner_in: [HV01, HV03]}
    within: 2m
  - expect: {vm: DC01, state: Running, host: HV01, downtime_max: 1m, migrations: 0}
  - expect: {csv: CSV1, owner: HV01, state: Online, io: {HV01: Direct, HV02: FileSystemRedirected}}
  - expect: {quorum: Up}
  - expect: {quorum: {state: Up, votes: 3, witness_vote: 1, forced: false}}
  - expect: {event: 1135, count: 0, source: HV02}
  - expect: {event: 1069, min: 0, max: 2}
  - expect: {cau: NotStarted}
  - expect: {cau: {status: NotStarted, nodes_updated: 0, failed_nodes: []}}
  - expect: {role: Cluster Group, state: Online}
  - expect: {role: Available Storage, state: Online}
  - task: Drain HV03 so it can be patched.
    check: {node: HV03, state: Paused, drain: Completed}
    solution: Suspend-ClusterNode -Name HV03 -Drain
    hint: Pause the node with the option that moves its roles away first.
    within: 10m
  - quiz:
      question: How many votes does the cluster need now?
      choices: [2, 3, "4"]
      answer: 1
      explain: A majority of the votes.
"""


def test_every_key_reaches_the_spec() -> None:
    loaded = lab(FULL)
    spec = loaded.spec
    assert (loaded.id, loaded.title, loaded.summary) == (
        "full-lab",
        "Every key once",
        "A lab that uses every key of the format.",
    )
    assert loaded.objectives == ("74-409/quorum", "AZ-801/quorum")
    assert (spec.os, spec.seed, spec.clock, spec.name) == ("2019", 7, datetime(2026, 3, 2, 22, 30), "LABCLUS")
    hv01, hv02, _ = spec.nodes
    assert (hv01.memory_gb, hv01.cpus, hv01.site, hv01.node_weight) == (128.0, 16, "Paris", 1)
    assert (hv02.memory_gb, hv02.cpus, hv02.site, hv02.node_weight) == (256.0, 48, "Lyon", 0)
    assert [(n.name, n.role, n.live_migration, n.gbps) for n in spec.networks] == [
        ("Management", NetworkRole.CLUSTER_AND_CLIENT, False, 10.0),
        ("Cluster", NetworkRole.CLUSTER, False, 25.0),
        ("LiveMigration", NetworkRole.CLUSTER, True, 40.0),
        ("iSCSI", NetworkRole.NONE, False, 10.0),
    ]
    assert spec.quorum.witness.type is WitnessType.FILE_SHARE
    assert spec.quorum.witness.path == "\\\\FS99\\LABCLUS"
    assert spec.quorum.lower_quorum_priority_node == "HV03"
    assert [(c.name, c.size_gb) for c in spec.csvs] == [("CSV1", 4096.0), ("CSV2", 2048.0)]
    dc = spec.vms[0]
    assert (dc.name, dc.memory_gb, dc.vhd_gb, dc.csv, dc.owner, dc.priority) == (
        "DC01",
        4.0,
        80.0,
        "CSV1",
        "HV01",
        Priority.HIGH,
    )
    assert dc.preferred_owners == ("HV01", "HV02")
    assert dc.possible_owners == ("HV01", "HV02", "HV03")
    assert dc.anti_affinity == ("dc",)
    assert (dc.failback.allow, dc.failback.window) == (True, (1, 5))
    assert (dc.running, dc.boot_s) == (True, 45.0)
    assert spec.vms[1].priority is Priority.NO_AUTO_START and spec.vms[1].running is None
    assert spec.vms[2].running is False
    assert [v.name for v in spec.vms[3:]] == ["APP01", "APP02", "APP03"]
    assert all(v.csv == "CSV2" and v.priority is Priority.LOW and v.anti_affinity == ("app",) for v in spec.vms[3:])
    assert spec.enforced_anti_affinity is True
    assert loaded.extra["vms"]["DC01"] == {"monitored_services": ("NTDS", "DNS"), "protected_network": False}
    assert loaded.extra["vms"]["APP02"] == {"monitored_services": (), "protected_network": True}


def line_of(text: str, start: str) -> int:
    """The 1-based number of the first line of ``text`` that starts (after indentation) with ``start``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.lstrip().startswith(start))


def test_every_step_kind_and_duration() -> None:
    steps = lab(FULL).steps
    assert steps[0] == Say("Hello.", Where("t.yaml", line_of(FULL, "- say: Hello."), 5))
    assert steps[1] == Run("Get-ClusterQuorum", Where("t.yaml", line_of(FULL, "- run:"), 5))
    assert [s.seconds for s in steps[2:7] if isinstance(s, Wait)] == [30.0, 30.0, 300.0, 3600.0, 5400.0]
    assert steps[7] == At(10800.0, Where("t.yaml", line_of(FULL, "- at: 3h"), 5))
    task = steps[-2]
    assert task == Task(
        "Drain HV03 so it can be patched.",
        Check("node", "HV03", {"state": "Paused", "drain": "Completed"}),
        "Suspend-ClusterNode -Name HV03 -Drain",
        "Pause the node with the option that moves its roles away first.",
        600.0,
        Where("t.yaml", line_of(FULL, "- task:"), 5),
    )
    assert steps[-1] == Quiz(
        "How many votes does the cluster need now?",
        ("2", "3", "4"),
        1,
        "A majority of the votes.",
        Where("t.yaml", line_of(FULL, "- quiz:"), 5),
    )


def test_expectation_subjects_parse_to_checks() -> None:
    expects = [s for s in lab(FULL).steps if isinstance(s, Expect)]
    assert [e.expectation for e in expects] == [
        Check(
            "node", "HV02", {"state": "Up", "drain": "NotInitiated", "node_weight": 0, "dynamic_weight": 0, "roles": 0}
        ),
        Check("role", "DC01", {"state": "Online", "owner": "HV01", "owner_not": "HV02", "owner_in": ["HV01", "HV03"]}),
        Check("vm", "DC01", {"state": "Running", "host": "HV01", "downtime_max": 60.0, "migrations": 0}),
        Check(
            "csv",
            "CSV1",
            {"owner": "HV01", "state": "Online", "io": {"HV01": "Direct", "HV02": "FileSystemRedirected"}},
        ),
        Check("quorum", "Up", {}),
        Check("quorum", None, {"state": "Up", "votes": 3, "witness_vote": 1, "forced": False}),
        Check("event", "1135", {"count": 0, "source": "HV02"}),
        Check("event", "1069", {"min": 0, "max": 2}),
        Check("cau", None, {"status": "NotStarted"}),
        Check("cau", None, {"status": "NotStarted", "nodes_updated": 0, "failed_nodes": []}),
        Check("role", "Cluster Group", {"state": "Online"}),
        Check("role", "Available Storage", {"state": "Online"}),
    ]
    assert expects[1].within == 120.0
    assert expects[0].within is None
    lines = FULL.splitlines()
    for e in expects:
        assert lines[e.where.line - 1].lstrip().startswith("- expect:")
        assert e.where.column == 5
        assert str(e.where) == f"t.yaml:{e.where.line}"


def test_combinators_nest_with_where_lines() -> None:
    loaded = lab(
        MINI
        + """\
  vms: [{name: DC01}]
steps:
  - say: first
  - expect:
      all:
        - {node: HV01, state: Up}
        - any:
            - {role: DC01, owner: HV01}
            - {role: DC01, owner: HV02}
        - not: {quorum: Down}
    within: 1m
  - task: Keep DC01 off HV02.
    check: {not: {vm: DC01, host: HV02}}
"""
    )
    _, expect, task = loaded.steps
    assert isinstance(expect, Expect) and isinstance(task, Task)
    assert expect.where == Where("t.yaml", 7, 5)
    assert task.where == Where("t.yaml", 15, 5)
    assert expect.within == 60.0
    assert expect.expectation == AllOf(
        (
            Check("node", "HV01", {"state": "Up"}),
            AnyOf((Check("role", "DC01", {"owner": "HV01"}), Check("role", "DC01", {"owner": "HV02"}))),
            NotOf(Check("quorum", "Down", {})),
        )
    )
    assert task.check == NotOf(Check("vm", "DC01", {"host": "HV02"}))


def test_expectation_key_order_does_not_matter() -> None:
    loaded = lab(MINI + "steps:\n  - expect: {state: Down, node: HV02}\n")
    assert loaded.steps[0] == Expect(Check("node", "HV02", {"state": "Down"}), None, Where("t.yaml", 5, 5))


def test_yaml_words_stay_words() -> None:
    """``Off`` is a VM state and ``2016`` an os, though YAML 1.1 would read them as false and 2016."""
    loaded = lab(
        """\
        format: 1
        os: 2016
        cluster:
          nodes: [HV01]
          quorum: {witness: {type: None}}
          networks: [{name: n1, role: ClusterAndClient}, {name: n2, role: None}]
          vms: [{name: DEV01, running: false}]
        steps:
          - expect: {vm: DEV01, state: Off}
          - quiz: {question: "Yes or no?", choices: [yes, no], answer: 0}
        """
    )
    assert loaded.spec.os == "2016"
    assert loaded.spec.quorum.witness.type is WitnessType.NONE
    assert loaded.spec.networks[1].role is NetworkRole.NONE
    assert loaded.steps[0] == Expect(Check("vm", "DEV01", {"state": "Off"}), None, Where("t.yaml", 9, 5))
    assert isinstance(loaded.steps[1], Quiz) and loaded.steps[1].choices == ("yes", "no")


def test_defaults() -> None:
    loaded = lab(MINI, source="labs/mini.yaml")
    spec = loaded.spec
    assert (loaded.id, loaded.title, loaded.summary, loaded.objectives, loaded.steps) == ("lab", "lab", "", (), ())
    assert (spec.os, spec.seed, spec.clock, spec.name) == ("2022", 0, datetime(2026, 1, 5, 9, 0), "HVCLUS")
    assert [(n.memory_gb, n.cpus, n.site, n.node_weight) for n in spec.nodes] == [(256.0, 32, None, 1)] * 2
    assert [n.name for n in spec.networks] == ["Cluster Network 1"]
    assert spec.quorum.witness.type is WitnessType.NONE and spec.quorum.dynamic_quorum
    assert load_lab_text(MINI, "x.yaml", default_id="from-file").id == "from-file"


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        ('"2026-02-03 04:05"', datetime(2026, 2, 3, 4, 5)),
        ("2026-02-03 04:05:06", datetime(2026, 2, 3, 4, 5, 6)),
        ("2026-02-03", datetime(2026, 2, 3)),
        ('"2026-02-03T04:05"', datetime(2026, 2, 3, 4, 5)),
    ],
)
def test_clock_forms(clock: str, expected: datetime) -> None:
    assert lab(f"clock: {clock}\n" + MINI).spec.clock == expected


@pytest.mark.parametrize(("generate", "first", "last"), [(9, "VM01", "VM09"), (100, "VM001", "VM100")])
def test_generated_names_are_zero_padded(generate: int, first: str, last: str) -> None:
    spec = lab(
        MINI.replace("[HV01, HV02]", "[HV01, HV02]\n  node_defaults: {memory_gb: 1024}")
        + f"  vms: [{{generate: {generate}, memory_gb: 1}}]\n"
    ).spec
    assert (spec.vms[0].name, spec.vms[-1].name, len(spec.vms)) == (first, last, generate)


def test_merge_keys_and_anchors() -> None:
    spec = lab(
        MINI
        + """\
  vms:
    - &sql {name: SQL01, memory_gb: 16, priority: High, preferred_owners: [HV01, HV02]}
    - {<<: *sql, name: SQL02}
"""
    ).spec
    assert [(v.name, v.memory_gb, v.priority, v.preferred_owners) for v in spec.vms] == [
        ("SQL01", 16.0, Priority.HIGH, ("HV01", "HV02")),
        ("SQL02", 16.0, Priority.HIGH, ("HV01", "HV02")),
    ]


def test_references_ignore_case_and_take_the_defined_spelling() -> None:
    loaded = lab(
        MINI
        + """\
  csvs: [{name: CSV1}]
  vms: [{name: DC01, owner: hv01, csv: csv1, preferred_owners: [hv02, Hv01]}]
  quorum: {lower_quorum_priority_node: hv02}
steps:
  - expect: {csv: Csv1, io: {hv01: Direct, HV02: BlockRedirected}}
  - expect: {role: dc01, owner_in: [hv01], owner_not: hv02}
  - expect: {event: 1135, source: hvclus}
"""
    )
    vm = loaded.spec.vms[0]
    assert (vm.owner, vm.csv, vm.preferred_owners) == ("HV01", "CSV1", ("HV02", "HV01"))
    assert loaded.spec.quorum.lower_quorum_priority_node == "HV02"
    assert [s.expectation for s in loaded.steps if isinstance(s, Expect)] == [
        Check("csv", "CSV1", {"io": {"HV01": "Direct", "HV02": "BlockRedirected"}}),
        Check("role", "DC01", {"owner_in": ["HV01"], "owner_not": "HV02"}),
        Check("event", "1135", {"source": "HVCLUS"}),
    ]


# problems that only the whole lab shows ----------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "  vms: [{name: DC01, owner: HV02, possible_owners: [HV01]}]\n",
            "t.yaml:4:29: cluster.vms[0]: owner HV02 is not one of the possible_owners (expected one of HV01)",
        ),
        (
            "  vms: [{name: DC01, failback: {type: Prevent, window: [1, 5]}}]\n",
            "cluster.vms[0].failback.window: a failback window needs failback type Allow (expected type: Allow)",
        ),
        (
            "  quorum: {witness: {type: FileShare}}\n",
            "t.yaml:4:21: cluster.quorum.witness: a FileShare witness needs a path "
            "(expected path: '\\\\server\\share')",
        ),
        (
            "  quorum: {witness: {type: FileShare, path: FS01}}\n",
            "cluster.quorum.witness.path: 'FS01' is not a file share (expected '\\\\server\\share', in single quotes)",
        ),
        (
            "  quorum: {dynamic_quorum: false, lower_quorum_priority_node: HV01}\n",
            "cluster.quorum.lower_quorum_priority_node only breaks ties of dynamic quorum, which is off",
        ),
        (
            "  node_defaults: {node_weight: 0}\n",
            "cluster.nodes: every node has node_weight 0 (expected at least one node with a vote)",
        ),
        (
            "  vms: [{name: A, memory_gb: 200, owner: HV01}, {name: B, memory_gb: 200, owner: HV01}]\n",
            "cluster.vms: the running VMs with owner HV01 need 400 GB of memory but HV01 has 256 GB",
        ),
        (
            "  vms: [{name: A, memory_gb: 200, possible_owners: [HV01]}]\n  nodes: []\n",
            "duplicate key 'nodes' in cluster",
        ),
        (
            "  name: HV-CLUSTER-NUMBER-1\n",
            "cluster.name: 'HV-CLUSTER-NUMBER-1' is not valid (expected a computer "
            "name: 1 to 15 letters, digits or hyphens, not starting with a hyphen)",
        ),
    ],
)
def test_cross_checks(extra: str, message: str) -> None:
    found = problems(MINI + extra)
    assert any(message in p for p in found), found


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            "  - expect: {quorum: {votes: 3}, votes: 4}\n",
            "t.yaml:5:41: steps[0].expect: votes is given twice, inside quorum: and beside it (expected it once)",
        ),
        (
            "  - expect: {event: 1135, count: 1, min: 1}\n",
            "t.yaml:5:34: steps[0].expect: count with min or max (expected either count, or min and/or max)",
        ),
        (
            "  - quiz: {question: q, choices: [a, b, a], answer: 0}\n",
            "t.yaml:5:41: steps[0].quiz.choices[2]: 'a' is listed twice (expected different choices)",
        ),
        (
            "  - quiz: {question: q, choices: [a], answer: 0}\n",
            "t.yaml:5:34: steps[0].quiz.choices has only 1 (expected a list of answers, at least 2)",
        ),
        (
            "  - expect: {node: HV01, state: Up}\n    within: -5\n",
            "t.yaml:6:13: steps[0].within: -5 is out of range (expected a duration such as 30, 30s, 5m or 1h30m, at "
            "least 0)",
        ),
        (
            "  - expect: {all: []}\n",
            "t.yaml:5:19: steps[0].expect.all has none (expected a list of expectations, at least 1)",
        ),
    ],
)
def test_step_checks(steps: str, message: str) -> None:
    assert problems(MINI + "steps:\n" + steps) == [message]


def test_cluster_size_limits() -> None:
    nodes = ", ".join(f"N{i:02d}" for i in range(65))
    assert problems(f"format: 1\ncluster:\n  nodes: [{nodes}]\n") == [
        "t.yaml:3:10: cluster.nodes has 65 items (expected a list of node names or node mappings, at most 64)"
    ]
    assert (
        problems(MINI + "  vms: [{generate: 8000, memory_gb: 0.01}, {generate: 5, prefix: X, memory_gb: 0.01}]\n")[0]
        == "t.yaml:4:8: cluster.vms defines 8,005 VMs (expected at most 8,000, the most a cluster supports)"
    )


def test_a_placement_the_simulator_refuses_is_a_problem() -> None:
    found = problems(
        MINI.replace("[HV01, HV02]", "[HV01, HV02]\n  node_defaults: {memory_gb: 10}")
        + "  vms: [{generate: 3, prefix: BIG, memory_gb: 6}]\n"
    )
    assert len(found) == 1, found  # the reason after the colon is the simulator's wording
    assert found[0].startswith(
        "t.yaml:5:9: cluster.vms[0]: the simulator cannot build this cluster: VM 'BIG03' cannot be placed at start:"
    )


def test_every_problem_at_once_in_file_order() -> None:
    found = problems(
        """\
        format: 1
        seed: -1
        cluster:
          nodes: [HV01]
          vms: [{name: DC01, owner: HV9}]
        steps:
          - wait: forever
        """
    )
    assert [p.split(": ")[0] for p in found] == ["t.yaml:2:7", "t.yaml:5:29", "t.yaml:7:11"]


# JSON Schema -------------------------------------------------------------------------------


def _objects(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found += _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _objects(value)
    return found


def test_json_schema_describes_every_property_and_refuses_unknown_keys() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    json.dumps(schema)
    objects = _objects(schema)
    assert len(objects) > 20
    for obj in objects:
        assert obj["additionalProperties"] is False
        for name, prop in obj["properties"].items():
            assert prop.get("description"), name
    assert schema["required"] == ["format", "cluster"]
    assert set(schema["properties"]) == {f.name for f in LAB.fields}


def test_json_schema_accepts_the_shipped_labs_and_refuses_a_typo() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    jsonschema.Draft202012Validator.check_schema(json_schema())
    for path in SHIPPED:
        assert not list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not list(validator.iter_errors(yaml.safe_load(FULL)))
    typo = yaml.safe_load(FULL)
    typo["cluster"]["vms"][0]["prefered_owners"] = ["HV01"]
    assert list(validator.iter_errors(typo))


def test_expectations_follow_the_evaluator_tables() -> None:
    """Every subject and key the evaluator knows is accepted, with a real type (not 'anything')."""
    expectation = next(k for k in _kinds() if isinstance(k, Tagged) and "node" in k.tags())
    assert set(expectation.tags()) == {*SUBJECT_KEYS, "all", "any", "not"}
    for variant in expectation.variants:
        if variant.tag in SUBJECT_KEYS:
            keys = [f for f in variant.fields if f.name != variant.tag]
            assert [f.name for f in keys] == list(SUBJECT_KEYS[variant.tag])
            assert not any(isinstance(f.kind, Anything) for f in keys)
    for subject, table in SUBJECT_VALUES.items():
        for key, words in table.items():
            for word in words:
                if subject == "quorum":
                    text = f"{{quorum: {word}}}"
                else:
                    name = {
                        "node": "HV01",
                        "role": "DC01",
                        "vm": "DC01",
                        "csv": "CSV1",
                        "cau": "~",
                        "file_server": "FS1",
                        "guest_cluster": "GC1",
                        "cluster": "~",
                    }[subject]
                    text = f"{{{subject}: {name}, {key}: {word}}}"
                lab(
                    MINI
                    + "  csvs: [{name: CSV1}]\n  vms: [{name: DC01}, {name: DC02}]\n  file_servers: [{name: FS1}]\n"
                    + "  guest_clusters: [{name: GC1, vms: [DC01, DC02]}]\n"
                    + "steps:\n  - expect: "
                    + text
                    + "\n"
                )


def _kinds() -> list[Kind]:
    found: list[Kind] = []
    walk(LAB, found.append)
    return found


# docs and the validate command -------------------------------------------------------------


def test_the_reference_documents_every_key_and_subject() -> None:
    doc = (ROOT / "docs" / "lab-format.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for kind in _kinds():
        if isinstance(kind, Record):
            names |= {f.name for f in kind.fields}
    missing = sorted(n for n in names if not re.search(rf"`{re.escape(n)}\b", doc))
    assert not missing, f"docs/lab-format.md does not mention: {missing}"
    for step in STEP_KINDS:
        assert f"`{step}:" in doc or f"`{step}`" in doc
    assert "Invoke-LabFault" in doc and "Repair-LabFault" in doc


def test_the_reference_examples_load() -> None:
    doc = (ROOT / "docs" / "lab-format.md").read_text(encoding="utf-8")
    labs = [b for b in re.findall(r"```yaml\n(.*?)```", doc, flags=re.S) if b.startswith("format: 1")]
    assert len(labs) >= 3
    for i, text in enumerate(labs):
        load_lab_text(text, f"docs example {i}")
    steps = re.findall(r"```yaml\n(- expect: .*?)```", doc, flags=re.S)
    assert steps, "the expectation examples"
    cluster = (
        "format: 1\ncluster:\n  nodes: [HV01, HV02, HV03, HV04]\n  csvs: [{name: CSV1}]\n"
        "  vms: [{name: DC01}, {name: SQL01}, {name: APP07}]\nsteps:\n"
    )
    for block in steps:
        load_lab_text(cluster + textwrap.indent(block, "  "), "docs expectations")


def test_validate_paths(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI + "  vms: [{name: DC01, prefered_owners: [HV01]}]\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert validate_paths([str(default_lab_path()), "default"], out, err) == 0
    assert out.getvalue() == f"OK {default_lab_path()}\nOK default\n" and err.getvalue() == ""
    out, err = io.StringIO(), io.StringIO()
    assert validate_paths([str(bad), str(default_lab_path())], out, err) == 2
    assert out.getvalue() == f"OK {default_lab_path()}\n"
    assert err.getvalue() == (
        f"{bad}:4:22: unknown key 'prefered_owners' in cluster.vms[0] (did you mean 'preferred_owners'?)\n"
    )


def test_field_defaults_are_not_shared_between_loads() -> None:
    first = lab(MINI + "  vms: [{name: A}]\n")
    second = lab(MINI + "  vms: [{name: B}]\n")
    assert first.spec.vms[0].preferred_owners == second.spec.vms[0].preferred_owners == ()
