"""The synthetic OMOP CDMs of the tests, each size chosen once here (persons, seed) — used through the
session-scoped fixtures of tests/omop/conftest.py (built once per test session, opened read-only) and by
tests/report/test_omop_report_sections.py.

Why these sizes (``omop synth`` itself takes under a second for each; what costs is the analysis on top):

- ``ENGINE_EQUALITY``: the report from aggregates against the extracted rows on DuckDB, and the check that no
  per-patient row leaves the engine — the issue's 1e4 persons (~110 included patients: subgroups, Cox and both
  PFS causes populated);
- ``R_REFERENCE``: OS rows against R ``survival`` — tests/reference/omop_os_rows.csv and omop_reference.json were
  made from this CDM (tests/reference/make_omop_reference.R); change both together or not at all;
- ``SPARK``: DuckDB against Spark local mode (the cohort's frames and the report from aggregates), loaded into Spark
  once per session — every Spark query costs ~1 s here (the aggregate analysis sends ~120), so the size is small:
  12 included patients and every attrition step removing someone (the frames test checks both);
- ``REPORT``: the whole report written (CLI and report sections: tables, figures, documents per patient).
"""

from __future__ import annotations

from pathlib import Path

from oncocohort.omop.synth import synthesize

ENGINE_EQUALITY = (10_000, 5)
R_REFERENCE = (5_000, 1)
SPARK = (1_000, 3)
REPORT = (2_000, 1)

SPARK_TABLES = ("person", "observation_period", "condition_occurrence", "drug_exposure", "death", "measurement",
                "episode", "concept", "concept_ancestor")


def build(size: tuple[int, int], folder: Path) -> Path:
    """A DuckDB CDM of ``size`` = (persons, seed) in ``folder``."""
    persons, seed = size
    path = Path(folder) / "cdm.duckdb"  # one CDM per folder; the name is printed in the report's data source
    synthesize(persons, path, seed=seed)
    return path
