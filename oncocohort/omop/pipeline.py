"""An OMOP CDM → the study pipeline's analysis datasets, settings and the data-source sentence of the methods
(``oncocohort omop report``; the report is then built as for ``report --adam``: no derivation)."""

from __future__ import annotations

from .cdm import CDM_COLUMNS, Cdm, open_cdm
from .cohort import build_cohort
from .cohort_spec import CohortSpec, read_cohort_spec
from .endpoints import omop_datasets


def needed_tables(spec: CohortSpec, from_table: bool) -> dict[str, tuple[str, ...]]:
    """The CDM tables and columns this cohort and its endpoints read."""
    names = ["person", "observation_period", "death", "concept_ancestor"]
    if not from_table or spec.components or spec.later_therapy:
        names.append("drug_exposure")
    if not from_table or spec.conditions or spec.adverse_events or any(
            e.domain == "condition" for e in spec.exclusions):
        names.append("condition_occurrence")
    if spec.measurements or spec.progression == "measurement" or any(e.domain == "measurement"
                                                                       for e in spec.exclusions):
        names.append("measurement")
    if spec.progression == "episode":
        names.append("episode")
    return {name: CDM_COLUMNS[name] for name in names}


def omop_analysis_inputs(cdm: Cdm, spec: CohortSpec, cohort_table: str | None = None, cohort_id: int | None = None,
                         progress=None):
    """(datasets, notes, data-source sentence) for the cohort of ``spec`` (or the OHDSI cohort table) on ``cdm``."""
    say = progress or (lambda stage, text: None)
    cdm.check(needed_tables(spec, cohort_table is not None))
    say("OMOP", f"{cdm.engine}: {cdm.source}")
    cohort = build_cohort(cdm, spec, cohort_table, cohort_id)
    say("cohort", f"{len(cohort.eligibility.screened)} screened, {len(cohort.eligibility.included)} included "
        f"({len(cohort.eligibility.steps)} steps counted in {cdm.engine})")
    datasets, notes = omop_datasets(cdm, spec, cohort)
    say("endpoints", f"{len(datasets.adtte)} time-to-event rows, {len(datasets.adae)} adverse-event rows")
    source = (f"Data came from an OMOP Common Data Model database ({cdm.source}), analysed with {cdm.engine} through "
              f"Ibis; the cohort was {cohort.description}, and only per-patient analysis rows left the database. "
              + " ".join(note[0].upper() + note[1:] + "." for note in notes))
    return datasets, notes, source


def analyse_omop_inputs(cdm_path=None, spark_remote=None, cdm_schema=None, results_schema=None, cohort_file=None,
                        cohort_table=None, cohort_id=None, progress=None, cdm: Cdm | None = None):
    """Open the CDM, read cohort.toml, build the datasets → (datasets, config, notes, source sentence)."""
    spec = read_cohort_spec(cohort_file, require_cohort=cohort_table is None)
    own = cdm is None
    cdm = cdm or open_cdm(cdm_path, spark_remote, cdm_schema, results_schema)
    try:
        datasets, notes, source = omop_analysis_inputs(cdm, spec, cohort_table, cohort_id, progress)
    finally:
        if own:
            cdm.close()
    return datasets, spec.config, notes, source
