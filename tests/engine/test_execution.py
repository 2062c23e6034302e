"""Float sums in the engine give the same bits on every run (DuckDB on several threads combines partial sums in
the order its threads finish; the engine runs float-sum queries on one thread)."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from oncocohort.engine.cox import cox_model
from oncocohort.engine.descriptive import continuous_aggregates
from tests.engine.rows import load


def test_moments_and_cox_are_the_same_bits_on_every_run_with_two_threads():
    rng = np.random.default_rng(5)
    n = 400_000  # several DuckDB row groups (122,880 rows each), so the scan is split between threads
    rows = pd.DataFrame({"v": rng.normal(size=n) * np.exp(rng.normal(size=n)),
                         "time": rng.integers(1, 30, n).astype(float), "event": rng.integers(0, 2, n)})
    moments, fits = set(), set()
    for _ in range(3):
        backend = ibis.duckdb.connect(threads=2)
        table = load(backend, "rows", rows)
        moments.add(continuous_aggregates(table, "v")[["mean", "sd"]].to_numpy().tobytes())
        fit = cox_model(table, "time", "event", ["v"])
        fits.add((fit.terms[0].coef, fit.terms[0].se, fit.loglik))
        assert backend.raw_sql("SELECT current_setting('threads')").fetchone()[0] == 2  # restored
    assert len(moments) == 1 and len(fits) == 1


def test_cox_keeps_its_rows_in_a_temporary_table_dropped_after_the_fit(tmp_path):
    """The rows used are computed once per fit (a temporary table, allowed on a read-only database file) and the
    table is gone after the fit — also when the fit fails."""
    import duckdb

    from oncocohort.engine.execution import materialized
    from oncocohort.stats.cox import ModelNotEstimable
    from tests.engine.rows import survival_rows

    path = tmp_path / "cdm.duckdb"
    with duckdb.connect(str(path)) as con:
        rows = survival_rows(500, 9)
        con.register("frame", rows)
        con.execute("CREATE TABLE rows AS SELECT * FROM frame")
    backend = ibis.duckdb.connect(str(path), read_only=True)
    table = backend.table("rows")

    def temporary_tables():
        return backend.raw_sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0]

    with materialized(table.filter(table.event == 1)) as kept:
        assert temporary_tables() == 1
        assert kept.count().execute() == int(rows["event"].sum())
    assert temporary_tables() == 0
    fit = cox_model(table, "time", "event", ["x1", "arm"])
    assert fit.n == 500 and temporary_tables() == 0
    with pytest.raises(ModelNotEstimable):
        cox_model(table.mutate(one=ibis.literal(1.0)), "time", "event", ["one"])
    assert temporary_tables() == 0


def test_each_newton_evaluation_reads_the_kept_rows_not_the_input_query(duckdb_backend):
    """After the rows are kept, the moments and per-iteration queries name the temporary table only (the input
    query — here a filter and a join — is not recomputed at each Newton step)."""
    import oncocohort.engine.cox as engine_cox
    from tests.engine.rows import survival_rows

    rows = survival_rows(800, 12)
    table = load(duckdb_backend, "iteration_rows", rows)
    sites = load(duckdb_backend, "sites", pd.DataFrame({"site": ["north", "south"], "region": ["n", "s"]}))
    joined = table.join(sites, "site").filter(table.time >= 0)
    queries = []
    original = engine_cox.execute_exactly_repeatable
    engine_cox.execute_exactly_repeatable = lambda e, params=None: (
        queries.append(str(e._find_backend().compile(e, params=params))), original(e, params))[1]
    try:
        cox_model(joined, "time", "event", ["x1", "x2"])
    finally:
        engine_cox.execute_exactly_repeatable = original
    assert len(queries) >= 4  # the covariates' means and variances, then one per Newton evaluation
    for sql in queries:
        assert "oncocohort_rows_" in sql and "iteration_rows" not in sql and "sites" not in sql
