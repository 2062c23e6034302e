"""RECIST against the pharmaverse: ADTR (sums, baseline, % change, nadir, PD flag) from SDTM TU/TR, and ADRS
BOR / confirmed BOR from our derived responses and from the recorded RS responses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.derive.best_response import best_overall_response
from oncocohort.derive.recist import visit_responses
from oncocohort.io.sdtm import lesions_from_sdtm, responses_from_sdtm, sdtm_date

PHARMAVERSE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "pharmaverse"
pytestmark = pytest.mark.skipif(not PHARMAVERSE.exists(), reason="../shared/reference-data not present")


@pytest.fixture(scope="module")
def data():
    read = lambda name: pd.read_csv(PHARMAVERSE / name)  # noqa: E731
    lesions = lesions_from_sdtm(read("sdtm/tu_onco_recist.csv"), read("sdtm/tr_onco_recist.csv"))
    adsl = read("adam/adsl.csv")
    starts = pd.to_datetime(adsl.set_index("USUBJID")["TRTSDT"])
    starts = starts.loc[sorted(lesions["patient_id"].unique())]
    return {"lesions": lesions, "starts": starts, "rs": read("sdtm/rs_onco_recist.csv"),
            "adtr": read("adam/adtr_onco.csv"), "adrs": read("adam/adrs_onco.csv")}


def test_adtr_sum_baseline_change_nadir_and_pd_flag_reproduce(data):
    visits = visit_responses(data["lesions"], data["starts"], baseline_window_days=60)
    sdiam = data["adtr"][data["adtr"]["PARAMCD"] == "SDIAM"].copy()
    sdiam["assessment_date"] = sdtm_date(sdiam["ADT"])
    merged = sdiam.merge(visits, left_on=["USUBJID", "assessment_date"], right_on=["patient_id", "assessment_date"],
                         how="left", validate="one_to_one")
    assert len(merged) == 25 and merged["patient_id"].notna().all()
    np.testing.assert_allclose(merged["sum_mm"], merged["AVAL"], rtol=1e-9)
    np.testing.assert_allclose(merged["baseline_sum"], merged["BASE"], rtol=1e-9)
    np.testing.assert_allclose(merged["pct_from_baseline"], merged["PCHG"], rtol=1e-9)
    np.testing.assert_allclose(merged["nadir_mm"], merged["NADIR"], rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(merged["pct_from_nadir"], merged["PCHGNAD"], rtol=1e-9, equal_nan=True)
    assert (merged["target_pd"] == merged["PDFL"].eq("Y")).all()
    # the visits ADTR leaves out of the nadir (ANL01FL blank) are exactly our incomplete ones
    assert (merged["complete"] == merged["ANL01FL"].eq("Y")).all()


@pytest.mark.parametrize("confirm, paramcd", [(False, "BOR"), (True, "CBOR")])
@pytest.mark.parametrize("source", ["derived from lesions", "recorded responses"])
def test_bor_and_confirmed_bor_reproduce_adrs(data, confirm, paramcd, source):
    if source == "derived from lesions":
        visits = visit_responses(data["lesions"], data["starts"], baseline_window_days=60)
    else:
        visits = responses_from_sdtm(data["rs"])
    result = best_overall_response(visits, data["starts"], sd_min_days=42, confirm=confirm, confirm_min_days=28,
                                   max_ne_between=1)
    expected = data["adrs"][(data["adrs"]["PARAMCD"] == paramcd) & data["adrs"]["USUBJID"].isin(data["starts"].index)]
    expected = expected.set_index("USUBJID").loc[result["patient_id"]]
    assert result["best_overall_response"].tolist() == expected["AVALC"].tolist()
    assert (result["best_overall_response_date"].dt.strftime("%Y-%m-%d").tolist()
            == expected["ADT"].astype(str).tolist())


def test_cr_with_residual_node_and_reappearance_after_zero_nadir(data):
    visits = visit_responses(data["lesions"], data["starts"], baseline_window_days=60).set_index(
        ["patient_id", "assessment_date"])
    cr = visits.loc[("01-701-1015", pd.Timestamp("2014-03-06"))]
    assert cr["target_response"] == "CR" and cr["sum_mm"] == 7.0  # a 7 mm residual node: CR with sum > 0
    back = visits.loc[("01-701-1133", pd.Timestamp("2012-12-30"))]
    assert back["target_response"] == "PD" and back["nadir_mm"] == 0.0 and back["sum_mm"] == 5.0
