"""Test data for the in-engine tests: random survival rows, and loading a DataFrame into an engine as a table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def survival_rows(n: int, seed: int, p: int = 3) -> pd.DataFrame:
    """Random survival rows with ties (integer days), two strata, three groups, ~30 % censored, competing causes,
    covariates (one binary, one on a large offset), a categorical and some missing values."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "time": rng.integers(0, 60, n).astype(float),
        "event": (rng.random(n) < 0.7).astype(int),
        "status": rng.choice([0, 1, 2], n, p=[0.3, 0.45, 0.25]),
        "arm": rng.choice(["A", "B", "C"], n),
        "site": rng.choice(["north", "south"], n),
    })
    for j in range(p):
        frame[f"x{j + 1}"] = rng.normal(size=n) if j % 2 == 0 else rng.integers(0, 2, n).astype(float)
    frame["age"] = np.where(rng.random(n) < 0.05, np.nan, 1e9 + rng.normal(60, 10, n))  # a large mean: stability
    frame["ecog"] = np.where(rng.random(n) < 0.05, np.nan, rng.choice([0.0, 1.0, 2.0], n, p=[0.5, 0.45, 0.05]))
    frame["sex"] = rng.choice(["male", "female", None], n, p=[0.5, 0.48, 0.02])
    return frame


def load(backend, name: str, frame: pd.DataFrame):
    """``frame`` as a table ``name`` in the engine, returned as an Ibis table. DuckDB: through the DuckDB connection
    (ibis 12's ``create_table`` from a DataFrame fails with duckdb 2.0 on its second call: a DROP VIEW it emits)."""
    if backend.name == "duckdb":
        backend.con.register("_oncocohort_frame", frame)
        backend.raw_sql(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _oncocohort_frame')
        backend.con.unregister("_oncocohort_frame")
    else:  # a temporary view made through Arrow, so NaN arrives as NULL (as in a real table), not as Spark's NaN
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        backend._session.createDataFrame(arrow).createOrReplaceTempView(name)
    return backend.table(name)
