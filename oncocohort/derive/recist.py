"""RECIST 1.1 visit responses from lesion measurements (Eisenhauer et al., Eur J Cancer 2009;45:228–47, with the
RECIST working group's 2016 clarifications, Schwartz et al., Eur J Cancer 2016;62:138–45).

All steps are vectorised over patients × visits × lesions (pandas merges and group-wise cumulative operations);
no Python loop runs per row. Rules as implemented:

- Baseline = each lesion's last record on or before the index date, at most ``baseline_window_days`` before it
  (sites imaged on different days form one baseline); the baseline date is the latest of them. Target and
  non-target lesions are those of the baseline; later assessments are the scans after the baseline date.
- Sum of diameters = longest diameter of non-nodal targets + short axis of nodal targets; ``too_small`` counts
  5 mm, ``absent`` 0 mm; ``not_evaluated`` or a missing row leaves the target unmeasured (incomplete visit).
- Nadir = smallest sum at any earlier *complete* visit, baseline included.
- Target response: PD if sum − nadir ≥ 5 mm and ≥ 20 % of the nadir (any increase ≥ 5 mm after a zero nadir),
  judged on the measured lesions even when the visit is incomplete; otherwise NE if incomplete; CR if every
  non-nodal target is absent and every nodal target < 10 mm (the sum may be > 0); PR if ≥ 30 % below baseline;
  otherwise SD.
- Non-target response: PD for unequivocal ``progression``; CR when all are absent; NE when any is not evaluated
  or missing; otherwise NON-CR/NON-PD.
- New lesions: ``present`` is PD. ``equivocal`` is not; when the same new lesion is later present, PD dates back
  to the first (equivocal) scan.
- Overall response: RECIST 1.1 Tables 1 (target disease) and 2 (non-target disease only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.baseline import baseline_records

PD_ABSOLUTE_MM = 5.0
TOO_SMALL_MM = 5.0
NODE_NORMAL_MM = 10.0
VISIT_COLUMNS = ("patient_id", "assessment_date", "sum_mm", "pct_from_baseline", "nadir_mm", "pct_from_nadir",
                 "target_response", "non_target_response", "new_lesion", "overall_response", "reason")


def _baseline_lesions(lesions: pd.DataFrame, visits: pd.DataFrame, kind: str, n_lesion_ids: int):
    """The ``kind`` lesions of each patient's baseline matched to that kind's records at each visit.

    Returns (rows: the matched records, each with ``visit_number`` = position in ``visits``; n_baseline: baseline
    lesions of the visit's patient, per visit; duplicates: matched records beyond the first of a lesion at a visit,
    per visit; baseline: the baseline lesion (position in the baseline list) of each matched record). A visit's
    "grid" — every baseline lesion × the visit, with the visit's record(s) of it or a blank — has
    n_baseline + duplicates rows, of which n_baseline − (matched − duplicates) are blank. Integer keys and
    ``np.bincount`` instead of a merge of visits × lesions (the grid is never built)."""
    of_kind = lesions["kind"].eq(kind).to_numpy()
    at_baseline = (lesions["assessment_date"] == lesions["baseline_date"]).to_numpy() & of_kind
    patient = lesions["patient_id"].to_numpy(np.int64)
    lesion_key = patient * n_lesion_ids + lesions["lesion_id"].to_numpy(np.int64)
    baseline_keys = pd.Index(lesion_key[at_baseline])
    n_patients = int(visits["patient_id"].max()) + 1 if len(visits) else 0
    per_patient = np.bincount(patient[at_baseline], minlength=n_patients)
    n_baseline = per_patient[visits["patient_id"].to_numpy(np.int64)]
    candidates = np.flatnonzero(of_kind)
    baseline = baseline_keys.get_indexer(lesion_key[candidates])
    matched = candidates[baseline >= 0]
    visit_number = np.searchsorted(visits["visit"].to_numpy(), lesions["visit"].to_numpy()[matched])
    repeated = pd.Index(visit_number.astype(np.int64) * n_lesion_ids
                        + lesions["lesion_id"].to_numpy(np.int64)[matched]).duplicated()
    duplicates = np.bincount(visit_number[repeated], minlength=len(visits))
    rows = pd.DataFrame({"status": lesions["status"].array.take(matched),
                         "diameter_mm": lesions["diameter_mm"].to_numpy(float)[matched],
                         "visit_number": visit_number})
    return rows, n_baseline, duplicates, baseline[baseline >= 0], np.flatnonzero(at_baseline)


def _target_table(lesions: pd.DataFrame, visits: pd.DataFrame, n_lesion_ids: int) -> pd.DataFrame:
    """Per visit with baseline targets: sum of measured target diameters, number of targets (grid rows), number
    unmeasured, and whether the CR condition holds for every target."""
    rows, n_baseline, duplicates, baseline, baseline_rows = _baseline_lesions(lesions, visits, "target",
                                                                              n_lesion_ids)
    status = rows["status"]
    value = np.select([status.eq("present"), status.eq("too_small"), status.eq("absent")],
                      [rows["diameter_mm"].to_numpy(float), TOO_SMALL_MM, 0.0], default=np.nan)
    nodal = lesions["nodal"].to_numpy()[baseline_rows][baseline] == "yes"  # nodal as recorded at baseline
    cr_ok = (~nodal & (value == 0)) | (nodal & (value < NODE_NORMAL_MM))
    number, size = rows["visit_number"].to_numpy(), len(visits)
    matched = np.bincount(number, minlength=size)
    n_targets = n_baseline + duplicates
    table = pd.DataFrame({
        "sum_mm": pd.Series(value).groupby(number).sum().reindex(range(size), fill_value=0.0).to_numpy(),
        "n_targets": n_targets,
        "n_missing": n_baseline - (matched - duplicates) + np.bincount(number, np.isnan(value), size).astype(int),
        "cr_ok": np.bincount(number, cr_ok, size).astype(int) == n_targets,
    }, index=visits["visit"].to_numpy())
    table.index.name = "visit"
    return table[n_targets > 0]


def _non_target_table(lesions: pd.DataFrame, visits: pd.DataFrame, n_lesion_ids: int) -> pd.DataFrame:
    """Per visit with baseline non-targets: any unequivocal progression, all absent, any not evaluated/missing."""
    rows, n_baseline, duplicates, _, _ = _baseline_lesions(lesions, visits, "non_target", n_lesion_ids)
    status = rows["status"]
    number, size = rows["visit_number"].to_numpy(), len(visits)
    blank = n_baseline - (np.bincount(number, minlength=size) - duplicates)
    grid_rows = n_baseline + duplicates

    def count(mask):
        return np.bincount(number, mask.to_numpy(bool), size)

    table = pd.DataFrame({
        "nt_progression": count(status.eq("progression")) > 0,
        "nt_all_absent": count(status.eq("absent")) == grid_rows,
        "nt_unknown": (blank > 0) | (count(status.isna() | status.eq("not_evaluated")) > 0),
    }, index=visits["visit"].to_numpy())
    table.index.name = "visit"
    table = table[grid_rows > 0]
    table["non_target_response"] = np.select(
        [table["nt_progression"], table["nt_unknown"], table["nt_all_absent"]], ["PD", "NE", "CR"],
        default="NON-CR/NON-PD")
    return table


def _new_lesion_table(lesions: pd.DataFrame) -> pd.DataFrame:
    """Per visit: 'present' / 'equivocal' and whether a new lesion makes it PD (incl. dating back)."""
    new = lesions[(lesions["kind"] == "new") & (lesions["assessment_date"] > lesions["baseline_date"])]
    new = new.assign(present=new["status"].eq("present"))
    if new.empty:
        return pd.DataFrame({"new_lesion": pd.Series(dtype=object), "new_pd": pd.Series(dtype=bool)},
                            index=pd.Index([], name="visit", dtype="int64"))
    first = new.sort_values("assessment_date").groupby(["patient_id", "lesion_id"]).agg(
        visit=("visit", "first"), confirmed=("present", "any"))
    dated_back = pd.Series(True, index=pd.Index(first.loc[first["confirmed"], "visit"].unique(), name="visit"),
                           name="dated_back")
    visit = new.groupby("visit")["present"].any().to_frame()
    visit["new_lesion"] = np.where(visit["present"], "present", "equivocal")
    visit = visit[["new_lesion"]].join(dated_back, how="outer")
    visit["new_pd"] = visit["dated_back"].eq(True) | visit["new_lesion"].eq("present")  # dated_back: True or missing
    return visit[["new_lesion", "new_pd"]]


def visit_responses(lesions: pd.DataFrame, index_dates: pd.Series, baseline_window_days: int = 28) -> pd.DataFrame:
    """RECIST 1.1 response at every assessment from the baseline on (one row per patient and date).

    Parameters
    ----------
    lesions : the study's ``lesions`` table (patient_id, assessment_date, lesion_id, kind, nodal, diameter_mm,
        status); dates as datetime64.
    index_dates : treatment start per patient (Series indexed by patient_id).
    baseline_window_days : how long before the index date a baseline scan may be.

    Returns
    -------
    DataFrame with VISIT_COLUMNS plus ``is_baseline``, ``complete`` (all targets measured) and
    ``target_pd`` (the target-sum PD criterion). Percentages in %, sums in mm. Patients without a baseline scan
    are absent (the caller reports them).
    """
    # work on integer patient codes (fast joins and group-bys); the ids are restored at the end
    codes, ids = pd.factorize(lesions["patient_id"], sort=True)
    lesions = pd.DataFrame({  # only the columns used, built once (copies of wide frames dominated the run time)
        "patient_id": codes, "assessment_date": lesions["assessment_date"].to_numpy(dtype="datetime64[ns]"),
        "lesion_id": pd.factorize(lesions["lesion_id"])[0], "kind": lesions["kind"].astype("category"),
        "nodal": lesions["nodal"].astype("category"), "diameter_mm": lesions["diameter_mm"].to_numpy(float),
        "status": lesions["status"].astype("category")}, index=lesions.index)
    index_dates = index_dates[index_dates.index.isin(ids)]
    index_dates.index = ids.get_indexer(index_dates.index)
    # the baseline visit = each lesion's baseline record, dated at the patient's baseline date; then every later scan
    # only records in some patient's baseline window can be baseline records: give baseline_records just those
    start_of = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    start_of[index_dates.index.to_numpy()] = index_dates.to_numpy(dtype="datetime64[ns]")
    row_start = start_of[lesions["patient_id"].to_numpy()]
    row_date = lesions["assessment_date"].to_numpy(dtype="datetime64[ns]")
    in_window = (row_date <= row_start) & (row_date >= row_start - np.timedelta64(baseline_window_days, "D"))
    baseline = baseline_records(lesions[in_window], index_dates, baseline_window_days)
    baseline_of = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    first = baseline.drop_duplicates("patient_id")
    baseline_of[first["patient_id"].to_numpy()] = first["baseline_date"].to_numpy(dtype="datetime64[ns]")
    row_baseline = baseline_of[lesions["patient_id"].to_numpy()]
    after = row_date > row_baseline  # False where the patient has no baseline (NaT)
    later = lesions[after]
    later.insert(len(later.columns), "baseline_date", row_baseline[after])
    frame = pd.concat([baseline.assign(assessment_date=baseline["baseline_date"]), later], ignore_index=True)
    if frame.empty:  # nobody has a baseline scan: no visit can be assessed
        columns = list(VISIT_COLUMNS) + ["is_baseline", "complete", "target_pd", "baseline_sum"]
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "assessment_date" else object)
                             for c in columns})
    # one integer key per visit (patient code × 10⁶ + day number) and per lesion-visit: fast joins
    day = (frame["assessment_date"] - pd.Timestamp("1900-01-01")).dt.days.to_numpy()
    frame["visit"] = frame["patient_id"].to_numpy().astype(np.int64) * 1_000_000 + day
    n_lesion_ids = int(frame["lesion_id"].max()) + 1
    visits = frame[["visit", "patient_id", "assessment_date", "baseline_date"]].drop_duplicates("visit").sort_values(
        "visit").reset_index(drop=True)
    out = visits.join(_target_table(frame, visits, n_lesion_ids), on="visit")
    out = out.join(_non_target_table(frame, visits, n_lesion_ids), on="visit")
    out = out.join(_new_lesion_table(frame), on="visit")
    out["is_baseline"] = out["assessment_date"] == out["baseline_date"]
    has_targets = out["n_targets"].fillna(0) > 0
    out["complete"] = has_targets & (out["n_missing"] == 0)
    out.loc[~has_targets, "sum_mm"] = np.nan
    complete_sum = out["sum_mm"].where(out["complete"])
    group = out.groupby("patient_id", sort=False)
    out["baseline_sum"] = group["sum_mm"].transform("first")
    previous_min = complete_sum.groupby(out["patient_id"]).shift().groupby(out["patient_id"]).cummin()
    out["nadir_mm"] = previous_min.groupby(out["patient_id"]).ffill().where(~out["is_baseline"])
    increase = out["sum_mm"] - out["nadir_mm"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_from_baseline"] = 100 * (out["sum_mm"] - out["baseline_sum"]) / out["baseline_sum"]
        out["pct_from_nadir"] = np.where(out["nadir_mm"] > 0, 100 * increase / out["nadir_mm"], np.nan)
    # exact comparisons (no 0.2·x rounding): +20 % ⇔ 5·increase ≥ nadir; −30 % ⇔ 10·(base − sum) ≥ 3·base
    tol = 1e-9
    out["target_pd"] = (increase >= PD_ABSOLUTE_MM - tol) & (5 * increase >= out["nadir_mm"] - tol)
    partial_response = 10 * (out["baseline_sum"] - out["sum_mm"]) >= 3 * out["baseline_sum"] - tol
    out["target_response"] = np.select(
        [~has_targets, out["is_baseline"], out["target_pd"], ~out["complete"], out["cr_ok"].eq(True),
         partial_response],
        [None, None, "PD", "NE", "CR", "PR"], default="SD")
    out.loc[out["non_target_response"].isna() & out["is_baseline"], "non_target_response"] = None
    out.loc[out["is_baseline"], "non_target_response"] = None
    out["new_pd"] = out["new_pd"].eq(True)  # visits without a new-lesion record: missing after the join → no
    out["new_lesion"] = out["new_lesion"].fillna("")
    out["overall_response"] = _overall(out)
    out["reason"] = _reasons(out)
    out["patient_id"] = np.asarray(ids)[out["patient_id"].to_numpy()]
    return out.reset_index(drop=True)


def _overall(v: pd.DataFrame) -> np.ndarray:
    """RECIST 1.1 Table 1 (targets at baseline) and Table 2 (non-target disease only)."""
    t, nt = v["target_response"], v["non_target_response"]
    has_targets = t.notna() | (v["n_targets"].fillna(0) > 0)
    nt_present = nt.notna()
    any_pd = v["new_pd"] | t.eq("PD") | nt.eq("PD")
    nt_ok_for_cr = ~nt_present | nt.eq("CR")
    return np.select(
        [v["is_baseline"], any_pd,
         has_targets & t.eq("CR") & nt_ok_for_cr, has_targets & t.eq("CR"), has_targets & t.eq("PR"),
         has_targets & t.eq("SD"), has_targets & t.eq("NE"),
         ~has_targets & nt.eq("CR"), ~has_targets & nt.eq("NON-CR/NON-PD"), ~has_targets & nt.eq("NE")],
        [None, "PD", "CR", "PR", "PR", "SD", "NE", "CR", "NON-CR/NON-PD", "NE"], default="NE")


def _text(series: pd.Series, template: str, digits: int) -> pd.Series:
    """Numbers as text by ``template`` ("n/a" if missing). Only the distinct rounded values are formatted and then
    gathered by index — per-row float formatting would dominate the run time at 10⁶ visits."""
    values = series.round(digits).to_numpy(float)
    present = ~np.isnan(values)
    out = np.full(len(values), "n/a", dtype=object)
    if present.any():
        distinct, inverse = np.unique(values[present], return_inverse=True)
        out[present] = np.array([template.format(v + 0.0) for v in distinct], dtype=object)[inverse]
    return pd.Series(out, index=series.index)


def _fmt(series: pd.Series, digits: int = 0) -> pd.Series:
    """Signed numbers as text: +24, -3 (digits = 0) or +12.0 (digits = 1)."""
    return _text(series, "{:+." + str(digits) + "f}", digits)


def _reasons(v: pd.DataFrame) -> pd.Series:
    """The rule applied at each visit, in words (e.g. 'PD: +24 % and +12 mm from nadir 50 mm')."""
    sum_text = _text(v["sum_mm"], "{:.1f}", 1)
    nadir_text = _text(v["nadir_mm"], "{:.1f}", 1)
    increase = _fmt(v["sum_mm"] - v["nadir_mm"], 1)
    reasons = pd.Series("", index=v.index, dtype=object)
    reasons[v["is_baseline"]] = np.where(v["sum_mm"][v["is_baseline"]].notna(),
                                         "baseline: sum " + sum_text[v["is_baseline"]] + " mm",
                                         "baseline: non-target disease only")
    t = v["target_response"]
    pdt = t.eq("PD")
    reasons[pdt] = ("PD: " + _fmt(v["pct_from_nadir"])[pdt] + " % and " + increase[pdt] + " mm from nadir "
                    + nadir_text[pdt] + " mm")
    zero_nadir = pdt & v["nadir_mm"].eq(0)
    reasons[zero_nadir] = "PD: reappearance, " + increase[zero_nadir] + " mm after a zero nadir"
    reasons[t.eq("NE")] = "NE: target lesion(s) not measured"
    reasons[t.eq("CR")] = "CR: non-nodal targets absent, nodes < 10 mm (sum " + sum_text[t.eq("CR")] + " mm)"
    from_baseline = _fmt(v["pct_from_baseline"])
    for label, rule in (("PR", "≥ 30 % below baseline"), ("SD", "neither PR nor PD")):
        m = t.eq(label)
        reasons[m] = f"{label}: " + from_baseline[m] + f" % from baseline ({rule})"
    nt_pd = v["non_target_response"].eq("PD")
    reasons[nt_pd] = reasons[nt_pd].where(reasons[nt_pd] == "", reasons[nt_pd] + "; ") + "non-target progression"
    new_pd = v["new_pd"]
    new_text = np.where(v["new_lesion"].eq("present"), "new lesion", "equivocal new lesion confirmed later")
    reasons[new_pd] = reasons[new_pd].where(reasons[new_pd] == "", reasons[new_pd] + "; ") + pd.Series(
        new_text, index=v.index)[new_pd]
    no_targets = v["n_targets"].fillna(0) == 0
    reasons[no_targets & ~v["is_baseline"] & (reasons == "")] = "non-target disease only: " + v[
        "non_target_response"].fillna("")[no_targets & ~v["is_baseline"] & (reasons == "")]
    return reasons
