"""Firth-penalised Cox regression (Heinze & Schemper 2001), for small samples and monotone likelihood.

Maximises l*(β) = l(β) + ½ log |I(β)| (Jeffreys-prior penalty), where l and I are the partial log-likelihood and
information of :mod:`oncocohort.stats.cox` (Efron or Breslow ties). Estimates stay finite when the ordinary
likelihood is monotone (e.g. a subgroup without events).

Method (hand-written: there is no Python implementation of Firth's Cox model; R's is ``coxphf``):

* **Estimate.** Newton–Raphson on l* with step-halving. The gradient is the modified score
  U*(β)_r = U_r + ½ tr(I⁻¹ ∂I/∂β_r) (Heinze & Schemper 2001, eq. 2); the Newton matrix is
  I(β) − ½ ∂²log|I|/∂β², with ∂²log|I|/∂β_r∂β_s = tr(I⁻¹ ∂²I/∂β_r∂β_s) − tr(I⁻¹ ∂I/∂β_r I⁻¹ ∂I/∂β_s), falling
  back to I(β) (coxphf's step) where that is not positive definite. Both derivatives are analytic: I is a sum,
  over the terms of the partial likelihood's denominator, of the weighted covariance of x over a risk set with
  weights ∝ exp(xβ), so ∂I/∂β is the sum of the risk sets' third central moments and ∂²I/∂β² of their fourth
  cumulants (:class:`_RiskSetMoments`; Breslow and Efron ties). Steps are capped at ``MAX_STEP`` per coefficient
  (coxphf's ``maxstep``). The fixed point is coxphf's; the second-derivative term only speeds convergence. At
  most ``MAX_NEWTON`` iterations. Covariates are standardised to unit SD inside the fit (results are on the
  original scale).
* **Estimability.** :func:`oncocohort.stats.cox.check_estimable` refuses, in words, a model whose information
  is singular at every β (no events, a covariate that never varies within a risk set, collinear terms).
* **Confidence interval.** Profile penalised likelihood, as coxphf: the limits are where
  2[l*(β̂) − max l* with β_k fixed] = χ²₁,1−α. Each limit is found by Newton's method on that deviance from the
  Wald limit: its slope in β_k is −2 ∂l*/∂β_k at the profile maximum (envelope theorem), and each profile fit starts
  from the previous one moved along dγ̂/dβ_k (γ: the other coefficients), so a limit takes a few profile fits of one
  or two Newton iterations each. Where that does not settle (the deviance not rising outwards, not computable, a
  step beyond the caps) the limit is bracketed by an expanding search from β̂_k (first
  step the Wald half-width, doubled at most ``MAX_BRACKET_DOUBLINGS`` times, never beyond a hazard ratio of
  e^``MAX_LINEAR_PREDICTOR`` across the covariate's range) and then found by Brent's method
  (``scipy.optimize.brentq``, at most ``MAX_ROOT_ITERATIONS`` iterations). When the profile does not cross the
  bound within those caps, the limit is Wald-type on the penalised scale, β̂_k ± z·SE with SE² the diagonal of
  I(β̂)⁻¹ (coxphf's standard error), and the term's ``ci_method`` says so.
* **p-values.** Penalised likelihood-ratio test of β_k = 0 (the profile at 0); global test 2[l*(β̂) − l*(0)].

Numerical warnings (overflow of exp(xβ) far from β̂) are suppressed where they are expected and handled (such a
point simply has l* = −∞, as has a point where the smallest eigenvalue of I is below rounding level); any
other warning is turned into a sentence in the model's ``notes``. Verified against a direct maximisation in R
(tests/reference/make_reference.R, make_reference_na.R), an independent Python loop implementation and the
earlier numerical-derivative implementation (tests/stats/test_firth.py).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .cox import _PartialLikelihood, check_estimable, design_matrix
from .distributions import stats  # scipy.stats' normal and chi-square functions, without importing scipy.stats

MAX_NEWTON = 60               # Newton iterations per (profile) fit
MAX_HALVINGS = 40             # step-halvings per Newton iteration
MAX_BRACKET_DOUBLINGS = 12    # widenings of the bracket around β̂_k for each profile limit
MAX_ROOT_ITERATIONS = 100     # Brent iterations per profile limit
MAX_LINEAR_PREDICTOR = 30.0   # |Δβ_k| · range(x_k) never searched beyond this (hazard ratio e^30 across the data)
_TOLERANCE = 1e-9             # Newton stops when the largest step is below this (standardised β units)
MAX_STEP = 0.5                # largest Newton step per coefficient (standardised units), as coxphf's maxstep
_INFORMATION_FLOOR = 1e-12
_BLOCK_ROWS = 8192             # rows per block when summing risk-set moments (bounded memory)

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


class _RiskSetMoments:
    """∂log|I(β)|/∂β and ∂²log|I(β)|/∂β² of a Cox partial likelihood, analytic, vectorised over the risk sets.

    Each term ("slot") of the partial likelihood's denominator is a risk set with row weights v_i = c_i·exp(x_iβ):
    Breslow, one slot per event time with multiplicity d (c = 1); Efron, one slot per tied event, the j-th of d
    giving the tied event rows c = 1 − j/d. log Σ v_i is the cumulant generating function of x under the weights,
    so the slot's contribution to I is its covariance V = E[yyᵀ] (y = x − E[x]), ∂V/∂β_r its third central moment
    T_··r = E[yyᵀy_r] and ∂²V_jk/∂β_r∂β_s its fourth cumulant E[y_j y_k y_r y_s] − V_jk V_rs − V_jr V_ks − V_js V_kr.
    Contracted with A = I⁻¹ only O(p³) numbers per slot are needed: tr(A ∂²I/∂β_r∂β_s) sums
    E[q y_r y_s] − tr(AV)·V_rs − 2(VAV)_rs with q = yᵀAy. The moments come from per-(stratum, time) sums of
    v·(1, x, xxᵀ, x⊗x⊗x) and of v·a·(1, x, xxᵀ) with a = xᵀAx, cumulated over the risk sets as in
    :class:`oncocohort.stats.cox._PartialLikelihood` (raw moments of the centred, standardised x).
    """

    def __init__(self, likelihood: _PartialLikelihood):
        self.likelihood = likelihood
        x = likelihood.x
        n, p = x.shape
        has = np.nonzero(likelihood.d > 0)[0]
        if likelihood.ties == "breslow":
            self.slot_cell, self.fraction, self.multiplicity = has, np.zeros(len(has)), likelihood.d[has]
        else:
            counts = likelihood.d[has].astype(int)
            self.slot_cell = np.repeat(has, counts)
            self.fraction = ((np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
                             / np.repeat(likelihood.d[has], counts))
            self.multiplicity = np.ones(len(self.slot_cell))
        # distinct monomials of degree 2 and 3, and where each entry of the full tensors finds its monomial
        pairs = [(j, k) for j in range(p) for k in range(j, p)]
        triples = [(j, k, m) for j in range(p) for k in range(j, p) for m in range(k, p)]
        self.pair_columns, self.triple_columns = np.array(pairs, int).reshape(-1, 2).T, \
            np.array(triples, int).reshape(-1, 3).T
        self.pair_of = np.empty((p, p), int)
        for index, (j, k) in enumerate(pairs):
            self.pair_of[j, k] = self.pair_of[k, j] = index
        self.triple_of = np.empty((p, p, p), int)
        for index, triple in enumerate(triples):
            for j, k, m in itertools.permutations(triple):
                self.triple_of[j, k, m] = index
        # rows → (stratum, time) cells as sparse indicator matrices, per block of rows (bounded memory); for
        # Efron a second block of rows sums the event rows of each cell
        self.blocks = []
        for start in range(0, n, _BLOCK_ROWS):
            rows = slice(start, min(n, start + _BLOCK_ROWS))
            cells, size = likelihood.cell[rows], min(n, start + _BLOCK_ROWS) - start
            entries, row_of, column_of = [np.ones(size)], [cells], [np.arange(size)]
            if likelihood.ties == "efron":
                entries.append(likelihood.event[rows])
                row_of.append(cells + likelihood.n_cells)
                column_of.append(np.arange(size))
            indicator = sparse.csr_matrix((np.concatenate(entries), (np.concatenate(row_of),
                                                                     np.concatenate(column_of))),
                                          shape=(likelihood.n_cells * len(entries), size))
            self.blocks.append((rows, indicator))

    def _slot_sums(self, w: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Per slot, Σ v·(1, x, xxᵀ, x⊗x⊗x) and Σ v·a·(1, x, xxᵀ) over its risk set (distinct monomials only):
        slots × columns, with v the slot's row weights built from w."""
        x, lik = self.likelihood.x, self.likelihood
        cell_sums = 0.0
        for rows, indicator in self.blocks:
            xb = x[rows]
            (j, k), (t, u, v) = self.pair_columns, self.triple_columns
            low = np.concatenate([np.ones((len(xb), 1)), xb, xb[:, j] * xb[:, k]], axis=1)
            monomials = np.concatenate([low, xb[:, t] * xb[:, u] * xb[:, v]], axis=1)
            values = np.concatenate([w[rows, None] * monomials, (w[rows] * a[rows])[:, None] * low], axis=1)
            cell_sums = cell_sums + indicator @ values
        sums = lik._cumulative(cell_sums[:lik.n_cells])[self.slot_cell]
        if lik.ties == "efron":
            sums = sums - self.fraction[:, None] * cell_sums[lik.n_cells:][self.slot_cell]
        return sums

    def logdet_derivatives(self, beta: np.ndarray, info: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(∂log|I|/∂β, ∂²log|I|/∂β²) at β, given I(β)."""
        x = self.likelihood.x
        p = x.shape[1]
        eta = x @ beta
        w = np.exp(eta - eta.max())  # the moments are ratios: a common factor cancels
        inverse = np.linalg.inv(info)
        a = np.einsum("ij,jk,ik->i", x, inverse, x)
        sums = self._slot_sums(w, a)
        raw = sums / sums[:, :1]
        n_pairs, n_triples = self.pair_columns.shape[1], self.triple_columns.shape[1]
        m = raw[:, 1:1 + p]                                                    # E[x]
        m2 = raw[:, 1 + p:1 + p + n_pairs][:, self.pair_of]                    # E[xxᵀ]
        end = 1 + p + n_pairs + n_triples
        m3 = raw[:, 1 + p + n_pairs:end][:, self.triple_of]                    # E[x⊗x⊗x]
        ma0, ma1, ma2 = raw[:, end], raw[:, end + 1:end + 1 + p], raw[:, end + 1 + p:][:, self.pair_of]  # E[a·…]
        covariance = m2 - np.einsum("sj,sk->sjk", m, m)
        third = (m3 - np.einsum("sj,skr->sjkr", m, m2) - np.einsum("sk,sjr->sjkr", m, m2)
                 - np.einsum("sr,sjk->sjkr", m, m2) + 2 * np.einsum("sj,sk,sr->sjkr", m, m, m))
        d_info = np.einsum("s,sjkr->jkr", self.multiplicity, third)           # ∂I_jk/∂β_r
        first = np.einsum("jk,jkr->r", inverse, d_info)
        # tr(A ∂²I/∂β_r∂β_s): E[q yyᵀ] with q = yᵀAy = a − 2uᵀx + c, a = xᵀAx, u = Am, c = mᵀAm
        u = m @ inverse
        c = np.einsum("sj,sj->s", u, m)
        w3 = np.einsum("sl,sljk->sjk", u, m3)                                  # E[uᵀx xxᵀ]
        z = np.einsum("sjk,sk->sj", m2, u)                                     # E[uᵀx x]
        mm = np.einsum("sj,sk->sjk", m, m)
        with_a = ma2 - np.einsum("sj,sk->sjk", m, ma1) - np.einsum("sj,sk->sjk", ma1, m) + ma0[:, None, None] * mm
        with_u = w3 - np.einsum("sj,sk->sjk", m, z) - np.einsum("sj,sk->sjk", z, m) + c[:, None, None] * mm
        q_moment = with_a - 2 * with_u + c[:, None, None] * covariance
        trace = np.einsum("jk,sjk->s", inverse, covariance)
        vav = np.einsum("sij,jk,skl->sil", covariance, inverse, covariance)
        cumulant = q_moment - trace[:, None, None] * covariance - 2 * vav
        a_d = np.einsum("ij,jkr->ikr", inverse, d_info)                        # A ∂I/∂β_r
        second = np.einsum("s,srt->rt", self.multiplicity, cumulant) - np.einsum("ijr,jis->rs", a_d, a_d)
        return first, (second + second.T) / 2


class _Penalized:
    """l*(β) = l(β) + ½ log|I(β)| and its derivatives over chosen coordinates."""

    def __init__(self, likelihood: _PartialLikelihood):
        self.likelihood = likelihood
        self.evaluations = 0
        # covariates are standardised (unit SD), so information entries are O(events); below this floor an
        # eigenvalue of I is rounding error of its risk-set differences, not information
        self.floor = _INFORMATION_FLOOR * max(1.0, float(likelihood.d.sum()))
        self.moments = _RiskSetMoments(likelihood)
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

    def derivatives(self, beta: np.ndarray, free: np.ndarray):
        """(l*, gradient over ``free``, (Newton matrix, I) over ``free``) at β (see the module docstring).

        The gradient is the modified score U + ½ ∂log|I|/∂β and the Newton matrix I − ½ ∂²log|I|/∂β², both
        analytic (:class:`_RiskSetMoments`)."""
        value, score, info, _ = self._parts(beta)
        if not np.isfinite(value):
            return value, None, None
        with np.errstate(all="ignore"):
            first, second = self.moments.logdet_derivatives(beta, info)
        gradient = score[free] + 0.5 * first[free]
        fisher = info[np.ix_(free, free)]
        newton = fisher - 0.5 * second[np.ix_(free, free)]
        if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(newton))):
            return value, None, None
        return value, gradient, (newton, fisher)

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
        self.tangent = None  # dγ̂/db at self.start (γ: the other coefficients), for a first-order warm start
        self.unconverged = 0

    def __call__(self, b: float) -> float:
        """2[l*(β̂) − max l* with β_k = b] (+∞ where l* cannot be computed)."""
        start = self.start.copy()
        if self.tangent is not None:  # γ̂(b) ≈ γ̂(b₀) + (b − b₀)·dγ̂/db: Newton then starts next to the optimum
            start[self.others] += (b - start[self.k]) * self.tangent
            self.tangent = None
            start[self.k] = b
            if not np.isfinite(self.model.value(start)):
                start = self.start.copy()
        start[self.k] = b
        fitted, converged = self.model.fit(start, self.others)
        value = self.model.value(fitted)
        if not np.isfinite(value):
            return np.inf
        self.unconverged += not converged
        self.start = fitted
        return 2 * (self.best - value)

    def _with_slope(self, b: float) -> tuple[float, float]:
        """(deviance at b, its derivative in b). By the envelope theorem the derivative is −2 ∂l*/∂β_k at
        (b, γ̂(b)); the same derivatives give dγ̂/db = −N_γγ⁻¹ N_γk (N: the Newton matrix, −∂²l*/∂β²), the
        direction of the next warm start. NaN slope where the derivatives cannot be computed."""
        deviance = self(b)
        if not np.isfinite(deviance):
            return deviance, np.nan
        _, gradient, matrices = self.model.derivatives(self.start, np.arange(len(self.beta)))
        if gradient is None:
            return deviance, np.nan
        newton = matrices[0]
        if len(self.others):
            try:
                self.tangent = -np.linalg.solve(newton[np.ix_(self.others, self.others)], newton[self.others, self.k])
            except np.linalg.LinAlgError:
                self.tangent = None
        return deviance, -2.0 * gradient[self.k]

    def limit(self, direction: int, first_step: float, max_distance: float, critical: float) -> float | None:
        """The profile limit on one side (direction −1 or +1), or None when it is not reached within the caps:
        Newton's method on the deviance (:meth:`_newton_limit`), else the bracketing search and Brent's method."""
        found = self._newton_limit(direction, first_step, max_distance, critical)
        return found if found is not None else self._bracketed_limit(direction, first_step, max_distance, critical)

    def _newton_limit(self, direction: int, first_step: float, max_distance: float, critical: float
                      ) -> float | None:
        """The limit by Newton's method on deviance(b) − critical from the Wald limit (the deviance's slope from
        :meth:`_with_slope`), kept inside the bracket found so far (bisection when a step leaves it) and within
        ``max_distance``; stops when a step is below 1e-12·(1 + |b|) (Brent's tolerances). None — the bracketing
        search decides — when the deviance does not rise outwards, cannot be computed, or after
        ``MAX_ROOT_ITERATIONS`` steps."""
        centre = self.beta[self.k]
        self.start, self.tangent = self.beta.copy(), None
        inside, outside = centre, None  # deviance below / above the critical value
        b = centre + direction * min(first_step, max_distance)
        for _ in range(MAX_ROOT_ITERATIONS):
            deviance, slope = self._with_slope(b)
            if not (np.isfinite(deviance) and np.isfinite(slope)) or slope * direction <= 0:
                return None
            excess = deviance - critical
            if excess == 0:
                return b
            if excess < 0:
                inside = b
            else:
                outside = b
            proposal = b - excess / slope
            if outside is not None and not min(inside, outside) < proposal < max(inside, outside):
                proposal = (inside + outside) / 2
            if outside is None and direction * (proposal - centre) > max_distance:
                return None
            if abs(proposal - b) <= 1e-12 * (1 + abs(b)):
                return proposal
            b = proposal
        return None

    def _bracketed_limit(self, direction: int, first_step: float, max_distance: float, critical: float
                         ) -> float | None:
        """The limit bracketed by an expanding search from β̂_k and found by Brent's method (module docstring)."""
        centre = self.beta[self.k]
        inner, width = centre, first_step
        self.start, self.tangent = self.beta.copy(), None
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
                from scipy import optimize  # imported by the first bracketed limit (scipy.optimize: about 0.1 s)

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
