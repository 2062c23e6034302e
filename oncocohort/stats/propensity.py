"""Propensity score and inverse-probability-of-treatment weights (IPTW).

- Propensity score: logistic regression of treatment on the confounders (statsmodels GLM, Binomial family, logit
  link — equal to R ``glm(treatment ~ ..., family = binomial)``). Text columns are treatment-coded against their
  first level in sorted order (``cox.design_matrix``).
- Weights (Austin & Stuart 2015): ATE — 1/e for the treated, 1/(1 − e) for the controls; ATT — 1 for the treated,
  e/(1 − e) for the controls. Stabilised (ATE only): each weight times the marginal probability of the group the
  patient is in, P(T = 1) or P(T = 0), so the weights sum to about n.
- Trimming (rows dropped, Crump et al. 2009 style with fixed bounds): patients whose score lies outside
  [lower, upper] (e.g. [0.05, 0.95]) are left out before weighting, and counted.
- Truncation (weights kept, values capped; Cole & Hernán 2008): weights below / above the given percentiles
  (e.g. 1st and 99th; R ``quantile(type = 7)``, numpy's default "linear") are set to those percentiles.
The rule applied is stated in words in :attr:`IPTW.rule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .cox import design_matrix

Estimand = Literal["ate", "att"]


@dataclass(frozen=True)
class PropensityModel:
    """A fitted propensity-score model: coefficients (log odds) by name and each patient's score."""

    names: tuple[str, ...]
    coef: np.ndarray
    score: np.ndarray
    method: str = "logistic regression (statsmodels GLM, Binomial family, logit link), as R glm(family = binomial)"

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient (term, estimate on the log-odds scale, method)."""
        return pd.DataFrame({"term": self.names, "estimate": self.coef, "method": self.method})


@dataclass(frozen=True)
class IPTW:
    """Weights for each patient kept (``kept`` is a mask over the input rows; weights of dropped rows are 0)."""

    weights: np.ndarray
    score: np.ndarray
    treated: np.ndarray
    kept: np.ndarray
    estimand: str
    stabilized: bool
    rule: str
    n_trimmed: int
    n_truncated: int

    @property
    def method(self) -> str:
        kind = "stabilised " if self.stabilized else ""
        return f"inverse probability of treatment weights, {kind}{self.estimand.upper()}; {self.rule}"

    def effective_sample_size(self) -> dict[str, float]:
        """Kish's effective sample size (Σw)²/Σw² of the treated and of the control group."""
        out = {}
        for name, group in (("treated", self.treated == 1), ("control", self.treated == 0)):
            w = self.weights[group & self.kept]
            out[name] = float(w.sum() ** 2 / np.sum(w**2)) if len(w) else 0.0
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per group: n kept, sum of weights, effective sample size, min and max weight."""
        ess = self.effective_sample_size()
        rows = []
        for name, value in (("treated", 1), ("control", 0)):
            w = self.weights[(self.treated == value) & self.kept]
            rows.append({"group": name, "n": int(len(w)), "sum_weights": float(w.sum()),
                         "effective_n": ess[name], "min_weight": float(w.min()) if len(w) else np.nan,
                         "max_weight": float(w.max()) if len(w) else np.nan, "method": self.method})
        return pd.DataFrame(rows)


def propensity_model(frame: pd.DataFrame, treatment: str, confounders, categorical=()) -> PropensityModel:
    """Fit P(treatment = 1 | confounders) by logistic regression; ``frame[treatment]`` is coded 0/1."""
    import statsmodels.api as sm  # a second of imports, only when a propensity score is fitted

    treated = _as_treated(frame[treatment])
    x, names = design_matrix(frame, list(confounders), categorical)
    design = np.column_stack([np.ones(len(frame)), x])
    fit = sm.GLM(treated, design, family=sm.families.Binomial()).fit(tol=1e-12, maxiter=100)
    return PropensityModel(("(Intercept)", *names), np.asarray(fit.params, float),
                           np.asarray(fit.fittedvalues, float))


def iptw_weights(treated, score, estimand: Estimand = "ate", stabilized: bool = False,
                 trim: tuple[float, float] | None = None, truncate: tuple[float, float] | None = None) -> IPTW:
    """Inverse-probability-of-treatment weights from treatment (0/1) and propensity score.

    Parameters
    ----------
    estimand : "ate" (whole population) or "att" (the treated population).
    stabilized : multiply ATE weights by P(T = t) of the patient's group (not defined for the ATT: refused).
    trim : (lower, upper) — leave out patients whose score is outside [lower, upper], e.g. (0.05, 0.95).
    truncate : (lower, upper) percentiles in (0, 100), e.g. (1, 99) — cap the weights of the patients kept.
    """
    treated = _as_treated(treated)
    score = np.asarray(score, float)
    if estimand not in ("ate", "att"):
        raise ValueError("estimand must be 'ate' or 'att'")
    if stabilized and estimand == "att":
        raise ValueError("stabilised weights are defined for the ATE only (ATT weights already keep the treated "
                         "at weight 1)")
    rules = []
    kept = np.ones(len(score), bool)
    if trim is not None:
        lower, upper = trim
        if not 0 <= lower < upper <= 1:
            raise ValueError("trim bounds must satisfy 0 <= lower < upper <= 1")
        kept = (score >= lower) & (score <= upper)
        rules.append(f"patients with a propensity score outside [{lower:g}, {upper:g}] left out "
                     f"({int((~kept).sum())} trimmed)")
    if estimand == "ate":
        weights = np.where(treated == 1, 1 / score, 1 / (1 - score))
        if stabilized:
            share = treated[kept].mean()
            weights = weights * np.where(treated == 1, share, 1 - share)
    else:
        weights = np.where(treated == 1, 1.0, score / (1 - score))
    n_truncated = 0
    if truncate is not None:
        low_pct, high_pct = truncate
        if not 0 <= low_pct < high_pct <= 100:
            raise ValueError("truncation percentiles must satisfy 0 <= lower < upper <= 100")
        low, high = np.percentile(weights[kept], [low_pct, high_pct])  # "linear" = R quantile type 7
        n_truncated = int(((weights < low) | (weights > high))[kept].sum())
        weights = np.clip(weights, low, high)
        rules.append(f"weights truncated at percentiles {low_pct:g} and {high_pct:g} "
                     f"({low:.4g} and {high:.4g}; {n_truncated} weights capped)")
    weights = np.where(kept, weights, 0.0)
    rule = "; ".join(rules) if rules else "no trimming or truncation"
    return IPTW(weights, score, treated, kept, estimand, stabilized, rule, int((~kept).sum()), n_truncated)


def _as_treated(values) -> np.ndarray:
    treated = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), float)
    if np.isnan(treated).any() or not np.isin(treated, (0, 1)).all():
        raise ValueError("treatment must be coded 0 (control) / 1 (treated) with no missing values")
    if treated.min() == treated.max():
        raise ValueError("treatment has one value only: both groups are needed for a propensity score")
    return treated.astype(int)


__all__ = ["IPTW", "PropensityModel", "iptw_weights", "propensity_model"]
