"""The same engine code on Spark local mode equals the in-memory statistics within 1e-9 (one Spark session for the
test session, 2,000 rows; skipped when pyspark or Java is missing)."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.engine import cox, descriptive, event_counts
from oncocohort.stats.competing_risks import competing_risks_summary
from oncocohort.stats.cox import cox_model
from oncocohort.stats.descriptive import summarise_baseline
from oncocohort.stats.event_counts import count_events
from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.logrank import logrank_test
from tests.engine.equality import assert_same
from tests.engine.rows import load, survival_rows
from tests.engine.test_cox import assert_same_fit
from tests.engine.test_descriptive import VARIABLES

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_rows(spark_backend):
    rows = survival_rows(2000, 41)
    return rows, load(spark_backend, "spark_rows", rows)


def test_counts_km_logrank_and_competing_risks_on_spark(spark_rows):
    rows, table = spark_rows
    pd.testing.assert_frame_equal(event_counts.count_events(table, "time", "event", "arm", "site"),
                                  count_events(rows["time"], rows["event"], rows["arm"], rows["site"]))
    assert_same(event_counts.kaplan_meier(table, "time", "event"), kaplan_meier(rows["time"], rows["event"]))
    assert_same(event_counts.logrank_test(table, "time", "event", "arm", "site"),
                logrank_test(rows["time"], rows["event"], rows["arm"], rows["site"]))
    assert_same(event_counts.competing_risks_summary(table, "time", "status", "arm", "site"),
                competing_risks_summary(rows["time"], rows["status"], rows["arm"], rows["site"]))


def test_cox_efron_with_strata_on_spark(spark_rows):
    rows, table = spark_rows
    covariates = ["x1", "x2", "arm"]
    assert_same_fit(cox.cox_model(table, "time", "event", covariates, strata="site"),
                    cox_model(rows, "time", "event", covariates, strata="site"))


def test_table_one_on_spark(spark_rows):
    rows, table = spark_rows
    assert_same(descriptive.summarise_baseline(table, VARIABLES), summarise_baseline(rows, VARIABLES))
