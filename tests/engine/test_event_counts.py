"""Per-(stratum, group, time) counts in DuckDB equal the in-memory aggregation, and KM, log-rank, cumulative
incidence and Gray's test computed on them equal the in-memory statistics within 1e-9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocohort.engine import event_counts as engine
from oncocohort.engine.input_rules import EngineInputError
from oncocohort.stats.competing_risks import competing_risks_summary, gray_test
from oncocohort.stats.event_counts import count_events
from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.logrank import logrank_test
from tests.engine.equality import assert_same
from tests.engine.rows import load, survival_rows


@pytest.fixture(params=[11, 12, 13])
def rows(request):
    return survival_rows(1500, request.param)


def test_counts_equal_in_memory_frame(duckdb_backend, rows):
    table = load(duckdb_backend, "rows", rows)
    for group, stratum in ((None, None), ("arm", None), ("arm", "site")):
        got = engine.count_events(table, "time", "event", group, stratum)
        want = count_events(rows["time"], rows["event"], None if group is None else rows[group],
                                         None if stratum is None else rows[stratum])
        pd.testing.assert_frame_equal(got, want)  # same columns, dtypes, order: exactly


def test_kaplan_meier_and_logrank_equal_in_memory(duckdb_backend, rows):
    table = load(duckdb_backend, "rows", rows)
    assert_same(engine.kaplan_meier(table, "time", "event"), kaplan_meier(rows["time"], rows["event"]))
    for rho in (0.0, 1.0):
        assert_same(engine.logrank_test(table, "time", "event", "arm", "site", rho),
                    logrank_test(rows["time"], rows["event"], rows["arm"], rows["site"], rho))
    assert_same(engine.logrank_test(table, "time", "event", "arm"),
                logrank_test(rows["time"], rows["event"], rows["arm"]))


def test_cumulative_incidence_and_gray_equal_in_memory(duckdb_backend, rows):
    table = load(duckdb_backend, "rows", rows)
    got = engine.competing_risks_summary(table, "time", "status", "arm", "site")
    want = competing_risks_summary(rows["time"], rows["status"], rows["arm"], rows["site"])
    assert_same(got, want)
    assert len(got.tests) == 2 and all(np.isfinite(t.statistic) for t in got.tests)
    assert_same(engine.competing_risks_summary(table, "time", "status"),
                competing_risks_summary(rows["time"], rows["status"]))


def test_competing_counts_path_equals_the_row_by_row_gray_port():
    """The counts entry point of stats/competing_risks gives the numbers of the original row-wise port (values
    of cmprsk::cuminc on this data are in tests/stats; here: one cause, unstratified, rows vs counts)."""
    rows = survival_rows(400, 5)
    direct = gray_test(rows["time"], rows["status"], rows["arm"], 1)
    via_counts = competing_risks_summary(rows["time"], rows["status"], rows["arm"]).tests[0]
    assert_same(direct, via_counts)


def test_integer_days_and_boolean_events_are_counted_like_floats(duckdb_backend):
    rows = pd.DataFrame({"time": [3, 3, 5, 8, 8, 8], "event": [True, False, True, True, True, False],
                         "arm": [1, 2, 1, 2, 2, 1]})
    table = load(duckdb_backend, "small", rows)
    got = engine.count_events(table, "time", "event", "arm")
    pd.testing.assert_frame_equal(got, count_events(rows["time"], rows["event"], rows["arm"]))
    assert got["group"].tolist() == ["1", "1", "1", "2", "2"]
    assert got["time"].tolist() == [3.0, 5.0, 8.0, 3.0, 8.0]
    assert got["n_event"].tolist() == [1, 1, 0, 0, 2] and got["n_censor"].tolist() == [0, 0, 1, 1, 0]


def test_bad_rows_are_reported_together_with_counts(duckdb_backend):
    rows = pd.DataFrame({"time": [1.0, -2.0, None, 4.0, 5.0], "event": [1, 2, 0, None, 0.5],
                         "arm": ["a", None, "b", "b", "b"]})
    table = load(duckdb_backend, "bad", rows)
    with pytest.raises(EngineInputError) as raised:
        engine.count_events(table, "time", "event", "arm")
    message = str(raised.value)
    assert "column 'time': 2 rows break the rule: times must be present and >= 0" in message
    assert "column 'event': 3 rows break the rule: event must be 0/1" in message  # 2, missing, 0.5
    assert "column 'arm': 1 row breaks the rule: a group or stratum label must be present" in message
