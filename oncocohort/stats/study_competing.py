"""The study report's competing-risks view of PFS: each PFS event split into progression and death without
progression, with the cumulative incidence of each (Aalen–Johansen, :mod:`oncocohort.stats.competing_risks`).

A PFS event is **death without progression** when the patient's OS event is on the same date as the PFS event and
the PFS event's reason does not name progression ("PD …"); every other PFS event is **progression** (progression
and death on the same day count as progression, as PFS reports PD first). Censored PFS stays censored. The
incidences are read at the study's landmarks (``[analysis] landmarks``), else at ¼, ½ and ¾ of the longest
follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .competing_risks import CompetingRisksSummary, competing_risk_table, competing_risks_summary
from .competing_summary import default_times

PROGRESSION, DEATH_WITHOUT_PROGRESSION = 1, 2
CAUSE_LABELS = {"1": "Progression", "2": "Death without progression"}
FIGURE_STEP = 6.0  # time units between the figure's ticks (as the Kaplan–Meier figures)
RULE = ("death without progression: the OS event is on the PFS event date and the PFS event is not a documented "
        "progression; every other PFS event is progression")


@dataclass(frozen=True)
class CompetingPfs:
    """PFS events by cause and the cumulative incidence of each cause (times in the study's time unit)."""

    summary: CompetingRisksSummary
    risk_table: pd.DataFrame  # competing_risk_table every FIGURE_STEP units (the figure's ticks)
    times: tuple[float, ...]
    n: int
    progression: int
    death_without_progression: int
    censored: int
    rule: str = RULE


def pfs_causes(adtte: pd.DataFrame) -> pd.DataFrame:
    """Per patient with a PFS row: time in days and status 0 censored, 1 progression, 2 death without
    progression (module docstring)."""
    pfs = adtte[adtte["paramcd"] == "PFS"].set_index("patient_id")
    os_rows = adtte[adtte["paramcd"] == "OS"].set_index("patient_id")
    death_date = os_rows["end_date"].where(os_rows["event"].astype(int) == 1).reindex(pfs.index)
    reason = pfs["reason"].fillna("").astype(str) if "reason" in pfs else pd.Series("", index=pfs.index)
    event = pfs["event"].astype(int) == 1
    death_first = (event & death_date.notna() & (pd.to_datetime(pfs["end_date"]) == pd.to_datetime(death_date))
                   & ~reason.str.contains(r"\bPD\b|progress", case=False, regex=True))
    status = np.where(~event, 0, np.where(death_first, DEATH_WITHOUT_PROGRESSION, PROGRESSION))
    return pd.DataFrame({"patient_id": pfs.index, "days": pfs["days"].to_numpy(float), "status": status})


def competing_pfs(adtte: pd.DataFrame, unit_days: float, landmarks=()) -> CompetingPfs | None:
    """The competing-risks view of PFS, or None when no patient has a PFS row."""
    causes = pfs_causes(adtte)
    if causes.empty:
        return None
    time = causes["days"].to_numpy() / unit_days
    status = causes["status"].to_numpy()
    times = tuple(float(t) for t in landmarks) or tuple(default_times(time))
    counts = np.bincount(status, minlength=3)
    ticks = np.arange(0, float(time.max()) + FIGURE_STEP, FIGURE_STEP)
    return CompetingPfs(competing_risks_summary(time, status, causes=(1, 2)), competing_risk_table(time, status, ticks),
                        times, len(causes), int(counts[1]), int(counts[2]), int(counts[0]))


__all__ = ["CAUSE_LABELS", "CompetingPfs", "competing_pfs", "pfs_causes"]
