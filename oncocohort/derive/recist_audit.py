"""Recorded versus re-derived RECIST responses: every visit where they disagree, with the rule that explains it.

Explanations (first that applies):
- ``nadir``: we find PD because the sum is ≥ 20 % and ≥ 5 mm above the *nadir*, while it is < 20 % above
  baseline — the recorder compared with baseline only.
- ``five_mm``: the recorder says PD but the increase over the nadir is < 5 mm (the 5 mm rule of RECIST 1.1).
- ``missing_target``: a baseline target was not measured at the visit; RECIST makes it NE (unless PD), the recorder
  evaluated the measured lesions only.
- ``recorded_sum_differs``: the recorder's own sum of diameters (when given, e.g. SDTM TR SUMDIAM) differs from
  the sum of the recorded lesion measurements, and the response follows from that different sum.
- ``other``: anything else (listed for review).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EXPLANATIONS = ("nadir", "five_mm", "missing_target", "recorded_sum_differs", "other")


def compare_recorded(visits: pd.DataFrame, recorded: pd.DataFrame, column: str = "target_response",
                     recorded_column: str = "recorded_target_response") -> pd.DataFrame:
    """Join derived ``visits`` (from :func:`oncocohort.derive.recist.visit_responses`) with ``recorded``
    (patient_id, assessment_date, ``recorded_column``) and explain each disagreement. One row per recorded visit:
    patient_id, assessment_date, recorded, derived, agree, explanation, sum_mm, pct_from_baseline,
    pct_from_nadir, increase_mm."""
    derived = visits[~visits["is_baseline"]]
    columns = ["patient_id", "assessment_date", recorded_column] + (
        ["recorded_sum_mm"] if "recorded_sum_mm" in recorded else [])
    merged = recorded[columns].merge(derived, on=["patient_id", "assessment_date"], how="left")
    if "recorded_sum_mm" not in merged:
        merged["recorded_sum_mm"] = np.nan
    rec, der = merged[recorded_column], merged[column]
    increase = merged["sum_mm"] - merged["nadir_mm"]
    agree = rec.eq(der)
    explanation = np.select(
        [agree,
         der.eq("PD") & merged["target_pd"].fillna(False).astype(bool) & (merged["pct_from_baseline"] < 20),
         rec.eq("PD") & ~der.eq("PD") & (increase < 5),
         der.eq("NE") & ~merged["complete"].fillna(True).astype(bool),
         (merged["recorded_sum_mm"] - merged["sum_mm"]).abs() > 1e-6],
        ["", "nadir", "five_mm", "missing_target", "recorded_sum_differs"], default="other")
    return pd.DataFrame({
        "patient_id": merged["patient_id"], "assessment_date": merged["assessment_date"], "recorded": rec,
        "derived": der, "agree": agree, "explanation": explanation, "sum_mm": merged["sum_mm"],
        "pct_from_baseline": merged["pct_from_baseline"], "pct_from_nadir": merged["pct_from_nadir"],
        "increase_mm": increase, "recorded_sum_mm": merged["recorded_sum_mm"],
    }).sort_values(["patient_id", "assessment_date"]).reset_index(drop=True)
