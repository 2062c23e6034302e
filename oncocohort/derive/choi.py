"""Choi criteria (Choi et al., J Clin Oncol 2007;25:1753–9), for tumours whose response shows as loss of density
(GIST, sarcomas on anti-angiogenic drugs).

Built on the RECIST engine's visit table (same baseline, sums, nadir, non-target and new-lesion findings); the
target response is replaced by Choi's size-and-density rules and the overall response follows the same
combination table:

- size = sum of target diameters (as RECIST); density = mean attenuation (``attenuation_hu``) of the target lesions
  measured at the visit;
- CR: every target lesion gone (sum 0 mm);
- PR: size ≥ 10 % below baseline **or** density ≥ 15 % below baseline;
- PD: size ≥ 10 % above the nadir (smallest earlier complete sum, as RECIST) **and** the density criterion for PR
  not met; new lesions and unequivocal non-target progression are PD as in RECIST;
- NE: a target not measured (and not PD); SD otherwise.
New intratumoral nodules (part of Choi's PD definition) are not recorded in the data format and are not assessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.baseline import baseline_records
from .recist import _overall, visit_responses

SIZE_CHANGE = 0.10
DENSITY_DECREASE = 0.15


def _mean_density(lesions: pd.DataFrame, visits: pd.DataFrame) -> pd.Series:
    """Mean attenuation of the baseline target lesions present at each visit (NaN when none has a value)."""
    targets = visits.loc[visits["is_baseline"], ["patient_id", "baseline_date"]]
    measured = lesions[(lesions["kind"] == "target") & lesions["status"].eq("present")
                       & lesions["attenuation_hu"].notna()]
    # baseline density: each target's record on the patient's baseline date (io.baseline, zero-day window)
    index = targets.set_index("patient_id")["baseline_date"]
    base = baseline_records(measured, index, 0)
    base_mean = base.groupby("patient_id")["attenuation_hu"].mean()
    later = measured.merge(targets, on="patient_id")
    later = later[later["assessment_date"] > later["baseline_date"]]
    later_mean = later.groupby(["patient_id", "assessment_date"])["attenuation_hu"].mean()
    keys = pd.MultiIndex.from_frame(visits[["patient_id", "assessment_date"]])
    density = pd.Series(later_mean.reindex(keys).to_numpy(), index=visits.index)
    baseline_density = visits["patient_id"].map(base_mean)
    density[visits["is_baseline"]] = baseline_density[visits["is_baseline"]]
    return density, baseline_density


def choi_visit_responses(lesions: pd.DataFrame, index_dates: pd.Series, baseline_window_days: int = 28
                         ) -> pd.DataFrame:
    """Visit responses by the Choi criteria (columns as RECIST's, plus density_hu and pct_density_change)."""
    visits = visit_responses(lesions, index_dates, baseline_window_days)
    if visits.empty:
        return visits
    density, baseline_density = _mean_density(lesions, visits)
    visits["density_hu"] = density
    with np.errstate(divide="ignore", invalid="ignore"):
        visits["pct_density_change"] = 100 * (density - baseline_density) / baseline_density.abs()
    size_from_nadir = (visits["sum_mm"] - visits["nadir_mm"]) / visits["nadir_mm"]
    size_from_baseline = (visits["sum_mm"] - visits["baseline_sum"]) / visits["baseline_sum"]
    density_pr = visits["pct_density_change"] <= -100 * DENSITY_DECREASE + 1e-9
    size_pr = size_from_baseline <= -SIZE_CHANGE + 1e-12
    size_pd = (size_from_nadir >= SIZE_CHANGE - 1e-12) & ~density_pr
    has_targets = visits["n_targets"].fillna(0) > 0
    visits["target_response"] = np.select(
        [~has_targets, visits["is_baseline"], size_pd, ~visits["complete"], visits["sum_mm"].eq(0),
         size_pr | density_pr],
        [None, None, "PD", "NE", "CR", "PR"], default="SD")
    visits["overall_response"] = _overall(visits)
    size_text = (100 * size_from_baseline).round(0)
    density_text = visits["pct_density_change"].round(0)
    visits["reason"] = np.where(
        visits["is_baseline"], visits["reason"],
        "Choi " + visits["target_response"].fillna("n/a").astype(str) + ": size " + size_text.astype(str)
        + " % from baseline, density " + density_text.astype(str) + " % from baseline")
    return visits
