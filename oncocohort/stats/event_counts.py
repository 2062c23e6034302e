"""The aggregation step of every survival statistic: patient rows -> counts per distinct time.

Kaplan–Meier, Greenwood, log-rank (any weights, strata) need only, per stratum, group and distinct time, the
number of events and of censorings; the number at risk follows by a reverse cumulative sum. This module is the
one place that touches patient-level rows; replacing it (e.g. by a DuckDB or Spark GROUP BY) leaves every
formula downstream unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNT_COLUMNS = ("stratum", "group", "time", "n_event", "n_censor")


def count_events(time, event, group=None, stratum=None) -> pd.DataFrame:
    """Events and censorings per (stratum, group, distinct time), sorted by stratum, group, time.

    Parameters
    ----------
    time : follow-up times (any unit, >= 0).
    event : 1/True = event, 0/False = censored.
    group, stratum : optional labels; absent means one group / one stratum ("all").

    Returns
    -------
    DataFrame with columns stratum, group, time, n_event, n_censor.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event)
    if time.shape != event.shape or time.ndim != 1:
        raise ValueError("time and event must be 1-D and of equal length")
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("times must be present and >= 0")
    if not np.isin(event, (0, 1, True, False)).all():
        raise ValueError("event must be 0/1 (or False/True)")
    frame = pd.DataFrame({
        "stratum": "all" if stratum is None else pd.Series(stratum).astype(str).to_numpy(),
        "group": "all" if group is None else pd.Series(group).astype(str).to_numpy(),
        "time": time,
        "n_event": event.astype(int),
    })
    frame["n_censor"] = 1 - frame["n_event"]
    counts = frame.groupby(["stratum", "group", "time"], sort=True, as_index=False)[["n_event", "n_censor"]].sum()
    return counts.reset_index(drop=True)


def with_risk_sets(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``n_risk`` (number still under observation just before each time) within each stratum and group."""
    out = counts.sort_values(["stratum", "group", "time"]).reset_index(drop=True)
    leaving = out["n_event"] + out["n_censor"]
    out["n_risk"] = leaving[::-1].groupby([out["stratum"][::-1], out["group"][::-1]]).cumsum()[::-1].astype(int)
    return out
