"""Firth-penalised Cox regression (Heinze & Schemper 2001), for small samples and monotone likelihood.

Maximises l*(β) = l(β) + ½ log |I(β)| (Jeffreys-prior penalty), where l and I are the partial log-likelihood and
information of :mod:`oncocohort.stats.cox` (Efron or Breslow ties). Estimates stay finite when the ordinary
likelihood is monotone (e.g. a subgroup without events).

Method (hand-written: there is no Python implementation of Firth's Cox model; R's is ``coxphf``):

* **Estimate.** Newton–Raphson on l* with step-halving. The gradient is the modified score
  U* = U + ½ ∂log|I|/∂β, the derivative of log|I| taken by central differences of the exact I(β) (step 1e-5,
  error O(1e-10)); the Newton matrix is I(β) − ½ ∂²log|I|/∂β² (second differences; mixed terms only when at most
  three coefficients are free, the diagonal always), falling back to I(β) (coxphf's step) where that is not
  positive definite. Steps are capped at ``MAX_STEP`` per coefficient (coxphf's ``maxstep``). The fixed point
  is coxphf's; the second-derivative term only speeds convergence. At most ``MAX_NEWTON`` iterations.
  Covariates are standardised to unit SD inside the fit (results are on the original scale).
* **Estimability.** :func:`oncocohort.stats.cox.check_estimable` refuses, in words, a model whose information
  is singular at every β (no events, a covariate that never varies within a risk set, collinear terms).
* **Confidence interval.** Profile penalised likelihood, as coxphf: the limits are where
  2[l*(β̂) − max l* with β_k fixed] = χ²₁,1−α. Each limit is bracketed by an expanding search from β̂_k (first
  step the Wald half-width, doubled at most ``MAX_BRACKET_DOUBLINGS`` times, never beyond a hazard ratio of
  e^``MAX_LINEAR_PREDICTOR`` across the covariate's range) and then found by Brent's method
  (``scipy.optimize.brentq``, at most ``MAX_ROOT_ITERATIONS`` iterations). When the profile does not cross the
  bound within those caps, the limit is Wald-type on the penalised scale, β̂_k ± z·SE with SE² the diagonal of
  I(β̂)⁻¹ (coxphf's standard error), and the term's ``ci_method`` says so.
* **p-values.** Penalised likelihood-ratio test of β_k = 0 (the profile at 0); global test 2[l*(β̂) − l*(0)].

Numerical warnings (overflow of exp(xβ) far from β̂) are suppressed where they are expected and handled (such a
point simply has l* = −∞, as has a point where the smallest eigenvalue of I is below rounding level); any
other warning is turned into a sentence in the model's ``notes``. Verified against a direct maximisation in R
(tests/reference/make_reference.R, make_reference_na.R) and an independent Python loop implementation
(tests/stats/test_firth.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .cox import _PartialLikelihood, check_estimable, design_matrix

_GRADIENT_STEP = 1e-5
_HESSIAN_STEP = 1e-4
MAX_NEWTON = 60               # Newton iterations per (profile) fit
MAX_HALVINGS = 40             # step-halvings per Newton iteration
MAX_BRACKET_DOUBLINGS = 12    # widenings of the bracket around β̂_k for each profile limit
MAX_ROOT_ITERATIONS = 100     # Brent iterations per profile limit
MAX_LINEAR_PREDICTOR = 30.0   # |Δβ_k| · range(x_k) never searched beyond this (hazard ratio e^30 across the data)
_TOLERANCE = 1e-9             # Newton stops when the largest step is below this (standardised β units)
MAX_STEP = 0.5                # largest Newton step per coefficient (standardised units), as coxphf's maxstep
_INFORMATION_FLOOR = 1e-12
_MIXED_UP_TO = 3              # mixed second derivatives of log|I| only for up to this many free coefficients

PROFILE_CI = "profile penalised-likelihood CI"
WALD_CI = "Wald CI from the penalised fit (profile did not reach the bound)"


@dataclass(frozen=True)
class FirthTerm:
    name: str
    coef: float
    hr: float
    lower: float
    upper: float
    p_value: float
    se: float = float("nan")          # sqrt of diag I(β̂)⁻¹ (as coxphf), used only for Wald-type limits
    ci_method: str = PROFILE_CI


@dataclass(frozen=True)
class FirthCoxModel:
    terms: tuple[FirthTerm, ...]
    ties: str
    penalized_loglik: float
    lr_test: float
    lr_p: float
    conf_level: float
    n: int = 0
    events: int = 0
    notes: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        wald = [t.name for t in self.terms if t.ci_method != PROFILE_CI]
        ci = PROFILE_CI if not wald else f"{PROFILE_CI}; Wald CI on the penalised fit for {', '.join(wald)}"
        return f"Firth-penalised Cox model ({self.ties.capitalize()} ties; {ci}, penalised likelihood-ratio p)"


class _Penalized:
    """l*(β) = l(β) + ½ log|I(β)| and its derivatives over chosen coordinates."""

    def __init__(self, likelihood: _PartialLikelihood):
        self.likelihood = likelihood
        self.evaluations = 0
        # covariates are standardised (unit SD), so information entries are O(events); below this floor an
        # eigenvalue of I is rounding error of its risk-set differences, not information
        self.floor = _INFORMATION_FLOOR * max(1.0, float(likelihood.d.sum()))
        self._last = None

    def _parts(self, beta: np.ndarray):
        """(l*, U, I) at β; l* = −∞ where it cannot be computed reliably (overflow of exp(xβ), or I so close to
        singular that rounding in its risk-set differences dominates it). The last point is remembered: a
        Newton step's accepted candidate is the next iteration's centre."""
        key = beta.tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        self.evaluations += 1
        with np.errstate(all="ignore"):  # far from β̂, exp(xβ) overflows: l* = −∞ there, handled by the callers
            loglik, score, info = self.likelihood.evaluate(beta)
            logdet = self._reliable_logdet(info)
        value = loglik + 0.5 * logdet if np.isfinite(loglik) else -np.inf
        self._last = (key, (value, score, info, logdet))
        return value, score, info, logdet

    def _reliable_logdet(self, info: np.ndarray) -> float:
        if not np.all(np.isfinite(info)):
            return -np.inf
        eigenvalues = np.linalg.eigvalsh(info)
        if eigenvalues[0] <= self.floor:
            return -np.inf
        return float(np.sum(np.log(eigenvalues)))

    def value(self, beta: np.ndarray) -> float:
        """l*(β) (−∞ where it cannot be computed)."""
        return self._parts(beta)[0]

    def _logdet(self, beta: np.ndarray) -> float:
        self.evaluations += 1
        with np.errstate(all="ignore"):
            return self._reliable_logdet(self.likelihood.evaluate(beta)[2])

    def derivatives(self, beta: np.ndarray, free: np.ndarray):
        """(l*, gradient over ``free``, (Newton matrix, I) over ``free``) at β (see the module docstring).

        ∂log|I|/∂β_j and ∂²log|I|/∂β_j² by central differences with the same step; mixed second derivatives by
        the four-point formula."""
        value, score, info, logdet_centre = self._parts(beta)
        if not np.isfinite(value):
            return value, None, None
        m = len(free)
        gradient = np.empty(m)
        second = np.empty((m, m))
        unit = np.eye(len(beta))
        for a, j in enumerate(free):
            up, down = self._logdet(beta + _GRADIENT_STEP * unit[j]), self._logdet(beta - _GRADIENT_STEP * unit[j])
            gradient[a] = (up - down) / (2 * _GRADIENT_STEP)
            second[a, a] = (up - 2 * logdet_centre + down) / _GRADIENT_STEP**2
        second[~np.eye(m, dtype=bool)] = 0.0
        for a in range(m if m <= _MIXED_UP_TO else 0):
            for b in range(a + 1, m):
                h = _HESSIAN_STEP * (unit[free[a]] + unit[free[b]])
                g = _HESSIAN_STEP * (unit[free[a]] - unit[free[b]])
                second[a, b] = second[b, a] = (self._logdet(beta + h) - self._logdet(beta + g)
                                               - self._logdet(beta - g) + self._logdet(beta - h)) \
                    / (4 * _HESSIAN_STEP**2)
        fisher = info[np.ix_(free, free)]
        newton = fisher - 0.5 * second
        if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(newton))):
            return value, None, None
        return value, score[free] + 0.5 * gradient, (newton, fisher)

    def fit(self, beta: np.ndarray, free: np.ndarray) -> tuple[np.ndarray, bool]:
        """Maximise l* over the coordinates in ``free`` (the others held at their value in ``beta``).

        Returns (β, converged). Converged: the Newton step is below ``_TOLERANCE``, or l* no longer changes
        beyond rounding while the step is below 1e-5 (far in the tails the numerical derivatives are noisy at
        that level, and l* is flat there)."""
        beta = beta.astype(float).copy()
        if len(free) == 0:
            return beta, True
        for _ in range(MAX_NEWTON):
            current, gradient, matrices = self.derivatives(beta, free)
            if gradient is None:
                return beta, False
            step = _newton_step(gradient, *matrices)
            largest = np.max(np.abs(step))
            if largest > MAX_STEP:
                step = step * (MAX_STEP / largest)
            candidate = beta.copy()
            rounding = 1e-12 * max(1.0, abs(current))
            for _ in range(MAX_HALVINGS):
                candidate[free] = beta[free] + step
                value = self.value(candidate)
                if value >= current - rounding:
                    break
                step = step / 2
            else:
                return beta, True  # no ascent along the Newton direction down to a negligible step: the maximum
            beta = candidate
            size = np.max(np.abs(step))
            if size < _TOLERANCE * max(1.0, np.max(np.abs(beta[free]))) or (size < 1e-5 and value - current
                                                                               <= rounding):
                return beta, True
        return beta, False


def _newton_step(gradient: np.ndarray, newton: np.ndarray, fisher: np.ndarray) -> np.ndarray:
    """Solve with the full Newton matrix when positive definite, else with I (coxphf), else least squares."""
    for matrix in (newton, fisher):
        try:
            factor = np.linalg.cholesky(matrix)
        except np.linalg.LinAlgError:
            continue
        return np.linalg.solve(factor.T, np.linalg.solve(factor, gradient))
    return np.linalg.lstsq(fisher, gradient, rcond=None)[0]


class _Profile:
    """The profile penalised-likelihood deviance of one coefficient, with warm starts for the other ones."""

    def __init__(self, model: _Penalized, beta: np.ndarray, best: float, k: int):
        self.model, self.beta, self.best, self.k = model, beta, best, k
        self.others = np.array([j for j in range(len(beta)) if j != k], dtype=int)
        self.start = beta.copy()
        self.unconverged = 0

    def __call__(self, b: float) -> float:
        """2[l*(β̂) − max l* with β_k = b] (+∞ where l* cannot be computed)."""
        start = self.start.copy()
        start[self.k] = b
        fitted, converged = self.model.fit(start, self.others)
        value = self.model.value(fitted)
        if not np.isfinite(value):
            return np.inf
        self.unconverged += not converged
        self.start = fitted
        return 2 * (self.best - value)

    def limit(self, direction: int, first_step: float, max_distance: float, critical: float) -> float | None:
        """The profile limit on one side (direction −1 or +1), or None when it is not reached within the caps."""
        centre = self.beta[self.k]
        inner, width = centre, first_step
        self.start = self.beta.copy()
        for _ in range(MAX_BRACKET_DOUBLINGS + 1):
            width = min(width, max_distance)
            outer = centre + direction * width
            deviance = self(outer)
            for _ in range(30):  # l* not computable out there: step back towards the last computable point
                if np.isfinite(deviance):
                    break
                outer = (inner + outer) / 2
                deviance = self(outer)
            if not np.isfinite(deviance):
                return None
            if deviance > critical:
                try:
                    return optimize.brentq(lambda b: self(b) - critical, *sorted((inner, outer)), xtol=1e-12,
                                           rtol=1e-12, maxiter=MAX_ROOT_ITERATIONS)
                except (RuntimeError, ValueError):
                    return None
            if width >= max_distance or outer != centre + direction * width:
                return None
            inner, width = outer, width * 2
        return None


def firth_cox_regression(time, event, x, names=None, stratum=None, ties: str = "breslow",
                         conf_level: float = 0.95) -> FirthCoxModel:
    """Fit the Firth-penalised Cox model (default Breslow ties, as coxphf). See the module docstring."""
    time = np.asarray(time, float)
    event = np.asarray(event).astype(int)
    x = np.asarray(x, float).reshape(len(time), -1)
    p = x.shape[1]
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(p)]
    stratum = np.zeros(len(time), int) if stratum is None else pd.factorize(np.asarray(stratum), sort=True)[0]
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # standardised covariates (unit SD): the penalised fit is equivariant to scaling (log|I| shifts by a
        # constant), and unit scale keeps the information's risk-set differences accurate far from β̂
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0  # a constant column is refused by check_estimable below
        likelihood = _PartialLikelihood(x / scale, time, event, stratum, ties)
        check_estimable(likelihood, names)
        model = _Penalized(likelihood)
        everything = np.arange(p)
        beta, converged = model.fit(np.zeros(p), everything)
        if not converged:
            notes.append(f"The penalised fit stopped after {MAX_NEWTON} Newton iterations without meeting the "
                         "convergence criterion; estimates may be imprecise.")
        best, _, info, _ = model._parts(beta)
        try:
            se = np.sqrt(np.diag(np.linalg.inv(info)))
        except np.linalg.LinAlgError:
            se = np.full(p, np.nan)
        critical = stats.chi2.ppf(conf_level, 1)
        z = stats.norm.ppf(1 - (1 - conf_level) / 2)
        terms = []
        for k in range(p):
            profile = _Profile(model, beta, best, k)
            spread = np.ptp(x[:, k] / scale[k])
            max_distance = MAX_LINEAR_PREDICTOR / spread if spread > 0 else 0.0
            first = z * se[k] if np.isfinite(se[k]) and se[k] > 0 else 1.0
            limits = [profile.limit(d, min(first, max_distance), max_distance, critical) for d in (-1, 1)]
            method = PROFILE_CI
            if any(v is None for v in limits):
                method = WALD_CI
                notes.append(f"{names[k]}: the profile penalised likelihood did not reach the {conf_level:.0%} "
                             "bound within the search limits; its interval is Wald-type on the penalised fit "
                             "(coefficient ± z·SE, SE from the inverse information at the estimate).")
                limits = [beta[k] - z * se[k], beta[k] + z * se[k]]
            profile.start = beta.copy()
            lr_zero = profile(0.0) if p > 1 else 2 * (best - model.value(np.zeros(1)))
            if profile.unconverged:
                notes.append(f"{names[k]}: {profile.unconverged} profile fit(s) stopped at the iteration cap.")
            coef, lower, upper = beta[k] / scale[k], limits[0] / scale[k], limits[1] / scale[k]
            with np.errstate(over="ignore"):
                terms.append(FirthTerm(names[k], float(coef), float(np.exp(coef)), float(np.exp(lower)),
                                       float(np.exp(upper)), float(stats.chi2.sf(max(lr_zero, 0.0), 1)),
                                       float(se[k] / scale[k]), method))
        lr = 2 * (best - model.value(np.zeros(p)))
    notes.extend(_warning_notes(caught))
    # l* on the original covariate scale: log|I| there exceeds the standardised one by 2·Σ log(scale)
    penalized = best + float(np.sum(np.log(scale)))
    return FirthCoxModel(tuple(terms), ties, float(penalized), float(lr), float(stats.chi2.sf(max(lr, 0.0), p)),
                         conf_level, len(time), int(event.sum()), tuple(dict.fromkeys(notes)))


def _warning_notes(caught) -> list[str]:
    """Numerical warnings raised during a fit, as sentences (never printed to the terminal)."""
    return [f"Numerical warning during the Firth fit: {w.message}." for w in caught]


def firth_cox_model(frame: pd.DataFrame, time: str, event: str, covariates, categorical=(), strata=None,
                    ties: str = "breslow", conf_level: float = 0.95) -> FirthCoxModel:
    """Firth Cox model from a DataFrame (same conventions as :func:`oncocohort.stats.cox.cox_model`; rows with a
    missing value in a used column are dropped, as R does)."""
    used = list(dict.fromkeys([time, event, *covariates] + ([strata] if strata else [])))
    data = frame[used].dropna()
    x, names = design_matrix(data, covariates, categorical)
    return firth_cox_regression(data[time], data[event], x, names, data[strata] if strata else None, ties,
                                conf_level)
