"""Weighted Cox regression with the robust (sandwich) variance, and the weighted log-rank test — equal to R
``coxph(Surv(time, event) ~ x, weights = w, robust = TRUE)``.

- Partial likelihood with case weights wᵢ (e.g. IPTW): Σ wᵢδᵢηᵢ − Σ_t meanwt(t) Σ_k log den_k(t), where at a time
  with d tied events den_k = R₀ − f_k·E₀ with f_k = k/d (Efron, R's default) or f_k = 0 (Breslow), R₀ the
  weighted sum of exp(η) over the risk set, E₀ over the tied events and meanwt the mean weight of those events
  (R ``coxfit6``). Newton–Raphson from β = 0.
- Robust variance (Lin & Wei 1989; R's ``robust = TRUE``): V = DᵀD, D the weighted dfbeta residuals
  wᵢ·rᵢ·I⁻¹ (rᵢ the score residual of row i) summed per cluster (one patient = one cluster unless ``cluster`` is
  given). The z, p and CI of each term use the robust SE, as ``summary(coxph)`` does; the naive SE (inverse
  information) is kept for comparison.
- Weighted log-rank: the robust score test at β = 0 (R ``fit$rscore``), uᵀ(SᵀS)⁻¹u with S the weighted score
  residuals at β = 0 per cluster. It is the log-rank comparison of the weighted groups whose variance respects the
  weights being estimated rather than frequencies (the naive score test would treat them as counts).

One Newton–Raphson for every Cox model: the case weights enter the partial likelihood of :mod:`.cox` (its
per-(stratum, time) sums, :func:`.cox.fit_cox_model`) on counting-process rows (:mod:`.counting_process_cox`), so
``start`` (left truncation, time-varying covariates, the Fine–Gray rows of :mod:`.finegray`) and strata work too.
Hand-written because no Python library gives R's weighted Efron likelihood with clustered sandwich variance
(lifelines' robust variance is Breslow-style and does not match coxph with ties).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .counting_process_cox import _CountingProcessLikelihood, check_intervals
from .cox import CoxTerm, fit_cox_model
from .distributions import stats  # scipy.stats' normal and chi-square functions, without importing scipy.stats


@dataclass(frozen=True)
class WeightedCoxModel:
    """A weighted Cox model: terms with robust SE (as R ``summary(coxph(..., weights, robust = TRUE))``)."""

    terms: tuple[CoxTerm, ...]
    naive_se: tuple[float, ...]
    ties: str
    n: int
    events: int
    sum_weights: float
    loglik_null: float
    loglik: float
    robust_wald_test: float
    robust_wald_p: float
    robust_score_test: float
    robust_score_p: float
    df: int
    iterations: int
    conf_level: float
    covariance: np.ndarray
    clustered_by: str = "patient"

    @property
    def method(self) -> str:
        return (f"weighted Cox proportional-hazards model ({self.ties.capitalize()} ties), robust (sandwich) SE "
                f"clustered by {self.clustered_by}, Wald CI, as R coxph(weights = w, robust = TRUE)")

    def to_frame(self) -> pd.DataFrame:
        """One row per term: estimate (log HR), robust SE, naive SE, HR and CI, z, p, method."""
        return pd.DataFrame([{"term": t.name, "estimate": t.coef, "std_error": t.se, "naive_std_error": s,
                              "hazard_ratio": t.hr, "conf_low": t.lower, "conf_high": t.upper, "statistic": t.z,
                              "p_value": t.p_value, "method": self.method}
                             for t, s in zip(self.terms, self.naive_se)])


@dataclass(frozen=True)
class WeightedLogRankTest:
    """Weighted log-rank test between two groups: the robust score test of the weighted Cox model at β = 0."""

    chisq: float
    df: int
    p_value: float
    ties: str

    @property
    def method(self) -> str:
        return (f"weighted log-rank test: robust score test at β = 0 of the weighted Cox model "
                f"({self.ties.capitalize()} ties), as R coxph(weights = w, robust = TRUE)$rscore")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"statistic": self.chisq, "df": self.df, "p_value": self.p_value,
                              "method": self.method}])


def weighted_cox_regression(time, event, x, weights, names=None, cluster=None, ties: str = "efron",
                            conf_level: float = 0.95, start=None, stratum=None, clustered_by: str = "patient"
                            ) -> WeightedCoxModel:
    """Fit a Cox model with case weights and the robust variance.

    Parameters
    ----------
    time, event : follow-up time (the end of each row's interval with ``start``) and 1 = event / 0 = censored.
    x : n × p covariates (see ``cox.design_matrix``).
    weights : positive case weights (e.g. IPTW, or the censoring weights of ``competing_risks.finegray_rows``).
    cluster : labels of rows that belong to one patient (default: every row its own cluster).
    start : optional entry times: (start, time] counting-process rows, as R ``Surv(start, stop, event)``.
    stratum : optional labels (separate baseline hazards, R ``strata()``).
    clustered_by : what a cluster is, in words, for the method text (e.g. "matched set").

    The fit is the Newton–Raphson of :func:`.cox.fit_cox_model` on the case-weighted partial likelihood.
    """
    if ties not in ("efron", "breslow"):
        raise ValueError("ties must be 'efron' or 'breslow'")
    time = np.asarray(time, float)
    event = np.asarray(event).astype(int)
    weights = np.asarray(weights, float)
    x = np.asarray(x, float).reshape(len(time), -1)
    if (weights <= 0).any() or not np.isfinite(weights).all():
        raise ValueError("weights must be positive and finite (leave out rows of weight 0 before fitting)")
    if event.sum() == 0:
        raise ValueError("there are no events among the rows used")
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(x.shape[1])]
    p = x.shape[1]
    if start is None:
        start = np.full(len(time), -np.inf)  # right-censored rows: at risk from the first time on
    else:
        start = np.asarray(start, float)
        check_intervals(start, time)
    stratum = np.zeros(len(time), int) if stratum is None else pd.factorize(np.asarray(stratum), sort=True)[0]
    likelihood = _CountingProcessLikelihood(x, start, time, event, stratum, ties, weights)
    fit = fit_cox_model(likelihood, names, ties, event, conf_level)
    beta = np.array([t.coef for t in fit.terms])
    clusters = pd.factorize(np.arange(len(time)) if cluster is None else np.asarray(cluster))[0]
    covariance = robust_covariance(likelihood, beta, fit.covariance, clusters)
    se = np.sqrt(np.diag(covariance))
    z_crit = stats.norm.ppf(1 - (1 - conf_level) / 2)
    z = beta / se
    terms = tuple(CoxTerm(n, float(b), float(s), float(np.exp(b)), float(np.exp(b - z_crit * s)),
                          float(np.exp(b + z_crit * s)), float(zz), float(2 * stats.norm.sf(abs(zz))), t.infinite)
                  for n, b, s, zz, t in zip(names, beta, se, z, fit.terms))
    wald = float(beta @ np.linalg.solve(covariance, beta))
    score0 = _per_cluster(weights[:, None] * likelihood.score_residuals(np.zeros(p)), clusters)
    u = score0.sum(axis=0)
    robust_score = float(u @ np.linalg.solve(score0.T @ score0, u))
    return WeightedCoxModel(
        terms, tuple(t.se for t in fit.terms), ties, len(time), int(event.sum()), float(weights.sum()),
        fit.loglik_null, fit.loglik, wald, float(stats.chi2.sf(wald, p)), robust_score,
        float(stats.chi2.sf(robust_score, p)), p, fit.iterations, conf_level, covariance, clustered_by)


def robust_covariance(likelihood, beta: np.ndarray, naive_covariance: np.ndarray, clusters: np.ndarray
                      ) -> np.ndarray:
    """Robust (sandwich) covariance DᵀD, D the case-weighted dfbeta residuals wᵢ·rᵢ·I⁻¹ summed per cluster
    (Lin & Wei 1989; R ``coxph(robust = TRUE)`` / ``cluster(id)``)."""
    dfbeta = (likelihood.case_weights[:, None] * likelihood.score_residuals(beta)) @ naive_covariance
    per_cluster = _per_cluster(dfbeta, clusters)
    return per_cluster.T @ per_cluster


def _per_cluster(values: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    return np.stack([np.bincount(clusters, values[:, j]) for j in range(values.shape[1])], axis=1)


def weighted_logrank_test(time, event, group, weights, cluster=None, ties: str = "efron") -> WeightedLogRankTest:
    """Weighted log-rank test of two groups (``group`` coded 0/1): R ``coxph(..., weights, robust = TRUE)$rscore``."""
    group = np.asarray(group, float)
    fit = weighted_cox_regression(time, event, group[:, None], weights, ["group"], cluster, ties)
    return WeightedLogRankTest(fit.robust_score_test, 1, fit.robust_score_p, ties)


__all__ = ["WeightedCoxModel", "WeightedLogRankTest", "robust_covariance", "weighted_cox_regression",
           "weighted_logrank_test"]
