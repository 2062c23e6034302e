"""The study report's immortal-time-safe and censoring-sensitivity analyses (issue 17 items 3 and 5):

- overall survival by response as a **landmark** analysis (:mod:`.landmark`): responders are those with a first
  CR/PR at or before ``[analysis] response_landmark`` (default: 3 months, stated as the default), survival counted
  from the landmark; patients whose follow-up ended by then are left out and counted;
- **PFS censoring sensitivity**: PFS under the primary and each alternative censoring rule of ``[endpoints]``
  (derive/censoring_sensitivity.py) side by side — n, events, median with CI — and the number of patients
  whose event status (event ↔ censored) or time differs from the primary definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..derive.analysis_datasets import AnalysisDatasets
from ..derive.censoring_sensitivity import PRIMARY
from ..derive.time_to_event import DAYS_PER_MONTH
from ..io.config import StudyConfig
from .kaplan_meier import Quantile, kaplan_meier, median_spss, survival_quantile
from .landmark import LandmarkAnalysis, landmark_analysis

DEFAULT_RESPONSE_LANDMARK_MONTHS = 3.0
RESPONSE_GROUPS = ("no response by the landmark", "response by the landmark")


@dataclass(frozen=True)
class CensoringRule:
    """PFS under one censoring rule, and how many patients' status or time differ from the primary rule."""

    rule: str
    n: int
    events: int
    median: Quantile
    status_changed: int
    time_changed: int


@dataclass(frozen=True)
class CensoringSensitivity:
    rules: tuple[CensoringRule, ...]
    time_unit: str
    method: str = ("PFS under alternative censoring rules (FDA 2018 guidance), Kaplan–Meier median; changes "
                   "counted against the primary definition")

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per censoring rule."""
        return pd.DataFrame([{"rule": r.rule, "n": r.n, "events": r.events, "median": r.median.estimate,
                              "conf_low": r.median.lower, "conf_high": r.median.upper,
                              "status_changed": r.status_changed, "time_changed": r.time_changed,
                              "time_unit": self.time_unit, "method": self.method} for r in self.rules])


@dataclass(frozen=True)
class StudyLandmarkResults:
    response_landmark: float            # in the study's time unit
    landmark_is_default: bool
    os_by_response: LandmarkAnalysis | None
    censoring: CensoringSensitivity | None
    # median OS from the landmark per response group (None: group empty), by the study's median rule and CI band
    os_by_response_medians: tuple[Quantile | None, ...] = ()


def response_landmark(config: StudyConfig, unit_days: float) -> tuple[float, bool]:
    """``[analysis] response_landmark`` or the default (3 months) in the study's time unit, and whether defaulted."""
    stated = config.analysis.response_landmark
    if stated is not None:
        return float(stated), False
    return DEFAULT_RESPONSE_LANDMARK_MONTHS * DAYS_PER_MONTH / unit_days, True


def os_by_response(datasets: AnalysisDatasets, landmark: float, unit_days: float, conf_type: str = "log",
                   conf_level: float = 0.95, ties: str = "efron") -> LandmarkAnalysis | None:
    """OS from the landmark by response (first CR/PR) at or before it; None without OS rows. ``conf_type``,
    ``conf_level`` and ``ties``: the study's Kaplan–Meier band and Cox ties (``[analysis]``)."""
    adsl = datasets.adsl.loc[datasets.adsl["included"], ["patient_id", "index_date", "first_response_date"]
                             ].set_index("patient_id")  # the columns used only: no copy of the whole ADSL
    adtte = datasets.adtte
    os_rows = adtte.loc[adtte["paramcd"] == "OS", ["patient_id", "days", "event"]].set_index("patient_id")
    if os_rows.empty:
        return None
    index = pd.to_datetime(adsl["index_date"]).reindex(os_rows.index)
    first = pd.to_datetime(adsl["first_response_date"]).reindex(os_rows.index)
    response_time = ((first - index).dt.days / unit_days).to_numpy(float)   # NaN: never responded
    return landmark_analysis(os_rows["days"].to_numpy(float) / unit_days, os_rows["event"].to_numpy(int),
                             response_time, landmark, RESPONSE_GROUPS, conf_type, conf_level, ties)


def _median(fit, median_rule: str) -> Quantile:
    """The median by the study's rule: SPSS's symmetric interval or R survfit's, from the fit's band."""
    return median_spss(fit) if median_rule == "spss" else survival_quantile(fit, 0.5)


def censoring_sensitivity(datasets: AnalysisDatasets, unit_days: float, time_unit: str, conf_type: str,
                          median_rule: str, conf_level: float = 0.95) -> CensoringSensitivity | None:
    """The side-by-side PFS table (module docstring); None when the datasets carry no variants (e.g. ADaM)."""
    variants = datasets.pfs_sensitivity
    if variants is None or variants.empty:
        return None
    primary = variants[variants["rule"] == PRIMARY].set_index("patient_id")
    rules = []
    for rule, rows in variants.groupby("rule", sort=False):
        fit = kaplan_meier(rows["days"].to_numpy(float) / unit_days, rows["event"], conf_type=conf_type,
                           conf_level=conf_level)
        median = _median(fit, median_rule)
        same = rows.set_index("patient_id").reindex(primary.index)
        rules.append(CensoringRule(str(rule), fit.n, fit.events, median,
                                   int((same["event"] != primary["event"]).sum()),
                                   int((same["days"] != primary["days"]).sum())))
    return CensoringSensitivity(tuple(rules), time_unit)


def analyse_landmarks(datasets: AnalysisDatasets, config: StudyConfig, unit_days: float) -> StudyLandmarkResults:
    """OS by response at the landmark and the PFS censoring-sensitivity table of a study."""
    landmark, default = response_landmark(config, unit_days)
    settings = config.analysis
    by_response = os_by_response(datasets, landmark, unit_days, settings.km_conf_type, settings.conf_level,
                                 settings.ties)
    medians = () if by_response is None else tuple(
        None if curve is None else _median(curve, settings.median_ci) for curve in by_response.curves)
    return StudyLandmarkResults(landmark, default, by_response,
                                censoring_sensitivity(datasets, unit_days, config.study.time_unit,
                                                      settings.km_conf_type, settings.median_ci, settings.conf_level),
                                medians)


__all__ = ["CensoringSensitivity", "StudyLandmarkResults", "analyse_landmarks"]
