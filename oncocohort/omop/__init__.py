"""OMOP CDM: a real-world database → the study report's results from aggregates computed inside the engine
(``oncocohort omop report``; DuckDB or Spark through Ibis), or the study pipeline's analysis datasets extracted to
memory (``--extract-rows``), and a deterministic synthetic CDM (``oncocohort omop synth``); docs/omop.md.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "open_cdm": ".cdm",
    "CdmError": ".cdm",
    "read_cohort_spec": ".cohort_spec",
    "build_cohort": ".cohort",
    "omop_datasets": ".endpoints",
    "endpoint_views": ".endpoints",
    "analyse_aggregates": ".aggregate_analysis",
    "analyse_omop_study": ".pipeline",
    "synthesize": ".synth",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
