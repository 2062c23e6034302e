"""Time-to-event endpoints (OS, PFS, DoR): one row per patient and endpoint with start, end, event, CDISC-style
CNSR and the reason in words. Days internally (end − start); months = days / 30.4375.

Censoring rules (FDA guidance "Clinical Trial Endpoints for the Approval of Cancer Drugs and Biologics", 2018,
Table; RECIST 1.1):

OS — event: death on or before the data cutoff. Otherwise censored at the last known alive date, capped at the
cutoff (a death after the cutoff is not counted: alive at cutoff).

PFS — event: the first RECIST PD or death, whichever comes first, on or before the cutoff. Otherwise censored at
the last evaluable (not NE) tumour assessment on or before the cutoff. Options:
- no evaluable post-baseline assessment → censored at the index date, unless death within ``death_window_days``
  of the index date (then an event);
- ``censor_at_new_therapy``: new anticancer therapy before PD/death → censored at the last evaluable assessment
  on or before the new therapy;
- ``missed_assessments`` (with ``assessment_interval_days``): a PD/death more than that many scheduled intervals
  after the last evaluable assessment → censored at that assessment.
DoR — responders only (first CR/PR): from the first response to PD or death, censored as PFS.

CNSR codes: 0 event; 1 censored at the last evaluable assessment / last known alive; 2 no post-baseline
assessment; 3 new anticancer therapy; 4 event after missed assessments; 5 alive at data cutoff (OS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375
TTE_COLUMNS = ("patient_id", "paramcd", "start_date", "end_date", "days", "months", "event", "cnsr", "reason")


@dataclass(frozen=True)
class EndpointOptions:
    """Settings of the censoring rules (module docstring)."""

    data_cutoff: pd.Timestamp
    death_window_days: int | None = None
    censor_at_new_therapy: bool = True
    missed_assessments: int | None = None
    assessment_interval_days: int | None = None


def _whole_days(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whole days from ``start`` to ``end`` (datetime64 arrays): int64, or float64 with NaN where a date is missing
    (NaT), never the integer that NaT would turn into."""
    known = ~(np.isnat(start) | np.isnat(end))
    if known.all():
        return ((end - start) // np.timedelta64(1, "D")).astype(np.int64)
    days = np.full(len(start), np.nan)
    days[known] = (end[known] - start[known]) // np.timedelta64(1, "D")
    return days


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def overall_survival(index_dates: pd.Series, followup: pd.DataFrame, options: EndpointOptions) -> pd.DataFrame:
    """OS per patient of ``index_dates`` (followup: patient_id, last_known_alive_date, death_date), in patient order.

    Vectorised over patients: the rules in order as ``np.select`` — death on or before the cutoff (event); a death
    after the cutoff or known alive beyond it (censored at the cutoff, CNSR 5); censored at the last known alive date
    (not before the index date); no follow-up (censored at the index date)."""
    ordered = index_dates.sort_index()
    if not len(ordered):
        return pd.DataFrame([], columns=list(TTE_COLUMNS))
    cutoff = np.datetime64(pd.Timestamp(options.data_cutoff), "ns")
    status = followup.drop_duplicates("patient_id").set_index("patient_id")
    start = ordered.to_numpy(dtype="datetime64[ns]")
    death = status["death_date"].reindex(ordered.index).to_numpy(dtype="datetime64[ns]")
    alive = status["last_known_alive_date"].reindex(ordered.index).to_numpy(dtype="datetime64[ns]")
    has_death, has_alive = ~np.isnat(death), ~np.isnat(alive)
    rules = [has_death & (death <= cutoff), has_death | (has_alive & (alive >= cutoff)), has_alive]
    cutoff_text = _iso(options.data_cutoff)
    death_text, alive_text = _iso_dates(death), _iso_dates(alive)
    why = np.where(has_death, "death on " + death_text + " is after the cutoff", "known alive beyond the cutoff")
    end = np.select(rules, [death, np.full_like(start, cutoff), np.where(start > alive, start, alive)], start)
    cnsr = np.select(rules, [0, 5, 1], 1).astype(np.int64)
    reason = np.select(rules, ["death on " + death_text, f"alive at data cutoff {cutoff_text} (" + why + ")",
                               "censored at the last known alive date " + alive_text],
                       "no follow-up information: censored at the index date")
    days = _whole_days(start, end)
    return pd.DataFrame({"patient_id": ordered.index.to_numpy(), "paramcd": "OS", "start_date": start,
                         "end_date": end, "days": days, "months": days / DAYS_PER_MONTH,
                         "event": (cnsr == 0).astype(np.int64), "cnsr": cnsr, "reason": reason.astype(object)},
                        columns=list(TTE_COLUMNS))


def _iso_dates(values) -> np.ndarray:
    """Dates as YYYY-MM-DD text (vectorised; NaT → "NaT")."""
    return np.datetime_as_string(np.asarray(values, dtype="datetime64[ns]"), unit="D").astype(object)


def _last_before(visits: pd.DataFrame, limit: pd.Series) -> pd.Series:
    """Per patient of ``limit`` (indexed by patient), the last evaluable assessment on or before the limit (NaT
    when none, or when the limit is NaT)."""
    bound = visits["patient_id"].map(limit)
    before = visits[visits["evaluable"] & (visits["date"] <= bound)]
    return before.groupby("patient_id")["date"].max().reindex(limit.index)


def progression_free_survival(index_dates: pd.Series, visits: pd.DataFrame, followup: pd.DataFrame,
                              options: EndpointOptions, paramcd: str = "PFS") -> pd.DataFrame:
    """PFS per patient of ``index_dates``; ``visits``: patient_id, assessment_date, overall_response.

    Vectorised over patients (a group-by per quantity: first PD, last evaluable assessment before a limit), the
    rules of the module docstring applied in order with ``np.select``; same rows, codes and reasons as a loop
    over patients (tests/derive/test_time_to_event.py keeps that loop as the reference)."""
    cutoff = pd.Timestamp(options.data_cutoff)
    starts = index_dates.sort_index()
    patients = starts.index
    status = followup.drop_duplicates("patient_id").set_index("patient_id")
    death = status["death_date"].reindex(patients) if len(status) else pd.Series(pd.NaT, index=patients)
    death = pd.to_datetime(death).where(lambda d: d <= cutoff)
    new_therapy = (pd.to_datetime(status["new_anticancer_therapy_date"]).reindex(patients)
                   if "new_anticancer_therapy_date" in status else pd.Series(pd.NaT, index=patients))
    scans = pd.DataFrame({"patient_id": visits["patient_id"].to_numpy(),
                          "date": pd.to_datetime(visits["assessment_date"]).to_numpy(),
                          "response": visits["overall_response"].to_numpy()})
    scans = scans[scans["patient_id"].isin(patients)]
    scans = scans[(scans["date"] > scans["patient_id"].map(starts)) & (scans["date"] <= cutoff)]
    response = scans["response"]
    scans = scans.assign(evaluable=response.notna() & response.ne("NE"))
    by_patient = scans.groupby("patient_id")
    first_pd = scans[response.eq("PD")].groupby("patient_id")["date"].min().reindex(patients)
    any_evaluable = by_patient["evaluable"].any().reindex(patients, fill_value=False).astype(bool)
    last_evaluable = scans[scans["evaluable"]].groupby("patient_id")["date"].max().reindex(patients)
    event_date = pd.concat([first_pd, death], axis=1).min(axis=1)
    new_first = options.censor_at_new_therapy & new_therapy.notna() & (new_therapy <= cutoff) & (
        event_date.isna() | (new_therapy < event_date))
    before_new = _last_before(scans, new_therapy.where(new_first))
    before_event = _last_before(scans, (event_date - pd.Timedelta(days=1)).where(event_date.notna()))
    has_event = event_date.notna()
    window = options.death_window_days
    too_late = (~any_evaluable & first_pd.isna() & has_event &
                ((event_date - starts).dt.days > window)) if window is not None else pd.Series(False, index=patients)
    reference = before_event.fillna(starts)
    missed = has_event & pd.Series(bool(options.missed_assessments and options.assessment_interval_days),
                                   index=patients)
    if options.missed_assessments and options.assessment_interval_days:
        missed &= (event_date - reference).dt.days > options.missed_assessments * options.assessment_interval_days
    rules = [new_first, has_event & too_late, has_event & missed, has_event, ~any_evaluable]
    cnsr = np.select(rules, [3, 2, 4, 0, 2], default=1)
    end = np.select(rules, [before_new.fillna(starts), starts, reference, event_date, starts],
                    default=last_evaluable).astype("datetime64[ns]")
    iso_event, iso_reference = _iso_dates(event_date), _iso_dates(reference)
    pd_then = first_pd.notna() & (first_pd == event_date)
    death_then = death.notna() & (death == event_date)
    what = np.where(pd_then & death_then, "PD and death", np.where(pd_then, "PD", "death")).astype(object)
    where = np.where(before_new.notna(), _iso_dates(before_new), "(none: the start)").astype(object)
    reason = np.select(rules, [
        "new anticancer therapy on " + _iso_dates(new_therapy) + " before progression: censored at the last "
        "evaluable assessment " + where,
        "death on " + iso_event + f" more than {window} days after the start without any tumour assessment: "
        "censored at the start",
        what + " on " + iso_event + f" after ≥ {options.missed_assessments} missed assessments: censored at the "
        "last evaluable assessment " + iso_reference,
        what + " on " + iso_event,
        np.full(len(patients), "no evaluable tumour assessment after the start: censored at the start", object),
    ], default="no progression or death: censored at the last evaluable assessment " + _iso_dates(last_evaluable))
    if not len(patients):
        return pd.DataFrame([], columns=list(TTE_COLUMNS))
    start_values = starts.to_numpy(dtype="datetime64[ns]")
    days = _whole_days(start_values, end)
    return pd.DataFrame({"patient_id": patients.to_numpy(), "paramcd": paramcd, "start_date": start_values,
                         "end_date": end, "days": days, "months": days / DAYS_PER_MONTH,
                         "event": (cnsr == 0).astype(np.int64), "cnsr": cnsr.astype(np.int64),
                         "reason": reason.astype(object)}, columns=list(TTE_COLUMNS))


def duration_of_response(first_response: pd.Series, visits: pd.DataFrame, followup: pd.DataFrame,
                         options: EndpointOptions) -> pd.DataFrame:
    """DoR for responders: ``first_response`` = first CR/PR date per patient (NaT = not a responder, left out)."""
    return progression_free_survival(first_response.dropna(), visits, followup, options, paramcd="DOR")


def follow_up_time(index_dates: pd.Series, followup: pd.DataFrame, options: EndpointOptions) -> pd.DataFrame:
    """Follow-up time: index date → last contact (death or last known alive, capped at the cutoff). Coded for the
    reverse Kaplan–Meier: ``event`` = 1 when the patient was alive at last contact (follow-up ended by censoring),
    0 when it ended by death."""
    os_rows = overall_survival(index_dates, followup, options)
    out = os_rows.assign(paramcd="FU", event=1 - os_rows["event"], cnsr=os_rows["event"])
    out["reason"] = np.where(out["cnsr"] == 1, "follow-up ended by death", "alive at last contact")
    return out


def time_to_response(first_response: pd.Series, index_dates: pd.Series) -> pd.DataFrame:
    """TTR for responders: index date → first CR/PR (an event for every responder; non-responders left out).
    Vectorised over patients."""
    responders = first_response.dropna().sort_index()
    if not len(responders):
        return pd.DataFrame([], columns=list(TTE_COLUMNS))
    start = index_dates.reindex(responders.index).to_numpy(dtype="datetime64[ns]")
    end = responders.to_numpy(dtype="datetime64[ns]")
    days = _whole_days(start, end)
    return pd.DataFrame({"patient_id": responders.index.to_numpy(), "paramcd": "TTR", "start_date": start,
                         "end_date": end, "days": days, "months": days / DAYS_PER_MONTH,
                         "event": np.ones(len(days), dtype=np.int64), "cnsr": np.zeros(len(days), dtype=np.int64),
                         "reason": "first response on " + _iso_dates(end)}, columns=list(TTE_COLUMNS))


def time_to_treatment_failure(exposure: pd.DataFrame, followup: pd.DataFrame, options: EndpointOptions
                              ) -> pd.DataFrame:
    """TTF: index date → end of the regimen for any reason (progression, toxicity, death, patient choice, other) or
    death; censored at the cutoff while the regimen is ongoing. ``exposure``: rows of derive.exposure.

    Vectorised over patients: the rules in order as ``np.select`` — death (on or before the cutoff) while on the
    regimen or on or before its last dose (event); regimen ongoing at the cutoff (censored there, CNSR 5); regimen
    stopped (event at the last dose, with the reason stopped)."""
    ordered = exposure.sort_values("patient_id")
    if not len(ordered):
        return pd.DataFrame([], columns=list(TTE_COLUMNS))
    cutoff = np.datetime64(pd.Timestamp(options.data_cutoff), "ns")
    deaths = followup.drop_duplicates("patient_id").set_index("patient_id")["death_date"]
    start = ordered["index_date"].to_numpy(dtype="datetime64[ns]")
    last_dose = ordered["last_dose_date"].to_numpy(dtype="datetime64[ns]")
    death = deaths.reindex(ordered["patient_id"].to_numpy()).to_numpy(dtype="datetime64[ns]")
    death = np.where(death <= cutoff, death, np.datetime64("NaT", "ns"))  # NaT compares False: stays NaT
    ongoing = ordered["ongoing_at_cutoff"].to_numpy().astype(bool)
    rules = [~np.isnat(death) & (ongoing | (death <= last_dose)), ongoing]
    end = np.select(rules, [death, np.full_like(start, cutoff)], last_dose)
    cnsr = np.select(rules, [0, 5], 0).astype(np.int64)
    why = np.array([r if isinstance(r, str) else "reason not recorded" for r in ordered["reason_stopped"]],
                   dtype=object)
    reason = np.select(rules, ["death on " + _iso_dates(death) + " on treatment",
                               np.full(len(ordered), "regimen ongoing at data cutoff", object)],
                       "regimen stopped on " + _iso_dates(last_dose) + " (" + why + ")")
    days = _whole_days(start, end)
    return pd.DataFrame({"patient_id": ordered["patient_id"].to_numpy(), "paramcd": "TTF", "start_date": start,
                         "end_date": end, "days": days, "months": days / DAYS_PER_MONTH,
                         "event": (cnsr == 0).astype(np.int64), "cnsr": cnsr, "reason": reason.astype(object)},
                        columns=list(TTE_COLUMNS))
