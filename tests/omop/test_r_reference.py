"""OS rows extracted from a synthetic CDM equal the committed CSV, and our Kaplan–Meier and log-rank on them equal
R survival (tests/reference/make_omop_reference.R → omop_reference.json), relative tolerance 1e-6."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.omop.pipeline import analyse_omop_inputs
from oncocohort.omop.synth import synthesize
from oncocohort.stats.kaplan_meier import kaplan_meier, survival_quantile
from oncocohort.stats.logrank import logrank_test

from .conftest import EXAMPLE

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="module")
def os_rows(tmp_path_factory):
    path = tmp_path_factory.mktemp("cdm") / "s.duckdb"
    synthesize(5000, path, seed=1)
    datasets, _, _, _ = analyse_omop_inputs(path, cohort_file=EXAMPLE)
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
