"""Finding a study's table files and reading them into raw tables, cell by cell, without interpreting them.

A study folder holds ``study.toml`` and either ``study.xlsx`` (one sheet per table) or one ``<table>.csv``
per table. Reading never modifies a file. Every data row keeps the row number the user sees in Excel
(header = row 1). Rows that are entirely blank are skipped and counted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from .problems import ProblemLog
from .schema import TABLES_BY_NAME

WORKBOOK_NAME = "study.xlsx"
# Sheets that carry help for people, not data (the template's explanation sheet among them).
HELP_SHEETS = ("readme", "columns", "instructions", "notes", "lists")


@dataclass(frozen=True)
class RawTable:
    """A table as read: header names (normalised), and data rows as (user row number, cells)."""

    name: str
    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]
    blank_rows: int = 0


@dataclass
class RawStudy:
    """All raw tables of a study plus what was found in the folder."""

    folder: Path
    layout: str  # "xlsx" or "csv"
    tables: dict[str, RawTable] = field(default_factory=dict)
    unreadable: bool = False  # a file was there but could not be read (already reported)


def normalise_header(text: object) -> str:
    """Header text to a column name: 'Patient ID ' -> 'patient_id'."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().casefold()).strip("_")


def _header_and_rows(
    name: str, source: str, rows: list[tuple[int, tuple]], log: ProblemLog, normalise: bool = True
) -> RawTable | None:
    """Split the first row off as the header; report blank or duplicate header cells. Header names are
    normalised (``normalise_header``) unless ``normalise`` is False (importers keep a source's own names)."""
    if not rows:
        log.error("table.empty_sheet", "is empty: the first row must hold the column names",
                  source=source, table=name)
        return None
    header_row_number, header_cells = rows[0]
    if all(c is None or not str(c).strip() for c in header_cells):
        log.error("table.no_header", "row 1 must hold the column names, and it is blank",
                  source=source, table=name, row=header_row_number)
        return None
    name_of = normalise_header if normalise else (lambda c: str(c).strip())
    header = [name_of(c) if c is not None and str(c).strip() else "" for c in header_cells]
    data = rows[1:]
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if not col:
            has_data = any(i < len(cells) and cells[i] not in (None, "") for _, cells in data)
            if has_data:
                log.error("table.blank_header", f"column {_excel_letter(i)} has values but no column name",
                          source=source, table=name, row=header_row_number)
            continue
        if col in seen:
            log.error("table.duplicate_column",
                      f"column name appears twice (columns {_excel_letter(seen[col])} and {_excel_letter(i)})",
                      source=source, table=name, row=header_row_number, column=col)
        seen.setdefault(col, i)
    width = len(header)
    kept: list[tuple[int, tuple]] = []
    blank = 0
    for number, cells in data:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            blank += 1
            continue
        if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
            log.error("table.extra_cells",
                      f"has values beyond the last named column (header has {width} columns)",
                      source=source, table=name, row=number)
        cells = tuple(cells[:width]) + (None,) * max(0, width - len(cells))
        kept.append((number, cells))
    return RawTable(name, source, tuple(header), tuple(kept), blank)


def _excel_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_workbook(path: Path, log: ProblemLog) -> dict[str, RawTable]:
    """Read every data sheet of study.xlsx. Sheet names match table names, case-insensitively."""
    source = path.name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a truncated or non-Excel file: report it, never a traceback
        log.error("file.unreadable", f"cannot be opened as an Excel workbook ({type(exc).__name__}); "
                  "save it again from Excel as .xlsx", source=source)
        return {}
    tables: dict[str, RawTable] = {}
    try:
        for sheet in workbook.worksheets:
            name = normalise_header(sheet.title)
            if name in HELP_SHEETS or sheet.title.startswith("_"):
                continue
            if name not in TABLES_BY_NAME:
                log.warning("table.unknown_sheet",
                            f"sheet '{sheet.title}' is not a study table and is ignored "
                            f"(tables: {', '.join(TABLES_BY_NAME)})", source=source, table=sheet.title)
                continue
            if name in tables:
                log.error("table.duplicate_sheet", f"two sheets are named '{name}'", source=source, table=name)
                continue
            rows = [(number, tuple(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
            raw = _header_and_rows(name, source, rows, log)
            if raw is not None:
                tables[name] = raw
    except Exception as exc:
        log.error("file.unreadable", f"could not be read to the end ({type(exc).__name__}: {exc}); "
                  "the file may be truncated or damaged — save it again from Excel", source=source)
    finally:
        workbook.close()
    return tables


def _decode(data: bytes, source: str, log: ProblemLog) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        log.error("file.encoding",
                  "is not UTF-8 text; in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'",
                  source=source, row=line)
        return None


def read_csv_table(path: Path, log: ProblemLog, normalise_headers: bool = True) -> RawTable | None:
    """Read one ``<table>.csv`` (UTF-8; comma, semicolon or tab separated). Cells are text or None; header
    names normalised unless ``normalise_headers`` is False."""
    source = path.name
    name = path.stem.casefold()
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.error("file.unreadable", f"cannot be read ({exc.strerror})", source=source, table=name)
        return None
    text = _decode(data, source, log)
    if text is None:
        return None
    if "\x00" in text:
        log.error("file.binary", "contains NUL bytes: it is not a text CSV file", source=source, table=name)
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows: list[tuple[int, tuple]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            rows.append((number, tuple(cell if cell.strip() else None for cell in record)))
    except csv.Error as exc:
        log.error("file.csv_syntax", f"is not valid CSV near this row ({exc}); an unclosed quote is typical",
                  source=source, table=name, row=len(rows) + 1)
        return None
    return _header_and_rows(name, source, rows, log, normalise_headers)


def read_study_files(folder: Path, log: ProblemLog) -> RawStudy | None:
    """Find and read the study's tables (xlsx or CSV). Reports a missing or doubled layout."""
    workbook = folder / WORKBOOK_NAME
    csvs = sorted(p for p in folder.glob("*.csv") if p.stem.casefold() in TABLES_BY_NAME)
    if workbook.exists() and csvs:
        log.error("study.two_layouts",
                  f"the folder has both {WORKBOOK_NAME} and table CSV files ({', '.join(p.name for p in csvs)}); "
                  "keep one of the two so it is clear which data is analysed", source=folder.name)
        return None
    errors_before = sum(p.severity == "error" for p in log.problems)
    if workbook.exists():
        tables = read_workbook(workbook, log)
        layout = "xlsx"
    else:
        tables = {}
        for path in csvs:
            raw = read_csv_table(path, log)
            if raw is not None:
                tables[raw.name] = raw
        layout = "csv"
    if workbook.exists() or csvs:
        unreadable = any(p.severity == "error" and p.rule.startswith("file.") for p in log.problems[errors_before:])
        return RawStudy(folder, layout, tables, unreadable)
    other = sorted(p.name for p in folder.glob("*.xlsx"))
    hint = f" (found {', '.join(other)}: rename it to {WORKBOOK_NAME})" if other else ""
    log.error("study.no_tables",
              f"no {WORKBOOK_NAME} and no table CSV files (patients.csv, treatments.csv, ...){hint}",
              source=folder.name)
    return None
