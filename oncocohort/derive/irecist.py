"""iRECIST (Seymour et al., Lancet Oncol 2017;18:e143–52) on top of the RECIST 1.1 visit table.

Per patient, visits in date order:
- a RECIST 1.1 PD (target, non-target or new lesion) becomes **iUPD** (unconfirmed progression);
- the following assessment(s) confirm it as **iCPD** when any of these holds, compared with the iUPD visit:
  the target sum has grown by a further ≥ 5 mm; the sum of new-lesion diameters has grown by ≥ 5 mm; another new
  lesion has appeared; a new lesion appears where the iUPD had none; unequivocal non-target progression appears
  where the iUPD had none;
- if instead the RECIST PD criteria are no longer met (e.g. the tumour shrank back), the status **resets** to iCR,
  iPR, iSD or iNON-CR/NON-PD and a later PD is a new iUPD; otherwise the visit stays iUPD;
- iCPD is final: later visits are not assessed.
Limitations, stated: Seymour's "any increase in non-target or new non-target lesions" cannot be measured from a
categorical status, so a non-target already in progression at iUPD does not confirm by itself; the 4–8 week
spacing of the confirming scan is reported (``weeks_since_iupd``) but not enforced.

Best iRECIST response (iBOR): iCR > iPR > iSD > iNON-CR/NON-PD > iUPD > iCPD > iNE, visits up to the first iCPD;
iSD/iNON-CR/NON-PD count only at ≥ ``sd_min_days`` after the index date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .recist import visit_responses

RANK = {"iCR": 7, "iPR": 6, "iSD": 5, "iNON-CR/NON-PD": 4, "iUPD": 3, "iCPD": 2, "iNE": 1}
FURTHER_INCREASE_MM = 5.0


def _new_lesion_burden(lesions: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """Per visit: number of new lesions present and the sum of their diameters."""
    new = lesions[(lesions["kind"] == "new") & lesions["status"].eq("present")]
    burden = new.groupby(["patient_id", "assessment_date"]).agg(n_new=("lesion_id", "nunique"),
                                                                new_sum_mm=("diameter_mm", "sum"))
    keys = pd.MultiIndex.from_frame(visits[["patient_id", "assessment_date"]])
    return burden.reindex(keys).fillna(0).set_index(visits.index)


def irecist_visit_responses(lesions: pd.DataFrame, index_dates: pd.Series, baseline_window_days: int = 28
                            ) -> pd.DataFrame:
    """RECIST visit table plus ``irecist_response`` and ``irecist_reason`` (see module docstring)."""
    visits = visit_responses(lesions, index_dates, baseline_window_days)
    if visits.empty:
        return visits.assign(irecist_response=None, irecist_reason=None)
    visits = visits.join(_new_lesion_burden(lesions, visits))
    visits["nt_pd"] = visits["non_target_response"].eq("PD")
    responses, reasons, weeks = [], [], []
    for _, patient in visits.groupby("patient_id", sort=False):
        state, reference, done = None, None, False
        for row in patient.itertuples():
            if row.is_baseline or done:
                responses.append(None if row.is_baseline else "")
                reasons.append("" if row.is_baseline else "after iCPD: not assessed")
                weeks.append(np.nan)
                continue
            recist = row.overall_response
            if state != "iUPD":
                if recist == "PD":
                    state, reference = "iUPD", row
                    responses.append("iUPD")
                    reasons.append(f"iUPD: RECIST PD ({row.reason})")
                else:
                    state = "i" + recist
                    responses.append(state)
                    reasons.append(f"{state}: {row.reason}")
                weeks.append(np.nan)
                continue
            weeks.append((row.assessment_date - reference.assessment_date).days / 7)
            confirmed = _confirmation(row, reference)
            if confirmed:
                state, done = "iCPD", True
                responses.append("iCPD")
                reasons.append(f"iCPD: {confirmed}")
            elif recist != "PD":
                state = "i" + recist
                responses.append(state)
                reasons.append(f"{state}: progression not confirmed, reset ({row.reason})")
            else:
                responses.append("iUPD")
                reasons.append("iUPD: PD criteria still met, no further increase")
    visits["irecist_response"] = responses
    visits["irecist_reason"] = reasons
    visits["weeks_since_iupd"] = weeks
    visits.loc[visits["irecist_response"].eq(""), "irecist_response"] = None
    return visits


def _confirmation(row, reference) -> str:
    """Why a visit confirms the iUPD of ``reference`` (empty string when it does not)."""
    if pd.notna(row.sum_mm) and pd.notna(reference.sum_mm) and row.sum_mm - reference.sum_mm >= FURTHER_INCREASE_MM:
        return f"target sum +{row.sum_mm - reference.sum_mm:.1f} mm since iUPD"
    if row.new_sum_mm - reference.new_sum_mm >= FURTHER_INCREASE_MM and reference.n_new > 0:
        return f"new-lesion sum +{row.new_sum_mm - reference.new_sum_mm:.1f} mm since iUPD"
    if row.n_new > reference.n_new:
        return "another new lesion" if reference.n_new > 0 else "new lesion after a target/non-target iUPD"
    if row.nt_pd and not reference.nt_pd:
        return "non-target progression after the iUPD"
    return ""


def irecist_best_response(visits: pd.DataFrame, index_dates: pd.Series, sd_min_days: int = 42) -> pd.DataFrame:
    """iBOR per patient: best iRECIST response up to the first iCPD, and the iCPD date."""
    v = visits[visits["irecist_response"].notna()].join(index_dates.rename("_index"), on="patient_id")
    early = (v["assessment_date"] - v["_index"]).dt.days < sd_min_days
    effective = v["irecist_response"].where(~(v["irecist_response"].isin(["iSD", "iNON-CR/NON-PD"]) & early), "iNE")
    v = v.assign(rank=effective.map(RANK).fillna(RANK["iNE"]))
    best = v.loc[v.groupby("patient_id")["rank"].idxmax()].set_index("patient_id")
    out = pd.DataFrame(index=pd.Index(sorted(index_dates.index), name="patient_id"))
    labels = {value: key for key, value in RANK.items()}
    out["best_irecist_response"] = best["rank"].map(labels).reindex(out.index).fillna("iNE")
    out["best_irecist_response_date"] = best["assessment_date"].reindex(out.index)
    out["confirmed_progression_date"] = v[v["irecist_response"].eq("iCPD")].groupby("patient_id")[
        "assessment_date"].min().reindex(out.index)
    return out.reset_index()
