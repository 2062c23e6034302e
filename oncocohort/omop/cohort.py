"""The cohort on an OMOP CDM and its attrition, computed in the engine (Ibis expressions; DuckDB or Spark).

From cohort.toml (:mod:`.cohort_spec`), the screened patients are those with a condition of the concept set
(descendants included) recorded on or before the data cutoff. Then, in order, each step keeps the patients that
pass it (CONSORT):

1. the regimen was started: every component's first exposure exists and all first exposures lie within
   ``index_window_days``; the **index date** is the first exposure of the component started last;
2. the condition was diagnosed on or before the index date (drugs given before the diagnosis are another line);
3. the index date is on or before the data cutoff;
4. an observation period contains the index date and began at least ``prior_observation_days`` before it;
5. age at the index date (calendar year of the index date − year of birth, OHDSI's convention) in
   [``age_min``, ``age_max``];
6. no death recorded before the index date (a record error: the patient cannot be analysed from the start);
7. each exclusion: no record of its concept set before the index date (within ``lookback_days`` when given).

From an OHDSI cohort table instead (``cohort_definition_id``, ``subject_id``, ``cohort_start_date``), each
subject's first entry gives the index date, and the steps are 3 and 4 (without a minimum prior observation).

The step counts are aggregates computed by the engine (one ``SUM`` per step). For the aggregate analysis nothing
else leaves it (``build_cohort(..., rows=False)``); the extracted path (``--extract-rows``) also fetches the
screened patients' ids, index date, end of observation, sex and year of birth — one row per patient.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import pandas as pd

from ..derive.eligibility import AttritionStep, EligibilityResult
from .cdm import COHORT_COLUMNS, Cdm, CdmError
from .cohort_spec import CohortSpec


def concept_filter(cdm: Cdm, column, concepts: tuple[int, ...]):
    """``column`` is one of ``concepts`` or a descendant of one (``concept_ancestor``)."""
    ancestry = cdm.table("concept_ancestor")
    descendants = ancestry.filter(ancestry.ancestor_concept_id.isin(list(concepts))).descendant_concept_id
    return column.isin(list(concepts)) | column.isin(descendants)


def first_date(cdm: Cdm, table: str, concept_column: str, date_column: str, concepts, name: str, where=None):
    """Per person: the first ``date_column`` of a record of the concept set (optionally filtered) → (person_id,
    name)."""
    t = cdm.table(table)
    rows = t.filter(concept_filter(cdm, t[concept_column], concepts))
    if where is not None:
        rows = rows.filter(where(rows))
    return rows.group_by("person_id").aggregate(**{name: rows[date_column].min()})


@dataclass(frozen=True)
class Step:
    """One attrition step: its words, whether it includes or excludes, and its pass flag column."""

    label: str
    kind: str
    flag: str


@dataclass(frozen=True)
class Cohort:
    """The cohort: per screened patient (``patients``: person_id, index_date, obs_end, gender_concept_id,
    year_of_birth, included, exclusion_reason; None when only counts were fetched), the attrition
    (``eligibility``), the included patients as an engine expression (``table``: person_id, index_date, obs_end,
    gender_concept_id, year_of_birth) for the endpoints, and the numbers screened and included."""

    patients: pd.DataFrame | None
    eligibility: EligibilityResult
    table: object
    description: str
    n_screened: int
    n_included: int


def _date(value: dt.date):
    return ibis.literal(value, type="date")


def _observation(cdm: Cdm, index):
    """Per person: the observation period containing the index date (start, end)."""
    period = cdm.table("observation_period")
    joined = index.join(period, index.person_id == period.person_id).filter(
        lambda t: (t.observation_period_start_date <= t.index_date) & (t.index_date <= t.observation_period_end_date))
    return joined.group_by("person_id").aggregate(obs_start=joined.observation_period_start_date.min(),
                                                  obs_end=joined.observation_period_end_date.max())


def _spec_flags(cdm: Cdm, spec: CohortSpec):
    """The screened patients with a pass flag per step (engine expression) and the steps."""
    cutoff = _date(spec.data_cutoff)
    screened = first_date(cdm, "condition_occurrence", "condition_concept_id", "condition_start_date",
                          spec.condition, "first_diagnosis", where=lambda r: r.condition_start_date <= cutoff)
    t = screened
    starts = []
    for i, (_, concepts) in enumerate(spec.components):
        first = first_date(cdm, "drug_exposure", "drug_concept_id", "drug_exposure_start_date", concepts, f"c{i}")
        t = t.left_join(first, t.person_id == first.person_id).drop("person_id_right")
        starts.append(t[f"c{i}"])
    index = ibis.greatest(*starts) if len(starts) > 1 else starts[0]
    earliest = ibis.least(*starts) if len(starts) > 1 else starts[0]
    complete = ibis.literal(True)
    for s in starts:
        complete = complete & s.notnull()
    t = t.mutate(index_date=index.cast("date"), ok_regimen=(complete & (
        earliest + ibis.interval(days=spec.index_window_days) >= index)).fill_null(False))
    t = t.mutate(index_date=ibis.ifelse(t.ok_regimen, t.index_date, ibis.null("date")))
    t = t.mutate(ok_diagnosis=(t.first_diagnosis <= t.index_date).fill_null(False),
                 ok_cutoff=(t.index_date <= cutoff).fill_null(False))
    steps = [Step(f"Started {' + '.join(label for label, _ in spec.components)} (all components within "
                  f"{spec.index_window_days} days)", "include", "ok_regimen"),
             Step(f"Diagnosis of {spec.condition_label} on or before the index date", "include", "ok_diagnosis"),
             Step(f"Index date on or before the data cutoff ({spec.data_cutoff.isoformat()})", "include",
                  "ok_cutoff")]
    t, more = _common_flags(cdm, t, spec.prior_observation_days, spec.age_min, spec.age_max)
    steps += more
    for i, rule in enumerate(spec.exclusions):
        table, concept, date = {"condition": ("condition_occurrence", "condition_concept_id", "condition_start_date"),
                                "drug": ("drug_exposure", "drug_concept_id", "drug_exposure_start_date"),
                                "measurement": ("measurement", "measurement_concept_id", "measurement_date")}[
            rule.domain]
        records = cdm.table(table)
        records = records.filter(concept_filter(cdm, records[concept], rule.concepts))
        joined = t.select("person_id", "index_date").join(records, "person_id")
        before = joined[date] < joined.index_date
        if rule.lookback_days is not None:
            before = before & (joined[date] >= joined.index_date - ibis.interval(days=rule.lookback_days))
        hit = joined.filter(before).select("person_id").distinct().mutate(**{f"hit{i}": ibis.literal(True)})
        t = t.left_join(hit, t.person_id == hit.person_id).drop("person_id_right")
        t = t.mutate(**{f"ok_x{i}": t[f"hit{i}"].isnull()}).drop(f"hit{i}")
        steps.append(Step(rule.label, "exclude", f"ok_x{i}"))
    return t, steps


def _common_flags(cdm: Cdm, t, prior_days: int, age_min, age_max):
    """Observation period (prior observation), age, alive at the index date."""
    observation = _observation(cdm, t.filter(t.index_date.notnull()).select("person_id", "index_date"))
    t = t.left_join(observation, t.person_id == observation.person_id).drop("person_id_right")
    t = t.mutate(ok_prior=(t.obs_start + ibis.interval(days=prior_days) <= t.index_date).fill_null(False))
    person = cdm.table("person").select("person_id", "gender_concept_id", "year_of_birth")
    t = t.left_join(person, t.person_id == person.person_id).drop("person_id_right")
    age = t.index_date.year() - t.year_of_birth
    ok_age = ibis.literal(True)
    if age_min is not None:
        ok_age = ok_age & (age >= age_min)
    if age_max is not None:
        ok_age = ok_age & (age <= age_max)
    t = t.mutate(ok_age=ok_age.fill_null(False))
    death = cdm.table("death")
    deaths = death.group_by("person_id").aggregate(first_death=death.death_date.min())
    t = t.left_join(deaths, t.person_id == deaths.person_id).drop("person_id_right")
    t = t.mutate(ok_alive=(t.first_death.isnull() | (t.first_death >= t.index_date)).fill_null(True))
    prior = (f"Observed at least {prior_days} days before the index date" if prior_days else
             "Index date inside an observation period")
    return t, [Step(prior, "include", "ok_prior"),
               Step(f"Age at the index date {_age_words(age_min, age_max)}", "include", "ok_age"),
               Step("No death recorded before the index date", "include", "ok_alive")]


def _age_words(age_min, age_max) -> str:
    if age_min is not None and age_max is not None:
        return f"{age_min:g} to {age_max:g} years"
    if age_min is not None:
        return f"at least {age_min:g} years"
    return f"at most {age_max:g} years" if age_max is not None else "known"


def _table_flags(cdm: Cdm, table: str, cohort_id: int, cutoff: dt.date):
    """Screened patients from an OHDSI cohort table (first entry per subject) with the common flags."""
    cdm.check({table: COHORT_COLUMNS}, cdm.results_schema)
    cohort = cdm.table(table, cdm.results_schema)
    rows = cohort.filter(cohort.cohort_definition_id == cohort_id)
    t = rows.group_by(person_id=rows.subject_id).aggregate(index_date=rows.cohort_start_date.min().cast("date"))
    t = t.mutate(ok_cutoff=(t.index_date <= _date(cutoff)).fill_null(False))
    t, more = _common_flags(cdm, t, 0, None, None)
    return t, [Step(f"Index date on or before the data cutoff ({cutoff.isoformat()})", "include", "ok_cutoff"),
               *more]


def build_cohort(cdm: Cdm, spec: CohortSpec, cohort_table: str | None = None, cohort_id: int | None = None,
                 rows: bool = True) -> Cohort:
    """The cohort and its attrition (module docstring), counted in the engine. With ``rows=False`` only the
    counts leave the engine (the aggregate analysis): ``patients`` is None and the attrition steps carry no ids."""
    if cohort_table is not None:
        t, steps = _table_flags(cdm, cohort_table, cohort_id, spec.data_cutoff)
        where = (f"{cdm.results_schema}." if cdm.results_schema else "") + cohort_table
        description = f"the OHDSI cohort table {where} (cohort_definition_id {cohort_id}; first entry per subject)"
    else:
        t, steps = _spec_flags(cdm, spec)
        description = "the cohort definition in cohort.toml"
    # counted in the engine: patients passing every step up to k
    passed, counts = ibis.literal(True), {"screened": t.count()}
    for i, step in enumerate(steps):
        passed = passed & t[step.flag]
        counts[f"n{i}"] = passed.cast("int64").sum()
    totals = cdm.con.execute(t.aggregate(**counts)).iloc[0]
    included = t.filter(passed).select("person_id", "index_date", "obs_end", "gender_concept_id", "year_of_birth")
    if not rows:
        attrition, remaining = [], int(totals["screened"])
        for i, step in enumerate(steps):
            n_left = int(totals[f"n{i}"] or 0)
            attrition.append(AttritionStep(i + 1, step.label, step.kind, remaining, remaining - n_left, (), 0, (),
                                           ()))
            remaining = n_left
        return Cohort(None, EligibilityResult((), (), tuple(attrition)), included, description,
                      int(totals["screened"]), remaining)
    failed = ibis.literal(-1)
    for i, step in reversed(list(enumerate(steps))):
        failed = ibis.ifelse(~t[step.flag], i, failed)
    screened = t.select("person_id", "index_date", "obs_end", "gender_concept_id", "year_of_birth",
                        failed_step=failed)
    patients = cdm.con.execute(screened.order_by("person_id"))
    patients = _typed(patients)
    attrition = []
    remaining = int(totals["screened"])
    for i, step in enumerate(steps):
        n_left = int(totals[f"n{i}"] or 0)
        excluded = tuple(patients.loc[patients["failed_step"] == i, "patient_id"])
        if len(excluded) != remaining - n_left:  # the engine's count and the rows it returned must agree
            raise CdmError([f"attrition step '{step.label}': the engine counted {remaining - n_left} excluded "
                            f"but returned {len(excluded)} patients"])
        attrition.append(AttritionStep(i + 1, step.label, step.kind, remaining, len(excluded), excluded, 0, (), ()))
        remaining = n_left
    patients["included"] = patients["failed_step"] == -1
    labels = {i: s.label for i, s in enumerate(steps)}
    patients["exclusion_reason"] = patients["failed_step"].map(labels)
    eligibility = EligibilityResult(tuple(patients["patient_id"]),
                                    tuple(patients.loc[patients["included"], "patient_id"]), tuple(attrition))
    return Cohort(patients.drop(columns=["failed_step"]), eligibility, included, description, len(patients),
                  int(patients["included"].sum()))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The same dtypes from every engine: dates as datetime64[ns], ids as int64 and their text form."""
    frame = frame.copy()
    for column in ("index_date", "obs_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["person_id"] = frame["person_id"].astype("int64")
    frame["patient_id"] = frame["person_id"].astype(str)
    frame["failed_step"] = frame["failed_step"].astype("int64")
    return frame
