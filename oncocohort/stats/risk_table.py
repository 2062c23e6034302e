"""The table under a Kaplan–Meier plot: numbers at risk, and the cumulative numbers censored and with an event,
at chosen times (the KMunicate layout, Morris et al., BMJ Open 2019;9:e030215).

Conventions of R ``summary(survfit(...), times, extend = TRUE)`` with the interval counts summed, as the KMunicate
R package does: at risk at t = patients with time >= t; censored by t and events by t = those with time <= t.
(So at risk + censored + events can exceed n by those with an event or censoring exactly at t.) Read from a
fitted curve's counts, so the table cannot disagree with the curve."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kaplan_meier import KaplanMeier, number_at_risk


@dataclass(frozen=True)
class RiskTable:
    """One group's row values at ``times`` (in the fit's time unit)."""

    times: tuple[float, ...]
    at_risk: tuple[int, ...]
    censored: tuple[int, ...]  # cumulative, time <= t
    events: tuple[int, ...]  # cumulative, time <= t
    method: str = "R summary.survfit(times, extend = TRUE): at risk time >= t; cumulative censored and events time <= t"


def risk_table(fit: KaplanMeier, times) -> RiskTable:
    """Numbers at risk and cumulative censored / events at each of ``times`` (module docstring)."""
    times = [float(t) for t in times]
    up_to = np.searchsorted(fit.time, times, side="right")  # number of distinct fit times <= t
    events = np.concatenate([[0], np.cumsum(fit.n_event)])[up_to]
    censored = np.concatenate([[0], np.cumsum(fit.n_censor)])[up_to]
    return RiskTable(tuple(times), tuple(number_at_risk(fit, times)), tuple(int(c) for c in censored),
                     tuple(int(e) for e in events))
