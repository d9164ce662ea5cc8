"""The benchmarks still run (``benchmarks/run.py --quick``): a smoke check, never a timing check.
The figures themselves are measured on a quiet machine and recorded in docs/performance.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmarks_produce_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads(out.read_text(encoding="utf-8"))
    fig = doc["figures"]
    assert doc["quick"] is True and doc["met"] is None  # quick figures are not compared with targets
    for name in doc["targets"]:
        assert fig[name] > 0, name
    assert fig["cau_max_scale_events"] > 0 and fig["cau_max_scale_sim_s"] > 0
    assert fig["replay_default_lab_commands"] == 50
    assert fig["labs_all_failed"] == []
    assert "cau_max_scale_wall_s" in done.stdout  # the table is printed


def test_the_recorded_first_hour_replays_without_a_console_error(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from default_hour import COMMANDS, END_S, record
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert record(tmp_path / "hour.journal") == []
    assert len(COMMANDS) == 50 and max(t for t, _ in COMMANDS) < END_S == 3600


def test_scaling_refuses_sizes_beyond_wsfc_limits() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scaling.py"), "--sizes", "4,128"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "64 nodes" in done.stderr
