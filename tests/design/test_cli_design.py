"""``oncocohort design``: plain output, --json, input errors in one line with exit 1 (never a traceback)."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", "design", *args], capture_output=True, text=True)


def test_simon_table_and_json():
    out = run("simon", "--p0", "0.05", "--p1", "0.25", "--alpha", "0.05", "--power", "0.8", "--nmax", "40")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[2].split()[:5] == ["minimax", "0", "of", "12", "2"]
    assert lines[3].split()[:5] == ["optimal", "0", "of", "9", "2"]
    assert "Simon (1989)" in out.stdout
    data = json.loads(run("simon", "--p0", "0.05", "--p1", "0.25", "--nmax", "40", "--json").stdout)
    assert [(d["kind"], d["n1"], d["n"]) for d in data["designs"]] == [("minimax", 12, 16), ("optimal", 9, 17)]


def test_other_kinds():
    single = json.loads(run("single-stage", "--p0", "0.1", "--p1", "0.2", "--json").stdout)
    assert (single["n"], single["r"]) == (78, 13)
    inference = json.loads(run("inference", "--x", "1", "--r1", "1", "--n1", "10", "--n", "29", "--p0", "0.1",
                               "--json").stdout)
    assert inference["stopped_at_stage_1"] is True and inference["umvue"] == 0.1
    survival = run("survival", "--median0", "9", "--hazard-ratio", str(1 / 1.75), "--accrual", "5", "--followup", "3",
                   "--shape", "1.22")
    assert survival.returncode == 0 and survival.stdout.startswith("88 patients")


@pytest.mark.parametrize("args, words", [
    (("simon", "--p0", "0.3", "--p1", "0.2"), "must be larger than p0"),
    (("simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "1.5"), "alpha must be"),
    (("simon", "--p0", "0.2", "--p1", "0.3", "--power", "0.9", "--nmax", "20"), "increase nmax"),
    (("single-stage", "--p0", "0.1", "--p1", "0.3", "--power", "1"), "power must be"),
    (("inference", "--x", "40", "--r1", "1", "--n1", "10", "--n", "29", "--p0", "0.1"), "from 0 to n"),
    (("survival", "--median0", "9", "--median1", "6", "--accrual", "5", "--followup", "3"), "longer than median0"),
])
def test_input_errors_one_line_exit_1(args, words):
    out = run(*args)
    assert out.returncode == 1
    assert words in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.startswith("oncocohort design ")


def test_usage_error_exit_2():
    out = run("simon", "--p0", "abc", "--p1", "0.2")
    assert out.returncode == 2 and "Traceback" not in out.stderr
