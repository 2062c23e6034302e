"""Running aggregate queries so that floating-point sums are the same bits on every run, and keeping a query's
rows in the engine for the repeated queries of an iterative fit.

A floating-point sum depends on the order of its terms. DuckDB aggregates on several threads and combines their
partial sums in whatever order the threads finish, so the last bits of a SUM of doubles change from run to run
(measured: Cox β and Table 1 SDs differing at ~1e-16 relative between four runs with 2 threads; DuckDB's
compensated ``fsum`` varies too). Counts are integer sums and exact in any order, so only queries with float sums
(Cox, Table 1 moments) go through :func:`execute_exactly_repeatable`: on DuckDB it runs them on one thread (scan
order is then fixed) and restores the connection's thread setting afterwards. On Spark the order of the final merge
follows the partitions; local mode with one core (or one partition) is repeatable, a cluster is repeatable only to
~1e-15 relative (docs/engine.md).

:func:`materialized` computes a table expression once and keeps its rows in the engine (a DuckDB temporary table
written on one thread, so its row order — and every later float sum over it — repeats; a cached Spark DataFrame),
so a Newton fit's queries do not recompute the input (an OMOP cohort's joins, a Parquet scan) at every iteration.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


@contextmanager
def _one_thread(backend):
    """DuckDB on one thread inside the block (the connection's setting restored after); other engines unchanged."""
    if backend.name != "duckdb":
        yield
        return
    threads = backend.raw_sql("SELECT current_setting('threads')").fetchone()[0]
    backend.raw_sql("SET threads = 1")
    try:
        yield
    finally:
        backend.raw_sql(f"SET threads = {int(threads)}")


def execute_exactly_repeatable(expression, params=None) -> pd.DataFrame:
    """Execute an Ibis expression (with scalar ``params``, ``ibis.param`` → value); on DuckDB on a single thread
    (module docstring)."""
    with _one_thread(expression._find_backend()):
        return expression.execute(params=params)


@contextmanager
def materialized(table):
    """``table`` computed once and kept in the engine while the block runs; yields an Ibis table of those rows.

    DuckDB: a temporary table (``CREATE TEMP TABLE … AS``; allowed on a read-only database), written on one thread
    and dropped on exit. Other engines: Ibis ``Table.cache()`` (Spark: a cached DataFrame), released on exit.
    Memory: the rows' columns in the engine (DuckDB spills to its temporary directory beyond its memory limit),
    none in Python."""
    backend = table._find_backend()
    if backend.name != "duckdb":  # Ibis 12's release of a DuckDB cached table fails (a catalog-qualified DROP)
        cached = table.cache()
        try:
            yield cached
        finally:
            cached.release()
        return
    name = f"oncocohort_rows_{uuid.uuid4().hex}"
    with _one_thread(backend):
        backend.create_table(name, table, temp=True)
    try:
        yield backend.table(name)
    finally:
        backend.raw_sql(f'DROP TABLE IF EXISTS temp.main."{name}"')


def spark_local_settings(warehouse: str | Path, partitions: int = 2) -> dict[str, str]:
    """Spark session settings for local mode (``SparkSession.builder.master("local[*]")``, set before the JVM
    starts) that suit the engine's queries — a few short aggregates over one table: ``partitions`` shuffle
    partitions (Spark's default, 200, schedules 200 tasks per GROUP BY for a few thousand result rows); adaptive
    query execution off (its re-planning buys nothing with 2 partitions); the JVM's quick JIT tier only
    (``-XX:TieredStopAtLevel=1``: less compilation for a short session); no UI or progress bar; the warehouse
    folder given. Measured (1e6 rows, 2 cores, load ~20, CPU of driver + JVM): KM + log-rank 8.6 → 4.9 s cold,
    3.6 → 2.4 s warm; Efron Cox 15.1 → 11.0 s (docs/engine.md)."""
    return {"spark.sql.shuffle.partitions": str(partitions), "spark.default.parallelism": str(partitions),
            "spark.sql.adaptive.enabled": "false", "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
            "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
            "spark.sql.warehouse.dir": str(warehouse)}
