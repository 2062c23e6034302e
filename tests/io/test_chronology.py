"""Date-order checks added with the strict reader: a birth date after the first treatment start."""

from __future__ import annotations

from oncocohort import validate_study
from tests.study_builder import example_tables, found, write_study


def _with_birth_dates(first: str, second: str):
    tables = example_tables()
    tables["patients"][0].update(age=None, birth_date=first)
    tables["patients"][1].update(age=None, birth_date=second)
    return tables


def test_birth_after_the_first_treatment_start_is_an_error_naming_both_rows(tmp_path):
    # P002 starts treatment on 2021-03-05 (treatments row 5); a typo puts the birth in 2030 (age -9)
    report = validate_study(write_study(tmp_path / "s", _with_birth_dates("1973-01-01", "2030-03-01")))
    [problem] = found(report.errors, "error", "date.birth_after_treatment", "patients", 3, "birth_date")
    assert problem.value == "2030-03-01"
    assert "first treatment start 2021-03-05 (sheet treatments, row 5)" in problem.message
    assert report.study is None


def test_birth_date_giving_an_age_over_120_is_an_error(tmp_path):
    report = validate_study(write_study(tmp_path / "s", _with_birth_dates("1900-01-01", "1960-03-01"),
                                        layout="csv"))
    [problem] = found(report.errors, "error", "date.birth_implausible", "patients", 2, "birth_date")
    assert "age of 121 years" in problem.message and "(treatments.csv, row 2)" in problem.message


def test_plausible_birth_dates_pass(tmp_path):
    report = validate_study(write_study(tmp_path / "s", _with_birth_dates("1973-01-01", "1960-03-01")))
    assert report.ok, report.errors
