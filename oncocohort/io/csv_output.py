"""Every CSV file oncocohort writes goes through here, so that none can run as a spreadsheet formula.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``@SUM(…)``): data copied from a study into
an output CSV could then run when the file is opened ("CSV injection"). As OWASP recommends
(https://owasp.org/www-community/attacks/CSV_Injection), such a cell is written with a single quote in front
(``'=HYPERLINK(…)``), which spreadsheets show as text. Numbers are left alone: ``-3.5`` and ``+2`` stay numbers
(only text that begins with ``+`` or ``-`` and is not a number is prefixed), and so is a cell of hyphens only
(``-``, ``--``: the missing-value markers of a study table, which a spreadsheet shows as text).

Missing values are written as empty cells (never ``nan``), the way R's ``read.csv`` and pandas read them back as
missing. Parquet files are not spreadsheet input and keep the values unchanged (missing = null).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(value):
    """``value`` safe for a spreadsheet: text that a spreadsheet would run as a formula gets a leading ``'``.

    Non-text values (numbers, None) are returned unchanged; so is text that is a plain number (``-3.5``) or hyphens
    only (``-``)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value[0] in "+-" and (_NUMBER.fullmatch(value) or not value.strip("-")):
        return value
    return "'" + value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells (object and string columns, and the column names) neutralised: a new frame
    sharing the unchanged columns; ``frame`` itself is never changed."""
    out = frame.copy(deep=False)  # columns are replaced, never changed in place
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            neutral = _neutralised_column(column)
            if neutral is not None:
                out.isetitem(position, neutral)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _neutralised_column(column: pd.Series) -> pd.Series | None:
    """``column`` with :func:`neutralise_cell` applied, or None when no cell changes. A column of text and missing
    values only is factorised (pandas, in C) and each distinct text checked once; the rows of a text that changes
    take the new text by code. Other columns (numbers or dates among text) go cell by cell."""
    values = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return column.map(neutralise_cell)
    codes, uniques = pd.factorize(values)  # missing cells are -1 and stay as they are
    changed = {code: neutralise_cell(text) for code, text in enumerate(uniques)
               if text.startswith(FORMULA_STARTS) and neutralise_cell(text) is not text}
    if not changed:
        return None
    rows = np.flatnonzero(np.isin(codes, list(changed)))
    out = values.copy()
    out[rows] = [changed[code] for code in codes[rows].tolist()]
    return pd.Series(out, index=column.index, dtype=column.dtype, name=column.name)


def write_frame_csv(frame: pd.DataFrame, path: str | Path, float_format: str | None = None) -> Path:
    """Write ``frame`` as UTF-8 CSV (no index, ``\\n`` line ends, missing = empty cell), neutralised."""
    path = Path(path)
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n", float_format=float_format, na_rep="")
    return path


class SafeCsvWriter:
    """``csv.writer`` with every cell neutralised (:func:`neutralise_cell`) and ``\\n`` line ends."""

    def __init__(self, handle):
        self._writer = csv.writer(handle, lineterminator="\n")

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise_cell(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle) -> SafeCsvWriter:
    """A writer for an open text file (``newline=""``) that neutralises every cell."""
    return SafeCsvWriter(handle)
