"""Fine–Gray as R survival::finegray + weighted coxph (tests/reference/make_finegray_reference.R on mgus2), the
expanded data set itself, and a tiny case derived by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.competing_risks import fine_gray
from oncocohort.stats.finegray import censoring_survival, finegray_cox, finegray_rows
from oncocohort.stats.weighted_cox import weighted_cox_regression

from .reference import close

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "finegray_reference.json").read_text())
MGUS2 = pd.read_csv(REF / "mgus2_competing.csv")
TINY = pd.DataFrame(R["tiny"]["data"])
CASES = [("mgus2_pcm", 1), ("mgus2_death", 2)]


@pytest.mark.parametrize("key, cause", CASES)
def test_finegray_rows_equal_r(key, cause):
    ref = R[key]
    rows = finegray_rows(MGUS2.etime, MGUS2.event, cause)
    assert len(rows) == ref["rows"] and rows["fgstatus"].sum() == ref["events"]
    close(rows["fgwt"].sum(), ref["sum_fgwt"])
    close((rows["fgwt"] * rows["fgstart"]).sum(), ref["sum_fgwt_fgstart"])
    close((rows["fgwt"] * rows["fgstop"]).sum(), ref["sum_fgwt_fgstop"])
    head = rows.iloc[:len(ref["head"]["id"])]
    assert list(MGUS2.id[head["row"]]) == ref["head"]["id"]
    for column in ("fgstart", "fgstop", "fgstatus", "fgwt"):
        close(head[column], ref["head"][column])


@pytest.mark.parametrize("key, cause", CASES)
def test_finegray_cox_equals_r_weighted_coxph(key, cause):
    ref = R[key]
    fit = finegray_cox(MGUS2.etime, MGUS2.event, MGUS2[["age", "male"]], ["age", "male"], cause)
    close([t.coef for t in fit.terms], ref["coef"])
    close([t.se for t in fit.terms], ref["robust_se"])        # + cluster(id)
    close(fit.naive_se, ref["naive_se"])                        # inverse information
    close([fit.loglik_null, fit.loglik], ref["loglik"])
    close(fit.robust_wald_test, ref["robust_wald"])
    close(fit.robust_score_test, ref["robust_score"])
    rows = finegray_rows(MGUS2.etime, MGUS2.event, cause)
    per_row = weighted_cox_regression(rows["fgstop"], rows["fgstatus"], MGUS2[["age", "male"]].to_numpy()[rows["row"]],
                                      rows["fgwt"], start=rows["fgstart"])  # no cluster: each row its own
    close([t.se for t in per_row.terms], ref["row_robust_se"])
    breslow = finegray_cox(MGUS2.etime, MGUS2.event, MGUS2[["age", "male"]], cause=cause, ties="breslow")
    close([t.coef for t in breslow.terms], ref["breslow_coef"])


def test_the_two_fine_gray_routes_estimate_the_same_model():
    # crr (Breslow ties, G(t−) weights) and finegray + coxph differ by convention only: about 0.2 %
    crr = fine_gray(MGUS2.etime, MGUS2.event, MGUS2[["age", "male"]], ["age", "male"], cause=1)
    np.testing.assert_allclose([t.coef for t in crr.terms], R["mgus2_pcm"]["coef"], rtol=5e-3)


def test_tiny_case_by_hand():
    # sorted: 1 pcm, 2 death, 2 pcm, 3 censored, 4 pcm, 4 death, 5 censored, 6 pcm.
    # Censoring KM (events first at tied times): at 3, 5 at risk → G = 4/5; at 5, 2 at risk → G = 2/5.
    times, g = censoring_survival(TINY.etime, TINY.event)
    np.testing.assert_allclose(times, [3, 5])
    np.testing.assert_allclose(g, [0.8, 0.4])
    # the death at 2 stays at risk: (0, 3] weight 1, (3, 5] G(3)/G(2) = 0.8, (5, 6] 0.4; the death at 4:
    # (0, 5] weight 1 (to the end of its censoring interval), then (5, 6] with 0.4/0.8 = 0.5
    rows = finegray_rows(TINY.etime, TINY.event, 1)
    head = R["tiny"]["head"]
    assert list(TINY.id[rows["row"]]) == head["id"]
    for column in ("fgstart", "fgstop", "fgstatus", "fgwt"):
        np.testing.assert_allclose(rows[column], head[column])
    # at β = 0 the partial likelihood is Π 1/(weighted number at risk) over the events 1, 2, 4, 6 (no ties):
    # at risk 8, 7, 4.8 (the death at 2 with weight 0.8) and 1.9 (weights 0.4, 0.5, 1)
    fit = finegray_cox(TINY.etime, TINY.event, TINY[["g"]], ["g"], 1)
    assert fit.loglik_null == pytest.approx(-np.log(8 * 7 * 4.8 * 1.9), rel=1e-12)
    close([fit.loglik_null, fit.loglik], R["tiny"]["loglik"])
    close(fit.terms[0].coef, R["tiny"]["coef"])
    close(fit.terms[0].se, R["tiny"]["robust_se"])
    close(fit.naive_se, R["tiny"]["naive_se"])
