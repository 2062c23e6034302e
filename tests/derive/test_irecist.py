"""iRECIST, hand-built: iUPD, confirmation (iCPD) by each route, reset, and iBOR."""

from __future__ import annotations

import pandas as pd

from oncocohort.derive.irecist import irecist_best_response, irecist_visit_responses
from tests.derive.test_recist_rules import START, day, lesion


def run(rows):
    lesions = pd.DataFrame(rows)
    lesions["diameter_mm"] = lesions["diameter_mm"].astype(float)
    starts = pd.Series(START, index=["P1"])
    visits = irecist_visit_responses(lesions, starts, 28)
    return visits.set_index("assessment_date")["irecist_response"], irecist_best_response(visits, starts)


def test_further_5_mm_confirms():
    responses, best = run([lesion(-7, "T1", 50), lesion(50, "T1", 60), lesion(100, "T1", 65)])
    assert responses[[day(50), day(100)]].tolist() == ["iUPD", "iCPD"]
    assert best["confirmed_progression_date"].item() == day(100)


def test_no_further_increase_stays_iupd_then_confirms_later():
    responses, _ = run([lesion(-7, "T1", 50), lesion(50, "T1", 60), lesion(100, "T1", 63), lesion(150, "T1", 66)])
    assert responses[[day(50), day(100), day(150)]].tolist() == ["iUPD", "iUPD", "iCPD"]


def test_shrinking_back_resets_and_later_pd_is_a_new_iupd():
    rows = [lesion(-7, "T1", 50), lesion(50, "T1", 60), lesion(100, "T1", 30), lesion(150, "T1", 50),
            lesion(200, "T1", 56)]
    responses, best = run(rows)
    assert responses[[day(50), day(100), day(150), day(200)]].tolist() == ["iUPD", "iPR", "iUPD", "iCPD"]
    assert best["best_irecist_response"].item() == "iPR"


def test_new_lesion_routes():
    base = [lesion(-7, "T1", 50)]
    new = dict(kind="new", site="liver")
    # iUPD by target growth, then a new lesion → iCPD
    responses, _ = run(base + [lesion(50, "T1", 60), lesion(100, "T1", 60), lesion(100, "N1", 12, **new)])
    assert responses[day(100)] == "iCPD"
    # iUPD by a new lesion, then another new lesion → iCPD
    responses, _ = run(base + [lesion(50, "T1", 50), lesion(50, "N1", 12, **new),
                               lesion(100, "T1", 50), lesion(100, "N1", 12, **new), lesion(100, "N2", 11, **new)])
    assert responses[[day(50), day(100)]].tolist() == ["iUPD", "iCPD"]
    # iUPD by a new lesion, the same lesion unchanged → still iUPD; grown by 5 mm → iCPD
    responses, _ = run(base + [lesion(50, "T1", 50), lesion(50, "N1", 12, **new),
                               lesion(100, "T1", 50), lesion(100, "N1", 14, **new),
                               lesion(150, "T1", 50), lesion(150, "N1", 17, **new)])
    assert responses[[day(50), day(100), day(150)]].tolist() == ["iUPD", "iUPD", "iCPD"]


def test_non_target_progression_after_target_iupd_confirms():
    nt = dict(kind="non_target", site="pleura")
    responses, _ = run([lesion(-7, "T1", 50), lesion(-7, "NT1", **nt),
                        lesion(50, "T1", 60), lesion(50, "NT1", **nt),
                        lesion(100, "T1", 60), lesion(100, "NT1", status="progression", **nt)])
    assert responses[day(100)] == "iCPD"
