"""Cox regression on counting-process data (start, stop], equal to R ``coxph(Surv(start, stop, event) ~ ...)``.

One row per interval of a patient's follow-up during which the covariates are constant: a covariate that
changes after the index date (a transplant, a response, a dose reduction) is coded as a new row from the day it
changes — the time-varying alternative to comparing groups defined by what happened later (immortal-time bias).
The same data form handles left truncation (delayed entry): a patient who enters observation at ``start`` > 0
is in the risk sets only after it.

Method: the partial likelihood of :mod:`.cox` (Efron or Breslow ties, Newton–Raphson as R) with risk sets
R(t) = {rows with start < t <= stop}. The risk-set sums are the sums over rows with stop >= t (a reverse
cumulative sum, as in :mod:`.cox`) minus the sums over rows with start >= t (a second reverse cumulative sum),
so the per-time aggregation design carries over unchanged. Harrell's concordance and the ``cox.zph`` test of
the ordinary model are not computed for interval data (``concordance`` is NaN, ``ph_tests`` empty).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cox import CoxModel, _PartialLikelihood, design_matrix, fit_cox_model


class IntervalError(ValueError):
    """Rows whose interval is not a valid (start, stop] (message counts them and shows the first)."""


class _CountingProcessLikelihood(_PartialLikelihood):
    """Partial likelihood with risk sets {start < t <= stop}: entries at or after t are taken out again."""

    def __init__(self, x, start, stop, event, stratum, ties, case_weights=None):
        super().__init__(x, stop, event, stratum, ties, case_weights)
        strata_codes = pd.factorize(np.asarray(stratum), sort=True)[0]
        cell_time = self.cell_times()
        first = np.nonzero(self.segment_start)[0]
        last = np.r_[first[1:], self.n_cells]
        # per row: the first cell of its stratum (cells run in descending time) whose time <= start — from that
        # cell on the row is no longer at risk; n_cells (a spare slot) when there is none
        self.exit_cell = np.full(len(stop), self.n_cells)
        for code, (lo, hi) in enumerate(zip(first, last)):
            rows = np.nonzero(strata_codes == code)[0]
            later = np.searchsorted(-cell_time[lo:hi], -start[rows], side="left")  # cells with time > start
            self.exit_cell[rows] = lo + later
        self.exit_cell[self.exit_cell >= last[strata_codes]] = self.n_cells

    def _entered_sums(self, weights):
        p = self.x.shape[1]
        size = self.n_cells + 1
        s0 = np.bincount(self.exit_cell, weights, size)[:-1]
        s1 = np.stack([np.bincount(self.exit_cell, weights * self.x[:, j], size)[:-1] for j in range(p)], axis=1)
        s2 = np.zeros((self.n_cells, p, p))
        for j, k in self.pairs:
            s2[:, j, k] = s2[:, k, j] = np.bincount(self.exit_cell, weights * self.x[:, j] * self.x[:, k],
                                                    size)[:-1]
        return s0, s1, s2

    def risk_set_sums(self, weights):
        stopped = super().risk_set_sums(weights)
        not_yet = [self._cumulative(s) for s in self._entered_sums(weights)]
        return tuple(a - b for a, b in zip(stopped, not_yet))


def check_intervals(start, stop) -> None:
    """Refuse intervals that are not (start, stop] with start < stop (R ``Surv`` refuses them too)."""
    bad = ~(np.asarray(start, float) < np.asarray(stop, float))
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise IntervalError(f"{int(bad.sum())} interval(s) with start >= stop (first: row {i + 1}, start "
                            f"{start[i]:g}, stop {stop[i]:g}); each row must cover a time span start < stop")


def counting_process_cox(start, stop, event, x, names=None, stratum=None, ties: str = "efron",
                         conf_level: float = 0.95) -> CoxModel:
    """Fit a Cox model to (start, stop] rows; ``x`` an n × p covariate matrix (:func:`.cox.design_matrix`)."""
    if ties not in ("efron", "breslow"):
        raise ValueError("ties must be 'efron' or 'breslow'")
    start, stop = np.asarray(start, float), np.asarray(stop, float)
    event = np.asarray(event).astype(int)
    check_intervals(start, stop)
    x = np.asarray(x, float).reshape(len(stop), -1)
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(x.shape[1])]
    stratum = np.zeros(len(stop), int) if stratum is None else pd.factorize(np.asarray(stratum), sort=True)[0]
    likelihood = _CountingProcessLikelihood(x, start, stop, event, stratum, ties)
    return fit_cox_model(likelihood, names, ties, event, conf_level)


def counting_process_cox_model(frame: pd.DataFrame, start: str, stop: str, event: str, covariates, categorical=(),
                               strata: str | None = None, ties: str = "efron", conf_level: float = 0.95
                               ) -> CoxModel:
    """:func:`counting_process_cox` from a DataFrame of (start, stop] rows; rows with a missing value are
    dropped, as R does (``na.omit``)."""
    used = [start, stop, event, *covariates] + ([strata] if strata else [])
    data = frame[used].dropna()
    x, names = design_matrix(data, covariates, categorical)
    return counting_process_cox(data[start], data[stop], data[event], x, names,
                                data[strata] if strata else None, ties, conf_level)
