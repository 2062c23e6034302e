"""Typing a raw table by its schema: column checks, then every cell read by its column's kind.

The result is a pandas DataFrame with the schema's columns in order (missing optional columns added as
blank), extra columns kept (patients: as covariates, read as numbers when every value is numeric), and
``source_row`` — the row number the user sees — so that every later message can point back to the input.
Columns that hold direct identifiers (by name or by content, :mod:`oncocohort.io.identifiers`) are left out
of the frame with a warning, so that they cannot reach any output; their values are never shown in a message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import compute_cell, compute_text, control_characters, day_month_order, read_plain_number
from .identifiers import identifier_content, identifier_header
from .problems import ProblemLog
from .schema import TableSpec
from .sources import RawTable

SOURCE_ROW = "source_row"

_DTYPES = {"id": "object", "text": "object", "enum": "object", "integer": "Int64", "number": "float64",
           "date": "datetime64[ns]"}


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with the schema's columns and no rows (for an optional table that is absent)."""
    frame = pd.DataFrame({c.name: pd.Series([], dtype=_DTYPES[c.kind]) for c in spec.columns})
    frame[SOURCE_ROW] = pd.Series([], dtype="int64")
    return frame


def shown_value(cell: object) -> object:
    """A cell as a message may show it: None when it looks like a direct identifier (never printed), control
    characters written as ``\\x07`` (never sent raw to a terminal)."""
    if identifier_content(cell):
        return None
    if isinstance(cell, str) and control_characters(cell):
        return "".join(f"\\x{ord(c):02x}" if control_characters(c) else c for c in cell)
    return cell


def check_columns(raw: RawTable, spec: TableSpec, log: ProblemLog, not_collected: tuple[str, ...] = ()) -> bool:
    """Report missing required columns (error), direct-identifier columns and unknown columns (warnings; patients
    keeps other extra columns as covariates).

    Columns in ``not_collected`` (study.toml ``[study] not_collected``, patients only) may be absent or blank;
    each gives one warning. Returns False when a required column is missing, so that the table's cells are not
    checked further.
    """
    where = dict(source=raw.source, table=raw.name, row=1)
    complete = True
    for col in spec.columns:
        if spec.name == "patients" and col.name in not_collected:
            log.warning("column.not_collected", f"'{col.name}' was not collected (study.toml [study] "
                        "not_collected): blanks are allowed and tables show it as not collected", column=col.name,
                        **where)
            continue
        if col.required and col.name not in raw.header:
            log.error("column.missing", f"required column '{col.name}' is missing ({col.description})",
                      column=col.name, **where)
            complete = False
    if spec.name == "patients" and "age" not in raw.header and "birth_date" not in raw.header:
        log.error("column.missing", "needs a column 'age' or a column 'birth_date'", column="age", **where)
        complete = False
    for name in raw.header:
        if not name or spec.column(name) is not None:
            continue
        if identifier_header(name):
            hint = (" (if it holds the study pseudonym, name it patient_id)"
                    if name in ("patient", "patients", "患者", "病人") and "patient_id" not in raw.header else "")
            log.warning("column.direct_identifier",
                        "looks like a direct identifier (name, record number, contact, national id, address); it is "
                        f"left out of the analysis and never written to any output — better remove it from the "
                        f"study file{hint}", column=name, **where)
        elif spec.keeps_extra_columns:
            continue
        else:
            log.warning("column.unknown", f"is not a column of '{spec.name}' and is ignored "
                        f"(columns: {', '.join(spec.column_names)})", column=name, **where)
    return complete


def type_table(raw: RawTable, spec: TableSpec, log: ProblemLog, date_format: str | None,
               not_collected: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read every cell of ``raw`` by ``spec``; each unreadable cell is one problem. Returns the typed frame.

    A blank in a required column — or a missing-value marker such as ``n/a`` there — is an error unless the
    column is one of ``not_collected`` (patients). A text cell of a study column that looks like an e-mail
    address, phone or national ID number is an error (the column cannot be dropped; the value is not shown).
    """
    optional = set(not_collected) if spec.name == "patients" else set()
    positions = {name: i for i, name in enumerate(raw.header) if name}
    row_numbers = raw.numbers
    data: dict[str, pd.Series] = {}
    for col in spec.columns:
        index = positions.get(col.name)
        if index is None:  # column absent: reported once by check_columns, not once per row
            data[col.name] = pd.Series([None] * len(raw), dtype=_DTYPES[col.kind])
            continue
        required = col.required and col.name not in optional
        data[col.name] = _read_column(raw.columns[index], row_numbers, col, required, raw, log, date_format)
    frame = pd.DataFrame(data)
    if spec.keeps_extra_columns:
        for name, index in positions.items():
            if spec.column(name) is None and not identifier_header(name):
                covariate = _covariate(raw, index, name, log)
                if covariate is not None:
                    frame[name] = covariate
    frame[SOURCE_ROW] = pd.Series(row_numbers, dtype="int64", copy=True)
    return frame


def _distinct_cells(column: np.ndarray) -> tuple[np.ndarray, list]:
    """``column`` as codes into its distinct cells: (codes, distinct cells in order of first appearance).

    Cells of different types that compare equal (``1``, ``1.0``, ``True`` in a workbook) are kept apart, since
    each is read differently. A column of text and blanks only (every CSV column) is factorised by pandas in C."""
    kinds = set(map(type, column))
    if kinds <= {str, type(None)}:
        codes, uniques = pd.factorize(column)
        distinct = list(uniques)
        if (codes < 0).any():  # blanks (None) are coded -1 by pandas
            codes[codes < 0] = len(distinct)
            distinct.append(None)
        return codes, distinct
    code_of: dict = {}
    distinct = []
    codes = np.empty(len(column), dtype=np.intp)
    for i, cell in enumerate(column):
        try:
            key = (type(cell), cell)
            code = code_of.get(key)
        except TypeError:  # an unhashable cell value: read on its own
            key, code = None, None
        if code is None:
            code = len(distinct)
            distinct.append(cell)
            if key is not None:
                code_of[key] = code
        codes[i] = code
    return codes, distinct


def _read_column(column: np.ndarray, row_numbers: np.ndarray, col, required: bool, raw: RawTable, log: ProblemLog,
                 date_format: str | None) -> pd.Series:
    """Read one column's cells into a typed Series; every cell that cannot be read (or is blank where required,
    or looks like a direct identifier) is one problem at its row, in row order.

    Reading a cell depends only on its value and type: each distinct cell is read once (100,000-row sheets
    repeat the same dates, categories and numbers) and the rows take their value by code (numpy), so that the
    per-row work is in C; only rows of a cell with a problem are visited in Python."""
    codes, distinct = _distinct_cells(column)
    readings = []  # per distinct cell: (value, issue, what, order), as the row loop needs them
    kept: list = []  # per distinct cell: the value its rows get (None for a direct identifier)
    flagged: list[int] = []  # codes of the distinct cells whose rows get a problem or a day/month order
    for code, cell in enumerate(distinct):
        value, issue = compute_cell(cell, col, date_format)
        what = identifier_content(value) if issue is None and value is not None and col.kind in ("id", "text") \
            else None
        order = day_month_order(cell) if col.kind == "date" and date_format is None else None
        readings.append((value, issue, what, order))
        kept.append(None if what is not None else value)
        if issue is not None or what is not None or (value is None and required) or order:
            flagged.append(code)
    orders: dict[str, int] = {}
    if flagged:
        where_flagged = np.flatnonzero(np.isin(codes, flagged))
        for position in where_flagged.tolist():
            cell, (value, issue, what, order) = distinct[codes[position]], readings[codes[position]]
            row_number = int(row_numbers[position])
            if issue is not None or what is not None or (value is None and required):
                where = dict(source=raw.source, table=raw.name, row=row_number, column=col.name)
                if issue is not None and issue.rule == "cell.missing_marker" and required:
                    log.error("value.blank", f"{col.name} is required; '{str(cell).strip()}' means missing — enter "
                              "the value", value=cell, **where)
                elif issue is not None:
                    log.add(issue.severity, issue.rule, issue.message, value=shown_value(cell), **where)
                elif value is None and required:
                    log.error("value.blank", f"{col.name} is required and the cell is blank", **where)
                else:
                    log.error("value.direct_identifier", f"looks like {what}: a direct identifier must not be in "
                              "the study data (the value is not shown); remove it", **where)
            if order:
                orders.setdefault(order, row_number)
    if len(orders) == 2:
        log.error("date.mixed_order",
                  f"mixes day/month (row {orders['dmy']}) and month/day (row {orders['mdy']}) dates; "
                  "write dates as YYYY-MM-DD or set date_format in [study] of study.toml",
                  source=raw.source, table=raw.name, row=max(orders.values()), column=col.name)
    return pd.Series(kept, dtype=_DTYPES[col.kind]).take(codes).reset_index(drop=True)


def _covariate(raw: RawTable, index: int, name: str, log: ProblemLog) -> pd.Series | None:
    """An extra patients column: numbers when every non-blank value is a number, else trimmed text; None (and
    a warning) when a cell looks like a direct identifier — the whole column is left out."""
    cells = list(zip(raw.numbers.tolist(), raw.columns[index]))
    for row_number, cell in cells:
        if what := identifier_content(cell):
            log.warning("column.identifier_content",
                        f"holds what looks like {what} (row {row_number}; not shown): the column is treated as a "
                        "direct identifier, left out of the analysis and never written to any output — better "
                        "remove it from the study file", source=raw.source, table=raw.name, row=1, column=name)
            return None
    texts = []
    for row_number, cell in cells:
        text, issue = compute_text(cell)
        if issue is not None:
            log.add(issue.severity, issue.rule, issue.message, source=raw.source, table=raw.name, row=row_number,
                    column=name, value=shown_value(cell))
        texts.append(text)
    numbers = [read_plain_number(t) for t in texts]
    if any(t is not None for t in texts) and all(t is None or n is not None for t, (n, _) in zip(texts, numbers)):
        for (row_number, cell), (_, note) in zip(cells, numbers):
            if note is not None:
                log.add(note.severity, note.rule, note.message, source=raw.source, table=raw.name, row=row_number,
                        column=name, value=cell)
        return pd.Series([float("nan") if n is None else n for n, _ in numbers], dtype="float64")
    return pd.Series(texts, dtype="object")
