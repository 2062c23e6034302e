"""Typing a raw table by its schema: column checks, then every cell read by its column's kind.

The result is a pandas DataFrame with the schema's columns in order (missing optional columns added as
blank), extra columns kept (patients: as covariates, read as numbers when every value is numeric), and
``source_row`` — the row number the user sees — so that every later message can point back to the input.
"""

from __future__ import annotations

import pandas as pd

from .cells import compute_cell, compute_text, day_month_order
from .problems import ProblemLog
from .schema import IDENTIFIER_COLUMN_HINTS, TableSpec
from .sources import RawTable

SOURCE_ROW = "source_row"

_DTYPES = {"id": "object", "text": "object", "enum": "object", "integer": "Int64", "number": "float64",
           "date": "datetime64[ns]"}


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with the schema's columns and no rows (for an optional table that is absent)."""
    frame = pd.DataFrame({c.name: pd.Series([], dtype=_DTYPES[c.kind]) for c in spec.columns})
    frame[SOURCE_ROW] = pd.Series([], dtype="int64")
    return frame


def check_columns(raw: RawTable, spec: TableSpec, log: ProblemLog, not_collected: tuple[str, ...] = ()) -> bool:
    """Report missing required columns (error) and unknown columns (warning, except patients covariates).

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
        if name in IDENTIFIER_COLUMN_HINTS:
            log.warning("column.direct_identifier",
                        "looks like a direct identifier (name, record number, contact); it is ignored and never "
                        "shown in reports — better remove it from the study file", column=name, **where)
        elif spec.keeps_extra_columns:
            continue
        else:
            log.warning("column.unknown", f"is not a column of '{spec.name}' and is ignored "
                        f"(columns: {', '.join(spec.column_names)})", column=name, **where)
    return complete


def type_table(raw: RawTable, spec: TableSpec, log: ProblemLog, date_format: str | None,
               not_collected: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read every cell of ``raw`` by ``spec``; each unreadable cell is one problem. Returns the typed frame.

    A blank in a required column is an error unless the column is one of ``not_collected`` (patients).
    """
    optional = set(not_collected) if spec.name == "patients" else set()
    positions = {name: i for i, name in enumerate(raw.header) if name}
    data: dict[str, list] = {}
    for col in spec.columns:
        index = positions.get(col.name)
        values: list = []
        orders: dict[str, int] = {}
        if index is None:  # column absent: reported once by check_columns, not once per row
            data[col.name] = [None] * len(raw.rows)
            continue
        for row_number, cells in raw.rows:
            cell = cells[index]
            value, issue = compute_cell(cell, col, date_format)
            if issue is not None:
                log.add(issue.severity, issue.rule, issue.message, source=raw.source, table=raw.name,
                        row=row_number, column=col.name, value=cell)
            elif value is None and col.required and col.name not in optional:
                log.error("value.blank", f"{col.name} is required and the cell is blank",
                          source=raw.source, table=raw.name, row=row_number, column=col.name)
            if col.kind == "date" and date_format is None and (order := day_month_order(cell)):
                orders.setdefault(order, row_number)
            values.append(value)
        if len(orders) == 2:
            log.error("date.mixed_order",
                      f"mixes day/month (row {orders['dmy']}) and month/day (row {orders['mdy']}) dates; "
                      "write dates as YYYY-MM-DD or set date_format in [study] of study.toml",
                      source=raw.source, table=raw.name, row=max(orders.values()), column=col.name)
        data[col.name] = values
    frame = pd.DataFrame({c.name: pd.Series(data[c.name], dtype=_DTYPES[c.kind]) for c in spec.columns})
    if spec.keeps_extra_columns:
        for name, index in positions.items():
            if spec.column(name) is None and name not in IDENTIFIER_COLUMN_HINTS:
                frame[name] = _covariate([cells[index] for _, cells in raw.rows])
    frame[SOURCE_ROW] = pd.Series([number for number, _ in raw.rows], dtype="int64")
    return frame


def _covariate(cells: list) -> pd.Series:
    """An extra patients column: numbers when every non-blank value is numeric, else trimmed text."""
    texts = [compute_text(c)[0] for c in cells]
    numbers = pd.to_numeric(pd.Series([t for t in texts], dtype="object"), errors="coerce")
    present = [t is not None for t in texts]
    if any(present) and all(not p or pd.notna(n) for p, n in zip(present, numbers)):
        return numbers.astype("float64")
    return pd.Series(texts, dtype="object")
