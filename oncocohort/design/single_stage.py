"""Exact single-stage phase II design for a response rate (A'Hern 2001), with Fleming's (1982) normal
approximation beside it.

The trial treats n patients and calls the treatment promising with at least r responses. A'Hern's design is the
smallest n for which some r gives an exact binomial type I error P(X ≥ r | p0) ≤ α and power
P(X ≥ r | p1) ≥ 1 − β (the smallest such r is taken: it has the larger power). Fleming's single-stage sample size
uses the normal approximation n = ((z₁₋α·√(p0(1−p0)) + z₁₋β·√(p1(1−p1))) / (p1 − p0))²; A'Hern shows it can be
too small, so it is reported for comparison only. Same search as R ``clinfun::ph2single`` (its r is ours − 1).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..stats.distributions import stats  # scipy.stats, imported at the first binomial computation
from .simon import check_rates

METHOD = "A'Hern (2001) exact single-stage design (exact binomial); Fleming (1982) normal approximation for comparison"
N_LIMIT = 5000


@dataclass(frozen=True)
class SingleStageDesign:
    """Treat ``n`` patients; promising with at least ``r`` responses. ``alpha`` and ``power`` are the attained
    exact values; ``n_normal_approximation`` is Fleming's (1982) normal-approximation size for the same targets."""

    p0: float
    p1: float
    alpha_target: float
    power_target: float
    n: int
    r: int
    alpha: float
    power: float
    n_normal_approximation: int
    method: str = METHOD

    def to_dict(self) -> dict:
        return asdict(self)


def single_stage(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8) -> SingleStageDesign:
    """The smallest exact single-stage design for H0: p ≤ p0 against p ≥ p1 (one-sided α, power at p1).

    Parameters
    ----------
    p0, p1 : uninteresting and target response rates (proportions, p0 < p1).
    alpha : largest exact type I error allowed. power : smallest exact power allowed.
    """
    check_rates(p0, p1, alpha, power)
    for n in range(1, N_LIMIT + 1):
        # smallest r with P(X >= r | p0) <= alpha; binom.isf gives the smallest k with P(X > k) <= alpha
        r = int(stats.binom.isf(alpha, n, p0)) + 1
        # isf works on a grid of floats: step to the exact boundary
        while r > 0 and stats.binom.sf(r - 2, n, p0) <= alpha:
            r -= 1
        while stats.binom.sf(r - 1, n, p0) > alpha:
            r += 1
        if r > n:
            continue
        achieved = float(stats.binom.sf(r - 1, n, p1))
        if achieved >= power:
            z_a, z_b = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)
            normal = ((z_a * math.sqrt(p0 * (1 - p0)) + z_b * math.sqrt(p1 * (1 - p1))) / (p1 - p0)) ** 2
            return SingleStageDesign(p0, p1, alpha, power, n, r, float(stats.binom.sf(r - 1, n, p0)), achieved,
                                     int(np.ceil(normal - 1e-9)))
    raise ValueError(f"no single-stage design with at most {N_LIMIT} patients")
