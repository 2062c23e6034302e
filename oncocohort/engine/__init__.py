"""In-engine statistics: the aggregation steps of the survival and Table 1 statistics run as Ibis expressions in a
database engine (DuckDB, Spark); only aggregates come back, and the formulas of ``oncocohort.stats`` run on them
unchanged (docs/engine.md). This layer sits beside ``stats`` and imports it, never the reverse."""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "EngineInputError": ".input_rules",
    "count_events": ".event_counts",
    "count_competing_events": ".event_counts",
    "kaplan_meier": ".event_counts",
    "logrank_test": ".event_counts",
    "competing_risks_summary": ".event_counts",
    "cox_model": ".cox",
    "summarise_baseline": ".descriptive",
    "summarise_baseline_by_group": ".descriptive",
    "SuppressedCount": ".suppression",
    "suppress_risk_table": ".suppression",
    "suppress_table": ".suppression",
    "suppression_footnote": ".suppression",
}
__all__ = sorted(_PUBLIC)
__getattr__ = lazy_attributes(__name__, _PUBLIC)
