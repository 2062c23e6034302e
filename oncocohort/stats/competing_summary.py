"""One call for a competing-risks analysis (the ``--json`` of ``oncocohort survival --competing``, docs/cli.md).

Status 0 = censored, 1 = the event of interest, other codes = competing events. Cumulative incidence of every
cause (overall and per ``by`` group) at chosen times, Gray's test per cause between the groups (stratified by
``strata``), and with covariates the Fine–Gray model of cause 1 (cmprsk ``crr``, not stratified: crr has no
strata) and the cause-specific Cox model of each cause. Missing values are left out per analysis, as R, and
``rows`` states each analysis's n and the rows left out. Plain dicts of numbers and method names.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .competing_risks import (
    CUMINC_METHOD,
    CompetingRisksSummary,
    cause_specific_cox,
    competing_risks_summary,
    fine_gray,
)
from .cox import design_matrix
from .json_values import json_number, json_ready
from .survival_summary import AnalysisNotPossible, complete_rows, level_label


def _curves(summary: CompetingRisksSummary, times) -> list[dict]:
    out = []
    for curve in summary.curves:
        at = curve.at(times)
        final = curve.at([curve.last_time]).iloc[0]
        out.append({
            "group": curve.group, "cause": curve.cause, "n": curve.n, "events": curve.events,
            "last_time": curve.last_time, "final_estimate": json_number(final.estimate),
            "at": [{"time": float(r.time), "estimate": json_number(r.estimate), "variance": json_number(r.variance),
                    "lower": json_number(r.lower), "upper": json_number(r.upper)} for r in at.itertuples()],
        })
    return out


def _terms(terms) -> list[dict]:
    return [{"name": t.name, "coef": t.coef, "se": t.se, "hr": t.hr, "lower": t.lower, "upper": t.upper,
             "p": t.p_value} for t in terms]


def summarise_competing_risks(frame: pd.DataFrame, time: str, status: str, by: str | None = None,
                              strata: str | None = None, covariates=(), categorical=(), ties: str = "efron",
                              times=()) -> dict:
    """Cumulative incidence, Gray's test, Fine–Gray and cause-specific Cox (module docstring) as a JSON-ready
    dict. Raises :class:`AnalysisNotPossible` when no row has time and status, or no event of cause 1."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _analyses(frame, time, status, by, strata, list(covariates), categorical, ties, list(times), notes)
    notes.extend(f"Numerical warning during the analysis: {w.message}." for w in caught)
    result["notes"] = list(dict.fromkeys(notes))
    return json_ready(result)


def _analyses(frame, time, status, by, strata, covariates, categorical, ties, times, notes) -> dict:
    rows: dict = {}
    data, rows["cuminc"] = complete_rows(frame, [time, status])
    if data.empty:
        raise AnalysisNotPossible(f"no row has both {time} and {status}: there is nothing to analyse")
    if not (data[status] == 1).any():
        raise AnalysisNotPossible(f"no row has {status} = 1 (the event of interest)")
    codes = sorted(int(c) for c in data[status].unique() if c != 0)
    overall = competing_risks_summary(data[time], data[status])
    result: dict = {
        "method": CUMINC_METHOD, "causes": [str(c) for c in codes], "times": [float(t) for t in times],
        "counts": {str(c): int((data[status] == c).sum()) for c in [0, *codes]},
        "cuminc": _curves(overall, times), "rows": rows,
    }
    if by:
        data, rows["groups"] = complete_rows(frame, [time, status, by] + ([strata] if strata else []))
        groups = data[by].map(level_label)
        if groups.nunique() < 2:
            notes.append(f"No Gray's test: the rows with {by} have "
                         f"{'no group' if groups.empty else 'one group only'}.")
        else:
            summary = competing_risks_summary(data[time], data[status], groups,
                                              data[strata].map(level_label) if strata else None)
            result["groups"] = _curves(summary, times)
            result["gray"] = [{"cause": t.cause, "chisq": t.statistic, "df": t.df, "p": t.p_value, "rho": t.rho,
                               "stratified": t.stratified, "method": t.method, "n": int(len(data)),
                               "note": t.note}
                              for t in summary.tests]
    if covariates:
        data, rows["regression"] = complete_rows(frame, [time, status, *covariates] + ([strata] if strata else []))
        if data.empty:
            raise AnalysisNotPossible(f"no row has all of {', '.join(rows['regression']['variables'])}: the "
                                      "regression models have no data")
        x, names = design_matrix(data, covariates, categorical)
        model = fine_gray(data[time], data[status], x, names, cause=1)
        result["fine_gray"] = {"method": model.method, "cause": "1", "n": model.n, "events": model.events,
                               "competing_events": model.competing_events, "censored": model.censored,
                               "loglik": model.loglik, "loglik_null": model.loglik_null,
                               "terms": _terms(model.terms)}
        if strata:
            notes.append(f"The Fine–Gray model is not stratified by {strata} (as R cmprsk::crr, which has no "
                         "strata); the cause-specific Cox models are.")
        stratum = data[strata].map(level_label).to_numpy() if strata else None
        result["cause_specific_cox"] = []
        for cause in codes:
            if not (data[status] == cause).any():
                notes.append(f"No cause-specific Cox model for cause {cause}: no such event among the rows used.")
                continue
            fit = cause_specific_cox(data[time], data[status], cause, x, names, stratum, ties)
            result["cause_specific_cox"].append({"cause": str(cause), "method": fit.method, "n": fit.model.n,
                                                 "events": fit.model.events, "terms": _terms(fit.model.terms)})
    return result


def default_times(time) -> list[float]:
    """Times at ¼, ½ and ¾ of the largest follow-up time (whole units) — used when the user names none
    (``--landmarks``), so the curves are read inside the follow-up."""
    top = float(np.nanmax(np.asarray(time, float)))
    step = max(1.0, np.floor(top / 4))
    return [step * k for k in range(1, 4)]


__all__ = ["default_times", "summarise_competing_risks"]
