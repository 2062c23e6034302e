"""Reading single cells: dates, numbers, whole numbers, enumerations, text."""

from __future__ import annotations

import datetime as dt

import pytest

from oncocohort.io.cells import compute_date, compute_enum, compute_integer, compute_number, compute_text
from oncocohort.io.schema import ADVERSE_EVENTS, LESIONS, PATIENTS, RESPONSES

D = dt.date


@pytest.mark.parametrize("raw, expected", [
    ("2022-05-15", D(2022, 5, 15)),
    (" 2022-5-3 ", D(2022, 5, 3)),
    ("2022/05/15", D(2022, 5, 15)),
    ("2022-05-15 00:00:00", D(2022, 5, 15)),
    ("2022-05-15T13:45", D(2022, 5, 15)),
    ("20220515", D(2022, 5, 15)),
    ("15 May 2022", D(2022, 5, 15)),
    ("15-MAY-2022", D(2022, 5, 15)),
    ("15MAY2022", D(2022, 5, 15)),
    ("May 15, 2022", D(2022, 5, 15)),
    ("15/05/2022", D(2022, 5, 15)),   # unambiguous: 15 cannot be a month
    ("05/15/2022", D(2022, 5, 15)),
    ("05/05/2022", D(2022, 5, 5)),    # both readings agree
    (dt.datetime(2022, 5, 15, 0, 0), D(2022, 5, 15)),
    (D(2022, 5, 15), D(2022, 5, 15)),
    (44696, D(2022, 5, 15)),          # Excel serial number
    (44696.0, D(2022, 5, 15)),
    (61, D(1900, 3, 1)),              # after Excel's phantom 1900-02-29
    (1, D(1900, 1, 1)),
])
def test_dates_read(raw, expected):
    assert compute_date(raw) == (expected, None)


@pytest.mark.parametrize("raw, rule", [
    ("03/04/2022", "date.ambiguous"),
    ("3.4.2022", "date.ambiguous"),
    ("03/04/22", "date.two_digit_year"),
    ("2022-02-30", "date.invalid"),
    ("1850-01-01", "date.out_of_range"),
    ("yesterday", "date.unparseable"),
    ("15 Mai 2022", "date.unparseable"),
    (True, "date.unparseable"),
    (2.5e9, "date.unparseable"),
    (44696.5, "date.unparseable"),
    (float("nan"), "date.unparseable"),
])
def test_bad_dates_say_why(raw, rule):
    value, issue = compute_date(raw)
    assert value is None and issue.severity == "error" and issue.rule == rule


def test_configured_date_format_resolves_ambiguity():
    assert compute_date("03/04/2022", "DD/MM/YYYY") == (D(2022, 4, 3), None)
    assert compute_date("03/04/2022", "MM/DD/YYYY") == (D(2022, 3, 4), None)
    assert compute_date("2022-04-03", "DD/MM/YYYY") == (D(2022, 4, 3), None)  # ISO always works
    assert compute_date("13/04/2022", "MM/DD/YYYY")[1].rule == "date.invalid"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_is_none_without_issue(raw):
    assert compute_date(raw) == (None, None)
    assert compute_number(raw, LESIONS.column("diameter_mm")) == (None, None)


def test_spreadsheet_errors_and_missing_markers():
    value, issue = compute_number("#N/A", LESIONS.column("diameter_mm"))
    assert value is None and issue.rule == "cell.spreadsheet_error" and "#N/A" in issue.message
    value, issue = compute_date("NA")
    assert value is None and issue.severity == "warning" and issue.rule == "cell.missing_marker"
    # 'none' is a value of brain_metastases, not a missing marker
    assert compute_enum("None", PATIENTS.column("brain_metastases")) == ("none", None)


def test_numbers():
    col = LESIONS.column("diameter_mm")
    assert compute_number("12.5", col) == (12.5, None)
    assert compute_number(12, col) == (12.0, None)
    assert compute_number("12,5", col)[1].rule == "number.decimal_comma"
    assert compute_number("12 mm", col)[1].rule == "number.invalid"
    assert compute_number("inf", col)[1].rule == "number.invalid"
    issue = compute_number(-1, col)[1]
    assert issue.rule == "number.out_of_range" and issue.message == "must be at least 0 mm"
    assert compute_number(130, PATIENTS.column("age"))[1].message == "must be between 0 and 120 years"


def test_whole_numbers():
    ecog = PATIENTS.column("ecog")
    assert compute_integer("2", ecog) == (2, None)
    assert compute_integer(2.0, ecog) == (2, None)
    assert compute_integer("2.0", ecog) == (2, None)
    assert compute_integer(1.5, ecog)[1].rule == "integer.invalid"
    assert compute_integer("two", ecog)[1].rule == "integer.invalid"
    issue = compute_integer(5, ecog)[1]
    assert issue.rule == "value.not_allowed" and issue.message == "ecog must be one of: 0, 1, 2, 3, 4"
    issue = compute_integer(0, ADVERSE_EVENTS.column("grade"))[1]
    assert issue.message == "grade must be one of: 1, 2, 3, 4, 5"
    assert compute_integer(-1, PATIENTS.column("prior_systemic_lines"))[1].message == "must be between 0 and 30"


@pytest.mark.parametrize("raw, column, expected", [
    ("Male", PATIENTS.column("sex"), "male"),
    ("F", PATIENTS.column("sex"), "female"),
    (" YES ", PATIENTS.column("metastatic"), "yes"),
    ("y", PATIENTS.column("metastatic"), "yes"),
    (0, PATIENTS.column("metastatic"), "no"),
    (1.0, PATIENTS.column("metastatic"), "yes"),
    ("Non-target", LESIONS.column("kind"), "non_target"),
    ("non target", LESIONS.column("kind"), "non_target"),
    ("Too small", LESIONS.column("status"), "too_small"),
    ("non-cr/non-pd", RESPONSES.column("overall_response"), "NON-CR/NON-PD"),
    ("pr", RESPONSES.column("overall_response"), "PR"),
    ("ct", LESIONS.column("method"), "CT"),
    ("dose reduced", ADVERSE_EVENTS.column("action"), "dose_reduced"),
])
def test_enumerations_tolerate_case_and_spelling(raw, column, expected):
    assert compute_enum(raw, column) == (expected, None)


def test_enumeration_outside_the_list():
    value, issue = compute_enum("unknown", PATIENTS.column("sex"))
    assert value is None and issue.rule == "value.not_allowed" and issue.message == "sex must be one of: male, female"
    assert compute_enum("y", PATIENTS.column("sex"))[1].rule == "value.not_allowed"  # y means yes, not a sex


def test_text():
    assert compute_text(7.0) == ("7", None)
    assert compute_text("  Synovial   sarcoma ") == ("Synovial sarcoma", None)
    assert compute_text(dt.datetime(2022, 1, 2)) == ("2022-01-02", None)


# ---- strict reading (issue 14): numbers as a spreadsheet user writes them, digits of other scripts, control
# characters, formula cells without a stored result, a number in a date cell.

@pytest.mark.parametrize("raw", ["4_8", "1_000", "inf", "-Infinity", "0x1A", "4 8", "12.5.1", "e5", "+"])
def test_numbers_python_accepts_but_a_spreadsheet_user_does_not_write(raw):
    value, issue = compute_number(raw, PATIENTS.column("age"))
    assert value is None and issue.rule == "number.invalid"
    assert compute_integer(raw, PATIENTS.column("ecog"))[1].rule == "integer.invalid"


@pytest.mark.parametrize("raw, expected", [("48", 48.0), ("+48", 48.0), ("48.", 48.0), (".5", 0.5),
                                           ("4.8E+01", 48.0), ("1e1", 10.0), (" 48 ", 48.0)])
def test_numbers_in_spreadsheet_forms(raw, expected):
    assert compute_number(raw, PATIENTS.column("age")) == (expected, None)


@pytest.mark.parametrize("raw, expected, read_as", [
    ("４８", 48.0, "48"),            # full-width
    ("٤٨", 48.0, "48"),              # Arabic-Indic
    ("۴۸", 48.0, "48"),              # Extended Arabic-Indic (Persian)
    ("४८", 48.0, "48"),              # Devanagari
    ("٤٨٫٥", 48.5, "48.5"),          # with the Arabic decimal separator
    ("１２．５", 12.5, "12.5"),       # full-width full stop
])
def test_non_ascii_digits_are_read_with_a_warning(raw, expected, read_as):
    value, issue = compute_number(raw, PATIENTS.column("age"))
    assert value == expected
    assert (issue.severity, issue.rule) == ("warning", "cell.non_ascii_digits") and f"'{read_as}'" in issue.message


def test_non_ascii_digits_in_dates_and_whole_numbers():
    value, issue = compute_date("２０２１-０６-３０")
    assert value == D(2021, 6, 30) and issue.rule == "cell.non_ascii_digits"
    value, issue = compute_integer("٢", PATIENTS.column("ecog"))
    assert value == 2 and issue.rule == "cell.non_ascii_digits"
    value, issue = compute_integer("٧", PATIENTS.column("ecog"))  # 7 is out of range: the error wins
    assert value is None and issue.rule == "value.not_allowed"


@pytest.mark.parametrize("raw", ["Sarcoma\x07", "\x1b[31mLMS", "a\x00b", "x\x7f", "\x1f", "y\x85"])
def test_control_characters_are_errors(raw):
    for reader in (compute_text, compute_date, lambda v: compute_enum(v, PATIENTS.column("sex"))):
        value, issue = reader(raw)
        assert value is None and issue.rule == "cell.control_character"
    assert "U+" in compute_text(raw)[1].message


def test_tabs_and_line_breaks_in_text_become_spaces():
    assert compute_text("Disease\tprogression\r\nand sepsis") == ("Disease progression and sepsis", None)


def test_formula_without_a_stored_result():
    from oncocohort.io.cells import FormulaWithoutValue

    cell = FormulaWithoutValue("=C2+121")
    for reader in (compute_text, compute_date, lambda v: compute_number(v, PATIENTS.column("age"))):
        value, issue = reader(cell)
        assert value is None and issue.rule == "cell.formula_not_calculated"
        assert "open and save the workbook in Excel" in issue.message
    assert str(cell) == "=C2+121"


def test_a_number_that_looks_like_a_compact_date_says_so():
    value, issue = compute_date(20210630)
    assert value is None and issue.rule == "date.number_not_date"
    assert "is the number 20210630, not a date" in issue.message and "2021-06-30" in issue.message
    assert compute_date("20210630") == (D(2021, 6, 30), None)  # typed as text it is a date
