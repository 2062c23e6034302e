"""oncocohort survival --rmst, --landmark/--by-time, --start/--stop and the post-index guard: R's numbers in the
--json keys of docs/cli.md, usage errors in words (exit 2), bad intervals by row (exit 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.stats.reference import close

REF = Path(__file__).resolve().parent / "reference"
R = json.loads((REF / "landmark_reference.json").read_text())


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True)


def test_rmst_and_milestones_equal_r():
    result = run("survival", str(REF / "veteran_rmst.csv"), "--time", "time", "--event", "status", "--by", "trt",
                 "--rmst", "365", "--landmarks", "90,180", "--json")
    assert result.returncode == 0, result.stderr
    rmst = json.loads(result.stdout)["rmst"]
    r = R["rmst"]["veteran_365"]
    close([g["rmst"] for g in rmst["groups"]], r["rmst"])
    diff, ratio, _ = rmst["contrasts"]
    close([diff["estimate"], diff["lower"], diff["upper"], diff["p"]],
          [r["diff"], r["diff_lower"], r["diff_upper"], r["diff_p"]])
    close([ratio["estimate"], ratio["p"]], [r["ratio"], r["ratio_p"]])
    close([m["difference"] for m in rmst["milestones"]],
          [R["milestone"]["veteran_90"]["diff"], R["milestone"]["veteran_180"]["diff"]])
    assert (rmst["reference"], rmst["comparison"]) == ("1", "2")


def test_counting_process_cox_equals_r():
    result = run("survival", str(REF / "heart.csv"), "--start", "start", "--stop", "stop", "--event", "event",
                 "--covariates", "age,year,surgery,transplant", "--json")
    assert result.returncode == 0, result.stderr
    cox = json.loads(result.stdout)["cox"]
    close([t["coef"] for t in cox["terms"]], R["counting_process"]["heart_efron"]["coef"])
    assert (cox["n"], cox["events"]) == (172, 75)


def test_landmark_by_time_equals_r():
    r = R["landmark"]["jasa_30"]
    result = run("survival", str(REF / "jasa_landmark.csv"), "--time", "futime", "--event", "fustat",
                 "--landmark", "30", "--by-time", "wait", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["landmark"]["n"] == r["n"]
    assert doc["landmark"]["excluded_event"] + doc["landmark"]["excluded_censored"] == r["excluded"]
    close([doc["logrank"]["chisq"], doc["logrank"]["p"]], [r["logrank_chisq"], r["logrank_p"]])
    assert not [w for w in doc["warnings"] if "wait" in w]  # blank = never responded, not a missing value


@pytest.mark.parametrize("flags", [["--by", "best_response"], ["--covariates", "grade3_ae"]])
def test_post_index_variable_is_refused_with_the_alternatives(tmp_path, flags):
    path = tmp_path / "t.csv"
    pd.DataFrame({"t": [1, 2, 3, 4], "e": [1, 0, 1, 1], "best_response": ["PR", "SD", "PR", "PD"],
                  "grade3_ae": [1, 0, 0, 1]}).to_csv(path, index=False)
    result = run("survival", str(path), "--time", "t", "--event", "e", *flags)
    assert result.returncode == 2
    assert "immortal-time bias" in result.stderr and "--landmark" in result.stderr and "--start" in result.stderr


def test_interval_with_start_after_stop_is_named_by_row(tmp_path):
    path = tmp_path / "cp.csv"
    pd.DataFrame({"id": [1, 1, 2], "start": [0, 5, 4], "stop": [5, 9, 3], "event": [0, 1, 1],
                  "x": [0, 1, 1]}).to_csv(path, index=False)
    result = run("survival", str(path), "--start", "start", "--stop", "stop", "--event", "event",
                 "--covariates", "x")
    assert result.returncode == 1
    assert "row 4" in result.stdout and "start must be a number below stop" in result.stdout
    assert "patient '1'" not in result.stdout  # several rows per patient are expected here


@pytest.mark.parametrize("flags, message", [
    (["--time", "t", "--rmst", "3"], "--rmst compares two groups"),
    (["--time", "t", "--by-time", "r"], "give --landmark"),
    (["--start", "t"], "--start and --stop go together"),
    ([], "give --time"),
])
def test_usage_errors(tmp_path, flags, message):
    path = tmp_path / "t.csv"
    pd.DataFrame({"t": [1, 2], "e": [1, 0], "r": [1, None]}).to_csv(path, index=False)
    result = run("survival", str(path), "--event", "e", *flags)
    assert result.returncode == 2 and message in result.stderr
