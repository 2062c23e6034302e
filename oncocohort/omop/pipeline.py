"""An OMOP CDM → the study results of ``oncocohort omop report``: by default from aggregates computed in the engine
(:mod:`.aggregate_analysis`; no per-patient row leaves it), or with ``--extract-rows`` from the analysis datasets
extracted to memory and analysed as for ``report --adam`` (no derivation); and the data-source sentence of the
methods saying which."""

from __future__ import annotations

from dataclasses import replace

from ..stats.study_analysis import analyse_study
from .aggregate_analysis import analyse_aggregates
from .cdm import CDM_COLUMNS, Cdm, open_cdm, release_kept
from .cohort import build_cohort
from .cohort_spec import CohortSpec, read_cohort_spec
from .endpoints import adverse_event_note, endpoint_definitions, endpoint_views, omop_datasets


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


def _source(cdm: Cdm, cohort, notes, left: str) -> str:
    return (f"Data came from an OMOP Common Data Model database ({cdm.source}), analysed with {cdm.engine} through "
            f"Ibis; the cohort was {cohort.description}, and {left}. "
            + " ".join(note[0].upper() + note[1:] + "." for note in notes))


AGGREGATES_LEFT = ("only aggregates left the database (per-time event and censoring counts for Kaplan–Meier, "
                   "log-rank and cumulative incidence, per-time risk-set sums at each Newton step of Cox "
                   "regression, counts and moments for the baseline table, patients per adverse-event term and "
                   "the attrition counts; no per-patient row)")
ROWS_LEFT = ("per-patient analysis rows left the database (one row per screened patient and one per included "
             "patient and endpoint) and were analysed in memory")


class EmptyCohort(ValueError):
    """Nobody passed every step: the attrition in words."""


def _check_not_empty(cohort) -> None:
    if not cohort.n_included:
        steps = "; ".join(f"{s.label}: {s.n_excluded} excluded" for s in cohort.eligibility.steps)
        raise EmptyCohort(f"nobody is in the cohort ({steps}); nothing to analyse")


def omop_analysis_inputs(cdm: Cdm, spec: CohortSpec, cohort_table: str | None = None, cohort_id: int | None = None,
                         progress=None):
    """(datasets, notes, data-source sentence) for the cohort of ``spec`` (or the OHDSI cohort table) on ``cdm``:
    the per-patient rows extracted to memory (``--extract-rows``)."""
    say = progress or (lambda stage, text: None)
    cdm.check(needed_tables(spec, cohort_table is not None))
    say("OMOP", f"{cdm.engine}: {cdm.source}")
    cohort = build_cohort(cdm, spec, cohort_table, cohort_id)
    say("cohort", f"{cohort.n_screened} screened, {cohort.n_included} included "
        f"({len(cohort.eligibility.steps)} steps counted in {cdm.engine})")
    _check_not_empty(cohort)
    datasets, notes = omop_datasets(cdm, spec, cohort)
    say("endpoints", f"{len(datasets.adtte)} time-to-event rows extracted, {len(datasets.adae)} adverse-event rows")
    return datasets, notes, _source(cdm, cohort, notes, ROWS_LEFT)


def omop_aggregate_results(cdm: Cdm, spec: CohortSpec, cohort_table: str | None = None, cohort_id: int | None = None,
                           progress=None):
    """The study results of the cohort from aggregates only (:mod:`.aggregate_analysis`), data source set."""
    say = progress or (lambda stage, text: None)
    cdm.check(needed_tables(spec, cohort_table is not None))
    say("OMOP", f"{cdm.engine}: {cdm.source}")
    cohort = build_cohort(cdm, spec, cohort_table, cohort_id, rows=False)
    say("cohort", f"{cohort.n_screened} screened, {cohort.n_included} included "
        f"({len(cohort.eligibility.steps)} steps counted in {cdm.engine})")
    _check_not_empty(cohort)
    views = endpoint_views(cdm, spec, cohort)
    notes = [adverse_event_note(spec)] if spec.adverse_events else []
    try:
        results = analyse_aggregates(views, cohort, spec.config, endpoint_definitions(spec))
    finally:
        release_kept(views.subjects)
    say("analysis", f"{len(results.survival)} endpoints, Table 1, Cox and subgroups from aggregates computed in "
        f"{cdm.engine}")
    return replace(results, data_source=_source(cdm, cohort, notes, AGGREGATES_LEFT))


def analyse_omop_study(cdm_path=None, spark_remote=None, cdm_schema=None, results_schema=None, cohort_file=None,
                       cohort_table=None, cohort_id=None, progress=None, cdm: Cdm | None = None,
                       extract_rows: bool = False):
    """Open the CDM, read cohort.toml and analyse → (datasets or None, results): from aggregates (the default; no
    datasets), or with ``extract_rows`` from the per-patient rows extracted to memory (``analyse_study``)."""
    spec = read_cohort_spec(cohort_file, require_cohort=cohort_table is None)
    own = cdm is None
    cdm = cdm or open_cdm(cdm_path, spark_remote, cdm_schema, results_schema)
    try:
        if not extract_rows:
            return None, omop_aggregate_results(cdm, spec, cohort_table, cohort_id, progress)
        datasets, notes, source = omop_analysis_inputs(cdm, spec, cohort_table, cohort_id, progress)
    finally:
        if own:
            cdm.close()
    results = analyse_study(datasets, spec.config)
    return datasets, replace(results, data_source=source)


def analyse_omop_inputs(cdm_path=None, spark_remote=None, cdm_schema=None, results_schema=None, cohort_file=None,
                        cohort_table=None, cohort_id=None, progress=None, cdm: Cdm | None = None):
    """Open the CDM, read cohort.toml, build the extracted datasets → (datasets, config, notes, source sentence)."""
    spec = read_cohort_spec(cohort_file, require_cohort=cohort_table is None)
    own = cdm is None
    cdm = cdm or open_cdm(cdm_path, spark_remote, cdm_schema, results_schema)
    try:
        datasets, notes, source = omop_analysis_inputs(cdm, spec, cohort_table, cohort_id, progress)
    finally:
        if own:
            cdm.close()
    return datasets, spec.config, notes, source
