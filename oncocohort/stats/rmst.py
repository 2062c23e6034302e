"""Effects without proportional hazards: restricted mean survival time (RMST) per group at a horizon τ, the
difference and ratio between two groups, and milestone survival differences.

- RMST per group: area under the Kaplan–Meier curve from 0 to τ; SE as R ``print(survfit, rmean = τ)``
  (:func:`kaplan_meier.restricted_mean`, no small-sample correction).
- Between groups, as R ``survRM2::rmst2`` (Uno et al. 2014, unadjusted): difference ± z·sqrt(SE₁² + SE₀²);
  ratio on the log scale with SE sqrt(SE₁²/RMST₁² + SE₀²/RMST₀²); the same for the ratio of restricted mean
  time lost (τ − RMST); Wald p-values. The comparison group is the second level in sorted order, the reference
  the first (as the Cox coding).
- τ may not exceed the shortest of the groups' longest follow-up (survRM2's rule: beyond it a curve is unknown).
- Milestone survival at time t: Ŝ₁(t) − Ŝ₀(t) with Greenwood SEs, plain (Wald) CI and p (Klein et al. 2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distributions import stats  # scipy.stats' normal functions, without importing scipy.stats
from .kaplan_meier import kaplan_meier, landmarks, restricted_mean


class HorizonTooLate(ValueError):
    """τ lies beyond the follow-up of a group (message names the group and its last time)."""


@dataclass(frozen=True)
class GroupRmst:
    group: str
    n: int
    events: int
    rmst: float
    se: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Contrast:
    """One between-group contrast (difference or ratio) with its Wald CI and p."""

    measure: str      # "RMST difference", "RMST ratio", "RMTL ratio", "survival difference"
    estimate: float
    lower: float
    upper: float
    p_value: float


@dataclass(frozen=True)
class RmstComparison:
    """RMST per group at τ and the comparison of ``groups[1]`` against ``groups[0]``."""

    tau: float
    groups: tuple[str, ...]
    per_group: tuple[GroupRmst, ...]
    contrasts: tuple[Contrast, ...]
    conf_level: float
    method: str = ("Restricted mean survival time (area under Kaplan–Meier to τ; SE as R survfit rmean); "
                   "difference and ratio with Wald CIs as R survRM2::rmst2")

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per estimate (per-group RMST, then the contrasts)."""
        rows = [{"term": f"RMST[{g.group}]", "estimate": g.rmst, "std_error": g.se, "conf_low": g.lower,
                 "conf_high": g.upper, "p_value": np.nan, "tau": self.tau, "method": self.method}
                for g in self.per_group]
        rows += [{"term": f"{c.measure} ({self.groups[1]} vs {self.groups[0]})", "estimate": c.estimate,
                  "std_error": np.nan, "conf_low": c.lower, "conf_high": c.upper, "p_value": c.p_value,
                  "tau": self.tau, "method": self.method} for c in self.contrasts]
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class MilestoneComparison:
    """Survival at a milestone time per group and the difference ``groups[1]`` − ``groups[0]``."""

    time: float
    groups: tuple[str, ...]
    surv: tuple[float, ...]
    se: tuple[float, ...]
    difference: Contrast
    conf_level: float
    method: str = "Kaplan–Meier survival difference at a milestone, Greenwood SE, Wald CI"

    def to_frame(self) -> pd.DataFrame:
        rows = [{"term": f"S({self.time:g})[{g}]", "estimate": s, "std_error": e, "conf_low": np.nan,
                 "conf_high": np.nan, "p_value": np.nan, "method": self.method}
                for g, s, e in zip(self.groups, self.surv, self.se)]
        d = self.difference
        rows.append({"term": f"survival difference at {self.time:g} ({self.groups[1]} vs {self.groups[0]})",
                     "estimate": d.estimate, "std_error": np.nan, "conf_low": d.lower, "conf_high": d.upper,
                     "p_value": d.p_value, "method": self.method})
        return pd.DataFrame(rows)


def _two_groups(time, event, group, levels=None):
    """The data as a frame and its two groups: ``levels`` (the reference first) when given, else sorted."""
    frame = pd.DataFrame({"time": np.asarray(time, float), "event": np.asarray(event).astype(int),
                          "group": pd.Series(np.asarray(group)).astype(str).to_numpy()})
    present = sorted(frame["group"].unique())
    levels = present if levels is None else [str(level) for level in levels if str(level) in present]
    if len(levels) != len(present):
        raise ValueError(f"the groups {present} are not the levels given ({levels})")
    if len(levels) != 2:
        raise ValueError(f"a two-group comparison needs exactly 2 groups, found {len(levels)}: {levels}")
    return frame, levels


def _wald(measure, estimate, se, z, log_scale=False) -> Contrast:
    """Wald CI and p; NaN where the SE is 0 or undefined (e.g. no event before τ in either group)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate, se = np.float64(estimate), np.float64(se)
        p = float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else np.nan
    if log_scale:
        return Contrast(measure, float(np.exp(estimate)), float(np.exp(estimate - z * se)),
                        float(np.exp(estimate + z * se)), p)
    return Contrast(measure, float(estimate), float(estimate - z * se), float(estimate + z * se), p)


def rmst_comparison(time, event, group, tau: float, conf_level: float = 0.95, levels=None) -> RmstComparison:
    """RMST per group at ``tau`` (time unit of the data) and the difference / ratio of the second group against
    the first (module docstring); ``levels``: the two groups, the reference first (default: sorted)."""
    frame, levels = _two_groups(time, event, group, levels)
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    per_group = []
    for level in levels:
        rows = frame[frame["group"] == level]
        last = rows["time"].max()
        if tau > last:
            raise HorizonTooLate(f"τ = {tau:g} is beyond the follow-up of group {level!r} (last time {last:g}); "
                                 f"choose τ <= {frame.groupby('group')['time'].max().min():g}")
        fit = kaplan_meier(rows["time"], rows["event"])
        rmst, se = restricted_mean(fit, tau)
        per_group.append(GroupRmst(level, fit.n, fit.events, rmst, se, rmst - z * se, rmst + z * se))
    g0, g1 = per_group
    lost0, lost1 = np.float64(tau - g0.rmst), np.float64(tau - g1.rmst)
    with np.errstate(divide="ignore", invalid="ignore"):  # no time lost in a group: the RMTL ratio is undefined
        contrasts = (
            _wald("RMST difference", g1.rmst - g0.rmst, np.hypot(g1.se, g0.se), z),
            _wald("RMST ratio", np.log(g1.rmst / g0.rmst), np.hypot(g1.se / g1.rmst, g0.se / g0.rmst), z, True),
            _wald("RMTL ratio", np.log(lost1 / lost0), np.hypot(g1.se / lost1, g0.se / lost0), z, True),
        )
    return RmstComparison(float(tau), tuple(levels), tuple(per_group), contrasts, conf_level)


def milestone_comparison(time, event, group, milestone: float, conf_level: float = 0.95) -> MilestoneComparison:
    """Kaplan–Meier survival at ``milestone`` per group and their difference (module docstring)."""
    frame, levels = _two_groups(time, event, group)
    surv, se = [], []
    for level in levels:
        rows = frame[frame["group"] == level]
        fit = kaplan_meier(rows["time"], rows["event"])
        i = np.searchsorted(fit.time, milestone, side="right") - 1
        surv.append(float(landmarks(fit, [milestone])[0].surv))
        se.append(0.0 if i < 0 else float(fit.surv[i] * fit.std_err[i]))
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    difference = _wald("survival difference", surv[1] - surv[0], np.hypot(se[0], se[1]), z)
    return MilestoneComparison(float(milestone), tuple(levels), tuple(surv), tuple(se), difference, conf_level)
