"""scipy.stats' exact binomial test (``binomtest``, with its Clopper–Pearson and Wilson intervals) and 2×2 Fisher
exact test (``fisher_exact``), computed without importing scipy.stats.

scipy.stats costs about half a second to import and the report needs only these two of it here, so they are
written out: the same algorithm and arithmetic as scipy.stats 1.11–1.17 (``scipy/stats/_binomtest.py``,
``fisher_exact`` in ``_stats_py.py``) on the binomial and hypergeometric functions of :mod:`.distributions`,
which are scipy.stats' own ufuncs. The numbers are therefore scipy.stats' bit for bit (tests/stats/
test_exact_tests.py compares them over grids; R's ``binom.test`` and ``fisher.test`` agree to 1e-6,
tests/reference/make_exact_tests_reference.R):

- two-sided binomial p: R's rule, the probabilities of outcomes with pmf ≤ pmf(k)·(1 + 1e-7) summed as a lower and
  an upper tail, the far tail's end found by binary search;
- Clopper–Pearson limits: the p at which the binomial tail equals α/2, found by Brent's method with scipy's
  defaults (``brentq``: xtol 2e-12, rtol 4·eps, 100 iterations), ported below from scipy's C code
  (scipy/optimize/Zeros/brentq.c) because importing scipy.optimize costs about 0.15 s. The limits are therefore
  scipy's (exact to about 2e-12), not the closed-form beta quantiles, which differ in the last digits;
- Fisher's two-sided p: tables with probability ≤ P(observed)·(1 + 1e-14) summed, as scipy.

Arguments these functions do not handle (invalid input, r×c tables, a Brent search that fails) and scipy without
the private ufuncs are handed to scipy.stats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.special import _ufuncs  # scipy.stats' binomial ufuncs (stats/distributions.py, module docstring)

from .distributions import HAS_BOOST_DISCRETE, _scipy_stats, binom, hypergeom

_RERR = 1 + 1e-7  # scipy binomtest / R binom.test: "as or less likely than observed"
_XTOL, _RTOL, _MAXITER = 2e-12, 4 * np.finfo(float).eps, 100  # scipy.optimize.brentq's defaults


@dataclass(frozen=True)
class ConfidenceInterval:
    """A confidence interval (``low``, ``high``), as scipy.stats' ConfidenceInterval."""

    low: float
    high: float


class _BrentFailed(Exception):
    """The bracketing interval has no sign change, a value is NaN, or 100 iterations did not converge."""


def _brentq(f, xa: float, xb: float) -> float:
    """The root of ``f`` in [xa, xb] by Brent's method: scipy.optimize.brentq with its defaults, step for step
    (scipy/optimize/Zeros/brentq.c, same operations in the same order on doubles, so the same root)."""
    xtol, rtol = _XTOL, _RTOL
    xpre, xcur = float(xa), float(xb)
    xblk = fblk = spre = scur = 0.0
    fpre, fcur = float(f(xpre)), float(f(xcur))
    if math.isnan(fpre) or math.isnan(fcur) or fpre * fcur > 0:
        raise _BrentFailed
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    for _ in range(_MAXITER):
        if fpre * fcur < 0:
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # good short step
                spre, scur = scur, stry
            else:  # bisect
                spre = scur = sbis
        else:  # bisect
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = float(f(xcur))
        if math.isnan(fcur):
            raise _BrentFailed
    raise _BrentFailed


def _clipped(value: float) -> float:
    """np.clip(value, 0, 1), as rv_discrete clips, for one float."""
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def _clopper_pearson(k: int, n: int, confidence_level: float, alternative: str) -> tuple[float, float]:
    """scipy's ``_binom_exact_conf_int``: the limits where P(X ≥ k) resp. P(X ≤ k) under Bin(n, p) is α.

    The tails are binom.sf(k − 1, n, p) and binom.cdf(k, n, p) called on one float, k − 1 and k inside the
    support 0…n − 1 and p in [0, 1]: the ufunc and the clipping binom applies there, without its array handling
    (a fifth of the time of the Brent search's 20–40 evaluations)."""
    alpha = (1 - confidence_level) / 2 if alternative == "two-sided" else 1 - confidence_level
    low = 0.0
    if k != 0 and alternative != "less":
        low = _brentq(lambda p: _clipped(_ufuncs._binom_sf(k - 1.0, n, p)) - alpha, 0, 1)
    high = 1.0
    if k != n and alternative != "greater":
        high = _brentq(lambda p: _clipped(_ufuncs._binom_cdf(float(k), n, p)) - alpha, 0, 1)
    return low, high


def _wilson(k: int, n: int, confidence_level: float, alternative: str, correction: bool) -> tuple[float, float]:
    """scipy's ``_binom_wilson_conf_int`` (Newcombe 1998), the same expressions on the same types."""
    p = k / n
    z = special.ndtri(0.5 + 0.5 * confidence_level) if alternative == "two-sided" else special.ndtri(confidence_level)
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    q = 1 - p
    if correction:
        lo = 0.0 if alternative == "less" or k == 0 else \
            center - (1 + z * math.sqrt(z**2 - 2 - 1 / n + 4 * p * (n * q + 1))) / denom
        hi = 1.0 if alternative == "greater" or k == n else \
            center + (1 + z * math.sqrt(z**2 + 2 - 1 / n + 4 * p * (n * q - 1))) / denom
    else:
        delta = z / denom * math.sqrt(4 * n * p * q + z**2)
        lo = 0.0 if alternative == "less" or k == 0 else center - delta
        hi = 1.0 if alternative == "greater" or k == n else center + delta
    return lo, hi


@dataclass(frozen=True)
class BinomTestResult:
    """The result of :func:`binomtest` (scipy.stats' BinomTestResult): k of n, ``statistic`` = k / n, ``pvalue``."""

    k: int
    n: int
    p: float
    alternative: str
    statistic: float
    pvalue: float

    def proportion_ci(self, confidence_level: float = 0.95, method: str = "exact") -> ConfidenceInterval:
        """Confidence interval for k / n: "exact" (Clopper–Pearson), "wilson" or "wilsoncc" (with continuity
        correction), as scipy.stats' ``BinomTestResult.proportion_ci``."""
        if method not in ("exact", "wilson", "wilsoncc") or not 0 < confidence_level < 1:
            return self._scipy().proportion_ci(confidence_level=confidence_level, method=method)
        if method == "exact":
            try:
                low, high = _clopper_pearson(self.k, self.n, confidence_level, self.alternative)
            except _BrentFailed:
                return self._scipy().proportion_ci(confidence_level=confidence_level, method=method)
        else:
            low, high = _wilson(self.k, self.n, confidence_level, self.alternative, method == "wilsoncc")
        return ConfidenceInterval(low, high)

    def _scipy(self):
        return _scipy_stats().binomtest(self.k, self.n, self.p, alternative=self.alternative)


def _binary_search(a, d, lo, hi):
    """scipy's ``_binary_search_for_binom_tst``: the i in [lo, hi] with a(i) ≤ d < a(i + 1), a ascending."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        midval = a(mid)
        if midval < d:
            lo = mid + 1
        elif midval > d:
            hi = mid - 1
        else:
            return mid
    return lo if a(lo) <= d else lo - 1


def binomtest(k: int, n: int, p: float = 0.5, alternative: str = "two-sided"):
    """Exact test that the probability of success in n trials with k successes is p (scipy.stats.binomtest).

    Returns
    -------
    BinomTestResult with ``pvalue`` ("two-sided": R's rule, module docstring; "greater": P(X ≥ k); "less":
    P(X ≤ k)) and ``proportion_ci``; scipy.stats' own result for arguments other than whole numbers
    0 ≤ k ≤ n, n ≥ 1, 0 ≤ p ≤ 1 and a known alternative (it then raises its errors).
    """
    valid = (all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (k, n))
             and 1 <= n and 0 <= k <= n and isinstance(p, (int, float)) and 0 <= p <= 1
             and alternative in ("two-sided", "less", "greater"))
    if not (valid and HAS_BOOST_DISCRETE):
        return _scipy_stats().binomtest(k, n, p, alternative=alternative)
    k, n = int(k), int(n)
    if alternative == "less":
        pval = binom.cdf(k, n, p)
    elif alternative == "greater":
        pval = binom.sf(k - 1, n, p)
    else:
        d = binom.pmf(k, n, p)
        if k == p * n:
            pval = 1.0
        elif k < p * n:
            ix = _binary_search(lambda x1: -binom.pmf(x1, n, p), -d * _RERR, np.ceil(p * n), n)
            y = n - ix + int(d * _RERR == binom.pmf(ix, n, p))
            pval = binom.cdf(k, n, p) + binom.sf(n - y, n, p)
        else:
            ix = _binary_search(lambda x1: binom.pmf(x1, n, p), d * _RERR, 0, np.floor(p * n))
            y = ix + 1
            pval = binom.cdf(y - 1, n, p) + binom.sf(k - 1, n, p)
        pval = min(1.0, pval)
    return BinomTestResult(k, n, p, alternative, k / n, pval)


@dataclass(frozen=True)
class FisherExactResult:
    """The result of :func:`fisher_exact`: the sample odds ratio ``statistic`` and ``pvalue``."""

    statistic: float
    pvalue: float


def fisher_exact(table, alternative: str | None = None):
    """Fisher's exact test of a 2×2 table (scipy.stats.fisher_exact): "two-sided" (default; tables with
    probability ≤ P(observed)·(1 + 1e-14)), "less" or "greater"; other tables and arguments to scipy.stats."""
    c = np.asarray(table)
    counts = c.dtype.kind in "iu" or (c.dtype.kind == "f" and bool(np.all(np.isfinite(c) & (c == np.round(c)))))
    if (c.shape != (2, 2) or not counts or np.any(c < 0) or not HAS_BOOST_DISCRETE
            or alternative not in (None, "two-sided", "less", "greater")):
        return _scipy_stats().fisher_exact(table, alternative)
    c = c.astype(np.int64)
    alternative = "two-sided" if alternative is None else alternative
    if 0 in c.sum(axis=0) or 0 in c.sum(axis=1):
        return FisherExactResult(np.nan, 1.0)
    oddsratio = c[0, 0] * c[1, 1] / (c[1, 0] * c[0, 1]) if c[1, 0] > 0 and c[0, 1] > 0 else np.inf
    n1 = c[0, 0] + c[0, 1]
    n2 = c[1, 0] + c[1, 1]
    n = c[0, 0] + c[1, 0]

    def pmf(x):
        return hypergeom.pmf(x, n1 + n2, n1, n)

    if alternative == "less":
        pvalue = hypergeom.cdf(c[0, 0], n1 + n2, n1, n)
    elif alternative == "greater":
        pvalue = hypergeom.cdf(c[0, 1], n1 + n2, n1, c[0, 1] + c[1, 1])
    else:
        mode = int((n + 1) * (n1 + 1) / (n1 + n2 + 2))
        pexact = pmf(c[0, 0])
        pmode = pmf(mode)
        epsilon = 1e-14
        gamma = 1 + epsilon
        if np.abs(pexact - pmode) / np.maximum(pexact, pmode) <= epsilon:
            return FisherExactResult(oddsratio, 1.0)
        if c[0, 0] < mode:
            plower = hypergeom.cdf(c[0, 0], n1 + n2, n1, n)
            if pmf(n) > pexact * gamma:
                return FisherExactResult(oddsratio, plower)
            guess = _binary_search(lambda x: -pmf(x), -pexact * gamma, mode, n)
            pvalue = plower + hypergeom.sf(guess, n1 + n2, n1, n)
        else:
            pupper = hypergeom.sf(c[0, 0] - 1, n1 + n2, n1, n)
            if pmf(0) > pexact * gamma:
                return FisherExactResult(oddsratio, pupper)
            guess = _binary_search(pmf, pexact * gamma, 0, mode)
            pvalue = pupper + hypergeom.cdf(guess, n1 + n2, n1, n)
    return FisherExactResult(oddsratio, min(pvalue, 1.0))
