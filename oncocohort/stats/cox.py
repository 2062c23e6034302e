"""Cox proportional-hazards regression from per-time sums, equal to R ``coxph``.

Newton–Raphson on the partial log-likelihood with Efron (default) or Breslow handling of tied event times.
Each iteration needs, per stratum and distinct time, the sums of w = exp(xβ), w·x and w·xxᵀ over all rows and
over the event rows (Efron) — the aggregation step — and reverse cumulative sums of those give the risk sets.
The rest is small dense algebra, so the same code serves 32 patients or 10⁶ rows.

Reported as R ``summary(coxph)``: coef, SE (inverse information), HR with Wald CI, Wald p; likelihood-ratio,
Wald and score (log-rank) global tests; Harrell's concordance as R (ties in the predictor count ½, pairs tied
on event time are not comparable). Monotone likelihood (a coefficient running to ±∞) is detected by R's rule:
the remaining Newton step for coefficient k exceeds eps and sqrt(eps)·|β_k| at convergence.
Categorical covariates are treatment-coded against their first level in sorted order, named ``var[level]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .distributions import stats  # scipy.stats' normal and chi-square functions, without importing scipy.stats
from .event_counts import count_events, sorted_codes, with_risk_sets

EPS = 1e-9          # R coxph.control(eps): relative change in the log-likelihood at convergence
TOLER_INF = np.sqrt(EPS)
MAX_ITER = 30
_BLOCK_ROWS = 1 << 16          # rows per block of the per-cell sums (cox._PartialLikelihood._sums)
_BLOCK_CACHE_BYTES = 1 << 29  # keep the blocks' products between iterations up to 512 MB


@dataclass(frozen=True)
class CoxTerm:
    name: str
    coef: float
    se: float
    hr: float
    lower: float
    upper: float
    z: float
    p_value: float
    infinite: bool = False


@dataclass(frozen=True)
class ProportionalHazardsTest:
    """Test of proportional hazards for one term (or GLOBAL), as R ``cox.zph(fit, transform = "km")``."""

    term: str
    chisq: float
    df: int
    p_value: float


@dataclass(frozen=True)
class CoxModel:
    """A fitted Cox model, each number as R ``summary(coxph)`` reports it."""

    terms: tuple[CoxTerm, ...]
    ties: str
    n: int
    events: int
    loglik_null: float
    loglik: float
    lr_test: float
    lr_p: float
    wald_test: float
    wald_p: float
    score_test: float
    score_p: float
    df: int
    concordance: float
    iterations: int
    conf_level: float
    monotone_likelihood: tuple[str, ...]
    covariance: np.ndarray
    ph_tests: tuple[ProportionalHazardsTest, ...] = ()

    @property
    def method(self) -> str:
        return f"Cox proportional-hazards model ({self.ties.capitalize()} ties), Wald CI"

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per coefficient, as R ``broom::tidy(coxph, conf.int = TRUE)`` — ``estimate`` the log HR
        with its SE, z and p — plus the hazard ratio and its CI (``exponentiate = TRUE``)."""
        return pd.DataFrame([{"term": t.name, "estimate": t.coef, "std_error": t.se, "statistic": t.z,
                              "p_value": t.p_value, "hazard_ratio": t.hr, "conf_low": t.lower, "conf_high": t.upper,
                              "method": self.method} for t in self.terms])


class ModelNotEstimable(np.linalg.LinAlgError):
    """The model's coefficients cannot be estimated from these rows; the message says why in words."""


def check_estimable(likelihood: _PartialLikelihood, names) -> None:
    """Raise :class:`ModelNotEstimable` when the information at β = 0 is singular — then it is singular at every β
    (each risk set's weighted covariance of x is zero in the same directions whatever the positive weights):
    no events, a covariate that never varies within a risk set at an event time, or covariates that are
    linear combinations of each other. Checked on the correlation scale so covariate units do not matter."""
    names = list(names)
    if likelihood.d.sum() == 0:
        raise ModelNotEstimable("there are no events among the rows used")
    if not names:
        return
    with np.errstate(all="ignore"):
        info = likelihood.evaluate(np.zeros(len(names)))[2]
    spread = np.maximum(likelihood.covariate_variance() * likelihood.d.sum(), np.finfo(float).tiny)
    silent = [n for n, v, s in zip(names, np.diag(info), spread) if not v > 1e-10 * s]
    if silent:
        raise ModelNotEstimable(f"{', '.join(silent)}: no information — the value never differs between the "
                                "patients at risk at any event time (e.g. one value only, or all events in one "
                                "group)")
    scale = 1 / np.sqrt(np.diag(info))
    eigenvalues, vectors = np.linalg.eigh(info * np.outer(scale, scale))
    if eigenvalues[0] < 1e-10:
        involved = [n for n, w in zip(names, vectors[:, 0]) if abs(w) > 0.05]
        raise ModelNotEstimable(f"{', '.join(involved)}: these terms cannot be separated (one is a linear "
                                "combination of the others among the patients at risk at the event times)")


def design_matrix(frame: pd.DataFrame, covariates, categorical=()) -> tuple[np.ndarray, list[str]]:
    """Numeric columns as they are; text columns (and those named in ``categorical``) as treatment-coded
    indicators against the first level, named ``variable[level]``. The first level is the first category of a
    pandas Categorical column present in the rows (an R factor's first level: the report's reference level,
    stats/level_order.py), else the first in sorted order."""
    columns, names = [], []
    for name in covariates:
        values = frame[name]
        categorical_column = isinstance(values.dtype, pd.CategoricalDtype)
        if categorical_column or name in categorical or not pd.api.types.is_numeric_dtype(values):
            if categorical_column:
                present = set(values.dropna().unique())
                levels = [level for level in values.cat.categories if level in present]
            else:
                levels = sorted(values.dropna().unique(), key=lambda v: (str(type(v)), v))
            for level in levels[1:]:
                columns.append((values == level).to_numpy(float))
                names.append(f"{name}[{level}]")
        else:
            columns.append(values.to_numpy(float))
            names.append(name)
    return np.column_stack(columns) if columns else np.empty((len(frame), 0)), names


class _PartialLikelihood:
    """Partial log-likelihood, score and information of β, from per-(stratum, time) sums."""

    def __init__(self, x: np.ndarray, time: np.ndarray, event: np.ndarray, stratum: np.ndarray, ties: str,
                 case_weights: np.ndarray | None = None):
        self.x = x - x.mean(axis=0)  # centring (as R) changes nothing but numerical range
        self.event = event.astype(float)
        # case weights c (R coxph(weights =)): each row counts c times; None = 1 for every row
        self.case_weights = np.ones(len(time)) if case_weights is None else np.asarray(case_weights, float)
        # cells = (stratum, distinct time), ordered by stratum then descending time; integer keys sort fast
        time_rank, distinct_times = sorted_codes(-np.asarray(time, float))
        strata_codes = pd.factorize(np.asarray(stratum), sort=True)[0]
        codes, keys = sorted_codes(strata_codes.astype(np.int64) * len(distinct_times) + time_rank)
        self.cell = codes
        self.n_cells = len(keys)
        self._cell_time = -distinct_times[keys % len(distinct_times)]
        stratum_of_cell = keys // len(distinct_times)
        self.segment_start = np.r_[True, stratum_of_cell[1:] != stratum_of_cell[:-1]]
        self.segment = np.cumsum(self.segment_start) - 1
        self.d = np.bincount(codes, self.event, self.n_cells)
        self.dead_weight = np.bincount(codes, self.event * self.case_weights, self.n_cells)
        self.sum_x_events = np.zeros((self.n_cells, x.shape[1]))
        for j in range(x.shape[1]):
            self.sum_x_events[:, j] = np.bincount(codes, self.event * self.case_weights * self.x[:, j], self.n_cells)
        # per row, the cell from which on it is no longer at risk (n_cells: at risk back to the first time);
        # counting-process rows (left truncation) set it to the first cell at or before their start
        self.exit_cell = np.full(len(time), self.n_cells)
        self.ties = ties
        p = x.shape[1]
        self.pairs = [(j, k) for j in range(p) for k in range(j, p)]

    def _cumulative(self, values: np.ndarray) -> np.ndarray:
        """Risk-set sums: cumulative over cells in descending time, restarting at each stratum."""
        total = np.cumsum(values, axis=0)
        starts = np.nonzero(self.segment_start)[0]
        before = np.zeros((len(starts),) + values.shape[1:])
        before[1:] = total[starts[1:] - 1]  # running total where each later stratum begins
        return total - before[self.segment]

    def _sums(self, weights: np.ndarray):
        """Per cell, Σ w, Σ w·x and Σ w·xxᵀ over the cell's own rows (w: one weight per row, in row order).

        Method: the rows sorted by cell once, with [1, x, x_j·x_k (j <= k)] per row in blocks of rows; each call is
        then one sparse (cells × rows, entries w) times dense (rows × columns) product per block — a single pass
        in C, instead of one ``np.bincount`` per column of products. Sums run in row order within each cell."""
        p = self.x.shape[1]
        out = np.zeros((self.n_cells, 1 + p + len(self.pairs)))
        sorted_weights = weights[self._row_order()]
        for lo, first_cell, bounds, block in self._row_blocks():
            local = sparse.csr_matrix((sorted_weights[lo:lo + len(block)], np.arange(len(block)), bounds),
                                      shape=(len(bounds) - 1, len(block)))
            out[first_cell:first_cell + len(bounds) - 1] += local @ block
        s0, s1 = out[:, 0], out[:, 1:1 + p]
        s2 = np.zeros((self.n_cells, p, p))
        rows_j, cols_k = np.array(self.pairs, dtype=int).reshape(-1, 2).T
        s2[:, rows_j, cols_k] = out[:, 1 + p:]
        s2[:, cols_k, rows_j] = out[:, 1 + p:]
        return s0, s1, s2

    def _row_order(self) -> np.ndarray:
        """Row indices sorted by cell (stable: row order kept within a cell); computed once."""
        if getattr(self, "_order", None) is None:
            self._order = np.argsort(self.cell, kind="stable")
        return self._order

    def _row_blocks(self):
        """Rows sorted by cell, in blocks of ``_BLOCK_ROWS``: (first sorted position, first cell of the block, the
        block's cell boundaries as CSR row pointers, its [1, x, x_j·x_k] columns). Built on first use; kept when
        they fit in ``_BLOCK_CACHE_BYTES`` (otherwise the products are rebuilt per call, bounding the memory)."""
        cached = getattr(self, "_blocks", None)
        if cached is not None:
            yield from cached
            return
        order = self._row_order()
        sorted_cell = self.cell[order]
        p = self.x.shape[1]
        rows_j, cols_k = np.array(self.pairs, dtype=int).reshape(-1, 2).T
        width = 1 + p + len(self.pairs)
        keep = len(order) * width * 8 <= _BLOCK_CACHE_BYTES
        blocks = []
        sorted_x = self.x[order]
        for lo in range(0, len(order), _BLOCK_ROWS):
            cells = sorted_cell[lo:lo + _BLOCK_ROWS]
            bounds = np.r_[0, np.flatnonzero(cells[1:] != cells[:-1]) + 1, len(cells)]
            x = sorted_x[lo:lo + _BLOCK_ROWS]
            block = np.empty((len(cells), width))
            block[:, 0] = 1.0
            block[:, 1:1 + p] = x
            np.multiply(x[:, rows_j], x[:, cols_k], out=block[:, 1 + p:])
            item = (lo, int(cells[0]), bounds, block)
            if keep:
                blocks.append(item)
            yield item
        if keep:
            self._blocks = blocks

    def risk_set_sums(self, weights: np.ndarray):
        """Per cell, the sums of w, w·x, w·xxᵀ over the rows at risk (time >= the cell's time, same stratum)."""
        a0, a1, a2 = self._sums(weights)                  # all rows leaving at each time
        return self._cumulative(a0), self._cumulative(a1), self._cumulative(a2)

    def contributions(self, beta: np.ndarray):
        """Log-likelihood and, per (stratum, time) cell, the score and information contributions at β.

        Returns (loglik, score_cells n_cells × p, info_cells n_cells × p × p); cells without events give zeros.
        """
        eta = self.x @ beta
        w = self.case_weights * np.exp(eta)
        event_sums = self._sums(w * self.event) if self.ties == "efron" else None  # event rows only
        return contributions_from_sums(self.ties, float(np.sum(self.case_weights * self.event * eta)), self.d,
                                       self.sum_x_events, self.risk_set_sums(w), event_sums, self.dead_weight)

    def covariate_variance(self) -> np.ndarray:
        """Variance of each covariate over the rows (the scale of "no information" in :func:`check_estimable`)."""
        return self.x.var(axis=0)

    def _slots(self, has: np.ndarray):
        """Efron's event slots of the cells ``has`` (cells with events): each slot's index into ``has``, its share
        f = j/d of the tied events already removed, and the mean case weight of those events."""
        counts = self.d[has].astype(int)
        slot_cell = np.repeat(np.arange(len(has)), counts)
        f = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts, counts)
        if self.ties == "breslow":
            f = np.zeros_like(f)
        return slot_cell, f, (self.dead_weight[has] / counts)[slot_cell]

    def score_residuals(self, beta: np.ndarray) -> np.ndarray:
        """Score residual of each row at β (n × p, not multiplied by the row's case weight), as R
        ``residuals(coxph, "score")``: δᵢ(xᵢ − x̄ᵢ) − exp(ηᵢ) Σ_t dΛ(t)(xᵢ − x̄(t)) over the event times t at which
        row i is at risk; for Efron ties the k-th of d tied events counts (1 − k/d) for the rows dying then, and
        their own x̄ is the mean over the d slots (R ``agscore2``)."""
        p = len(beta)
        eta = self.x @ beta
        risk = np.exp(eta)
        r0, r1, _ = self.risk_set_sums(self.case_weights * risk)
        e0, e1, _ = self._sums(self.case_weights * risk * self.event)
        has = np.nonzero(self.d > 0)[0]
        slot_cell, f, mw = self._slots(has)
        den = r0[has][slot_cell] - f * e0[has][slot_cell]
        mean = (r1[has][slot_cell] - f[:, None] * e1[has][slot_cell]) / den[:, None]
        hazard = mw / den

        def per_cell(values):  # slot values summed per cell (all cells; zero where no event)
            out = np.zeros((self.n_cells + 1, values.shape[1]))  # spare last row: "no cell"
            for j in range(values.shape[1]):
                out[has, j] = np.bincount(slot_cell, values[:, j], len(has))
            return out

        h = per_cell(np.column_stack([hazard, hazard[:, None] * mean]))
        h_event = per_cell(np.column_stack([(1 - f) * hazard, ((1 - f) * hazard)[:, None] * mean]))
        mean_event = per_cell(mean / self.d[has][slot_cell][:, None])
        # Σ of h over the cells of a row's stratum with time <= the cell's time (cells run in descending time)
        through = self._cumulative(h[:-1])                       # cells with time >= t
        last_of_stratum = np.r_[np.nonzero(self.segment_start)[0][1:] - 1, self.n_cells - 1]
        up_to = through[last_of_stratum][self.segment] - through + h[:-1]  # cells with time <= t
        up_to = np.vstack([up_to, np.zeros((1, p + 1))])
        at_risk = up_to[self.cell] - up_to[self.exit_cell]  # the event times in (start, stop]
        at_risk += np.where(self.event[:, None] == 1, h_event[self.cell] - h[self.cell], 0.0)
        residual = -risk[:, None] * (self.x * at_risk[:, :1] - at_risk[:, 1:])
        return residual + self.event[:, None] * (self.x - mean_event[self.cell])

    def evaluate(self, beta: np.ndarray):
        """(log-likelihood, score vector, information matrix) at β. The last point is remembered (the fit starts
        where check_estimable looked: β = 0)."""
        key = np.asarray(beta, float).tobytes()
        last = getattr(self, "_last_evaluation", None)
        if last is None or last[0] != key:
            loglik, score_cells, info_cells = self.contributions(beta)
            last = self._last_evaluation = (key, loglik, score_cells.sum(axis=0), info_cells.sum(axis=0))
        return last[1], last[2].copy(), last[3].copy()

    def cell_times(self) -> np.ndarray:
        """The time of each (stratum, time) cell."""
        return self._cell_time


def contributions_from_sums(ties: str, linear: float, d: np.ndarray, sum_x_events: np.ndarray, risk_sums,
                            event_sums=None, dead_weight: np.ndarray | None = None):
    """Partial log-likelihood, per-cell score and information from per-(stratum, time) cell sums — the algebra
    after the aggregation step, shared by the in-memory likelihood and the in-engine one (oncocohort.engine.cox).

    ``linear``: Σ over event rows of xβ; ``d``: events per cell; ``sum_x_events``: Σ x over each cell's event
    rows; ``risk_sums``: (Σ w, Σ w·x, Σ w·xxᵀ) over each cell's risk set (rows of the stratum with time >= the
    cell's), w = exp(xβ) (× the case weight); ``event_sums``: the same three sums over the cell's event rows (Efron
    only); ``dead_weight``: Σ case weight over each cell's event rows (None: unweighted, = d) — each of the d tied
    events counts the mean case weight of the tied events (R coxfit6's ``meanwt``).
    Returns (loglik, score_cells n_cells × p, info_cells n_cells × p × p); cells without events give zeros.
    """
    r0, r1, r2 = risk_sums
    p = sum_x_events.shape[1]
    loglik = linear
    score_cells = sum_x_events.copy()
    info_cells = np.zeros((len(d), p, p))
    has = np.nonzero(d > 0)[0]
    counts = d[has].astype(int)
    weight = d[has] if dead_weight is None else dead_weight[has]  # = the number of events without case weights
    if ties == "breslow":
        mean = r1[has] / r0[has, None]
        loglik -= float(np.sum(weight * np.log(r0[has])))
        score_cells[has] -= weight[:, None] * mean
        info_cells[has] = weight[:, None, None] * (r2[has] / r0[has, None, None] - mean[:, :, None] * mean[:, None, :])
        return loglik, score_cells, info_cells
    # Efron: the j-th of d tied events (f = j/d, j = 0..d−1) sees den = R0 − f·E0, mean (R1 − f·E1)/den, etc.
    # Summing over j needs only per-cell scalar sums, so the tie loop is vectorised over "event slots".
    e0, e1, e2 = event_sums
    slot_cell = np.repeat(np.arange(len(has)), counts)
    f = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts, counts)
    mean_weight = (weight / counts)[slot_cell]
    den = r0[has][slot_cell] - f * e0[has][slot_cell]
    loglik -= float(np.sum(mean_weight * np.log(den)))

    def per_cell(values):
        return np.bincount(slot_cell, mean_weight * values, len(has))

    inv, f_inv = per_cell(1 / den), per_cell(f / den)
    inv2, f_inv2, ff_inv2 = per_cell(1 / den**2), per_cell(f / den**2), per_cell(f * f / den**2)
    R1, E1 = r1[has], e1[has]
    score_cells[has] -= R1 * inv[:, None] - E1 * f_inv[:, None]
    info_cells[has] = (r2[has] * inv[:, None, None] - e2[has] * f_inv[:, None, None]
                       - np.einsum("t,tj,tk->tjk", inv2, R1, R1)
                       + np.einsum("t,tj,tk->tjk", f_inv2, R1, E1) + np.einsum("t,tj,tk->tjk", f_inv2, E1, R1)
                       - np.einsum("t,tj,tk->tjk", ff_inv2, E1, E1))
    return loglik, score_cells, info_cells


def _fit_newton(likelihood: _PartialLikelihood, p: int):
    beta = np.zeros(p)
    loglik, score, info = likelihood.evaluate(beta)
    null = (loglik, score, info)
    iterations = 0
    for iterations in range(1, MAX_ITER + 1):
        step = np.linalg.solve(info, score)
        new_beta = beta + step
        new = likelihood.evaluate(new_beta)
        halvings = 0
        # step-halving, as R, when the log-likelihood falls — by more than its rounding: a sum over n rows differs by
        # a few ulps with the order of its terms (measured at 1e6 rows: 2e-9 on 9e6), and halving on that noise made
        # β depend on the summation order (in-engine vs in memory ~1e-11) at 30 evaluations per step
        tolerance = 1e-12 * max(1.0, abs(loglik))
        while (not np.isfinite(new[0]) or new[0] < loglik - tolerance) and halvings < 30:
            new_beta = (beta + new_beta) / 2
            new = likelihood.evaluate(new_beta)
            halvings += 1
        converged = abs(1 - loglik / new[0]) <= EPS * 1e-3 if new[0] != 0 else abs(new[0] - loglik) <= EPS
        beta, (loglik, score, info) = new_beta, new
        # stop once the log-likelihood has settled and either the step is negligible or, for a coefficient running
        # to infinity (monotone likelihood), after 5 iterations
        small_step = np.max(np.abs(step)) < 1e-10 * max(1.0, np.max(np.abs(beta)))
        if converged and (small_step or iterations > 5):
            break
    return beta, loglik, score, info, null, iterations


def cox_regression(time, event, x, names=None, stratum=None, ties: str = "efron", conf_level: float = 0.95
                   ) -> CoxModel:
    """Fit a Cox model. ``x``: n × p covariate matrix (see :func:`design_matrix`); ``stratum``: optional labels
    (separate baseline hazards, as R ``strata()``)."""
    if ties not in ("efron", "breslow"):
        raise ValueError("ties must be 'efron' or 'breslow'")
    time = np.asarray(time, float)
    event = np.asarray(event).astype(int)
    x = np.asarray(x, float).reshape(len(time), -1)
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(x.shape[1])]
    stratum = np.zeros(len(time), int) if stratum is None else pd.factorize(np.asarray(stratum), sort=True)[0]
    likelihood = _PartialLikelihood(x, time, event, stratum, ties)
    return fit_cox_model(
        likelihood, names, ties, event, conf_level,
        concordance=lambda beta: harrell_concordance(time, event, x @ beta, stratum),
        ph_tests=lambda beta: proportional_hazards_tests(likelihood, beta, time, event, names))


def fit_cox_model(likelihood, names: list[str], ties: str, event: np.ndarray, conf_level: float,
                  concordance=None, ph_tests=None) -> CoxModel:
    """Newton–Raphson on a partial likelihood (right-censored, or counting-process rows) → the model with Wald
    CIs, the monotone-likelihood rule and the likelihood-ratio, Wald and score tests. ``concordance`` and
    ``ph_tests`` (functions of β̂) give Harrell's C and the PH tests where they are defined (NaN / none otherwise)."""
    check_estimable(likelihood, names)
    p = len(names)
    beta, loglik, score, info, (loglik0, score0, info0), iterations = _fit_newton(likelihood, p)
    covariance = np.linalg.inv(info)
    se = np.sqrt(np.diag(covariance))
    remaining = np.abs(score @ covariance)
    infinite = (remaining > EPS) & (remaining > TOLER_INF * np.abs(beta))
    z_crit = stats.norm.ppf(1 - (1 - conf_level) / 2)
    z = beta / se
    with np.errstate(over="ignore"):  # a monotone-likelihood term has an infinite HR bound: inf, not a warning
        terms = tuple(
            CoxTerm(n, float(b), float(s), float(np.exp(b)), float(np.exp(b - z_crit * s)),
                    float(np.exp(b + z_crit * s)), float(zz), float(2 * stats.norm.sf(abs(zz))), bool(inf))
            for n, b, s, zz, inf in zip(names, beta, se, z, infinite)
        )
    lr = 2 * (loglik - loglik0)
    wald = float(beta @ info @ beta)
    score_test = float(score0 @ np.linalg.solve(info0, score0))
    return CoxModel(
        terms, ties, len(event), int(event.sum()), float(loglik0), float(loglik), float(lr),
        float(stats.chi2.sf(lr, p)), wald, float(stats.chi2.sf(wald, p)), score_test,
        float(stats.chi2.sf(score_test, p)), p,
        float("nan") if concordance is None else concordance(beta), iterations, conf_level,
        tuple(n for n, inf in zip(names, infinite) if inf), covariance,
        () if ph_tests is None else ph_tests(beta),
    )


def term_columns(names) -> dict[str, list[int]]:
    """Columns of each model term: ``celltype[large]`` and ``celltype[squamous]`` belong to term ``celltype``."""
    terms: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        terms.setdefault(name.split("[", 1)[0], []).append(j)
    return terms


def proportional_hazards_tests(likelihood: _PartialLikelihood, beta: np.ndarray, time, event, names
                               ) -> tuple[ProportionalHazardsTest, ...]:
    """Score tests of adding x·g(t) at (β̂, 0), g(t) = 1 − Ŝ(t−) centred on its mean over events (Ŝ the pooled
    Kaplan–Meier), per term and GLOBAL — the method of R ``cox.zph(transform = "km")`` (survival >= 3.0)."""
    return proportional_hazards_from_counts(likelihood, beta, count_events(time, event), names)


def proportional_hazards_from_counts(likelihood, beta: np.ndarray, counts: pd.DataFrame, names
                                     ) -> tuple[ProportionalHazardsTest, ...]:
    """:func:`proportional_hazards_tests` from aggregates only: ``counts`` the events and censorings per distinct
    time pooled over strata (columns time, n_event, n_censor: :func:`count_events` of all rows), and the
    likelihood's per-(stratum, time) cells at β̂ (``contributions``: the Schoenfeld residual sums and information
    per cell; ``d``; ``cell_times()``) — what the in-engine fit (oncocohort.engine.cox) brings back."""
    p = len(beta)
    if p == 0:
        return ()
    _, score_cells, info_cells = likelihood.contributions(beta)
    counts = with_risk_sets(counts)  # pooled over strata, as R's survfitKM(rep(1, n))
    counts = counts[counts["n_event"] > 0]
    event_times = counts["time"].to_numpy(float)
    surv = np.cumprod(1 - counts["n_event"].to_numpy(float) / counts["n_risk"].to_numpy(float))
    cell_times = likelihood.cell_times()
    before = np.searchsorted(event_times, cell_times, side="left") - 1  # last event time strictly before t
    transformed = 1 - np.where(before >= 0, surv[np.maximum(before, 0)], 1.0)
    g = transformed - np.sum(likelihood.d * transformed) / likelihood.d.sum()
    u = np.concatenate([np.zeros(p), (g[:, None] * score_cells).sum(axis=0)])
    i11, i12, i22 = info_cells.sum(axis=0), np.einsum("t,tjk->jk", g, info_cells), np.einsum("t,tjk->jk", g * g,
                                                                                             info_cells)
    information = np.block([[i11, i12], [i12, i22]])
    results = []
    groups = list(term_columns(names).items()) + [("GLOBAL", list(range(p)))]
    for term, columns in groups:
        keep = list(range(p)) + [p + j for j in columns]
        sub_u = u[keep]
        chisq = float(sub_u @ np.linalg.solve(information[np.ix_(keep, keep)], sub_u))
        results.append(ProportionalHazardsTest(term, chisq, len(columns), float(stats.chi2.sf(chisq, len(columns)))))
    return tuple(results)


def cox_model(frame: pd.DataFrame, time: str, event: str, covariates, categorical=(), strata: str | None = None,
              ties: str = "efron", conf_level: float = 0.95) -> CoxModel:
    """Fit a Cox model from a DataFrame: ``time``/``event`` column names, covariate names (text columns and
    those in ``categorical`` are treatment-coded). Rows with a missing value are dropped, as R does."""
    used = [time, event, *covariates] + ([strata] if strata else [])
    data = frame[used].dropna()
    x, names = design_matrix(data, covariates, categorical)
    return cox_regression(data[time], data[event], x, names, data[strata] if strata else None, ties, conf_level)


def harrell_concordance(time, event, risk, stratum=None) -> float:
    """Harrell's C as R (survival::concordance): over comparable pairs — an event at t_i and another patient of
    the same stratum with t_j > t_i, or censored at t_j = t_i — the share where the earlier event has the
    higher risk score; ties in the score count ½.

    Walks the distinct times from the last to the first. The risk scores of patients already passed are kept
    sorted — a large array plus a small buffer, merged when the buffer grows (stable sort of two sorted runs is
    linear) — so each time's events are counted with two ``searchsorted`` calls: O(n log n) overall.
    """
    time, event, risk = np.asarray(time, float), np.asarray(event).astype(int), np.asarray(risk, float)
    stratum = np.zeros(len(time), int) if stratum is None else np.asarray(stratum)
    concordant = discordant = tied = 0.0
    for s in np.unique(stratum):
        m = stratum == s
        order = np.lexsort((event[m], -time[m]))  # time descending; at equal times censorings first
        t, e, r = time[m][order], event[m][order], risk[m][order]
        buffer_limit = max(1024, int(np.sqrt(len(t)) * 32))
        passed, buffer = np.empty(0), np.empty(0)
        inserted = 0
        bounds = np.flatnonzero(np.r_[True, t[1:] != t[:-1], True])
        for start, stop in zip(bounds[:-1], bounds[1:]):
            block_e, block_r = e[start:stop], r[start:stop]
            censored = block_r[block_e == 0]
            if len(censored):  # censorings at this time are comparable with events at this time
                buffer = _merge(buffer, censored)
                inserted += len(censored)
            events = np.sort(block_r[block_e == 1])  # sorted keys: faster searches below
            if len(events):
                below = np.searchsorted(passed, events, "left") + np.searchsorted(buffer, events, "left")
                at_most = np.searchsorted(passed, events, "right") + np.searchsorted(buffer, events, "right")
                concordant += below.sum()
                tied += (at_most - below).sum()
                discordant += (inserted - at_most).sum()
                buffer = _merge(buffer, events)
                inserted += len(events)
            if len(buffer) > buffer_limit:
                passed, buffer = _merge(passed, buffer), np.empty(0)
    comparable = concordant + discordant + tied
    return float((concordant + tied / 2) / comparable) if comparable else np.nan


def _merge(sorted_values: np.ndarray, new_values: np.ndarray) -> np.ndarray:
    """Sorted union of a sorted array and new values (timsort merges the two runs in linear time)."""
    return np.sort(np.concatenate([sorted_values, np.sort(new_values)]), kind="stable")
