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
    group, stratum : optional labels; absent means one group / one stratum ("all"). Labels are reported as text
        (``str`` of the value) and sorted as text.

    Returns
    -------
    DataFrame with columns stratum, group, time, n_event, n_censor.

    Method: labels and times become integer codes (hash factorisation, only the distinct values sorted), one
    integer key per (stratum, group, time) cell, and the counts are ``np.bincount`` sums over the keys — no
    per-row string conversion or multi-column group-by. The labels are mapped back for the cells only.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event)
    if time.shape != event.shape or time.ndim != 1:
        raise ValueError("time and event must be 1-D and of equal length")
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("times must be present and >= 0")
    if event.dtype != bool and not ((event == 0) | (event == 1)).all():
        raise ValueError("event must be 0/1 (or False/True)")
    n = len(time)
    stratum_codes, stratum_labels = _label_codes(stratum, n)
    group_codes, group_labels = _label_codes(group, n)
    time_codes, distinct_times = sorted_codes(time)
    n_groups, n_times = len(group_labels), len(distinct_times)
    key = (stratum_codes * n_groups + group_codes) * n_times + time_codes
    size = len(stratum_labels) * n_groups * n_times
    if size <= 4 * n + 1024:  # dense cell space: count straight into it
        cells = np.arange(size)
        at_risk_leaving = np.bincount(key, minlength=size)
        n_event = np.bincount(key, weights=event, minlength=size).astype(np.int64)
        used = at_risk_leaving > 0
        cells, n_total, n_event = cells[used], at_risk_leaving[used], n_event[used]
    else:
        cells, inverse, n_total = np.unique(key, return_inverse=True, return_counts=True)
        n_event = np.bincount(inverse, weights=event, minlength=len(cells)).astype(np.int64)
    time_of_cell = cells % n_times
    group_of_cell = (cells // n_times) % n_groups
    stratum_of_cell = cells // (n_times * n_groups)
    return pd.DataFrame({
        "stratum": stratum_labels[stratum_of_cell],
        "group": group_labels[group_of_cell],
        "time": distinct_times[time_of_cell],
        "n_event": n_event,
        "n_censor": n_total.astype(np.int64) - n_event,
    })


def sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` ranked by value, and the sorted distinct values (hashing, then sorting only the
    distinct values: faster than ``np.unique`` on many rows with few distinct values)."""
    codes, distinct = pd.factorize(values, sort=False, use_na_sentinel=False)  # NaN sorts last, as np.unique
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    return rank[codes], np.asarray(distinct)[order]


def _label_codes(labels, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``labels`` in the sort order of their text (``str(label)``) and those texts; ("all",) when
    ``labels`` is None. Only the distinct labels are turned into text."""
    if labels is None:
        return np.zeros(n, dtype=np.int64), np.array(["all"], dtype=object)
    series = pd.Series(labels) if not isinstance(labels, pd.Series) else labels.reset_index(drop=True)
    codes, distinct = pd.factorize(series, sort=False, use_na_sentinel=True)
    texts = pd.Series(distinct).astype(str).to_numpy(object)
    missing = codes < 0
    if missing.any():  # None / NaN / NaT / <NA> keep their own text, as str() gives it
        missing_texts = series[missing].astype(str).to_numpy(object)
        extra, extra_codes = np.unique(missing_texts, return_inverse=True)
        codes = codes.copy()
        codes[missing] = len(texts) + extra_codes
        texts = np.concatenate([texts, extra.astype(object)])
    # distinct labels may share a text (1 and "1"): merge them, then rank by text
    text_codes, sorted_texts = pd.factorize(texts, sort=True)
    return text_codes[codes].astype(np.int64), np.asarray(sorted_texts, dtype=object)


def with_risk_sets(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``n_risk`` (number still under observation just before each time) within each stratum and group."""
    out = counts.sort_values(["stratum", "group", "time"]).reset_index(drop=True)
    leaving = out["n_event"] + out["n_censor"]
    out["n_risk"] = leaving[::-1].groupby([out["stratum"][::-1], out["group"][::-1]]).cumsum()[::-1].astype(int)
    return out
