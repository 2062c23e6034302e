"""Statistics: pure functions returning analysis-results data (frozen dataclasses / tidy frames) that name
their method. Nothing here formats numbers for people or reads study files."""

from __future__ import annotations

from .contingency import AssociationTest, chi_square, fisher_exact, fisher_exact_rxc, test_association
from .counting_process_cox import counting_process_cox, counting_process_cox_model
from .cox import (
    CoxModel,
    ModelNotEstimable,
    cox_model,
    cox_regression,
    design_matrix,
    harrell_concordance,
)
from .descriptive import summarise_baseline, summarise_categorical, summarise_continuous
from .event_counts import count_events, with_risk_sets
from .firth import FirthCoxModel, firth_cox_model
from .kaplan_meier import (
    KaplanMeier,
    kaplan_meier,
    kaplan_meier_from_counts,
    landmarks,
    median_spss,
    restricted_mean,
    reverse_km_followup,
    survival_quantile,
)
from .landmark import LandmarkAnalysis, landmark_analysis
from .logrank import LogRankTest, logrank_test
from .multiple_imputation import PooledEstimates, impute_chained, pool_rubin, pooled_cox
from .proportions import BinomialTest, ProportionEstimate, binomial_test, proportion_ci
from .rmst import (
    HorizonTooLate,
    MilestoneComparison,
    RmstComparison,
    milestone_comparison,
    rmst_comparison,
)
from .study_analysis import StudyResults, analyse_study
from .survival_summary import AnalysisNotPossible, summarise_survival

__all__ = [
    "AnalysisNotPossible", "AssociationTest", "BinomialTest", "CoxModel", "FirthCoxModel", "HorizonTooLate",
    "KaplanMeier", "LandmarkAnalysis", "LogRankTest", "MilestoneComparison", "ModelNotEstimable", "PooledEstimates",
    "ProportionEstimate", "RmstComparison", "StudyResults", "analyse_study", "binomial_test", "chi_square",
    "count_events", "counting_process_cox", "counting_process_cox_model", "cox_model", "cox_regression",
    "design_matrix", "firth_cox_model", "fisher_exact", "fisher_exact_rxc", "harrell_concordance", "impute_chained",
    "kaplan_meier", "kaplan_meier_from_counts", "landmark_analysis", "landmarks", "logrank_test", "median_spss",
    "milestone_comparison", "pool_rubin", "pooled_cox", "proportion_ci", "restricted_mean", "reverse_km_followup",
    "rmst_comparison", "summarise_baseline", "summarise_categorical", "summarise_continuous", "summarise_survival",
    "survival_quantile", "test_association", "with_risk_sets",
]
