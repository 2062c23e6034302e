"""Binomial proportions: confidence intervals by five methods and the exact one-sample binomial test.

Clopper–Pearson, Wilson and Wilson with continuity correction come from scipy (``binomtest``), which agrees
with R's ``binom.test`` / ``prop.test`` (tests/reference). Jeffreys is the equal-tailed Beta(x + ½, n − x + ½)
interval (Brown, Cai & DasGupta 2001) and Agresti–Coull the adjusted Wald interval (Agresti & Coull 1998),
both by their closed forms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from .distributions import stats  # scipy.stats; binomtest without importing it (stats/exact_tests.py)

CiMethod = Literal["clopper-pearson", "wilson", "wilson-cc", "jeffreys", "agresti-coull"]
CI_METHOD_NAMES = {
    "clopper-pearson": "Clopper–Pearson exact",
    "wilson": "Wilson score",
    "wilson-cc": "Wilson score with continuity correction",
    "jeffreys": "Jeffreys",
    "agresti-coull": "Agresti–Coull",
}


@dataclass(frozen=True)
class ProportionEstimate:
    """x of n with its confidence interval (proportions, 0–1) and the method that produced it."""

    x: int
    n: int
    estimate: float
    lower: float
    upper: float
    conf_level: float
    method: str

    @property
    def method_label(self) -> str:
        return f"{self.conf_level:.0%} CI, {CI_METHOD_NAMES[self.method]}"

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row (x, n, estimate, conf_low, conf_high, conf_level, method), as R ``broom::tidy(binom.test)``."""
        return pd.DataFrame([{"x": self.x, "n": self.n, "estimate": self.estimate, "conf_low": self.lower,
                              "conf_high": self.upper, "conf_level": self.conf_level, "method": self.method_label}])


@dataclass(frozen=True)
class BinomialTest:
    """Exact binomial test of x of n against p0 (as R ``binom.test``)."""

    x: int
    n: int
    p0: float
    alternative: str
    p_value: float
    method: str = "exact binomial test"

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row (x, n, null_value, alternative, p_value, method)."""
        return pd.DataFrame([{"x": self.x, "n": self.n, "null_value": self.p0, "alternative": self.alternative,
                              "p_value": self.p_value, "method": self.method}])


def _check(x: int, n: int, conf_level: float) -> None:
    if not (isinstance(x, int) and isinstance(n, int)) or n < 1 or not 0 <= x <= n:
        raise ValueError(f"need whole numbers 0 <= x <= n and n >= 1, got x={x!r}, n={n!r}")
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be between 0 and 1, got {conf_level!r}")


def proportion_ci(x: int, n: int, method: CiMethod = "clopper-pearson", conf_level: float = 0.95) -> ProportionEstimate:
    """Confidence interval for the proportion x / n.

    Parameters
    ----------
    x, n : successes and trials (e.g. responders and evaluable patients).
    method : "clopper-pearson" (exact, default), "wilson", "wilson-cc", "jeffreys" or "agresti-coull".
    conf_level : two-sided confidence level.
    """
    _check(x, n, conf_level)
    alpha = 1 - conf_level
    if method in ("clopper-pearson", "wilson", "wilson-cc"):
        scipy_method = {"clopper-pearson": "exact", "wilson": "wilson", "wilson-cc": "wilsoncc"}[method]
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=conf_level, method=scipy_method)
        lower, upper = float(ci.low), float(ci.high)
    elif method == "jeffreys":
        lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x + 0.5, n - x + 0.5))
        upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 0.5, n - x + 0.5))
    elif method == "agresti-coull":
        z = float(stats.norm.ppf(1 - alpha / 2))
        n_tilde = n + z * z
        p_tilde = (x + z * z / 2) / n_tilde
        half = z * math.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
        lower, upper = max(0.0, p_tilde - half), min(1.0, p_tilde + half)
    else:
        raise ValueError(f"unknown CI method {method!r}; choose one of {', '.join(CI_METHOD_NAMES)}")
    return ProportionEstimate(x, n, x / n, lower, upper, conf_level, method)


def binomial_test(x: int, n: int, p0: float, alternative: str = "two-sided") -> BinomialTest:
    """Exact binomial test of H0: p = p0. ``alternative``: "two-sided" (R's rule: sum the probabilities of
    outcomes no more likely than the observed one), "greater" or "less"."""
    _check(x, n, 0.95)
    if not 0 < p0 < 1:
        raise ValueError(f"p0 must be between 0 and 1, got {p0!r}")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError("alternative must be 'two-sided', 'greater' or 'less'")
    return BinomialTest(x, n, p0, alternative, float(stats.binomtest(x, n, p0, alternative=alternative).pvalue))
