"""Per-(stratum, group, time) event and censoring counts computed in the engine by one GROUP BY — the aggregation
step of Kaplan–Meier, log-rank and cumulative incidence — returned in exactly the shape of
:mod:`oncocohort.stats.event_counts` so the formulas of ``stats`` run on them unchanged.

What leaves the engine: one row per (stratum, group, distinct time) with integer counts (and, for competing risks,
one row per status code at that time). No patient row, no identifier.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from ..stats import competing_risks as in_memory_competing
from ..stats.event_counts import COUNT_COLUMNS
from ..stats.kaplan_meier import KaplanMeier, kaplan_meier_from_counts
from ..stats.logrank import LogRankTest, logrank_from_counts
from .input_rules import check_rows, event_rule, label_rules

COMPETING_COUNT_COLUMNS = ("stratum", "group", "time", "status", "n")


def _labelled(table, group, stratum):
    """The table with ``stratum`` and ``group`` label columns ("all" where not given); labels keep the engine's
    type here and become text in Python, exactly as the in-memory path writes them (``astype(str)``)."""
    return table.mutate(
        _stratum=table[stratum] if stratum is not None else ibis.literal("all"),
        _group=table[group] if group is not None else ibis.literal("all"),
    )


def _text_labels(values: pd.Series) -> np.ndarray:
    return pd.Series(values.to_numpy(object)).astype(str).to_numpy()


def _time_rules(table, time):
    return [(time, "times must be present and >= 0", table[time].isnull() | (table[time] < 0))]


def count_events(table, time: str, event: str, group: str | None = None, stratum: str | None = None
                 ) -> pd.DataFrame:
    """Events and censorings per (stratum, group, distinct time) of an Ibis table, sorted by stratum, group, time.

    Parameters
    ----------
    table : Ibis table expression (any backend: DuckDB, Spark, ...).
    time : column of follow-up times (any unit, >= 0).
    event : column, 1/True = event, 0/False = censored.
    group, stratum : optional label columns; absent means one group / one stratum ("all").

    Returns
    -------
    DataFrame with columns stratum, group, time, n_event, n_censor — as ``stats.event_counts.count_events``.
    Raises :class:`~oncocohort.engine.input_rules.EngineInputError` naming every broken rule with its row count.
    """
    check_rows(table, _time_rules(table, time) + [event_rule(table, event)] + label_rules(table, (group, stratum)))
    labelled = _labelled(table, group, stratum)
    status = labelled[event].cast("int64")
    counts = (labelled.group_by(stratum=labelled["_stratum"], group=labelled["_group"],
                                time=labelled[time].cast("float64"))
              .aggregate(n_event=status.sum(), n_censor=(1 - status).sum())
              .execute())
    return _in_memory_shape(counts, ["n_event", "n_censor"])[list(COUNT_COLUMNS)]


def count_competing_events(table, time: str, status: str, group: str | None = None, stratum: str | None = None
                           ) -> pd.DataFrame:
    """Rows per (stratum, group, distinct time, status code) of an Ibis table (status 0 = censored, otherwise the
    cause), sorted — the counts :func:`oncocohort.stats.competing_risks.competing_risks_from_counts` takes."""
    check_rows(table, _time_rules(table, time)
               + [(status, "status must be present (0 = censored, a cause code otherwise)", table[status].isnull())]
               + label_rules(table, (group, stratum)))
    labelled = _labelled(table, group, stratum)
    counts = (labelled.group_by(stratum=labelled["_stratum"], group=labelled["_group"],
                                time=labelled[time].cast("float64"), status=labelled[status])
              .aggregate(n=labelled.count())
              .execute())
    counts["status"] = in_memory_competing._event_string(counts["status"].to_numpy())
    return _in_memory_shape(counts, ["n"], extra_keys=["status"])[list(COMPETING_COUNT_COLUMNS)]


def _in_memory_shape(counts: pd.DataFrame, count_columns, extra_keys=()) -> pd.DataFrame:
    """Text labels, float times, int64 counts, sorted by the keys, index 0..n−1 (the in-memory frame's shape)."""
    counts["stratum"] = _text_labels(counts["stratum"])
    counts["group"] = _text_labels(counts["group"])
    counts["time"] = counts["time"].astype(float)
    for column in count_columns:
        counts[column] = counts[column].fillna(0).astype(np.int64)
    keys = ["stratum", "group", "time", *extra_keys]
    # sorted as in memory; labels that print alike (1 and 1.0 in an untyped column) merge, as ``astype(str)`` does
    counts = counts.groupby(keys, sort=True, as_index=False)[list(count_columns)].sum()
    return counts.reset_index(drop=True)


def kaplan_meier(table, time: str, event: str, conf_type: str = "log", conf_level: float = 0.95) -> KaplanMeier:
    """Kaplan–Meier curve of all rows of ``table`` (one group): counts in the engine, the product-limit estimate,
    Greenwood SE and CIs in :func:`oncocohort.stats.kaplan_meier.kaplan_meier_from_counts`."""
    return kaplan_meier_from_counts(count_events(table, time, event), conf_type, conf_level)


def logrank_test(table, time: str, event: str, group: str, stratum: str | None = None, rho: float = 0.0
                 ) -> LogRankTest:
    """Log-rank / Fleming–Harrington test between ``group``s (optionally stratified): counts in the engine, the
    test in :func:`oncocohort.stats.logrank.logrank_from_counts` (R ``survdiff``)."""
    return logrank_from_counts(count_events(table, time, event, group, stratum), rho)


def competing_risks_summary(table, time: str, status: str, group: str | None = None, stratum: str | None = None,
                            rho: float = 0.0, conf_level: float = 0.95, causes=None):
    """Aalen–Johansen cumulative incidence per cause and group, and Gray's test (R ``cmprsk::cuminc``): counts in
    the engine, the estimates in :func:`oncocohort.stats.competing_risks.competing_risks_from_counts`."""
    counts = count_competing_events(table, time, status, group, stratum)
    return in_memory_competing.competing_risks_from_counts(counts, rho, conf_level, causes,
                                                           stratified=stratum is not None)
