"""Running an aggregate query so that floating-point sums are the same bits on every run.

A floating-point sum depends on the order of its terms. DuckDB aggregates on several threads and combines their
partial sums in whatever order the threads finish, so the last bits of a SUM of doubles change from run to run
(measured: Cox β and Table 1 SDs differing at ~1e-16 relative between four runs with 2 threads; DuckDB's
compensated ``fsum`` varies too). Counts are integer sums and exact in any order, so only queries with float sums
(Cox, Table 1 moments) go through :func:`execute_exactly_repeatable`: on DuckDB it runs them on one thread (scan
order is then fixed) and restores the connection's thread setting afterwards. On Spark the order of the final merge
follows the partitions; local mode with one core (or one partition) is repeatable, a cluster is repeatable only to
~1e-15 relative (docs/engine.md).
"""

from __future__ import annotations

import pandas as pd


def execute_exactly_repeatable(expression) -> pd.DataFrame:
    """Execute an Ibis expression; on DuckDB on a single thread (module docstring)."""
    backend = expression._find_backend()
    if backend.name != "duckdb":
        return expression.execute()
    threads = backend.raw_sql("SELECT current_setting('threads')").fetchone()[0]
    backend.raw_sql("SET threads = 1")
    try:
        return expression.execute()
    finally:
        backend.raw_sql(f"SET threads = {int(threads)}")
