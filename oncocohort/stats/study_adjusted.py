"""The study report's adjusted comparison (study.toml ``[adjusted]``): PFS and OS of two levels of one field
(e.g. starting dose 12 vs 10 mg) weighted by IPTW — or matched on the propensity score (``method = "matching"``) —
on the named confounders, with its balance table.

Each endpoint's result is :func:`stats.adjusted_survival.adjusted_comparison` (propensity score, weights, SMD
before/after weighting, weighted Kaplan–Meier, weighted log-rank, weighted Cox with robust SE, E-value). Patients
whose exposure is neither level, or who miss a confounder, are left out and counted; a comparison that cannot be
made is kept as a sentence saying why (the report is still written).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..io.config import StudyConfig
from .adjusted_survival import adjusted_comparison
from .descriptive import as_levels
from .survival_summary import AnalysisNotPossible


@dataclass(frozen=True)
class AdjustedAnalysis:
    """One endpoint's adjusted comparison: the JSON-ready result, or why it could not be made."""

    endpoint: str
    exposure: str
    levels: tuple[str, str]
    n_other_level: int  # included patients whose exposure is neither level (or missing)
    result: dict | None
    not_possible: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate (weighted HR, weighted log-rank, E-value), tidy."""
        if self.result is None:
            return pd.DataFrame(columns=["endpoint", "term", "estimate", "conf_low", "conf_high", "p_value", "method"])
        cox, lr, ev = self.result["cox"], self.result["logrank"], self.result["e_value"]
        return pd.DataFrame([
            {"endpoint": self.endpoint, "term": "hazard ratio", "estimate": cox["hr"], "conf_low": cox["lower"],
             "conf_high": cox["upper"], "p_value": cox["p"], "method": cox["method"]},
            {"endpoint": self.endpoint, "term": "log-rank chi-square", "estimate": lr["chisq"], "conf_low": None,
             "conf_high": None, "p_value": lr["p"], "method": lr["method"]},
            {"endpoint": self.endpoint, "term": "E-value", "estimate": ev["e_value"], "conf_low": ev["e_value_ci"],
             "conf_high": None, "p_value": None, "method": ev["method"]},
        ])


def adjusted_analyses(frames: dict[str, pd.DataFrame], included: pd.DataFrame, config: StudyConfig
                      ) -> tuple[AdjustedAnalysis, ...]:
    """The ``[adjusted]`` comparison for each endpoint frame (patient_id, time, event); () without the section."""
    settings = config.adjusted
    if settings is None:
        return ()
    subgroups = {s.field: s for s in config.analysis.subgroups}
    out = []
    for endpoint, frame in frames.items():
        missing = [f for f in (settings.exposure, *settings.confounders) if f not in included]
        if missing:
            out.append(AdjustedAnalysis(endpoint, settings.exposure, settings.levels, 0, None,
                                        f"not in the patients' data: {', '.join(missing)}"))
            continue
        subjects = included.set_index("patient_id")
        data = frame[["patient_id", "time", "event"]].copy()
        data[settings.exposure] = data["patient_id"].map(as_levels(subjects[settings.exposure]))
        for field in settings.confounders:  # a confounder that is a subgroup enters grouped the same way
            values = subjects[field]
            if field in subgroups:
                from .study_analysis import subgroup_values  # the one grouping rule (no import cycle at load)
                values = subgroup_values(values, subgroups[field])
            data[field] = data["patient_id"].map(values)
        in_levels = data[settings.exposure].isin(settings.levels)
        try:
            result = adjusted_comparison(data[in_levels], "time", "event", settings.exposure, settings.confounders,
                                         estimand=settings.estimand, stabilized=settings.stabilized,
                                         treated_level=settings.levels[0], method=settings.method,
                                         caliper=settings.caliper, ratio=settings.ratio)
            out.append(AdjustedAnalysis(endpoint, settings.exposure, settings.levels, int((~in_levels).sum()),
                                        result))
        except AnalysisNotPossible as exc:
            out.append(AdjustedAnalysis(endpoint, settings.exposure, settings.levels, int((~in_levels).sum()),
                                        None, str(exc)))
    return tuple(out)


__all__ = ["AdjustedAnalysis", "adjusted_analyses"]
