"""The same cohort and endpoints on DuckDB and on Spark local mode give identical frames (skipped without Java or
pyspark). One SparkSession per test session: local[1], no UI, two shuffle partitions."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from oncocohort.omop.cdm import open_duckdb
from oncocohort.omop.cohort import build_cohort
from oncocohort.omop.cohort_spec import read_cohort_spec
from oncocohort.omop.endpoints import omop_datasets
from tests.omop.cdm_builder import cdm_frames

from .conftest import EXAMPLE, on_spark

pyspark = pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark local mode needs Java")


def _run(cdm):
    spec = read_cohort_spec(EXAMPLE)
    cohort = build_cohort(cdm, spec)
    datasets, notes = omop_datasets(cdm, spec, cohort)
    return cohort, datasets, notes


def _same(duck, spark_result):
    (c1, d1, n1), (c2, d2, n2) = duck, spark_result
    pd.testing.assert_frame_equal(c1.eligibility.attrition_table(), c2.eligibility.attrition_table())
    pd.testing.assert_frame_equal(c1.patients, c2.patients)
    pd.testing.assert_frame_equal(d1.adtte, d2.adtte)
    pd.testing.assert_frame_equal(d1.adsl, d2.adsl)
    assert n1 == n2


def test_hand_cdm_same_on_duckdb_and_spark(spark, hand_cdm):
    _same(_run(open_duckdb(hand_cdm)), _run(on_spark(spark, cdm_frames(), "hand")))


def test_synthetic_cdm_same_on_duckdb_and_spark(spark_cdm):
    path, open_on_spark = spark_cdm
    duck = _run(open_duckdb(path))
    assert len(duck[0].eligibility.included) >= 10
    assert (duck[0].eligibility.attrition_table()["n_excluded"] > 0).all()  # every rule applied to someone
    _same(duck, _run(open_on_spark()))
