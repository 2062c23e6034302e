"""Reading a flat analysis table (one row per patient, e.g. for ``oncocohort survival DATA.csv``) with the
same one-pass, row-and-column problem reporting as a study folder.

Time must be a number >= 0 and event 0/1 (or yes/no, true/false); rows with a blank in a used column are
dropped *and listed* (warning), never silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cells import compute_enum, compute_number
from .problems import ProblemLog
from .schema import ColumnSpec
from .sources import normalise_header, read_csv_table

_TIME = ColumnSpec("time", "number", True, "time to event", minimum=0)
_EVENT = ColumnSpec("event", "enum", True, "event indicator", allowed=("yes", "no"))


def read_analysis_table(path: str | Path, time: str, event: str, others=()) -> tuple[
        pd.DataFrame | None, ProblemLog]:
    """Read ``path`` (CSV) and check the named columns. Returns (complete rows or None, problems).

    ``others`` are further columns that must exist (group, strata, covariates); each becomes numeric when all
    its values are numbers, else text (a category).
    """
    log = ProblemLog()
    path = Path(path)
    if not path.is_file():
        log.error("file.missing", "no such file", source=str(path))
        return None, log
    raw = read_csv_table(path, log)
    if raw is None:
        return None, log
    source = path.name
    columns = [time, event, *others]
    by_header = {name: i for i, name in enumerate(raw.header)}
    # names are matched as headers are read: 'ph.ecog' finds the column 'ph.ecog' (read as ph_ecog)
    positions = {c: by_header[normalise_header(c)] for c in columns if normalise_header(c) in by_header}
    missing = [c for c in dict.fromkeys(columns) if c not in positions]
    for name in missing:
        log.error("column.missing", f"column '{name}' is not in the file (columns: {', '.join(raw.header)})",
                  source=source, row=1, column=name)
    if missing:
        return None, log
    rows, dropped = [], []
    for number, cells in raw.rows:
        record = {"source_row": number}
        t, issue = compute_number(cells[positions[time]], _TIME)
        if issue:
            log.add(issue.severity, issue.rule, f"{time} {issue.message}", source=source, row=number, column=time,
                    value=cells[positions[time]])
        e, issue = compute_enum(cells[positions[event]], _EVENT)
        if issue:
            log.add(issue.severity, issue.rule, f"{event} must be 1/0, yes/no or true/false", source=source,
                    row=number, column=event, value=cells[positions[event]])
        record[time], record[event] = t, None if e is None else int(e == "yes")
        for name in others:
            value = cells[positions[name]]
            record[name] = None if value is None or not str(value).strip() else str(value).strip()
        complete = all(record[c] is not None for c in columns)
        (rows if complete else dropped).append(record)
    if dropped:
        listed = ", ".join(str(r["source_row"]) for r in dropped[:20]) + (" ..." if len(dropped) > 20 else "")
        log.warning("rows.incomplete", f"{len(dropped)} row(s) with a blank or unreadable value in a used column "
                    f"are left out: rows {listed}", source=source)
    if log.has_errors:
        return None, log
    frame = pd.DataFrame(rows)
    for name in dict.fromkeys(others):
        converted = pd.to_numeric(frame[name], errors="coerce")
        frame[name] = converted if converted.notna().all() else frame[name].astype(str)
    return frame, log
