"""The test of proportional hazards of the OMOP report computed from aggregates only (engine/cox.py: per-time cells
at β̂) equals R ``survival::cox.zph(transform = "km")`` on the rows of a small hand-built CDM
(tests/omop/cox_cdm.py → tests/reference/omop_zph_rows.csv → make_omop_zph_reference.R → omop_zph_reference.json),
relative tolerance 1e-6, and the in-memory test of the extracted rows within 1e-9; so does Harrell's C of these
models, every covariate being categorical (counts per covariate pattern)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.omop.cdm import open_duckdb
from oncocohort.omop.pipeline import analyse_omop_study

from .cdm_builder import write_duckdb
from .conftest import EXAMPLE
from .cox_cdm import cox_cdm_frames

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
ROWS = REFERENCE / "omop_zph_rows.csv"


def r_reference() -> dict:
    return json.loads((REFERENCE / "omop_zph_reference.json").read_text())


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory):
    path = tmp_path_factory.mktemp("cox_cdm") / "cdm.duckdb"
    write_duckdb(path, cox_cdm_frames())
    datasets, extracted = analyse_omop_study(cdm=open_duckdb(path), cohort_file=EXAMPLE, extract_rows=True)
    _, aggregate = analyse_omop_study(cdm=open_duckdb(path), cohort_file=EXAMPLE)
    return datasets, extracted, aggregate


def os_rows(datasets) -> pd.DataFrame:
    rows = datasets.adtte[datasets.adtte["paramcd"] == "OS"].merge(datasets.adsl[["patient_id", "sex", "ecog"]],
                                                                   on="patient_id")
    return rows.sort_values("patient_id", key=lambda s: s.astype(int))[["patient_id", "days", "event", "sex",
                                                                         "ecog"]].reset_index(drop=True)


def models(results) -> dict:
    cox = next(c for c in results.cox if c.endpoint == "OS")
    return {**dict(cox.univariable), "multivariable": cox.multivariable}


def test_extracted_rows_are_the_committed_ones(both_paths):
    datasets, _, _ = both_paths
    committed = pd.read_csv(ROWS, dtype={"patient_id": str})
    pd.testing.assert_frame_equal(os_rows(datasets), committed, check_dtype=False)


@pytest.mark.parametrize("name", ["sex", "ecog", "multivariable"])
def test_ph_tests_from_aggregates_equal_r_cox_zph(both_paths, name):
    _, _, aggregate = both_paths
    r = r_reference()
    model = models(aggregate)[name]
    assert (model.n, model.events) == (r["n"], r["events"])
    ref = r[name]
    np.testing.assert_allclose([t.coef for t in model.terms], ref["coef"], rtol=1e-6)
    np.testing.assert_allclose([model.loglik_null, model.loglik], ref["loglik"], rtol=1e-6)
    # every covariate categorical: Harrell's C from counts per (time, event, pattern) (engine/cox.py)
    np.testing.assert_allclose(model.concordance, ref["concordance"], rtol=1e-6)
    # R names the terms sex / ecog / GLOBAL, as the report does
    assert [z.term for z in model.ph_tests] == ref["zph_terms"]
    assert [z.df for z in model.ph_tests] == ref["zph_df"]
    np.testing.assert_allclose([z.chisq for z in model.ph_tests], ref["zph_chisq"], rtol=1e-6)
    np.testing.assert_allclose([z.p_value for z in model.ph_tests], ref["zph_p"], rtol=1e-6)


def test_ph_tests_and_concordance_from_aggregates_equal_the_extracted_rows(both_paths):
    _, extracted, aggregate = both_paths
    for name, model in models(aggregate).items():
        want = models(extracted)[name].ph_tests
        assert [(z.term, z.df) for z in model.ph_tests] == [(z.term, z.df) for z in want], name
        np.testing.assert_allclose(model.concordance, models(extracted)[name].concordance, rtol=1e-12)
        np.testing.assert_allclose([(z.chisq, z.p_value) for z in model.ph_tests],
                                   [(z.chisq, z.p_value) for z in want], rtol=1e-9, atol=0, err_msg=name)
