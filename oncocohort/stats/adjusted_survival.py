"""A confounding-adjusted comparison of two groups' survival, as one JSON-ready result (``survival --iptw`` /
``--weights`` / ``--match`` and the study report's ``[adjusted]`` analysis).

Steps, each named in the result: complete cases of time, event, treatment, confounders (and weight column), the
rows left out listed; propensity score (``propensity``) and IPTW (ATE or ATT, optionally stabilised, trimmed or
truncated) — or the user's own weights, or nearest-neighbour matching on the propensity score (``matching``: weights
1 / 1/k per pair, SEs clustered by matched set as MatchIt's vignette recommends); balance before and after weighting
or matching (``balance``); weighted Kaplan–Meier per group with the median (R quantile rule on the weighted curve
and its band); weighted log-rank (robust score test); weighted Cox of the treatment with robust SE (the marginal
HR); the E-value of that HR (rare outcome when fewer than 15 % of the patients had the event).
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .balance import balance_table
from .e_value import e_value_hazard_ratio
from .json_values import json_ready
from .kaplan_meier import survival_quantile
from .matching import nearest_neighbor_match
from .propensity import iptw_weights, propensity_model
from .survival_summary import AnalysisNotPossible, complete_rows, level_label
from .weighted_cox import weighted_cox_regression, weighted_logrank_test
from .weighted_kaplan_meier import weighted_kaplan_meier

RARE_OUTCOME = 0.15


def treatment_coding(values: pd.Series, treated_level: str | None = None) -> tuple[np.ndarray, str, str]:
    """The treatment column as 0/1 and the labels of (control, treated). Two levels are needed; the treated one is
    ``treated_level`` if given, else 1 for a 0/1 column, else the second level in sorted order."""
    labels = values.map(level_label)
    levels = sorted(labels.unique())
    if len(levels) != 2:
        raise AnalysisNotPossible(f"the treatment column needs exactly two levels, found {len(levels)}: "
                                  f"{', '.join(levels[:6])}")
    if treated_level is None:
        treated_level = "1" if levels == ["0", "1"] else levels[1]
    if treated_level not in levels:
        raise AnalysisNotPossible(f"treated level {treated_level!r} is not one of {', '.join(levels)}")
    control = [level for level in levels if level != treated_level][0]
    return (labels == treated_level).to_numpy(int), control, treated_level


def adjusted_comparison(frame: pd.DataFrame, time: str, event: str, treatment: str, confounders=(), categorical=(),
                        estimand: str = "ate", stabilized: bool = False, weights: str | None = None,
                        treated_level: str | None = None, trim=None, truncate=None, ties: str = "efron",
                        method: str = "iptw", caliper: float | None = 0.2, std_caliper: bool = True,
                        ratio: int = 1) -> dict:
    """IPTW-adjusted (or user-weighted, or with ``method = "matching"`` propensity-score-matched: ``caliper``,
    ``std_caliper``, ``ratio`` as :func:`.matching.nearest_neighbor_match`, estimand ATT) comparison of two
    groups; see the module docstring. Numerical warnings (e.g. quasi-separation in the propensity model) become
    sentences in ``result["notes"]``.

    Raises :class:`AnalysisNotPossible` with the reason in words."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            matching = ({"caliper": caliper, "std_caliper": std_caliper, "ratio": ratio} if method == "matching"
                        else None)
            result = _compare(frame, time, event, treatment, list(confounders), categorical, estimand, stabilized,
                              weights, treated_level, trim, truncate, ties, matching)
        except (ValueError, np.linalg.LinAlgError) as exc:
            if isinstance(exc, AnalysisNotPossible):
                raise
            raise AnalysisNotPossible(f"the adjusted comparison cannot be done: {exc}") from None
    result["notes"] = list(dict.fromkeys(f"Numerical warning during the adjusted comparison: {w.message}."
                                         for w in caught))
    return json_ready(result)


def _compare(frame, time, event, treatment, confounders, categorical, estimand, stabilized, weights, treated_level,
             trim, truncate, ties, matching=None) -> dict:
    if weights is None and not confounders:
        raise AnalysisNotPossible("an adjusted comparison needs confounders (for the propensity score) or a weight "
                                  "column")
    columns = [time, event, treatment, *confounders] + ([weights] if weights else [])
    data, rows = complete_rows(frame, columns)
    if data.empty:
        raise AnalysisNotPossible(f"no row has all of {', '.join(rows['variables'])}")
    treated, control_label, treated_label = treatment_coding(data[treatment], treated_level)
    result: dict = {"rows": rows, "treatment": treatment, "treated": treated_label, "control": control_label,
                    "confounders": confounders}
    cluster = None
    if matching is not None:
        estimand = "att"
        model = propensity_model(data.assign(_treated=treated), "_treated", confounders, categorical)
        result["propensity"] = {"method": model.method,
                                "terms": [{"name": n, "coef": c} for n, c in zip(model.names, model.coef)]}
        matched = nearest_neighbor_match(treated, model.score, matching["caliper"], matching["std_caliper"],
                                         matching["ratio"])
        w, kept = matched.weights, matched.weights > 0
        cluster = matched.subclass[kept]
        rows_of = data["source_row"] if "source_row" in data else pd.Series(data.index + 2, index=data.index)
        result["matching"] = {
            "method": matched.method, "caliper": matched.caliper, "std_caliper": matched.std_caliper,
            "caliper_width": matched.caliper_width, "ratio": matched.ratio,
            "n_treated": int(treated.sum()), "n_treated_matched": int(matched.matched_treated.sum()),
            "n_control": int((treated == 0).sum()), "n_control_matched": int(((treated == 0) & kept).sum()),
            "unmatched_treated_rows": [int(r) for r in rows_of.to_numpy()[matched.unmatched_treated]],
            "estimand": "ATT (of the matched treated patients)"}
        result["weights"] = {"method": "matching weights (MatchIt): 1 per matched treated patient, 1/k per control "
                                       "of a 1:k set, controls rescaled to their number", "estimand": "att",
                             "min": float(w[kept].min()) if kept.any() else None,
                             "max": float(w[kept].max()) if kept.any() else None}
    elif weights is None:
        model = propensity_model(data.assign(_treated=treated), "_treated", confounders, categorical)
        iptw = iptw_weights(treated, model.score, estimand, stabilized, trim, truncate)
        w = iptw.weights
        result["propensity"] = {"method": model.method,
                                "terms": [{"name": n, "coef": c} for n, c in zip(model.names, model.coef)]}
        ess = iptw.effective_sample_size()
        result["weights"] = {"method": iptw.method, "estimand": estimand, "stabilized": stabilized,
                             "rule": iptw.rule, "n_trimmed": iptw.n_trimmed, "n_truncated": iptw.n_truncated,
                             "effective_n": ess, "min": float(w[iptw.kept].min()), "max": float(w[iptw.kept].max())}
        kept = iptw.kept
    else:
        w = data[weights].to_numpy(float)
        if (w < 0).any() or not np.isfinite(w).all():
            raise AnalysisNotPossible(f"weights in {weights} must be finite and >= 0")
        kept = w > 0
        result["weights"] = {"method": f"weights from column {weights} (as given)", "column": weights,
                             "n_zero": int((~kept).sum()), "min": float(w[kept].min()) if kept.any() else None,
                             "max": float(w[kept].max()) if kept.any() else None}
    if not kept.any() or treated[kept].min() == treated[kept].max():
        raise AnalysisNotPossible("after weighting, one of the two groups has no patient with a positive weight")
    if confounders:  # after matching: the unmatched sample's SD as the yardstick, unmatched rows weight 0 (cobalt)
        table = (balance_table(data, treated, w, confounders, estimand, categorical) if matching is not None else
                 balance_table(data[kept], treated[kept], w[kept], confounders, estimand, categorical))
        result["balance"] = {"method": table.method, "estimand": estimand, "rows": [
            {"variable": r.variable, "level": r.level, "mean_treated": r.mean_treated, "mean_control": r.mean_control,
             "smd_unweighted": r.smd_unweighted, "weighted_mean_treated": r.weighted_mean_treated,
             "weighted_mean_control": r.weighted_mean_control, "smd_weighted": r.smd_weighted}
            for r in table.rows]}
    t, e, g, wk = (data[time].to_numpy(float)[kept], data[event].to_numpy(int)[kept], treated[kept], w[kept])
    result["km"] = {label: _weighted_km_summary(t[g == code], e[g == code], wk[g == code])
                    for label, code in ((control_label, 0), (treated_label, 1))}
    logrank = weighted_logrank_test(t, e, g, wk, cluster=cluster, ties=ties)
    result["logrank"] = {"chisq": logrank.chisq, "df": logrank.df, "p": logrank.p_value, "method": logrank.method}
    cox = weighted_cox_regression(t, e, g[:, None], wk, [f"{treatment}[{treated_label}]"], cluster=cluster,
                                  ties=ties, clustered_by="patient" if cluster is None else
                                  "matched set (R coxph cluster(subclass), MatchIt's recommendation)")
    term = cox.terms[0]
    result["cox"] = {"method": cox.method, "n": cox.n, "events": cox.events, "term": term.name,
                     "coef": term.coef, "se": term.se, "naive_se": cox.naive_se[0], "hr": term.hr, "lower": term.lower,
                     "upper": term.upper, "p": term.p_value}
    rare = bool(e.mean() < RARE_OUTCOME)
    evalue = e_value_hazard_ratio(term.hr, term.lower, term.upper, rare)
    result["e_value"] = {"method": evalue.method, "e_value": evalue.e_value, "e_value_ci": evalue.e_value_ci,
                         "rare_outcome": rare, "event_proportion": float(e.mean())}
    result["n"] = int(kept.sum())
    return result


def _weighted_km_summary(time, event, weights) -> dict:
    curve = weighted_kaplan_meier(time, event, weights)
    fit = SimpleNamespace(time=curve["time"].to_numpy(), surv=curve["surv"].to_numpy(),
                          lower=curve["lower"].to_numpy(), upper=curve["upper"].to_numpy(), conf_type="log")
    median = survival_quantile(fit, 0.5)
    return {"n": int(len(time)), "events": int(event.sum()), "sum_weights": float(weights.sum()),
            "median": median.estimate, "lower": median.lower, "upper": median.upper,
            "method": curve.attrs["method"] + "; median by R's quantile rule on the weighted curve and its band"}


__all__ = ["adjusted_comparison", "treatment_coding"]
