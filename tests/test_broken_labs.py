"""Broken lab files: every problem reported at once, precisely, quickly, and only ever as LabError.

Each file in ``tests/broken_labs/`` has its exact list of messages below (``path:line:col: ...``).
Random text, random YAML documents and mutated copies of ``labs/default.yaml`` must give a Lab or a
LabError, never another exception, never the loader's internal-error safety net.
"""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.lab import Lab, LabError, load_lab, load_lab_text
from clusterlab.lab.safe_yaml import ACCELERATED, MAX_BYTES, YamlProblem, compose, decode

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).resolve().parent / "broken_labs"
DEFAULT = ROOT / "labs" / "default.yaml"
#: A hang guard, not a speed target (those live in benchmarks/): every file here loads in
#: milliseconds, the 100,000-value document in about 0.3 s on an idle machine; the bound is
#: loose so a busy CI machine cannot make it flaky.
TIME_LIMIT_S = 10.0

EXPECTED: dict[str, list[str]] = {
    "alias-bomb.yaml": [
        "9:7: aliases expand this value to more than 100,000 values (an alias bomb?; expected each anchor to be "
        "reused a few times)",
    ],
    "bad-steps.yaml": [
        "8:9: steps[1].at: 00:02:00 is earlier than 00:05:00, which the steps before it already reach (expected a "
        "later time; use wait for a relative delay)",
        "9:22: steps[2] has both 'say' and 'run' (expected one step per list item)",
        "10:33: steps[3].expect.state: 'Dwn' is not valid (expected one of Up, Down, Paused, Joining, Isolated, "
        "Quarantined; did you mean 'Down'?)",
        "10:38: unknown key 'within' in steps[3].expect (within belongs beside expect:, not inside it)",
        "12:13: steps[4].within is the text 'half a minute' (expected a duration such as 30, 30s, 5m or 1h30m)",
        "13:21: steps[5].expect.event is the text '1135' (expected an integer event ID such as 1135)",
        "17:15: steps[6].quiz.answer: 3 is not an index into the 3 choices (expected 0 to 2: the first choice is 0)",
        "18:5: steps[7]: missing required key 'check' (expected an expectation: a mapping whose first key is one of "
        "node, role, vm, csv, quorum, event, cau, file_server, guest_cluster, cluster, all, any, not)",
        "20:5: steps[8] has none of the keys say, run, wait, at, expect, task, quiz (expected a step: a mapping with "
        "one of say, run, wait, at, expect, task, quiz)",
    ],
    "cloud-witness-2012r2.yaml": [
        "6:21: cluster.quorum.witness.type: a Cloud witness needs Windows Server 2016 or later and os is 2012R2 "
        "(expected None, Disk or FileShare, or a later os)",
    ],
    "csv-as-disk-witness.yaml": [
        "7:33: cluster.quorum.witness.path: 'CSV1' is a Cluster Shared Volume and cannot be the disk witness "
        "(expected a cluster disk that is not a CSV, e.g. 'Cluster Disk 1')",
    ],
    "deep-nesting.yaml": [
        "5:590: the document is nested more than 100 levels deep (expected a flatter lab)",
    ],
    "duplicate-names.yaml": [
        "3:23: cluster.nodes[2]: node name 'hv01' is already used on line 3 (expected unique node names)",
        "6:14: cluster.networks[1]: network name 'Management' is already used on line 5 (expected unique network "
        "names)",
        "9:14: cluster.csvs[1]: CSV name 'CSV1' is already used on line 8 (expected unique CSV names)",
        "12:7: cluster.vms[1]: generates VM name 'APP02', which is already used on line 11 (expected unique VM names)",
        "13:14: cluster.vms[2]: 'Cluster Group' is a built-in role (expected another VM name)",
    ],
    "empty.yaml": [
        "1:1: the file is empty (expected a lab: format: 1, cluster and steps)",
    ],
    "impossible-memory.yaml": [
        "6:5: cluster.vms: the VMs running at start need 176 GB of memory but the 2 nodes have 128 GB in all "
        "(expected at most 128 GB: add nodes or memory, or set running: false on some VMs)",
        "6:32: cluster.vms[0]: VM 'SQL01' needs 96 GB of memory but the largest node has 64 GB (expected memory_gb "
        "of at most 64)",
    ],
    "latin1.yaml": [
        "2:11: byte 0xe9 is not valid UTF-8 (expected UTF-8 text; save the file as UTF-8)",
    ],
    "legacy-quorum-type.yaml": [
        "5:21: cluster.quorum.witness.type: 'NodeAndFileShareMajority' is not valid (expected one of None, Disk, "
        "FileShare, Cloud; NodeAndFileShareMajority is a quorum type, not a witness: write type: FileShare)",
    ],
    "no-cluster-network.yaml": [
        "5:5: cluster.networks: no network carries cluster traffic (expected at least one network with role Cluster "
        "or ClusterAndClient)",
    ],
    "non-utf8.yaml": [
        "1:1: byte 0xff is not valid UTF-8 (expected UTF-8 text; it looks like UTF-16; save it as UTF-8)",
    ],
    "python-tag.yaml": [
        "2:8: tag '!!python/object/apply:os.system' is not allowed: lab files hold plain data and tags that build "
        "Python objects are refused (expected a plain value, list or mapping)",
    ],
    "unknown-key.yaml": [
        "10:7: unknown key 'prefered_owners' in cluster.vms[2] (did you mean 'preferred_owners'?)",
        "12:5: unknown key 'expext' in steps[0] (did you mean 'expect'?)",
    ],
    "unknown-reference.yaml": [
        "7:33: cluster.quorum.lower_quorum_priority_node: unknown node 'HV3' (expected one of HV01, HV02, HV03; "
        "did you mean 'HV03'?)",
        "9:25: cluster.vms[0].csv: unknown CSV 'CSV2' (expected CSV1; did you mean 'CSV1'?)",
        "9:38: cluster.vms[0].owner: unknown node 'HV04' (expected one of HV01, HV02, HV03; did you mean 'HV03'?)",
        "9:69: cluster.vms[0].preferred_owners[1]: unknown node 'HV05' (expected one of HV01, HV02, HV03; did you "
        "mean 'HV03'?)",
        "11:20: steps[0].expect.role: unknown role 'DC1' (expected one of DC01, Cluster Group, Available Storage; "
        "did you mean 'DC01'?)",
        "12:20: steps[1].expect.node: unknown node 'HV4' (expected one of HV01, HV02, HV03)",
        "13:19: steps[2].expect.csv: unknown CSV 'CSV9' (expected CSV1; did you mean 'CSV1'?)",
        "13:30: steps[2].expect.io.HV07: unknown node 'HV07' (expected one of HV01, HV02, HV03; did you mean 'HV03'?)",
        "14:21: steps[3].expect.event is the text 'Node-Removed' (expected an integer event ID such as 1135)",
    ],
    "wrong-type.yaml": [
        "2:7: seed is the text 'forty-two' (expected an integer of at least 0)",
        "3:8: clock is the text 'next monday' (expected a date and time such as \"2026-01-05 09:00\")",
        "5:10: cluster.nodes is the text 'HV01' (expected a list of node names or node mappings)",
        "6:30: cluster.node_defaults.memory_gb is the text 'lots' (expected a number greater than 0)",
        "6:42: cluster.node_defaults.cpus is the number 8.5 (expected an integer of at least 1)",
        "8:21: cluster.quorum.dynamic_quorum is the text 'maybe' (expected true or false)",
        "10:31: cluster.vms[0].memory_gb: -4 is out of range (expected a number greater than 0)",
        "10:53: cluster.vms[0].preferred_owners is the text 'HV01' (expected a list of node names)",
        "10:68: cluster.vms[0].running is the number 1 (expected true or false)",
        "12:11: steps[0].wait is the text 'soon' (expected a duration such as 30, 30s, 5m or 1h30m)",
        "13:61: steps[1].quiz.answer is the text 'first' (expected an index into choices, 0 for the first)",
    ],
    "yaml-syntax.yaml": [
        "4:6: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 10)"
        if ACCELERATED
        else "4:6: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence at line 3, "
        "column 10)",
    ],
}


def _load_timed(path: Path) -> tuple[LabError, float]:
    start = time.perf_counter()
    try:
        load_lab(path)
    except LabError as exc:
        return exc, time.perf_counter() - start
    pytest.fail(f"{path.name} loaded, but it is broken")


def test_every_broken_lab_has_expectations() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_lab_reports_every_problem_precisely_and_fast(name: str) -> None:
    path = BROKEN / name
    exc, elapsed = _load_timed(path)
    assert exc.problems == [f"{path}:{m}" for m in EXPECTED[name]]
    assert [str(d) for d in exc.details] == exc.problems
    assert str(exc) == "\n".join(exc.problems)
    assert elapsed < TIME_LIMIT_S, f"{name} took {elapsed:.3f} s"


def test_the_non_utf8_file_really_holds_invalid_bytes() -> None:
    data = (BROKEN / "non-utf8.yaml").read_bytes()
    assert data == b"\xff\xfe\x00"
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_python_tag_never_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    _load_timed(BROKEN / "python-tag.yaml")
    assert calls == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "format: 1\nx: !!binary aGVsbG8=\n",
            "2:4: tag '!!binary' is not allowed (expected a plain value, list or mapping without a tag)",
        ),
        ("format: 1\nx: !custom 1\n", "2:4: tag '!custom' is not allowed"),
        ("format: 1\nx: !!set {a, b}\n", "2:4: tag '!!set' is not allowed"),
        ("format: 1\ncluster: &a {nodes: [*a]}\n", "2:10: an alias refers to a value that contains it"),
        ("format: 1\ncluster: *nowhere\n", "2:10: YAML syntax error: found undefined alias"),
        ("format: 1\n---\nformat: 1\n", "YAML syntax error"),
        (
            "format: 1\ncluster:\n\tnodes: [HV01]\n",
            "indent with spaces: YAML does not allow tabs there)",
        ),
        ("format: 1\ntitle: a\x00b\n", "2:9: character #x0000 is not allowed in YAML (expected printable text)"),
        (
            "format: 1\nformat: 1\ncluster: {nodes: [HV01]}\n",
            "2:1: duplicate key 'format' in the lab (the first is on line 1; expected each once)",
        ),
        (
            "format: 1\ncluster: {nodes: [HV01]}\nseed: 123456789012345678901234567890" + "1" * 5000,
            "3:7: seed is the number",
        ),
        (
            "format: 1\n" + "x:\n" + "".join(f"- a{i}\n" for i in range(110_000)),
            "the document has more than 100,000 values (expected a lab of a sensible size)",
        ),
    ],
)
def test_hostile_yaml(text: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(LabError) as info:
        load_lab_text(text, "t.yaml")
    assert time.perf_counter() - start < TIME_LIMIT_S
    assert any(message in p for p in info.value.problems), info.value.problems
    assert all(p.startswith("t.yaml:") for p in info.value.problems)


def test_too_large_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"format: 1\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    start = time.perf_counter()
    with pytest.raises(LabError) as info:
        load_lab(path)
    assert time.perf_counter() - start < TIME_LIMIT_S
    size = path.stat().st_size
    assert info.value.problems == [f"{path}: the file is {size:,} bytes (expected at most 5,242,880 bytes, 5 MB)"]


def test_missing_file() -> None:
    with pytest.raises(LabError) as info:
        load_lab(BROKEN / "no-such-lab.yaml")
    assert info.value.problems == [f"{BROKEN / 'no-such-lab.yaml'}: cannot read the file (No such file or directory)"]


def test_utf16_file_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes("format: 1\n".encode("utf-16"))
    with pytest.raises(LabError, match="it looks like UTF-16; save it as UTF-8"):
        load_lab(path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + DEFAULT.read_bytes())
    assert load_lab(path).id == "default"


@pytest.mark.parametrize(
    "path", [*sorted(BROKEN.glob("*.yaml")), *sorted((ROOT / "labs").glob("*.yaml"))], ids=lambda p: p.name
)
def test_both_yaml_parsers_read_labs_alike(path: Path) -> None:
    """libyaml (fast) and PyYAML's pure Python parser must agree on every file we ship or test with."""
    if path.name == "yaml-syntax.yaml":
        pytest.skip("syntax error wording differs between the two parsers")

    def outcome(accelerated: bool) -> Any:
        try:
            doc = compose(decode(path.read_bytes()), accelerated=accelerated)
        except YamlProblem as exc:
            return (exc.line, exc.column, exc.message)
        return [(p.line, p.column, p.message) for p in doc.problems], _shape(doc.root)

    assert outcome(True) == outcome(False)


def _shape(node: Any) -> Any:
    if node is None:
        return None
    if isinstance(node, tuple):  # a (key, value) pair of a mapping
        return tuple(_shape(v) for v in node)
    if isinstance(node.value, list):
        return (node.tag, node.start_mark.line, node.start_mark.column, [_shape(v) for v in node.value])
    return (node.tag, node.value, node.start_mark.line, node.start_mark.column)


# property tests ----------------------------------------------------------------------------


def _load_or_lab_error(text: str) -> Lab | LabError:
    try:
        return load_lab_text(text, "fuzz.yaml")
    except LabError as exc:
        assert exc.problems, "a LabError must say what is wrong"
        assert not any("internal error" in p for p in exc.problems), exc.problems
        assert all(p.startswith("fuzz.yaml") for p in exc.problems)
        return exc


#: ``CLUSTERLAB_FUZZ_EXAMPLES=5000`` runs a deeper search.
FUZZ = settings(
    max_examples=int(os.environ.get("CLUSTERLAB_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(st.text(max_size=400))
def test_random_text_gives_a_lab_or_a_lab_error(text: str) -> None:
    _load_or_lab_error(text)


_YAMLISH = st.sampled_from(
    [
        "format: 1\n",
        "cluster:\n",
        "  nodes: [HV01, HV02]\n",
        "steps:\n",
        "  - ",
        "{",
        "}",
        "[",
        "]",
        ": ",
        "- ",
        "&a ",
        "*a ",
        "!!python/object:os.system ",
        "<<: ",
        "\t",
        "'",
        '"',
        "#",
        "\n",
        "  ",
        "expect: ",
        "node: HV01",
        "wait: 5m",
        "quiz: ",
        "~",
        "1e999",
        "0x1F",
        "2026-01-05",
        "yes",
        "Off",
        ",",
        "?",
        "|",
        ">",
        "%YAML 1.1\n",
        "---\n",
    ]
)


@FUZZ
@given(st.lists(_YAMLISH, max_size=40).map("".join))
def test_yaml_like_fragments_give_a_lab_or_a_lab_error(text: str) -> None:
    _load_or_lab_error(text)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["HV01", "CSV1", "DC01", "Up", "Down", "5m", "1h30m", "Cluster Group", "2012R2", "None"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "format",
        "id",
        "title",
        "os",
        "seed",
        "clock",
        "cluster",
        "steps",
        "nodes",
        "vms",
        "csvs",
        "networks",
        "quorum",
        "witness",
        "type",
        "path",
        "name",
        "memory_gb",
        "owner",
        "priority",
        "generate",
        "prefix",
        "expect",
        "within",
        "task",
        "check",
        "quiz",
        "answer",
        "choices",
        "all",
        "any",
        "not",
        "node",
        "role",
        "vm",
        "csv",
        "event",
        "cau",
        "state",
        "io",
        "failback",
        "window",
        "say",
        "run",
        "wait",
        "at",
    ]
)


@FUZZ
@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_random_documents_give_a_lab_or_a_lab_error(doc: dict[str, Any]) -> None:
    _load_or_lab_error(yaml.safe_dump(doc, allow_unicode=True))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


_DEFAULT_DOC = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
_DEFAULT_PATHS = _paths(_DEFAULT_DOC)


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["delete", "duplicate", "retype"]), st.sampled_from(_DEFAULT_PATHS), _VALUES),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_default_lab_gives_a_lab_or_a_lab_error(mutations: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    doc = copy.deepcopy(_DEFAULT_DOC)
    for action, path, value in mutations:
        parent: Any = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            last = path[-1]
            if action == "delete":
                del parent[last]
            elif action == "retype":
                parent[last] = value
            elif isinstance(parent, list):
                parent.insert(last, copy.deepcopy(parent[last]))
            else:
                parent[f"{last}_"] = copy.deepcopy(parent[last])  # a near-duplicate key: a typo
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or retyped this path
    _load_or_lab_error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@FUZZ
@given(st.data())
def test_line_mutations_of_the_default_lab_give_a_lab_or_a_lab_error(data: st.DataObject) -> None:
    lines = DEFAULT.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "indent", "dedent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        else:
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        if not lines:
            break
    _load_or_lab_error("".join(lines))
