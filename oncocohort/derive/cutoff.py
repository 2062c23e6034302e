"""Data cutoff: every record dated after ``[study] data_cutoff`` is cut (or its date truncated), counted and listed.

Rules: treatments starting after the cutoff are removed, an end date after it becomes "ongoing at cutoff";
assessments (lesions, responses) after it are removed; adverse events with onset after it are removed, an end
date after it becomes "ongoing"; in follow-up a death or new therapy after the cutoff is not counted and a last
known alive date after it is set to the cutoff.
"""

from __future__ import annotations

import pandas as pd

RULES = (  # table, date column, action
    ("treatments", "start_date", "removed"),
    ("treatments", "end_date", "ongoing at cutoff"),
    ("lesions", "assessment_date", "removed"),
    ("responses", "assessment_date", "removed"),
    ("adverse_events", "onset_date", "removed"),
    ("adverse_events", "end_date", "ongoing at cutoff"),
    ("followup", "death_date", "not counted (after cutoff)"),
    ("followup", "new_anticancer_therapy_date", "not counted (after cutoff)"),
    ("followup", "last_known_alive_date", "set to the cutoff"),
)


def apply_cutoff(tables: dict[str, pd.DataFrame], cutoff) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Return (tables as of the cutoff, listing of every record cut or changed: table, source_row, patient_id,
    column, date, action). The input frames are not modified."""
    cutoff = pd.Timestamp(cutoff)
    out = {name: frame.copy() for name, frame in tables.items()}
    listed = []
    for table, column, action in RULES:
        if table not in out or column not in out[table]:
            continue
        frame = out[table]
        late = frame[column] > cutoff
        if not late.any():
            continue
        listed.append(pd.DataFrame({"table": table, "source_row": frame.loc[late, "source_row"],
                                    "patient_id": frame.loc[late, "patient_id"], "column": column,
                                    "date": frame.loc[late, column], "action": action}))
        if action == "removed":
            out[table] = frame[~late]
        elif action == "set to the cutoff":
            frame.loc[late, column] = cutoff
        else:
            frame.loc[late, column] = pd.NaT
            if table == "treatments":
                frame.loc[late, "reason_stopped"] = None
    listing = (pd.concat(listed, ignore_index=True) if listed else
               pd.DataFrame(columns=["table", "source_row", "patient_id", "column", "date", "action"]))
    return out, listing.sort_values(["table", "source_row", "column"]).reset_index(drop=True)
