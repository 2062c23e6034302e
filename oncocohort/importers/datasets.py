"""Reading one data set from a file of any format study data arrives in, as a frame of text cells.

CSV (UTF-8, any delimiter), Excel (.xlsx, one sheet), SAS transport (.xpt), SAS data sets (.sas7bdat), SPSS
(.sav, .zsav) and Stata (.dta). SPSS/Stata/SAS files are read with pyreadstat: SPSS and Stata value labels are
applied (``1`` → ``"Male"``; SAS formats live in a separate catalog and are not), and date formats become dates.
Every cell comes back as trimmed text or None, dates as ``YYYY-MM-DD`` and whole numbers without ``.0``, so that
mapping rules need to know one kind of value only.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..io.problems import ProblemLog
from ..io.sources import read_csv_table

ROW = "_row"  # the column holding each record's row number as the user sees it
SUFFIXES = (".csv", ".xpt", ".sas7bdat", ".sav", ".zsav", ".dta", ".xlsx")


class ImportFailed(Exception):
    """An import that cannot go on (a required input missing or unreadable); the message says why, plainly."""


class DatasetError(ImportFailed):
    """A data set that cannot be read; the message names the file and the reason."""


def cell_text(value) -> str | None:
    """One cell as text: None for missing, ``YYYY-MM-DD`` for dates, ``2`` for the number 2.0."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _as_text(frame: pd.DataFrame, rows) -> pd.DataFrame:
    """Every cell as :func:`cell_text`, plus ``ROW``: the row number the user sees for each record."""
    out = pd.DataFrame({str(c).strip(): pd.Series([cell_text(v) for v in frame[c].tolist()], dtype="object")
                        for c in frame.columns})
    out[ROW] = pd.Series(list(rows), dtype="int64")
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    """CSV by the study reader (UTF-8 check, delimiter, CSV syntax, blank rows, values beyond the header), with
    the source's own column names."""
    log = ProblemLog()
    raw = read_csv_table(path, log, normalise_headers=False)
    errors = [p for p in log.problems if p.severity == "error"]
    if raw is None or errors:
        raise DatasetError("\n".join(p.describe() for p in errors) or f"{path.name}: cannot be read")
    named = [i for i, name in enumerate(raw.header) if name]
    frame = pd.DataFrame([[cells[i] for i in named] for _, cells in raw.rows],
                         columns=[raw.header[i] for i in named], dtype="object")
    return _as_text(frame, (number for number, _ in raw.rows))


def _read_stat(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    import pyreadstat  # only these formats need it

    readers = {".xpt": pyreadstat.read_xport, ".sas7bdat": pyreadstat.read_sas7bdat, ".sav": pyreadstat.read_sav,
               ".zsav": pyreadstat.read_sav, ".dta": pyreadstat.read_dta}
    reader = readers[path.suffix.lower()]
    # SPSS and Stata files carry their value labels; SAS keeps formats in a separate catalog, so SAS values stay
    labelled = path.suffix.lower() in (".sav", ".zsav", ".dta")
    options = {"apply_value_formats": True, "formats_as_category": False} if labelled else {}
    try:
        frame, meta = reader(str(path), **options)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others for damaged files
        raise DatasetError(f"{path.name}: cannot be read as {path.suffix} ({exc})") from exc
    labels = dict(zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names)))
    return _as_text(frame, range(1, len(frame) + 1)), {k: v for k, v in labels.items() if v}


def read_dataset(path: str | Path, sheet: str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The data set in ``path`` (and Excel ``sheet``, default the first) → (text frame with ``ROW``, column labels).

    ``ROW`` is the row the user sees: CSV and Excel count the header as row 1 (blank rows keep their number);
    SAS, SPSS and Stata files count records from 1.
    Column labels are the variable labels of SAS/SPSS/Stata files (empty for CSV/Excel). Raises
    :class:`DatasetError` with a plain message when the file is missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path), {}
    if suffix == ".xlsx":
        try:
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl")
        except ValueError as exc:
            raise DatasetError(f"{path.name}: {exc}") from exc
        except Exception as exc:  # a damaged or non-Excel file
            raise DatasetError(f"{path.name}: cannot be read as an Excel workbook ({exc})") from exc
        frame = frame.dropna(how="all")  # blank rows; the index keeps each row's place (header = row 1)
        return _as_text(frame, frame.index + 2), {}
    if suffix in (".xpt", ".sas7bdat", ".sav", ".zsav", ".dta"):
        return _read_stat(path)
    raise DatasetError(f"{path.name}: unknown file type {suffix!r}; use one of {', '.join(SUFFIXES)}")


def find_dataset(folder: Path, name: str) -> Path | None:
    """The file holding data set ``name`` (e.g. ``dm``) in ``folder``: ``dm.csv``, ``DM.xpt``, ``dm.sas7bdat`` …
    (case ignored); None when there is none. Two files for one data set is an error."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.stem.casefold() == name.casefold()
                   and p.suffix.lower() in SUFFIXES)
    if len(found) > 1:
        raise DatasetError(f"{folder}: data set {name.upper()} is in more than one file "
                           f"({', '.join(p.name for p in found)}); keep one")
    return found[0] if found else None
