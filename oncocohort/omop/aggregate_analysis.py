"""The study analysis of an OMOP cohort from aggregates only: the same :class:`StudyResults` as
:func:`oncocohort.stats.study_analysis.analyse_study` on the extracted rows, with no per-patient row leaving the
engine (the default of ``oncocohort omop report``; ``--extract-rows`` runs the in-memory path instead).

The per-patient views of :func:`oncocohort.omop.endpoints.endpoint_views` are materialised once **inside** the
engine (a temporary table, Ibis ``cache``, written in person order so float sums are repeatable) and queried with
GROUP BYs; what comes back, per statistic:

- Kaplan–Meier, medians, landmarks, RMST of every endpoint (OS, PFS, TTD, TTNT): per-time event/censor counts
  (:mod:`oncocohort.engine.event_counts`) → ``stats.kaplan_meier``; observed times: n, mean, min, max, median and
  the two-pass SD sums (:mod:`oncocohort.engine.descriptive`);
- median follow-up (reverse Kaplan–Meier, R's flip): the OS counts with the event indicator flipped;
- subgroups: per-(level, time) counts → KM per level, log-rank (``stats.logrank``), RMST of two levels (survRM2
  formulas on the levels' curves); the subgroup levels from the counts of distinct values;
- Cox: per-(time) risk-set sums per Newton step (:mod:`oncocohort.engine.cox`), and from the same sums at β̂ the
  test of proportional hazards (R ``cox.zph``); Harrell's C from counts per covariate pattern when every
  covariate is categorical (NaN with a covariate per unit); Firth's correction is not computed (the model is then
  not estimable, in words);
- Table 1: counts per level, moments per continuous variable (:mod:`oncocohort.engine.descriptive`);
- competing risks of PFS: per-(time, cause) counts → Aalen–Johansen (``stats.competing_risks``) and its risk table;
- OS from the response landmark: counts of the patients followed beyond it (no response is recorded in OMOP, so
  every patient is in the no-response group);
- adverse events: patients per term (a COUNT per term); exposure: moments of the treatment duration, a COUNT of
  patients on treatment at the end of follow-up; attrition: one SUM per step (:mod:`.cohort`).
- the index period: MIN/MAX of the index dates truncated to the month in the engine (:func:`index_months`; a
  patient's index date is quasi-identifying, so no day leaves the engine).

The results say how they were made: ``StudyResults.analysis = AGGREGATES`` (results.json ``study.analysis``),
which the methods and results paragraphs read.

Response: the OMOP CDM has no tumour assessments, so every included patient is not evaluable (NE), exactly as the
extracted datasets say; the response statistics follow from that count. No per-patient frame for the figures:
``StudyResults.patients`` and ``visits`` are empty (no swimmer plot of individual patients).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

import ibis
import numpy as np
import pandas as pd

from ..engine import cox as engine_cox
from ..engine.descriptive import continuous_summary, summarise_baseline
from ..engine.event_counts import count_competing_events, count_events
from ..io.config import StudyConfig, Subgroup
from ..stats.adverse_event_summary import summarise_adverse_events, ungraded_from_counts
from ..stats.competing_risks import competing_risks_from_counts
from ..stats.competing_summary import default_times
from ..stats.descriptive import ContinuousSummary, categorical_from_counts, level_text
from ..stats.distributions import norm  # scipy.stats.norm's functions, without importing scipy.stats
from ..stats.kaplan_meier import Quantile, kaplan_meier, kaplan_meier_from_counts, landmarks, survival_quantile
from ..stats.landmark import LandmarkAnalysis
from ..stats.level_order import FactorLevels, factor_levels_from_counts
from ..stats.logrank import logrank_from_counts
from ..stats.proportions import binomial_test, proportion_ci
from ..stats.response_summary import CATEGORIES, RATES, ResponseSummary, SubgroupResponse
from ..stats.rmst import Contrast, GroupRmst, RmstComparison
from ..stats.rmst import _wald as rmst_wald
from ..stats.study_adjusted import AdjustedAnalysis
from ..stats.study_analysis import (
    AGGREGATES,
    DAYS_PER_UNIT,
    ENDPOINT_LABELS,
    NO_LESION_VISITS,
    SURVIVAL_ENDPOINTS,
    CoxAnalysis,
    EndpointSurvival,
    ExposureSummary,
    LevelSurvival,
    NotEstimable,
    ResponseDetail,
    StudyResults,
    SubgroupSurvival,
    _adverse_event_categories,
    _median,
    _next_trial,
    _restricted_mean,
    baseline_variables,
    continuous_covariate,
    cox_not_estimable,
    declared_levels,
    endpoint_order,
    rmst_horizon,
)
from ..stats.study_competing import FIGURE_STEP, CompetingPfs
from ..stats.study_landmark import RESPONSE_GROUPS, StudyLandmarkResults, response_landmark
from .cdm import keep_in_engine, release_kept
from .cohort import Cohort
from .endpoints import UNGRADED_SOURCE, EndpointViews, empty_adae

LABELS = ENDPOINT_LABELS  # the endpoints in words (tables, figure titles and captions)
FIRTH_NOT_IN_ENGINE = ("Firth's penalised likelihood is not computed from aggregates (the ordinary likelihood is "
                       "monotone); rerun with --extract-rows")


@dataclass(frozen=True)
class _Data:
    """The materialised views: subjects (one row per included patient) and tte with ``time`` in the study's unit."""

    subjects: object
    tte: object
    endpoints: tuple[str, ...]
    known_levels: dict = dataclass_field(default_factory=dict)  # (field, subgroup) → _levels (asked once per analysis)

    def endpoint(self, name: str):
        return self.tte.filter(self.tte.paramcd == name)


def materialise(views: EndpointViews, unit_days: float) -> _Data:
    """The time-to-event view as a table inside the engine (never fetched; ``subjects`` already is one), written in
    person order so that a float sum over it (on one thread, engine/execution.py) adds its terms in the same order
    on every run."""
    tte = views.tte.mutate(time=views.tte.days / unit_days)
    tte = keep_in_engine(tte.order_by(["paramcd", "person_id"]), "oncocohort_tte")
    return _Data(views.subjects, tte, views.endpoints)


def _count(expression) -> int:
    return _whole(expression.execute())


def _whole(value) -> int:
    """An aggregate's count as an int; NULL (a SUM over no rows) → 0."""
    return 0 if value is None or pd.isna(value) else int(value)


# --- survival ------------------------------------------------------------------------------------------------


def _fit(table, settings, event: str = "event"):
    return kaplan_meier_from_counts(count_events(table, "time", event), settings.km_conf_type, settings.conf_level)


def _survival(data: _Data, name: str, settings, label: str | None = None) -> EndpointSurvival:
    if name in data.endpoints:
        table = data.endpoint(name)
        fit = _fit(table, settings)
        observed = continuous_summary(table, "time", f"{name} observed time")
    else:  # an endpoint the cohort does not define (no rows), as the in-memory analysis of an empty frame
        fit = kaplan_meier(np.array([], float), np.array([], int), settings.km_conf_type, settings.conf_level)
        observed = ContinuousSummary(f"{name} observed time", 0, 0, *(np.nan,) * 5)
    return EndpointSurvival(name, label or LABELS.get(name, name), fit, _median(fit, settings.median_ci),
                            tuple(landmarks(fit, settings.landmarks)), observed,
                            _restricted_mean(fit, rmst_horizon(settings), settings.conf_level))


def _reverse_km_followup(data: _Data, settings) -> Quantile:
    """Median follow-up by the reverse Kaplan–Meier (R's flip: censoring as the event, 95 % band as
    ``stats.kaplan_meier.reverse_km_followup``), from the OS counts with the event indicator flipped."""
    os_rows = data.endpoint("OS")
    counts = count_events(os_rows.mutate(flipped=1 - os_rows.event), "time", "flipped")
    q = survival_quantile(kaplan_meier_from_counts(counts, settings.km_conf_type), 0.5)
    return Quantile(0.5, q.estimate, q.lower, q.upper, "reverse Kaplan–Meier (r-flip)")


# --- subgroups -----------------------------------------------------------------------------------------------


def _levels(data: _Data, field: str, subgroup: Subgroup):
    """{raw value: subgroup label or None} and ((value text, patients), ...) of values in no named group, from the
    counts of distinct values (the grouping rule of ``stats.study_analysis.subgroup_values``)."""
    key = (field, subgroup)
    if key not in data.known_levels:
        data.known_levels[key] = _distinct_levels(data, field, subgroup)
    return data.known_levels[key]


def _distinct_levels(data: _Data, field: str, subgroup: Subgroup):
    if ("_counts", field) not in data.known_levels:
        data.known_levels[("_counts", field)] = _value_counts(data, field)
    counts = data.known_levels[("_counts", field)]
    groups = {level_text(v): name for name, members in subgroup.groups for v in members}
    labels, ungrouped = {}, {}
    for value, n in counts.items():
        text = level_text(value)
        labels[value] = groups.get(text) if subgroup.groups else text
        if labels[value] is None:
            ungrouped[text] = ungrouped.get(text, 0) + int(n)
    return labels, tuple(sorted(ungrouped.items()))


def _value_counts(data: _Data, field: str) -> dict:
    """{value: patients} of a subject column (missing values left out): one GROUP BY in the engine."""
    counts = data.subjects.group_by(value=data.subjects[field]).aggregate(n=data.subjects.count()).execute()
    return {value: int(n) for value, n in zip(counts["value"], counts["n"]) if not pd.isna(value)}


def _order(data: _Data, subgroup: Subgroup) -> FactorLevels:
    """``stats.study_analysis.subgroup_levels`` from the counts of distinct values: the report's level order and
    the Cox reference (stats/level_order.py)."""
    labels, _ = _levels(data, subgroup.field, subgroup)
    counts = data.known_levels[("_counts", subgroup.field)]
    per_level: dict[str, int] = {}
    for value, label in labels.items():
        if label is not None:
            per_level[label] = per_level.get(label, 0) + counts[value]
    return factor_levels_from_counts(per_level, subgroup.field, declared_levels(subgroup), subgroup.reference)


def _enters_as_number(data: _Data, subgroup: Subgroup) -> bool:
    """``stats.study_analysis.enters_as_number`` from the distinct values: a number (not a grouped subgroup) with
    more than MAX_UNGROUPED_LEVELS values enters the Cox model per unit."""
    kind = data.subjects[subgroup.field].type()
    number = kind.is_numeric() and not kind.is_boolean()
    if not number or subgroup.groups:  # no need to count the values
        return False
    _levels(data, subgroup.field, subgroup)
    return continuous_covariate(number, len(data.known_levels[("_counts", subgroup.field)]), subgroup)


def _with_label(data: _Data, table, field: str, labels: dict, column: str):
    """``table`` (rows with person_id) with the patient's subgroup label of ``field`` as ``column`` (NULL: none)."""
    value = data.subjects[field]
    cases = [(value == v, ibis.literal(label)) for v, label in labels.items() if label is not None]
    label = ibis.cases(*cases, else_=ibis.null("string")) if cases else ibis.null("string")
    keyed = data.subjects.select(_pid=data.subjects.person_id, **{column: label})
    return table.left_join(keyed, table.person_id == keyed._pid).drop("_pid")


def _subgroup_survival(data: _Data, subgroup: Subgroup, name: str, settings) -> SubgroupSurvival:
    labels, ungrouped = _levels(data, subgroup.field, subgroup)
    order = _order(data, subgroup)
    rows = _with_label(data, data.endpoint(name), subgroup.field, labels, "_group")
    missing = _count(rows.filter(rows._group.isnull()).count())
    grouped = rows.filter(rows._group.notnull())
    counts = count_events(grouped, "time", "event", group="_group")
    parts = {str(level): part for level, part in counts.groupby("group", sort=True)}
    levels, fits = [], {}
    for level in (lv for lv in order.levels if lv in parts):  # the report's level order
        fit = kaplan_meier_from_counts(parts[level], settings.km_conf_type, settings.conf_level)
        fits[level] = fit
        levels.append(LevelSurvival(level, fit.n, fit.events, _median(fit, settings.median_ci), fit))
    test = logrank_from_counts(counts) if len(levels) > 1 else None
    coding = [lv for lv in order.coding if lv in parts]
    return SubgroupSurvival(name, subgroup.label, subgroup.field, tuple(levels), test, missing, ungrouped,
                            _rmst_between(fits, coding, rmst_horizon(settings), settings.conf_level),
                            order.reference)


def _rmst_between(fits: dict, coding, horizon, conf_level: float):
    """RMST of two levels at the horizon, their difference and ratios — ``stats.rmst.rmst_comparison``'s formulas
    (R survRM2::rmst2) on the levels' Kaplan–Meier curves, which are all it reads of the rows."""
    if len(fits) != 2 or horizon is None:
        return None
    last = {level: float(fit.time.max()) for level, fit in fits.items()}
    short = [level for level, t in sorted(last.items()) if t < horizon]
    if short:
        groups = f"groups {' and '.join(short)} end" if len(short) > 1 else f"group {short[0]} ends"
        return NotEstimable(f"the follow-up of {groups} before the horizon")
    from ..stats.kaplan_meier import restricted_mean

    z = norm.ppf(1 - (1 - conf_level) / 2)
    per_group = []
    for level in coding:  # the reference first, as stats.rmst.rmst_comparison(levels=...)
        fit = fits[level]
        rmst, se = restricted_mean(fit, horizon)
        per_group.append(GroupRmst(level, fit.n, fit.events, rmst, se, rmst - z * se, rmst + z * se))
    g0, g1 = per_group
    lost0, lost1 = np.float64(horizon - g0.rmst), np.float64(horizon - g1.rmst)
    with np.errstate(divide="ignore", invalid="ignore"):
        contrasts: tuple[Contrast, ...] = (
            rmst_wald("RMST difference", g1.rmst - g0.rmst, np.hypot(g1.se, g0.se), z),
            rmst_wald("RMST ratio", np.log(g1.rmst / g0.rmst), np.hypot(g1.se / g1.rmst, g0.se / g0.rmst), z, True),
            rmst_wald("RMTL ratio", np.log(lost1 / lost0), np.hypot(g1.se / lost1, g0.se / lost0), z, True),
        )
    return RmstComparison(float(horizon), tuple(coding), tuple(per_group), contrasts, conf_level)


# --- Cox -----------------------------------------------------------------------------------------------------


def _cox_model(table, covariates, settings, orders: dict[str, FactorLevels], categorical):
    """``stats.study_analysis._cox_model`` in the engine: the same rule (``cox_not_estimable``) on counts from one
    aggregate query — events, distinct values per covariate, rows with each declared reference level."""
    declared = [f for f in covariates if f in orders and orders[f].reference_declared]
    tally = table.aggregate(events=table.event.sum(),
                            **{f"_n{i}": table[c].nunique() for i, c in enumerate(covariates)},
                            **{f"_r{i}": (table[f] == orders[f].reference).cast("int64").sum()
                               for i, f in enumerate(declared)}).execute().iloc[0]
    reason = cox_not_estimable(_whole(tally["events"]),
                               {c: _whole(tally[f"_n{i}"]) for i, c in enumerate(covariates)},
                               {f: _whole(tally[f"_r{i}"]) for i, f in enumerate(declared)}, orders)
    if reason is not None:
        return reason
    used = [c for c in covariates if c in categorical]
    try:
        model = engine_cox.cox_model(table, "time", "event", covariates, categorical=used, ties=settings.ties,
                                     conf_level=settings.conf_level,
                                     orders={c: orders[c].coding for c in used})
    except np.linalg.LinAlgError:
        return NotEstimable("the information matrix is singular (too few patients or events for the terms)")
    if settings.firth == "always" or (settings.firth == "auto" and model.monotone_likelihood):
        return NotEstimable(FIRTH_NOT_IN_ENGINE)
    return model


def _cox(data: _Data, config: StudyConfig, name: str, columns) -> CoxAnalysis | None:
    settings = config.analysis
    covariates = [c for c in settings.cox_covariates if c in columns]
    if not covariates:
        return None
    by_field = {s.field: s for s in settings.subgroups}
    rows = data.endpoint(name).select("person_id", "time", "event")
    orders, categorical = {}, []
    for field in covariates:  # a covariate that is a subgroup enters the model grouped the same way
        subgroup = by_field.get(field, Subgroup(field, field))
        if _enters_as_number(data, subgroup):  # per unit, as the in-memory analysis
            keyed = data.subjects.select(_pid=data.subjects.person_id, **{field: data.subjects[field].cast("float64")})
            rows = rows.left_join(keyed, rows.person_id == keyed._pid).drop("_pid")
            continue
        labels, _ = _levels(data, field, subgroup)
        rows = _with_label(data, rows, field, labels, field)
        orders[field] = _order(data, subgroup)
        categorical.append(field)
    complete = rows.drop_null(covariates)
    univariable = tuple((field, _cox_model(rows.drop_null([field]), [field], settings, orders, categorical))
                        for field in covariates)
    multivariable = (_cox_model(complete, covariates, settings, orders, categorical) if len(covariates) > 1
                     else None)
    references = tuple((field, orders[field].reference) for field in categorical if orders[field].reference)
    return CoxAnalysis(name, univariable, multivariable, _count(complete.count()), references)


# --- response (none recorded in OMOP) ------------------------------------------------------------------------


def response_from_counts(counts: dict[str, int], ci_method: str, conf_level: float,
                         historical_rates: dict[str, float]) -> ResponseSummary:
    """``stats.response_summary.summarise_response`` from counts per best-response category."""
    n = sum(counts.values())
    ordered = tuple((c, int(counts.get(c, 0))) for c in CATEGORIES)
    rates = tuple((name, proportion_ci(sum(counts.get(c, 0) for c in levels), n, ci_method, conf_level))
                  for name, levels in RATES.items()) if n else ()
    tests = tuple((name, binomial_test(dict(rates)[name.upper()].x, n, p0))
                  for name, p0 in sorted(historical_rates.items()) if name.upper() in RATES and n)
    return ResponseSummary(n, ordered, rates, tests)


def _no_response_by_subgroup(data: _Data, subgroup: Subgroup, settings) -> SubgroupResponse:
    """ORR per subgroup level when nobody responded: 0 of each level's patients; no test (no responder row)."""
    labels, _ = _levels(data, subgroup.field, subgroup)
    rows = _with_label(data, data.subjects.select("person_id"), subgroup.field, labels, "_group")
    grouped = rows.filter(rows._group.notnull())
    sizes = grouped.group_by("_group").aggregate(n=grouped.count()).execute()
    size = dict(zip(sizes["_group"].astype(str), sizes["n"]))
    levels = tuple((level, proportion_ci(0, int(size[level]), settings.ci_method, settings.conf_level))
                   for level in _order(data, subgroup).levels if level in size)  # the report's level order
    return SubgroupResponse(subgroup.label, levels, None)


def _response_detail(n: int, config: StudyConfig) -> ResponseDetail:
    empty = ContinuousSummary("time to response", 0, 0, *(np.nan,) * 5)
    change = ContinuousSummary("best % change", 0, n, *(np.nan,) * 5)  # no measurement for any patient
    return ResponseDetail(0, None, empty, None, config.endpoints.clinical_benefit_weeks, None, None, change, 0)


# --- the rest ------------------------------------------------------------------------------------------------


def _competing_pfs(data: _Data, landmark_times) -> CompetingPfs | None:
    """PFS split into progression (1) and death without progression (2) — ``stats.study_competing`` from
    per-(time, cause) counts; the cause is the PFS row's reason (endpoints.py)."""
    if "PFS" not in data.endpoints:
        return None
    pfs = data.endpoint("PFS")
    pfs = pfs.mutate(status=ibis.ifelse(pfs.event == 0, 0, ibis.ifelse(pfs.reason == "progression", 1, 2)))
    counts = count_competing_events(pfs, "time", "status")
    if counts.empty:
        return None
    top = float(counts["time"].max())
    times = tuple(float(t) for t in landmark_times) or tuple(default_times([top]))
    ticks = np.arange(0, top + FIGURE_STEP, FIGURE_STEP)
    by_status = counts.groupby("status")["n"].sum()
    return CompetingPfs(competing_risks_from_counts(counts, causes=(1, 2), stratified=False),
                        _competing_risk_table(counts, ticks), times, int(counts["n"].sum()),
                        int(by_status.get("1", 0)), int(by_status.get("2", 0)), int(by_status.get("0", 0)))


def _competing_risk_table(counts: pd.DataFrame, times) -> pd.DataFrame:
    """``stats.competing_risks.competing_risk_table`` (one group) from counts: at risk = rows with time ≥ t,
    events of each cause with time ≤ t."""
    times = np.asarray(times, float)
    all_times = counts.groupby("time")["n"].sum().sort_index()
    t, n = all_times.index.to_numpy(float), all_times.to_numpy()
    after = np.concatenate([np.cumsum(n[::-1])[::-1], [0]])  # rows with time ≥ t[k]
    row = {"group": np.repeat("all", len(times)), "time": times,
           "at_risk": after[np.searchsorted(t, times, side="left")]}
    for cause in sorted(set(counts["status"]) - {"0"}, key=lambda s: (len(s), s)):
        own = counts[counts["status"] == cause].groupby("time")["n"].sum().sort_index()
        cumulative = np.concatenate([[0], np.cumsum(own.to_numpy())])
        row[f"events_{cause}"] = cumulative[np.searchsorted(own.index.to_numpy(float), times, side="right")]
    return pd.DataFrame(row)


def _landmarks(data: _Data, config: StudyConfig, unit_days: float) -> StudyLandmarkResults:
    """OS from the response landmark by response at it: no response is recorded in OMOP, so every patient
    followed beyond the landmark is in the no-response group (``stats.landmark.landmark_analysis``)."""
    settings = config.analysis
    landmark, default = response_landmark(config, unit_days)
    os_rows = data.endpoint("OS")
    before = os_rows.filter(os_rows.time <= landmark)
    excluded = before.aggregate(events=before.event.sum(), rows=before.count()).execute().iloc[0]
    excluded_event = int(excluded["events"] or 0)
    after = os_rows.filter(os_rows.time > landmark)
    after = after.mutate(time=after.time - landmark)
    n_after = _count(after.count())
    curve = _fit(after, settings) if n_after else None
    method = ("Landmark analysis: patients under observation after the landmark, groups fixed at the landmark, "
              f"time from the landmark; Kaplan–Meier ({settings.km_conf_type} CIs), log-rank, Cox "
              f"({settings.ties.capitalize()} ties)")
    analysis = LandmarkAnalysis(float(landmark), RESPONSE_GROUPS, (curve, None), None, None, n_after, excluded_event,
                                int(excluded["rows"]) - excluded_event, method)
    medians = (None if curve is None else _median(curve, settings.median_ci), None)
    return StudyLandmarkResults(landmark, default, analysis, None, medians)


def _exposure(data: _Data, n: int, unit_days: float, time_unit: str) -> ExposureSummary:
    s = data.subjects
    duration = continuous_summary(s.mutate(_duration=s.treatment_days / unit_days), "_duration", "treatment_duration")
    ongoing = _count(s.ongoing_at_cutoff.cast("int64").sum())
    # no reason for stopping is recorded in OMOP: every patient's is missing
    reason = categorical_from_counts(pd.Series(dtype=np.int64), n, "reason_stopped")
    return ExposureSummary(n, duration, None, 0, 0, ongoing, reason, (), time_unit)


def _empty_patients(endpoints) -> pd.DataFrame:
    columns = {"patient_id": object, "best_overall_response": object, "best_pct_change": float,
               "first_response_date": "datetime64[ns]", "progression_date": "datetime64[ns]",
               "index_date": "datetime64[ns]", "last_dose_date": "datetime64[ns]", "ongoing_at_cutoff": bool}
    for name in endpoints:
        columns[f"{name.lower()}_time"] = float
        columns[f"{name.lower()}_event"] = float
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def adverse_event_counts(views: EndpointViews) -> dict[str, int]:
    """Patients per adverse-event term (any grade): a COUNT per term in the engine."""
    if views.adverse_events is None:
        return {}
    onsets = views.adverse_events
    counts = onsets.group_by("term").aggregate(n=onsets.person_id.nunique()).execute()
    return {str(t): int(n) for t, n in zip(counts["term"], counts["n"])}


def analyse_aggregates(views: EndpointViews, cohort: Cohort, config: StudyConfig, definitions=()) -> StudyResults:
    """Every statistic of the report from aggregates of the engine views (module docstring); ``definitions``: the
    endpoints' (paramcd, label, definition) in the report's order (omop.endpoints.endpoint_definitions)."""
    unit = config.study.time_unit
    unit_days = DAYS_PER_UNIT[unit]
    data = materialise(views, unit_days)
    try:
        results = _analyse(data, cohort, config, unit, unit_days, definitions)
        return replace(results, ungraded_adverse_events=_ungraded(views, cohort.n_included))
    finally:
        release_kept(data.tte)


def _ungraded(views: EndpointViews, n: int):
    """The ungraded adverse-event summary (as ``summarise_ungraded_adverse_events`` of the extracted ADAE): patients
    per term and with any term, COUNT(DISTINCT person) in the engine; None without adverse events."""
    if views.adverse_events is None:
        return None
    onsets = views.adverse_events
    anyone = _count(onsets.person_id.nunique())
    if anyone == 0:
        return None
    return ungraded_from_counts(adverse_event_counts(views), anyone, n, UNGRADED_SOURCE)


def _analyse(data: _Data, cohort: Cohort, config: StudyConfig, unit: str, unit_days: float,
             definitions=()) -> StudyResults:
    settings = config.analysis
    n = cohort.n_included
    columns = set(data.subjects.columns)
    subgroups = [s for s in settings.subgroups if s.field in columns]
    response = response_from_counts({"NE": n}, settings.ci_method, settings.conf_level,
                                    dict(settings.historical_rates))
    variables = baseline_variables(pd.DataFrame(columns=sorted(columns)), config)
    endpoints = endpoint_order(definitions, set(data.endpoints))
    survival = tuple(_survival(data, e.paramcd, settings, e.label) for e in endpoints)
    subgroup_survival = tuple(_subgroup_survival(data, s, name, settings)
                              for name in SURVIVAL_ENDPOINTS if name in data.endpoints for s in subgroups)
    cox = tuple(c for c in (_cox(data, config, name, columns) for name in SURVIVAL_ENDPOINTS
                            if name in data.endpoints) if c)
    adae = empty_adae()  # condition records carry no CTCAE grade: counted per term in the data source instead
    ctcae = config.adverse_events.ctcae_version
    from ..derive.adverse_events import worst_grade

    adjusted = () if config.adjusted is None else tuple(
        AdjustedAnalysis(name, config.adjusted.exposure, config.adjusted.levels, 0, None,
                         "not computed from aggregates (propensity scores need per-patient rows); rerun with "
                         "--extract-rows") for name in SURVIVAL_ENDPOINTS)
    return StudyResults(
        config.study.title, config.study.synthetic, unit, settings.conf_level, cohort.n_screened, n,
        cohort.eligibility.attrition_table(), summarise_baseline(data.subjects, variables), response,
        tuple(_no_response_by_subgroup(data, s, settings) for s in subgroups), _response_detail(n, config),
        survival, _reverse_km_followup(data, settings), subgroup_survival, cox,
        summarise_adverse_events(worst_grade(adae), n, False, ctcae, by_soc=True),
        summarise_adverse_events(worst_grade(adae, related_only=True), n, True, ctcae),
        _adverse_event_categories(adae), _exposure(data, n, unit_days, unit), _empty_patients(SURVIVAL_ENDPOINTS),
        NO_LESION_VISITS.copy(), config, _competing_pfs(data, settings.landmarks), adjusted,
        _landmarks(data, config, unit_days), _next_trial(response, config), endpoints=endpoints,
        response_assessed=False, analysis=AGGREGATES, index_months=index_months(data.subjects))


def index_months(subjects) -> tuple[dt.date, dt.date] | None:
    """The first and last index month of the included patients (the 1st of each month), MIN/MAX in the engine of
    the index dates truncated to the month there: a patient's index date is quasi-identifying (docs/omop.md), so
    no day leaves the engine. None without patients."""
    month = subjects.index_date.truncate("M")
    row = subjects.aggregate(first=month.min(), last=month.max()).execute().iloc[0]
    if pd.isna(row["first"]):
        return None
    return pd.Timestamp(row["first"]).date(), pd.Timestamp(row["last"]).date()


__all__ = ["LABELS", "adverse_event_counts", "analyse_aggregates", "index_months", "materialise",
           "response_from_counts"]
