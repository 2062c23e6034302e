"""Derived data: RECIST 1.1 visit responses and best overall response (also Choi, iRECIST), data cutoff,
index date, eligibility, time-to-event endpoints, exposure, adverse events → the analysis datasets."""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "AnalysisDatasets": ".analysis_datasets",
    "CohortPreview": ".preview",
    "EligibilityResult": ".eligibility",
    "EndpointOptions": ".time_to_event",
    "apply_cutoff": ".cutoff",
    "apply_eligibility": ".eligibility",
    "best_overall_response": ".best_response",
    "choi_visit_responses": ".choi",
    "compare_recorded": ".recist_audit",
    "derive_study": ".analysis_datasets",
    "duration_of_response": ".time_to_event",
    "flag_adverse_events": ".adverse_events",
    "irecist_best_response": ".irecist",
    "irecist_visit_responses": ".irecist",
    "overall_survival": ".time_to_event",
    "preview_cohort": ".preview",
    "progression_free_survival": ".time_to_event",
    "screen_patients": ".analysis_datasets",
    "visit_responses": ".recist",
    "worst_grade": ".adverse_events",
    "write_datasets": ".writer",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
