"""Sample size of a single-arm trial with a time-to-event endpoint compared with a historical median: the
one-sample log-rank test, by Wu's (2015) formula with the exact variance under the alternative.

Model: the historical survival is Weibull S0(t) = exp(−ln 2·(t/m0)^k) (k = 1: exponential, the usual case), the new
treatment has proportional hazards S(t) = S0(t)^δ with δ = the hazard ratio (from medians under the exponential
model, δ = m0/m1), patients enter uniformly over the accrual time a and are followed at least f more (no loss to
follow-up), so the censoring survival is G(t) = 1 for t ≤ f, (a + f − t)/a up to a + f. The test statistic is
(O − E)/√E with E = Σ Λ0(Xᵢ); H0 (δ = 1) is rejected one-sided at level α. With

    σ0² = ∫ G·S0^δ dΛ0,   σ1² = δ·σ0²,   p00 = ∫ G·S0^δ·Λ0 dΛ0,   p01 = δ·p00,
    ω = σ1² − σ0²,        σ² = σ1² − σ1⁴ + 2·p00 − σ0⁴ − 2·p01 + 2·σ0²·σ1²,

the number of patients is n = (σ0·z₁₋α + σ·z₁₋β)² / ω² (rounded up), and the expected number of events n·σ1².
Finkelstein, Muzikansky & Schoenfeld (2003) use the same test with the variance under H0; Wu's exact variance is
what made the calculated sizes hold their nominal power in simulation, so it is the one used. Integrals by scipy
``quad`` (adaptive Gauss–Kronrod) split at f.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from scipy import integrate, stats

METHOD = ("one-sample log-rank test, sample size by Wu (2015) (exact variance under the alternative), Weibull/"
          "exponential historical survival, uniform accrual")


@dataclass(frozen=True)
class OneSampleLogrankSize:
    """Patients (``n``) and expected events for a one-sample log-rank test; times in the user's unit (months…).

    ``hazard_ratio`` δ < 1 means the new treatment lowers the hazard; ``median1`` is the median it implies,
    m0·δ^(−1/k). ``n_exact`` is the formula's value before rounding up.
    """

    median0: float
    median1: float
    hazard_ratio: float
    shape: float
    accrual: float
    followup: float
    alpha: float
    power: float
    n_exact: float
    n: int
    expected_events: float
    method: str = METHOD

    def to_dict(self) -> dict:
        return asdict(self)


def _positive(name: str, value) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def one_sample_logrank_size(median0: float, accrual: float, followup: float, *, median1: float | None = None,
                            hazard_ratio: float | None = None, alpha: float = 0.05, power: float = 0.8,
                            shape: float = 1.0) -> OneSampleLogrankSize:
    """Patients needed to show, by a one-sided one-sample log-rank test, that survival beats a historical median.

    Parameters
    ----------
    median0 : historical median survival (time unit of your choice).
    accrual, followup : accrual period and minimum follow-up after the last patient enters (same unit).
    median1 or hazard_ratio : the target — the median hoped for (δ = (m0/m1)^k) or the hazard ratio δ < 1.
    alpha : one-sided type I error. power : power at the target. shape : Weibull shape k (1 = exponential).
    """
    m0 = _positive("median0", median0)
    a = _positive("accrual", accrual)
    f = _positive("followup", followup)
    k = _positive("shape", shape)
    if (median1 is None) == (hazard_ratio is None):
        raise ValueError("give either median1 (the median hoped for) or hazard_ratio, not both or neither")
    if median1 is not None:
        m1 = _positive("median1", median1)
        if m1 <= m0:
            raise ValueError(f"median1 ({m1}) must be longer than median0 ({m0}): the test shows an improvement")
        delta = (m0 / m1) ** k
    else:
        delta = _positive("hazard_ratio", hazard_ratio)
        if delta >= 1:
            raise ValueError(f"hazard_ratio must be below 1 (the new treatment lowers the hazard), got {delta}")
        m1 = m0 * delta ** (-1 / k)
    for name, value in (("alpha", alpha), ("power", power)):
        if not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {value!r}")

    def hazard0(t):
        return k * math.log(2) * t ** (k - 1) / m0 ** k

    def cumulative0(t):
        return math.log(2) * (t / m0) ** k

    def weight(t):   # G(t)·S0(t)^δ·λ0(t)
        censoring = 1.0 if t <= f else (a + f - t) / a
        return censoring * math.exp(-delta * cumulative0(t)) * hazard0(t)

    def both(g):
        return sum(integrate.quad(g, lo, hi, epsabs=0, epsrel=1e-12, limit=200)[0] for lo, hi in ((0, f), (f, a + f)))

    sigma0_sq = both(weight)
    p00 = both(lambda t: weight(t) * cumulative0(t))
    sigma1_sq, p01 = delta * sigma0_sq, delta * p00
    omega = sigma1_sq - sigma0_sq
    sigma = math.sqrt(sigma1_sq - sigma1_sq ** 2 + 2 * p00 - sigma0_sq ** 2 - 2 * p01 + 2 * sigma0_sq * sigma1_sq)
    n_exact = (math.sqrt(sigma0_sq) * stats.norm.ppf(1 - alpha) + sigma * stats.norm.ppf(power)) ** 2 / omega ** 2
    n = math.ceil(n_exact - 1e-9)
    return OneSampleLogrankSize(m0, m1, delta, k, a, f, alpha, power, n_exact, n, n * sigma1_sq)
