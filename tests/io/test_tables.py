"""Typing tables: missing-value markers in required columns, covariate cells, what a message shows."""

from __future__ import annotations

import pandas as pd

from oncocohort import validate_study
from oncocohort.io.tables import shown_value
from tests.study_builder import example_tables, found, write_study


def test_missing_marker_in_a_required_column_is_an_error(tmp_path):
    tables = example_tables()
    tables["patients"][0]["ecog"] = "n/a"
    tables["treatments"][1]["start_date"] = "NA"
    tables["patients"][1]["histology_group"] = "NA"  # optional: read as blank with a warning
    report = validate_study(write_study(tmp_path / "s", tables))
    [ecog] = found(report.errors, "error", "value.blank", "patients", 2, "ecog")
    assert "'n/a' means missing" in ecog.message and ecog.value == "n/a"
    assert found(report.errors, "error", "value.blank", "treatments", 3, "start_date")
    assert found(report.warnings, "warning", "cell.missing_marker", "patients", 3, "histology_group")
    assert report.study is None


def test_not_collected_columns_keep_missing_markers_as_warnings(tmp_path):
    from oncocohort.io.template import STUDY_TOML

    tables = example_tables()
    tables["patients"][0]["ecog"] = "NA"
    toml = STUDY_TOML.replace("[study]\n", '[study]\nnot_collected = ["ecog"]\n', 1)
    report = validate_study(write_study(tmp_path / "s", tables, toml=toml))
    assert not found(report.problems, "error", "value.blank", "patients", 2, "ecog")
    assert found(report.warnings, "warning", "cell.missing_marker", "patients", 2, "ecog")


def test_covariate_cells_are_read_strictly(tmp_path):
    tables = example_tables()
    tables["patients"][0].update(ldh="２５０", crp="4_8")
    tables["patients"][1].update(ldh=180, crp="12")
    report = validate_study(write_study(tmp_path / "s", tables, layout="csv"))
    assert report.ok, report.errors
    patients = report.study.patients
    assert patients["ldh"].tolist() == [250.0, 180.0]  # full-width digits read, with a warning
    assert found(report.warnings, "warning", "cell.non_ascii_digits", "patients", 2, "ldh")
    assert patients["crp"].tolist() == ["4_8", "12"]  # '4_8' is not the number 48: the column stays text


def test_covariate_cell_problems_are_reported_not_dropped(tmp_path):
    tables = example_tables()
    tables["patients"][0].update(stage="III", note="NA")
    tables["patients"][1].update(stage="#N/A", note="ok\x07")
    report = validate_study(write_study(tmp_path / "s", tables, layout="csv"))
    assert found(report.errors, "error", "cell.spreadsheet_error", "patients", 3, "stage")  # was silently blank
    [control] = found(report.errors, "error", "cell.control_character", "patients", 3, "note")
    assert control.value == "ok\\x07"
    assert found(report.warnings, "warning", "cell.missing_marker", "patients", 2, "note")


def test_shown_value_hides_identifiers_and_escapes_control_characters():
    assert shown_value("jane@example.org") is None
    assert shown_value("\x1b[2J48") == "\\x1b[2J48"
    assert shown_value("Synovial sarcoma") == "Synovial sarcoma"


def test_a_value_repeated_in_many_rows_is_reported_on_each_row():
    """type_table reads each distinct (type, value) of a column once: every row is still typed and reported, and
    the same text, whole number and float are not mixed up (1, 1.0 and '1' are read by their own type)."""
    from oncocohort.io.problems import ProblemLog
    from oncocohort.io.schema import TABLES_BY_NAME
    from oncocohort.io.sources import RawTable
    from oncocohort.io.tables import type_table

    spec = TABLES_BY_NAME["adverse_events"]
    header = tuple(c.name for c in spec.columns)
    base = {"patient_id": "P1", "term": "Fatigue", "grade": 2, "onset_date": "2021-02-01"}

    def row(**cells):
        values = {**base, **cells}
        return tuple(values.get(name) for name in header)

    rows = ((2, row(grade="seven")), (3, row(grade=1.0)), (4, row(grade="seven")), (5, row(grade=1)),
            (6, row(grade="1")), (7, row(grade="seven", patient_id="someone@example.org")),
            (8, row(patient_id="someone@example.org")), (9, row(onset_date="2021-13-01")),
            (10, row(onset_date="2021-13-01")))
    log = ProblemLog()
    frame = type_table(RawTable("adverse_events", "adverse_events.csv", header, rows), spec, log, None)
    grade_rows = sorted(p.row for p in log.problems if p.column == "grade")
    assert grade_rows == [2, 4, 7]
    assert [None if v is pd.NA else v for v in frame["grade"]] == [None, 1, None, 1, 1, None, 2, 2, 2]
    assert sorted(p.row for p in log.problems if p.rule == "value.direct_identifier") == [7, 8]
    assert sorted(p.row for p in log.problems if p.column == "onset_date") == [9, 10]
    assert frame["patient_id"].isna().tolist() == [False] * 5 + [True, True, False, False]
