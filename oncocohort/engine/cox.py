"""Cox proportional-hazards regression with the aggregation step in the engine (Efron or Breslow ties, strata).

Newton–Raphson is driven from Python by :func:`oncocohort.stats.cox.fit_cox_model` — the same code as the
in-memory fit. The rows used (their used columns only) are computed once and kept in the engine for the fit
(:func:`oncocohort.engine.execution.materialized`: a DuckDB temporary table, a cached Spark DataFrame), so the input
query — an OMOP cohort's joins, a Parquet scan — runs once, not at every iteration; the input checks, the levels of
categorical covariates and the covariates' means and variances read the kept rows. Each evaluation at β is then
one aggregate query, built once with β as query parameters (``ibis.param``): x centred on its mean, w = exp(xβ)
computed once per row, and per (stratum, distinct time, event or not) Σ w, Σ w·x and Σ w·xxᵀ. Summing the two
event states of a cell gives its sums over all rows, the event state alone its sums over the event rows (Efron);
at β = 0 the event rows' Σ w and Σ w·x are the cell's event count and Σ x over its events, and the all-rows Σ w
the cell's row count. Risk sets (reverse cumulative sums over time within each stratum) and the Efron/Breslow
algebra (:func:`oncocohort.stats.cox.contributions_from_sums`) run in Python on those cells.

The test of proportional hazards (R ``cox.zph(transform = "km")``) needs no further query: at β̂ — the fit's last
evaluation — the same cells give each event time's Schoenfeld residual sum (Σ x over its events minus the Efron
risk-set means) and information, and the cells' counts at β = 0 give the pooled Kaplan–Meier of the time
transform; :func:`oncocohort.stats.cox.proportional_hazards_from_counts` (the in-memory test's own algebra) runs on
them.

Harrell's concordance when every covariate is categorical: the linear predictor then takes one value per pattern
of the covariates, and one GROUP BY (stratum, time, event, pattern) COUNT gives every comparable pair's count
(:func:`concordance_from_counts`) — exact, the in-memory value (R ``concordance``). With a covariate entering as a
number the predictor has one value per person: not computed (NaN), as counts per value would be per-person rows.

What leaves the engine: per cell at most 2 × (1 + p + p(p+1)/2) sums per Newton evaluation, and for the
concordance counts per (stratum, time, event, covariate pattern); no row.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from ..stats.cox import CoxModel, contributions_from_sums, fit_cox_model, proportional_hazards_from_counts
from .execution import execute_exactly_repeatable, materialized
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
    design matrix, in order; ``time``, ``event``, ``stratum``: column names (``stratum`` may be None). Every
    evaluation queries ``table``: keep its rows in the engine first (:func:`cox_model` does).
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
        rows = table.select(
            _stratum=table[stratum] if stratum is not None else ibis.literal("all"),
            _time=table[time].cast("float64"),
            _event=table[event].cast("float64"),
            **{f"_x{j}": c.cast("float64") - float(m) for j, (c, m) in enumerate(zip(columns, self.means))},
        )
        self.pairs = [(j, k) for j in range(self.p) for k in range(j, self.p)]
        self._beta = [ibis.param("float64") for _ in range(self.p)]
        self._query = self._evaluation_query(rows)
        self._cells = None  # (stratum, time) of each cell, found by the first query (at β = 0)
        self._last = None

    def _evaluation_query(self, rows):
        """The query of every evaluation, built once (β enters as parameters): per (stratum, time, event) cell the
        sums of w, w·x and w·xxᵀ, w = exp(xβ) projected once per row."""
        x = [rows[f"_x{j}"] for j in range(self.p)]
        eta = sum((b * xj for b, xj in zip(self._beta, x)), ibis.literal(0.0))
        weighted = rows.mutate(_w=eta.exp())
        w = weighted["_w"]
        x = [weighted[f"_x{j}"] for j in range(self.p)]
        return weighted.group_by("_stratum", "_time", "_event").aggregate(
            s0=w.sum(), **{f"s1_{j}": (w * x[j]).sum() for j in range(self.p)},
            **{f"s2_{j}_{k}": (w * x[j] * x[k]).sum() for j, k in self.pairs})

    def _start(self) -> None:
        """The cells, from the query at β = 0 (kept: the fit starts there): d per cell = Σ 1 over its event rows,
        Σ x over its event rows."""
        if self._cells is not None:
            return
        zero = np.zeros(self.p)
        keys, all_rows, event_rows = self._sums_at(zero)
        self._cells = keys
        self.d = event_rows[:, 0].copy()
        self.n_at_cell = all_rows[:, 0].copy()  # Σ exp(0) = the cell's row count
        self.sum_x_events = event_rows[:, 1:1 + self.p].copy()
        stratum_codes = pd.factorize(keys["_stratum"])[0]
        self.segment_start = np.r_[True, stratum_codes[1:] != stratum_codes[:-1]] if len(keys) else np.array([])
        self.segment = np.cumsum(self.segment_start) - 1
        self._last = (zero.tobytes(), self._algebra(zero, all_rows, event_rows))

    def __getattr__(self, name):  # d, sum_x_events, segment…: known after the first query
        if name in ("d", "n_at_cell", "sum_x_events", "segment_start", "segment"):
            self._start()
            return self.__dict__[name]
        raise AttributeError(name)

    def _sums_at(self, beta: np.ndarray):
        """One query at β → (cells: stratum, time in risk-set order; sums over all rows of each cell; sums over its
        event rows), the sums as columns [Σ w, Σ w·x_j, Σ w·x_j·x_k (j <= k)]."""
        frame = execute_exactly_repeatable(self._query, {b: float(v) for b, v in zip(self._beta, beta)})
        # cells by stratum, then time descending (risk sets are cumulative sums in that order); censored rows first
        frame = frame.sort_values(["_stratum", "_time", "_event"], ascending=[True, False, True],
                                  kind="stable").reset_index(drop=True)
        stratum, time = frame["_stratum"].to_numpy(object), frame["_time"].to_numpy(float)
        new_cell = (np.r_[True, (stratum[1:] != stratum[:-1]) | (time[1:] != time[:-1])] if len(frame)
                    else np.zeros(0, bool))
        cell = np.cumsum(new_cell) - 1
        sums = frame[["s0", *(f"s1_{j}" for j in range(self.p)),
                      *(f"s2_{j}_{k}" for j, k in self.pairs)]].to_numpy(float)
        events = frame["_event"].to_numpy(float) == 1
        n_cells = int(cell[-1]) + 1 if len(frame) else 0
        all_rows = np.zeros((n_cells, sums.shape[1]))
        event_rows = np.zeros_like(all_rows)
        all_rows[cell[~events]] = sums[~events]  # a cell has at most one censored and one event group
        all_rows[cell[events]] += sums[events]
        event_rows[cell[events]] = sums[events]
        keys = frame.loc[np.asarray(new_cell, bool), ["_stratum", "_time"]].reset_index(drop=True)
        if self._cells is not None and not keys.equals(self._cells):
            raise RuntimeError("the engine returned other (stratum, time) cells than at the start of the fit")
        return keys, all_rows, event_rows

    def covariate_variance(self) -> np.ndarray:
        return self._variance

    def cell_times(self) -> np.ndarray:
        """The time of each (stratum, time) cell, in the cells' order."""
        self._start()
        return self._cells["_time"].to_numpy(float)

    def pooled_counts(self) -> pd.DataFrame:
        """Events and censorings per distinct time over all strata — the frame of
        ``stats.event_counts.count_events(time, event)`` — from the cells' counts at β = 0 (no further query)."""
        self._start()
        cells = pd.DataFrame({"time": self.cell_times(), "n_event": self.d, "n_rows": self.n_at_cell})
        per_time = cells.groupby("time", sort=True)[["n_event", "n_rows"]].sum()
        n_event = np.rint(per_time["n_event"].to_numpy()).astype(np.int64)
        return pd.DataFrame({"stratum": "all", "group": "all", "time": per_time.index.to_numpy(float),
                             "n_event": n_event,
                             "n_censor": np.rint(per_time["n_rows"].to_numpy()).astype(np.int64) - n_event})

    def _cumulative(self, values: np.ndarray) -> np.ndarray:
        """Risk-set sums: cumulative over cells in descending time, restarting at each stratum."""
        total = np.cumsum(values, axis=0)
        starts = np.nonzero(self.segment_start)[0]
        before = np.zeros((len(starts),) + values.shape[1:])
        before[1:] = total[starts[1:] - 1]
        return total - before[self.segment]

    def _split(self, sums: np.ndarray):
        """(Σ w, Σ w·x, Σ w·xxᵀ) per cell from the columns of :meth:`_sums_at`."""
        n, p = len(sums), self.p
        s2 = np.zeros((n, p, p))
        for i, (j, k) in enumerate(self.pairs):
            s2[:, j, k] = s2[:, k, j] = sums[:, 1 + p + i]
        return sums[:, 0], sums[:, 1:1 + p], s2

    def _algebra(self, beta: np.ndarray, all_rows: np.ndarray, event_rows: np.ndarray):
        risk = tuple(self._cumulative(s) for s in self._split(all_rows))
        events = self._split(event_rows) if self.ties == "efron" else None
        linear = float(self.sum_x_events.sum(axis=0) @ beta)  # Σ over events of xβ
        return contributions_from_sums(self.ties, linear, self.d, self.sum_x_events, risk, events)

    def contributions(self, beta: np.ndarray):
        """(loglik, score_cells, info_cells) at β: one aggregate query in the engine, the algebra in stats.cox.
        The last β's result is kept (the fit asks for β = 0 twice: the estimability check, then Newton's start)."""
        self._start()
        beta = np.asarray(beta, float)
        key = beta.tobytes()
        if self._last is None or self._last[0] != key:
            _, all_rows, event_rows = self._sums_at(beta)
            self._last = (key, self._algebra(beta, all_rows, event_rows))
        return self._last[1]

    def evaluate(self, beta: np.ndarray):
        """(log-likelihood, score vector, information matrix) at β."""
        loglik, score_cells, info_cells = self.contributions(np.asarray(beta, float))
        return loglik, score_cells.sum(axis=0), info_cells.sum(axis=0)


def _design_columns(table, covariates, categorical, orders=None) -> tuple[list, list[str]]:
    """Ibis expressions of the design matrix, as :func:`oncocohort.stats.cox.design_matrix`: numeric columns as
    they are; text columns (and those in ``categorical``) as indicators against the first level — in the order
    ``orders[name]`` gives (the reference first, as a pandas Categorical's categories), else in sorted order —
    named ``variable[level]`` (the levels present are fetched from the engine: a DISTINCT per column)."""
    columns, names = [], []
    orders = orders or {}
    for name in covariates:
        column = table[name]
        if name in categorical or not column.type().is_numeric():
            distinct = table.select(level=column).distinct().execute()["level"].dropna().tolist()
            levels = ([level for level in orders[name] if level in distinct] if name in orders
                      else sorted(distinct, key=lambda v: (str(type(v)), v)))
            for level in levels[1:]:
                columns.append((column == level).cast("float64"))
                names.append(f"{name}[{level}]")
        else:
            columns.append(column.cast("float64"))
            names.append(name)
    return columns, names


def cox_model(table, time: str, event: str, covariates, categorical=(), strata: str | None = None,
              ties: str = "efron", conf_level: float = 0.95, orders: dict | None = None) -> CoxModel:
    """Fit a Cox model to an Ibis table in the engine; the same result as
    :func:`oncocohort.stats.cox.cox_model` on the same rows (rows with a missing value in a used column are left
    out, as R does), except Harrell's concordance when a covariate enters as a number (NaN). The PH tests come from
    the cells of the fit's last evaluation (module docstring). ``orders``: a categorical covariate's levels, the
    reference first (default: sorted, the first the reference)."""
    if ties not in ("efron", "breslow"):
        raise ValueError("ties must be 'efron' or 'breslow'")
    used = list(dict.fromkeys([time, event, *covariates] + ([strata] if strata else [])))
    with materialized(table.drop_null(used).select(*used)) as rows:
        check_rows(rows, [
            (time, "times must be >= 0", rows[time] < 0),
            event_rule(rows, event),
        ])
        columns, names = _design_columns(rows, list(covariates), tuple(categorical), orders)
        likelihood = EngineLikelihood(rows, time, event, columns, strata, ties)
        tally = RowTally(likelihood.n_rows, int(likelihood.d.sum()))
        every_categorical = all(c in categorical or not rows[c].type().is_numeric() for c in covariates)
        concordance = ((lambda beta: concordance_from_counts(pattern_counts(rows, time, event, columns, strata),
                                                             beta)) if every_categorical and columns else None)
        return fit_cox_model(likelihood, names, ties, tally, conf_level, concordance=concordance,
                             ph_tests=lambda beta: proportional_hazards_from_counts(likelihood, beta,
                                                                                    likelihood.pooled_counts(),
                                                                                    names))


def pattern_counts(rows, time: str, event: str, columns, stratum: str | None) -> pd.DataFrame:
    """Rows per (stratum, time, event, covariate pattern): one GROUP BY in the engine. Columns ``stratum``, ``time``,
    ``event``, ``x0``… (the design columns' values) and ``n``."""
    keyed = rows.select(stratum=rows[stratum] if stratum is not None else ibis.literal("all"),
                        time=rows[time].cast("float64"), event=rows[event].cast("int64"),
                        **{f"x{j}": c for j, c in enumerate(columns)})
    return keyed.group_by(list(keyed.columns)).aggregate(n=keyed.count()).execute()


def concordance_from_counts(counts: pd.DataFrame, beta: np.ndarray) -> float:
    """Harrell's C as :func:`oncocohort.stats.cox.harrell_concordance` (R ``survival::concordance``) from the rows
    per (stratum, time, event, covariate pattern) of :func:`pattern_counts`: the risk score x·β of each pattern;
    within each stratum, an event at t is compared with every row of time > t and every censored row of time = t
    (events tied on time are not compared); a higher score of the earlier event is concordant, equal scores count
    ½. Method: scores ranked (equal values one rank), counts per (time, rank) in a dense array, the rows still at
    risk per rank by reverse cumulative sums over time and the pairs by cumulative sums over ranks: O(times × ranks)
    per stratum — exact integer pair counts."""
    x = counts[[c for c in counts.columns if c.startswith("x") and c[1:].isdigit()]].to_numpy(float)
    score = x @ np.asarray(beta, float)
    concordant = discordant = tied = 0.0
    for _, part in counts.assign(_score=score).groupby("stratum", sort=True):
        ranks, rank = np.unique(part["_score"].to_numpy(float), return_inverse=True)
        times, at = np.unique(-part["time"].to_numpy(float), return_inverse=True)  # descending time
        n, is_event = part["n"].to_numpy(np.int64), part["event"].to_numpy() == 1
        events = np.zeros((len(times), len(ranks)), np.int64)
        censored = np.zeros_like(events)
        np.add.at(events, (at[is_event], rank[is_event]), n[is_event])
        np.add.at(censored, (at[~is_event], rank[~is_event]), n[~is_event])
        # rows compared with the events at each time: every row of a later time, and the censored rows at it
        later = np.cumsum(events + censored, axis=0) - (events + censored)
        compared = later + censored
        below = np.cumsum(compared, axis=1) - compared  # per rank: compared rows with a lower score
        above = compared.sum(axis=1, keepdims=True) - below - compared
        concordant += float(np.sum(events * below))
        tied += float(np.sum(events * compared))
        discordant += float(np.sum(events * above))
    comparable = concordant + discordant + tied
    return float((concordant + tied / 2) / comparable) if comparable else np.nan
