"""Float sums in the engine give the same bits on every run (DuckDB on several threads combines partial sums in
the order its threads finish; the engine runs float-sum queries on one thread)."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

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
