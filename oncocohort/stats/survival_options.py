"""The real-world-evidence options of ``oncocohort survival``: a landmark (``--landmark T``, ``--by-time``),
RMST and milestone comparisons (``--rmst TAU``), counting-process rows (``--start --stop``), the Cox model by
multiple imputation (``--impute mice``, ``--imputed-by``), and the guard against comparing by a post-index
variable. Each returns plain dicts for ``--json`` (docs/cli.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.post_index import post_index_message
from .counting_process_cox import counting_process_cox_model
from .json_values import json_ready
from .multiple_imputation import PooledEstimates, impute_chained, pooled_cox
from .rmst import HorizonTooLate, milestone_comparison, rmst_comparison
from .survival_summary import AnalysisNotPossible, complete_rows, level_label

LANDMARK_HINT = "--landmark T with --by-time COL"
TIME_VARYING_HINT = "--start COL --stop COL rows, one per period with a constant value"


def post_index_problem(by: str | None, covariates, landmark: float | None, start: str | None) -> str | None:
    """The refusal of a ``--by`` group or covariate describing something after the index date, unless the
    analysis is a landmark (``--by``) or counting-process (``--covariates``) one."""
    if by and landmark is None:
        message = post_index_message(by, "a group (--by)", LANDMARK_HINT, TIME_VARYING_HINT)
        if message:
            return message
    if start is None:
        for covariate in covariates:
            message = post_index_message(covariate, "a fixed covariate", LANDMARK_HINT, TIME_VARYING_HINT)
            if message:
                return message
    return None


def landmark_rows(frame: pd.DataFrame, time: str, event: str, landmark: float, by_time: str | None = None
                  ) -> tuple[pd.DataFrame, dict, str | None]:
    """The rows still under observation after ``landmark`` (time > L) with time counted from L, the accounting
    of the rows left out (as the user sees them), and — with ``by_time`` (time of the group-defining event; blank
    = never) — the name of the added group column fixed at the landmark."""
    rows = frame["source_row"] if "source_row" in frame else pd.Series(frame.index + 2, index=frame.index)
    times = pd.to_numeric(frame[time]).astype(float)
    events = pd.to_numeric(frame[event]).astype(float)
    ended = times.notna() & (times <= landmark)
    out = frame[~ended].copy()
    out[time] = times[~ended] - landmark
    account = {"landmark": landmark, "n": int((~ended & times.notna()).sum()),
               "excluded_event": int((ended & (events == 1)).sum()),
               "excluded_censored": int((ended & (events == 0)).sum()),
               "excluded_rows": [int(r) for r in rows[ended]],
               "method": "Landmark analysis: rows with time > L, time counted from L, groups fixed at L"}
    group_column = None
    if by_time:
        group_column = f"{by_time} <= {landmark:g}"
        reached = pd.to_numeric(out[by_time], errors="coerce").astype(float) <= landmark  # blank: never
        out[group_column] = np.where(reached, f"{by_time} by {landmark:g}", f"no {by_time} by {landmark:g}")
        account["groups_from"] = by_time
    return out, account, group_column


def rmst_summary(frame: pd.DataFrame, time: str, event: str, by: str, tau: float, milestones=()) -> dict:
    """RMST per group at ``tau``, difference and ratio (R survRM2), and milestone survival differences at
    ``milestones`` — for exactly two groups of ``by``."""
    data, rows = complete_rows(frame, [time, event, by])
    groups = data[by].map(level_label)
    if groups.nunique() != 2:
        raise AnalysisNotPossible(f"--rmst compares two groups; {by} has {groups.nunique()} among the rows with "
                                  f"{time}, {event} and {by}")
    try:
        comparison = rmst_comparison(data[time], data[event], groups, tau)
    except HorizonTooLate as exc:
        raise AnalysisNotPossible(f"--rmst {tau:g}: {exc}") from None
    result = {
        "tau": tau, "method": comparison.method, "reference": comparison.groups[0],
        "comparison": comparison.groups[1], "n": rows["n"],
        "groups": [{"group": g.group, "n": g.n, "events": g.events, "rmst": g.rmst, "se": g.se, "lower": g.lower,
                    "upper": g.upper} for g in comparison.per_group],
        "contrasts": [{"measure": c.measure, "estimate": c.estimate, "lower": c.lower, "upper": c.upper,
                       "p": c.p_value} for c in comparison.contrasts],
        "milestones": [],
    }
    for t in milestones:
        m = milestone_comparison(data[time], data[event], groups, t)
        d = m.difference
        result["milestones"].append({"time": t, "surv": list(m.surv), "se": list(m.se), "difference": d.estimate,
                                     "lower": d.lower, "upper": d.upper, "p": d.p_value, "method": m.method})
    return json_ready(result)


def counting_process_summary(frame: pd.DataFrame, start: str, stop: str, event: str, covariates, categorical=(),
                             strata: str | None = None, ties: str = "efron") -> dict:
    """Cox model on (start, stop] rows (R ``coxph(Surv(start, stop, event) ~ ...)``) with the rows used."""
    data, rows = complete_rows(frame, [start, stop, event, *covariates] + ([strata] if strata else []))
    if data.empty:
        raise AnalysisNotPossible(f"no row has all of {', '.join(rows['variables'])}: the Cox model has no data")
    if strata:
        data = data.assign(**{strata: data[strata].map(level_label)})
    data = data.assign(**{start: pd.to_numeric(data[start], errors="coerce").astype(float)})
    model = counting_process_cox_model(data, start, stop, event, list(covariates), categorical, strata, ties)
    return json_ready({
        "rows": {"cox": rows},
        "cox": {"method": model.method + ", counting-process (start, stop] risk sets", "n": model.n,
                "events": model.events,
                "terms": [{"name": t.name, "coef": t.coef, "se": t.se, "hr": t.hr, "lower": t.lower,
                           "upper": t.upper, "p": t.p_value} for t in model.terms],
                "lr_test": model.lr_test, "lr_p": model.lr_p, "wald_test": model.wald_test,
                "wald_p": model.wald_p, "score_test": model.score_test, "score_p": model.score_p,
                "monotone_likelihood": list(model.monotone_likelihood)},
        "notes": [],
    })


def imputed_cox_summary(frame: pd.DataFrame, time: str, event: str, covariates, categorical=(), ties: str = "efron",
                        m: int = 20, seed: int = 20240517) -> dict:
    """Cox model with missing covariate values imputed: ``m`` data sets completed by chained equations
    (:func:`.multiple_imputation.impute_chained`: time, event and the covariates as predictors, as R ``mice``
    uses every column), each fitted, pooled by Rubin's rules (R ``mice::pool``). Rows missing time or event are
    left out (not imputed), as the complete-case analysis does."""
    data, rows = complete_rows(frame, [time, event])
    covariates = list(covariates)
    text = [c for c in covariates if not pd.api.types.is_numeric_dtype(data[c])]
    gaps = {c: int(data[c].isna().sum()) for c in covariates if data[c].isna().any()}
    if [c for c in text if c in gaps]:
        raise AnalysisNotPossible(f"--impute mice imputes numbers only; {', '.join(c for c in text if c in gaps)} "
                                  "is text with missing values (code it as numbers, with --categorical)")
    numeric = [time, event] + [c for c in covariates if c not in text]
    imputed = impute_chained(data, numeric, m=m, seed=seed)
    pooled = pooled_cox(imputed, time, event, covariates, ties, categorical=categorical)
    method = (f"{pooled.method}; m = {m} data sets completed by chained equations (statsmodels MICEData, predictive "
              f"mean matching, seed {seed})")
    return _pooled_json(pooled, method, {"cox": rows}, gaps, seed, int(data[event].sum()))


def stacked_cox_summary(frame: pd.DataFrame, imputation: str, time: str, event: str, covariates, categorical=(),
                        ties: str = "efron") -> dict:
    """Cox model on data sets completed elsewhere and stacked, ``imputation`` numbering them (R
    ``mice::complete(imp, "long")``, column ``.imp``), pooled by Rubin's rules (R ``mice::pool``)."""
    data, rows = complete_rows(frame, [imputation, time, event, *covariates])
    if rows["dropped"]:
        raise AnalysisNotPossible(f"completed data sets must have no missing value; {rows['dropped']} row(s) do "
                                  f"({', '.join(rows['dropped_missing'])})")
    sets = [part for _, part in data.groupby(imputation, sort=True)]
    if len(sets) < 2:
        raise AnalysisNotPossible(f"{imputation} numbers {len(sets)} data set; Rubin's rules need at least 2")
    if len({len(part) for part in sets}) > 1:
        raise AnalysisNotPossible(f"the data sets numbered by {imputation} differ in size: each must hold the same "
                                  "patients")
    pooled = pooled_cox(sets, time, event, list(covariates), ties, categorical=categorical)
    method = f"{pooled.method}; m = {len(sets)} completed data sets given, numbered by {imputation}"
    return {**_pooled_json(pooled, method, {"cox": rows}, {}, None, int(sets[0][event].sum())),
            "n_per_set": len(sets[0])}


def _pooled_json(pooled: PooledEstimates, method: str, rows: dict, imputed: dict, seed, events: int) -> dict:
    return json_ready({"method": method, "m": pooled.m, "seed": seed, "imputed_missing": imputed, "rows": rows,
                       "events": events, "dfcom": pooled.terms[0].dfcom if pooled.terms else None,
                       "terms": [{"name": t.term, "coef": t.estimate, "se": t.std_error,
                                  "hr": float(np.exp(t.estimate)), "lower": float(np.exp(t.conf_low)),
                                  "upper": float(np.exp(t.conf_high)),
                                  "p": t.p_value, "df": t.df, "ubar": t.ubar, "b": t.b, "t": t.t, "riv": t.riv,
                                  "lambda": t.lambda_, "fmi": t.fmi, "statistic": t.statistic}
                                 for t in pooled.terms]})
