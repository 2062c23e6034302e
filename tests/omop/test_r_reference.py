"""OS rows extracted from a synthetic CDM equal the committed CSV, and our Kaplan–Meier and log-rank on them equal
R survival (tests/reference/make_omop_reference.R → omop_reference.json), relative tolerance 1e-6."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.derive.time_to_event import DAYS_PER_MONTH
from oncocohort.omop.cdm import open_duckdb
from oncocohort.omop.pipeline import analyse_omop_inputs, analyse_omop_study
from oncocohort.stats.kaplan_meier import kaplan_meier, survival_quantile
from oncocohort.stats.logrank import logrank_test

from .conftest import EXAMPLE
from .synthetic_cdms import R_REFERENCE

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="module")
def cdm_path(synthetic_cdm):
    return synthetic_cdm(R_REFERENCE)


@pytest.fixture(scope="module")
def os_rows(cdm_path):
    datasets, _, _, _ = analyse_omop_inputs(cdm_path, cohort_file=EXAMPLE)
    rows = datasets.adtte[datasets.adtte["paramcd"] == "OS"].merge(datasets.adsl[["patient_id", "sex"]],
                                                                   on="patient_id")
    return rows.sort_values("patient_id", key=lambda s: s.astype(int)).reset_index(drop=True)


def test_extracted_rows_are_the_committed_ones(os_rows):
    committed = pd.read_csv(REFERENCE / "omop_os_rows.csv", dtype={"patient_id": str})
    pd.testing.assert_frame_equal(os_rows[["patient_id", "days", "event", "sex"]], committed, check_dtype=False)


def test_kaplan_meier_and_logrank_equal_r(os_rows):
    r = json.loads((REFERENCE / "omop_reference.json").read_text())
    fit = kaplan_meier(os_rows["days"].to_numpy(), os_rows["event"].to_numpy(), conf_type="log-log")
    assert r["n"] == len(os_rows) and r["events"] == int(os_rows["event"].sum())
    np.testing.assert_array_equal(fit.time, r["km"]["time"])
    np.testing.assert_array_equal(fit.n_risk, r["km"]["n_risk"])
    for ours, theirs in ((fit.surv, "surv"), (fit.std_err, "std_err"), (fit.lower, "lower"), (fit.upper, "upper")):
        np.testing.assert_allclose(ours, np.array(r["km"][theirs], dtype=float), rtol=1e-6)
    median = survival_quantile(fit, 0.5)
    np.testing.assert_allclose([median.estimate, median.lower], [r["median"], r["median_lower"]], rtol=1e-6)
    test = logrank_test(os_rows["days"].to_numpy(), os_rows["event"].to_numpy(), os_rows["sex"].to_numpy())
    assert list(test.groups) == r["logrank_sex"]["groups"]
    np.testing.assert_allclose(test.chisq, r["logrank_sex"]["chisq"], rtol=1e-6)
    np.testing.assert_allclose(test.expected, r["logrank_sex"]["expected"], rtol=1e-6)


def test_report_from_aggregates_equals_r(cdm_path):
    """The default ``omop report`` path (only aggregates leave DuckDB) against R on the same rows: OS in months =
    days / 30.4375, so R's times and median are divided by it; the survival and its SE do not depend on the unit."""
    r = json.loads((REFERENCE / "omop_reference.json").read_text())
    _, results = analyse_omop_study(cdm=open_duckdb(cdm_path), cohort_file=EXAMPLE)
    fit = results.endpoint("OS").fit
    assert (fit.n, fit.events) == (r["n"], r["events"])
    np.testing.assert_allclose(fit.time, np.array(r["km"]["time"], float) / DAYS_PER_MONTH, rtol=1e-12)
    np.testing.assert_array_equal(fit.n_risk, r["km"]["n_risk"])
    np.testing.assert_allclose(fit.surv, np.array(r["km"]["surv"], float), rtol=1e-6)
    np.testing.assert_allclose(fit.std_err, np.array(r["km"]["std_err"], float), rtol=1e-6)
    np.testing.assert_allclose(results.endpoint("OS").median.estimate, r["median"] / DAYS_PER_MONTH, rtol=1e-6)
    by_sex = next(g for g in results.subgroup_survival if g.endpoint == "OS" and g.field == "sex")
    # the report lists male first (stats/level_order.py); R's factor and the log-rank's expected counts: sorted
    assert sorted(level.level for level in by_sex.levels) == r["logrank_sex"]["groups"]
    np.testing.assert_allclose(by_sex.logrank.chisq, r["logrank_sex"]["chisq"], rtol=1e-6)
    np.testing.assert_allclose(by_sex.logrank.expected, r["logrank_sex"]["expected"], rtol=1e-6)
