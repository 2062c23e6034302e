"""benchmarks/report_scale.py: the scaled demo study has the demo's shape, stage times and per-stage peak memory are
read right."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from oncocohort import validate_study

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "report_scale.py"


@pytest.fixture(scope="module")
def report_scale():
    spec = importlib.util.spec_from_file_location("report_scale", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scaled_study_is_realistic_and_valid(report_scale, tmp_path):
    rows = report_scale.write_study(tmp_path / "study", 100, "csv")
    assert rows["patients"] == rows["followup"] == 100
    assert rows["lesions"] > 100 * 8 and rows["treatments"] > 200 and rows["adverse_events"] > 100
    tables = report_scale.build_study_tables(100)
    ids = [r["patient_id"] for r in tables["patients"]]
    assert len(set(ids)) == 100 and ids[0] == "P0000-001" and ids[-1] == "P0002-024"
    first, second = ([r.get("diameter_mm") for r in tables["lesions"] if r["patient_id"] == f"P000{b}-001"]
                     for b in (0, 1))
    assert first != second  # each block of 38 is drawn with its own seed
    report = validate_study(tmp_path / "study")
    assert report.study is not None, [p.message for p in report.errors]


def test_stage_times_are_the_gaps_between_progress_lines(report_scale):
    log = ("[ 1.50 s] validate: ok\n[ 1.60 s] warning: something\n[ 4.00 s] derive: 10 screened\n"
           "[10.25 s] done: 3 files\n")
    assert report_scale.stage_times(log) == [("validate: ok", 1.5), ("derive: 10 screened", 2.5),
                                             ("done: 3 files", 6.25)]


_STAGED = """
import time
time.sleep(0.6)
print("[ 0.60 s] small: ok", flush=True)
memory = b"x" * (300 * 2**20)  # 300 MiB, written
print("[ 0.70 s] warning: not a stage", flush=True)
time.sleep(0.6)
print("[ 1.30 s] large: done", flush=True)
del memory
time.sleep(0.6)
"""


def test_peak_memory_is_measured_per_stage(report_scale, tmp_path):
    """The measuring child gives each stage the peak RSS sampled before its progress line (warnings are not
    stages), beside the run's own peak, wall and CPU time."""
    import json
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", report_scale._MEASURE, str(tmp_path), sys.executable, "-c", _STAGED],
                         capture_output=True, text=True, check=True)
    result = json.loads(run.stdout)
    assert result["returncode"] == 0 and result["peak_rss_mib"] > 300
    stages = {stage: own for stage, own, _ in result["stage_rss_mib"]}
    assert list(stages) == ["small", "large"]
    assert stages["small"] < 200 < 300 < stages["large"]
    assert "warning: not a stage" in result["stdout"]
