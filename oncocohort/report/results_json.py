"""results.json: every number of the report with its method and n, machine-readable (docs/results-json.md).

Built from :class:`oncocohort.stats.study_analysis.StudyResults` only. Numbers are kept unrounded (text and tables
round them); a number that does not exist (median not reached, a CI limit not estimable) is ``null``. Keys are
sorted and nothing depends on the clock, so the same study gives the same bytes.
"""

from __future__ import annotations

import json

import pandas as pd

from .. import __version__
from ..stats.descriptive import ContinuousSummary
from ..stats.firth import FirthCoxModel
from ..stats.json_values import json_number, json_ready
from ..stats.kaplan_meier import Quantile
from ..stats.proportions import ProportionEstimate
from ..stats.study_analysis import EndpointSurvival, NotEstimable, RestrictedMean, StudyResults, rmst_horizon
from ..stats.study_competing import CAUSE_LABELS
from .disclosure import json_value
from .esmo_mcbs import esmo_mcbs

SCHEMA = "oncocohort-results/1"


def _proportion(e: ProportionEstimate) -> dict:
    return {"x": e.x, "n": e.n, "estimate": e.estimate, "lower": e.lower, "upper": e.upper,
            "conf_level": e.conf_level, "method": e.method_label}


def _quantile(q: Quantile) -> dict:
    return {"estimate": q.estimate, "lower": q.lower, "upper": q.upper, "method": q.method}


def _continuous(s: ContinuousSummary) -> dict:
    return {"n": s.n, "missing": s.missing, "median": s.median, "min": s.minimum,
            "max": s.maximum, "mean": s.mean, "sd": s.sd, "method": "median (range)"}


def _rmst(r: RestrictedMean | None) -> dict | None:
    return None if r is None else {"horizon": r.horizon, "estimate": r.estimate, "se": r.se, "lower": r.lower,
                                   "upper": r.upper, "method": r.method}


def _rmst_comparison(c) -> dict | None:
    """Two subgroup levels at the RMST horizon: per level, then the difference and ratios (second vs first)."""
    if c is None:
        return None
    if isinstance(c, NotEstimable):
        return {"not_estimable": c.reason}
    return {"horizon": c.tau, "groups": list(c.groups), "conf_level": c.conf_level, "method": c.method,
            "per_group": [{"group": g.group, "n": g.n, "events": g.events, "estimate": g.rmst, "se": g.se,
                           "lower": g.lower, "upper": g.upper} for g in c.per_group],
            "contrasts": [{"measure": k.measure, "estimate": k.estimate, "lower": k.lower, "upper": k.upper,
                           "p": k.p_value} for k in c.contrasts]}


def _endpoint(e: EndpointSurvival) -> dict:
    return {
        "label": e.label, "n": e.n, "events": e.events, "censored": e.n - e.events,
        "maturity_percent": 100 * e.events / e.n if e.n else None,
        "median": _quantile(e.median), "conf_type": e.fit.conf_type, "conf_level": e.fit.conf_level,
        "landmarks": [{"time": m.time, "surv": m.surv, "lower": m.lower, "upper": m.upper,
                       "n_risk": m.n_risk, "method": f"Kaplan–Meier, Greenwood variance, {e.fit.conf_type} CI"}
                      for m in e.landmarks],
        "observed_time": _continuous(e.observed),
        "rmst": _rmst(e.rmst),
    }


def _model(model) -> dict:
    if isinstance(model, NotEstimable):
        return {"not_estimable": model.reason}
    terms = [{"term": t.name, "hr": t.hr, "lower": t.lower, "upper": t.upper, "p": t.p_value,
              "coef": t.coef, "ci_method": getattr(t, "ci_method", "Wald")} for t in model.terms]
    if isinstance(model, FirthCoxModel):
        return {"method": model.method, "terms": terms, "lr_test": model.lr_test, "lr_p": model.lr_p,
                "ph_tests": [], "notes": list(model.notes)}
    return {"method": model.method, "n": model.n, "events": model.events, "terms": terms,
            "lr_test": model.lr_test, "lr_p": model.lr_p, "concordance": model.concordance,
            "ph_tests": [{"term": z.term, "chisq": z.chisq, "df": z.df, "p": z.p_value}
                         for z in model.ph_tests]}


def _date(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _index_months(results: StudyResults, index_dates: pd.Series) -> tuple[str | None, str | None]:
    """The first and last index month as "YYYY-MM": from the patients' index dates, or (a report from
    aggregates, which has no per-patient dates) from the month-precision period the engine computed."""
    if len(index_dates):
        first, last = index_dates.min(), index_dates.max()
    elif results.index_months is not None:
        first, last = results.index_months
    else:
        return None, None
    return pd.Timestamp(first).strftime("%Y-%m"), pd.Timestamp(last).strftime("%Y-%m")


def results_dict(results: StudyResults) -> dict:
    """The results.json content (see module docstring), JSON-ready."""
    return json_ready(_results(results))


def _results(results: StudyResults) -> dict:
    config = results.config
    patients = results.patients
    response = results.response
    rates = dict(response.rates)
    baseline = []
    for item in results.baseline:
        s = item.summary
        if isinstance(s, ContinuousSummary):
            baseline.append({"variable": s.variable, "label": item.label, "type": "continuous", **_continuous(s)})
        else:
            baseline.append({"variable": s.variable, "label": item.label, "type": "categorical", "n": s.n,
                             "missing": s.missing, "method": "n (%) of patients with a value",
                             "levels": [{"level": lv.level, "n": lv.n, "percent": lv.percent}
                                        for lv in s.levels]})
    survival = {e.endpoint: _endpoint(e) for e in results.survival}
    detail = results.response_detail
    subgroups: dict[str, list] = {}
    for g in results.subgroup_survival:
        subgroups.setdefault(g.endpoint, []).append({
            "factor": g.factor, "field": g.field, "reference": g.reference, "n_missing": g.n_missing,
            "ungrouped": [{"value": value, "n": n} for value, n in g.ungrouped],
            "levels": [{"level": lv.level, "n": lv.n, "events": lv.events, "median": _quantile(lv.median)}
                       for lv in g.levels],
            "logrank": None if g.logrank is None else {"chisq": g.logrank.chisq, "df": g.logrank.df,
                                                       "p": g.logrank.p_value, "method": g.logrank.method},
            "rmst": _rmst_comparison(g.rmst)})
    cox = {c.endpoint: {"n_complete": c.n_complete, "references": dict(c.references),
                        "univariable": [{"covariate": name, **_model(m)} for name, m in c.univariable],
                        "multivariable": None if c.multivariable is None else _model(c.multivariable)}
           for c in results.cox}

    def adverse(summary):
        return {"n": summary.n, "ctcae_version": summary.ctcae_version, "related_only": summary.related_only,
                "method": summary.method,
                "rows": [{"term": r.term, "soc": r.soc, "level": r.level, "any_grade": r.any_grade,
                          "grade_1_2": r.grade_1_2, "grade_3_4": r.grade_3_4, "grade_5": r.grade_5,
                          "percent": {band: (100 * getattr(r, band) / summary.n) if summary.n else None
                                      for band in ("any_grade", "grade_1_2", "grade_3_4", "grade_5")}}
                         for r in summary.rows]}

    exposure = results.exposure
    index_dates = patients["index_date"].dropna()
    months = _index_months(results, index_dates)
    facts = {
        "schema": SCHEMA,
        "software": {"name": "oncocohort", "version": __version__},
        "study": {"title": results.title, "synthetic": results.synthetic, "data_source": results.data_source,
                  "data_cutoff": config.study.data_cutoff.isoformat() if config.study.data_cutoff else None,
                  "time_unit": results.time_unit, "n_screened": results.n_screened, "n_included": results.n_included,
                  "n_excluded": results.n_screened - results.n_included,
                  "analysis": results.analysis,
                  "first_index_date": _date(index_dates.min()) if len(index_dates) else None,
                  "last_index_date": _date(index_dates.max()) if len(index_dates) else None,
                  "first_index_month": months[0], "last_index_month": months[1]},
        "attrition": [{"step": int(r["step"]), "criterion": r["criterion"], "kind": r["kind"],
                       "n_at_step": int(r["n_at_step"]), "n_excluded": int(r["n_excluded"]),
                       "n_remaining": int(r["n_remaining"])} for _, r in results.attrition.iterrows()],
        "baseline": baseline,
        "response": {
            "assessed": results.response_assessed,  # False: no tumour response assessment in the data
            "n": response.n, "criteria": config.response.criteria, "confirmation": config.response.confirmation,
            "counts": dict(response.counts),
            "percents": {c: (100 * k / response.n) if response.n else None for c, k in response.counts},
            "orr": _proportion(rates["ORR"]) if "ORR" in rates else None,
            "dcr": _proportion(rates["DCR"]) if "DCR" in rates else None,
            "tests": {name: {"p0": t.p0, "p": t.p_value, "alternative": t.alternative, "method": t.method}
                      for name, t in response.tests},
            "n_with_measurement": int(patients["best_pct_change"].notna().sum()),
            "n_with_shrinkage": int((patients["best_pct_change"] < 0).sum()),
            "n_responders": detail.n_responders,
            "orr_confirmed": None if detail.orr_confirmed is None else _proportion(detail.orr_confirmed),
            "orr_unconfirmed": None if detail.orr_unconfirmed is None else _proportion(detail.orr_unconfirmed),
            "clinical_benefit": None if detail.clinical_benefit is None else {
                **_proportion(detail.clinical_benefit), "weeks": detail.clinical_benefit_weeks,
                "definition": f"CR or PR, or SD lasting at least {detail.clinical_benefit_weeks} weeks"},
            "duration_of_response": None if detail.duration is None else _endpoint(detail.duration),
            "time_to_response": _continuous(detail.time_to_response),
            "best_pct_change": _continuous(detail.best_pct_change),
            "n_shrinkage_30": detail.n_shrinkage_30,
            "subgroups": [{"factor": g.factor,
                           "levels": [{"level": level, **_proportion(e)} for level, e in g.levels],
                           "test": None if g.test is None else {"method": g.test.method, "p": g.test.p_value,
                                                                "rule": g.test.rule}}
                          for g in results.response_subgroups],
        },
        "survival": survival,
        "endpoints": [{"endpoint": e.paramcd, "label": e.label, "definition": e.definition or None}
                      for e in results.endpoints],
        "follow_up": {**_quantile(results.follow_up), "endpoint": "OS",
                      "definition": "median follow-up by the reverse Kaplan–Meier method for overall survival "
                                    "(censoring as the event)"},
        "subgroup_survival": subgroups,
        "competing_risks_pfs": _competing_pfs(results.competing_pfs),
        "cox": cox,
        "adjusted": {a.endpoint: {"exposure": a.exposure, "levels": list(a.levels), "n_other_level": a.n_other_level,
                                  "not_possible": a.not_possible, **(a.result or {})} for a in results.adjusted},
        "adverse_events": adverse(results.adverse_events),
        "related_adverse_events": adverse(results.related_adverse_events),
        "ungraded_adverse_events": _ungraded(results.ungraded_adverse_events),
        "adverse_event_categories": [{"label": c.label, "any_grade": c.any_grade, "grade_3_plus": c.grade_3_plus,
                                      "n": results.n_included} for c in results.adverse_event_categories],
        "exposure": {"n": exposure.n, "time_unit": exposure.time_unit,
                     "duration": _continuous(exposure.duration),
                     "cycles": None if exposure.cycles is None else _continuous(exposure.cycles),
                     "dose_reduction": exposure.dose_reduction, "interruption": exposure.interruption,
                     "ongoing_at_cutoff": exposure.ongoing_at_cutoff,
                     "reason_stopped": {lv.level: lv.n for lv in exposure.reason_stopped.levels},
                     "relative_dose_intensity": {drug: _continuous(s) for drug, s in exposure.relative_dose_intensity}},
        "landmark_analyses": _landmark_analyses(results),
        "design": None if results.next_trial is None else results.next_trial.to_dict(),
        "settings": {"ci_method": config.analysis.ci_method, "conf_level": config.analysis.conf_level,
                     "km_conf_type": config.analysis.km_conf_type, "median_ci": config.analysis.median_ci,
                     "ties": config.analysis.ties, "firth": config.analysis.firth,
                     "response_criteria": config.response.criteria, "ctcae_version":
                     config.adverse_events.ctcae_version, "treatment_emergent_days":
                     config.adverse_events.treatment_emergent_days, "landmarks": list(config.analysis.landmarks),
                     "rmst_horizon": rmst_horizon(config.analysis),
                     "labels": dict(config.labels)},
    }
    # read from the values above; none without response assessments (its criteria are the ORR and DoR)
    facts["esmo_mcbs"] = esmo_mcbs(facts, config.esmo_mcbs.setting) if results.response_assessed else None
    return facts


def _ungraded(summary) -> dict | None:
    """Adverse events recorded without a grade: patients with each term (stats/adverse_event_summary.py)."""
    if summary is None:
        return None
    return {"n": summary.n, "method": summary.method, "source": summary.source, "note": summary.note,
            "rows": [{"term": r.term, "level": r.level, "patients": r.patients,
                      "percent": 100 * r.patients / summary.n if summary.n else None} for r in summary.rows]}


def _competing_pfs(result) -> dict | None:
    """PFS events by cause and each cause's cumulative incidence at the landmarks (stats/study_competing.py)."""
    if result is None:
        return None
    return {"n": result.n, "progression": result.progression,
            "death_without_progression": result.death_without_progression, "censored": result.censored,
            "classification": result.rule, "method": result.summary.curves[0].method,
            "cumulative_incidence": [
                {"cause": CAUSE_LABELS[c.cause].lower(), "events": c.events,
                 "at": [{"time": float(r.time), "estimate": json_number(r.estimate),
                         "lower": json_number(r.lower), "upper": json_number(r.upper)}
                        for r in c.at(result.times).itertuples()]} for c in result.summary.curves]}


def _landmark_analyses(results: StudyResults) -> dict | None:
    """OS by response at the landmark and the PFS censoring-sensitivity rows (stats/study_landmark.py)."""
    lm = results.landmarks
    if lm is None:
        return None
    os_by = lm.os_by_response
    return {
        "response_landmark": lm.response_landmark, "landmark_is_default": lm.landmark_is_default,
        "os_by_response": None if os_by is None else {
            "method": os_by.method, "n": os_by.n, "excluded_event": os_by.excluded_event,
            "excluded_censored": os_by.excluded_censored,
            "groups": [{"group": g, "n": 0 if c is None else c.n, "events": 0 if c is None else c.events,
                        "median": None if m is None else _quantile(m)}
                       for g, c, m in zip(os_by.groups, os_by.curves, lm.os_by_response_medians)],
            "hr": None if os_by.cox is None else {"hr": os_by.cox.terms[0].hr, "lower": os_by.cox.terms[0].lower,
                                                  "upper": os_by.cox.terms[0].upper, "p": os_by.cox.terms[0].p_value,
                                                  "method": os_by.cox.method},
            "logrank": None if os_by.logrank is None else {"chisq": os_by.logrank.chisq, "p": os_by.logrank.p_value,
                                                           "method": os_by.logrank.method}},
        "pfs_censoring": None if lm.censoring is None else {
            "method": lm.censoring.method,
            "rules": [{"rule": r.rule, "n": r.n, "events": r.events, "median": _quantile(r.median),
                       "status_changed": r.status_changed, "time_changed": r.time_changed}
                      for r in lm.censoring.rules]},
    }


def json_text(facts: dict) -> str:
    """results.json's text from :func:`results_dict`'s dictionary: sorted keys, 2-space indent, UTF-8; a count
    hidden by :func:`oncocohort.report.disclosure.disclose_results` as ``{"suppressed": …, "minimum": …}``."""
    return json.dumps(facts, indent=2, sort_keys=True, ensure_ascii=False, default=json_value) + "\n"


def results_json(results: StudyResults) -> str:
    return json_text(results_dict(results))
