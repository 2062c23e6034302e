"""benchmarks/demo_time.py reads the stage durations from the report's progress lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "demo_time.py"


@pytest.fixture(scope="module")
def demo_time():
    spec = importlib.util.spec_from_file_location("demo_time", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stage_durations_from_progress_lines(demo_time):
    output = ("Synthetic data.\n[ 0.20 s] validate: ok\n[ 0.50 s] derive: 38 screened\n[ 0.60 s] warning: x\n"
              "[ 1.00 s] statistics: response\n[ 2.50 s] figures: 12 figures\n[ 2.50 s] done: 89 files\nopen x\n")
    stages = demo_time.stages_of(output, wall=3.0)
    assert [name for name, _ in stages] == ["start", "validate", "derive", "statistics", "figures", "done"]
    assert [round(t, 6) for _, t in stages] == [0.5, 0.2, 0.3, 0.5, 1.5, 0.0]
    assert sum(t for _, t in stages) == pytest.approx(3.0)
