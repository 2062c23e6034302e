"""Competing risks: cumulative incidence (Aalen–Johansen) with Gray's test, Fine–Gray and cause-specific Cox.

Status coding: 0 = censored, one code per cause (e.g. 1 = progression, 2 = death without progression).

- **Cumulative incidence** of each cause per group — the Aalen–Johansen estimator
  F_k(t) = Σ_{s ≤ t} Ŝ(s−) d_k(s) / n(s) (Ŝ the all-cause Kaplan–Meier) — and its variance, both exactly as
  R ``cmprsk::cuminc`` (Gray's Fortran ``cinc``: the asymptotic variance of Aalen 1978 with the tie correction
  1 − (d − 1)/(n − 1)). cmprsk gives no confidence interval; ours are pointwise on the log(−log) scale,
  F^exp(±z·√var / (F·log F)) — the transformation tidycmprsk and ggsurvfit use on cuminc's variance.
- **Gray's test** (Gray 1988, Ann Stat 16:1141) of equal cumulative incidence of a cause between groups, weight
  (1 − F(t−))^ρ, optionally stratified — a port of cmprsk's ``crstm``/``crst``, equal to ``cuminc(...)$Tests``.
- **Fine–Gray** subdistribution-hazard regression (Fine & Gray 1999, JASA 94:496) as R ``cmprsk::crr`` with one
  censoring group: Breslow handling of ties, a patient with a competing event stays in the risk set with weight
  G(t−)/G(T−) (G the Kaplan–Meier of censoring), and crr's robust (sandwich) variance including the term for the
  estimated G. Every sum over the risk sets is a cumulative sum over sorted times, so the fit is O(n log n);
  crr's Fortran loops over pairs of patients.
- **Cause-specific Cox**: the Cox model (:mod:`oncocohort.stats.cox`, Efron ties) with the other causes censored.

Hand-written because no Python library reproduces cmprsk (lifelines' AalenJohansenFitter has another variance and
no Gray's test or Fine–Gray model); the numbers are tested against R on survival::mgus2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cox import CoxModel, CoxTerm, cox_regression
from .distributions import stats  # scipy.stats' normal and chi-square functions, without importing scipy.stats

CUMINC_METHOD = ("Aalen–Johansen cumulative incidence, variance as R cmprsk::cuminc; "
                 "pointwise CI on the log(−log) scale")
GRAY_METHOD = "Gray's test (R cmprsk::cuminc)"
FINE_GRAY_METHOD = ("Fine–Gray subdistribution-hazard model (R cmprsk::crr: Breslow ties, "
                    "robust sandwich SE), Wald CI")


@dataclass(frozen=True)
class CumulativeIncidence:
    """One cause's cumulative incidence in one group: the value after each jump (times with an event of the
    cause), with cuminc's variance. ``last_time`` is the group's largest follow-up time (the curve is not
    defined beyond it, as R ``timepoints`` gives NA)."""

    group: str
    cause: str
    n: int
    events: int
    time: tuple[float, ...]
    estimate: tuple[float, ...]
    variance: tuple[float, ...]
    last_time: float
    conf_level: float = 0.95
    method: str = CUMINC_METHOD

    def at(self, times) -> pd.DataFrame:
        """Estimate, variance and pointwise CI at ``times`` (as R ``timepoints``: the value of the step function,
        right-continuous; NaN after ``last_time``)."""
        times = np.asarray(times, float)
        index = np.searchsorted(np.asarray(self.time, float), times, side="right") - 1
        est = np.where(index >= 0, np.r_[self.estimate][np.maximum(index, 0)] if self.estimate else 0.0, 0.0)
        var = np.where(index >= 0, np.r_[self.variance][np.maximum(index, 0)] if self.variance else 0.0, 0.0)
        beyond = times > self.last_time
        est, var = np.where(beyond, np.nan, est), np.where(beyond, np.nan, var)
        lower, upper = log_log_interval(est, var, self.conf_level)
        return pd.DataFrame({"group": self.group, "cause": self.cause, "time": times, "estimate": est,
                             "variance": var, "lower": lower, "upper": upper})


@dataclass(frozen=True)
class GrayTest:
    """Gray's test of equal cumulative incidence of ``cause`` across the groups (chi-square on groups − 1 df)."""

    cause: str
    statistic: float
    df: int
    p_value: float
    rho: float
    stratified: bool
    method: str = GRAY_METHOD
    note: str = ""  # why the statistic is NaN (a singular variance, where R cuminc reports stat = −1)


@dataclass(frozen=True)
class CompetingRisksSummary:
    """Cumulative incidence of every cause in every group, and Gray's test per cause when there are groups."""

    curves: tuple[CumulativeIncidence, ...]
    tests: tuple[GrayTest, ...]
    causes: tuple[str, ...]
    groups: tuple[str, ...]

    def curve(self, cause, group="all") -> CumulativeIncidence:
        """The curve of ``cause`` in ``group``."""
        for c in self.curves:
            if c.cause == str(cause) and c.group == str(group):
                return c
        raise KeyError(f"no curve for cause {cause!r} in group {group!r}")

    def to_frame(self, times) -> pd.DataFrame:
        """One row per group, cause and time: estimate, variance, CI, method (tidy, as broom::tidy)."""
        frame = pd.concat([c.at(times) for c in self.curves], ignore_index=True)
        frame["method"] = CUMINC_METHOD
        return frame


@dataclass(frozen=True)
class FineGrayModel:
    """A fitted Fine–Gray model for ``cause``; each term's coef is a log subdistribution hazard ratio."""

    cause: str
    terms: tuple[CoxTerm, ...]
    n: int
    events: int
    competing_events: int
    censored: int
    loglik_null: float
    loglik: float
    iterations: int
    conf_level: float
    covariance: np.ndarray
    information: np.ndarray
    method: str = FINE_GRAY_METHOD

    def to_frame(self) -> pd.DataFrame:
        """One row per term: log sHR, SE, sHR with CI, z, p, method."""
        return pd.DataFrame([{"cause": self.cause, "term": t.name, "estimate": t.coef, "std_error": t.se,
                              "hazard_ratio": t.hr, "conf_low": t.lower, "conf_high": t.upper,
                              "statistic": t.z, "p_value": t.p_value, "method": self.method} for t in self.terms])


@dataclass(frozen=True)
class CauseSpecificCox:
    """Cox model of one cause's hazard, the other causes censored at their time."""

    cause: str
    model: CoxModel

    @property
    def method(self) -> str:
        return f"cause-specific {self.model.method} (other causes censored)"

    def to_frame(self) -> pd.DataFrame:
        """One row per term: log HR, SE, HR with CI, z, p, method."""
        return pd.DataFrame([{"cause": self.cause, "term": t.name, "estimate": t.coef, "std_error": t.se,
                              "hazard_ratio": t.hr, "conf_low": t.lower, "conf_high": t.upper,
                              "statistic": t.z, "p_value": t.p_value, "method": self.method}
                             for t in self.model.terms])


def log_log_interval(estimate, variance, conf_level: float = 0.95):
    """Pointwise CI of a cumulative incidence F on the log(−log F) scale: F^exp(±z·√var/(F·log F)).
    NaN where F is 0 or 1 (no interval on that scale)."""
    f = np.asarray(estimate, float)
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(all="ignore"):
        scale = z * np.sqrt(np.asarray(variance, float)) / (f * np.log(f))
        inside = (f > 0) & (f < 1)
        lower = np.where(inside, f ** np.exp(-scale), np.nan)
        upper = np.where(inside, f ** np.exp(scale), np.nan)
    return lower, upper


def _status_codes(status, causes=None) -> tuple[np.ndarray, tuple[str, ...]]:
    status = np.asarray(status)
    if pd.isna(pd.Series(status)).any():
        raise ValueError("status must be present in every row (0 = censored, a cause code otherwise)")
    codes = sorted({str(s) for s in status} - {"0"}, key=lambda s: (len(s), s))
    if causes is not None:
        codes = [str(c) for c in causes]
    return np.array([str(s) for s in status]), tuple(codes)


def _event_string(status) -> np.ndarray:
    values = np.asarray(status)
    if values.dtype.kind == "f" and np.all(values == np.round(values)):
        values = values.astype(int)
    return np.array([str(v) for v in values])


def cumulative_incidence_curve(time, status, cause, group: str = "all", conf_level: float = 0.95
                               ) -> CumulativeIncidence:
    """Aalen–Johansen cumulative incidence of ``cause`` and its variance, vectorised from R cmprsk's ``cinc``.

    ``time``: follow-up (≥ 0); ``status``: 0 censored, otherwise the cause code."""
    time = np.asarray(time, float)
    status = _event_string(status)
    if len(time) == 0:
        raise ValueError("no rows")
    distinct, inverse = np.unique(time, return_inverse=True)
    n_at = np.bincount(inverse, minlength=len(distinct)).astype(float)
    any_event = np.bincount(inverse, (status != "0").astype(float), len(distinct))
    d1 = np.bincount(inverse, (status == str(cause)).astype(float), len(distinct))
    return _cumulative_incidence(distinct, n_at, any_event, d1, cause, group, conf_level)


def _cumulative_incidence(distinct, n_at, any_event, d1, cause, group, conf_level) -> CumulativeIncidence:
    """The Aalen–Johansen estimate from per-distinct-time counts (sorted times; rows leaving, events of any cause,
    events of ``cause``)."""
    d2 = any_event - d1
    n_rows = n_at.sum()
    at_risk = n_rows - np.r_[0.0, np.cumsum(n_at)[:-1]]
    keep = any_event > 0
    rs, d1, d2, nd, t = at_risk[keep], d1[keep], d2[keep], any_event[keep], distinct[keep]
    surv_after = np.cumprod((rs - nd) / rs)
    fk = np.r_[1.0, surv_after[:-1]]                  # all-cause KM just before each time
    fkn = surv_after
    f = np.cumsum(fk * d1 / rs)                       # cumulative incidence after each time
    with np.errstate(divide="ignore", invalid="ignore"):
        t3 = np.where(fkn > 0, 1 / fkn, 0.0)
        tie2 = np.where(d2 > 1, 1 - (d2 - 1) / (rs - 1), 1.0)
        tie1 = np.where(d1 > 1, 1 - (d1 - 1) / (rs - 1), 1.0)
    other = (d2 > 0) & (fkn > 0)
    t6 = np.where(other, fk * fk * tie2 * d2 / (rs * rs), 0.0)
    t4 = f * t3
    v1 = t4 * t4 * t6
    v2 = t3 * t4 * t6
    v3 = t3 * t3 * t6
    own = d1 > 0
    t6 = np.where(own, fk * fk * tie1 * d1 / (rs * rs), 0.0)
    t4 = 1 + t3 * f
    v1, v2, v3 = (np.cumsum(v1 + t4 * t4 * t6), np.cumsum(v2 + t3 * t4 * t6), np.cumsum(v3 + t3 * t3 * t6))
    variance = v1 + f * f * v3 - 2 * f * v2
    return CumulativeIncidence(str(group), str(cause), int(n_rows), int(d1.sum()), tuple(t[own].tolist()),
                               tuple(f[own].tolist()), tuple(variance[own].tolist()), float(distinct.max()),
                               conf_level)


def gray_test(time, status, group, cause, strata=None, rho: float = 0.0) -> GrayTest:
    """Gray's test that ``cause``'s cumulative incidence is equal across ``group`` (optionally stratified),
    weight (1 − F(t−))^ρ — a port of R cmprsk's ``crstm``; score over the first groups − 1 groups (sorted)."""
    time = np.asarray(time, float)
    status = _event_string(status)
    group_codes, group_levels = pd.factorize(pd.Series(group).astype(str), sort=True)
    n_groups = len(group_levels)
    if n_groups < 2:
        raise ValueError("Gray's test needs at least two groups")
    strata_codes = np.zeros(len(time), int) if strata is None else pd.factorize(pd.Series(strata).astype(str))[0]
    m = np.where(status == str(cause), 1, np.where(status == "0", 0, 2))
    tables = []
    for s in np.unique(strata_codes):
        rows = strata_codes == s
        distinct, inverse = np.unique(time[rows], return_inverse=True)
        d = np.zeros((len(distinct), 3, n_groups))
        np.add.at(d, (inverse, m[rows], group_codes[rows]), 1)
        tables.append(d)
    return _gray_from_tables(tables, str(cause), n_groups, rho, strata is not None)


def _gray_from_tables(tables, cause: str, n_groups: int, rho: float, stratified: bool) -> GrayTest:
    """Gray's test from, per stratum, a (distinct time × {censored, cause, other cause} × group) count array."""
    score = np.zeros(n_groups - 1)
    var = np.zeros((n_groups - 1, n_groups - 1))
    for d in tables:
        sc, v = _gray_stratum(d, n_groups, rho)
        score += sc
        var += v
    df = n_groups - 1
    if not np.isfinite(var).all() or np.linalg.matrix_rank(var) < df:
        return GrayTest(cause, np.nan, df, np.nan, float(rho), stratified,
                        note="not computable: the variance of the scores is singular (too few patients or events "
                             "in some group; R cuminc reports stat = -1)")
    statistic = float(score @ np.linalg.solve(var, score))
    return GrayTest(cause, statistic, df, float(stats.chi2.sf(statistic, df)), float(rho), stratified)


def _gray_stratum(counts, ng, rho):
    """Score and variance of Gray's test in one stratum (cmprsk ``crst``, line by line; groups 0..ng−1) from its
    counts per distinct time (sorted) × {0 censored, 1 the cause, 2 another cause} × group."""
    ng1 = ng - 1
    rs = counts.sum(axis=(0, 1)).astype(float)
    s = np.zeros(ng1)
    v = np.zeros((ng1, ng1))
    f1m, skmm = np.zeros(ng), np.ones(ng)
    v3 = np.zeros(ng)
    v2 = np.zeros((ng1, ng))
    c = np.zeros((ng, ng))
    fm = 0.0
    for d in counts:
        nd1, nd2 = d[1].sum(), d[2].sum()
        if nd1 > 0 or nd2 > 0:
            live = rs > 0
            skm, f1 = skmm.copy(), f1m.copy()
            skm[live] = skmm[live] * (rs[live] - d[1, live] - d[2, live]) / rs[live]
            f1[live] = f1m[live] + skmm[live] * d[1, live] / rs[live]
            tr = np.sum(rs[live] / skmm[live])
            tq = np.sum(rs[live] * (1 - f1m[live]) / skmm[live])
            f = fm + nd1 / tr
            fb = (1 - fm) ** rho
            a = np.zeros((ng, ng))
            t1 = np.where(live, rs / np.where(live, skmm, 1), 0.0)
            for i in range(ng):
                if not live[i]:
                    continue
                a[i, i] = fb * t1[i] * (1 - t1[i] / tr)
                for j in range(i + 1, ng):
                    if live[j]:
                        a[i, j] = -fb * t1[i] * rs[j] / (skmm[j] * tr)
            a = np.triu(a) + np.triu(a, 1).T
            c += a * nd1 / (tr * (1 - fm)) if fm < 1 else 0.0
            for i in range(ng1):
                if live[i]:
                    s[i] += fb * (d[1, i] - nd1 * rs[i] * (1 - f1m[i]) / (skmm[i] * tq))
            if nd1 > 0:
                for k in range(ng):
                    if not live[k]:
                        continue
                    t4 = 1 - (1 - f) / skm[k] if skm[k] > 0 else 1.0
                    t5 = 1 - (nd1 - 1) / (tr * skmm[k] - 1) if nd1 > 1 else 1.0
                    t3 = t5 * skmm[k] * nd1 / (tr * rs[k])
                    v3[k] += t4 * t4 * t3
                    t1k = a[:ng1, k] - t4 * c[:ng1, k]
                    v2[:, k] += t1k * t4 * t3
                    v += np.tril(np.outer(t1k, t1k)) * t3
            if nd2 > 0:
                for k in range(ng):
                    if skm[k] <= 0 or d[2, k] <= 0:
                        continue
                    t4 = (1 - f) / skm[k]
                    t5 = 1 - (d[2, k] - 1) / (rs[k] - 1) if d[2, k] > 1 else 1.0
                    t3 = t5 * skmm[k] ** 2 * d[2, k] / rs[k] ** 2
                    v3[k] += t4 * t4 * t3
                    t1k = t4 * c[:ng1, k]
                    v2[:, k] -= t1k * t4 * t3
                    v += np.tril(np.outer(t1k, t1k)) * t3
            fm, f1m, skmm = f, f1, skm
        rs -= d.sum(axis=0)
    cc = c[:ng1]
    v += np.tril(cc @ np.diag(v3) @ cc.T + cc @ v2.T + v2 @ cc.T)
    v = np.tril(v) + np.tril(v, -1).T
    return s, v


def competing_risks_summary(time, status, group=None, strata=None, rho: float = 0.0, conf_level: float = 0.95,
                            causes=None) -> CompetingRisksSummary:
    """Cumulative incidence of every cause (status codes other than 0) in every group, and Gray's test per
    cause when there are two or more groups, as R ``cuminc(time, status, group, strata, rho, cencode = 0)``.
    ``causes``: the cause codes to report even when a cause has no event (its incidence is then 0)."""
    return competing_risks_from_counts(count_competing_events(time, status, group, strata), rho, conf_level, causes,
                                       stratified=strata is not None)


def count_competing_events(time, status, group=None, strata=None) -> pd.DataFrame:
    """The aggregation step of the competing-risks statistics: rows per (stratum, group, distinct time, status
    code), sorted; columns stratum, group, time, status (text, "0" censored), n. Labels as text ("all" if absent).
    """
    time = np.asarray(time, float)
    status = _event_string(status)
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("times must be present and >= 0")
    frame = pd.DataFrame({
        "stratum": "all" if strata is None else pd.Series(strata).astype(str).to_numpy(),
        "group": "all" if group is None else pd.Series(group).astype(str).to_numpy(),
        "time": time, "status": status, "n": 1})
    return frame.groupby(["stratum", "group", "time", "status"], sort=True, as_index=False)["n"].sum()


def competing_risks_from_counts(counts: pd.DataFrame, rho: float = 0.0, conf_level: float = 0.95, causes=None,
                                stratified: bool | None = None) -> CompetingRisksSummary:
    """:func:`competing_risks_summary` from counts (columns stratum, group, time, status, n; see
    :func:`count_competing_events`) — the entry point of in-engine aggregation (oncocohort.engine).
    ``stratified``: whether Gray's test is called stratified (default: more than one stratum)."""
    if stratified is None:
        stratified = counts["stratum"].nunique() > 1
    status = counts["status"].astype(str)
    observed = set(status[counts["n"] > 0]) - {"0"}
    causes = tuple(sorted(observed | {str(c) for c in (causes or ())}, key=lambda s: (len(s), s)))
    groups = tuple(sorted(set(counts["group"])))
    curves = []
    for g in groups:
        mine = counts[counts["group"] == g]
        per_time = (mine.assign(any_event=np.where(status[mine.index] != "0", mine["n"], 0))
                    .groupby("time", sort=True)[["n", "any_event"]].sum())
        distinct = per_time.index.to_numpy(float)
        n_at, any_event = per_time["n"].to_numpy(float), per_time["any_event"].to_numpy(float)
        for cause in causes:
            own = mine["n"].where(status[mine.index] == cause, 0).groupby(mine["time"], sort=True).sum()
            curves.append(_cumulative_incidence(distinct, n_at, any_event, own.to_numpy(float), cause, g,
                                                conf_level))
    tests = ()
    if len(groups) > 1:
        codes = pd.Index(groups).get_indexer(counts["group"])
        tests = tuple(_gray_from_tables(_gray_tables(counts, codes, status, cause, len(groups)), cause, len(groups),
                                        rho, stratified) for cause in causes if cause in observed)
    return CompetingRisksSummary(tuple(curves), tests, causes, groups)


def _gray_tables(counts: pd.DataFrame, group_codes, status, cause: str, n_groups: int) -> list[np.ndarray]:
    """Per stratum, the (distinct time × {censored, cause, other} × group) counts of Gray's test."""
    m = np.where(status == cause, 1, np.where(status == "0", 0, 2))
    tables = []
    for _, rows in counts.groupby("stratum", sort=True).indices.items():
        distinct, inverse = np.unique(counts["time"].to_numpy(float)[rows], return_inverse=True)
        d = np.zeros((len(distinct), 3, n_groups))
        np.add.at(d, (inverse, m[rows], group_codes[rows]), counts["n"].to_numpy(float)[rows])
        tables.append(d)
    return tables


def cause_specific_cox(time, status, cause, x, names=None, stratum=None, ties: str = "efron",
                       conf_level: float = 0.95) -> CauseSpecificCox:
    """Cox model of the hazard of ``cause``; events of other causes are censorings at their time."""
    status = _event_string(status)
    model = cox_regression(time, (status == str(cause)).astype(int), x, names, stratum, ties, conf_level)
    return CauseSpecificCox(str(cause), model)


class _FineGrayLikelihood:
    """Fine–Gray log partial likelihood, score and information (crr's ``crrf``/``crrfsv``) from cumulative sums.

    Rows sorted by time. Risk set at an event time t_k: everyone with T ≥ t_k (weight 1) and everyone with a
    competing event before t_k (weight G(t_k−)/G(T−)); censored rows before t_k are out."""

    def __init__(self, time, code, x):
        order = np.argsort(time, kind="stable")
        self.time, self.code, self.x = time[order], code[order], x[order]
        n = len(time)
        distinct, first = np.unique(self.time, return_index=True)
        inverse = np.searchsorted(distinct, self.time)
        at_risk = n - first                                                  # n(t) = #{T ≥ t}
        censored = np.bincount(inverse, (self.code == 0).astype(float), len(distinct))
        g_after = np.cumprod(1 - censored / at_risk)                        # KM of censoring
        g_before = np.r_[1.0, g_after[:-1]]                                  # G(t−)
        self.g_row = g_before[inverse]                                       # G(T_i−)
        event_rows = self.code == 1
        self.event_times, self.d = np.unique(self.time[event_rows], return_counts=True)
        self.d = self.d.astype(float)
        self.g_event = g_before[np.searchsorted(distinct, self.event_times)]  # G(t_k−)
        self.first_at_or_after = np.searchsorted(self.time, self.event_times, side="left")
        self.competing = self.code == 2
        # rows with a competing event strictly before each event time: the first `m_k` rows' competing ones
        self.sum_x_events = self.x[event_rows].sum(axis=0)
        self.n_censor_at = censored
        self.at_risk = at_risk.astype(float)
        self.distinct, self.inverse = distinct, inverse

    def risk_sums(self, beta):
        """S0, S1, S2 over each event time's weighted risk set, and the row weights exp(xβ)."""
        e = np.exp(self.x @ beta)
        x = self.x
        xx = np.einsum("ij,ik->ijk", x, x)

        def tail(values):  # Σ over rows with T ≥ t_k
            total = np.concatenate([np.cumsum(values[::-1], axis=0)[::-1], np.zeros((1,) + values.shape[1:])])
            return total[self.first_at_or_after]

        def head(values):  # Σ over rows with T < t_k
            total = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0)])
            return total[self.first_at_or_after]

        c = np.where(self.competing, e / self.g_row, 0.0)
        s0 = tail(e) + self.g_event * head(c)
        s1 = tail(e[:, None] * x) + self.g_event[:, None] * head(c[:, None] * x)
        s2 = tail(e[:, None, None] * xx) + self.g_event[:, None, None] * head(c[:, None, None] * xx)
        return e, s0, s1, s2

    def evaluate(self, beta):
        """(log-likelihood, score, information) at β, Breslow ties."""
        _, s0, s1, s2 = self.risk_sums(beta)
        loglik = float(self.sum_x_events @ beta - np.sum(self.d * np.log(s0)))
        mean = s1 / s0[:, None]
        score = self.sum_x_events - (self.d[:, None] * mean).sum(axis=0)
        info = np.einsum("k,kij->ij", self.d, s2 / s0[:, None, None] - np.einsum("ki,kj->kij", mean, mean))
        return loglik, score, info

    def score_residuals(self, beta):
        """Per-row influence on the score, η_i + ψ_i (crr's ``crrvv``), rows in sorted order."""
        e, s0, s1, _ = self.risk_sums(beta)
        x, d, g = self.x, self.d, self.g_event
        mean = s1 / s0[:, None]
        # η_i = δ_i (x_i − x̄(T_i)) − Σ_k d_k w_i(t_k)(x_i − x̄_k)/S0_k
        upto = np.searchsorted(self.event_times, self.time, side="right")     # event times ≤ T_i
        a = np.r_[0.0, np.cumsum(d / s0)][upto]
        b = np.vstack([np.zeros(x.shape[1]), np.cumsum(d[:, None] * mean / s0[:, None], axis=0)])[upto]
        after_c = np.r_[np.cumsum((d * g / s0)[::-1])[::-1], 0.0]                  # Σ over t_k ≥ index
        after_d = np.vstack([np.cumsum((d * g / s0)[:, None][::-1] * mean[::-1], axis=0)[::-1],
                             np.zeros(x.shape[1])])
        eta = -(e[:, None] * (x * a[:, None] - b))
        comp = self.competing
        eta[comp] -= (e[comp] / self.g_row[comp])[:, None] * (x[comp] * after_c[upto[comp]][:, None]
                                                              - after_d[upto[comp]])
        own = self.code == 1
        own_index = np.searchsorted(self.event_times, self.time[own])
        eta[own] += x[own] - mean[own_index]
        # ψ_i = −Σ_{censoring times u ≤ T_i} q(u) c(u)/n(u)² + 1[censored] q(T_i)/n(T_i)
        # q(u) = Σ_{t_k ≥ u} d_k G(t_k−)/S0_k Σ_{competing j, T_j < u} e_j/G(T_j−) (x_j − x̄_k)
        u = self.distinct
        before = np.searchsorted(self.time, u, side="left")                        # rows with T < u
        cw = np.where(comp, e / self.g_row, 0.0)
        p0 = np.r_[0.0, np.cumsum(cw)][before]
        p1 = np.vstack([np.zeros(x.shape[1]), np.cumsum(cw[:, None] * x, axis=0)])[before]
        from_u = np.searchsorted(self.event_times, u, side="left")                 # first t_k ≥ u
        q = p1 * after_c[from_u][:, None] - p0[:, None] * after_d[from_u]
        step = q * (self.n_censor_at / self.at_risk ** 2)[:, None]
        psi = -np.cumsum(step, axis=0)[self.inverse]
        cens = self.code == 0
        psi[cens] += q[self.inverse[cens]] / self.at_risk[self.inverse[cens]][:, None]
        return eta + psi


def fine_gray(time, status, x, names=None, cause=1, conf_level: float = 0.95, max_iter: int = 50) -> FineGrayModel:
    """Fine–Gray model of the subdistribution hazard of ``cause`` as R ``cmprsk::crr(..., failcode = cause,
    cencode = 0)``: status 0 censored, ``cause`` the event, any other code competing. Newton–Raphson with
    step-halving to convergence (|Δ log-likelihood| < 1e-12 relative and the step negligible)."""
    time = np.asarray(time, float)
    status = _event_string(status)
    x = np.asarray(x, float).reshape(len(time), -1)
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(x.shape[1])]
    code = np.where(status == str(cause), 1, np.where(status == "0", 0, 2))
    if not (code == 1).any():
        raise ValueError(f"no events of cause {cause}")
    likelihood = _FineGrayLikelihood(time, code, x)
    p = x.shape[1]
    beta = np.zeros(p)
    loglik, score, info = likelihood.evaluate(beta)
    loglik0 = loglik
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        step = np.linalg.solve(info, score)
        new_beta = beta + step
        new = likelihood.evaluate(new_beta)
        halvings = 0
        while (not np.isfinite(new[0]) or new[0] < loglik - 1e-12) and halvings < 30:
            step = step / 2
            new_beta = beta + step
            new = likelihood.evaluate(new_beta)
            halvings += 1
        settled = abs(new[0] - loglik) <= 1e-12 * max(1.0, abs(new[0]))
        beta, (loglik, score, info) = new_beta, new
        if settled and np.max(np.abs(step)) < 1e-10 * max(1.0, np.max(np.abs(beta))):
            break
    residuals = likelihood.score_residuals(beta)
    bread = np.linalg.inv(info)
    covariance = bread @ (residuals.T @ residuals) @ bread
    se = np.sqrt(np.diag(covariance))
    z_crit = stats.norm.ppf(1 - (1 - conf_level) / 2)
    terms = tuple(CoxTerm(n, float(b), float(s), float(np.exp(b)), float(np.exp(b - z_crit * s)),
                          float(np.exp(b + z_crit * s)), float(b / s), float(2 * stats.norm.sf(abs(b / s))))
                  for n, b, s in zip(names, beta, se))
    return FineGrayModel(str(cause), terms, len(time), int((code == 1).sum()), int((code == 2).sum()),
                         int((code == 0).sum()), float(loglik0), float(loglik), iterations, conf_level, covariance,
                         info)


def competing_risk_table(time, status, times, group=None) -> pd.DataFrame:
    """The table under a cumulative-incidence plot: per group and time, the number at risk (time ≥ t) and the
    cumulative number of events of each cause (time ≤ t) — R ``summary.survfit`` conventions, as
    :mod:`oncocohort.stats.risk_table`. Columns: group, time, at_risk, events_<cause> per cause."""
    time = np.asarray(time, float)
    status = _event_string(status)
    labels = np.full(len(time), "all", dtype=object) if group is None else pd.Series(group).astype(str).to_numpy()
    causes = sorted(set(status) - {"0"}, key=lambda s: (len(s), s))
    times = np.asarray(times, float)
    rows = []
    for g in sorted(set(labels)):
        t = np.sort(time[labels == g])
        row = {"group": np.repeat(g, len(times)), "time": times,
               "at_risk": len(t) - np.searchsorted(t, times, side="left")}
        for cause in causes:
            own = np.sort(time[(labels == g) & (status == cause)])
            row[f"events_{cause}"] = np.searchsorted(own, times, side="right")
        rows.append(pd.DataFrame(row))
    return pd.concat(rows, ignore_index=True)
