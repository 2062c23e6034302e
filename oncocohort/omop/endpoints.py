"""Endpoints, baseline covariates and adverse events of an OMOP cohort, defined once as engine expressions.

:func:`endpoint_views` builds, lazily in Ibis from the CDM tables, the per-patient analysis rows — ADSL-like
``subjects``, ADTTE-like ``tte`` (days = end − index date; CNSR 0 = event, 1 = censored) and the adverse-event
onsets; ``subjects`` is computed into an engine-side table, the rest stays lazy. Nothing is fetched there. Two
paths use the same definitions:

- the aggregate analysis (:mod:`.aggregate_analysis`, the default of ``omop report``) sends GROUP BY queries over
  the views: only counts and sums leave the engine;
- :func:`omop_datasets` (``omop report --extract-rows``, and the tests' reference) executes them into the study
  pipeline's in-memory analysis datasets.

End of follow-up = the earlier of the end of the observation period holding the index date and the data cutoff.

- OS: death on or before the data cutoff (event); otherwise censored at the end of follow-up.
- rwPFS (reported as PFS): the first progression record after the index date (EPISODE or MEASUREMENT concept set)
  up to the end of follow-up, or death, whichever is first (reason "progression" or "death"); otherwise censored
  at the end of follow-up.
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
  counts them in its ungraded adverse-event table, never in the CTCAE-graded ones (the aggregate path counts the
  same patients per term in the engine).

The endpoints are declared in order with their definitions from cohort.toml (:func:`endpoint_definitions`,
``AnalysisDatasets.endpoints``), so the report names each with its rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from ..derive.analysis_datasets import AnalysisDatasets, no_visits
from ..derive.time_to_event import DAYS_PER_MONTH
from .cdm import Cdm, keep_in_engine, release_kept
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


def _adverse_event_onsets(cdm: Cdm, spec: CohortSpec, subjects):
    """Per included patient and AE concept set: the first record from the index date to the window's end (engine
    expression: person_id, term, onset_date)."""
    parts = []
    for ae in spec.adverse_events:
        t = cdm.table("condition_occurrence")
        rows = t.filter(concept_filter(cdm, t.condition_concept_id, ae.concepts))
        joined = subjects.select("person_id", "index_date", "ae_window_end").join(rows, "person_id")
        joined = joined.filter((joined.condition_start_date >= joined.index_date)
                               & (joined.condition_start_date <= joined.ae_window_end))
        parts.append(joined.group_by("person_id").aggregate(onset_date=joined.condition_start_date.min())
                     .mutate(term=ibis.literal(ae.term)).select("person_id", "term", "onset_date"))
    return ibis.union(*parts) if parts else None


@dataclass(frozen=True)
class EndpointViews:
    """The cohort's per-patient analysis rows as lazy engine expressions (Ibis), built from the CDM tables and
    never fetched by the aggregate analysis (:mod:`.aggregate_analysis` sends GROUP BY queries over them);
    :func:`omop_datasets` executes them to get the in-memory datasets.

    - ``subjects`` (ADSL-like, one row per included patient): person_id, patient_id, index_date, end_of_follow_up,
      death_date, age, sex, each measurement by its name, each condition flag ("yes"/"no") by its label,
      last_dose_date, treatment_days, ongoing_at_cutoff, ae_window_end, progression_date (when a source is named);
    - ``tte`` (ADTTE-like, one row per included patient and endpoint): person_id, patient_id, paramcd, start_date,
      end_date, days, event (1/0), cnsr, reason;
    - ``adverse_events`` (one row per patient and term, first onset): person_id, term, onset_date — None without
      ``[adverse_events]``;
    - ``endpoints``: the paramcd values of ``tte``, in order (OS, then PFS, TTD, TTNT when defined).
    """

    subjects: object
    tte: object
    adverse_events: object | None
    endpoints: tuple[str, ...]
    measurements: tuple[str, ...]
    conditions: tuple[str, ...]


def _days(end, start):
    return end.delta(start, unit="day").cast("float64")


def _tte_view(subjects, paramcd: str, event, end, event_words, censor_words, reason=None):
    """One endpoint's rows: ``end`` the end date (event or censoring), ``reason`` (words of the event) optional."""
    words = reason if reason is not None else ibis.literal(event_words)
    return subjects.select(
        "person_id", "patient_id", paramcd=ibis.literal(paramcd), start_date=subjects.index_date, end_date=end,
        days=_days(end, subjects.index_date), event=event.cast("int64"), cnsr=(~event).cast("int64"),
        reason=ibis.ifelse(event, words, ibis.literal(censor_words)))


def _only(condition, value):
    """``value`` where ``condition`` holds, else NULL (the engine's LEAST then skips it, as pandas' min)."""
    return ibis.ifelse(condition, value, ibis.null(value.type()))


def endpoint_views(cdm: Cdm, spec: CohortSpec, cohort: Cohort) -> EndpointViews:
    """The ADSL-, ADTTE- and AE-like engine expressions of the cohort's included patients (module docstring rules).
    ``subjects`` is computed into an engine-side table (:func:`~.cdm.keep_in_engine`); nothing is fetched."""
    d = _patient_dates(cdm, spec, cohort)
    gap = ibis.interval(days=spec.treatment_gap_days)
    cutoff = ibis.literal(spec.data_cutoff, type="date")
    sex = ibis.cases(*((d.gender_concept_id == code, ibis.literal(word)) for code, word in SEX.items()),
                     else_=ibis.null("string"))
    columns = {"patient_id": d.person_id.cast("string"),
               "age": (d.index_date.year() - d.year_of_birth).cast("float64"), "sex": sex}
    for m in spec.measurements:
        columns[m.name] = d[f"m_{m.name}"]
    for c in spec.conditions:
        columns[c.label] = ibis.ifelse(d[f"c_{c.label}"].fill_null(0) > 0, "yes", "no")
    last = d.last_dose_date if spec.components else ibis.null("date")
    columns["last_dose_date"] = last
    columns["treatment_days"] = _days(last, d.index_date) + 1
    columns["ongoing_at_cutoff"] = (last + gap >= d.end_of_follow_up).fill_null(False)
    columns["ae_window_end"] = ibis.least(ibis.coalesce(last, d.index_date)
                                          + ibis.interval(days=spec.adverse_event_days), d.end_of_follow_up)
    # kept in the engine (a temporary table, person order), so the endpoints below and every later query read it
    # instead of repeating the cohort's joins (Spark's planner slows down on the repeated plan)
    subjects = keep_in_engine(d.mutate(**columns).order_by("person_id"), "oncocohort_subjects")
    s = subjects
    last = s.last_dose_date
    fu_end = s.end_of_follow_up
    died = s.death_date.notnull() & (s.death_date <= cutoff)
    parts = [_tte_view(s, "OS", died, ibis.ifelse(died, s.death_date, fu_end), "death",
                       "alive at the end of follow-up")]
    if spec.progression != "none":
        progressed = s.progression_date.notnull() & (s.progression_date <= fu_end)
        first = ibis.least(_only(progressed, s.progression_date), _only(died, s.death_date))
        by_progression = progressed & (~died | (s.progression_date <= s.death_date))
        parts.append(_tte_view(s, "PFS", progressed | died, ibis.ifelse(progressed | died, first, fu_end), "",
                               "no progression recorded",
                               ibis.ifelse(by_progression, ibis.literal("progression"), ibis.literal("death"))))
    if spec.components:
        clipped = _only(last.notnull(), ibis.least(last, fu_end))
        stopped = (clipped.notnull() & (clipped + gap < fu_end)).fill_null(False)
        died_on = (died & (s.death_date <= clipped + gap)).fill_null(False)
        parts.append(_tte_view(s, "TTD", stopped | died_on, ibis.coalesce(clipped, s.index_date),
                               "treatment discontinued or death", "on treatment at the end of follow-up"))
    if spec.later_therapy:
        started = s.next_treatment_date.notnull() & (s.next_treatment_date <= fu_end)
        first = ibis.least(_only(started, s.next_treatment_date), _only(died, s.death_date))
        parts.append(_tte_view(s, "TTNT", started | died, ibis.ifelse(started | died, first, fu_end),
                               "next treatment or death", "no next treatment at the end of follow-up"))
    tte = ibis.union(*parts) if len(parts) > 1 else parts[0]
    endpoints = tuple(p for p, on in (("OS", True), ("PFS", spec.progression != "none"),
                                      ("TTD", bool(spec.components)), ("TTNT", bool(spec.later_therapy))) if on)
    return EndpointViews(subjects, tte, _adverse_event_onsets(cdm, spec, subjects) if spec.adverse_events else None,
                         endpoints, tuple(m.name for m in spec.measurements), tuple(c.label for c in spec.conditions))


def adverse_event_note(spec: CohortSpec) -> str:
    """The data-source sentence on the adverse events: their concept sets and window (they are counted, without a
    grade, in the report's ungraded adverse-event table)."""
    terms = ", ".join(a.term for a in spec.adverse_events)
    return (f"adverse events ({terms}) are condition records of their concept sets from the index date up to "
            f"{spec.adverse_event_days} days after the end of treatment")


def endpoint_definitions(spec: CohortSpec) -> tuple[tuple[str, str, str], ...]:
    """(paramcd, label, definition) of the endpoints :func:`endpoint_views` derives, in the report's order."""
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


def _as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column.endswith("_date") or column in ("obs_end", "end_of_follow_up", "ae_window_end"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def omop_datasets(cdm: Cdm, spec: CohortSpec, cohort: Cohort) -> tuple[AnalysisDatasets, list[str]]:
    """The analysis datasets (ADSL, ADTTE, ADAE-like) of the cohort, extracted to memory (the ``--extract-rows``
    path: :func:`endpoint_views` executed), and notes on what was assumed."""
    views = endpoint_views(cdm, spec, cohort)
    notes = [adverse_event_note(spec)] if spec.adverse_events else []
    dates = _as_dates(cdm.con.execute(views.subjects))
    dates["person_id"] = dates["person_id"].astype("int64")
    dates = dates.sort_values("person_id").reset_index(drop=True)
    adtte = _as_dates(cdm.con.execute(views.tte))
    adtte["patient_id"] = adtte["patient_id"].astype(str)
    adtte["months"] = adtte["days"] / DAYS_PER_MONTH
    adtte = adtte[TTE_COLUMNS].astype({"event": int, "cnsr": int})
    adtte = adtte.sort_values(["paramcd", "patient_id"], kind="stable").reset_index(drop=True)
    adsl = _subject_level(cohort, dates, spec)
    adae = _ungraded_adae(cdm.con.execute(views.adverse_events)) if spec.adverse_events else empty_adae()
    release_kept(views.subjects)
    visits = no_visits()  # no tumour measurements in OMOP
    empty = pd.DataFrame(columns=["table", "source_row", "patient_id", "status"])
    listing = pd.DataFrame(columns=["table", "source_row", "patient_id", "column", "date", "action"])
    datasets = AnalysisDatasets(adsl, adtte, adae, visits, cohort.eligibility.attrition_table(), cohort.eligibility,
                                listing, empty, endpoints=endpoint_definitions(spec))
    return datasets, notes


def _ungraded_adae(onsets: pd.DataFrame) -> pd.DataFrame:
    """ADAE rows of the first onsets (person_id, term, onset_date): ungraded (``grade`` missing, ``ungraded_source``
    :data:`UNGRADED_SOURCE`), counted by the report's ungraded adverse-event table, never in the graded ones."""
    onsets = onsets.sort_values(["person_id", "term"], kind="stable").reset_index(drop=True)
    frame = pd.DataFrame({"patient_id": onsets["person_id"].astype("int64").astype(str), "term": onsets["term"],
                          "grade": np.nan, "onset_date": pd.to_datetime(onsets["onset_date"]).astype("datetime64[ns]"),
                          "related": "unknown", "serious": None, "teae": True, "ctcae_term": onsets["term"],
                          "soc": "Not graded (OMOP condition record)", "ungraded_source": UNGRADED_SOURCE})
    return frame.sort_values(["patient_id", "term"], kind="stable").reset_index(drop=True)[ADAE_COLUMNS]


def empty_adae() -> pd.DataFrame:
    """An ADAE without rows (a cohort.toml without adverse events), typed."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in ADAE_COLUMNS}).astype({"grade": float, "teae": bool})


TTE_COLUMNS = ["patient_id", "paramcd", "start_date", "end_date", "days", "months", "event", "cnsr", "reason"]
ADAE_COLUMNS = ["patient_id", "term", "grade", "onset_date", "related", "serious", "teae", "ctcae_term", "soc",
                "ungraded_source"]


def _subject_level(cohort: Cohort, dates: pd.DataFrame, spec: CohortSpec) -> pd.DataFrame:
    """ADSL: every screened patient (``cohort.patients``), with the included patients' values from the executed
    ``subjects`` view."""
    patients = cohort.patients
    adsl = pd.DataFrame({"patient_id": patients["patient_id"]})
    adsl["age"] = (patients["index_date"].dt.year - patients["year_of_birth"]).astype(float)
    adsl["sex"] = patients["gender_concept_id"].map(SEX)
    values = dates.set_index(dates["person_id"].astype(str))
    for m in spec.measurements:
        value = adsl["patient_id"].map(values[m.name])
        whole = value.dropna().eq(value.dropna().round()).all()  # scores (ECOG 0-4) as whole numbers
        adsl[m.name] = value.round().astype("Int64") if whole else value
    for c in spec.conditions:
        adsl[c.label] = np.where(adsl["patient_id"].map(values[c.label]).eq("yes"), "yes", "no")
    adsl["included"] = patients["included"].to_numpy()
    adsl["exclusion_reason"] = patients["exclusion_reason"].to_numpy()
    adsl["index_date"] = patients["index_date"].to_numpy()
    adsl["last_dose_date"] = pd.to_datetime(adsl["patient_id"].map(values["last_dose_date"]))
    adsl["treatment_days"] = (adsl["last_dose_date"] - adsl["index_date"]).dt.days + 1
    adsl["ongoing_at_cutoff"] = adsl["included"] & adsl["patient_id"].map(values["ongoing_at_cutoff"]).eq(True)
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
