"""Landmark analysis: survival from a landmark time by groups fixed at that time (Anderson, Cain & Gelber 1983).

Comparing patients by something that happens after the index date (a response, an adverse event, a dose
reduction) gives the "responders" the time they had to survive to respond — immortal-time bias. The landmark
method fixes the groups at a landmark time L and counts survival from L:

- patients whose time is <= L (event or censoring at or before L) are left out, each counted by reason;
- a patient is in the "event" group (e.g. responder) when the event happened at or before L (time of the
  group-defining event <= L), otherwise in the other group, whatever happens later;
- times are measured from L (time − L); Kaplan–Meier per group, log-rank test and Cox HR (Efron) on those rows —
  as R ``survfit``/``survdiff``/``coxph`` on ``subset(data, time > L)`` with ``Surv(time − L, status)``.

The alternative without a landmark is the time-varying covariate Cox model (:mod:`.counting_process_cox`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cox import CoxModel, cox_regression
from .kaplan_meier import KaplanMeier, kaplan_meier
from .logrank import LogRankTest, logrank_test


@dataclass(frozen=True)
class LandmarkAnalysis:
    """Survival from ``landmark`` by the group each patient belonged to at the landmark."""

    landmark: float
    groups: tuple[str, ...]                 # (without the event by L, with the event by L)
    curves: tuple[KaplanMeier, ...]
    logrank: LogRankTest | None
    cox: CoxModel | None                    # HR of groups[1] vs groups[0]
    n: int
    excluded_event: int                     # event at or before the landmark
    excluded_censored: int                  # censored at or before the landmark
    method: str = ("Landmark analysis: patients under observation after the landmark, groups fixed at the "
                   "landmark, time from the landmark; Kaplan–Meier, log-rank, Cox (Efron)")

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per group (n, events) and one for the HR with its CI and the log-rank p."""
        rows = [{"term": f"n[{g}]", "estimate": float(c.n), "conf_low": np.nan, "conf_high": np.nan,
                 "p_value": np.nan, "events": c.events, "landmark": self.landmark, "method": self.method}
                for g, c in zip(self.groups, self.curves)]
        if self.cox is not None:
            t = self.cox.terms[0]
            rows.append({"term": f"HR ({self.groups[1]} vs {self.groups[0]})", "estimate": t.hr,
                         "conf_low": t.lower, "conf_high": t.upper,
                         "p_value": self.logrank.p_value if self.logrank else np.nan,
                         "events": self.cox.events, "landmark": self.landmark, "method": self.method})
        return pd.DataFrame(rows)


def landmark_analysis(time, event, event_time, landmark: float,
                      labels: tuple[str, str] = ("no event by landmark", "event by landmark"),
                      conf_type: str = "log", conf_level: float = 0.95, ties: str = "efron") -> LandmarkAnalysis:
    """Landmark analysis (module docstring).

    Parameters
    ----------
    time, event : follow-up from the index date (any unit) and 1 = event / 0 = censored.
    event_time : time from the index date of the group-defining event (e.g. first response); NaN = never.
    landmark : the landmark time L, in the unit of ``time``.
    labels : names of the two groups (without / with the event by L).
    conf_type, conf_level : the Kaplan–Meier confidence band of each group (R ``survfit``; default log, 95%).
    ties : tie handling of the Cox model (Efron as R, or Breslow).
    """
    time, event = np.asarray(time, float), np.asarray(event).astype(int)
    event_time = np.asarray(event_time, float)
    after = time > landmark
    excluded_event = int(((~after) & (event == 1)).sum())
    excluded_censored = int(((~after) & (event == 0)).sum())
    t, e = time[after] - landmark, event[after]
    has = event_time[after] <= landmark        # NaN (never) compares False
    group = np.where(has, labels[1], labels[0])
    curves = tuple(kaplan_meier(t[group == g], e[group == g], conf_type=conf_type, conf_level=conf_level)
                   if (group == g).any() else None for g in labels)
    two = all(c is not None for c in curves)
    test = logrank_test(t, e, group) if two else None
    cox = None
    if two and e.sum() > 0:
        try:
            cox = cox_regression(t, e, has.astype(float)[:, None], [labels[1]], ties=ties, conf_level=conf_level)
        except np.linalg.LinAlgError:  # e.g. no event in one group: the HR is not estimable, stated as None
            cox = None
    method = ("Landmark analysis: patients under observation after the landmark, groups fixed at the landmark, "
              f"time from the landmark; Kaplan–Meier ({conf_type} CIs), log-rank, Cox ({ties.capitalize()} ties)")
    return LandmarkAnalysis(float(landmark), tuple(labels), curves, test, cox, int(after.sum()), excluded_event,
                            excluded_censored, method)
