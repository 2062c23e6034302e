"""Cox proportional-hazards regression with the aggregation step in the engine (Efron or Breslow ties, strata).

Newton–Raphson is driven from Python by :func:`oncocohort.stats.cox.fit_cox_model` — the same code as the
in-memory fit. Each evaluation at β sends β to the engine as literals and gets back, per (stratum, distinct time)
cell, Σ w, Σ w·x and Σ w·xxᵀ (w = exp(xβ), x centred on its mean) over all the cell's rows and, for Efron, over
its event rows. Risk sets (reverse cumulative sums over time within each stratum) and the Efron/Breslow algebra
(:func:`oncocohort.stats.cox.contributions_from_sums`) run in Python on those cells. Once per fit the engine also
returns the covariate means and variances and, per cell, the event count and Σ x over the events.

What leaves the engine: per cell 1 + p + p(p+1)/2 sums (twice that for Efron) per Newton evaluation; no row.
Not computed in the engine: Harrell's concordance (pairwise, reported as NaN) and the ``cox.zph`` tests.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from ..stats.cox import CoxModel, contributions_from_sums, fit_cox_model
from .execution import execute_exactly_repeatable
from .input_rules import check_rows, event_rule


class RowTally:
    """What :func:`oncocohort.stats.cox.fit_cox_model` reads of the event column — its length (rows used) and its
    sum (events) — without bringing the rows out of the engine."""

    def __init__(self, n_rows: int, n_events: int):
        self.n_rows, self.n_events = n_rows, n_events

    def __len__(self) -> int:
        return self.n_rows

    def sum(self) -> int:
        return self.n_events


class EngineLikelihood:
    """Partial likelihood of a Cox model whose per-(stratum, time) sums are computed by the engine.

    ``table``: Ibis table (rows already filtered to those used); ``columns``: Ibis numeric expressions of the
    design matrix, in order; ``time``, ``event``, ``stratum``: column names (``stratum`` may be None).
    """

    def __init__(self, table, time: str, event: str, columns, stratum: str | None, ties: str):
        self.ties = ties
        self.p = len(columns)
        moments = table.aggregate(
            n_rows=table.count(),
            **{f"mean_{j}": c.mean() for j, c in enumerate(columns)},
            **{f"var_{j}": c.var(how="pop") for j, c in enumerate(columns)},
        )
        moments = execute_exactly_repeatable(moments).iloc[0]
        self.n_rows = int(moments["n_rows"])
        self.means = np.array([float(moments[f"mean_{j}"]) for j in range(self.p)])
        self._variance = np.array([float(moments[f"var_{j}"]) for j in range(self.p)])
        self._table = table.mutate(
            _stratum=table[stratum] if stratum is not None else ibis.literal("all"),
            _time=table[time].cast("float64"),
            _event=table[event].cast("float64"),
            **{f"_x{j}": c.cast("float64") - float(m) for j, (c, m) in enumerate(zip(columns, self.means))},
        )
        t = self._table
        first = self._cells(t.group_by("_stratum", "_time").aggregate(
            d=t._event.sum(), **{f"sx{j}": (t._event * t[f"_x{j}"]).sum() for j in range(self.p)}))
        self._keys = first[["_stratum", "_time"]].reset_index(drop=True)
        self.d = first["d"].to_numpy(float)
        self.sum_x_events = first[[f"sx{j}" for j in range(self.p)]].to_numpy(float).reshape(len(first), self.p)
        stratum_codes = pd.factorize(self._keys["_stratum"])[0]
        self.segment_start = np.r_[True, stratum_codes[1:] != stratum_codes[:-1]] if len(first) else np.array([])
        self.segment = np.cumsum(self.segment_start) - 1
        self.pairs = [(j, k) for j in range(self.p) for k in range(j, self.p)]
        self._last = None

    @staticmethod
    def _cells(query) -> pd.DataFrame:
        """Run an aggregate per (stratum, time) and order its cells by stratum, then time descending (risk sets
        are cumulative sums in that order)."""
        frame = execute_exactly_repeatable(query)
        return frame.sort_values(["_stratum", "_time"], ascending=[True, False], kind="stable").reset_index(drop=True)

    def covariate_variance(self) -> np.ndarray:
        return self._variance

    def _cumulative(self, values: np.ndarray) -> np.ndarray:
        """Risk-set sums: cumulative over cells in descending time, restarting at each stratum."""
        total = np.cumsum(values, axis=0)
        starts = np.nonzero(self.segment_start)[0]
        before = np.zeros((len(starts),) + values.shape[1:])
        before[1:] = total[starts[1:] - 1]
        return total - before[self.segment]

    def _sum_arrays(self, frame: pd.DataFrame, prefix: str):
        """(Σ w, Σ w·x, Σ w·xxᵀ) per cell from the columns ``prefix``0, ``prefix``1_j, ``prefix``2_j_k."""
        n, p = len(frame), self.p
        s0 = frame[f"{prefix}0"].to_numpy(float)
        s1 = frame[[f"{prefix}1_{j}" for j in range(p)]].to_numpy(float).reshape(n, p)
        s2 = np.zeros((n, p, p))
        for j, k in self.pairs:
            s2[:, j, k] = s2[:, k, j] = frame[f"{prefix}2_{j}_{k}"].to_numpy(float)
        return s0, s1, s2

    def contributions(self, beta: np.ndarray):
        """(loglik, score_cells, info_cells) at β: one aggregate query in the engine, the algebra in stats.cox.
        The last β's result is kept (the fit asks for β = 0 twice: the estimability check, then Newton's start)."""
        key = np.asarray(beta, float).tobytes()
        if self._last is None or self._last[0] != key:
            self._last = (key, self._contributions(np.asarray(beta, float)))
        return self._last[1]

    def _contributions(self, beta: np.ndarray):
        t = self._table
        x = [t[f"_x{j}"] for j in range(self.p)]
        eta = sum((float(b) * xj for b, xj in zip(beta, x)), ibis.literal(0.0))
        w = eta.exp()
        sums = {"a0": w.sum(), **{f"a1_{j}": (w * x[j]).sum() for j in range(self.p)},
                **{f"a2_{j}_{k}": (w * x[j] * x[k]).sum() for j, k in self.pairs}}
        if self.ties == "efron":
            we = w * t._event
            sums |= {"e0": we.sum(), **{f"e1_{j}": (we * x[j]).sum() for j in range(self.p)},
                     **{f"e2_{j}_{k}": (we * x[j] * x[k]).sum() for j, k in self.pairs}}
        cells = self._cells(t.group_by("_stratum", "_time").aggregate(**sums))
        if not cells[["_stratum", "_time"]].equals(self._keys):
            raise RuntimeError("the engine returned other (stratum, time) cells than at the start of the fit")
        risk = tuple(self._cumulative(s) for s in self._sum_arrays(cells, "a"))
        events = self._sum_arrays(cells, "e") if self.ties == "efron" else None
        linear = float(self.sum_x_events.sum(axis=0) @ beta)  # Σ over events of xβ
        return contributions_from_sums(self.ties, linear, self.d, self.sum_x_events, risk, events)

    def evaluate(self, beta: np.ndarray):
        """(log-likelihood, score vector, information matrix) at β."""
        loglik, score_cells, info_cells = self.contributions(np.asarray(beta, float))
        return loglik, score_cells.sum(axis=0), info_cells.sum(axis=0)


def _design_columns(table, covariates, categorical) -> tuple[list, list[str]]:
    """Ibis expressions of the design matrix, as :func:`oncocohort.stats.cox.design_matrix`: numeric columns as
    they are; text columns (and those in ``categorical``) as indicators against the first level in sorted order,
    named ``variable[level]`` (the levels are fetched from the engine: a DISTINCT per column)."""
    columns, names = [], []
    for name in covariates:
        column = table[name]
        if name in categorical or not column.type().is_numeric():
            distinct = table.select(level=column).distinct().execute()["level"].dropna().tolist()
            levels = sorted(distinct, key=lambda v: (str(type(v)), v))
            for level in levels[1:]:
                columns.append((column == level).cast("float64"))
                names.append(f"{name}[{level}]")
        else:
            columns.append(column.cast("float64"))
            names.append(name)
    return columns, names


def cox_model(table, time: str, event: str, covariates, categorical=(), strata: str | None = None,
              ties: str = "efron", conf_level: float = 0.95) -> CoxModel:
    """Fit a Cox model to an Ibis table in the engine; the same result as
    :func:`oncocohort.stats.cox.cox_model` on the same rows (rows with a missing value in a used column are left
    out, as R does), except Harrell's concordance (NaN) and the PH tests (not computed)."""
    if ties not in ("efron", "breslow"):
        raise ValueError("ties must be 'efron' or 'breslow'")
    used = [time, event, *covariates] + ([strata] if strata else [])
    rows = table.drop_null(used)
    check_rows(rows, [
        (time, "times must be >= 0", rows[time] < 0),
        event_rule(rows, event),
    ])
    columns, names = _design_columns(rows, list(covariates), tuple(categorical))
    likelihood = EngineLikelihood(rows, time, event, columns, strata, ties)
    tally = RowTally(likelihood.n_rows, int(likelihood.d.sum()))
    return fit_cox_model(likelihood, names, ties, tally, conf_level)
