"""Covariate balance: standardised mean differences (SMD) before and after weighting.

Convention — R ``cobalt``'s defaults (``bal.tab``, ``s.d.denom``), with binary variables standardised as ``tableone``
does (cobalt's ``binary = "std"``):

- SMD = (weighted mean in the treated − weighted mean in the controls) / SD, the numerator weighted, the
  denominator always from the **unweighted** sample (so weighting cannot change the yardstick).
- SD for the ATE: pooled, sqrt((s₁² + s₀²) / 2); for the ATT: the treated group's s₁.
- s² for a continuous variable: the sample variance (n − 1); for a binary variable and for each level of a
  categorical variable (one row per level): p(1 − p).
- |SMD| < 0.1 is the usual mark of adequate balance (Austin 2009); the table reports the numbers, not a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

METHOD = ("standardised mean difference: weighted means over the unweighted {denominator} SD (R cobalt default); "
          "binary variables and categorical levels with p(1 − p) variance (tableone)")


@dataclass(frozen=True)
class BalanceRow:
    variable: str
    level: str | None
    mean_treated: float
    mean_control: float
    smd_unweighted: float
    weighted_mean_treated: float
    weighted_mean_control: float
    smd_weighted: float


@dataclass(frozen=True)
class BalanceTable:
    """SMD before and after weighting, one row per continuous or binary variable or categorical level."""

    rows: tuple[BalanceRow, ...]
    estimand: str
    n_treated: int
    n_control: int

    @property
    def method(self) -> str:
        return METHOD.format(denominator="pooled" if self.estimand == "ate" else "treated-group")

    def to_frame(self) -> pd.DataFrame:
        """One row per variable (or level) with means and SMD before and after weighting, and the method."""
        frame = pd.DataFrame([r.__dict__ for r in self.rows])
        frame["method"] = self.method
        return frame


def standardized_mean_difference(x, treated, weights=None, estimand: str = "ate", binary: bool | None = None
                                 ) -> float:
    """SMD of one variable (see the module docstring for the convention). ``weights`` None = unweighted."""
    x = np.asarray(x, float)
    treated = np.asarray(treated).astype(int)
    weights = np.ones(len(x)) if weights is None else np.asarray(weights, float)
    if binary is None:
        binary = bool(np.isin(x, (0, 1)).all())
    s1, s0 = _sd(x[treated == 1], binary), _sd(x[treated == 0], binary)
    if estimand == "ate":
        denominator = np.sqrt((s1**2 + s0**2) / 2)
    elif estimand == "att":
        denominator = s1
    else:
        raise ValueError("estimand must be 'ate' or 'att'")
    difference = _mean(x[treated == 1], weights[treated == 1]) - _mean(x[treated == 0], weights[treated == 0])
    if denominator == 0:
        return 0.0 if difference == 0 else float(np.copysign(np.inf, difference))
    return float(difference / denominator)


def balance_table(frame: pd.DataFrame, treated, weights, variables, estimand: str = "ate",
                  categorical=()) -> BalanceTable:
    """Balance of ``variables`` (columns of ``frame``) between treated (1) and control (0), before and after
    ``weights``. Text columns and those named in ``categorical`` give one row per level (all levels shown)."""
    treated = np.asarray(treated).astype(int)
    weights = np.asarray(weights, float)
    ones = np.ones(len(frame))
    rows = []
    for name in variables:
        values = frame[name]
        if name in categorical or not pd.api.types.is_numeric_dtype(values):
            levels = sorted(values.dropna().unique(), key=lambda v: (str(type(v)), v))
            columns = [(str(level), (values == level).to_numpy(float), True) for level in levels]
        else:
            x = values.to_numpy(float)
            columns = [(None, x, bool(np.isin(x, (0, 1)).all()))]
        for level, x, binary in columns:
            rows.append(BalanceRow(
                name, level,
                _mean(x[treated == 1], ones[treated == 1]), _mean(x[treated == 0], ones[treated == 0]),
                standardized_mean_difference(x, treated, None, estimand, binary),
                _mean(x[treated == 1], weights[treated == 1]), _mean(x[treated == 0], weights[treated == 0]),
                standardized_mean_difference(x, treated, weights, estimand, binary),
            ))
    return BalanceTable(tuple(rows), estimand, int((treated == 1).sum()), int((treated == 0).sum()))


def _mean(x, w) -> float:
    return float(np.sum(w * x) / np.sum(w))


def _sd(x, binary: bool) -> float:
    if binary:
        p = x.mean()
        return float(np.sqrt(p * (1 - p)))
    return float(np.std(x, ddof=1))


__all__ = ["BalanceRow", "BalanceTable", "balance_table", "standardized_mean_difference"]
