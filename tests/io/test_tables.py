"""Typing tables: missing-value markers in required columns, covariate cells, what a message shows."""

from __future__ import annotations

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
