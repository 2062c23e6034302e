"""Reading one spreadsheet cell into a typed value, or saying in plain words why it cannot be read.

Each ``compute_*`` function takes a raw cell (what openpyxl or the CSV reader gave: str, int, float,
bool, datetime or None) and returns ``(value, issue)``: the typed value (None for blank or unreadable)
and None or an :class:`CellIssue`. Nothing raises on bad input.

Numbers are read only in the forms a spreadsheet user writes (``12``, ``-3.5``, ``1.2E+05``): Python's
``float()`` also takes ``4_8`` (as 48), ``inf`` and ``nan``, which are refused here. Digits of other scripts
(full-width ``４８``, Arabic-Indic ``٤٨``) are read as ASCII digits with a warning. Control characters (which
Word documents cannot hold and terminals act on) are errors; tabs and line breaks in text become spaces.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from .schema import ColumnSpec

EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!")
# Text that people type for "no value"; read as blank with a warning so nothing changes silently.
MISSING_MARKERS = ("na", "n/a", "nan", "null", "none", "missing", ".", "-", "--")

# Configurable day/month orders for non-ISO text dates ([study] date_format).
DATE_FORMATS = {
    "DD/MM/YYYY": "dmy",
    "DD.MM.YYYY": "dmy",
    "DD-MM-YYYY": "dmy",
    "MM/DD/YYYY": "mdy",
    "MM-DD-YYYY": "mdy",
    "YYYY-MM-DD": "ymd",
}

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug handled below)
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_NAMED_DMY = re.compile(r"^(\d{1,2})[\s\-]?([A-Za-z]{3,9})\.?[\s\-,]*(\d{4})$")
_NAMED_MDY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")

_YES_NO_SYNONYMS = {"y": "yes", "n": "no", "true": "yes", "false": "no", "1": "yes", "0": "no"}
_SEX_SYNONYMS = {"m": "male", "f": "female"}


@dataclass(frozen=True)
class FormulaWithoutValue:
    """A workbook cell holding a formula whose result was never stored (the workbook was written by a program,
    or saved without recalculating). The reader puts this in place of the blank openpyxl gives for it."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True)
class CellIssue:
    """Why a cell could not be read (or was read with a caveat)."""

    severity: str
    rule: str
    message: str


def is_blank(value: object) -> bool:
    """True for an empty cell: None, empty or whitespace-only text."""
    return value is None or (isinstance(value, str) and not value.strip())


def _error(rule: str, message: str) -> tuple[None, CellIssue]:
    return None, CellIssue("error", rule, message)


# Unicode category Cc is exactly U+0000–U+001F, U+007F–U+009F: searched by one regex first (in C), since almost no
# text holds one and the per-character look-up cost seconds over a registry's hundreds of thousands of distinct cells
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` other than tab and line breaks, as ``U+0007`` codes."""
    if not _CONTROL.search(text):
        return []
    return sorted({f"U+{ord(c):04X}" for c in text if c not in "\t\n\r" and unicodedata.category(c) == "Cc"})


def _common(value: object, allowed: tuple[str, ...] = ()) -> tuple[bool, CellIssue | None]:
    """Checks every kind shares: blank, a formula without a stored result, control characters, Excel error
    values, missing-value markers (unless the marker is itself an allowed value, like 'none' for
    brain_metastases). Returns (stop, issue)."""
    if isinstance(value, FormulaWithoutValue):
        return True, CellIssue("error", "cell.formula_not_calculated",
                               "holds a formula whose result was never calculated and stored (the workbook was "
                               "written by a program or saved without recalculating): open and save the workbook "
                               "in Excel so that every formula's result is stored, or type the value")
    if isinstance(value, str) and (codes := control_characters(value)):
        return True, CellIssue("error", "cell.control_character",
                               f"contains the invisible control character(s) {', '.join(codes)}, which Word "
                               "documents cannot hold; delete them (retype the value)")
    if is_blank(value):
        return True, None
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in EXCEL_ERRORS:
            return True, CellIssue("error", "cell.spreadsheet_error",
                                   f"the spreadsheet shows the error {text.upper()}; fix the formula or type the value")
        if text.casefold() in MISSING_MARKERS and text.casefold() not in allowed:
            return True, CellIssue("warning", "cell.missing_marker",
                                   "read as blank (missing); leave the cell empty for missing values")
    return False, None


def _make_date(year: int, month: int, day: int) -> tuple[dt.date | None, CellIssue | None]:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return _error("date.out_of_range", f"year {year} is outside {_FIRST_YEAR}–{_LAST_YEAR}")
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return _error("date.invalid", f"there is no such calendar date (year {year}, month {month}, day {day})")


_DIGIT_PUNCTUATION = str.maketrans({"\u2212": "-", "\u066b": ".", "\u066c": ","})  # minus sign; Arabic
# decimal and thousands separators
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _ascii_digits(value: object) -> tuple[object, CellIssue | None]:
    """Text with full-width (NFKC) or other-script decimal digits (Arabic-Indic, Devanagari, ...) rewritten in
    ASCII, with a warning saying so; anything else unchanged."""
    if not isinstance(value, str) or value.isascii():
        return value, None
    text = unicodedata.normalize("NFKC", value).translate(_DIGIT_PUNCTUATION)
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)
    if "".join(text.split()) == "".join(value.split()):
        return value, None
    return text, CellIssue("warning", "cell.non_ascii_digits",
                           f"is written with full-width or non-Latin digits or signs; read as '{text.strip()}'")


def _noting(read, value: object, *args):
    """``read(value, *args)`` on the ASCII form of ``value``; the digits warning is kept when the read succeeds."""
    value, note = _ascii_digits(value)
    result, issue = read(value, *args)
    if note is not None and issue is None and result is not None:
        return result, note
    return result, issue


def compute_date(value: object, date_format: str | None = None) -> tuple[dt.date | None, CellIssue | None]:
    """Read a date; see :func:`_read_date` (digits of other scripts are read as ASCII, with a warning)."""
    return _noting(_read_date, value, date_format)


def _read_date(value: object, date_format: str | None = None) -> tuple[dt.date | None, CellIssue | None]:
    """Read a date: an Excel date cell, an Excel serial number, ISO text (YYYY-MM-DD), YYYYMMDD, text with a
    month name (15 May 2022, 15-MAY-2022, May 15, 2022), or day/month text.

    Day/month text such as 03/04/2022 is read by ``date_format`` when set; without it, it is accepted only
    when unambiguous (one part > 12 or both equal), and an ambiguous value is an error.
    """
    stop, issue = _common(value)
    if stop:
        return None, issue
    if isinstance(value, bool):
        return _error("date.unparseable", "is a TRUE/FALSE value, not a date")
    if isinstance(value, dt.datetime):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return _error("date.unparseable", "is not a date")
        serial = int(value)
        if serial == value and (m := _COMPACT.match(str(serial))):
            return _error("date.number_not_date",
                          f"is the number {serial}, not a date (Excel cannot show it as one); type the date as "
                          f"{m[1]}-{m[2]}-{m[3]} in a cell formatted as a date or as text")
        if serial != value or not 1 <= serial <= 73050:
            return _error("date.unparseable",
                          "is a number, not a date; format the cell as a date or type it as YYYY-MM-DD")
        # Excel counts 1900-02-29, which did not exist: serials 1–59 are one day later than the epoch gives.
        day = _EXCEL_EPOCH + dt.timedelta(days=serial + (1 if serial < 60 else 0))
        return day, None
    text = str(value).strip()
    for pattern in (_ISO, _COMPACT, _ISO_DATETIME):
        m = pattern.match(text)
        if m:
            return _make_date(int(m[1]), int(m[2]), int(m[3]))
    m = _NAMED_DMY.match(text) or _NAMED_MDY.match(text)
    if m:
        day_s, month_s, year_s = (m[1], m[2], m[3]) if m.re is _NAMED_DMY else (m[2], m[1], m[3])
        month = _MONTHS.get(month_s[:3].casefold())
        if month is None:
            return _error("date.unparseable", f"'{month_s}' is not a month name")
        return _make_date(int(year_s), month, int(day_s))
    m = _DAY_MONTH.match(text)
    if m:
        first, second, year_s = int(m[1]), int(m[3]), m[4]
        if len(year_s) == 2:
            return _error("date.two_digit_year", "has a two-digit year; write the year with four digits")
        order = DATE_FORMATS.get(date_format or "")
        if order == "dmy":
            return _make_date(int(year_s), second, first)
        if order == "mdy":
            return _make_date(int(year_s), first, second)
        if first > 12 >= second:
            return _make_date(int(year_s), second, first)
        if second > 12 >= first:
            return _make_date(int(year_s), first, second)
        if first == second:
            return _make_date(int(year_s), first, first)
        return _error(
            "date.ambiguous",
            f"could be {year_s}-{second:02d}-{first:02d} (day/month) or {year_s}-{first:02d}-{second:02d} "
            "(month/day); write dates as YYYY-MM-DD or set date_format in [study] of study.toml",
        )
    return _error("date.unparseable", "is not a date; write it as YYYY-MM-DD (e.g. 2022-05-15)")


def day_month_order(value: object) -> str | None:
    """'dmy' or 'mdy' when a day/month text value can only be read one way, else None (column checks)."""
    if not isinstance(value, str):
        return None
    m = _DAY_MONTH.match(value.strip())
    if not m:
        return None
    first, second = int(m[1]), int(m[3])
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def _number_text(value: object) -> tuple[float | None, CellIssue | None]:
    if isinstance(value, bool):
        return _error("number.invalid", "is a TRUE/FALSE value, not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        return _error("number.invalid", "is a date, not a number")
    else:
        text = str(value).strip()
        if re.fullmatch(r"[+-]?\d+,\d+", text):
            return _error("number.decimal_comma", "uses a decimal comma; write the number with a decimal point")
        if not _NUMBER.fullmatch(text):  # float() alone would take '4_8' as 48, and 'inf'
            return _error("number.invalid", "is not a number (write digits with a decimal point, e.g. 12.5)")
        number = float(text)
    if not math.isfinite(number):
        return _error("number.invalid", "is not a finite number")
    return number, None


def read_plain_number(value: object) -> tuple[float | None, CellIssue | None]:
    """A cell as a number when it is one in a form a spreadsheet user writes (see module notes), else None;
    with the warning when its digits were not ASCII."""
    value, note = _ascii_digits(value)
    if is_blank(value) or isinstance(value, FormulaWithoutValue):
        return None, None
    number, issue = _number_text(value)
    return (None, None) if issue else (number, note)


def _range_issue(number: float, spec: ColumnSpec) -> CellIssue | None:
    if spec.minimum is not None and number < spec.minimum or spec.maximum is not None and number > spec.maximum:
        low = "" if spec.minimum is None else f"{spec.minimum:g}"
        high = "" if spec.maximum is None else f"{spec.maximum:g}"
        bounds = f"between {low} and {high}" if low and high else (f"at least {low}" if low else f"at most {high}")
        unit = f" {spec.unit}" if spec.unit else ""
        return CellIssue("error", "number.out_of_range", f"must be {bounds}{unit}")
    return None


def compute_number(value: object, spec: ColumnSpec) -> tuple[float | None, CellIssue | None]:
    """Read a number (decimal point), checking the column's minimum and maximum."""
    return _noting(_read_number, value, spec)


def _read_number(value: object, spec: ColumnSpec) -> tuple[float | None, CellIssue | None]:
    stop, issue = _common(value)
    if stop:
        return None, issue
    number, issue = _number_text(value)
    if issue:
        return None, issue
    issue = _range_issue(number, spec)
    return (None, issue) if issue else (number, None)


def compute_integer(value: object, spec: ColumnSpec) -> tuple[int | None, CellIssue | None]:
    """Read a whole number (2 and 2.0 are fine, 2.5 is not), checking the column's bounds."""
    return _noting(_read_integer, value, spec)


def _read_integer(value: object, spec: ColumnSpec) -> tuple[int | None, CellIssue | None]:
    stop, issue = _common(value)
    if stop:
        return None, issue
    number, issue = _number_text(value)
    if issue:
        return None, CellIssue("error", "integer.invalid", "is not a whole number")
    if not float(number).is_integer():
        return _error("integer.invalid", "is not a whole number")
    issue = _range_issue(number, spec)
    if issue:
        # A short closed scale (ECOG 0–4, CTCAE grade 1–5) reads better as its list of values.
        if spec.minimum is not None and spec.maximum is not None and spec.maximum - spec.minimum <= 10:
            allowed = ", ".join(str(int(x)) for x in range(int(spec.minimum), int(spec.maximum) + 1))
            return _error("value.not_allowed", f"{spec.name} must be one of: {allowed}")
        return None, issue
    return int(number), None


def _enum_key(text: str) -> str:
    return re.sub(r"[\s\-_]+", "_", text.strip().casefold())


def compute_enum(value: object, spec: ColumnSpec) -> tuple[str | None, CellIssue | None]:
    """Read one of ``spec.allowed``; case, spaces and -/_ are ignored (``Non-target`` = ``non_target``),
    and y/n, true/false, 1/0 mean yes/no, m/f mean male/female."""
    stop, issue = _common(value, spec.allowed)
    if stop:
        return None, issue
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = _enum_key(str(value))
    canonical = {_enum_key(a): a for a in spec.allowed}
    if key in canonical:
        return canonical[key], None
    for synonyms in (_YES_NO_SYNONYMS, _SEX_SYNONYMS):
        target = synonyms.get(key)
        if target in spec.allowed:
            return target, None
    allowed = ", ".join(spec.allowed)
    return _error("value.not_allowed", f"{spec.name} must be one of: {allowed}")


def compute_text(value: object) -> tuple[str | None, CellIssue | None]:
    """Read text: trimmed; whole numbers lose Excel's '.0' (patient 7.0 -> '7'); dates become YYYY-MM-DD."""
    stop, issue = _common(value)
    if stop:
        return None, issue
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    return " ".join(str(value).split()), None


def compute_cell(value: object, spec: ColumnSpec, date_format: str | None = None):
    """Read a cell by its column's kind; see the ``compute_*`` functions."""
    if spec.kind == "date":
        return compute_date(value, date_format)
    if spec.kind == "integer":
        return compute_integer(value, spec)
    if spec.kind == "number":
        return compute_number(value, spec)
    if spec.kind == "enum":
        return compute_enum(value, spec)
    return compute_text(value)
