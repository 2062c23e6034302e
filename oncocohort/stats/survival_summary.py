"""One call for a time-to-event analysis: Kaplan–Meier (overall and by group), log-rank, Cox (or Firth Cox).

Returns analysis-results data as plain dicts of numbers and method names (the ``--json`` of
``oncocohort survival``, documented in docs/cli.md). Nothing is formatted for people here.
"""

from __future__ import annotations

import pandas as pd

from .cox import cox_model
from .firth import firth_cox_model
from .json_values import json_number, json_ready
from .kaplan_meier import ConfType, kaplan_meier, landmarks, maturity, survival_quantile
from .logrank import logrank_test


def km_summary(time, event, conf_type: ConfType = "log", landmark_times=()) -> dict:
    """n, events, maturity, median with CI (R's rule and band) and landmark survival with CI and n at risk."""
    fit = kaplan_meier(time, event, conf_type=conf_type)
    median = survival_quantile(fit, 0.5)
    return {
        "n": fit.n,
        "events": fit.events,
        "maturity": json_number(maturity(fit)),
        "median": json_number(median.estimate),
        "lower": json_number(median.lower),
        "upper": json_number(median.upper),
        "conf_type": conf_type,
        "median_method": median.method,
        "landmarks": [
            {"time": m.time, "surv": json_number(m.surv), "lower": json_number(m.lower), "upper": json_number(m.upper),
             "n_risk": m.n_risk}
            for m in landmarks(fit, landmark_times)
        ],
    }


def summarise_survival(frame: pd.DataFrame, time: str, event: str, by: str | None = None, strata: str | None = None,
                       covariates=(), categorical=(), ties: str = "efron", conf_type: ConfType = "log",
                       landmark_times=(), firth: bool = False) -> dict:
    """Kaplan–Meier overall (and per ``by`` group with a log-rank test, stratified by ``strata``), and a Cox
    model of ``covariates`` (Firth-penalised when ``firth``). Rows must be complete (checked by the caller)."""
    result: dict = {"km": km_summary(frame[time], frame[event], conf_type, landmark_times)}
    if by:
        result["groups"] = {
            str(level): km_summary(part[time], part[event], conf_type, landmark_times)
            for level, part in sorted(frame.groupby(by), key=lambda item: str(item[0]))
        }
        test = logrank_test(frame[time], frame[event], frame[by], frame[strata] if strata else None)
        result["logrank"] = {"chisq": test.chisq, "df": test.df, "p": test.p_value, "method": test.method,
                             "observed": list(test.observed), "expected": list(test.expected),
                             "groups": list(test.groups)}
    if covariates:
        if firth:
            model = firth_cox_model(frame, time, event, covariates, categorical, strata, ties=ties)
            result["cox"] = {
                "method": model.method,
                "terms": [{"name": t.name, "coef": t.coef, "hr": t.hr, "lower": t.lower, "upper": t.upper,
                           "p": t.p_value} for t in model.terms],
                "lr_test": model.lr_test, "lr_p": model.lr_p,
            }
        else:
            model = cox_model(frame, time, event, covariates, categorical, strata, ties=ties)
            result["cox"] = {
                "method": model.method,
                "terms": [{"name": t.name, "coef": t.coef, "se": t.se, "hr": t.hr, "lower": t.lower,
                           "upper": t.upper, "p": t.p_value} for t in model.terms],
                "lr_test": model.lr_test, "lr_p": model.lr_p, "wald_test": model.wald_test,
                "wald_p": model.wald_p, "score_test": model.score_test, "score_p": model.score_p,
                "concordance": model.concordance,
                "monotone_likelihood": list(model.monotone_likelihood),
                "ph_tests": [{"term": z.term, "chisq": z.chisq, "df": z.df, "p": z.p_value}
                             for z in model.ph_tests],
            }
    return json_ready(result)
