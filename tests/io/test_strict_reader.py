"""The strict reader (issue 14): what the files hold is either read, or reported at its row — never lost.

CSV syntax (unclosed quotes, text after a closing quote, short rows, rows joined by a quote), workbook formula
cells without a stored result, numbers in date-formatted cells, hidden sheets/rows/columns, encrypted and
old-format workbooks, full-width headers. Each case is a small study folder or file, as a user would make it.
"""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from oncocohort import validate_study
from oncocohort.io.problems import ProblemLog
from oncocohort.io.sources import read_csv_table, read_csv_text, read_workbook
from tests.study_builder import example_tables, found, write_study


def _csv_problems(tmp_path: Path, text: str, name: str = "treatments.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    log = ProblemLog()
    return read_csv_table(path, log), log.problems


# ---------------------------------------------------------------------------------------------------- CSV syntax

def test_unclosed_quote_is_an_error_naming_its_row_not_a_swallowed_file(tmp_path):
    text = 'patient_id,assessment_date,overall_response\nP001,2021-04-20,"PR\nP002,2021-04-28,SD\n'
    table, problems = _csv_problems(tmp_path, text, "responses.csv")
    assert table is None
    [problem] = problems
    assert (problem.severity, problem.rule, problem.row, problem.source) == ("error", "file.csv_syntax", 2,
                                                                              "responses.csv")
    assert "never closed" in problem.message and "line 2" in problem.message


def test_unclosed_quote_in_a_study_folder_makes_it_invalid(tmp_path):
    folder = write_study(tmp_path / "s", example_tables(), layout="csv")
    lines = (folder / "responses.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",PR,", ',"PR,')
    (folder / "responses.csv").write_text("\n".join(lines) + "\n")
    report = validate_study(folder)
    assert found(report.errors, "error", "file.csv_syntax", "responses", 2, None)
    assert report.study is None


def test_text_after_a_closing_quote_is_an_error(tmp_path):
    table, problems = _csv_problems(tmp_path, 'patient_id,drug\n"P001"x,anlotinib\n')
    assert table is None and [(p.rule, p.row) for p in problems] == [("file.csv_syntax", 2)]
    assert 'doubled ("")' in problems[0].message


def test_row_shorter_than_the_header_is_an_error_naming_the_row(tmp_path):
    text = ("patient_id,drug,start_date,end_date,dose,dose_unit,reason_stopped\n"
            "P001,anlotinib,2021-03-01,2021-06-30,12,mg,\n"
            "P001,anlotinib,2021-07-01,2021-09-30\n")
    table, problems = _csv_problems(tmp_path, text)
    assert [(p.severity, p.rule, p.row) for p in problems] == [("error", "table.short_row", 3)]
    assert "has 4 value(s) but the header names 7 columns" in problems[0].message
    assert [n for n, _ in table.rows] == [2, 3]


def test_short_row_in_a_study_folder_is_not_valid(tmp_path):
    folder = write_study(tmp_path / "s", example_tables(), layout="csv")
    lines = (folder / "treatments.csv").read_text().splitlines()
    lines[2] = ",".join(lines[2].split(",")[:4])  # dose, unit and reason cut off
    (folder / "treatments.csv").write_text("\n".join(lines) + "\n")
    report = validate_study(folder)
    assert found(report.errors, "error", "table.short_row", "treatments", 3, None)
    assert not report.ok


def test_trailing_separators_and_blank_lines_are_fine(tmp_path):
    table, problems = _csv_problems(tmp_path, "patient_id,drug\nP001,anlotinib,,\n\nP002,sintilimab\n")
    assert problems == [] and [n for n, _ in table.rows] == [2, 4] and table.blank_rows == 1


def test_rows_joined_by_a_misplaced_quote_are_warned_about(tmp_path):
    text = 'patient_id,cause_of_death\nP001,"Progression\nP002,Sepsis"\nP003,\n'
    table, problems = _csv_problems(tmp_path, text, "followup.csv")
    assert [(p.severity, p.rule, p.row) for p in problems] == [("warning", "table.multiline_cell", 2)]
    assert "lines 2–3" in problems[0].message
    assert [n for n, _ in table.rows] == [2, 3]  # rows as a spreadsheet shows the file


def test_a_deliberate_line_break_in_a_cell_is_not_warned_about(tmp_path):
    table, problems = _csv_problems(tmp_path, 'patient_id,cause_of_death\nP001,"Disease\nprogression"\n',
                                    "followup.csv")
    assert problems == [] and table.rows[0][1][1] == "Disease\nprogression"


def test_read_csv_text_is_usable_on_its_own():
    log = ProblemLog()
    rows = read_csv_text("a;b\n1;2\n3\n", log, source="x.csv")
    assert rows == [(1, ("a", "b")), (2, ("1", "2")), (3, ("3",))]
    assert [(p.rule, p.row, p.source) for p in log.problems] == [("table.short_row", 3, "x.csv")]


# ---------------------------------------------------------------------------------------------------- workbooks

def _patch(path: Path, member: str, patch) -> None:
    """Rewrite one XML part inside an .xlsx (to make what Excel writes and openpyxl does not)."""
    copy = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, patch(data.decode()).encode() if item.filename == member else data)
    shutil.move(copy, path)


def _store_result(path: Path, sheet: str, cell: str, result: str, cell_type: str | None = None) -> None:
    """Give formula cell ``cell`` of ``sheet`` the stored result Excel would write."""
    number = load_workbook(path, read_only=True).sheetnames.index(sheet) + 1
    kind = f' t="{cell_type}"' if cell_type else ""

    def patch(xml: str) -> str:
        patched = re.sub(rf'<c r="{cell}"[^>]*><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
                         lambda m: f'<c r="{cell}"{kind}><f>{m[1]}</f><v>{result}</v></c>', xml)
        assert patched != xml
        return patched

    _patch(path, f"xl/worksheets/sheet{number}.xml", patch)


def _as_saved_by_excel(path: Path) -> None:
    """Excel stores every result and drops openpyxl's request to recalculate on opening."""
    _patch(path, "xl/workbook.xml", lambda xml: xml.replace(' fullCalcOnLoad="1"', ""))


def test_formula_without_a_stored_result_is_an_error_at_its_cell(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    workbook = load_workbook(folder / "study.xlsx")
    workbook["treatments"]["D2"] = "=C2+121"  # end_date of row 2 computed from start_date, never calculated
    workbook.save(folder / "study.xlsx")
    report = validate_study(folder)
    [problem] = found(report.errors, "error", "cell.formula_not_calculated", "treatments", 2, "end_date")
    assert "open and save the workbook in Excel" in problem.message and problem.value == "=C2+121"
    assert report.study is None  # before: read as blank, the treatment became 'ongoing'


def test_formula_with_a_stored_result_is_read_including_a_stored_empty_text(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    workbook = load_workbook(folder / "study.xlsx")
    workbook["patients"]["B2"] = "=40+8"
    workbook["treatments"]["D2"] = "=C2+121"
    workbook["treatments"]["G3"] = '=IF(D3="","","progression")'
    workbook.save(folder / "study.xlsx")
    path = folder / "study.xlsx"
    _store_result(path, "patients", "B2", "48")
    _store_result(path, "treatments", "D2", "44377")  # Excel's serial number of 2021-06-30
    _store_result(path, "treatments", "G3", "", cell_type="str")  # a stored empty text: a blank result
    assert validate_study(folder).errors  # openpyxl asked for recalculation on opening: results not trusted
    _as_saved_by_excel(path)
    report = validate_study(folder)
    assert report.ok, report.errors
    assert report.study.patients["age"].iloc[0] == 48
    assert str(report.study.tables["treatments"]["end_date"].iloc[0].date()) == "2021-06-30"
    assert report.study.tables["treatments"]["reason_stopped"].isna().iloc[1]


def test_formula_result_stored_as_nothing_on_a_number_cell_is_not_a_result(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    workbook = load_workbook(folder / "study.xlsx")
    workbook["patients"]["B2"] = "=40+8"
    workbook.save(folder / "study.xlsx")
    _as_saved_by_excel(folder / "study.xlsx")  # still <v></v> on a number cell: never calculated
    report = validate_study(folder)
    assert found(report.errors, "error", "cell.formula_not_calculated", "patients", 2, "age")


def test_a_number_typed_in_a_date_cell_says_it_is_a_number(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    workbook = load_workbook(folder / "study.xlsx")
    cell = workbook["treatments"]["D2"]
    cell.value, cell.number_format = 20210630, "yyyy-mm-dd"
    workbook.save(folder / "study.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl's "outside the limits for dates" must not reach the user
        report = validate_study(folder)
    [problem] = found(report.errors, "error", "date.number_not_date", "treatments", 2, "end_date")
    assert "is the number 20210630, not a date" in problem.message and "2021-06-30" in problem.message
    assert "#VALUE!" not in problem.message


def test_hidden_sheet_rows_and_columns_are_warned_about(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    workbook = load_workbook(folder / "study.xlsx")
    workbook["responses"].sheet_state = "hidden"
    workbook["treatments"].row_dimensions[4].hidden = True
    workbook["treatments"].row_dimensions[5].hidden = True
    workbook["treatments"].row_dimensions[40].hidden = True  # a hidden blank row says nothing
    workbook["patients"].column_dimensions["C"].hidden = True
    workbook.save(folder / "study.xlsx")
    report = validate_study(folder)
    assert report.ok
    [sheet] = found(report.warnings, "warning", "table.hidden_sheet", "responses", None, None)
    assert "hidden" in sheet.message
    [rows] = found(report.warnings, "warning", "table.hidden_rows", "treatments", 4, None)
    assert "row(s) 4, 5 are hidden" in rows.message
    [columns] = found(report.warnings, "warning", "table.hidden_columns", "patients", 1, "birth_date")
    assert len(report.study.tables["treatments"]) == 5  # hidden rows are still read


def test_password_protected_workbook_gets_a_plain_message(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    folder = write_study(tmp_path / "s", example_tables())
    plain = folder / "study.xlsx"
    with plain.open("rb") as source, (tmp_path / "locked.xlsx").open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    shutil.move(tmp_path / "locked.xlsx", plain)
    assert msoffcrypto  # the file is a real encrypted workbook as Excel writes it
    report = validate_study(folder)
    [problem] = report.errors
    assert problem.rule == "file.unreadable" and "password" in problem.message
    assert "BadZipFile" not in problem.message


def test_old_xls_workbook_gets_a_plain_message(tmp_path):
    path = tmp_path / "study.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le"))
    log = ProblemLog()
    assert read_workbook(path, log) == {}
    assert ".xls" in log.problems[0].message and "BadZipFile" not in log.problems[0].message


# ---------------------------------------------------------------------------------------------------- headers

def test_full_width_header_is_normalised_with_a_warning(tmp_path):
    tables = example_tables()
    for row in tables["patients"]:
        row["ａｇｅ"] = row.pop("age")
    folder = write_study(tmp_path / "s", tables, layout="csv", drop_columns={"patients": ("age",)})
    report = validate_study(folder)
    assert report.ok, report.errors
    [problem] = found(report.warnings, "warning", "column.width_normalised", "patients", 1, "age")
    assert "'ａｇｅ'" in problem.message
    assert report.study.patients["age"].tolist() == [48, 61]


def test_headers_in_other_scripts_keep_their_letters():
    from oncocohort.io.sources import normalise_header

    assert normalise_header("Patient ID ") == "patient_id"
    assert normalise_header("ＥＣＯＧ") == "ecog"
    assert normalise_header("身份证号") == "身份证号"
    assert normalise_header("LDH (U/L)") == "ldh_u_l"


def test_full_width_sheet_names_and_workbook_headers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ｐａｔｉｅｎｔｓ"
    sheet.append(["ｐａｔｉｅｎｔ＿ｉｄ", "Age"])
    sheet.append(["P1", 40])
    workbook.save(tmp_path / "study.xlsx")
    log = ProblemLog()
    table = read_workbook(tmp_path / "study.xlsx", log)["patients"]
    assert table.header == ("patient_id", "age")
    assert [(p.rule, p.column) for p in log.problems] == [("column.width_normalised", "patient_id")]


def test_control_character_in_a_workbook_cell_is_an_error_at_its_cell(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    number = load_workbook(folder / "study.xlsx", read_only=True).sheetnames.index("patients") + 1
    # Excel writes a control character as _x0007_ (and a typed '_x0041_' as '_x005F_x0041_')
    _patch(folder / "study.xlsx", f"xl/worksheets/sheet{number}.xml",
           lambda xml: xml.replace("<t>Synovial sarcoma</t>", "<t>Synovial_x0007_ sarcoma</t>").replace(
               "<t>SS</t>", "<t>SS_x005F_x0041_</t>"))
    report = validate_study(folder)
    [problem] = report.errors
    assert (problem.rule, problem.table, problem.row, problem.column) == ("cell.control_character", "patients", 2,
                                                                          "histology")
    assert "U+0007" in problem.message and problem.value == "Synovial\\x07 sarcoma"
    raw = read_workbook(folder / "study.xlsx", ProblemLog())["patients"]
    assert raw.rows[0][1][raw.header.index("histology_group")] == "SS_x0041_"  # an escaped '_x' is text as typed


# ------------------------------------------------------------------------------------------- CSV text at scale

def test_lines_come_in_pieces_exactly_as_one_stringio_gives_them(monkeypatch):
    """The reader turns the text into lines a piece at a time: every line end (\\r\\n, \\r, \\n, and characters that
    str.splitlines would also split at but a CSV file does not) falls where one StringIO over the whole text puts it,
    whatever the piece size."""
    import io
    import random

    from oncocohort.io import sources

    rng = random.Random(18)
    pieces = ["a", ",", "\r", "\n", "\r\n", '"', "\u2028", "\x85", "\x0c", " "]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 50)))
        for size in (1, 2, 5, 1 << 20):
            monkeypatch.setattr(sources, "_CHUNK", size)
            assert list(sources._lines_of(text)) == list(io.StringIO(text, newline="")), (text, size)


def test_rows_and_problems_do_not_depend_on_the_piece_size(monkeypatch):
    from oncocohort.io import sources

    text = ('a,b,c\r\n1,"x\r\ny,z",3\r\n\r\n4,5\n6,7,8\r9,"q\n'
            "\n".join(f"{i},{i},{i}" for i in range(50)) + '\n10,"p"q,1\n')
    results = []
    for size in (1, 3, 64, 1 << 20):
        monkeypatch.setattr(sources, "_CHUNK", size)
        for body in (text, text.replace('"p"q', "p"), text.replace(',"q\n', ",q\n")):
            log = ProblemLog()
            results.append((size, body, read_csv_text(body, log, source="t.csv"),
                            [(p.rule, p.row, p.message) for p in log.problems]))
    reference = {body: (rows, problems) for size, body, rows, problems in results if size == 1 << 20}
    for size, body, rows, problems in results:
        assert (rows, problems) == reference[body], size
    assert all(problems for _, problems in reference.values())  # each text has a problem to locate


def test_a_large_csv_is_never_copied_whole_into_a_stringio(monkeypatch, tmp_path):
    """io.StringIO stores 4 bytes per character: one over a 100 MB table would add 400 MB to the peak."""
    import io

    from oncocohort.io import sources

    sizes = []

    class Recording(io.StringIO):
        def __init__(self, value="", newline="\n"):
            sizes.append(len(value))
            super().__init__(value, newline=newline)

    monkeypatch.setattr(sources.io, "StringIO", Recording)
    path = tmp_path / "lesions.csv"
    path.write_text("a,b\n" + "".join(f"{i},x{i % 7}\n" for i in range(400_000)), encoding="utf-8")
    log = ProblemLog()
    table = read_csv_table(path, log)
    assert len(table.rows) == 400_000 and table.rows[-1] == (400_001, ("399999", "x5")) and not log.problems
    assert sizes and max(sizes) <= sources._CHUNK + 100 < path.stat().st_size


def test_a_sheet_without_hidden_parts_or_formulas_is_not_parsed_twice(tmp_path, monkeypatch):
    """The per-cell XML scan (hidden rows/columns, formulas without a result) runs only on sheets whose XML holds
    'hidden' or an <f> element; the others are read once, by openpyxl."""
    from oncocohort.io import sources

    scanned = []
    original = sources.ElementTree.iterparse
    monkeypatch.setattr(sources.ElementTree, "iterparse", lambda *a, **k: scanned.append(1) or original(*a, **k))
    folder = write_study(tmp_path / "plain", example_tables(), layout="xlsx")
    assert validate_study(folder).ok and scanned == []
    tables = example_tables()
    tables["patients"][0]["age"] = "=40+1"  # written as a formula cell without a stored result
    folder = write_study(tmp_path / "formula", tables, layout="xlsx")
    report = validate_study(folder)
    assert scanned and found(report.errors, "error", "cell.formula_not_calculated", "patients", 2, "age")


@pytest.mark.parametrize("mark", [b"<f>1+1</f>", b'<x:f t="shared">', b'<row r="9" hidden="1">'])
def test_a_fact_cut_between_two_pieces_of_the_xml_is_found(tmp_path, mark):
    from oncocohort.io import sources

    path = tmp_path / "sheet.zip"
    for cut in (1, len(mark) // 2, len(mark) - 1):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("s.xml", b" " * ((1 << 20) - cut) + mark + b" " * 100)
        with zipfile.ZipFile(path) as archive:
            assert sources._may_hold_facts(archive, "s.xml"), cut
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("s.xml", b"<c><v>1</v></c><foo/>" * 100_000)
    with zipfile.ZipFile(path) as archive:
        assert not sources._may_hold_facts(archive, "s.xml")
