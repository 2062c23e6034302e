"""Competing risks (cumulative incidence, Gray's test, Fine–Gray, cause-specific Cox) against R cmprsk and
survival on survival::mgus2 (tests/reference/make_competing_risks_reference.R), and by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.competing_risks import (
    cause_specific_cox,
    competing_risks_summary,
    cumulative_incidence_curve,
    fine_gray,
    gray_test,
    log_log_interval,
)
from oncocohort.stats.kaplan_meier import kaplan_meier
from tests.stats.reference import close

HERE = Path(__file__).resolve().parents[1] / "reference"
REFERENCE = json.loads((HERE / "competing_risks_reference.json").read_text())
MGUS2 = pd.read_csv(HERE / "mgus2_competing.csv")
COVARIATES = MGUS2[["age", "male"]].to_numpy(float)


def _r_jumps(curve):
    """cuminc's curve lists each corner twice: the values after each jump are at positions 2, 4, …, 2m."""
    m = (len(curve["time"]) - 2) // 2
    return [curve[k][2:2 * m + 1:2] for k in ("time", "est", "var")]


@pytest.fixture(scope="module")
def by_sex():
    return competing_risks_summary(MGUS2.etime, MGUS2.event, MGUS2.male)


def test_cuminc_timepoints_equal_r(by_sex):
    ref = REFERENCE["cuminc_by_sex"]
    for i, name in enumerate(ref["curve_names"]):  # "group cause"
        group, cause = name.split()
        values = by_sex.curve(cause, group).at(ref["times"])
        close(values.estimate, ref["est"][i])
        close(values.variance, ref["var"][i])


def test_cuminc_whole_curves_equal_r(by_sex):
    for name, curve in REFERENCE["cuminc_by_sex"]["curves"].items():
        group, cause = name.split()
        time, est, var = _r_jumps(curve)
        fit = by_sex.curve(cause, group)
        close(fit.time, time)
        close(fit.estimate, est)
        close(fit.variance, var)


def test_gray_test_equals_r(by_sex):
    ref = REFERENCE["cuminc_by_sex"]["tests"]
    assert [t.cause for t in by_sex.tests] == ref["cause"]
    close([t.statistic for t in by_sex.tests], ref["stat"])
    close([t.p_value for t in by_sex.tests], ref["pv"])
    assert [t.df for t in by_sex.tests] == ref["df"]


def test_gray_test_stratified_with_rho_equals_r():
    ref = REFERENCE["gray_rho1_strata"]
    tests = [gray_test(MGUS2.etime, MGUS2.event, MGUS2.male, cause, strata=(MGUS2.age >= 70).astype(int), rho=1)
             for cause in ref["cause"]]
    close([t.statistic for t in tests], ref["stat"])
    close([t.p_value for t in tests], ref["pv"])
    assert all(t.stratified and t.rho == 1 for t in tests)


@pytest.mark.parametrize("key, cause", [("crr_pcm", 1), ("crr_death", 2)])
def test_fine_gray_equals_crr(key, cause):
    ref = REFERENCE[key]
    model = fine_gray(MGUS2.etime, MGUS2.event, COVARIATES, ["age", "male"], cause=cause)
    close([t.coef for t in model.terms], ref["coef"])
    close([t.se for t in model.terms], ref["se"])
    close(model.covariance.ravel(), np.ravel(ref["var"]))
    close(model.loglik, ref["loglik"])
    assert model.events + model.competing_events + model.censored == len(MGUS2)


def test_fine_gray_close_to_finegray_coxph():
    # survival::finegray + weighted coxph fits the same model with another tie/weight convention (Efron ties,
    # censoring weights on intervals): the coefficients agree to about 0.2 %, not to 1e-6 — which is why crr is
    # the reference for the estimates and SEs.
    model = fine_gray(MGUS2.etime, MGUS2.event, COVARIATES, ["age", "male"], cause=1)
    np.testing.assert_allclose([t.coef for t in model.terms], REFERENCE["finegray_coxph_pcm"]["coef"], rtol=5e-3)


@pytest.mark.parametrize("key, cause", [("cause_specific_pcm", 1), ("cause_specific_death", 2)])
def test_cause_specific_cox_equals_coxph(key, cause):
    fit = cause_specific_cox(MGUS2.etime, MGUS2.event, cause, COVARIATES, ["age", "male"])
    close([t.coef for t in fit.model.terms], REFERENCE[key]["coef"])
    close([t.se for t in fit.model.terms], REFERENCE[key]["se"])
    assert "other causes censored" in fit.method


def test_tiny_case_by_hand_and_r():
    # sorted: 1 pcm, 2 death, 2 pcm, 3 censored, 4 pcm, 4 death, 5 censored, 6 pcm
    # F1: 1/8; + S(2−)·1/7 = 7/8·1/7 → 1/4; at 4 four at risk, S(4−) = 7/8·5/7 = 5/8: + 5/8·1/4 → 13/32;
    # at 6 one at risk, S(6−) = 5/8·2/4 = 5/16: + 5/16 → 23/32.   F2: 1/8 at 2, + 5/32 at 4 → 9/32.
    tiny = REFERENCE["tiny"]
    fit = competing_risks_summary(tiny["time"], tiny["status"])
    assert fit.curve(1).estimate == (1 / 8, 1 / 4, 13 / 32, 23 / 32)
    assert fit.curve(2).estimate == (1 / 8, 9 / 32)
    for name, curve in tiny["curves"].items():
        time, est, var = _r_jumps(curve)
        one = fit.curve(name.split()[1])
        close(one.time, time)
        close(one.estimate, est)
        close(one.variance, var)
    groups = REFERENCE["tiny_groups"]
    close([gray_test(tiny["time"], tiny["status"], groups["group"], c).statistic for c in (1, 2)], groups["stat"])


def test_incidences_and_event_free_survival_add_to_one(by_sex):
    # Aalen–Johansen: F1(t) + F2(t) + S_KM(t) = 1 at every time (all-cause KM)
    men = MGUS2[MGUS2.male == 1]
    km = kaplan_meier(men.etime.to_numpy(float), (men.event > 0).to_numpy(int))
    times = np.linspace(0, men.etime.max(), 37)
    total = by_sex.curve(1, 1).at(times).estimate + by_sex.curve(2, 1).at(times).estimate
    surv = np.r_[1.0, km.surv][np.searchsorted(km.time, times, side="right")]
    np.testing.assert_allclose(total + surv, 1, atol=1e-12)


def test_log_log_interval_by_hand():
    est, var = 0.25, 0.0025  # se 0.05: scale = 1.959964·0.05/(0.25·log 0.25)
    scale = 1.959963984540054 * 0.05 / (0.25 * np.log(0.25))
    lower, upper = log_log_interval([est, 0.0], [var, 0.0])
    close(lower[0], 0.25 ** np.exp(-scale))
    close(upper[0], 0.25 ** np.exp(scale))
    assert lower[0] < est < upper[0] and 0 < lower[0] and upper[0] < 1
    assert np.isnan(lower[1]) and np.isnan(upper[1])


def test_timepoints_beyond_follow_up_are_missing_and_before_first_event_zero():
    curve = cumulative_incidence_curve([1, 2, 3], [0, 1, 2], cause=1)
    values = curve.at([0.5, 2, 3, 4])
    assert values.estimate.tolist()[:3] == [0.0, 1 / 2, 1 / 2] and np.isnan(values.estimate.iloc[3])


def test_tidy_frames(by_sex):
    frame = by_sex.to_frame([12, 60])
    assert list(frame.columns) == ["group", "cause", "time", "estimate", "variance", "lower", "upper", "method"]
    assert len(frame) == 2 * 2 * 2
    fg = fine_gray(MGUS2.etime, MGUS2.event, COVARIATES, ["age", "male"]).to_frame()
    assert fg.term.tolist() == ["age", "male"] and fg.method.str.contains("crr").all()
    assert (fg.conf_low < fg.hazard_ratio).all() and (fg.hazard_ratio < fg.conf_high).all()


def test_gray_test_with_singular_variance_is_nan_with_a_note():
    # one patient per group. R: cuminc(c(1,2,3), c(1,2,1), c("a","b","c"))$Tests gives stat 2 (p 0.3678794) for
    # cause 1 and stat = -1 (its mark of a singular variance) for cause 2
    first = gray_test([1, 2, 3], [1, 2, 1], ["a", "b", "c"], 1)
    close([first.statistic, first.p_value], [2.0, 0.3678794], rtol=1e-6)
    test = gray_test([1, 2, 3], [1, 2, 1], ["a", "b", "c"], 2)
    assert np.isnan(test.statistic) and np.isnan(test.p_value) and "singular" in test.note
