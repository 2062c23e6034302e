"""Tests of association in r×c tables: Fisher's exact test (2×2 and r×c) and Pearson's chi-square.

scipy's ``fisher_exact`` is exact for 2×2 only (its r×c version is Monte Carlo), so the r×c test is written
here: the Freeman–Halton extension, summed exactly with a network algorithm (Mehta & Patel 1983): columns are
processed one at a time; each node is the multiset of remaining row totals; exact longest/shortest completions
decide whole subtrees at once, and the total probability of a subtree has the closed form
N!/(∏ r_i!) · ∏ 1/c_j!. The two-sided p-value is R's: tables with probability ≤ P(observed)·(1 + 1e-7).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np

from .distributions import stats  # scipy.stats; the 2×2 fisher_exact without importing it (stats/exact_tests.py)

_REL_ERR = 1 + 1e-7  # R fisher.test / binom.test tolerance for "as or less likely than observed"


@dataclass(frozen=True)
class AssociationTest:
    """Result of a test of association in a contingency table."""

    method: str
    statistic: float | None
    df: int | None
    p_value: float
    expected_min: float
    rule: str = ""


def _as_table(table) -> np.ndarray:
    array = np.asarray(table)
    if array.ndim != 2 or array.shape[0] < 2 or array.shape[1] < 2:
        raise ValueError("need a table with at least 2 rows and 2 columns")
    if np.any(array < 0) or np.any(array != np.round(array)):
        raise ValueError("table cells must be counts (whole numbers >= 0)")
    array = array.astype(int)
    return array[array.sum(axis=1) > 0][:, array.sum(axis=0) > 0] if array.sum() else array


def expected_counts(table) -> np.ndarray:
    """Expected cell counts under independence: row total × column total / N."""
    array = np.asarray(table, dtype=float)
    return np.outer(array.sum(axis=1), array.sum(axis=0)) / array.sum()


def _compositions(total: int, bounds: tuple[int, ...]):
    """Every vector x with sum(x) = total and 0 <= x_i <= bounds_i."""
    if len(bounds) == 1:
        if total <= bounds[0]:
            yield (total,)
        return
    rest = sum(bounds[1:])
    for first in range(max(0, total - rest), min(bounds[0], total) + 1):
        for tail in _compositions(total - first, bounds[1:]):
            yield (first, *tail)


def _last_two_columns(c: int, remaining: tuple[int, ...], lf: list[float]) -> tuple[float, float]:
    """Exact max and min of term(x) + term(remaining − x) over x with sum c, 0 <= x <= remaining.

    The objective Σ_i g_i(x_i), g_i(v) = −log v! − log (r_i − v)!, is separable and concave in each x_i, so the
    maximum is reached by greedy allocation of the c units to the largest marginal gain, and the minimum at a
    vertex of the feasible set, i.e. by filling the rows to capacity in some order (all orders tried).
    """
    x = [0] * len(remaining)
    for _ in range(c):
        i = max((i for i in range(len(x)) if x[i] < remaining[i]),
                key=lambda i: math.log(remaining[i] - x[i]) - math.log(x[i] + 1))
        x[i] += 1
    best = -sum(lf[v] + lf[r - v] for v, r in zip(x, remaining))
    worst = math.inf
    for order in itertools.permutations(range(len(remaining))):
        left, y = c, [0] * len(remaining)
        for i in order:
            y[i] = min(remaining[i], left)
            left -= y[i]
        worst = min(worst, -sum(lf[v] + lf[r - v] for v, r in zip(y, remaining)))
    return best, worst


def fisher_exact_rxc(table) -> float:
    """Two-sided Fisher exact (Freeman–Halton) p-value of an r×c table, equal to R ``fisher.test``."""
    array = _as_table(table)
    if array.shape[0] < 2 or array.shape[1] < 2:
        return 1.0
    if array.shape[0] > array.shape[1]:
        array = array.T  # fewer rows = smaller nodes
    rows = tuple(int(v) for v in array.sum(axis=1))
    cols = tuple(sorted((int(v) for v in array.sum(axis=0)), reverse=True))
    n = sum(rows)
    lf = [math.lgamma(k + 1) for k in range(n + 1)]

    def term(x) -> float:  # log ∏ 1/x_i! for one column
        return -sum(lf[v] for v in x)

    # log P(table) = const + Σ_j term(column j); const = Σ log r_i! + Σ log c_j! − log N!
    const = sum(lf[r] for r in rows) + sum(lf[c] for c in cols) - lf[n]
    observed = sum(term(array[:, j]) for j in range(array.shape[1]))
    threshold = observed + math.log(_REL_ERR)
    n_cols = len(cols)

    @cache
    def bounds(j: int, remaining: tuple[int, ...]) -> tuple[float, float]:
        """Largest and smallest Σ term over completions of columns j.. with these row totals left."""
        if j == n_cols - 1:
            value = term(remaining)
            return value, value
        if j == n_cols - 2 and len(remaining) <= 6:
            return _last_two_columns(cols[j], remaining, lf)
        best, worst = -math.inf, math.inf
        for x in _compositions(cols[j], remaining):
            hi, lo = bounds(j + 1, tuple(sorted(r - v for r, v in zip(remaining, x))))
            best, worst = max(best, term(x) + hi), min(worst, term(x) + lo)
        return best, worst

    def log_total(j: int, remaining: tuple[int, ...]) -> float:
        """log Σ over all completions of exp(Σ term) = log N'! − Σ log r_i! − Σ_{k>=j} log c_k!."""
        return lf[sum(remaining)] - sum(lf[r] for r in remaining) - sum(lf[c] for c in cols[j:])

    # Each node holds the distinct log-probabilities of the partial tables that reach it (rounded to 1e-9 and
    # merged, with their multiplicities), as numpy arrays.
    p_value = 0.0
    nodes: dict[tuple[int, ...], list] = {tuple(sorted(rows)): [(np.zeros(1), np.ones(1))]}
    for j in range(n_cols):
        following: dict[tuple[int, ...], list] = defaultdict(list)
        for remaining, chunks in nodes.items():
            values = np.concatenate([v for v, _ in chunks])
            counts = np.concatenate([c for _, c in chunks])
            values, inverse = np.unique(np.round(values, 9), return_inverse=True)
            counts = np.bincount(inverse, weights=counts)
            hi, lo = bounds(j, remaining)
            take = values + hi <= threshold  # every completion is as or less likely: the whole subtree counts
            if take.any():
                subtree = log_total(j, remaining)
                p_value += float(np.sum(counts[take] * np.exp(const + values[take] + subtree)))
            expand = ~take & (values + lo <= threshold)  # the rest, unless no completion can qualify
            if not expand.any():
                continue
            values, counts = values[expand], counts[expand]
            for x in _compositions(cols[j], remaining):
                child = tuple(sorted(r - v for r, v in zip(remaining, x)))
                following[child].append((values + term(x), counts))
        nodes = following
    return min(1.0, p_value)


def fisher_exact(table) -> AssociationTest:
    """Fisher's exact test, two-sided: scipy for 2×2 (same as R), the network algorithm for larger tables."""
    array = _as_table(table)
    e_min = float(expected_counts(array).min())
    if array.shape == (2, 2):
        p = float(stats.fisher_exact(array).pvalue)
        return AssociationTest("Fisher exact test", None, None, p, e_min)
    return AssociationTest("Fisher–Freeman–Halton exact test", None, None, fisher_exact_rxc(array), e_min)


def chi_square(table, correct: bool = False) -> AssociationTest:
    """Pearson chi-square test of independence; ``correct`` applies Yates' continuity correction (2×2 only, as R)."""
    array = _as_table(table)
    statistic, p, df, expected = stats.chi2_contingency(array, correction=correct)
    name = "Pearson chi-square test" + (" with Yates continuity correction" if correct and df == 1 else "")
    return AssociationTest(name, float(statistic), int(df), float(p), float(expected.min()))


def test_association(table, min_expected: float = 5.0) -> AssociationTest:
    """The default test for a table: Fisher's exact test when any expected count is below ``min_expected``
    (Cochran's rule), otherwise Pearson's chi-square (Yates-corrected for 2×2, as R's ``chisq.test``).
    The rule applied is stated in the result."""
    array = _as_table(table)
    e_min = float(expected_counts(array).min())
    if e_min < min_expected:
        result = fisher_exact(array)
        rule = f"Fisher exact test because the smallest expected count is {e_min:.2f} (< {min_expected:g})"
    else:
        result = chi_square(array, correct=array.shape == (2, 2))
        rule = f"chi-square test because every expected count is >= {min_expected:g}"
    return AssociationTest(result.method, result.statistic, result.df, result.p_value, e_min, rule)


test_association.__test__ = False  # a statistics function named test_*, not a pytest test
