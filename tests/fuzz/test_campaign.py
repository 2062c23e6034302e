"""The fuzz campaign's checks can fail: each broken promise, built by hand, is caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.campaign import CORE_FILES, Run, check_common, check_report, check_validate
from tests.fuzz.mutants import Mutant, base_study, write_mutant

PROBLEM = {"severity": "error", "source": "patients.csv", "table": "patients", "row": 3, "column": "age",
           "value": "x", "rule": "number.invalid", "message": "age is a number"}


def _validate_json(*problems: dict) -> str:
    errors = sum(p["severity"] == "error" for p in problems)
    return json.dumps({"valid": not errors, "n_errors": errors, "n_warnings": len(problems) - errors,
                       "problems": list(problems)})


@pytest.mark.parametrize("run", [
    Run(2, "", "oncocohort report: internal error: KeyError: 'x'"),
    Run(1, "Traceback (most recent call last):", ""),
    Run(0, "", "oncocohort report: note: the computation met 3 numerical warning(s) from numpy/pandas (...)"),
    Run(0, "", "findfont: Font family 'x' not found."),
])
def test_internal_errors_tracebacks_and_stderr_are_caught(run):
    with pytest.raises(AssertionError):
        check_common(run, "report")


def test_validate_exit_1_needs_a_located_error():
    check_validate(Run(1, _validate_json(PROBLEM), ""))
    unlocated = dict(PROBLEM, table=None, row=None, column=None)
    with pytest.raises(AssertionError, match="no error is located"):
        check_validate(Run(1, _validate_json(unlocated), ""))
    with pytest.raises(AssertionError, match="exit 0 with 1 error"):
        check_validate(Run(0, _validate_json(PROBLEM), ""))


def _fake_report(out: Path, files: list[str]) -> Run:
    for name in files:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("row_accounting header\n" if name.endswith("row_accounting.csv") else "x")
    return Run(0, f"[ 1.00 s] done: {len(files)} files in {out}\n", "")


def test_report_output_must_be_complete_or_absent(tmp_path):
    study = write_mutant(Mutant("example", "csv", {}, "x = 1\n"), tmp_path / "study")
    files = list(CORE_FILES) + [f"figures/figure_01_flow{ext}" for ext in (".png", ".svg", ".pdf")]
    out = tmp_path / "out"
    check_report(_fake_report(out, files), study, out, valid=True)
    (out / "figures/figure_01_flow.svg").unlink()
    with pytest.raises(AssertionError, match="lacks"):
        check_report(Run(0, f"done: {len(files) - 1} files\n", ""), study, out, valid=True)
    with pytest.raises(AssertionError, match="left"):  # exit 1 but a folder is there
        check_report(Run(1, "patients.csv, row 3, column age: bad", ""), study, out, valid=False)
    (tmp_path / ".out.staging-x").mkdir()
    with pytest.raises(AssertionError, match="staging"):
        check_report(Run(0, "", ""), study, out, valid=True)


def test_report_refusal_needs_a_location_and_an_invalid_study(tmp_path):
    study = write_mutant(Mutant("example", "csv", {}, "x = 1\n"), tmp_path / "study")
    out = tmp_path / "out"
    check_report(Run(1, "study.toml, [analysis], line 4, key landmarks: bad", ""), study, out, valid=False)
    with pytest.raises(AssertionError, match="without a located problem"):
        check_report(Run(1, "something went wrong", ""), study, out, valid=False)
    with pytest.raises(AssertionError, match="validate called the study valid"):
        check_report(Run(1, "study.toml, line 4: bad", ""), study, out, valid=True)


def test_rows_missing_from_row_accounting_are_caught(tmp_path):
    tables, toml = base_study("example")
    study = write_mutant(Mutant("example", "csv", {"lesions": tables["lesions"]}, toml), tmp_path / "study")
    out = tmp_path / "out"
    run = _fake_report(out, list(CORE_FILES))
    with pytest.raises(AssertionError, match="lesions: 8 rows in the input, 0 in row_accounting"):
        check_report(run, study, out, valid=True)
