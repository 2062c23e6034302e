"""The Fine–Gray model fitted as R ``survival::finegray`` + weighted ``coxph`` — the second route to the
subdistribution hazard, next to the ``cmprsk::crr`` port of :func:`.competing_risks.fine_gray`.

- :func:`finegray_rows` expands the data as ``finegray(Surv(time, status) ~ ., etype = cause)`` does (Geskus 2011):
  a patient with a competing event stays "at risk" after it, on (start, stop] rows whose weight is
  G(t)/G(T) — G the Kaplan–Meier of the censoring times (events before censorings at a tied time), T the
  patient's competing-event time, constant between censoring times. Only intervals that contain an event of the
  cause of interest are written (the others change no risk set at an event time), as R's C routine does.
- :func:`finegray_cox` fits ``coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt)`` by the case-weighted
  counting-process Cox of :mod:`.weighted_cox` (Efron ties by default, as coxph): the naive SE as R prints
  without ``cluster``, the robust SE as ``+ cluster(id)``.

The two routes estimate the same model with other tie and weight conventions (crr: Breslow ties, weights by
G(t−)); their coefficients differ by about 0.2 % on survival::mgus2. Right-censored data without delayed entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .weighted_cox import WeightedCoxModel, weighted_cox_regression


def censoring_survival(time, status) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier of the censoring distribution at its jump times: (censoring times, G after each). At a
    time with both events and censorings the events come first (they are not at risk of being censored)."""
    time = np.asarray(time, float)
    status = np.asarray(status)
    censored_times, n_censored = np.unique(time[status == 0], return_counts=True)
    ordered = np.sort(time)
    event_times = np.sort(time[status != 0])
    at_risk = (len(time) - np.searchsorted(ordered, censored_times, side="left")
               - (np.searchsorted(event_times, censored_times, side="right")
                  - np.searchsorted(event_times, censored_times, side="left")))
    return censored_times, np.cumprod(1 - n_censored / at_risk)


def finegray_rows(time, status, cause=1) -> pd.DataFrame:
    """The Fine–Gray data set of R ``finegray(Surv(time, factor(status)) ~ ., etype = cause)`` for right-censored
    data: columns ``row`` (0-based index of the input row), ``fgstart``, ``fgstop``, ``fgstatus`` (1 = an event of
    ``cause``), ``fgwt``; rows in input order, a patient's intervals in time order. ``status``: 0 censored,
    ``cause`` the event of interest, other codes competing."""
    time = np.asarray(time, float)
    status = np.asarray(status)
    n = len(time)
    zero = 0.0 if time.min() > 0 else 2 * time.min() - 1  # R: a start before every time
    censored_times, g = censoring_survival(time, status)
    cut = np.r_[censored_times, time.max()]       # each interval (cut[j-1], cut[j]] has weight level[j]
    level = np.r_[1.0, g]
    events = np.unique(time[status == cause])
    keep = np.zeros(len(cut), bool)               # intervals holding an event of the cause of interest
    index = np.searchsorted(cut, events, side="left")
    keep[index[index >= 1]] = True
    competing = (status != 0) & (status != cause)
    own = np.searchsorted(cut, time, side="left")  # the interval each competing time lies in
    stop = np.where(competing, cut[np.minimum(own, len(cut) - 1)], time)
    later = np.nonzero(keep)[0]
    n_added = np.where(competing, len(later) - np.searchsorted(later, own, side="right"), 0)
    added_row = np.repeat(np.arange(n), n_added)
    added_j = later[np.concatenate([np.arange(len(later) - k, len(later)) for k in n_added[n_added > 0]])
                    ] if n_added.any() else np.empty(0, int)
    frame = pd.DataFrame({
        "row": np.r_[np.arange(n), added_row],
        "fgstart": np.r_[np.full(n, zero), cut[added_j - 1]],
        "fgstop": np.r_[stop, cut[added_j]],
        "fgstatus": np.r_[(status == cause).astype(int), np.zeros(len(added_row), int)],
        "fgwt": np.r_[np.ones(n), level[added_j] / level[np.minimum(own, len(cut) - 1)][added_row]],
    })
    return frame.sort_values(["row", "fgstart"], kind="stable").reset_index(drop=True)


def finegray_cox(time, status, x, names=None, cause=1, ties: str = "efron",
                 conf_level: float = 0.95) -> WeightedCoxModel:
    """Fine–Gray model of ``cause`` as R ``coxph(Surv(fgstart, fgstop, fgstatus) ~ x + cluster(id), weights =
    fgwt, data = finegray(...))``: terms with the robust SE clustered by patient; ``naive_se`` the SE R prints
    without ``cluster(id)``."""
    x = np.asarray(x, float).reshape(len(np.asarray(time)), -1)
    rows = finegray_rows(time, status, cause)
    return weighted_cox_regression(rows["fgstop"], rows["fgstatus"], x[rows["row"]], rows["fgwt"], names,
                                   cluster=rows["row"], ties=ties, conf_level=conf_level, start=rows["fgstart"])


__all__ = ["censoring_survival", "finegray_cox", "finegray_rows"]
