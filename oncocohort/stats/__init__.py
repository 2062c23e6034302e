"""Statistics: pure functions returning analysis-results data (frozen dataclasses / tidy frames) that name
their method. Nothing here formats numbers for people or reads study files.

The public names are imported on first use (:mod:`oncocohort._lazy`): importing one statistic does not load
statsmodels or the others."""

from __future__ import annotations

from .._lazy import lazy_attributes

# functions named as their own module: imported now, because importing the module (as any statistic using it does)
# binds the package attribute to the module, and a lazy name would then never be looked up
from .counting_process_cox import counting_process_cox as counting_process_cox
from .kaplan_meier import kaplan_meier as kaplan_meier

_PUBLIC = {
    "AnalysisNotPossible": ".survival_summary",
    "AssociationTest": ".contingency",
    "BinomialTest": ".proportions",
    "CoxModel": ".cox",
    "FirthCoxModel": ".firth",
    "HorizonTooLate": ".rmst",
    "KaplanMeier": ".kaplan_meier",
    "LandmarkAnalysis": ".landmark",
    "LogRankTest": ".logrank",
    "MilestoneComparison": ".rmst",
    "ModelNotEstimable": ".cox",
    "PooledEstimates": ".multiple_imputation",
    "ProportionEstimate": ".proportions",
    "RmstComparison": ".rmst",
    "StudyResults": ".study_analysis",
    "analyse_study": ".study_analysis",
    "binomial_test": ".proportions",
    "chi_square": ".contingency",
    "count_events": ".event_counts",
    "counting_process_cox_model": ".counting_process_cox",
    "cox_model": ".cox",
    "cox_regression": ".cox",
    "design_matrix": ".cox",
    "firth_cox_model": ".firth",
    "fisher_exact": ".contingency",
    "fisher_exact_rxc": ".contingency",
    "harrell_concordance": ".cox",
    "impute_chained": ".multiple_imputation",
    "kaplan_meier_from_counts": ".kaplan_meier",
    "landmark_analysis": ".landmark",
    "landmarks": ".kaplan_meier",
    "logrank_test": ".logrank",
    "median_spss": ".kaplan_meier",
    "milestone_comparison": ".rmst",
    "pool_rubin": ".multiple_imputation",
    "pooled_cox": ".multiple_imputation",
    "proportion_ci": ".proportions",
    "restricted_mean": ".kaplan_meier",
    "reverse_km_followup": ".kaplan_meier",
    "rmst_comparison": ".rmst",
    "summarise_baseline": ".descriptive",
    "summarise_categorical": ".descriptive",
    "summarise_continuous": ".descriptive",
    "summarise_survival": ".survival_summary",
    "survival_quantile": ".kaplan_meier",
    "test_association": ".contingency",
    "with_risk_sets": ".event_counts",
}
__all__ = sorted([*_PUBLIC, "counting_process_cox", "kaplan_meier"])

__getattr__ = lazy_attributes(__name__, _PUBLIC)
