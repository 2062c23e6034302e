"""The OMOP report from aggregates only (omop/aggregate_analysis.py, the default of ``omop report``) gives the
results.json of the in-memory analysis of the extracted rows (``--extract-rows``) within a relative 1e-9 — on a
10,000-person synthetic CDM in DuckDB and a 1,000-person one on Spark local mode (sizes: tests/omop/synthetic_cdms.py)
— and no per-patient row leaves the engine on the way."""

from __future__ import annotations

import datetime as dt
import math

import ibis.backends.duckdb as duckdb_backend
import pytest

from oncocohort.omop import endpoints as omop_endpoints
from oncocohort.omop import pipeline
from oncocohort.omop.cdm import open_duckdb
from oncocohort.omop.pipeline import AGGREGATES_LEFT, ROWS_LEFT, analyse_omop_study
from oncocohort.report.results_json import results_dict

from .conftest import EXAMPLE
from .synthetic_cdms import ENGINE_EQUALITY

# not computed in the engine (docs/engine.md): none left in the example — its Cox covariates are categorical, so
# Harrell's C comes from counts per pattern, and the cox.zph tests from the Cox cells; both are compared
NOT_IN_ENGINE: set[str] = set()
# by design: the methods sentence says what left the database; the index-date range needs per-patient rows
BY_DESIGN = {"/study/data_source", "/study/first_index_date", "/study/last_index_date", "/study/analysis"}


def differences(extracted, aggregate, path: str = "") -> tuple[list[str], int]:
    """(what differs beyond a relative 1e-9, how many numbers were compared), keys above left out."""
    if path in BY_DESIGN or path.rsplit("/", 1)[-1] in NOT_IN_ENGINE:
        return [], 0
    if isinstance(extracted, dict) and isinstance(aggregate, dict):
        if set(extracted) != set(aggregate):
            return [f"{path}: keys {sorted(set(extracted) ^ set(aggregate))}"], 0
        found, compared = [], 0
        for key in sorted(extracted):
            more, n = differences(extracted[key], aggregate[key], f"{path}/{key}")
            found += more
            compared += n
        return found, compared
    if isinstance(extracted, list) and isinstance(aggregate, list):
        if len(extracted) != len(aggregate):
            return [f"{path}: {len(extracted)} vs {len(aggregate)} items"], 0
        found, compared = [], 0
        for i, (x, y) in enumerate(zip(extracted, aggregate)):
            more, n = differences(x, y, f"{path}[{i}]")
            found += more
            compared += n
        return found, compared
    numbers = (int, float)
    if isinstance(extracted, numbers) and isinstance(aggregate, numbers) and not isinstance(extracted, bool):
        same = extracted == aggregate or math.isclose(extracted, aggregate, rel_tol=1e-9, abs_tol=0.0)
        return ([] if same else [f"{path}: {extracted!r} vs {aggregate!r}"]), 1
    return ([] if extracted == aggregate else [f"{path}: {extracted!r} vs {aggregate!r}"]), 0


def both_paths(cdm):
    datasets, extracted = analyse_omop_study(cdm=cdm, cohort_file=EXAMPLE, extract_rows=True)
    none, aggregate = analyse_omop_study(cdm=cdm, cohort_file=EXAMPLE)
    assert none is None and datasets is not None
    return results_dict(extracted), results_dict(aggregate)


def assert_same(extracted: dict, aggregate: dict, at_least: int) -> None:
    found, compared = differences(extracted, aggregate)
    assert not found, "\n".join(found[:40])
    assert compared >= at_least  # the comparison saw the numbers (not an empty walk)
    assert ROWS_LEFT in extracted["study"]["data_source"]
    assert AGGREGATES_LEFT in aggregate["study"]["data_source"]
    assert "only per-patient analysis rows" not in aggregate["study"]["data_source"]


@pytest.fixture(scope="module")
def synthetic_10k(synthetic_cdm):
    return synthetic_cdm(ENGINE_EQUALITY)


@pytest.fixture(scope="module")
def duckdb_results(synthetic_10k):
    return both_paths(open_duckdb(synthetic_10k))


def test_aggregate_results_equal_the_extracted_on_duckdb_10k(duckdb_results):
    extracted, aggregate = duckdb_results
    assert extracted["study"]["n_included"] >= 50
    assert_same(extracted, aggregate, at_least=500)
    # every endpoint the cohort defines, with its curve summary; subgroups, Cox, competing PFS all compared
    assert list(aggregate["survival"]) == ["OS", "PFS", "TTD", "TTNT"]  # declared order
    assert aggregate["survival"]["PFS"]["rmst"] is not None
    assert {g["field"] for g in aggregate["subgroup_survival"]["PFS"]} == {"sex", "ecog"}
    assert aggregate["cox"]["OS"]["multivariable"]["terms"]
    assert aggregate["competing_risks_pfs"]["death_without_progression"] > 0


def test_the_comparison_can_fail(duckdb_results):
    extracted, aggregate = duckdb_results
    changed = {**aggregate, "survival": {**aggregate["survival"], "OS": {
        **aggregate["survival"]["OS"], "median": {**aggregate["survival"]["OS"]["median"],
                                                  "estimate": aggregate["survival"]["OS"]["median"]["estimate"]
                                                  * (1 + 1e-8)}}}}
    found, _ = differences(extracted, changed)
    assert found == [f"/survival/OS/median/estimate: {extracted['survival']['OS']['median']['estimate']!r} vs "
                     f"{changed['survival']['OS']['median']['estimate']!r}"]


IDENTITY = {"person_id", "patient_id", "subject_id"}


def fetched_frames(monkeypatch) -> list:
    """Record (columns, rows) of every result the DuckDB backend returns to Python."""
    seen = []
    original = duckdb_backend.Backend.execute

    def recording(self, expr, *args, **kwargs):
        result = original(self, expr, *args, **kwargs)
        columns = list(getattr(result, "columns", [getattr(result, "name", None)]))
        seen.append((columns, len(result) if hasattr(result, "__len__") else 1))
        return result

    monkeypatch.setattr(duckdb_backend.Backend, "execute", recording)
    return seen


def test_no_per_patient_row_leaves_the_engine(synthetic_10k, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("per-patient rows extracted")

    monkeypatch.setattr(pipeline, "omop_datasets", refuse)
    monkeypatch.setattr(omop_endpoints, "omop_datasets", refuse)
    seen = fetched_frames(monkeypatch)
    _, results = analyse_omop_study(cdm=open_duckdb(synthetic_10k), cohort_file=EXAMPLE)
    assert results.patients.empty and results.n_included >= 50
    assert len(seen) > 50
    carrying_ids = [columns for columns, _ in seen if IDENTITY & set(map(str, columns))]
    assert carrying_ids == []
    # the largest result: a per-time count frame (one row per distinct time), never one per screened person
    assert max(rows for _, rows in seen) < results.n_screened
    # the Cox fit and its PH tests: per-(time, event) cells of sums at each Newton step — fewer rows than the
    # persons of the cohort (the PH tests add no query: the cells at β̂ and at β = 0 are the fit's own). This does
    # not bound the persons per cell: a cell may hold one person (docs/engine.md, "Disclosure of the Cox cells")
    cox_cells = [rows for columns, rows in seen if "s0" in columns]
    assert cox_cells and max(cox_cells) < results.n_included


def test_the_row_check_sees_an_extraction(synthetic_10k, monkeypatch):
    seen = fetched_frames(monkeypatch)
    analyse_omop_study(cdm=open_duckdb(synthetic_10k), cohort_file=EXAMPLE, extract_rows=True)
    assert any(IDENTITY & set(map(str, columns)) for columns, _ in seen)


def test_death_without_progression_is_its_own_cause(hand_cdm):
    """Hand CDM: patient 1 progresses, patient 12 dies without progression (tests/omop/test_cohort.py)."""
    path = hand_cdm
    for extract in (True, False):
        _, results = analyse_omop_study(cdm=open_duckdb(path), cohort_file=EXAMPLE, extract_rows=extract)
        pfs = results.competing_pfs
        assert (pfs.progression, pfs.death_without_progression, pfs.censored) == (1, 1, 1)


def test_same_results_on_spark_local_mode(spark_cdm, tmp_path):
    """The Spark-size synthetic CDM (tests/omop/synthetic_cdms.py); one subgroup and one Cox covariate (each engine
    query costs Spark ~1 s: the full example analysis is ~120 queries; Cox on Spark is tested on its own in
    tests/engine/test_spark.py)."""
    path, open_on_spark = spark_cdm
    text = EXAMPLE.read_text(encoding="utf-8")
    analysis = text[text.index("[analysis]"):]
    cohort = tmp_path / "cohort.toml"
    cohort.write_text(text.replace(analysis, '[analysis]\nlandmarks = [6, 12]\ncox_covariates = ["sex"]\n'
                                   'subgroups = [{ field = "sex", label = "Sex" }]\n'), encoding="utf-8")
    datasets, extracted = analyse_omop_study(cdm=open_duckdb(path), cohort_file=cohort, extract_rows=True)
    _, on_duckdb = analyse_omop_study(cdm=open_duckdb(path), cohort_file=cohort)
    _, on_spark_ = analyse_omop_study(cdm=open_on_spark(), cohort_file=cohort)
    extracted, on_duckdb, on_spark_ = (results_dict(r) for r in (extracted, on_duckdb, on_spark_))
    assert on_spark_["study"]["n_included"] >= 5 and on_spark_["cox"]["OS"]["univariable"]
    assert_same(extracted, on_spark_, at_least=200)
    found, compared = differences(on_duckdb, on_spark_)
    found = [f for f in found if not f.startswith("/study/data_source")]  # names the engine
    assert not found and compared >= 200, found[:20]


def test_each_path_says_its_analysis_and_the_index_period_by_month(hand_cdm):
    """results.json study.analysis is set by the analysis that ran; the aggregate path has the index period at
    month precision only (MIN/MAX in DuckDB), equal to the extracted rows' months, and the narrative gives it.
    Hand CDM: index dates 2020-02-10, 2021-02-01, 2021-06-05 (tests/omop/cdm_builder.py)."""
    from oncocohort.report.narrative import results_paragraphs

    path = hand_cdm
    _, extracted = analyse_omop_study(cdm=open_duckdb(path), cohort_file=EXAMPLE, extract_rows=True)
    _, aggregate = analyse_omop_study(cdm=open_duckdb(path), cohort_file=EXAMPLE)
    rows, engine = results_dict(extracted)["study"], results_dict(aggregate)["study"]
    assert (rows["analysis"], engine["analysis"]) == ("patient-level", "aggregates")
    assert (rows["first_index_date"], rows["last_index_date"]) == ("2020-02-10", "2021-06-05")
    assert engine["first_index_date"] is None and engine["last_index_date"] is None  # no day published
    assert aggregate.index_months == (dt.date(2020, 2, 1), dt.date(2021, 6, 1))
    for study in (rows, engine):
        assert (study["first_index_month"], study["last_index_month"]) == ("2020-02", "2021-06")
    patients = dict(results_paragraphs(results_dict(aggregate)))["Patients"]
    assert patients.startswith("Between February 2020 and June 2021, 12 patients were screened")


def test_a_declared_reference_nobody_has_is_one_rule_on_both_paths(hand_cdm, tmp_path):
    """stats.study_analysis.cox_not_estimable decides for the in-memory (pandas counts) and the in-engine
    (aggregate query) analysis: the same reason, word for word."""
    path = hand_cdm
    text = EXAMPLE.read_text(encoding="utf-8")
    old = '{ field = "sex", label = "Sex" }'
    assert old in text
    cohort = tmp_path / "cohort.toml"
    cohort.write_text(text.replace(old, '{ field = "sex", label = "Sex", groups = { "male" = ["male"], "female" = '
                                        '["female"], "unknown" = ["unknown"] }, reference = "unknown" }'),
                      encoding="utf-8")
    reasons = []
    for extract in (True, False):
        _, results = analyse_omop_study(cdm=open_duckdb(path), cohort_file=cohort, extract_rows=extract)
        cox = next(c for c in results.cox if c.endpoint == "OS")
        reasons.append(dict(cox.univariable)["sex"].reason)
    assert reasons[0] == reasons[1] == "no patient with data has the reference level named in study.toml " \
                                       "(sex = 'unknown')"


def test_cox_not_estimable_from_counts():
    """The rule on hand counts: no events first, then a declared reference with no row, then one level only."""
    from oncocohort.stats.level_order import FactorLevels
    from oncocohort.stats.study_analysis import NotEstimable, cox_not_estimable

    declared = {"sex": FactorLevels("sex", ("Male", "Female"), "Female", True)}
    assert cox_not_estimable(0, {"sex": 2}, {"sex": 0}, declared) == NotEstimable("no events")
    assert cox_not_estimable(3, {"sex": 2}, {"sex": 0}, declared).reason.endswith("(sex = 'Female')")
    assert cox_not_estimable(3, {"sex": 2}, {"sex": 1}, declared) is None
    assert cox_not_estimable(3, {"sex": 1, "ecog": 1}, {"sex": 1}, declared) == NotEstimable(
        "sex, ecog: one level only among the patients with data")
    undeclared = {"sex": FactorLevels("sex", ("Male", "Female"), "Female", False)}
    assert cox_not_estimable(3, {"sex": 2}, {}, undeclared) is None
