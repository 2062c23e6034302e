"""Firth-penalised Cox regression (Heinze & Schemper 2001), for small samples and monotone likelihood.

Maximises l*(β) = l(β) + ½ log |I(β)| (Jeffreys-prior penalty), where l and I are the partial log-likelihood and
information of :mod:`oncocohort.stats.cox` (Efron or Breslow ties). Estimates stay finite when the ordinary
likelihood is monotone (e.g. a subgroup without events).

As R ``coxphf``: iteration β ← β + I(β)⁻¹ U*(β) with the modified score U* = U + ½ ∂log|I|/∂β (here the
derivative of log|I| is taken by central differences of the exact I(β), step 1e-5, error O(1e-10)); confidence
intervals from the profile penalised likelihood (2[l*(β̂) − max l* with β_k fixed] = χ²₁,1−α); p-values from the
penalised likelihood-ratio test of β_k = 0 (penalty of the full model kept in the restricted fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .cox import _PartialLikelihood, design_matrix

_STEP = 1e-5
_MAX_ITER = 200


@dataclass(frozen=True)
class FirthTerm:
    name: str
    coef: float
    hr: float
    lower: float
    upper: float
    p_value: float


@dataclass(frozen=True)
class FirthCoxModel:
    terms: tuple[FirthTerm, ...]
    ties: str
    penalized_loglik: float
    lr_test: float
    lr_p: float
    conf_level: float

    @property
    def method(self) -> str:
        return (f"Firth-penalised Cox model ({self.ties.capitalize()} ties; profile penalised-likelihood CI, "
                "penalised likelihood-ratio p)")


class _Penalized:
    def __init__(self, likelihood: _PartialLikelihood):
        self.likelihood = likelihood

    def value(self, beta: np.ndarray) -> float:
        loglik, _, info = self.likelihood.evaluate(beta)
        sign, logdet = np.linalg.slogdet(info)
        return loglik + 0.5 * logdet if sign > 0 else -np.inf

    def score_and_info(self, beta: np.ndarray):
        loglik, score, info = self.likelihood.evaluate(beta)
        gradient = np.empty(len(beta))
        for j in range(len(beta)):
            step = np.zeros(len(beta))
            step[j] = _STEP
            up = np.linalg.slogdet(self.likelihood.evaluate(beta + step)[2])[1]
            down = np.linalg.slogdet(self.likelihood.evaluate(beta - step)[2])[1]
            gradient[j] = (up - down) / (2 * _STEP)
        return score + 0.5 * gradient, info

    def fit(self, beta: np.ndarray, free: np.ndarray) -> np.ndarray:
        """Maximise over the coordinates in ``free`` (others held at their value in ``beta``)."""
        beta = beta.copy()
        current = self.value(beta)
        for _ in range(_MAX_ITER):
            score, info = self.score_and_info(beta)
            step = np.zeros(len(beta))
            step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
            candidate = beta + step
            value = self.value(candidate)
            halvings = 0
            while value < current - 1e-12 and halvings < 30:
                step /= 2
                candidate = beta + step
                value = self.value(candidate)
                halvings += 1
            beta, previous, current = candidate, current, value
            if np.max(np.abs(step)) < 1e-9 and abs(current - previous) < 1e-12:
                break
        return beta


def firth_cox_regression(time, event, x, names=None, stratum=None, ties: str = "breslow",
                         conf_level: float = 0.95) -> FirthCoxModel:
    """Fit the Firth-penalised Cox model (default Breslow ties, as coxphf)."""
    time = np.asarray(time, float)
    event = np.asarray(event).astype(int)
    x = np.asarray(x, float).reshape(len(time), -1)
    p = x.shape[1]
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(p)]
    stratum = np.zeros(len(time), int) if stratum is None else pd.factorize(np.asarray(stratum), sort=True)[0]
    model = _Penalized(_PartialLikelihood(x, time, event, stratum, ties))
    everything = np.arange(p)
    beta = model.fit(np.zeros(p), everything)
    best = model.value(beta)
    critical = stats.chi2.ppf(conf_level, 1)
    terms = []
    for k in range(p):
        others = everything[everything != k]

        def profile(b, k=k, others=others):
            start = beta.copy()
            start[k] = b
            fitted = model.fit(start, others) if len(others) else start
            return 2 * (best - model.value(fitted))

        lr_zero = profile(0.0)
        spread = 1.0
        lower = upper = np.nan
        for _ in range(12):  # widen the bracket until the profile crosses the critical value
            if np.isnan(lower) and profile(beta[k] - spread) > critical:
                lower = optimize.brentq(lambda b: profile(b) - critical, beta[k] - spread, beta[k], xtol=1e-10)
            if np.isnan(upper) and profile(beta[k] + spread) > critical:
                upper = optimize.brentq(lambda b: profile(b) - critical, beta[k], beta[k] + spread, xtol=1e-10)
            if not (np.isnan(lower) or np.isnan(upper)):
                break
            spread *= 2
        terms.append(FirthTerm(names[k], float(beta[k]), float(np.exp(beta[k])), float(np.exp(lower)),
                               float(np.exp(upper)), float(stats.chi2.sf(max(lr_zero, 0.0), 1))))
    lr = 2 * (best - model.value(np.zeros(p)))
    return FirthCoxModel(tuple(terms), ties, float(best), float(lr), float(stats.chi2.sf(lr, p)), conf_level)


def firth_cox_model(frame: pd.DataFrame, time: str, event: str, covariates, categorical=(), strata=None,
                    ties: str = "breslow", conf_level: float = 0.95) -> FirthCoxModel:
    """Firth Cox model from a DataFrame (same conventions as :func:`oncocohort.stats.cox.cox_model`)."""
    used = [time, event, *covariates] + ([strata] if strata else [])
    data = frame[used].dropna()
    x, names = design_matrix(data, covariates, categorical)
    return firth_cox_regression(data[time], data[event], x, names, data[strata] if strata else None, ties,
                                conf_level)
