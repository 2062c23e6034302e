"""Log-rank and Fleming–Harrington G(rho) tests from per-time counts, equal to R ``survdiff``.

At each distinct event time t of a stratum, with n_t at risk, d_t events, n_kt and d_kt in group k and weight
w_t = Ŝ(t−)^rho (Ŝ the pooled Kaplan–Meier of the stratum, left-continuous; rho = 0 log-rank, rho = 1
Peto–Peto as R):  O_k = Σ w d_kt,  E_k = Σ w d_t n_kt / n_t,
V_kl = Σ w² d_t (n_t − d_t)/(n_t − 1) · (n_kt/n_t)(δ_kl − n_lt/n_t).  Strata add their O, E and V.
Chi-square = (O − E)ᵀ V⁻¹ (O − E) over groups with E > 0, the first dropped; df = their number − 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distributions import stats  # scipy.stats' chi-square sf, without importing scipy.stats
from .event_counts import count_events


@dataclass(frozen=True)
class LogRankTest:
    """Result of a (weighted, possibly stratified) log-rank test."""

    groups: tuple[str, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]
    chisq: float
    df: int
    p_value: float
    rho: float
    stratified: bool
    method: str

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per group (observed, expected events) with the test's chi-square, df and p repeated, as
        R ``broom::tidy`` + ``glance`` of ``survdiff``."""
        return pd.DataFrame({"group": list(self.groups), "observed": list(self.observed),
                             "expected": list(self.expected), "statistic": self.chisq, "df": self.df,
                             "p_value": self.p_value, "method": self.method})


def logrank_from_counts(counts: pd.DataFrame, rho: float = 0.0) -> LogRankTest:
    """The test from counts with columns stratum, group, time, n_event, n_censor (see event_counts)."""
    groups = tuple(sorted(counts["group"].unique()))
    k = len(groups)
    observed, expected, variance = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for _, stratum in counts.groupby("stratum", sort=True):
        wide = stratum.pivot_table(index="time", columns="group", values=["n_event", "n_censor"], aggfunc="sum",
                                   fill_value=0).sort_index()
        d_k = wide["n_event"].reindex(columns=groups, fill_value=0).to_numpy(float)
        c_k = wide["n_censor"].reindex(columns=groups, fill_value=0).to_numpy(float)
        leaving = d_k + c_k
        n_k = leaving[::-1].cumsum(axis=0)[::-1]
        n, d = n_k.sum(axis=1), d_k.sum(axis=1)
        surv_before = np.concatenate([[1.0], np.cumprod(1 - d / n)[:-1]])
        w = surv_before**rho
        share = n_k / n[:, None]
        observed += (w[:, None] * d_k).sum(axis=0)
        expected += (w[:, None] * d[:, None] * share).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n > 1, w**2 * d * (n - d) / (n - 1), 0.0)
        variance += _variance(factor, share)
    use = expected > 0
    diff = (observed - expected)[use][1:]
    v = variance[np.ix_(use, use)][1:, 1:]
    df = int(use.sum()) - 1
    chisq = float(diff @ np.linalg.solve(v, diff)) if df > 0 else 0.0
    p_value = float(stats.chi2.sf(chisq, df)) if df > 0 else 1.0
    stratified = counts["stratum"].nunique() > 1
    name = "log-rank test" if rho == 0 else f"Fleming–Harrington G(rho = {rho:g}) test"
    return LogRankTest(groups, tuple(observed), tuple(expected), chisq, df, p_value, rho, stratified,
                       ("stratified " if stratified else "") + name)


def _variance(factor: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Σ_t factor_t · (diag(share_t) − share_t share_tᵀ)."""
    diagonal = np.diag((factor[:, None] * share).sum(axis=0))
    return diagonal - np.einsum("t,tk,tl->kl", factor, share, share)


def logrank_test(time, event, group, stratum=None, rho: float = 0.0) -> LogRankTest:
    """Compare survival between groups (optionally within strata) from patient rows."""
    return logrank_from_counts(count_events(time, event, group, stratum), rho)

