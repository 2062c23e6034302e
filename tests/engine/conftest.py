"""Engines for the in-engine tests: DuckDB in memory for every test, one Spark local-mode session per test session
(skipped cleanly when pyspark or Java is missing)."""

from __future__ import annotations

import shutil

import ibis
import pytest


@pytest.fixture(scope="session")
def duckdb_backend():
    return ibis.duckdb.connect()


@pytest.fixture(scope="session")
def spark_backend(tmp_path_factory):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: Spark local mode cannot start")
    from pyspark.sql import SparkSession

    from oncocohort.engine.execution import spark_local_settings

    builder = SparkSession.builder.master("local[1]").appName("oncocohort-engine-tests")
    for key, value in spark_local_settings(tmp_path_factory.mktemp("spark-warehouse"), partitions=1).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(spark)
    spark.stop()
