"""Cross-table checks run after every table has been read and typed. Each check reports, never raises."""

from __future__ import annotations

from . import adverse_events, chronology, config_fields, integrity, lesions, treatments
from .context import CheckContext

# In reading order for the user: identity first, then dates, then domain rules.
CHECKS = (
    integrity.check_unique_patients,
    integrity.check_known_patients,
    integrity.check_duplicate_records,
    integrity.check_followup_complete,
    integrity.check_age_or_birth_date,
    chronology.check_period_order,
    chronology.check_death_order,
    chronology.check_birth_before_treatment,
    chronology.check_vital_status,
    chronology.check_cutoff_plausible,
    chronology.check_after_cutoff,
    treatments.check_doses,
    treatments.check_stop_reasons,
    treatments.check_overlaps,
    treatments.check_regimen_drugs,
    config_fields.check_named_fields,
    config_fields.check_response_source,
)
LESION_CHECKS = (
    lesions.check_target_nodal,
    lesions.check_status_for_kind,
    lesions.check_kind_is_stable,
    lesions.check_baseline_targets,
)
ADVERSE_EVENT_CHECKS = (adverse_events.check_ctcae_terms,)


def run_checks(ctx: CheckContext) -> None:
    """Run every check whose tables are present."""
    for check in CHECKS:
        check(ctx)
    if ctx.has("lesions"):
        for check in LESION_CHECKS:
            check(ctx)
    if ctx.has("adverse_events"):
        for check in ADVERSE_EVENT_CHECKS:
            check(ctx)


__all__ = ["CheckContext", "run_checks"]
