"""Inference after a Simon two-stage trial: p-value, point estimates and confidence interval that account for the
design (the naive x/n and Clopper–Pearson interval ignore the stage-1 stop rule and are biased).

Outcomes are ordered stage-wise (Koyama & Chen 2008): every trial stopped at stage 1 ranks below every trial that
went on, stage-1 stops by their x1, completed trials by their total x. With T the observed outcome:

- p-value = P_p0(T ⪰ t) (as R ``clinfun::twostage.inference``);
- UMVUE (Jung & Kim 2004): x/n1 after a stage-1 stop, else
  Σ C(n1−1, x1−1)·C(n2, x−x1) / Σ C(n1, x1)·C(n2, x−x1) over the stage-1 counts x1 > r1 compatible with x;
- median-unbiased estimate: the p with P_p(T ⪰ t) = ½ (Koyama & Chen 2008);
- exact 1 − 2α confidence interval: lower limit P_p(T ⪰ t) = α (clinfun's lower limit, found there on a 0.0001
  grid, here exactly by Brent's method), upper limit P_p(T ⪯ t) = α — the interval inverts the ordering at both
  ends, so with r1 = −1 it is Clopper–Pearson. clinfun's upper limit solves P_p(T ⪰ t) = 1 − α instead, which leaves
  the observed outcome out of the upper tail and gives a shorter interval; it is reported as ``clinfun_upper`` for
  comparison. A one-sided 1 − α interval consistent with the design is [lower, 1].
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, special, stats

METHOD = ("stage-wise ordering (Koyama & Chen 2008): p-value, median-unbiased estimate and exact CI; UMVUE of "
          "Jung & Kim (2004); as R clinfun::twostage.inference")


@dataclass(frozen=True)
class TwoStageInference:
    """Design-aware inference for x responses in a two-stage trial (r1/n1, n) tested against p0.

    ``stopped_at_stage_1``: x ≤ r1 responses among the n1 patients of stage 1 (then x counts stage 1 only).
    ``lower``/``upper``: the exact 1 − 2α interval (proportions); ``clinfun_upper``: clinfun's upper limit.
    """

    x: int
    r1: int
    n1: int
    n: int
    p0: float
    alpha: float
    stopped_at_stage_1: bool
    naive_estimate: float
    umvue: float
    median_unbiased: float
    p_value: float
    lower: float
    upper: float
    clinfun_upper: float | None
    conf_level: float
    method: str = METHOD

    def to_dict(self) -> dict:
        return asdict(self)


def _at_least(p: float, x: int, r1: int, n1: int, n: int) -> float:
    """P_p(T ⪰ t) under the stage-wise ordering."""
    if x <= r1:
        return float(stats.binom.sf(x - 1, n1, p))
    x1 = np.arange(r1 + 1, n1 + 1)
    return float(np.sum(stats.binom.pmf(x1, n1, p) * stats.binom.sf(x - x1 - 1, n - n1, p)))


def _equal(p: float, x: int, r1: int, n1: int, n: int) -> float:
    """P_p(T = t)."""
    if x <= r1:
        return float(stats.binom.pmf(x, n1, p))
    x1 = np.arange(r1 + 1, n1 + 1)
    return float(np.sum(stats.binom.pmf(x1, n1, p) * stats.binom.pmf(x - x1, n - n1, p)))


def _solve(f) -> float:
    return float(optimize.brentq(f, 1e-12, 1 - 1e-12, xtol=1e-14, rtol=4 * np.finfo(float).eps))


def two_stage_inference(x: int, r1: int, n1: int, n: int, p0: float, alpha: float = 0.05) -> TwoStageInference:
    """p-value, UMVUE, median-unbiased estimate and exact CI after a two-stage trial.

    Parameters
    ----------
    x : responses observed — in stage 1 only when the trial stopped there (x ≤ r1), else in all n patients.
    r1, n1 : stage-1 boundary and size (stop with ≤ r1 responses of n1). n : total planned size.
    p0 : the null response rate. alpha : one-sided level; the interval has confidence 1 − 2α.
    """
    for name, value in (("x", x), ("r1", r1), ("n1", n1), ("n", n)):
        if not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not 1 <= n1 < n:
        raise ValueError(f"need 1 <= n1 < n, got n1={n1}, n={n}")
    if not -1 <= r1 < n1:
        raise ValueError(f"need -1 <= r1 < n1, got r1={r1}, n1={n1}")
    if not 0 <= x <= n:
        raise ValueError(f"x (responses) must be from 0 to n={n}, got {x}")
    if x > r1 and x - (n - n1) > n1:
        raise ValueError(f"x={x} responses are impossible: at most n1={n1} in stage 1 and {n - n1} in stage 2")
    for name, value in (("p0", p0), ("alpha", alpha)):
        if not isinstance(value, (int, float)) or not 0 < value < 0.5 + (name == "p0") * 0.5:
            raise ValueError(f"{name} must be between 0 and {'1' if name == 'p0' else '0.5'}, got {value!r}")
    stopped = x <= r1
    n2 = n - n1
    if stopped:
        umvue = x / n1
    else:
        x1 = np.arange(max(r1 + 1, x - n2), min(x, n1) + 1)
        umvue = float(np.sum(special.comb(n1 - 1, x1 - 1, exact=False) * special.comb(n2, x - x1))
                      / np.sum(special.comb(n1, x1) * special.comb(n2, x - x1)))
    at_least = lambda p: _at_least(p, x, r1, n1, n)  # noqa: E731
    at_most = lambda p: 1 - at_least(p) + _equal(p, x, r1, n1, n)  # noqa: E731
    smallest = x == 0                      # P(T ⪰ t) = 1 for every p
    largest = x == n                       # P(T ⪯ t) = 1 for every p
    return TwoStageInference(
        x, r1, n1, n, p0, alpha, stopped, x / (n1 if stopped else n), umvue,
        0.0 if smallest else _solve(lambda p: at_least(p) - 0.5),
        at_least(p0),
        0.0 if smallest else _solve(lambda p: at_least(p) - alpha),
        1.0 if largest else _solve(lambda p: at_most(p) - alpha),
        None if smallest else _solve(lambda p: at_least(p) - (1 - alpha)),
        1 - 2 * alpha)
