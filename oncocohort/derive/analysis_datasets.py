"""From a validated Study to analysis datasets: subject level (ADSL-like), time to event (ADTTE-like), adverse
events (ADAE-like), with the attrition table, the data-cutoff listing and an accounting of every lesion, response
and adverse-event row (used, or why not).

Order: data cutoff → index date → subject fields → eligibility (+ an automatic last step: the regimen was
started) → response (engine by ``[response] criteria``) → endpoints → exposure → adverse events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io.baseline import baseline_records
from ..io.config import Criterion, EligibilitySettings
from ..io.study import Study
from .adverse_events import flag_adverse_events
from .best_response import best_overall_response
from .censoring_sensitivity import pfs_censoring_sensitivity
from .choi import choi_visit_responses
from .cutoff import apply_cutoff
from .eligibility import EligibilityResult, apply_eligibility
from .exposure import exposure
from .index_date import component_drugs, regimen_starts
from .irecist import irecist_visit_responses
from .recist import visit_responses
from .time_to_event import (
    EndpointOptions,
    duration_of_response,
    follow_up_time,
    overall_survival,
    progression_free_survival,
    time_to_response,
    time_to_treatment_failure,
)

RESPONSE_FLAGS = {"objective_response": ("CR", "PR"), "disease_control": ("CR", "PR", "SD")}


@dataclass(frozen=True)
class AnalysisDatasets:
    adsl: pd.DataFrame
    adtte: pd.DataFrame
    adae: pd.DataFrame
    visits: pd.DataFrame
    attrition: pd.DataFrame
    eligibility: EligibilityResult
    cutoff_listing: pd.DataFrame
    row_accounting: pd.DataFrame
    warnings: tuple[str, ...] = ()  # input the derivation did not use, in words (printed by derive and report)
    pfs_sensitivity: pd.DataFrame | None = None  # PFS under alternative censoring rules (censoring_sensitivity)
    # (paramcd, label, definition in words) of the time-to-event endpoints to report, in order; () = PFS and OS as
    # this pipeline derives them (the OMOP pipeline declares OS, real-world PFS, TTD, TTNT from cohort.toml)
    endpoints: tuple[tuple[str, str, str], ...] = ()


def no_visits() -> pd.DataFrame:
    """``AnalysisDatasets.visits`` of a source without tumour measurements (an ADaM import, an OMOP CDM): no rows,
    the visit columns typed."""
    return pd.DataFrame({"patient_id": pd.Series([], dtype=object),
                         "assessment_date": pd.Series([], dtype="datetime64[ns]"),
                         "baseline_date": pd.Series([], dtype="datetime64[ns]"),
                         "pct_from_baseline": pd.Series([], dtype=float),
                         "overall_response": pd.Series([], dtype=object)})


def _age_at_index(patients: pd.DataFrame, index: pd.Series) -> pd.Series:
    """Age in completed years at the index date when only the birth date is given."""
    start = pd.to_datetime(index.reindex(patients["patient_id"].to_numpy())).set_axis(patients.index)  # none: NaT
    birth = patients["birth_date"]
    years = start.dt.year - birth.dt.year - ((start.dt.month < birth.dt.month) | (
        (start.dt.month == birth.dt.month) & (start.dt.day < birth.dt.day))).astype(int)
    return patients["age"].fillna(years)


def subject_fields(tables: dict[str, pd.DataFrame], starts: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Patients columns (incl. covariates) plus the derived fields eligibility/subgroups may name."""
    patients = tables["patients"]
    fields = patients.drop(columns=["source_row"]).set_index("patient_id")
    fields["age"] = _age_at_index(patients, starts["index_date"]).to_numpy()
    fields = fields.join(starts[["index_date", "received_regimen"]]).join(
        component_drugs(tables["treatments"], study.config.regimen))
    fields["received_regimen"] = fields["received_regimen"].fillna("no")
    if "lesions" not in tables:  # criteria = "recorded" without lesion data: not known, not zero
        fields["baseline_target_lesions"] = pd.array([pd.NA] * len(fields), dtype="Int64")
        return fields
    lesions = tables["lesions"]
    baseline = baseline_records(lesions, starts["index_date"].dropna(), study.config.response.baseline_window_days)
    nodal = baseline["nodal"].eq("yes")
    measurable = baseline["kind"].eq("target") & baseline["status"].eq("present") & (
        (~nodal & (baseline["diameter_mm"] >= 10)) | (nodal & (baseline["diameter_mm"] >= 15)))
    fields["baseline_target_lesions"] = baseline[measurable].groupby("patient_id").size().reindex(
        fields.index).fillna(0).astype(int)
    return fields


# the automatic last eligibility step: a patient without an index date has no regimen start to analyse from
REGIMEN_STEP = Criterion("include", "Started the regimen (index date known)", "index_date", "is not missing")


@dataclass(frozen=True)
class Screening:
    """The first steps of the pipeline — data cutoff, index date, subject fields, eligibility — shared by
    :func:`derive_study` and the cohort preview of ``validate`` (derive.preview), so both include the same patients."""

    tables: dict[str, pd.DataFrame]  # after the data cutoff
    cutoff_listing: pd.DataFrame
    starts: pd.DataFrame
    fields: pd.DataFrame
    eligibility: EligibilityResult


def screen_patients(study: Study) -> Screening:
    """Cutoff → index date → subject fields → eligibility (the study's criteria, then :data:`REGIMEN_STEP`)."""
    config = study.config
    tables, cutoff_listing = apply_cutoff(study.tables, pd.Timestamp(config.study.data_cutoff))
    starts = regimen_starts(tables["treatments"], config.regimen)
    fields = subject_fields(tables, starts, study)
    settings = EligibilitySettings(config.eligibility.criteria + (REGIMEN_STEP,), config.eligibility.missing)
    return Screening(tables, cutoff_listing, starts, fields, apply_eligibility(fields, settings))


def derive_study(study: Study) -> AnalysisDatasets:
    """All analysis datasets of a study (see module docstring)."""
    config = study.config
    cutoff = pd.Timestamp(config.study.data_cutoff)
    screening = screen_patients(study)
    tables, cutoff_listing, fields, eligibility = (screening.tables, screening.cutoff_listing, screening.fields,
                                                   screening.eligibility)
    included = list(eligibility.included)
    index = fields.loc[included, "index_date"]
    response = config.response
    if response.criteria == "recorded":
        visits = tables["responses"][tables["responses"]["patient_id"].isin(included)][
            ["patient_id", "assessment_date", "overall_response"]]
    else:
        engine = {"choi": choi_visit_responses, "irecist": irecist_visit_responses}.get(response.criteria,
                                                                                       visit_responses)
        lesions = tables["lesions"][tables["lesions"]["patient_id"].isin(included)]
        visits = engine(lesions, index, response.baseline_window_days)
    bor = best_overall_response(visits, index, sd_min_days=response.sd_min_days, confirm=response.confirmation,
                                confirm_min_days=response.confirmation_min_days,
                                max_ne_between=response.max_ne_between).set_index("patient_id")
    endpoints = config.endpoints
    options = EndpointOptions(cutoff, endpoints.death_window_days, endpoints.censor_at_new_therapy,
                              endpoints.missed_assessments, endpoints.assessment_interval_days)
    followup = tables["followup"]
    exposed = exposure(tables["treatments"], index, config.regimen, cutoff).set_index("patient_id")
    adtte = pd.concat([overall_survival(index, followup, options),
                       progression_free_survival(index, visits, followup, options),
                       duration_of_response(bor["first_response_date"], visits, followup, options),
                       time_to_response(bor["first_response_date"], index),
                       follow_up_time(index, followup, options),
                       time_to_treatment_failure(exposed.reset_index(), followup, options)],
                      ignore_index=True).sort_values(["paramcd", "patient_id"]).reset_index(drop=True)
    # clinical benefit: CR/PR, or SD at least `clinical_benefit_weeks` after the start (BOR with that SD window)
    benefit = best_overall_response(visits, index, sd_min_days=7 * endpoints.clinical_benefit_weeks,
                                    confirm=response.confirmation, confirm_min_days=response.confirmation_min_days,
                                    max_ne_between=response.max_ne_between).set_index("patient_id")
    bor["clinical_benefit"] = benefit["best_overall_response"].isin(["CR", "PR", "SD"])
    # the best response under the other confirmation rule, so confirmed and unconfirmed ORR can stand side by side
    other = best_overall_response(visits, index, sd_min_days=response.sd_min_days, confirm=not response.confirmation,
                                  confirm_min_days=response.confirmation_min_days,
                                  max_ne_between=response.max_ne_between).set_index("patient_id")
    confirmed, unconfirmed = (bor, other) if response.confirmation else (other, bor)
    bor["best_response_confirmed"] = confirmed["best_overall_response"]
    bor["best_response_unconfirmed"] = unconfirmed["best_overall_response"]
    ae = tables["adverse_events"]
    adae = flag_adverse_events(ae[ae["patient_id"].isin(included)], index, exposed["last_dose_date"],
                               config.adverse_events.treatment_emergent_days, config.adverse_events.ctcae_version)
    adsl = _subject_level(fields, eligibility, bor, exposed)
    accounting = _row_accounting(study, tables, cutoff_listing, included, visits, adae)
    return AnalysisDatasets(adsl, adtte, adae.reset_index(drop=True), visits.reset_index(drop=True),
                            eligibility.attrition_table(), eligibility, cutoff_listing, accounting,
                            _unused_tables(study), pfs_censoring_sensitivity(index, visits, followup, options))


def _unused_tables(study: Study) -> tuple[str, ...]:
    """A responses table beside lesion data is not used when response is derived from the lesions: say so."""
    criteria = study.config.response.criteria
    responses = study.tables.get("responses")
    if criteria == "recorded" or responses is None or not len(responses) or "lesions" not in study.tables:
        return ()
    rows = f"{len(responses)} row{'' if len(responses) == 1 else 's'}"
    return (f"the responses table ({rows}, {study.sources.get('responses', 'responses')}) is not "
            f"used: [response] criteria = '{criteria}' derives response from the lesions table (set criteria = "
            "'recorded' to use the recorded responses instead); datasets/row_accounting.csv lists its rows as not "
            "used",)


def _subject_level(fields, eligibility: EligibilityResult, bor: pd.DataFrame, exposed: pd.DataFrame) -> pd.DataFrame:
    adsl = fields.copy()
    adsl["included"] = adsl.index.isin(eligibility.included)
    reason = pd.Series(None, index=adsl.index, dtype=object)
    for step in eligibility.steps:
        reason[list(step.excluded_ids)] = step.label
        reason[list(step.missing_excluded_ids)] = f"{step.label} (missing data)"
    adsl["exclusion_reason"] = reason
    adsl = adsl.join(bor)
    # starting doses come from both component_drugs and exposure (same rule): keep one copy
    adsl = adsl.join(exposed.drop(columns=[c for c in exposed.columns if c in adsl.columns or c == "index_date"]))
    for flag, levels in RESPONSE_FLAGS.items():
        adsl[flag] = np.where(adsl["included"], adsl["best_overall_response"].isin(levels), None)
    return adsl.reset_index()


def _row_accounting(study: Study, tables, cutoff_listing, included, visits, adae) -> pd.DataFrame:
    """For every input lesion, response and adverse-event row: used, or the reason it is not. Response comes from
    one table: under ``criteria = "recorded"`` the lesion rows are not used, otherwise the response rows."""
    rows = []
    removed = cutoff_listing[cutoff_listing["action"] == "removed"]
    criteria = study.config.response.criteria
    for name in ("lesions", "responses", "adverse_events"):
        if name not in study.tables:
            continue
        source = study.tables[name][["source_row", "patient_id"]].copy()
        status = pd.Series("used", index=source.index, dtype=object)
        cut = set(removed.loc[removed["table"] == name, "source_row"])
        status[source["source_row"].isin(cut)] = "after the data cutoff"
        status[(status == "used") & ~source["patient_id"].isin(included)] = "patient not included"
        if name == "adverse_events" and len(adae):
            not_teae = set(adae.loc[~adae["teae"], "source_row"])
            status[(status == "used") & source["source_row"].isin(not_teae)] = "not treatment-emergent"
        if name == "lesions" and criteria == "recorded":
            status[status == "used"] = "not used (response criteria = recorded)"
        elif name == "responses" and criteria != "recorded":
            status[status == "used"] = f"not used (response derived from the lesions by {criteria})"
        elif name == "lesions":
            lesions = study.tables[name]
            if "baseline_date" in visits:  # (nobody included: no visits, every row is "patient not included")
                first = visits.groupby("patient_id")["baseline_date"].first()
                before = lesions["assessment_date"] < lesions["patient_id"].map(first)
                status[(status == "used") & before] = "before the baseline assessment"
                no_baseline = ~lesions["patient_id"].isin(first.index)
                status[(status == "used") & no_baseline] = "no baseline assessment"
        rows.append(source.assign(table=name, status=status.to_numpy()))
    return pd.concat(rows, ignore_index=True)[["table", "source_row", "patient_id", "status"]]
