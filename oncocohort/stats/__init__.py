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
from .weighted_kaplan_meier import weighted_kaplan_meier as weighted_kaplan_meier

_PUBLIC = {
    "AnalysisNotPossible": ".survival_summary",
    "AssociationTest": ".contingency",
    "BalanceTable": ".balance",
    "BinomialTest": ".proportions",
    "CauseSpecificCox": ".competing_risks",
    "CompetingRisksSummary": ".competing_risks",
    "CoxModel": ".cox",
    "CumulativeIncidence": ".competing_risks",
    "EValue": ".e_value",
    "FineGrayModel": ".competing_risks",
    "FirthCoxModel": ".firth",
    "GrayTest": ".competing_risks",
    "HorizonTooLate": ".rmst",
    "IPTW": ".propensity",
    "KaplanMeier": ".kaplan_meier",
    "LandmarkAnalysis": ".landmark",
    "LogRankTest": ".logrank",
    "MatchedSample": ".matching",
    "MilestoneComparison": ".rmst",
    "ModelNotEstimable": ".cox",
    "PooledEstimates": ".multiple_imputation",
    "PropensityModel": ".propensity",
    "ProportionEstimate": ".proportions",
    "RmstComparison": ".rmst",
    "StudyResults": ".study_analysis",
    "WeightedCoxModel": ".weighted_cox",
    "WeightedLogRankTest": ".weighted_cox",
    "adjusted_comparison": ".adjusted_survival",
    "analyse_study": ".study_analysis",
    "balance_table": ".balance",
    "binomial_test": ".proportions",
    "cause_specific_cox": ".competing_risks",
    "chi_square": ".contingency",
    "competing_risks_from_counts": ".competing_risks",
    "competing_risks_summary": ".competing_risks",
    "count_events": ".event_counts",
    "counting_process_cox_model": ".counting_process_cox",
    "cox_model": ".cox",
    "cox_regression": ".cox",
    "cumulative_incidence_curve": ".competing_risks",
    "design_matrix": ".cox",
    "e_value_hazard_ratio": ".e_value",
    "fine_gray": ".competing_risks",
    "finegray_cox": ".finegray",
    "finegray_rows": ".finegray",
    "firth_cox_model": ".firth",
    "fisher_exact": ".contingency",
    "fisher_exact_rxc": ".contingency",
    "gray_test": ".competing_risks",
    "harrell_concordance": ".cox",
    "impute_chained": ".multiple_imputation",
    "iptw_weights": ".propensity",
    "kaplan_meier_from_counts": ".kaplan_meier",
    "landmark_analysis": ".landmark",
    "landmarks": ".kaplan_meier",
    "logrank_test": ".logrank",
    "median_spss": ".kaplan_meier",
    "milestone_comparison": ".rmst",
    "nearest_neighbor_match": ".matching",
    "pool_rubin": ".multiple_imputation",
    "pooled_cox": ".multiple_imputation",
    "propensity_model": ".propensity",
    "proportion_ci": ".proportions",
    "restricted_mean": ".kaplan_meier",
    "reverse_km_followup": ".kaplan_meier",
    "rmst_comparison": ".rmst",
    "standardized_mean_difference": ".balance",
    "summarise_baseline": ".descriptive",
    "summarise_categorical": ".descriptive",
    "summarise_continuous": ".descriptive",
    "summarise_survival": ".survival_summary",
    "survival_quantile": ".kaplan_meier",
    "test_association": ".contingency",
    "weighted_cox_regression": ".weighted_cox",
    "weighted_logrank_test": ".weighted_cox",
    "with_risk_sets": ".event_counts",
}
__all__ = sorted([*_PUBLIC, "counting_process_cox", "kaplan_meier", "weighted_kaplan_meier"])

__getattr__ = lazy_attributes(__name__, _PUBLIC)
