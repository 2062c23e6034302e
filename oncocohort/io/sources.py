"""Finding a study's table files and reading them into raw tables, cell by cell, without interpreting them.

A study folder holds ``study.toml`` and either ``study.xlsx`` (one sheet per table) or one ``<table>.csv``
per table. Reading never modifies a file. Every data row keeps the row number the user sees in Excel
(header = row 1). Rows that are entirely blank are skipped and counted.

The reader is strict, because what it lets through silently is lost silently: CSV syntax errors (an unclosed
quote that would swallow the following rows, text after a closing quote, rows with fewer values than the
header) are errors naming the row; a workbook's formula cells without a stored result are marked so that the
cell is reported (openpyxl gives None for them); hidden sheets, rows and columns are warned about; encrypted
and old-format (.xls) workbooks get a plain message.
"""

from __future__ import annotations

import collections
import csv
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from .cells import FormulaWithoutValue
from .problems import ProblemLog
from .schema import TABLES_BY_NAME

WORKBOOK_NAME = "study.xlsx"
# Sheets that carry help for people, not data (the template's explanation sheet among them).
HELP_SHEETS = ("readme", "columns", "instructions", "notes", "lists")


@dataclass(frozen=True, eq=False, init=False)
class RawTable:
    """A table as read: header names (normalised), the row number the user sees for every data row (header = row
    1), and the cells column by column — one object array per header column, in row order.

    Columns, not row tuples: a 2-million-row table held as tuples costs about 450 MB more (one tuple per row,
    which the cyclic garbage collector also walks again and again), and typing reads a column at a time.
    ``RawTable(name, source, header, rows)`` with (row number, cells) rows is accepted too; ``rows`` gives them
    back, built on demand."""

    name: str
    source: str
    header: tuple[str, ...]
    numbers: np.ndarray  # int64, the row number of each data row
    columns: tuple[np.ndarray, ...]  # one object array per header column
    blank_rows: int = 0

    def __init__(self, name: str, source: str, header: tuple[str, ...], rows=(), blank_rows: int = 0, *,
                 numbers: np.ndarray | None = None, columns: tuple[np.ndarray, ...] | None = None):
        if numbers is None:
            rows = tuple(rows)
            numbers = np.array([number for number, _ in rows], dtype=np.int64)
            columns = tuple(_object_array([cells[i] if i < len(cells) else None for _, cells in rows])
                            for i in range(len(header)))
        for key, value in (("name", name), ("source", source), ("header", tuple(header)), ("numbers", numbers),
                           ("columns", tuple(columns)), ("blank_rows", blank_rows)):
            object.__setattr__(self, key, value)

    def __len__(self) -> int:
        """The number of data rows."""
        return len(self.numbers)

    @property
    def rows(self) -> tuple[tuple[int, tuple[object, ...]], ...]:
        """The data rows as (row number, cells), built from the columns (each call builds them anew)."""
        cells = zip(*self.columns) if self.columns else (() for _ in self.numbers)
        return tuple(zip(self.numbers.tolist(), cells))


def _object_array(cells) -> np.ndarray:
    """``cells`` (a sequence of cell values) as a 1-d object array holding the very same objects."""
    array = np.empty(len(cells), dtype=object)
    array[:] = cells
    return array


@dataclass
class RawStudy:
    """All raw tables of a study plus what was found in the folder."""

    folder: Path
    layout: str  # "xlsx" or "csv"
    tables: dict[str, RawTable] = field(default_factory=dict)
    unreadable: bool = False  # a file was there but could not be read (already reported)


def normalise_header(text: object) -> str:
    """Header text to a column name: 'Patient ID ' -> 'patient_id', full-width 'ａｇｅ' -> 'age' (Unicode NFKC),
    '姓名' -> '姓名' (letters of any script are kept; spaces and punctuation become '_')."""
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return re.sub(r"[\W_]+", "_", text).strip("_")


def _normalised_by_width(text: object) -> bool:
    """True when NFKC (full-width or other compatibility characters) changed how a header reads."""
    plain = re.sub(r"[\W_]+", "_", str(text).strip().casefold()).strip("_")
    return plain != normalise_header(text)


_ROWS_AT_A_TIME = 1 << 16  # data rows turned into columns at a time (bounds the row tuples held at once)


def _header_and_rows(
    name: str, source: str, rows: Iterable[tuple[int, tuple]], log: ProblemLog, normalise: bool = True,
    blanks_are_none: bool = False,
) -> RawTable | None:
    """Split the first row off as the header; report blank or duplicate header cells. Header names are
    normalised (``normalise_header``) unless ``normalise`` is False (importers keep a source's own names).

    ``rows`` may be a stream (the CSV reader's): it is consumed once, the data rows turned into columns
    ``_ROWS_AT_A_TIME`` at a time. What is found here is logged when the stream has ended, after what the
    stream itself logged (so that a CSV syntax error, raised by the stream, leaves nothing of this table).
    ``blanks_are_none``: every blank cell is None already (the CSV reader's cells), so that a chunk of rows as wide
    as the header is sorted into blank and filled rows by numpy."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        log.error("table.empty_sheet", "is empty: the first row must hold the column names",
                  source=source, table=name)
        return None
    header_row_number, header_cells = first
    if all(c is None or not str(c).strip() for c in header_cells):
        collections.deque(rows, maxlen=0)  # read to the end, as a syntax error further down comes first
        log.error("table.no_header", "row 1 must hold the column names, and it is blank",
                  source=source, table=name, row=header_row_number)
        return None
    name_of = normalise_header if normalise else (lambda c: str(c).strip())
    header = [name_of(c) if c is not None and str(c).strip() else "" for c in header_cells]
    width = len(header)
    unnamed = [i for i, col in enumerate(header) if not col]
    unnamed_with_data: set[int] = set()
    extra_cells: list[int] = []
    numbers: list[np.ndarray] = []
    pieces: list[list[np.ndarray]] = [[] for _ in header]
    blank = 0
    while chunk := list(itertools.islice(rows, _ROWS_AT_A_TIME)):
        for i in unnamed:  # every data row counts here, blank rows too (as the header check always did)
            if i not in unnamed_with_data and any(i < len(cells) and cells[i] not in (None, "") for _, cells in chunk):
                unnamed_with_data.add(i)
        if blanks_are_none:
            numbers_of, cells_of = zip(*chunk)
            if list(map(len, cells_of)).count(width) == len(cells_of):  # every row as wide as the header: in C
                del chunk
                columns = [_object_array(column) for column in zip(*cells_of)]
                del cells_of
                filled = ~np.logical_and.reduce([np.equal(column, None) for column in columns])
                blank += int(len(filled) - filled.sum())
                numbers.append(np.array(numbers_of, dtype=np.int64)[filled])
                for i, column in enumerate(columns):
                    pieces[i].append(column if filled.all() else column[filled])
                continue
        kept_numbers: list[int] = []
        kept: list[tuple] = []
        for number, cells in chunk:
            if _blank_row(cells):
                blank += 1
                continue
            if len(cells) != width:
                if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
                    extra_cells.append(number)
                cells = tuple(cells[:width]) + (None,) * max(0, width - len(cells))
            kept_numbers.append(number)
            kept.append(cells)
        del chunk
        numbers.append(np.array(kept_numbers, dtype=np.int64))
        for i, column in enumerate(zip(*kept) if kept else ()):
            pieces[i].append(_object_array(column))
        del kept
    for i, cell in enumerate(header_cells):
        if normalise and header[i] and _normalised_by_width(cell):
            log.warning("column.width_normalised",
                        f"column {_excel_letter(i)} is named with full-width or compatibility characters "
                        f"('{str(cell).strip()}'); it is read as '{header[i]}'",
                        source=source, table=name, row=header_row_number, column=header[i])
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if not col:
            if i in unnamed_with_data:
                log.error("table.blank_header", f"column {_excel_letter(i)} has values but no column name",
                          source=source, table=name, row=header_row_number)
            continue
        if col in seen:
            log.error("table.duplicate_column",
                      f"column name appears twice (columns {_excel_letter(seen[col])} and {_excel_letter(i)})",
                      source=source, table=name, row=header_row_number, column=col)
        seen.setdefault(col, i)
    for number in extra_cells:
        log.error("table.extra_cells", f"has values beyond the last named column (header has {width} columns)",
                  source=source, table=name, row=number)
    columns = tuple(np.concatenate(piece) if piece else np.empty(0, dtype=object) for piece in pieces)
    row_numbers = np.concatenate(numbers) if numbers else np.empty(0, dtype=np.int64)
    return RawTable(name, source, tuple(header), blank_rows=blank, numbers=row_numbers, columns=columns)


def _blank_row(cells: tuple) -> bool:
    """True when every cell is None or spaces only (decided at the first filled cell)."""
    for cell in cells:
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return False
    return True


def _excel_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file keeps
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DATE_SERIAL_WARNING = re.compile(r"Cell ([A-Z]+)(\d+) is marked as a date but the serial value (\S+) is outside")


def _not_a_workbook(path: Path) -> str | None:
    """Why ``path`` cannot be an .xlsx workbook, in words, when its first bytes say so (else None)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head != _CFB_MAGIC:
                return None
            data = head + handle.read()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if _ENCRYPTED_PACKAGE in data:
        return ("is protected with a password (encrypted), so it cannot be read; in Excel remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password: clear it) and save the workbook again")
    return ("is an old-format Excel 97–2003 workbook (.xls) or another Office file, not .xlsx; "
            "open it in Excel and save it as 'Excel Workbook (.xlsx)'")


@dataclass(frozen=True)
class _SheetFacts:
    """What openpyxl's values do not show: hidden rows and columns, formulas without a stored result."""

    hidden_rows: frozenset[int]
    hidden_columns: frozenset[int]  # 1-based
    uncalculated: dict[tuple[int, int], str]  # (row, column), 1-based -> formula text


def _results_not_stored(archive: zipfile.ZipFile) -> bool:
    """True when the workbook asks to be fully recalculated on opening (``fullCalcOnLoad``): programs that
    write formulas without calculating them (openpyxl, XlsxWriter — which stores 0 as every result) set it;
    Excel and LibreOffice store real results and drop it when they save."""
    try:
        xml = archive.read("xl/workbook.xml")
    except KeyError:
        return False
    return re.search(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"', xml) is not None


def _sheet_facts(archive: zipfile.ZipFile, member: str, results_not_stored: bool = False) -> _SheetFacts:
    """Scan a worksheet's XML once (streaming): rows/columns with ``hidden``, and formula cells ``<f>``
    without a stored result: no ``<v>``, an empty ``<v>`` on a cell that is not text (a stored empty text
    ``t="str"`` is a result), or any formula when ``results_not_stored``. openpyxl's ``data_only`` reading
    gives None (or XlsxWriter's 0) for those, exactly as for an empty cell."""
    from openpyxl.utils.cell import coordinate_to_tuple

    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    uncalculated: dict[tuple[int, int], str] = {}
    if not _may_hold_facts(archive, member):
        return _SheetFacts(frozenset(), frozenset(), {})
    row, column = 0, 0
    with archive.open(member) as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = element.tag.removeprefix(_MAIN_NS)
            if event == "start":
                if tag == "row":
                    row = int(element.get("r") or row + 1)
                    column = 0
                    if element.get("hidden") in ("1", "true"):
                        hidden_rows.add(row)
                continue
            if tag == "c":
                reference = element.get("r")
                row, column = coordinate_to_tuple(reference) if reference else (row, column + 1)
                formula = element.find(f"{_MAIN_NS}f")
                if formula is not None:
                    stored = element.find(f"{_MAIN_NS}v")
                    empty = stored is None or (not stored.text and element.get("t", "n") not in ("str", "s"))
                    if empty or results_not_stored:
                        uncalculated[(row, column)] = "=" + (formula.text or "…")
                element.clear()
            elif tag == "col" and element.get("hidden") in ("1", "true"):
                hidden_columns.update(range(int(element.get("min", 1)), int(element.get("max", 1)) + 1))
            elif tag == "row":
                element.clear()
    return _SheetFacts(frozenset(hidden_rows), frozenset(hidden_columns), uncalculated)


# What a hidden row/column or a formula looks like in a sheet's XML: the text "hidden", or an <f> element (any prefix)
_FACT_MARKS = re.compile(rb"hidden|<(?:\w+:)?f[\s>/]")


def _may_hold_facts(archive: zipfile.ZipFile, member: str) -> bool:
    """False when the sheet's XML holds neither the text ``hidden`` nor an ``<f>`` element, so that it has no hidden
    rows or columns and no formulas: a byte search in pieces (the parse per cell costs 10× more, and most data sheets
    have none). A match that is no such fact only leads to the full scan."""
    with archive.open(member) as handle:
        tail = b""
        while piece := handle.read(1 << 20):
            block = tail + piece
            if _FACT_MARKS.search(block):
                return True
            tail = block[-64:]  # a mark cut between two pieces is found in the next block
    return False


def _listed(numbers: list, limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" … and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _read_sheet(sheet, archive: zipfile.ZipFile | None) -> tuple[list[tuple[int, tuple]], _SheetFacts | None]:
    """All rows of a sheet as (Excel row number, cells). Formula cells without a stored result become
    :class:`FormulaWithoutValue`; a number in a date-formatted cell that is no date (openpyxl turns it into
    ``#VALUE!`` with a warning) is given back as the number, so that the cell reader can say what it is;
    Excel's escapes of control characters (``_x0007_``) are decoded, so that the cell reader refuses them."""
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.utils.escape import unescape

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # openpyxl's warnings are turned into problems here, never printed
        rows = [[number, list(row)] for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    for _, cells in rows:  # Excel stores a control character as _x0007_; openpyxl leaves the escape as text
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and "_x" in cell:
                cells[i] = unescape(cell)
    for warning in caught:
        m = _DATE_SERIAL_WARNING.match(str(warning.message))
        if m:
            row, column = int(m[2]), column_index_from_string(m[1])
            if row <= len(rows) and column <= len(rows[row - 1][1]):
                number = float(m[3])
                rows[row - 1][1][column - 1] = int(number) if number.is_integer() else number
    member = getattr(sheet, "_worksheet_path", None)  # openpyxl's read-only sheet knows its part in the zip
    facts = _sheet_facts(archive, member, _results_not_stored(archive)) if archive is not None and member else None
    if facts is not None:
        for (row, column), formula in facts.uncalculated.items():
            if row <= len(rows):
                cells = rows[row - 1][1]
                cells.extend([None] * (column - len(cells)))
                cells[column - 1] = FormulaWithoutValue(formula)
    return [(number, tuple(cells)) for number, cells in rows], facts


def _warn_hidden(raw: RawTable, sheet, facts: _SheetFacts | None, log: ProblemLog) -> None:
    where = dict(source=raw.source, table=raw.name)
    if sheet.sheet_state != "visible":
        log.warning("table.hidden_sheet", f"sheet '{sheet.title}' is hidden in Excel; it is read like any other "
                    "sheet — unhide it (right-click a sheet tab > Unhide) to check what it holds", **where)
    if facts is None:
        return
    hidden = [number for number, _ in raw.rows if number in facts.hidden_rows]
    if hidden:
        log.warning("table.hidden_rows", f"row(s) {_listed(hidden)} are hidden or filtered out in Excel; they are "
                    "read like every other row — unhide them (or clear the filter) to check them", row=hidden[0],
                    **where)
    names = [name for i, name in enumerate(raw.header, start=1) if name and i in facts.hidden_columns]
    if names:
        log.warning("table.hidden_columns", f"column(s) {', '.join(names)} are hidden in Excel; they are read like "
                    "every other column — unhide them to check them", row=1, column=names[0], **where)


def read_workbook(path: Path, log: ProblemLog) -> dict[str, RawTable]:
    """Read every data sheet of study.xlsx. Sheet names match table names, case-insensitively."""
    import openpyxl  # here, not at the top: CSV studies and other commands start without it

    source = path.name
    reason = _not_a_workbook(path)
    if reason:
        log.error("file.unreadable", reason, source=source)
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Data Validation extension is not supported": reading is fine
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a truncated or non-Excel file: report it, never a traceback
        log.error("file.unreadable", f"cannot be opened as an Excel workbook ({type(exc).__name__}); "
                  "save it again from Excel as .xlsx", source=source)
        return {}
    tables: dict[str, RawTable] = {}
    try:
        archive = getattr(workbook, "_archive", None)
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
            rows, facts = _read_sheet(sheet, archive if isinstance(archive, zipfile.ZipFile) else None)
            raw = _header_and_rows(name, source, rows, log)
            if raw is not None:
                tables[name] = raw
                _warn_hidden(raw, sheet, facts, log)
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


class _SharedCells(dict):
    """Cell text → the cell as read: None when blank (empty or spaces only), else one shared ``str`` per text."""

    def __missing__(self, text: str) -> str | None:
        cell = self[text] = text if text.strip() else None
        return cell


_CHUNK = 1 << 20  # characters of text turned into lines at a time


def _lines_of(text: str):
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them (ends ``\r\n``, ``\r`` or ``\n`` kept),
    from pieces of about a million characters cut after a ``\n`` (so a ``\r\n`` is never split): a StringIO holds
    4 bytes per character, which for a 100 MB table would be 400 MB more at once."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + _CHUNK)
        stop = len(text) if cut < 0 else cut + 1
        yield from io.StringIO(text[start:stop], newline="")
        start = stop


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}–{last}"


class _CsvSyntaxError(Exception):
    """Raised by :func:`_csv_records` after it has logged ``file.csv_syntax``: nothing of the file is returned."""


def read_csv_text(text: str, log: ProblemLog, *, source: str, table: str | None = None
                  ) -> list[tuple[int, tuple[str | None, ...]]] | None:
    """Parse CSV text strictly into (row number as a spreadsheet shows it, cells) records, header = row 1.

    The delimiter is the most frequent of ``,`` ``;`` and tab in the first line. Cells are text, or None when
    blank. Reported to ``log`` (errors unless said): a quote that is never closed (it would swallow every
    following row into one cell) or text after a closing quote (``file.csv_syntax``; nothing is returned);
    a row with fewer values than the header (``table.short_row``; the row is returned padded with blanks);
    a quoted cell that spans lines and holds the delimiter after a line break — rows joined by a misplaced
    quote, or a deliberate line break (``table.multiline_cell``, a warning).
    Rows longer than the header are left to the caller (see ``table.extra_cells``).
    """
    try:
        return list(_csv_records(text, log, source=source, table=table))
    except _CsvSyntaxError:
        return None


def _csv_records(text: str, log: ProblemLog, *, source: str, table: str | None = None
                 ) -> Iterator[tuple[int, tuple[str | None, ...]]]:
    """The records of :func:`read_csv_text` one at a time (the same checks, logged as they are met); a syntax error
    is logged and then raised as :class:`_CsvSyntaxError`."""
    where = dict(source=source, table=table)
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(_lines_of(text), delimiter=delimiter, strict=True)
    width, last_line, number = 0, 0, 0
    # One string object per distinct cell text: a 400,000-row table repeats its dates and categories, and the
    # copies would hold hundreds of MB (and be hashed again when the cells are read). The lookup runs in C
    # (``map`` over the dict's ``__getitem__``); only a text not seen before reaches Python (``__missing__``).
    cell_of = _SharedCells().__getitem__
    try:
        for number, record in enumerate(reader, start=1):
            first, last = last_line + 1, reader.line_num
            last_line = last
            cells = tuple(map(cell_of, record))
            if number == 1:
                width = len(record)
            elif cells.count(None) < len(cells):
                if len(record) < width:
                    log.error("table.short_row",
                              f"has {len(record)} value(s) but the header names {width} columns ({_lines(first, last)}"
                              " of the file); a separator is missing or a quote joined two cells — every row needs "
                              "one value per column (an empty cell is nothing between two separators)",
                              row=number, **where)
                # a cell holding a line break spans lines of the file: only such a record is searched
                joined = [c for c in record if "\n" in c or "\r" in c] if last > first else ()
                if joined and any(delimiter in c.split("\n", 1)[-1] for c in joined):
                    log.warning("table.multiline_cell",
                                f"a quoted cell runs over {_lines(first, last)} of the file and holds the separator "
                                f"'{delimiter}' after a line break: if that is not a deliberate line break, a quote "
                                "is misplaced and rows were joined", row=number, **where)
            yield number, cells
    except csv.Error as exc:
        first = last_line + 1
        if "unexpected end of data" in str(exc):
            what = (f"a quoted cell opened in this row (line {first} of the file) is never closed, so every row "
                    "after it would be read as one cell; add the closing quote (\")")
        else:
            what = (f"is not valid CSV near line {reader.line_num} of the file ({exc}); a quote inside a cell must be "
                    "doubled (\"\") and a quoted cell must end at its closing quote")
        log.error("file.csv_syntax", what, row=number + 1, **where)  # the records before it were read
        raise _CsvSyntaxError from None


def read_csv_table(path: Path, log: ProblemLog, normalise_headers: bool = True) -> RawTable | None:
    """Read one ``<table>.csv`` (UTF-8; comma, semicolon or tab separated; parsed by :func:`read_csv_text`).
    Cells are text or None; header names normalised unless ``normalise_headers`` is False."""
    source = path.name
    name = path.stem.casefold()
    try:
        text = _decode(path.read_bytes(), source, log)  # the bytes are freed once decoded
    except OSError as exc:
        log.error("file.unreadable", f"cannot be read ({exc.strerror})", source=source, table=name)
        return None
    if text is None:
        return None
    if "\x00" in text:
        lines = [number for number, line in enumerate(text.split("\n"), 1) if "\x00" in line]  # as an editor counts
        where = "" if len(lines) == 1 else f" on {len(lines)} lines from this one"
        log.error("file.binary", f"contains NUL bytes{where}: it is not a text CSV file (save it again as CSV "
                  "UTF-8)", source=source, table=name, row=lines[0])
        return None
    try:  # the records stream into columns: the table is never held as row tuples
        return _header_and_rows(name, source, _csv_records(text, log, source=source, table=name), log,
                                normalise_headers, blanks_are_none=True)
    except _CsvSyntaxError:
        return None


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
