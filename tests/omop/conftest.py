"""Shared fixtures of the OMOP tests: the example cohort.toml; the CDMs, each built once per test session and only
read (the hand-built one, tests/omop/cdm_builder.py, and the synthetic ones of tests/omop/synthetic_cdms.py, whose
sizes are chosen there); one Spark local-mode session per test session (local[1], no UI, two shuffle partitions; the
tests using it skip without Java or pyspark) with the Spark-size synthetic CDM loaded into it once."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from oncocohort.omop.cdm import open_spark
from oncocohort.omop.synth import TABLES

from . import synthetic_cdms
from .cdm_builder import write_duckdb

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "omop-cohort.toml"


@pytest.fixture(scope="session")
def hand_cdm(tmp_path_factory) -> Path:
    """The hand-built CDM (thirteen persons, one per rule) as a DuckDB file; tests open it read-only."""
    path = tmp_path_factory.mktemp("hand-cdm") / "hand.duckdb"
    write_duckdb(path)
    return path


@pytest.fixture(scope="session")
def synthetic_cdm(tmp_path_factory):
    """``synthetic_cdm(synthetic_cdms.SIZE)`` → the DuckDB file of that size, built on first use in the session;
    tests open it read-only (``open_duckdb``)."""
    made: dict[tuple[int, int], Path] = {}

    def get(size: tuple[int, int]) -> Path:
        if size not in made:
            made[size] = synthetic_cdms.build(size, tmp_path_factory.mktemp("synthetic-cdm"))
        return made[size]
    return get


@pytest.fixture(scope="session")
def spark_cdm(spark, synthetic_cdm):
    """(the DuckDB file, a function opening the same CDM on Spark): the ``SPARK`` synthetic CDM written into a Spark
    database once per session."""
    import duckdb

    path = synthetic_cdm(synthetic_cdms.SPARK)
    con = duckdb.connect(str(path), read_only=True)
    frames = {t: con.execute(f"SELECT * FROM {t}").df() for t in synthetic_cdms.SPARK_TABLES}
    con.close()
    on_spark(spark, frames, "synth")
    return path, lambda: open_spark(spark, "Spark local", cdm_schema="synth")


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark local mode needs Java")
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("spark-warehouse")  # never in the working directory
    session = (SparkSession.builder.master("local[1]").appName("oncocohort-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               # the cohort's query plans are long: their text (built for every query) capped, the heap raised
               .config("spark.sql.maxPlanStringLength", "65536").config("spark.driver.memory", "2g")
               .config("spark.sql.warehouse.dir", str(warehouse))
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    yield session
    session.stop()


def on_spark(spark, frames: dict[str, pd.DataFrame], prefix: str):
    """The CDM's tables as Spark tables of a database of their own, with the column types of the synthetic CDM."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {prefix}")
    for name, frame in frames.items():
        schema = _schema(name)
        rows = []
        for record in frame.itertuples(index=False):
            rows.append([None if pd.isna(x) else (x.date() if isinstance(x, pd.Timestamp) else
                                                   (int(x) if kind in ("BIGINT", "INTEGER") else x))
                         for x, (_, kind) in zip(record, TABLES[name])])
        spark.createDataFrame(rows, schema).write.mode("overwrite").saveAsTable(f"{prefix}.{name}")
    return open_spark(spark, "Spark local", cdm_schema=prefix)


def _schema(table: str):
    from pyspark.sql import types

    kinds = {"BIGINT": types.LongType(), "INTEGER": types.IntegerType(), "DATE": types.DateType(),
             "DOUBLE": types.DoubleType(), "VARCHAR": types.StringType()}
    return types.StructType([types.StructField(n, kinds[t]) for n, t in TABLES[table]])


