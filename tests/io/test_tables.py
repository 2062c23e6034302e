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


def test_a_column_is_read_as_cell_by_cell_reading_would_read_it():
    """Each distinct cell is read once and the rows take its value by code: the values, dtypes and the problems
    (rule, row, value, order) are those of reading every cell on its own, for workbook cells of mixed types that
    compare equal (1, 1.0, True, '1') and for text cells."""
    import datetime as dt

    from oncocohort.io.cells import compute_cell
    from oncocohort.io.problems import ProblemLog
    from oncocohort.io.schema import TABLES_BY_NAME
    from oncocohort.io.sources import RawTable
    from oncocohort.io.tables import type_table

    spec = TABLES_BY_NAME["adverse_events"]
    header = tuple(c.name for c in spec.columns)
    grades = [1, 1.0, True, "1", None, "  ", "n/a", 2, "seven", 2.5, "٣", 1, True, None]
    terms = ["Fatigue", "someone@example.org", "Nausea", None, "Fatigue", "n/a", "Fatigue\x07", 3.0, "Nausea",
             "Fatigue", "Fatigue", "someone@example.org", "Nausea", "Fatigue"]
    onsets = ["2021-02-01", dt.datetime(2021, 2, 1), 44228, "03/04/2021", "13/04/2021", "04/13/2021", "2021-13-01",
              None, "2021-02-01", dt.date(2021, 2, 1), True, "2021-02-01", "yesterday", "03/04/2021"]
    rows = []
    for i, (grade, term, onset) in enumerate(zip(grades, terms, onsets)):
        cells = {"patient_id": f"P{i % 3}", "term": term, "grade": grade, "onset_date": onset}
        rows.append((i + 2, tuple(cells.get(name) for name in header)))
    log = ProblemLog()
    frame = type_table(RawTable("adverse_events", "adverse_events.csv", header, tuple(rows)), spec, log, None)
    assert frame["grade"].dtype == "Int64" and frame["onset_date"].dtype == "datetime64[ns]"
    for name in ("grade", "term", "onset_date"):
        col = spec.column(name)
        expected = [compute_cell(cells[header.index(name)], col)[0] for _, cells in rows]
        if name == "term":  # a direct identifier is never kept
            expected = [None if isinstance(v, str) and "@" in v else v for v in expected]
        got = [None if pd.isna(v) else (v.date() if name == "onset_date" else v) for v in frame[name]]
        assert got == expected, name
        readings = [(row, *compute_cell(cells[header.index(name)], col)) for row, cells in rows]
        expected_rows = [row for row, value, issue in readings if issue is not None or value is None]
        got_rows = [p.row for p in log.problems if p.column == name and p.rule not in ("value.direct_identifier",
                                                                                      "date.mixed_order")]
        assert got_rows == expected_rows, name  # every column here is required: in row order, one per row
    assert [p.row for p in log.problems if p.rule == "value.direct_identifier"] == [3, 13]
    assert [(p.column, p.row) for p in log.problems if p.rule == "value.blank" and p.column != "related"] == [
        ("term", 5), ("term", 7), ("grade", 6), ("grade", 7), ("grade", 8), ("grade", 15), ("onset_date", 9)]
    [mixed] = [p for p in log.problems if p.rule == "date.mixed_order"]
    assert mixed.row == 7 and "day/month (row 6) and month/day (row 7)" in mixed.message
    assert [(p.row, p.value) for p in log.problems if p.column == "grade" and p.rule == "integer.invalid"] == [
        (4, "True"), (10, "seven"), (11, "2.5"), (14, "True")]  # True is not read as 1, though True == 1
