"""Kaplan–Meier estimation from per-time counts, with the conventions of R ``survival`` (and SPSS where named).

- Survival: product-limit; Greenwood variance. ``std_err`` is R's: the SE of −log S(t), sqrt(Σ d/(n(n−d))).
- Pointwise CIs (R ``survfit_confint``): ``log`` (R default), ``log-log`` (SAS default), ``plain``.
- Quantiles (median etc.): R ``quantile.survfit`` — the first time S(t) ≤ 1 − p; where S(t) equals 1 − p exactly,
  the midpoint to the next event time (or to the last follow-up time). Their CIs: the same rule applied to the
  confidence band (Brookmeyer–Crowley style, as R).
- SPSS median CI: median ± z·SE with Collett's SE = SE(Ŝ(median)) / f̂, f̂ = (Ŝ(u) − Ŝ(l)) / (l − u), u the largest
  event time with Ŝ ≥ 0.5 + ε and l the smallest with Ŝ ≤ 0.5 − ε, ε = 0.05 (Collett 2015, §2.4).
- Restricted mean survival time: area under Ŝ up to τ; SE as R (``survmean``).
- Reverse Kaplan–Meier follow-up: "R flip" = survfit(Surv(time, 1 − status)); "prodlim" = the same but at tied
  times events are taken before censorings (Schemper & Smith 1996 as implemented in prodlim).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .distributions import stats  # scipy.stats' normal quantile, without importing scipy.stats
from .event_counts import count_events, with_risk_sets

ConfType = Literal["log", "log-log", "plain"]
_TOL = np.sqrt(np.finfo(float).eps)  # R quantile.survfit tolerance


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier curve at every distinct time (events and censorings), as R's survfit reports it."""

    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    n_censor: np.ndarray
    surv: np.ndarray
    std_err: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    conf_type: str
    conf_level: float

    @property
    def n(self) -> int:
        return int(self.n_risk[0]) if len(self.n_risk) else 0

    @property
    def events(self) -> int:
        return int(self.n_event.sum())

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per distinct time, as R ``broom::tidy(survfit)`` (``std_error`` is R's SE of −log S)."""
        return pd.DataFrame({"time": self.time, "n_risk": self.n_risk, "n_event": self.n_event,
                             "n_censor": self.n_censor, "estimate": self.surv, "std_error": self.std_err,
                             "conf_low": self.lower, "conf_high": self.upper,
                             "method": f"Kaplan–Meier, Greenwood, {self.conf_type} CI"})


@dataclass(frozen=True)
class Quantile:
    """A survival-time quantile (p = 0.5: the median) with its CI; NaN = not reached."""

    p: float
    estimate: float
    lower: float
    upper: float
    method: str


@dataclass(frozen=True)
class Landmark:
    """Survival at a landmark time with its pointwise CI and the number at risk at that time."""

    time: float
    surv: float
    lower: float
    upper: float
    n_risk: int


def kaplan_meier_from_counts(counts: pd.DataFrame, conf_type: ConfType = "log", conf_level: float = 0.95
                             ) -> KaplanMeier:
    """Kaplan–Meier curve from one group's counts (columns time, n_event, n_censor)."""
    if conf_type not in ("log", "log-log", "plain"):
        raise ValueError("conf_type must be 'log', 'log-log' or 'plain'")
    c = counts.sort_values("time")
    if "n_risk" not in c:
        c = with_risk_sets(c.assign(stratum="all", group="all"))
    time = c["time"].to_numpy(float)
    n = c["n_risk"].to_numpy(float)
    d = c["n_event"].to_numpy(float)
    surv = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        increment = np.where(d > 0, d / (n * (n - d)), 0.0)
    std_err = np.sqrt(np.cumsum(increment))
    std_err[~np.isfinite(std_err)] = np.nan  # all remaining patients had the event: undefined, NA in R
    lower, upper = _confint(surv, std_err, conf_type, conf_level)
    return KaplanMeier(time, n.astype(int), d.astype(int), c["n_censor"].to_numpy(int), surv, std_err, lower,
                       upper, conf_type, conf_level)


def kaplan_meier(time, event, conf_type: ConfType = "log", conf_level: float = 0.95) -> KaplanMeier:
    """Kaplan–Meier curve of one group from patient rows (see :func:`kaplan_meier_from_counts`)."""
    return kaplan_meier_from_counts(count_events(time, event), conf_type, conf_level)


def _confint(surv, std_err, conf_type, conf_level):
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            s = np.where(surv == 0, np.nan, surv)
            return np.exp(np.log(s) - z * std_err), np.minimum(np.exp(np.log(s) + z * std_err), 1.0)
        if conf_type == "log-log":
            s = np.where((surv == 0) | (surv == 1), np.nan, surv)
            se2 = z * std_err / np.log(s)
            return np.exp(-np.exp(np.log(-np.log(s)) - se2)), np.exp(-np.exp(np.log(-np.log(s)) + se2))
        se = std_err * surv
        return np.maximum(surv - z * se, 0.0), np.minimum(surv + z * se, 1.0)


def _findq(x: np.ndarray, y: np.ndarray, p: float) -> float:
    """R survival:::findq: time at which the cumulative failure y (starting at 0) reaches p."""
    xmax = x[-1]
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    if len(y) == 0 or y.max() < p:
        return np.nan
    first = np.concatenate([[True], y[1:] != y[:-1]])
    x, y = x[first], y[first]

    def step(levels):  # R approx(levels, 1:n, p, method = "constant", f = 1)
        if p < levels[0] or p > levels[-1]:
            return None
        return int(np.searchsorted(levels, p, side="left"))

    i1, i2 = step(y + _TOL), step(y - _TOL)
    if p == 0:
        return float(x[0])
    if abs(p - y[-1]) < _TOL and i1 is not None:
        return float((x[i1] + xmax) / 2)
    if i1 is None or i2 is None:
        return np.nan
    return float((x[i1] + x[i2]) / 2)


def survival_quantile(fit: KaplanMeier, p: float = 0.5) -> Quantile:
    """The p-quantile of survival time (median for p = 0.5) and its CI, by R's rule (module docstring)."""
    x = np.concatenate([[0.0], fit.time])
    estimate = _findq(x, np.concatenate([[0.0], 1 - fit.surv]), p)
    # the lower band reaches 1 − p first: it gives the lower limit (R doquant)
    lower = _findq(x, np.concatenate([[0.0], 1 - fit.lower]), p)
    upper = _findq(x, np.concatenate([[0.0], 1 - fit.upper]), p)
    return Quantile(p, estimate, lower, upper, f"R survfit quantile; CI from the {fit.conf_type} band")


def median_spss(fit: KaplanMeier, epsilon: float = 0.05) -> Quantile:
    """Median with SPSS's symmetric CI: median ± z·SE, Collett's uniform-kernel SE (module docstring)."""
    events = fit.n_event > 0
    t, s = fit.time[events], fit.surv[events]
    se_s = (fit.std_err * fit.surv)[events]
    below = np.nonzero(s <= 0.5)[0]
    if len(below) == 0:
        return Quantile(0.5, np.nan, np.nan, np.nan, "SPSS (Collett SE), not reached")
    i = below[0]
    median = float(t[i])
    upper_idx = np.nonzero(s >= 0.5 + epsilon)[0]
    lower_idx = np.nonzero(s <= 0.5 - epsilon)[0]
    u_time, u_surv = (t[upper_idx[-1]], s[upper_idx[-1]]) if len(upper_idx) else (0.0, 1.0)
    if len(lower_idx) == 0 or t[lower_idx[0]] == u_time:
        return Quantile(0.5, median, np.nan, np.nan, "SPSS (Collett SE), SE not estimable")
    density = (u_surv - s[lower_idx[0]]) / (t[lower_idx[0]] - u_time)
    z = stats.norm.ppf(1 - (1 - fit.conf_level) / 2)
    se = se_s[i] / density
    return Quantile(0.5, median, median - z * se, median + z * se, f"SPSS: median ± z·SE (Collett, ε = {epsilon})")


def landmarks(fit: KaplanMeier, times) -> list[Landmark]:
    """Survival and CI at each landmark time (the curve's value at the last time <= t) and the number at risk
    at t (patients with time >= t), as R ``summary(fit, times, extend = TRUE)``."""
    out = []
    for t in times:
        i = np.searchsorted(fit.time, t, side="right") - 1
        at_risk = int(fit.n_risk[np.searchsorted(fit.time, t, side="left")]) if t <= fit.time[-1] else 0
        if i < 0:
            out.append(Landmark(float(t), 1.0, 1.0, 1.0, at_risk))
        else:
            out.append(Landmark(float(t), float(fit.surv[i]), float(fit.lower[i]), float(fit.upper[i]), at_risk))
    return out


def number_at_risk(fit: KaplanMeier, times) -> list[int]:
    """Patients still under observation (time >= t) at each time t — the risk table under a KM plot."""
    return [landmark.n_risk for landmark in landmarks(fit, times)]


def restricted_mean(fit: KaplanMeier, tau: float) -> tuple[float, float]:
    """Restricted mean survival time up to ``tau`` and its SE (as R ``print(fit, rmean = tau)``)."""
    keep = fit.time <= tau
    t = np.concatenate([[0.0], fit.time[keep], [tau]])
    s = np.concatenate([[1.0], fit.surv[keep]])
    widths = np.diff(t)
    area = widths * s
    rmean = float(area.sum())
    # the area beyond each event time, for the Greenwood-type variance
    beyond = np.cumsum(area[::-1])[::-1][1:]
    n, d = fit.n_risk[keep].astype(float), fit.n_event[keep].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(d > 0, beyond**2 * d / (n * (n - d)), 0.0)
    return rmean, float(np.sqrt(np.nansum(terms)))


def maturity(fit: KaplanMeier) -> float:
    """Data maturity: events / patients."""
    return fit.events / fit.n if fit.n else np.nan


def reverse_km_followup(time, event, convention: Literal["r-flip", "prodlim"] = "r-flip",
                        conf_type: ConfType = "log") -> Quantile:
    """Median follow-up by the reverse Kaplan–Meier method (censoring is the 'event').

    ``r-flip``: R's survfit(Surv(time, 1 − status)); at tied times the (flipped) events come first, so patients
    who died at t are still at risk for censoring at t. ``prodlim``: deaths at t leave the risk set before the
    censorings at t are counted.
    """
    event = np.asarray(event).astype(int)
    counts = with_risk_sets(count_events(time, 1 - event).assign(stratum="all", group="all"))
    if convention == "prodlim":
        deaths = count_events(time, event).set_index("time")["n_event"]
        counts["n_risk"] = counts["n_risk"] - counts["time"].map(deaths).fillna(0).astype(int)
        counts = counts[counts["n_risk"] > 0]
    elif convention != "r-flip":
        raise ValueError("convention must be 'r-flip' or 'prodlim'")
    fit = kaplan_meier_from_counts(counts, conf_type)
    q = survival_quantile(fit, 0.5)
    return Quantile(0.5, q.estimate, q.lower, q.upper, f"reverse Kaplan–Meier ({convention})")
