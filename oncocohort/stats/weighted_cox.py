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

Hand-written because no Python library gives R's weighted Efron likelihood with clustered sandwich variance
(lifelines' robust variance is Breslow-style and does not match coxph with ties); the per-time sums are the same
aggregation step as stats/cox.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .cox import CoxTerm

MAX_ITER = 50


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

    @property
    def method(self) -> str:
        return (f"weighted Cox proportional-hazards model ({self.ties.capitalize()} ties), robust (sandwich) SE "
                "clustered by patient, Wald CI, as R coxph(weights = w, robust = TRUE)")

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


class _WeightedPartialLikelihood:
    """Weighted partial likelihood, its derivatives and score residuals, from per-time sums."""

    def __init__(self, x: np.ndarray, time: np.ndarray, event: np.ndarray, weights: np.ndarray, ties: str):
        self.x = x - np.average(x, axis=0, weights=weights)  # centring changes nothing but numerical range
        self.event = event.astype(float)
        self.weights = weights
        distinct, self.cell = np.unique(time, return_inverse=True)  # cells in ascending time
        self.n_cells = len(distinct)
        self.n_dead = np.bincount(self.cell, self.event, self.n_cells)
        dead_weight = np.bincount(self.cell, self.event * weights, self.n_cells)
        has = np.nonzero(self.n_dead > 0)[0]
        counts = self.n_dead[has].astype(int)
        self.slot_cell = np.repeat(has, counts)
        k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        self.f = k / np.repeat(counts, counts) if ties == "efron" else np.zeros(counts.sum())
        self.slot_mean_weight = (dead_weight[has] / counts)[np.repeat(np.arange(len(has)), counts)]

    def _cell_sums(self, values: np.ndarray) -> np.ndarray:
        """Per-time sums of each column of ``values`` (n × q) → n_cells × q."""
        return np.stack([np.bincount(self.cell, values[:, j], self.n_cells) for j in range(values.shape[1])], axis=1)

    def _at_risk(self, cell_values: np.ndarray) -> np.ndarray:
        """Risk-set sums: reverse cumulative sum over time (everyone with time ≥ t)."""
        return np.cumsum(cell_values[::-1], axis=0)[::-1]

    def evaluate(self, beta: np.ndarray):
        """(log-likelihood, score, information, slot quantities) at β."""
        p = len(beta)
        eta = self.x @ beta
        risk = self.weights * np.exp(eta)
        xx = np.einsum("ij,ik->ijk", self.x, self.x).reshape(len(eta), p * p)
        all_rows = self._cell_sums(np.column_stack([risk, risk[:, None] * self.x, risk[:, None] * xx]))
        dead = self._cell_sums(np.column_stack([risk, risk[:, None] * self.x, risk[:, None] * xx])
                               * self.event[:, None])
        r = self._at_risk(all_rows)[self.slot_cell]
        e = dead[self.slot_cell]
        f = self.f[:, None]
        den = r[:, 0] - self.f * e[:, 0]
        mean = (r[:, 1:1 + p] - f * e[:, 1:1 + p]) / den[:, None]
        second = ((r[:, 1 + p:] - f * e[:, 1 + p:]) / den[:, None]).reshape(-1, p, p)
        mw = self.slot_mean_weight
        loglik = float(np.sum(self.weights * self.event * eta) - np.sum(mw * np.log(den)))
        score = (self.weights * self.event) @ self.x - mw @ mean
        info = np.einsum("s,sjk->jk", mw, second - np.einsum("sj,sk->sjk", mean, mean))
        return loglik, score, info, (den, mean, np.exp(eta))

    def score_residuals(self, beta: np.ndarray) -> np.ndarray:
        """Score residual of each row (not multiplied by its case weight), R ``residuals(fit, "score")``."""
        _, _, _, (den, mean, risk) = self.evaluate(beta)
        p = len(beta)
        hazard = self.slot_mean_weight / den
        at_event = 1 - self.f  # the share of a tied event still at risk in the slot (Efron), 1 for Breslow

        def per_cell(values):
            return np.stack([np.bincount(self.slot_cell, values[:, j], self.n_cells) for j in range(values.shape[1])],
                            axis=1)

        h = per_cell(np.column_stack([hazard, hazard[:, None] * mean]))
        h_event = per_cell(np.column_stack([at_event * hazard, (at_event * hazard)[:, None] * mean]))
        mean_event = per_cell(mean / np.maximum(self.n_dead[self.slot_cell], 1)[:, None])
        cum = np.cumsum(h, axis=0)
        before = np.vstack([np.zeros((1, p + 1)), cum[:-1]])
        own = np.where(self.event[:, None] == 1, before[self.cell] + h_event[self.cell], cum[self.cell])
        residual = -risk[:, None] * (self.x * own[:, :1] - own[:, 1:])
        residual += self.event[:, None] * (self.x - mean_event[self.cell])
        return residual


def weighted_cox_regression(time, event, x, weights, names=None, cluster=None, ties: str = "efron",
                            conf_level: float = 0.95) -> WeightedCoxModel:
    """Fit a Cox model with case weights and the robust variance. ``x``: n × p covariates (see
    ``cox.design_matrix``); ``weights``: positive case weights (e.g. IPTW); ``cluster``: labels of rows that belong
    to one patient (default: every row its own cluster)."""
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
    likelihood = _WeightedPartialLikelihood(x, time, event, weights, ties)
    beta = np.zeros(p)
    loglik, score, info, _ = likelihood.evaluate(beta)
    loglik_null, score_null, info_null = loglik, score, info
    iterations = 0
    while iterations < MAX_ITER:
        iterations += 1
        step = np.linalg.solve(info, score)
        new_beta = beta + step
        new = likelihood.evaluate(new_beta)
        halvings = 0
        while (not np.isfinite(new[0]) or new[0] < loglik - 1e-12) and halvings < 30:  # step-halving, as R
            new_beta = (beta + new_beta) / 2
            new = likelihood.evaluate(new_beta)
            halvings += 1
        beta, (loglik, score, info, _) = new_beta, new
        if np.max(np.abs(step)) < 1e-12 * max(1.0, np.max(np.abs(beta))):
            break
    naive = np.linalg.inv(info)
    clusters = pd.factorize(np.arange(len(time)) if cluster is None else np.asarray(cluster))[0]
    dfbeta = (weights[:, None] * likelihood.score_residuals(beta)) @ naive
    per_cluster = np.stack([np.bincount(clusters, dfbeta[:, j]) for j in range(p)], axis=1)
    covariance = per_cluster.T @ per_cluster
    se = np.sqrt(np.diag(covariance))
    z_crit = stats.norm.ppf(1 - (1 - conf_level) / 2)
    z = beta / se
    terms = tuple(CoxTerm(n, float(b), float(s), float(np.exp(b)), float(np.exp(b - z_crit * s)),
                          float(np.exp(b + z_crit * s)), float(zz), float(2 * stats.norm.sf(abs(zz))))
                  for n, b, s, zz in zip(names, beta, se, z))
    wald = float(beta @ np.linalg.solve(covariance, beta))
    score0 = weights[:, None] * likelihood.score_residuals(np.zeros(p))
    score0 = np.stack([np.bincount(clusters, score0[:, j]) for j in range(p)], axis=1)
    u = score0.sum(axis=0)
    robust_score = float(u @ np.linalg.solve(score0.T @ score0, u))
    del score_null, info_null
    return WeightedCoxModel(
        terms, tuple(float(s) for s in np.sqrt(np.diag(naive))), ties, len(time), int(event.sum()),
        float(weights.sum()), float(loglik_null), float(loglik), wald, float(stats.chi2.sf(wald, p)),
        robust_score, float(stats.chi2.sf(robust_score, p)), p, iterations, conf_level, covariance)


def weighted_logrank_test(time, event, group, weights, cluster=None, ties: str = "efron") -> WeightedLogRankTest:
    """Weighted log-rank test of two groups (``group`` coded 0/1): R ``coxph(..., weights, robust = TRUE)$rscore``."""
    group = np.asarray(group, float)
    fit = weighted_cox_regression(time, event, group[:, None], weights, ["group"], cluster, ties)
    return WeightedLogRankTest(fit.robust_score_test, 1, fit.robust_score_p, ties)


__all__ = ["WeightedCoxModel", "WeightedLogRankTest", "weighted_cox_regression", "weighted_logrank_test"]
