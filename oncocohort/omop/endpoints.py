"""Endpoints, baseline covariates and adverse events of an OMOP cohort → the study pipeline's analysis datasets.

The dates each rule needs are found in the engine (Ibis: first/last dates per patient, the treatment era by
window functions); what leaves the engine is one row per included patient with a few dates and values, and one
row per patient and adverse-event term. The time-to-event rows are then assembled in pandas, as
:mod:`oncocohort.derive.time_to_event` shapes them (days = end − index date; CNSR 0 = event, 1 = censored).

End of follow-up = the earlier of the end of the observation period holding the index date and the data cutoff.

- OS: death on or before the data cutoff (event); otherwise censored at the end of follow-up.
- rwPFS (reported as PFS): the first progression record after the index date (EPISODE or MEASUREMENT concept set)
  up to the end of follow-up, or death, whichever is first; otherwise censored at the end of follow-up.
- TTD: treatment era of the regimen's drugs from the index date: exposures joined while each starts at most
  ``treatment_gap_days`` after the latest end so far; the era ends at the last day of exposure before the first
  longer gap. Event when that gap is seen before the end of follow-up, or death within it; time to the era's end.
- TTNT: the first exposure to a later-therapy concept after the index date, or death; censored at the end of
  follow-up.
- Covariates: age at the index date (calendar years, as the cohort), sex (8507 male, 8532 female), each
  measurement's last value in the window up to the index date, each condition set as yes/no before the index.
- Adverse events: the first record of each condition set from the index date to ``days_after_treatment`` after
  the end of the treatment era (and the end of follow-up). Condition records carry no CTCAE grade: the ADAE rows
  are **ungraded** (``grade`` missing, ``ungraded_source`` "recorded as conditions in the database"), so the report
  counts them in its ungraded adverse-event table, never in the CTCAE-graded ones.

The endpoints are declared in order with their definitions from cohort.toml (``AnalysisDatasets.endpoints``), so
the report names each with its rule.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from ..derive.analysis_datasets import AnalysisDatasets
from ..derive.time_to_event import DAYS_PER_MONTH
from .cdm import Cdm
from .cohort import Cohort, concept_filter
from .cohort_spec import CohortSpec

SEX = {8507: "male", 8532: "female"}
UNGRADED_SOURCE = "recorded as conditions in the database"  # ADAE ungraded_source of every OMOP adverse event


def _first_after(cdm, base, table, concept_column, date_column, concepts, name, strict=True):
    t = cdm.table(table)
    rows = t.filter(concept_filter(cdm, t[concept_column], concepts))
    joined = base.join(rows, "person_id")
    after = joined[date_column] > joined.index_date if strict else joined[date_column] >= joined.index_date
    joined = joined.filter(after)
    return joined.group_by("person_id").aggregate(**{name: joined[date_column].min()})


def _treatment_era(cdm: Cdm, spec: CohortSpec, base):
    """Per patient: the end of the first treatment era from the index date (window functions in the engine)."""
    concepts = tuple(sorted({c for _, cs in spec.components for c in cs}))
    t = cdm.table("drug_exposure")
    rows = t.filter(concept_filter(cdm, t.drug_concept_id, concepts))
    joined = base.join(rows, "person_id")
    joined = joined.filter((joined.drug_exposure_start_date >= joined.index_date - ibis.interval(
        days=spec.index_window_days)) & (joined.drug_exposure_start_date <= joined.end_of_follow_up))
    joined = joined.select("person_id", start=joined.drug_exposure_start_date,
                           end=ibis.coalesce(joined.drug_exposure_end_date, joined.drug_exposure_start_date))
    window = ibis.window(group_by="person_id", order_by=["start", "end"], preceding=None, following=0)
    joined = joined.mutate(latest=joined.end.max().over(window))
    previous = ibis.window(group_by="person_id", order_by=["start", "end"])
    joined = joined.mutate(before=joined.latest.lag().over(previous))
    joined = joined.mutate(gap=joined.start > joined.before + ibis.interval(days=spec.treatment_gap_days))
    breaks = joined.filter(joined.gap).group_by("person_id").aggregate(first_break=joined.start.min())
    era = joined.left_join(breaks, joined.person_id == breaks.person_id).drop("person_id_right")
    era = era.filter(era.first_break.isnull() | (era.start < era.first_break))
    return era.group_by("person_id").aggregate(last_dose_date=era.end.max(), exposures=era.count())


def _patient_dates(cdm: Cdm, spec: CohortSpec, cohort: Cohort):
    """One engine expression: per included patient, the dates and values the endpoints need."""
    cutoff = ibis.literal(spec.data_cutoff, type="date")
    base = cohort.table.mutate(end_of_follow_up=ibis.least(cohort.table.obs_end, cutoff))
    out = base
    death = cdm.table("death")
    deaths = death.group_by("person_id").aggregate(death_date=death.death_date.min())
    parts = [deaths]
    if spec.progression == "episode":
        parts.append(_first_after(cdm, base, "episode", "episode_concept_id", "episode_start_date",
                                  spec.progression_concepts, "progression_date"))
    elif spec.progression == "measurement":
        parts.append(_first_after(cdm, base, "measurement", "measurement_concept_id", "measurement_date",
                                  spec.progression_concepts, "progression_date"))
    if spec.later_therapy:
        parts.append(_first_after(cdm, base, "drug_exposure", "drug_concept_id", "drug_exposure_start_date",
                                  spec.later_therapy, "next_treatment_date"))
    if spec.components:
        parts.append(_treatment_era(cdm, spec, base))
    for m in spec.measurements:
        t = cdm.table("measurement")
        rows = t.filter(concept_filter(cdm, t.measurement_concept_id, m.concepts) & t.value_as_number.notnull())
        joined = base.join(rows, "person_id")
        joined = joined.filter((joined.measurement_date <= joined.index_date) & (
            joined.measurement_date >= joined.index_date - ibis.interval(days=m.window_days)))
        # the last value; on a tie of dates the largest (worst) value, so every engine picks the same
        latest = joined.group_by("person_id").aggregate(last=joined.measurement_date.max())
        joined = joined.join(latest, "person_id").filter(lambda r: r.measurement_date == r.last)
        parts.append(joined.group_by("person_id").aggregate(**{f"m_{m.name}": joined.value_as_number.max()}))
    for c in spec.conditions:
        t = cdm.table("condition_occurrence")
        rows = t.filter(concept_filter(cdm, t.condition_concept_id, c.concepts))
        joined = base.join(rows, "person_id")
        before = joined.condition_start_date < joined.index_date
        if c.lookback_days is not None:
            before = before & (joined.condition_start_date >= joined.index_date - ibis.interval(days=c.lookback_days))
        parts.append(joined.filter(before).group_by("person_id").aggregate(**{f"c_{c.label}": joined.count()}))
    for part in parts:
        out = out.left_join(part, out.person_id == part.person_id).drop("person_id_right")
    return out


def _adverse_event_rows(cdm: Cdm, spec: CohortSpec, dates: pd.DataFrame) -> pd.DataFrame:
    """First onset per patient and AE concept set, from the index date to the window's end (engine query; the
    window's end is computed per patient from ``dates`` and sent back as a small table)."""
    columns = ["patient_id", "term", "grade", "onset_date", "related", "serious", "teae", "ctcae_term", "soc",
               "ungraded_source"]
    if not spec.adverse_events or dates.empty:
        return pd.DataFrame(columns=columns)
    frames = []
    base = cdm_base = cdm.table("condition_occurrence")
    for ae in spec.adverse_events:
        rows = base.filter(concept_filter(cdm, cdm_base.condition_concept_id, ae.concepts))
        first = rows.group_by(["person_id", "condition_start_date"]).aggregate(n=rows.count())
        frames.append((ae.term, first))
    out = []
    window_end = dates["ae_window_end"]
    ids = dates["person_id"]
    index = dates["index_date"]
    lookup = pd.DataFrame({"person_id": ids, "index_date": index, "window_end": window_end})
    for term, first in frames:
        got = cdm.con.execute(first.filter(first.person_id.isin(_ids_expr(cdm, lookup))).select(
            "person_id", "condition_start_date"))
        got["condition_start_date"] = pd.to_datetime(got["condition_start_date"]).astype("datetime64[ns]")
        got = got.merge(lookup, on="person_id")
        got = got[(got["condition_start_date"] >= got["index_date"]) & (got["condition_start_date"] <=
                                                                        got["window_end"])]
        onset = got.groupby("person_id")["condition_start_date"].min().reset_index()
        out.append(pd.DataFrame({"patient_id": onset["person_id"].astype(str), "term": term, "grade": np.nan,
                                 "onset_date": onset["condition_start_date"], "related": "unknown",
                                 "serious": None, "teae": True, "ctcae_term": term, "soc": "Not graded (OMOP "
                                 "condition record)", "ungraded_source": UNGRADED_SOURCE}))
    frame = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)
    return frame.sort_values(["patient_id", "term"], kind="stable").reset_index(drop=True)[columns]


def _ids_expr(cdm: Cdm, lookup: pd.DataFrame):
    return ibis.memtable(lookup[["person_id"]].astype("int64")).person_id


def omop_datasets(cdm: Cdm, spec: CohortSpec, cohort: Cohort) -> tuple[AnalysisDatasets, list[str]]:
    """The analysis datasets (ADSL, ADTTE, ADAE-like) of the cohort, and notes on what was assumed."""
    notes = []
    cutoff = pd.Timestamp(spec.data_cutoff)
    dates = cdm.con.execute(_patient_dates(cdm, spec, cohort).order_by("person_id"))
    for column in dates.columns:
        if column.endswith("_date") or column in ("obs_end", "end_of_follow_up"):
            dates[column] = pd.to_datetime(dates[column]).astype("datetime64[ns]")
    dates["person_id"] = dates["person_id"].astype("int64")
    dates = dates.sort_values("person_id").reset_index(drop=True)
    fu_end = dates["end_of_follow_up"]
    index = dates["index_date"]
    died = dates["death_date"].notna() & (dates["death_date"] <= cutoff)
    tte = [_tte(dates, "OS", died, dates["death_date"].where(died), fu_end, "death", "alive at the end of "
                "follow-up")]
    if spec.progression != "none":
        progressed = dates["progression_date"].notna() & (dates["progression_date"] <= fu_end)
        first = pd.concat([dates["progression_date"].where(progressed), dates["death_date"].where(died)],
                          axis=1).min(axis=1)
        tte.append(_tte(dates, "PFS", progressed | died, first, fu_end, "progression or death",
                        "no progression recorded"))
    if spec.components:
        last = dates["last_dose_date"].clip(upper=fu_end)
        gap = pd.to_timedelta(spec.treatment_gap_days, unit="D")
        stopped = last.notna() & ((last + gap) < fu_end)
        died_on = died & (dates["death_date"] <= last + gap)
        ttd = _tte(dates, "TTD", stopped | died_on, last, last.fillna(index), "treatment discontinued or death",
                   "on treatment at the end of follow-up")
        tte.append(ttd)
    if spec.later_therapy:
        started = dates["next_treatment_date"].notna() & (dates["next_treatment_date"] <= fu_end)
        first = pd.concat([dates["next_treatment_date"].where(started), dates["death_date"].where(died)],
                          axis=1).min(axis=1)
        tte.append(_tte(dates, "TTNT", started | died, first, fu_end, "next treatment or death",
                        "no next treatment at the end of follow-up"))
    adtte = pd.concat(tte, ignore_index=True).sort_values(["paramcd", "patient_id"], kind="stable").reset_index(
        drop=True)
    adsl = _subject_level(cohort, dates, spec, cutoff)
    last = dates.get("last_dose_date", pd.Series(pd.NaT, index=dates.index)).fillna(index)
    dates["ae_window_end"] = pd.concat([last + pd.to_timedelta(spec.adverse_event_days, unit="D"), fu_end],
                                       axis=1).min(axis=1)
    adae = _adverse_event_rows(cdm, spec, dates)  # ungraded: counted without grades by the report
    if spec.adverse_events:
        terms = ", ".join(a.term for a in spec.adverse_events)
        notes.append(f"adverse events ({terms}) are condition records of their concept sets from the index date up "
                     f"to {spec.adverse_event_days} days after the end of treatment")
    visits = pd.DataFrame({"patient_id": pd.Series([], dtype=object),
                           "assessment_date": pd.Series([], dtype="datetime64[ns]"),
                           "baseline_date": pd.Series([], dtype="datetime64[ns]"),
                           "pct_from_baseline": pd.Series([], dtype=float),
                           "overall_response": pd.Series([], dtype=object)})  # no tumour measurements in OMOP
    empty = pd.DataFrame(columns=["table", "source_row", "patient_id", "status"])
    listing = pd.DataFrame(columns=["table", "source_row", "patient_id", "column", "date", "action"])
    datasets = AnalysisDatasets(adsl, adtte, adae, visits, cohort.eligibility.attrition_table(), cohort.eligibility,
                                listing, empty, endpoints=endpoint_definitions(spec))
    return datasets, notes


def endpoint_definitions(spec: CohortSpec) -> tuple[tuple[str, str, str], ...]:
    """(paramcd, label, definition) of the endpoints :func:`omop_datasets` derives, in the report's order."""
    follow_up = "censored at the end of the observation period or the data cutoff"
    out = [("OS", "Overall survival", f"death from any cause, {follow_up}")]
    if spec.progression != "none":
        out.append(("PFS", "Real-world progression-free survival",
                    f"the first progression recorded in the {spec.progression} table (its concept set, not "
                    f"RECIST) or death, {follow_up}"))
    if spec.components:
        out.append(("TTD", "Time to treatment discontinuation",
                    f"drug eras of the regimen with a {spec.treatment_gap_days}-day gap: the end of the first era, or "
                    "death within it"))
    if spec.later_therapy:
        out.append(("TTNT", "Time to next treatment", f"the first later therapy of its concept set or death, "
                    f"{follow_up}"))
    return tuple(out)


def _tte(dates, paramcd, event, event_date, censor_date, event_words, censor_words) -> pd.DataFrame:
    end = event_date.where(event, censor_date)
    days = (end - dates["index_date"]).dt.days.astype(float)
    return pd.DataFrame({"patient_id": dates["person_id"].astype(str), "paramcd": paramcd,
                         "start_date": dates["index_date"], "end_date": end, "days": days,
                         "months": days / DAYS_PER_MONTH, "event": event.astype(int),
                         "cnsr": (~event).astype(int), "reason": np.where(event, event_words, censor_words)})


def _subject_level(cohort: Cohort, dates: pd.DataFrame, spec: CohortSpec, cutoff) -> pd.DataFrame:
    patients = cohort.patients
    adsl = pd.DataFrame({"patient_id": patients["patient_id"]})
    adsl["age"] = (patients["index_date"].dt.year - patients["year_of_birth"]).astype(float)
    adsl["sex"] = patients["gender_concept_id"].map(SEX)
    values = dates.set_index(dates["person_id"].astype(str))
    for m in spec.measurements:
        value = adsl["patient_id"].map(values[f"m_{m.name}"])
        whole = value.dropna().eq(value.dropna().round()).all()  # scores (ECOG 0-4) as whole numbers
        adsl[m.name] = value.round().astype("Int64") if whole else value
    for c in spec.conditions:
        adsl[c.label] = np.where(adsl["patient_id"].map(values[f"c_{c.label}"]).fillna(0) > 0, "yes", "no")
    adsl["included"] = patients["included"].to_numpy()
    adsl["exclusion_reason"] = patients["exclusion_reason"].to_numpy()
    adsl["index_date"] = patients["index_date"].to_numpy()
    last = adsl["patient_id"].map(values["last_dose_date"]) if "last_dose_date" in values else pd.NaT
    adsl["last_dose_date"] = pd.to_datetime(last)
    adsl["treatment_days"] = (adsl["last_dose_date"] - adsl["index_date"]).dt.days + 1
    fu_end = adsl["patient_id"].map(values["end_of_follow_up"])
    adsl["ongoing_at_cutoff"] = adsl["included"] & (adsl["last_dose_date"] + pd.to_timedelta(
        spec.treatment_gap_days, unit="D") >= fu_end).fillna(False)
    adsl["dose_reductions"] = np.nan
    adsl["interruptions"] = np.nan
    adsl["reason_stopped"] = None
    adsl["best_pct_change"] = np.nan
    adsl["first_response_date"] = pd.NaT
    adsl["progression_date"] = pd.to_datetime(adsl["patient_id"].map(values["progression_date"])) if (
        "progression_date" in values) else pd.NaT
    adsl["best_overall_response"] = np.where(adsl["included"], "NE", None)
    adsl["objective_response"] = np.where(adsl["included"], False, None)
    adsl["disease_control"] = np.where(adsl["included"], False, None)
    adsl.loc[~adsl["included"], ["last_dose_date", "progression_date"]] = pd.NaT
    return adsl
