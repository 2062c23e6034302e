"""Best overall response (BOR) per patient from visit responses — derived (RECIST engine) or recorded.

Rules as implemented (RECIST 1.1 section 4.4 and the issue's settings):

- Only visits up to and including the first PD count; later ones are ignored.
- Ranking CR > PR > SD > NON-CR/NON-PD > PD > NE. SD and NON-CR/NON-PD count only at ≥ ``sd_min_days`` after
  the index date; earlier they count as NE (so an early SD followed by PD gives PD). No post-baseline visit: NE.
- Confirmation (``confirm=True``): a CR needs a later CR ≥ ``confirm_min_days`` after it, a PR a later CR or PR,
  with at most ``max_ne_between`` NE visits in between and nothing else (for a CR: only CR or NE between; for a
  PR: only CR, PR or NE). Unconfirmed CR/PR become SD when the SD minimum is met, else NE.
- CR followed by PR: per RECIST 1.1 a PR after a CR means the disease has come back — PD unless the CR was not
  real. We follow RECIST: such a PR is counted as PD and the patient is flagged ``cr_then_pr`` for review
  (admiralonco instead accepts the PR; see docs/recist.md).

Vectorised: pairs of visits within a patient and cumulative counts replace a loop per patient.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RANK = {"CR": 6, "PR": 5, "SD": 4, "NON-CR/NON-PD": 3, "PD": 2, "NE": 1}
LABEL = {v: k for k, v in RANK.items()}
PATIENT_COLUMNS = ("patient_id", "best_overall_response", "best_overall_response_date", "first_response_date",
                   "progression_date", "best_pct_change", "confirmed", "n_assessments", "cr_then_pr")


def _prepare(visits: pd.DataFrame, index_dates: pd.Series) -> pd.DataFrame:
    v = visits.loc[visits["overall_response"].notna(), ["patient_id", "assessment_date", "overall_response"]
                   + (["pct_from_baseline", "complete"] if "complete" in visits else [])].copy()
    v = v.join(index_dates.rename("index_date"), on="patient_id")
    # every assessment with a response counts (a derived baseline visit has none); recorded responses are
    # post-baseline evaluations by definition, as in admiralonco
    v = v.sort_values(["patient_id", "assessment_date"], kind="stable")
    # CR followed by PR: RECIST reads the PR as progression (flagged)
    seen_cr = v["overall_response"].eq("CR").groupby(v["patient_id"]).cummax()
    after_cr_pr = seen_cr & v["overall_response"].eq("PR")
    v["cr_then_pr"] = after_cr_pr
    v.loc[after_cr_pr, "overall_response"] = "PD"
    first_pd = v["assessment_date"].where(v["overall_response"].eq("PD")).groupby(v["patient_id"]).transform("min")
    v = v[first_pd.isna() | (v["assessment_date"] <= first_pd)].copy()
    v["position"] = v.groupby("patient_id").cumcount()
    return v


def _confirmation(v: pd.DataFrame, confirm_min_days: int, max_ne_between: int) -> pd.DataFrame:
    """Flags ``cr_confirmed`` and ``pr_confirmed`` per visit (pairs of visits within a patient).

    ``v`` as :func:`_prepare` gives it: integer patient codes, each patient's visits together in date order. The
    pairs (a CR/PR visit, a later CR/PR visit of the same patient) are index arrays built with numpy — a self-merge
    on the patient made every pair in both orders, with all their columns (the peak memory of ``derive`` at 10⁵
    patients). Counts strictly between the two visits = cumulative at the visit before the confirmer − cumulative at
    the candidate."""
    r = v["overall_response"]
    v = v.assign(cum_not_cr=(~r.isin(["CR", "NE"])).groupby(v["patient_id"]).cumsum(),
                 cum_not_crpr=(~r.isin(["CR", "PR", "NE"])).groupby(v["patient_id"]).cumsum(),
                 cum_ne=r.eq("NE").groupby(v["patient_id"]).cumsum())
    rows = np.flatnonzero(r.isin(["CR", "PR"]).to_numpy())  # candidates and confirmers: rows of v
    patient = v["patient_id"].to_numpy()[rows]
    after = np.searchsorted(patient, patient, side="right") - np.arange(len(rows)) - 1  # later CR/PR rows, same patient
    first = np.repeat(np.arange(len(rows)), after)
    second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after)
    a, b = rows[first], rows[second]
    dates = v["assessment_date"].to_numpy(dtype="datetime64[ns]")
    gap = dates[b] - dates[a]
    keep = ~np.isnat(gap)
    keep[keep] = gap[keep] // np.timedelta64(1, "D") >= confirm_min_days
    a, b = a[keep], b[keep]
    cum_not_cr, cum_not_crpr, cum_ne = (v[c].to_numpy() for c in ("cum_not_cr", "cum_not_crpr", "cum_ne"))
    response = r.to_numpy(dtype=object)
    ne_between = cum_ne[b - 1] - cum_ne[a]
    cr_ok = ((response[a] == "CR") & (response[b] == "CR") & (cum_not_cr[b - 1] - cum_not_cr[a] == 0)
             & (ne_between <= max_ne_between))
    pr_ok = (cum_not_crpr[b - 1] - cum_not_crpr[a] == 0) & (ne_between <= max_ne_between)
    v["cr_confirmed"] = np.bincount(a[cr_ok], minlength=len(v)) > 0
    v["pr_confirmed"] = np.bincount(a[pr_ok], minlength=len(v)) > 0
    return v


def best_overall_response(visits: pd.DataFrame, index_dates: pd.Series, *, sd_min_days: int = 42,
                          confirm: bool = False, confirm_min_days: int = 28, max_ne_between: int = 1
                          ) -> pd.DataFrame:
    """One row per patient of ``index_dates``: BOR (confirmed when ``confirm``), its date, the first response
    date, the first PD date, the best (smallest) % change of the target sum, and review flags."""
    # integer patient codes for the group-bys and the pair join; ids restored at the end
    ids = pd.Index(sorted(index_dates.index), name="patient_id")
    visits = visits[visits["patient_id"].isin(ids)]
    visits = visits.assign(patient_id=ids.get_indexer(visits["patient_id"]))
    codes = pd.Series(index_dates.loc[ids].to_numpy(), index=np.arange(len(ids)))
    v = _prepare(visits, codes)
    sd_ok = (v["assessment_date"] - v["index_date"]).dt.days >= sd_min_days
    response = v["overall_response"]
    if confirm:
        v = _confirmation(v, confirm_min_days, max_ne_between)
        confirmed_response = np.select(
            [response.eq("CR") & v["cr_confirmed"], response.isin(["CR", "PR"]) & v["pr_confirmed"],
             response.isin(["CR", "PR"]) & sd_ok, response.isin(["CR", "PR"])],
            ["CR", "PR", "SD", "NE"], default=response)
        response = pd.Series(confirmed_response, index=v.index)
    effective = response.where(~(response.isin(["SD", "NON-CR/NON-PD"]) & ~sd_ok), "NE")
    v["rank"] = effective.map(RANK).fillna(RANK["NE"]).astype(int)
    best_rank = v.groupby("patient_id")["rank"].transform("max")
    at_best = v[v["rank"] == best_rank]
    per_patient = at_best.groupby("patient_id").agg(best_rank=("rank", "first"),
                                                    best_overall_response_date=("assessment_date", "min"))
    is_response = v["rank"] >= RANK["PR"]
    per_patient["first_response_date"] = v[is_response].groupby("patient_id")["assessment_date"].min()
    per_patient["progression_date"] = v[v["overall_response"].eq("PD")].groupby("patient_id")["assessment_date"].min()
    if "pct_from_baseline" in v:
        evaluable = v[v["complete"].fillna(False).astype(bool)]
        per_patient["best_pct_change"] = evaluable.groupby("patient_id")["pct_from_baseline"].min()
    per_patient["n_assessments"] = v.groupby("patient_id").size()
    per_patient["cr_then_pr"] = v.groupby("patient_id")["cr_then_pr"].any()
    out = pd.DataFrame(index=pd.RangeIndex(len(ids))).join(per_patient)
    out["best_overall_response"] = out["best_rank"].map(LABEL).fillna("NE")
    out["n_assessments"] = out["n_assessments"].fillna(0).astype(int)
    out["cr_then_pr"] = out["cr_then_pr"].eq(True)  # patients without visits: missing after the join → no
    out["confirmed"] = confirm
    if "best_pct_change" not in out:
        out["best_pct_change"] = np.nan
    out["patient_id"] = ids
    return out.reset_index(drop=True)[list(PATIENT_COLUMNS)]
