"""Reading a flat analysis table (one row per patient, e.g. for ``oncocohort survival DATA.csv``) with the
same one-pass, row-and-column problem reporting as a study folder.

Written for tables as R users write them (``write.csv``): ``NA``, ``N/A``, ``NaN``, ``.`` and blank cells are
missing values (:data:`MISSING_VALUES`, any case), counted per column and reported; they are *kept* in the
frame (NaN / None) so that each analysis can leave out the rows it cannot use, as R does — this module drops
nothing. Time must be a number >= 0 and event 0/1 (or yes/no, true/false); other columns become numeric when
every non-missing value is a number (so a numeric covariate with ``NA`` stays numeric), else text (a category),
with a warning when a mostly numeric column holds a few text values.

An unnamed first column (the row names R's ``write.csv`` writes by default) is not used.

One row per patient: with ``id_column`` (``--id``) — or, without it, a column that is obviously a patient
identifier (:data:`ID_COLUMNS`) — a patient on several rows is an error naming the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cells import compute_enum, compute_number
from .problems import ProblemLog
from .schema import ColumnSpec
from .sources import normalise_header, read_csv_table

# What R's read.csv (na.strings = "NA"), write.csv and SAS/SPSS exports write for a missing value.
MISSING_VALUES = ("", "na", "n/a", "nan", ".")
# Headers (normalised) taken as the patient identifier when --id is not given.
ID_COLUMNS = ("patient_id", "patientid", "subject_id", "subjid", "usubjid", "patient", "id")

_TIME = ColumnSpec("time", "number", True, "time to event", minimum=0)
_EVENT = ColumnSpec("event", "enum", True, "event indicator", allowed=("yes", "no"))
_ANY_NUMBER = ColumnSpec("value", "number", False, "a number")
_SHOWN_ROWS = 10


@dataclass(frozen=True)
class AnalysisTable:
    """The rows of an analysis table as read (nothing dropped), with the missing-value count per column.

    Attributes
    ----------
    frame : ``source_row`` (the row the user sees, header = row 1) and the used columns; missing = NaN/None.
    source : the file name.
    missing : per used column, the number of missing values (``NA``, ``N/A``, ``NaN``, ``.``, blank).
    id_column : the column identifying patients (``--id`` or recognised by name), or None.
    """

    frame: pd.DataFrame
    source: str
    missing: dict[str, int] = field(default_factory=dict)
    id_column: str | None = None


def is_missing(value: object) -> bool:
    """True for a blank cell or a missing-value marker of :data:`MISSING_VALUES` (any case)."""
    return value is None or str(value).strip().casefold() in MISSING_VALUES


def row_list(rows, shown: int = _SHOWN_ROWS) -> str:
    """'rows 4, 7, 9' or 'rows 4, 7, … and 12 more'."""
    rows = list(rows)
    text = ", ".join(str(r) for r in rows[:shown])
    more = f" … and {len(rows) - shown} more" if len(rows) > shown else ""
    return f"row{'s' if len(rows) > 1 else ''} {text}{more}"


def read_analysis_table(path: str | Path, time: str, event: str, others=(), id_column: str | None = None,
                        competing_codes=(), start: str | None = None) -> tuple[AnalysisTable | None, ProblemLog]:
    """Read ``path`` (CSV) and check the named columns. Returns (the table or None when there are errors,
    problems). ``others`` are further columns that must exist (group, strata, covariates). With
    ``competing_codes`` (whole numbers other than 0 and 1) the event column holds 0 censored, 1 the event or one
    of those codes (a competing event), kept as that integer. With ``start`` (counting-process rows (start, time])
    a patient may have several rows and each row's start must be a number below its ``time``."""
    log = ProblemLog()
    path = Path(path)
    if not path.is_file():
        log.error("file.missing", "no such file", source=str(path))
        return None, log
    reading = ProblemLog()
    raw = read_csv_table(path, reading)
    source = path.name
    row_names = raw is not None and raw.header[:1] == ("",)  # write.csv(row.names = TRUE): unnamed column A
    for problem in reading.problems:
        if not (row_names and problem.rule == "table.blank_header" and " A " in problem.message):
            log.problems.append(problem)
    if raw is None or log.has_errors:
        return None, log
    by_header = {name: i for i, name in enumerate(raw.header)}
    if id_column is None:
        id_column = next((c for c in ID_COLUMNS if c in by_header and c not in (time, event, *others)), None)
    columns = list(dict.fromkeys([time, event, *others] + ([start] if start else [])
                                 + ([id_column] if id_column else [])))
    # names are matched as headers are read: 'ph.ecog' finds the column 'ph.ecog' (read as ph_ecog)
    positions = {c: by_header[normalise_header(c)] for c in columns if normalise_header(c) in by_header}
    missing_columns = [c for c in columns if c not in positions]
    for name in missing_columns:
        log.error("column.missing", f"column '{name}' is not in the file (columns: {', '.join(raw.header)})",
                  source=source, row=1, column=name)
    if missing_columns:
        return None, log

    def cell(cells, name):
        value = cells[positions[name]] if positions[name] < len(cells) else None
        return None if is_missing(value) else value

    records = []
    for number, cells in raw.rows:
        record = {"source_row": number}
        value = cell(cells, time)
        record[time], issue = compute_number(value, _TIME) if value is not None else (None, None)
        if issue:
            log.add(issue.severity, issue.rule, f"{time} {issue.message}", source=source, row=number, column=time,
                    value=value)
        value = cell(cells, event)
        if competing_codes:
            record[event] = _event_code(value, competing_codes, event, source, number, log)
            status, issue = None, None
        else:
            status, issue = compute_enum(value, _EVENT) if value is not None else (None, None)
        if issue:
            log.add(issue.severity, issue.rule, f"{event} must be 1/0, yes/no or true/false", source=source,
                    row=number, column=event, value=value)
        if not competing_codes:
            record[event] = None if status is None else int(status == "yes")
        for name in columns[2:]:
            value = cell(cells, name)
            record[name] = None if value is None else str(value).strip()
        records.append(record)
    frame = pd.DataFrame(records, columns=["source_row", *columns])
    counts = {}
    for name in columns:
        blank = [number for (number, cells) in raw.rows if cell(cells, name) is None]
        counts[name] = len(blank)
        if blank:
            log.warning("rows.missing_values",
                        f"{len(blank)} missing value(s) (NA, N/A, NaN, . or blank) in {row_list(blank)}; each "
                        "analysis leaves out the rows it cannot use and says how many", source=source,
                        column=name)
    for name in dict.fromkeys(others):
        frame[name] = _typed(frame, name, source, log)
    if start:
        frame[start] = _typed(frame, start, source, log)
        _check_intervals(frame, start, time, source, log)
    elif id_column:
        _check_one_row_per_patient(frame, id_column, source, log)
    if log.has_errors:
        return None, log
    for name in (time, event):
        frame[name] = pd.to_numeric(frame[name])
    return AnalysisTable(frame, source, counts, id_column), log


def _event_code(value, competing_codes, event: str, source: str, number: int, log: ProblemLog) -> int | None:
    """An event cell of a competing-risks table: 0, 1 or one of ``competing_codes`` (an error otherwise)."""
    if value is None:
        return None
    allowed = [0, 1, *competing_codes]
    code, _ = compute_number(value, _ANY_NUMBER)
    if code is None or code != int(code) or int(code) not in allowed:
        log.error("value.not_allowed", f"{event} must be 0 (censored), 1 (the event) or a competing-event code "
                  f"given by --competing ({', '.join(str(c) for c in competing_codes)})", source=source,
                  row=number, column=event, value=value)
        return None
    return int(code)


def _typed(frame: pd.DataFrame, name: str, source: str, log: ProblemLog) -> pd.Series:
    """Numbers when every non-missing value is a number (whole numbers as Int64, others float; missing → NA),
    else text (missing → None)."""
    values = frame[name].astype(object).where(frame[name].notna(), None)
    numbers = [compute_number(v, _ANY_NUMBER)[0] if v is not None else None for v in values]
    text_rows = [(r, v) for r, v, n in zip(frame["source_row"], values, numbers) if v is not None and n is None]
    present = int(values.notna().sum())
    if not text_rows:
        whole = all(n is None or float(n).is_integer() for n in numbers)  # 0/1, ECOG: whole numbers (Int64)
        return pd.Series([None if n is None else (int(n) if whole else float(n)) for n in numbers],
                         index=frame.index, dtype="Int64" if whole else float)
    if len(text_rows) < present / 2:
        shown = ", ".join(f"'{v}' (row {r})" for r, v in text_rows[:5]) + (" …" if len(text_rows) > 5 else "")
        log.warning("column.mixed_types",
                    f"{present - len(text_rows)} of {present} values are numbers but {len(text_rows)} are text "
                    f"({shown}): the column is read as categories, one per distinct value. If it is a number, "
                    "correct those cells or write NA for missing", source=source, column=name)
    return values


def _check_intervals(frame: pd.DataFrame, start: str, stop: str, source: str, log: ProblemLog) -> None:
    """Each counting-process row covers (start, stop] with start a number below stop (as R ``Surv`` requires)."""
    starts = pd.to_numeric(frame[start], errors="coerce")
    stops = pd.to_numeric(frame[stop], errors="coerce")
    for row, value, first, last in zip(frame["source_row"], frame[start], starts, stops):
        if value is None or pd.isna(value) or pd.isna(last):
            continue
        if pd.isna(first) or not first < last:
            log.error("rows.interval_order", f"{start} must be a number below {stop} ({last:g}): each row covers "
                      f"the time span ({start}, {stop}]", source=source, row=int(row), column=start, value=value)


def _check_one_row_per_patient(frame: pd.DataFrame, id_column: str, source: str, log: ProblemLog) -> None:
    """An error per patient found on several rows (and per row without a patient id)."""
    ids = frame[id_column]
    for row in frame.loc[ids.isna(), "source_row"]:
        log.error("patient.blank_id", f"no patient id in column {id_column}: every row must name its patient",
                  source=source, row=int(row), column=id_column)
    present = frame[ids.notna()]
    for patient, rows in present.groupby(id_column, sort=True)["source_row"]:
        if len(rows) > 1:
            log.error("patient.several_rows",
                      f"patient '{patient}' is on {len(rows)} rows ({row_list(rows.tolist())}); this analysis "
                      "needs one row per patient (one time and event each)", source=source,
                      row=int(rows.iloc[0]), column=id_column, value=patient)
