"""Recorded versus re-derived RECIST: on pharmaverse's large mock set every disagreement has a named reason;
hand-built cases for each reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oncocohort.derive.recist import visit_responses
from oncocohort.derive.recist_audit import compare_recorded
from oncocohort.io.sdtm import lesions_from_sdtm, sdtm_date
from tests.derive.test_recist_rules import START, day, lesion

PHARMAVERSE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "pharmaverse"


@pytest.mark.skipif(not PHARMAVERSE.exists(), reason="../shared/reference-data not present")
def test_large_pharmaverse_set_every_disagreement_is_explained():
    tr = pd.read_csv(PHARMAVERSE / "sdtm/tr_onco.csv")
    lesions = lesions_from_sdtm(pd.read_csv(PHARMAVERSE / "sdtm/tu_onco.csv"), tr)
    rs = pd.read_csv(PHARMAVERSE / "sdtm/rs_onco.csv")
    adsl = pd.read_csv(PHARMAVERSE / "adam/adsl.csv")
    starts = pd.to_datetime(adsl.set_index("USUBJID")["TRTSDT"]).dropna()
    visits = visit_responses(lesions, starts[starts.index.isin(lesions["patient_id"])], 60)
    target = rs[(rs["RSEVAL"] == "INVESTIGATOR") & (rs["RSTESTCD"] == "TRGRESP")]
    recorded = pd.DataFrame({"patient_id": target["USUBJID"], "assessment_date": sdtm_date(target["RSDTC"]),
                             "recorded_target_response": target["RSSTRESC"]})
    sums = tr[(tr["TREVAL"] == "INVESTIGATOR") & (tr["TRTESTCD"] == "SUMDIAM")]
    recorded = recorded.merge(pd.DataFrame({"patient_id": sums["USUBJID"], "assessment_date": sdtm_date(sums["TRDTC"]),
                                            "recorded_sum_mm": sums["TRSTRESN"]}), how="left")
    report = compare_recorded(visits, recorded)
    assert len(report) == 633 and report["derived"].notna().all()
    assert report.loc[~report["agree"], "explanation"].value_counts().to_dict() == {
        "nadir": 55, "missing_target": 20, "recorded_sum_differs": 4}


def _report(rows, recorded, recorded_sum=None):
    lesions = pd.DataFrame(rows)
    lesions["diameter_mm"] = lesions["diameter_mm"].astype(float)
    visits = visit_responses(lesions, pd.Series(START, index=["P1"]), 28)
    table = pd.DataFrame({"patient_id": "P1", "assessment_date": [day(d) for d, _ in recorded],
                          "recorded_target_response": [r for _, r in recorded]})
    if recorded_sum is not None:
        table["recorded_sum_mm"] = recorded_sum
    return compare_recorded(visits, table).set_index("assessment_date")


def test_each_explanation_by_hand():
    # nadir: 40 → 20 → 26: +30 % and +6 mm over the nadir, −35 % from baseline; a baseline-only reader says PR
    report = _report([lesion(-7, "T1", 40), lesion(50, "T1", 20), lesion(100, "T1", 26)], [(100, "PR")])
    assert report.loc[day(100), "explanation"] == "nadir"
    # five_mm: 20 → 24 is +20 % but only +4 mm
    report = _report([lesion(-7, "T1", 20), lesion(50, "T1", 24)], [(50, "PD")])
    assert report.loc[day(50), "explanation"] == "five_mm"
    # missing_target: one of two targets not measured
    report = _report([lesion(-7, "T1", 20), lesion(-7, "T2", 20), lesion(50, "T1", 20)], [(50, "SD")])
    assert report.loc[day(50), "explanation"] == "missing_target"
    # recorded_sum_differs: the recorder summed 21 (rounded) where the lesion says 20.6
    report = _report([lesion(-7, "T1", 30), lesion(50, "T1", 20.6)], [(50, "SD")], recorded_sum=[21.0])
    assert report.loc[day(50), "explanation"] == "recorded_sum_differs"
