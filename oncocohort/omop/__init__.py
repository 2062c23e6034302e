"""OMOP CDM: a real-world database → the study pipeline's analysis datasets (``oncocohort omop report``), and a
deterministic synthetic CDM (``oncocohort omop synth``). The cohort, its attrition and the endpoint dates are
Ibis expressions run inside the engine (DuckDB or Spark); docs/omop.md.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "open_cdm": ".cdm",
    "CdmError": ".cdm",
    "read_cohort_spec": ".cohort_spec",
    "build_cohort": ".cohort",
    "omop_datasets": ".endpoints",
    "synthesize": ".synth",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
