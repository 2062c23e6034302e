"""Benchmark: the in-engine statistics (oncocohort.engine) against the in-memory path and R, side by side in one run.

    python benchmarks/engine_scale.py [--km-rows 10000000] [--cox-rows 1000000] [--spark-rows 1000000]
                                      [--no-r] [--no-spark]

1. Kaplan–Meier + log-rank (3 groups, 2 strata) at ``--km-rows``: DuckDB (a native table in a .duckdb file) vs the
   in-memory path (stats.count_events on numpy arrays already in memory).
2. Efron Cox, 5 covariates, at ``--cox-rows``: DuckDB in-engine vs in-memory (``cox_regression``, which also
   computes Harrell's C and the PH tests, and the Newton fit alone) vs R ``coxph`` on the same rows (timed inside R
   with ``system.time``; reading the CSV is not timed).
3. Spark local mode (local[*], the settings of oncocohort.engine.execution.spark_local_settings) at
   ``--spark-rows``: the same KM + log-rank and Cox as DuckDB, on the same rows (a Parquet file); the ratio to
   DuckDB. The session is started before timing (the JVM start is not timed); the first query warms it up.

Data: integer-day times (heavy ties, as dates give), simulated with a fixed seed; loading is not timed. Each
measurement runs in a forked child process, so "peak RSS" is that child's own peak (ru_maxrss; DuckDB and the
numpy work are in-process, the Spark JVM is not counted). Each line gives wall time, CPU time (user + system of
the measuring process and its threads; R: system.time's user + system; Spark: the Python driver's plus the local
JVM's, read from /proc) and the 1-minute load average when the measurement ended — the machine is shared.
Coefficients are compared between the paths.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout this script is in, not an installed copy

BETA = np.array([0.5, -0.3, 0.2, 0.1, -0.4])
COVARIATES = ["x1", "x2", "x3", "x4", "x5"]


def simulate(n: int, seed: int = 2026) -> pd.DataFrame:
    """n rows: 5 covariates, exponential event times with hazard 0.002·exp(xβ), uniform censoring, integer days."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n), rng.normal(size=n), rng.integers(0, 3, n),
                         rng.normal(size=n)]).astype(float)
    event_time = rng.exponential(1 / (0.002 * np.exp(x @ BETA)))
    censor_time = rng.uniform(0, 1500, n)
    frame = pd.DataFrame(x, columns=COVARIATES)
    frame["time"] = np.ceil(np.minimum(event_time, censor_time)).clip(1, None)
    frame["status"] = (event_time <= censor_time).astype(np.int64)
    frame["arm"] = rng.integers(0, 3, n)
    frame["site"] = rng.integers(0, 2, n)
    return frame


def in_child(function, *args):
    """Run ``function(*args)`` in a forked process → (its result, seconds it reports, its peak RSS in MB)."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(_measured, (function, *args))


def _measured(function, *args):
    result, seconds = function(*args)
    return result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timing:
    """Wall and CPU seconds of one measurement and the machine's 1-minute load average at its end."""

    def __init__(self, wall: float, cpu: float):
        self.wall, self.cpu, self.load = wall, cpu, os.getloadavg()[0]

    def __add__(self, other: Timing) -> Timing:
        total = Timing(self.wall + other.wall, self.cpu + other.cpu)
        total.load = max(self.load, other.load)
        return total


def _timed(function, *args, **kwargs):
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, Timing(time.perf_counter() - start, time.process_time() - cpu)


def km_logrank_in_memory(parquet: Path):
    from oncocohort.stats.event_counts import count_events
    from oncocohort.stats.kaplan_meier import kaplan_meier_from_counts
    from oncocohort.stats.logrank import logrank_from_counts

    data = pd.read_parquet(parquet, columns=["time", "status", "arm", "site"])
    time_, status, arm, site = (data[c].to_numpy() for c in ("time", "status", "arm", "site"))
    del data

    def run():
        km = kaplan_meier_from_counts(count_events(time_, status))
        test = logrank_from_counts(count_events(time_, status, arm, site))
        return km.surv[-1], test.chisq

    return _timed(run)


def _duckdb_table(database: Path):
    import ibis

    return ibis.duckdb.connect(database, read_only=True).table("rows")


def km_logrank_engine(table):
    from oncocohort.engine.event_counts import kaplan_meier, logrank_test

    def run():
        return (kaplan_meier(table, "time", "status").surv[-1],
                logrank_test(table, "time", "status", "arm", "site").chisq)

    return _timed(run)


def km_logrank_duckdb(database: Path):
    return km_logrank_engine(_duckdb_table(database))


def cox_in_memory(parquet: Path, newton_only: bool):
    from oncocohort.stats.cox import _PartialLikelihood, cox_regression, fit_cox_model

    data = pd.read_parquet(parquet)
    x, time_, status = data[COVARIATES].to_numpy(float), data["time"].to_numpy(float), data["status"].to_numpy()
    del data
    if newton_only:  # the same Newton fit without Harrell's C and the PH tests (not computed in the engine)
        def run():
            likelihood = _PartialLikelihood(x, time_, status, np.zeros(len(time_), int), "efron")
            return fit_cox_model(likelihood, COVARIATES, "efron", status, 0.95).to_frame()["estimate"].to_numpy()
    else:
        def run():
            return cox_regression(time_, status, x, COVARIATES, ties="efron").to_frame()["estimate"].to_numpy()
    return _timed(run)


def cox_engine(table):
    from oncocohort.engine.cox import cox_model

    return _timed(lambda: cox_model(table, "time", "status", COVARIATES).to_frame()["estimate"].to_numpy())


def cox_duckdb(database: Path):
    return cox_engine(_duckdb_table(database))


def _spark(parquet: Path, work: Path):
    import ibis
    from pyspark.sql import SparkSession

    from oncocohort.engine.execution import spark_local_settings

    builder = SparkSession.builder.master("local[*]").appName("engine-benchmark")
    for key, value in spark_local_settings(work / "spark-warehouse").items():
        builder = builder.config(key, value)
    spark = builder.config("spark.driver.memory", "4g").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(str(parquet)).createOrReplaceTempView("rows")
    table = ibis.pyspark.connect(spark).table("rows")
    table.count().execute()  # the first query starts the executors (not timed)
    return table


def _jvm_cpu_seconds(table) -> float:
    """CPU seconds (user + system) used so far by the Spark JVM of local mode (/proc; NaN where unreadable)."""
    try:
        pid = table._find_backend()._session.sparkContext._gateway.proc.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError, ValueError, IndexError):
        return float("nan")


def _with_jvm_cpu(table, function):
    """``function(table)`` with the JVM's CPU seconds added to the driver's (local mode: the JVM does the work)."""
    before = _jvm_cpu_seconds(table)
    result, timing = function(table)
    timing.cpu += _jvm_cpu_seconds(table) - before
    return result, timing


def spark_km_logrank_and_cox(parquet: Path, work: Path):
    table = _spark(parquet, work)
    km, km_timing = _with_jvm_cpu(table, km_logrank_engine)
    cox, cox_timing = _with_jvm_cpu(table, cox_engine)
    return (km, km_timing, cox, cox_timing), km_timing + cox_timing


def cox_in_r(csv: Path):
    script = (f"suppressMessages(library(survival)); d <- read.csv('{csv}');"
              "t <- system.time(f <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d, ties = 'efron'));"
              "cat(t[['elapsed']], t[['user.self']] + t[['sys.self']], coef(f), '\\n')")
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout.split()
    return np.array(out[2:], float), Timing(float(out[0]), float(out[1]))


def write_data(n: int, folder: Path, name: str, csv: bool = False):
    import duckdb

    frame = simulate(n)
    parquet = folder / f"{name}.parquet"
    frame.to_parquet(parquet, index=False)
    database = folder / f"{name}.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"CREATE TABLE rows AS SELECT * FROM read_parquet('{parquet}')")
    if csv:
        frame.to_csv(folder / f"{name}.csv", index=False)
    return parquet, database


def line(label: str, timing: Timing, rss: float, note: str = "") -> None:
    print(f"  {label:<48} wall {timing.wall:7.2f} s  CPU {timing.cpu:7.2f} s  load {timing.load:5.1f}"
          f"  peak RSS {rss:6.0f} MB  {note}")


def ratios(reference: Timing, timing: Timing, name: str) -> str:
    """``name`` / this, by wall and by CPU time."""
    return f"{name} / this: wall {reference.wall / timing.wall:.2f}×, CPU {reference.cpu / timing.cpu:.2f}×"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--km-rows", type=float, default=1e7)
    parser.add_argument("--cox-rows", type=float, default=1e6)
    parser.add_argument("--spark-rows", type=float, default=1e6)
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        n_km, n_cox, n_spark = int(args.km_rows), int(args.cox_rows), int(args.spark_rows)

        print(f"1. Kaplan–Meier + log-rank (3 groups × 2 strata), {n_km:,} rows")
        parquet, database = write_data(n_km, work, "km")
        (memory_result, memory_s, memory_rss) = in_child(km_logrank_in_memory, parquet)
        (duck_result, duck_s, duck_rss) = in_child(km_logrank_duckdb, database)
        line("in memory (stats.count_events)", memory_s, memory_rss)
        line("DuckDB in-engine (GROUP BY)", duck_s, duck_rss,
             f"in-memory / DuckDB: wall {memory_s.wall / duck_s.wall:.2f}×, CPU {memory_s.cpu / duck_s.cpu:.2f}×")
        assert np.allclose(memory_result, duck_result, rtol=1e-9), (memory_result, duck_result)
        (work / "km.parquet").unlink()
        (work / "km.duckdb").unlink()

        print(f"2. Efron Cox, 5 covariates, {n_cox:,} rows")
        parquet, database = write_data(n_cox, work, "cox", csv=not args.no_r and shutil.which("Rscript"))
        full, full_s, full_rss = in_child(cox_in_memory, parquet, False)
        newton, newton_s, newton_rss = in_child(cox_in_memory, parquet, True)
        duck, duck_s, duck_rss = in_child(cox_duckdb, database)
        reference = None
        if not args.no_r and shutil.which("Rscript"):
            reference, r_timing = cox_in_r(work / "cox.csv")
            line("R coxph (system.time inside R)", r_timing, float("nan"))
        ratio = (lambda t: ratios(r_timing, t, "R")) if reference is not None else (lambda t: "")
        line("in memory: cox_regression (+ C index, PH tests)", full_s, full_rss, ratio(full_s))
        line("in memory: Newton fit only", newton_s, newton_rss, ratio(newton_s))
        line("DuckDB in-engine (Newton from Python)", duck_s, duck_rss, ratio(duck_s))
        print(f"  max |β in-engine − β in-memory| = {np.max(np.abs(duck - full)):.2e}"
              + (f"; max |β − β R| = {np.max(np.abs(duck - reference)):.2e}" if reference is not None else ""))

        if not args.no_spark:
            print(f"3. Spark local mode (local[*]) vs DuckDB, {n_spark:,} rows")
            if n_spark != n_cox:
                parquet, database = write_data(n_spark, work, "spark")
            km_duck, km_duck_s, km_duck_rss = in_child(km_logrank_duckdb, database)
            cox_duck, cox_duck_s, cox_duck_rss = in_child(cox_duckdb, database)
            try:
                (spark_km, spark_km_s, spark_cox, spark_cox_s), _, spark_rss = in_child(
                    spark_km_logrank_and_cox, parquet, work)
            except Exception as error:  # no Java or no pyspark: say so and stop here
                print(f"  Spark not run: {error}")
                return
            line("DuckDB KM + log-rank", km_duck_s, km_duck_rss)
            line("Spark KM + log-rank (CPU: driver + JVM)", spark_km_s, spark_rss,
                 f"Spark / DuckDB: wall {spark_km_s.wall / km_duck_s.wall:.1f}×, "
                 f"CPU {spark_km_s.cpu / km_duck_s.cpu:.1f}×")
            line("DuckDB Efron Cox", cox_duck_s, cox_duck_rss)
            line("Spark Efron Cox (CPU: driver + JVM)", spark_cox_s, spark_rss,
                 f"Spark / DuckDB: wall {spark_cox_s.wall / cox_duck_s.wall:.1f}×, "
                 f"CPU {spark_cox_s.cpu / cox_duck_s.cpu:.1f}×")
            print(f"  max |β Spark − β DuckDB| = {np.max(np.abs(spark_cox - cox_duck)):.2e}; "
                  f"KM/log-rank equal: {np.allclose(spark_km, km_duck, rtol=1e-9)}")

if __name__ == "__main__":
    sys.exit(main())
