"""Exposure to the regimen per patient: duration, cycles, starting dose, dose reductions, interruptions, reason
stopped, ongoing at cutoff, and relative dose intensity.

- Duration (days) = last regimen dose date (end of the last period; the cutoff when ongoing) − index date + 1.
- Cycles = ceil(duration / ``[regimen] cycle_days``) when cycle_days is set.
- Dose reduction: a period of a drug whose dose is lower than the drug's previous period (e.g. 12 → 10 → 8 mg: 2).
- Interruption: a gap of more than one day between consecutive periods of the same drug.
- Relative dose intensity (per drug, when doses are given): Σ dose × days of each period / (starting dose × days
  from the drug's first start to its last end) — delivered versus the starting dose given without a break.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.config import RegimenSettings


def exposure(treatments: pd.DataFrame, index_dates: pd.Series, regimen: RegimenSettings, cutoff) -> pd.DataFrame:
    """One row per patient of ``index_dates`` (treatments already cut at the cutoff)."""
    cutoff = pd.Timestamp(cutoff)
    rows = treatments[treatments["drug"].str.casefold().isin(regimen.drugs)] if regimen.drugs else treatments
    rows = rows.assign(drug=rows["drug"].str.casefold(), end=rows["end_date"].fillna(cutoff),
                       ongoing=rows["end_date"].isna()).sort_values(["patient_id", "drug", "start_date"])
    rows = rows.assign(days=(rows["end"] - rows["start_date"]).dt.days + 1)
    by_drug = rows.groupby(["patient_id", "drug"])
    rows = rows.assign(previous_dose=by_drug["dose"].shift(), previous_end=by_drug["end"].shift())
    rows = rows.assign(reduction=rows["dose"] < rows["previous_dose"],
                       interruption=(rows["start_date"] - rows["previous_end"]).dt.days > 1)
    per_patient = rows.groupby("patient_id").agg(
        last_dose_date=("end", "max"), ongoing_at_cutoff=("ongoing", "any"),
        dose_reductions=("reduction", "sum"), interruptions=("interruption", "sum"))
    last = rows.sort_values(["patient_id", "end", "start_date"]).groupby("patient_id").last()
    per_patient["reason_stopped"] = last["reason_stopped"].where(~per_patient["ongoing_at_cutoff"])
    out = pd.DataFrame(index=pd.Index(sorted(index_dates.index), name="patient_id")).join(per_patient)
    out["index_date"] = index_dates
    out["treatment_days"] = (out["last_dose_date"] - out["index_date"]).dt.days + 1
    if regimen.cycle_days:
        out["cycles"] = np.ceil(out["treatment_days"] / regimen.cycle_days)
    for name in regimen.drugs:
        drug = rows[rows["drug"] == name]
        if drug.empty:
            continue
        grouped = drug.groupby("patient_id")
        start_dose = grouped["dose"].first()
        delivered = (drug["dose"] * drug["days"]).groupby(drug["patient_id"]).sum(min_count=1)
        span = (grouped["end"].max() - grouped["start_date"].min()).dt.days + 1
        out[f"starting_dose:{name}"] = start_dose
        out[f"relative_dose_intensity:{name}"] = delivered / (start_dose * span)
    return out.reset_index()
