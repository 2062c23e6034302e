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

    spark = (SparkSession.builder.master("local[1]").appName("oncocohort-engine-tests")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse"))).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(spark)
    spark.stop()
