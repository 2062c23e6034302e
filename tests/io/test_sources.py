"""Finding and reading the table files: layouts, encodings, delimiters, damaged files, blank rows."""

from __future__ import annotations

from openpyxl import Workbook

from oncocohort import validate_study
from oncocohort.io.problems import ProblemLog
from oncocohort.io.sources import read_csv_table, read_workbook
from tests.study_builder import example_tables, write_study


def rules(report):
    return {(p.rule, p.source, p.table, p.row) for p in report.problems}


def test_semicolon_csv_with_bom_reads_like_comma_csv(tmp_path):
    folder = write_study(tmp_path / "s", example_tables(), layout="csv")
    text = (folder / "patients.csv").read_text()
    (folder / "patients.csv").write_bytes("\ufeff".encode() + text.replace(",", ";").encode())
    report = validate_study(folder)
    assert report.ok, report.problems


def test_non_utf8_csv_is_reported_with_its_line(tmp_path):
    folder = write_study(tmp_path / "s", example_tables(), layout="csv")
    text = (folder / "patients.csv").read_text().replace("Synovial sarcoma", "Sarcome synovial é")
    (folder / "patients.csv").write_bytes(text.encode("latin-1"))
    report = validate_study(folder)
    assert ("file.encoding", "patients.csv", None, 2) in rules(report)
    assert "CSV UTF-8" in report.errors[0].message


def test_unclosed_quote_and_nul_bytes(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text('patient_id,age\nP1,"48\n')
    log = ProblemLog()
    table = read_csv_table(path, log)  # python's csv tolerates an unclosed quote at EOF: the cell keeps the text
    assert table is not None or log.has_errors
    path.write_bytes(b"patient_id,age\nP1,\x0048\n")
    log = ProblemLog()
    assert read_csv_table(path, log) is None and log.problems[0].rule == "file.binary"


def test_truncated_workbook_is_a_problem_not_a_crash(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    data = (folder / "study.xlsx").read_bytes()
    (folder / "study.xlsx").write_bytes(data[: len(data) // 2])
    report = validate_study(folder)
    assert not report.ok
    assert [p.rule for p in report.errors][0] == "file.unreadable"


def test_both_layouts_or_none(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    (folder / "patients.csv").write_text("patient_id\n")
    assert "study.two_layouts" in {p.rule for p in validate_study(folder).errors}
    (folder / "patients.csv").unlink()
    (folder / "study.xlsx").rename(folder / "my study.xlsx")
    errors = validate_study(folder).errors
    assert errors[0].rule == "study.no_tables" and "my study.xlsx" in errors[0].message


def test_missing_required_table_and_unknown_sheet(tmp_path):
    tables = example_tables()
    del tables["followup"]
    tables["notes_for_me"] = [{"x": 1}]
    report = validate_study(write_study(tmp_path / "s", tables))
    got = {(p.severity, p.rule, p.table) for p in report.problems}
    assert ("error", "table.missing", "followup") in got
    assert ("warning", "table.unknown_sheet", "notes_for_me") in got


def test_headers_are_normalised_and_defects_in_them_reported(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Patients"
    sheet.append(["Patient ID", "AGE", "age", None])
    sheet.append(["P1", 40, 41, "orphan value"])
    sheet.append([None, None, None, None])
    sheet.append([None, " ", None, None])
    sheet.append(["P2", 50, 51, None])
    workbook.save(tmp_path / "study.xlsx")
    log = ProblemLog()
    table = read_workbook(tmp_path / "study.xlsx", log)["patients"]
    assert table.header == ("patient_id", "age", "age", "")
    assert [n for n, _ in table.rows] == [2, 5]  # Excel row numbers survive skipped blank rows
    assert table.blank_rows == 2
    got = {(p.rule, p.row, p.column) for p in log.problems}
    assert got == {("table.duplicate_column", 1, "age"), ("table.blank_header", 1, None)}


def test_values_beyond_the_header_are_reported(tmp_path):
    path = tmp_path / "followup.csv"
    path.write_text("patient_id,last_known_alive_date\nP001,2022-01-01,surprise\nP002,2022-01-01\n")
    log = ProblemLog()
    table = read_csv_table(path, log)
    assert [(p.rule, p.row) for p in log.problems] == [("table.extra_cells", 2)]
    assert table.rows[1] == (3, ("P002", "2022-01-01"))


def test_a_csv_with_nul_bytes_is_refused_at_its_first_line(tmp_path):
    """A binary (e.g. UTF-16 or a renamed .xlsx) CSV: one error naming the file and the first line with a NUL byte
    (the long fuzz campaign found the message had no location)."""
    path = tmp_path / "adverse_events.csv"
    path.write_bytes(b"patient_id,term\nP001,Nausea\nP002,Fat\x00igue\nP003,Rash\x00\n")
    log = ProblemLog()
    assert read_csv_table(path, log) is None
    (problem,) = log.problems
    assert problem.rule == "file.binary" and problem.row == 3 and problem.source == "adverse_events.csv"
    assert "NUL bytes on 2 lines from this one" in problem.message
