"""The study's whole statistical analysis, from the derived datasets to analysis-results data (ARD).

One call, :func:`analyse_study`, runs every statistic the report shows, with the methods chosen in study.toml
``[analysis]``: Table 1 summaries, best overall response with ORR/DCR and their exact CIs (and by subgroup),
Kaplan–Meier summaries of PFS and OS with landmark rates and the reverse-KM median follow-up, median PFS/OS by
subgroup with log-rank tests, univariable and multivariable Cox models (Firth-penalised when asked or when the
ordinary likelihood is monotone) for PFS and OS, restricted mean survival time at a stated horizon, duration of
response (Kaplan–Meier among responders), time to response, clinical-benefit rate, confirmed beside unconfirmed ORR,
the best %-change summary, adverse events by maximum CTCAE grade (grouped by system organ class) with serious events
and events leading to a dose change or discontinuation, and exposure. The median follow-up is one number: the
reverse Kaplan–Meier estimate for overall survival. Tables, figures, the narrative
and results.json all read this object; none of them computes a statistic.

Time is in the study's ``time_unit`` (days / 30.4375 for months, as the derived datasets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..derive.adverse_events import worst_grade
from ..derive.analysis_datasets import AnalysisDatasets
from ..derive.time_to_event import DAYS_PER_MONTH
from ..io.checks.config_fields import MAX_UNGROUPED_LEVELS
from ..io.config import StudyConfig, Subgroup
from .adverse_event_summary import (
    AdverseEventSummary,
    UngradedAdverseEventSummary,
    summarise_adverse_events,
    summarise_ungraded_adverse_events,
)
from .cox import CoxModel, cox_model
from .descriptive import (
    DEFAULT_BASELINE,
    BaselineSummary,
    BaselineVariable,
    CategoricalSummary,
    ContinuousSummary,
    as_levels,
    level_text,
    summarise_baseline,
    summarise_categorical,
    summarise_continuous,
)
from .distributions import norm  # scipy.stats.norm's functions, without importing scipy.stats
from .firth import FirthCoxModel, firth_cox_model
from .kaplan_meier import (
    KaplanMeier,
    Landmark,
    Quantile,
    kaplan_meier,
    landmarks,
    median_spss,
    restricted_mean,
    reverse_km_followup,
    survival_quantile,
)
from .level_order import FactorLevels, factor_levels
from .logrank import LogRankTest, logrank_test
from .proportions import ProportionEstimate, proportion_ci
from .response_summary import ResponseSummary, SubgroupResponse, response_by_subgroup, summarise_response
from .rmst import RmstComparison, rmst_comparison
from .study_adjusted import AdjustedAnalysis, adjusted_analyses
from .study_competing import CompetingPfs, competing_pfs
from .study_landmark import StudyLandmarkResults, analyse_landmarks

if TYPE_CHECKING:  # design builds on stats (proportions): imported where used, not at module level
    from ..design.next_trial import NextTrialProposal

DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH, "years": 365.25}
ENDPOINT_LABELS = {"PFS": "Progression-free survival", "OS": "Overall survival",
                   "TTD": "Time to treatment discontinuation", "TTNT": "Time to next treatment"}
SURVIVAL_ENDPOINTS = ("PFS", "OS")  # always estimated; the subgroup, Cox and adjusted analyses are of these
REPORTED_ENDPOINTS = ("PFS", "OS", "TTD", "TTNT")  # each reported when its rows are in ADTTE
# how a StudyResults was computed (results.json study.analysis): from per-patient rows in memory, or from
# aggregates computed in a database engine (omop/aggregate_analysis.py; no per-patient row, no PH tests or Firth)
PATIENT_LEVEL, AGGREGATES = "patient-level", "aggregates"


@dataclass(frozen=True)
class EndpointDefinition:
    """A time-to-event endpoint the report shows: ADTTE ``paramcd``, its name in words and its definition ("" for
    the study pipeline's PFS and OS, defined in the methods paragraph)."""

    paramcd: str
    label: str
    definition: str = ""


def reported_endpoints(datasets: AnalysisDatasets) -> tuple[EndpointDefinition, ...]:
    """The endpoints in the order the data source declares them (``datasets.endpoints``; by default PFS, OS), then
    PFS and OS if not declared (always estimated), then any other of :data:`REPORTED_ENDPOINTS` found in ADTTE."""
    present = set(datasets.adtte["paramcd"]) if "paramcd" in datasets.adtte else set()
    return endpoint_order(datasets.endpoints, present)


def endpoint_order(declared_endpoints, present) -> tuple[EndpointDefinition, ...]:
    """:func:`reported_endpoints` from the declared (paramcd, label, definition) and the paramcd values present."""
    declared = [EndpointDefinition(*d) for d in declared_endpoints]
    names = {d.paramcd for d in declared}
    extra = [EndpointDefinition(p, ENDPOINT_LABELS[p]) for p in REPORTED_ENDPOINTS if p not in names and (
        p in SURVIVAL_ENDPOINTS or p in present)]
    return tuple(declared + extra)


@dataclass(frozen=True)
class RestrictedMean:
    """Restricted mean survival time up to ``horizon`` (time unit): the area under the Kaplan–Meier curve, its
    SE as R ``print(survfit, rmean = horizon)`` and a normal-approximation CI (estimate ± z·SE)."""

    horizon: float
    estimate: float
    se: float
    lower: float
    upper: float
    method: str = "restricted mean survival time (area under the Kaplan–Meier curve); SE as R survfit; CI ± z·SE"


@dataclass(frozen=True)
class EndpointSurvival:
    """Kaplan–Meier summary of one endpoint: counts, median with CI, landmark rates and the restricted mean."""

    endpoint: str
    label: str
    fit: KaplanMeier
    median: Quantile
    landmarks: tuple[Landmark, ...]
    observed: ContinuousSummary  # observed times of all patients (event or censored): median and range
    rmst: RestrictedMean | None = None

    @property
    def n(self) -> int:
        return self.fit.n

    @property
    def events(self) -> int:
        return self.fit.events


@dataclass(frozen=True)
class LevelSurvival:
    level: str
    n: int
    events: int
    median: Quantile
    fit: KaplanMeier


@dataclass(frozen=True)
class SubgroupSurvival:
    """One subgroup factor for one endpoint: KM per level and the log-rank test (None with one level)."""

    endpoint: str
    factor: str
    field: str
    levels: tuple[LevelSurvival, ...]
    logrank: LogRankTest | None
    n_missing: int  # patients not analysed for this factor: no value, or a value in no named group
    ungrouped: tuple[tuple[str, int], ...] = ()  # of those, (value, patients) for values in no named group
    # two levels and an RMST horizon: RMST per level, difference and ratio (R survRM2::rmst2), or why not
    rmst: RmstComparison | NotEstimable | None = None
    reference: str | None = None  # the factor's Cox reference level (stats/level_order.py)


@dataclass(frozen=True)
class NotEstimable:
    """A model that could not be fitted, and why in words."""

    reason: str


@dataclass(frozen=True)
class CoxAnalysis:
    """Univariable models (one per covariate) and the multivariable model for one endpoint. A covariate enters as
    a number or as categories by :func:`enters_as_number`. A model is Firth-penalised when ``[analysis] firth =
    "always"``, or (``auto``) when the ordinary likelihood is monotone (R's rule, :func:`.cox.fit_cox_model`: a
    coefficient running to ±∞) — whatever the number of patients; never with ``firth = "never"``."""

    endpoint: str
    univariable: tuple[tuple[str, CoxModel | FirthCoxModel | NotEstimable], ...]
    multivariable: CoxModel | FirthCoxModel | NotEstimable | None
    n_complete: int
    references: tuple[tuple[str, str], ...] = ()  # (field, reference level) of each categorical covariate


@dataclass(frozen=True)
class ResponseDetail:
    """What a reviewer asks about response beyond the ORR: duration of response (Kaplan–Meier among responders,
    from the first response to progression or death), time to response among responders, the clinical-benefit
    rate (CR or PR, or SD lasting ``clinical_benefit_weeks``), ORR with and without confirmation, and the best
    % change of the target-lesion sum."""

    n_responders: int
    duration: EndpointSurvival | None  # None without responders
    time_to_response: ContinuousSummary
    clinical_benefit: ProportionEstimate | None
    clinical_benefit_weeks: int
    orr_confirmed: ProportionEstimate | None
    orr_unconfirmed: ProportionEstimate | None
    best_pct_change: ContinuousSummary
    n_shrinkage_30: int  # patients whose best change is a shrinkage of at least 30 %


@dataclass(frozen=True)
class AdverseEventCategory:
    """Patients with at least one treatment-emergent event of a kind (any grade and grade ≥ 3)."""

    label: str
    any_grade: int
    grade_3_plus: int


@dataclass(frozen=True)
class ExposureSummary:
    n: int
    duration: ContinuousSummary  # treatment duration in the time unit
    cycles: ContinuousSummary | None
    dose_reduction: int  # patients with at least one
    interruption: int
    ongoing_at_cutoff: int
    reason_stopped: CategoricalSummary
    relative_dose_intensity: tuple[tuple[str, ContinuousSummary], ...]
    time_unit: str


# the spider plot's visits when response is taken as recorded (no lesion measurements): empty, typed
NO_LESION_VISITS = pd.DataFrame({"patient_id": pd.Series(dtype=object),
                                 "assessment_date": pd.Series(dtype="datetime64[ns]"),
                                 "baseline_date": pd.Series(dtype="datetime64[ns]"),
                                 "pct_from_baseline": pd.Series(dtype=float)})


@dataclass(frozen=True)
class StudyResults:
    title: str
    synthetic: bool
    time_unit: str
    conf_level: float
    n_screened: int
    n_included: int
    attrition: pd.DataFrame
    baseline: tuple[BaselineSummary, ...]
    response: ResponseSummary
    response_subgroups: tuple[SubgroupResponse, ...]
    response_detail: ResponseDetail
    survival: tuple[EndpointSurvival, ...]
    follow_up: Quantile  # THE median follow-up: reverse Kaplan–Meier of overall survival
    subgroup_survival: tuple[SubgroupSurvival, ...]
    cox: tuple[CoxAnalysis, ...]
    adverse_events: AdverseEventSummary  # events with a CTCAE grade
    related_adverse_events: AdverseEventSummary
    adverse_event_categories: tuple[AdverseEventCategory, ...]
    exposure: ExposureSummary
    patients: pd.DataFrame  # per included patient: best response, best % change, times — for figures
    visits: pd.DataFrame  # per included patient and assessment: % change from baseline — for the spider plot
    config: StudyConfig
    competing_pfs: CompetingPfs | None = None  # PFS events split: progression / death without progression
    adjusted: tuple[AdjustedAnalysis, ...] = ()  # study.toml [adjusted]: IPTW-adjusted PFS and OS (study_adjusted)
    landmarks: StudyLandmarkResults | None = None  # OS by response at a landmark, PFS censoring sensitivity
    next_trial: NextTrialProposal | None = None  # Simon design proposed from the ORR (historical orr set)
    data_source: str | None = None  # where the datasets came from, in words (the OMOP CDM and engine; methods)
    min_cell: int = 0  # small-cell suppression of what the report publishes (report/disclosure.py); 0: off
    ungraded_adverse_events: UngradedAdverseEventSummary | None = None  # events recorded without a grade
    endpoints: tuple[EndpointDefinition, ...] = ()  # the time-to-event endpoints of ``survival``, same order
    response_assessed: bool = True  # False: the data hold no tumour response assessment (e.g. an OMOP CDM)
    analysis: str = PATIENT_LEVEL  # how these results were computed: PATIENT_LEVEL rows or AGGREGATES (an engine)
    index_months: tuple[dt.date, dt.date] | None = None  # AGGREGATES: first and last index month (1st of the month)

    @property
    def has_lesion_measurements(self) -> bool:
        """Whether response was derived from lesion measurements (not ``criteria = "recorded"``), so that the
        figures of target-lesion change (waterfall, spider) can be drawn."""
        return self.config.response.criteria != "recorded" and self.response_assessed

    @property
    def has_graded_adverse_events(self) -> bool:
        """Whether the CTCAE-graded tables are shown: some event has a grade, or no event lacks one (a study
        without adverse events still shows its empty Table 3)."""
        return self.ungraded_adverse_events is None or bool(self.adverse_events.rows[0].any_grade)

    def endpoint(self, name: str) -> EndpointSurvival:
        return next(s for s in self.survival if s.endpoint == name)


def subgroup_values(values: pd.Series, subgroup: Subgroup) -> pd.Series:
    """The subgroup label of each patient: the named group holding the value, or the value itself as text when
    the subgroup has no groups. Values in no group are missing (NaN)."""
    text = as_levels(values)
    if not subgroup.groups:
        return text
    label = {level_text(v): name for name, members in subgroup.groups for v in members}
    return text.map(label)


def subgroup_levels(patients: pd.DataFrame, subgroup: Subgroup) -> FactorLevels:
    """The subgroup's levels in the report's one order and its Cox reference (stats/level_order.py), counted among
    ``patients`` (the included patients, as Table 1): the named groups in study.toml order, else the field's
    built-in order (Table 1's), then by value (numbers) or by number of patients."""
    return factor_levels(subgroup_values(patients[subgroup.field], subgroup), subgroup.field,
                         declared_levels(subgroup), subgroup.reference)


def declared_levels(subgroup: Subgroup) -> tuple[str, ...]:
    """The levels whose order is given: the named groups in study.toml order, else the field's built-in order
    (Table 1's, e.g. male before female), else none."""
    return tuple(name for name, _ in subgroup.groups) or next(
        (spec.order or () for spec in DEFAULT_BASELINE if spec.field == subgroup.field), ())


def ungrouped_values(values: pd.Series, subgroup: Subgroup) -> tuple[tuple[str, int], ...]:
    """The values recorded but in none of the subgroup's named groups, with their numbers of patients (sorted by
    value): those patients are left out of the subgroup's analysis, so the report says so."""
    text = as_levels(values)
    dropped = text[text.notna() & subgroup_values(values, subgroup).isna()]
    return tuple((str(value), int(n)) for value, n in sorted(dropped.value_counts().items()))


def baseline_variables(adsl: pd.DataFrame, config: StudyConfig | None = None) -> tuple[BaselineVariable, ...]:
    """Table 1 variables: the defaults, then the regimen's choices (which drug of a component, starting doses)
    when patients differ in them. A field the study names elsewhere keeps that name here, so the report uses one
    vocabulary: study.toml ``[labels]`` for the field first, then the label of its ``[[analysis.subgroups]]``; a
    value that is the only member of a named subgroup group is shown by that group's name (12 → "12 mg")."""
    labels = dict(config.labels) if config is not None else {}
    subgroups = {s.field: s for s in config.analysis.subgroups} if config is not None else {}

    def named(spec: BaselineVariable) -> BaselineVariable:
        subgroup = subgroups.get(spec.field)
        label = labels.get(spec.field) or (subgroup.label if subgroup is not None and subgroup.label else spec.label)
        groups = subgroup.groups if subgroup else ()
        names = tuple((level_text(members[0]), name) for name, members in groups
                      if len(members) == 1 and level_text(members[0]) != name)
        # a subgroup's groups declare the order: their values in the groups' order (one order, level_order.py)
        order = tuple(dict.fromkeys(level_text(v) for _, members in groups for v in members)) or spec.order
        return replace(spec, label=label, names=names or spec.names, order=order)

    extra = []
    for column in sorted(c for c in adsl.columns if c.startswith(("component_drug:", "starting_dose:"))):
        kind, name = column.split(":", 1)
        if adsl[column].dropna().nunique() > 1:
            label = f"{name}, drug" if kind == "component_drug" else f"Starting dose of {name}"
            extra.append(BaselineVariable(column, label, "categorical"))
    return tuple(named(spec) for spec in DEFAULT_BASELINE + tuple(extra))


def _endpoint_frame(adtte: pd.DataFrame, paramcd: str, unit_days: float) -> pd.DataFrame:
    rows = adtte[adtte["paramcd"] == paramcd]
    return pd.DataFrame({"patient_id": rows["patient_id"].to_numpy(), "time": rows["days"].to_numpy() / unit_days,
                         "event": rows["event"].to_numpy().astype(int)})


def _median(fit: KaplanMeier, rule: str) -> Quantile:
    return median_spss(fit) if rule == "spss" else survival_quantile(fit, 0.5)


def rmst_horizon(settings) -> float | None:
    """The stated RMST horizon: ``[analysis] rmst_horizon``, else the last landmark, else None (no RMST)."""
    if settings.rmst_horizon is not None:
        return settings.rmst_horizon
    return max(settings.landmarks) if settings.landmarks else None


def _restricted_mean(fit: KaplanMeier, horizon: float | None, conf_level: float) -> RestrictedMean | None:
    if horizon is None or fit.n == 0:
        return None
    estimate, se = restricted_mean(fit, horizon)
    z = float(norm.ppf(1 - (1 - conf_level) / 2))
    return RestrictedMean(horizon, estimate, se, estimate - z * se, estimate + z * se)


def _survival(frame, name, settings, label: str | None = None) -> EndpointSurvival:
    fit = kaplan_meier(frame["time"], frame["event"], conf_type=settings.km_conf_type,
                       conf_level=settings.conf_level)
    return EndpointSurvival(name, label or ENDPOINT_LABELS.get(name, name), fit, _median(fit, settings.median_ci),
                            tuple(landmarks(fit, settings.landmarks)),
                            summarise_continuous(frame["time"], f"{name} observed time"),
                            _restricted_mean(fit, rmst_horizon(settings), settings.conf_level))


def _response_detail(included: pd.DataFrame, adtte: pd.DataFrame, unit_days: float, config: StudyConfig
                     ) -> ResponseDetail:
    settings = config.analysis
    n = len(included)
    dor = _endpoint_frame(adtte, "DOR", unit_days)
    duration = None
    if len(dor):
        fit = kaplan_meier(dor["time"], dor["event"], conf_type=settings.km_conf_type, conf_level=settings.conf_level)
        duration = EndpointSurvival("DOR", "Duration of response", fit, _median(fit, settings.median_ci),
                                    tuple(landmarks(fit, settings.landmarks)),
                                    summarise_continuous(dor["time"], "DOR observed time"))
    ttr = _endpoint_frame(adtte, "TTR", unit_days)
    ttr = ttr[ttr["event"] == 1]

    def orr(column):
        if column not in included or not n:
            return None
        x = int(included[column].isin(["CR", "PR"]).sum())
        return proportion_ci(x, n, settings.ci_method, settings.conf_level)

    benefit = (proportion_ci(int(included["clinical_benefit"].eq(True).sum()), n,
                             settings.ci_method, settings.conf_level)
               if "clinical_benefit" in included and n else None)
    change = included["best_pct_change"]
    return ResponseDetail(
        int(included["best_overall_response"].isin(["CR", "PR"]).sum()), duration,
        summarise_continuous(ttr["time"], "time to response"), benefit, config.endpoints.clinical_benefit_weeks,
        orr("best_response_confirmed"), orr("best_response_unconfirmed"),
        summarise_continuous(change, "best % change"), int((change <= -30).sum()))


def _adverse_event_categories(adae: pd.DataFrame) -> tuple[AdverseEventCategory, ...]:
    """Patients with a treatment-emergent event: any, serious, leading to dose reduction, interruption or
    discontinuation, fatal (grade 5)."""
    teae = adae[adae["teae"]] if "teae" in adae else adae.iloc[0:0]
    kinds = [("Any adverse event", pd.Series(True, index=teae.index)),
             ("Serious adverse event", teae.get("serious", pd.Series(index=teae.index, dtype=object)).eq("yes"))]
    action = teae.get("action", pd.Series(index=teae.index, dtype=object))
    kinds += [("Leading to dose reduction", action.eq("dose_reduced")),
              ("Leading to treatment interruption", action.eq("interrupted")),
              ("Leading to discontinuation", action.eq("discontinued")),
              ("Fatal (grade 5)", teae["grade"].eq(5) if "grade" in teae else pd.Series(False, index=teae.index))]
    out = []
    for label, mask in kinds:
        rows = teae[mask.fillna(False).astype(bool)]
        out.append(AdverseEventCategory(label, int(rows["patient_id"].nunique()),
                                        int(rows.loc[rows["grade"] >= 3, "patient_id"].nunique())))
    return tuple(out)


def by_patient(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` indexed by ``patient_id`` — as ``frame.set_index("patient_id")[column]`` without copying
    every other column of the frame first."""
    return frame[column].set_axis(pd.Index(frame["patient_id"], name="patient_id"))


def _subgroup_survival(frame, adsl, subgroup: Subgroup, name, settings, order: FactorLevels) -> SubgroupSurvival:
    """KM per level of the subgroup, in the report's level order (``order``), and the log-rank test."""
    values = by_patient(adsl, subgroup.field)
    groups = subgroup_values(values, subgroup)
    data = frame.assign(group=frame["patient_id"].map(groups))
    ungrouped = ungrouped_values(values[values.index.isin(frame["patient_id"])], subgroup)
    missing = int(data["group"].isna().sum())
    data = data.dropna(subset=["group"])
    parts = dict(tuple(data.groupby("group")))
    levels = []
    for level in (lv for lv in order.levels if lv in parts):
        part = parts[level]
        fit = kaplan_meier(part["time"], part["event"], conf_type=settings.km_conf_type,
                           conf_level=settings.conf_level)
        levels.append(LevelSurvival(str(level), fit.n, fit.events, _median(fit, settings.median_ci), fit))
    test = logrank_test(data["time"], data["event"], data["group"]) if len(levels) > 1 else None
    coding = [lv for lv in order.coding if lv in parts]
    return SubgroupSurvival(name, subgroup.label, subgroup.field, tuple(levels), test, missing, ungrouped,
                            _rmst_between(data, coding, rmst_horizon(settings), settings.conf_level),
                            order.reference)


def _rmst_between(data: pd.DataFrame, levels: list[str], horizon: float | None, conf_level: float
                  ) -> RmstComparison | NotEstimable | None:
    """RMST of two subgroup levels (``levels``: the reference first) at the horizon, the second against the first
    (difference and ratio); None unless two levels and a horizon; a horizon beyond a level's follow-up is not
    estimable, in words (survRM2's rule)."""
    if len(levels) != 2 or horizon is None:
        return None
    last = data.groupby("group")["time"].max()
    short = [level for level in levels if last[level] < horizon]
    if short:
        groups = f"groups {' and '.join(short)} end" if len(short) > 1 else f"group {short[0]} ends"
        return NotEstimable(f"the follow-up of {groups} before the horizon")
    return rmst_comparison(data["time"], data["event"], data["group"].astype(str), horizon, conf_level,
                           levels=levels)


def enters_as_number(values: pd.Series, subgroup: Subgroup | None) -> bool:
    """Whether a Cox covariate enters the study's models as a number — one log hazard ratio per unit, as R
    ``coxph(Surv(time, event) ~ age)`` — rather than as categories against its first level.

    Rule: a number (not a subgroup with named groups) taking more than ``MAX_UNGROUPED_LEVELS`` (10) distinct
    values is a continuous measurement (age in years, a laboratory value) and enters as a number; anything else
    (sex, ECOG 0–4, a histology, a subgroup grouped in study.toml) enters as categories — the same threshold that
    refuses a continuous number as a subgroup without groups (``config.field_type``). Coding a continuous
    covariate as one indicator per distinct value would give dozens of terms, infinite estimates for the rare
    values and so a Firth fit with as many terms (minutes at 10⁵ patients) for a model nobody asked for."""
    present = values.dropna()
    return continuous_covariate(pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present),
                                present.nunique(), subgroup)


def continuous_covariate(number: bool, n_distinct: int, subgroup: Subgroup | None) -> bool:
    """The rule of :func:`enters_as_number` from what it reads: whether the values are numbers (not booleans), how
    many distinct values there are, and the subgroup's named groups (a grouped subgroup enters as its groups)."""
    return not (subgroup is not None and subgroup.groups) and number and n_distinct > MAX_UNGROUPED_LEVELS


def cox_not_estimable(events: int, level_counts: dict[str, int], reference_counts: dict[str, int],
                      orders: dict[str, FactorLevels]) -> NotEstimable | None:
    """Why a Cox model of these rows cannot be fitted, from counts (None: it can): no events; a reference level
    named in study.toml that no row has; a covariate with one level only. ``level_counts``: distinct values per
    covariate (in the model's order); ``reference_counts``: rows with the named reference level per covariate whose
    order declares one. The one rule of the in-memory (pandas counts) and the in-engine (aggregate query) analysis."""
    if events == 0:
        return NotEstimable("no events")
    absent = [f"{f} = '{orders[f].reference}'" for f in level_counts
              if f in orders and orders[f].reference_declared and reference_counts.get(f, 0) == 0]
    if absent:
        return NotEstimable(f"no patient with data has the reference level named in study.toml "
                            f"({', '.join(absent)})")
    single = [c for c, n in level_counts.items() if n < 2]
    if single:
        return NotEstimable(f"{', '.join(single)}: one level only among the patients with data")
    return None


def _cox_model(data, covariates, settings, orders: dict[str, FactorLevels], categorical=None):
    reason = cox_not_estimable(
        int(data["event"].sum()), {c: int(data[c].nunique()) for c in covariates},
        {f: int(data[f].eq(orders[f].reference).sum()) for f in covariates
         if f in orders and orders[f].reference_declared}, orders)
    if reason is not None:
        return reason
    categorical = list(covariates) if categorical is None else [c for c in covariates if c in categorical]
    try:
        return _fit_cox(data, covariates, settings, categorical)
    except np.linalg.LinAlgError:
        return NotEstimable("the information matrix is singular (too few patients or events for the terms)")


def _fit_cox(data, covariates, settings, categorical):
    ordinary = cox_model(data, "time", "event", covariates, categorical=categorical, ties=settings.ties,
                         conf_level=settings.conf_level)
    if settings.firth == "always" or (settings.firth == "auto" and ordinary.monotone_likelihood):
        return firth_cox_model(data, "time", "event", covariates, categorical=categorical, ties=settings.ties,
                               conf_level=settings.conf_level)
    return ordinary


def covariate_subgroups(config: StudyConfig, adsl: pd.DataFrame) -> tuple[Subgroup, ...]:
    """The Cox covariates present in ``adsl``, each as its ``[[analysis.subgroups]]`` block (grouped and ordered
    the same way, with its reference) or as an ungrouped subgroup of its own."""
    by_field = {s.field: s for s in config.analysis.subgroups}
    return tuple(by_field.get(field, Subgroup(field, field)) for field in config.analysis.cox_covariates
                 if field in adsl)


def _cox(frame, adsl, config: StudyConfig, name, orders: dict[str, FactorLevels]) -> CoxAnalysis | None:
    """Univariable and multivariable Cox models; each covariate treatment-coded against its reference level (the
    first level of the report's order unless study.toml names one), as an R factor relevelled to it."""
    settings = config.analysis
    subgroups = covariate_subgroups(config, adsl)
    covariates = [s.field for s in subgroups]
    if not covariates:
        return None
    subjects = adsl[["patient_id", *dict.fromkeys(covariates)]].set_index("patient_id")  # not a copy of all ADSL
    data = frame.copy()
    categorical = []
    for subgroup in subgroups:  # a covariate that is a subgroup enters the model grouped the same way
        if enters_as_number(subjects[subgroup.field], subgroup):
            data[subgroup.field] = frame["patient_id"].map(subjects[subgroup.field].astype(float))
            continue
        values = frame["patient_id"].map(subgroup_values(subjects[subgroup.field], subgroup))
        data[subgroup.field] = pd.Categorical(values, categories=orders[subgroup.field].coding)
        categorical.append(subgroup.field)
    complete = data.dropna(subset=covariates)
    univariable = tuple((field, _cox_model(data.dropna(subset=[field]), [field], settings, orders, categorical))
                        for field in covariates)
    multivariable = (_cox_model(complete, covariates, settings, orders, categorical) if len(covariates) > 1
                     else None)
    references = tuple((field, orders[field].reference) for field in categorical if orders[field].reference)
    return CoxAnalysis(name, univariable, multivariable, len(complete), references)


def _exposure(included: pd.DataFrame, unit_days: float, time_unit: str) -> ExposureSummary:
    cycles = summarise_continuous(included["cycles"], "cycles") if "cycles" in included else None
    rdi = tuple((c.split(":", 1)[1], summarise_continuous(included[c], c))
                for c in sorted(included.columns) if c.startswith("relative_dose_intensity:"))
    return ExposureSummary(
        len(included), summarise_continuous(included["treatment_days"] / unit_days, "treatment_duration"), cycles,
        int((included["dose_reductions"].fillna(0) > 0).sum()), int((included["interruptions"].fillna(0) > 0).sum()),
        int(included["ongoing_at_cutoff"].eq(True).sum()),  # a flag missing (no treatment record) is no
        summarise_categorical(included["reason_stopped"].where(~included["ongoing_at_cutoff"].eq(True)),
                              "reason_stopped"),
        rdi, time_unit)


def _patients(included: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    out = included[["patient_id", "best_overall_response", "best_pct_change", "first_response_date",
                    "progression_date", "index_date", "last_dose_date", "ongoing_at_cutoff"]].copy()
    for name, frame in frames.items():
        times = frame.set_index("patient_id")
        out[f"{name.lower()}_time"] = out["patient_id"].map(times["time"])
        out[f"{name.lower()}_event"] = out["patient_id"].map(times["event"])
    return out.sort_values("patient_id").reset_index(drop=True)


def analyse_study(datasets: AnalysisDatasets, config: StudyConfig) -> StudyResults:
    """Every statistic of the report, by the methods of ``config.analysis`` (module docstring)."""
    settings = config.analysis
    unit = config.study.time_unit
    unit_days = DAYS_PER_UNIT[unit]
    adsl = datasets.adsl
    included = adsl[adsl["included"]].reset_index(drop=True)
    best = included["best_overall_response"]
    response = summarise_response(best, settings.ci_method, settings.conf_level, dict(settings.historical_rates))
    subgroups = tuple(s for s in settings.subgroups if s.field in included)
    orders = {s.field: subgroup_levels(included, s) for s in subgroups + covariate_subgroups(config, included)}
    response_subgroups = tuple(
        response_by_subgroup(best, subgroup_values(included[s.field], s), s.label, settings.ci_method,
                             settings.conf_level, orders[s.field].levels) for s in subgroups)
    endpoints = reported_endpoints(datasets)
    frames = {e.paramcd: _endpoint_frame(datasets.adtte, e.paramcd, unit_days) for e in endpoints}
    survival = tuple(_survival(frames[e.paramcd], e.paramcd, settings, e.label) for e in endpoints)
    follow_up = reverse_km_followup(frames["OS"]["time"].to_numpy(), frames["OS"]["event"],
                                    conf_type=settings.km_conf_type)
    subgroup_survival = tuple(_subgroup_survival(frames[name], included, s, name, settings, orders[s.field])
                              for name in SURVIVAL_ENDPOINTS for s in subgroups)
    cox = tuple(c for c in (_cox(frames[name], included, config, name, orders) for name in SURVIVAL_ENDPOINTS) if c)
    ungraded = summarise_ungraded_adverse_events(datasets.adae, len(included))
    adae = datasets.adae[datasets.adae["grade"].notna()] if len(datasets.adae) else datasets.adae  # graded only
    ctcae = config.adverse_events.ctcae_version
    adverse = summarise_adverse_events(worst_grade(adae), len(included), False, ctcae, by_soc=True)
    related = summarise_adverse_events(worst_grade(adae, related_only=True), len(included), True, ctcae)
    visits = datasets.visits
    spider = visits[["patient_id", "assessment_date", "baseline_date", "pct_from_baseline"]].copy() \
        if "pct_from_baseline" in visits else NO_LESION_VISITS.copy()  # criteria = "recorded": no measurements
    return StudyResults(
        config.study.title, config.study.synthetic, unit, settings.conf_level, len(adsl), len(included),
        datasets.attrition, summarise_baseline(included, baseline_variables(included, config)), response,
        response_subgroups,
        _response_detail(included, datasets.adtte, unit_days, config), survival, follow_up, subgroup_survival, cox,
        adverse, related, _adverse_event_categories(adae), _exposure(included, unit_days, unit),
        _patients(included, frames), spider.reset_index(drop=True), config,
        competing_pfs(datasets.adtte, unit_days, settings.landmarks),
        adjusted_analyses({name: frames[name] for name in SURVIVAL_ENDPOINTS}, included, config),
        analyse_landmarks(datasets, config, unit_days),
        _next_trial(response, config) if _response_assessed(datasets) else None,
        ungraded_adverse_events=ungraded, endpoints=endpoints, response_assessed=_response_assessed(datasets))


def _response_assessed(datasets: AnalysisDatasets) -> bool:
    """Whether the data hold any tumour response assessment (a visit with an overall response): without one
    (an OMOP CDM; a study without response records) every patient is "not evaluable" and no response statistic
    means anything, so the report leaves the response sections out."""
    visits = datasets.visits
    if "overall_response" not in visits:
        return len(visits) > 0
    return bool(visits["overall_response"].notna().any())


def _next_trial(response, config: StudyConfig) -> NextTrialProposal | None:
    """The next-trial design from the ORR when study.toml gives a historical ORR (design/next_trial.py)."""
    p0 = dict(config.analysis.historical_rates).get("orr")
    orr = dict(response.rates).get("ORR")
    if p0 is None or orr is None or not orr.n:
        return None
    from ..design.next_trial import propose_next_trial  # design → stats; a module-level import would be a cycle

    return propose_next_trial(orr.x, orr.n, p0, config.design.p1_conf_level, config.design.alpha, config.design.power,
                              config.design.nmax)
