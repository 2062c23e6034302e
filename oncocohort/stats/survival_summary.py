"""One call for a time-to-event analysis: Kaplan–Meier (overall and by group), log-rank, Cox (or Firth Cox).

Returns analysis-results data as plain dicts of numbers and method names (the ``--json`` of
``oncocohort survival``, documented in docs/cli.md). Nothing is formatted for people here.

Missing values are left out **per analysis**, as R does (``na.action = na.omit`` in each call): the overall
Kaplan–Meier uses every row with time and event (``survfit(Surv(t, e) ~ 1)``); the Kaplan–Meier by group every
row with time, event and group (``survfit(Surv(t, e) ~ g)``); the log-rank test those rows that also have the
stratum (``survdiff(Surv(t, e) ~ g + strata(s))``); the Cox model the complete cases of time, event, covariates
and stratum (``coxph``). ``result["rows"]`` states, for each analysis, its n and the rows it left out and why.
Numerical warnings never reach the terminal: any raised during the analyses become sentences in
``result["notes"]``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from .cox import ModelNotEstimable, cox_model
from .firth import firth_cox_model
from .json_values import json_number, json_ready
from .kaplan_meier import ConfType, kaplan_meier, landmarks, maturity, survival_quantile
from .logrank import logrank_test


class AnalysisNotPossible(ValueError):
    """An analysis asked for cannot be done with the rows that have its variables (message in words)."""


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


def level_label(value) -> str:
    """A group or stratum value as text: 1.0 → '1' (a numeric column read with NA), 'LMS' → 'LMS'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def complete_rows(frame: pd.DataFrame, columns) -> tuple[pd.DataFrame, dict]:
    """The rows with a value in every one of ``columns``, and the accounting: n used, rows left out (as the user
    sees them: ``source_row``) and, per column, how many of those had it missing."""
    columns = list(dict.fromkeys(columns))
    missing = frame[columns].isna()
    keep = ~missing.any(axis=1)
    rows = frame["source_row"] if "source_row" in frame else pd.Series(frame.index + 2, index=frame.index)
    dropped = missing[~keep]
    return frame[keep], {
        "variables": columns,
        "n": int(keep.sum()),
        "dropped": int((~keep).sum()),
        "dropped_rows": [int(r) for r in rows[~keep]],
        "dropped_missing": {c: int(dropped[c].sum()) for c in columns if dropped[c].any()},
    }


def summarise_survival(frame: pd.DataFrame, time: str, event: str, by: str | None = None, strata: str | None = None,
                       covariates=(), categorical=(), ties: str = "efron", conf_type: ConfType = "log",
                       landmark_times=(), firth: bool = False) -> dict:
    """Kaplan–Meier overall (and per ``by`` group with a log-rank test, stratified by ``strata``), and a Cox
    model of ``covariates`` (Firth-penalised when ``firth``), each on the rows that have its variables.

    Raises :class:`AnalysisNotPossible` (no usable row) or :class:`oncocohort.stats.cox.ModelNotEstimable`."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _analyses(frame, time, event, by, strata, list(covariates), categorical, ties, conf_type,
                           landmark_times, firth, notes)
    notes.extend(f"Numerical warning during the analysis: {w.message}." for w in caught)
    result["notes"] = list(dict.fromkeys(notes))
    return json_ready(result)


def _analyses(frame, time, event, by, strata, covariates, categorical, ties, conf_type, landmark_times, firth,
              notes) -> dict:
    rows: dict = {}
    data, rows["km"] = complete_rows(frame, [time, event])
    if data.empty:
        raise AnalysisNotPossible(f"no row has both {time} and {event}: there is nothing to analyse")
    result: dict = {"km": km_summary(data[time], data[event], conf_type, landmark_times), "rows": rows}
    if by:
        data, rows["groups"] = complete_rows(frame, [time, event, by])
        labels = data[by].map(level_label)
        result["groups"] = {
            level: km_summary(part[time], part[event], conf_type, landmark_times)
            for level, part in sorted(data.groupby(labels), key=lambda item: item[0])
        }
        data, rows["logrank"] = complete_rows(frame, [time, event, by] + ([strata] if strata else []))
        groups = data[by].map(level_label)
        if groups.nunique() < 2:
            notes.append(f"No log-rank test: the rows with {by} have "
                         f"{'no group' if groups.empty else 'one group only'}.")
        else:
            test = logrank_test(data[time], data[event], groups, data[strata].map(level_label) if strata else None)
            result["logrank"] = {"chisq": test.chisq, "df": test.df, "p": test.p_value, "method": test.method,
                                 "observed": list(test.observed), "expected": list(test.expected),
                                 "groups": list(test.groups), "n": int(len(data))}
    if covariates:
        data, rows["cox"] = complete_rows(frame, [time, event, *covariates] + ([strata] if strata else []))
        if data.empty:
            raise AnalysisNotPossible(f"no row has all of {', '.join(rows['cox']['variables'])}: the Cox model "
                                      "has no data")
        result["cox"] = _cox(data, time, event, covariates, categorical, strata, ties, firth)
        notes.extend(result["cox"].get("notes", []))
    return result


def _cox(data, time, event, covariates, categorical, strata, ties, firth) -> dict:
    if strata:
        data = data.assign(**{strata: data[strata].map(level_label)})
    if firth:
        model = firth_cox_model(data, time, event, covariates, categorical, strata, ties=ties)
        return {
            "method": model.method, "n": model.n, "events": model.events,
            "terms": [{"name": t.name, "coef": t.coef, "se": t.se, "hr": t.hr, "lower": t.lower, "upper": t.upper,
                       "p": t.p_value, "ci_method": t.ci_method} for t in model.terms],
            "lr_test": model.lr_test, "lr_p": model.lr_p, "notes": list(model.notes),
        }
    model = cox_model(data, time, event, covariates, categorical, strata, ties=ties)
    return {
        "method": model.method, "n": model.n, "events": model.events,
        "terms": [{"name": t.name, "coef": t.coef, "se": t.se, "hr": t.hr, "lower": t.lower,
                   "upper": t.upper, "p": t.p_value} for t in model.terms],
        "lr_test": model.lr_test, "lr_p": model.lr_p, "wald_test": model.wald_test,
        "wald_p": model.wald_p, "score_test": model.score_test, "score_p": model.score_p,
        "concordance": model.concordance,
        "monotone_likelihood": list(model.monotone_likelihood),
        "ph_tests": [{"term": z.term, "chisq": z.chisq, "df": z.df, "p": z.p_value}
                     for z in model.ph_tests],
    }


__all__ = ["AnalysisNotPossible", "ModelNotEstimable", "complete_rows", "km_summary", "level_label",
           "summarise_survival"]
