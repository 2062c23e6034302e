"""Weighted Kaplan–Meier, weighted Cox with robust SE and the weighted log-rank test against R survival
(survfit / coxph with weights = IPTW, robust = TRUE) on rotterdam, plus hand-derivable cases."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.stats.cox import cox_regression, design_matrix
from oncocohort.stats.weighted_cox import weighted_cox_regression, weighted_logrank_test
from oncocohort.stats.weighted_kaplan_meier import weighted_kaplan_meier
from tests.stats.confounding_data import confounding_reference, r_weights, rotterdam
from tests.stats.reference import close

COX_CASES = {"ate_efron": (["hormon"], "ate", "efron"), "ate_breslow": (["hormon"], "ate", "breslow"),
             "att_efron_adjusted": (["hormon", "age", "size"], "att", "efron"),
             "stabilized_efron": (["hormon"], "ate_stabilized", "efron")}


@pytest.mark.parametrize("group", [0, 1])
def test_weighted_km_equals_r_survfit(group):
    data = rotterdam()
    rows = (data["hormon"] == group).to_numpy()
    fit = weighted_kaplan_meier(data["dtime"][rows], data["death"][rows], r_weights("ate")[rows])
    ref = confounding_reference()["km_ate"][group]
    for column in ("time", "n_risk", "n_event", "surv", "std_err", "lower", "upper"):
        close(fit[column], ref[column])
    assert "jackknife" in fit.attrs["method"]


def test_weighted_km_hand_case():
    # R: survfit(Surv(c(1,2,2,3,4,5), c(1,1,0,1,0,1)) ~ 1, weights = c(1.5,2,1,0.5,3,1)) (robust and Greenwood)
    args = ([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1], [1.5, 2, 1, 0.5, 3, 1])
    fit = weighted_kaplan_meier(*args)
    np.testing.assert_allclose(fit["n_risk"], [9, 7.5, 4.5, 4, 1])
    np.testing.assert_allclose(fit["surv"], [1 - 1.5 / 9, (1 - 1.5 / 9) * (1 - 2 / 7.5), 0.5432099, 0.5432099, 0],
                               rtol=1e-6)
    # at t = 1: S² (w₁²(1/7.5 − C)² + C² Σ_{others} w²), C = 1.5/(9·7.5)
    c = 1.5 / (9 * 7.5)
    assert fit["std_err"][0] == pytest.approx((1 - 1.5 / 9) * np.sqrt(2.25 * (1 / 7.5 - c) ** 2 + c**2 * 15.25))
    np.testing.assert_allclose(fit["std_err"], [0.1565883, 0.2232060, 0.2335751, 0.2335751, 0], rtol=1e-6)
    greenwood = weighted_kaplan_meier(*args, variance="greenwood")
    np.testing.assert_allclose(greenwood["std_err"][:4], [0.1490712, 0.2659080, 0.3138230, 0.3138230], rtol=1e-6)


@pytest.mark.parametrize("case", COX_CASES)
def test_weighted_cox_equals_r_coxph_robust(case):
    covariates, weights, ties = COX_CASES[case]
    data = rotterdam()
    x, names = design_matrix(data, covariates, ["size"])
    fit = weighted_cox_regression(data["dtime"], data["death"], x, r_weights(weights), names, ties=ties)
    ref = confounding_reference()["cox"][case]
    k = 2 if case == "att_efron_adjusted" else 1  # hormon, age: the size contrasts differ by reference level
    coef = np.atleast_1d(ref["coef"])[:k]
    close([t.coef for t in fit.terms][:k], coef)
    close([t.se for t in fit.terms][:k], np.atleast_1d(ref["robust_se"])[:k])
    close(fit.naive_se[:k], np.atleast_1d(ref["naive_se"])[:k])
    close([t.z for t in fit.terms][:k], np.atleast_1d(ref["z"])[:k])
    close([t.p_value for t in fit.terms][:k], np.atleast_1d(ref["p"])[:k])
    close([t.lower for t in fit.terms][:k], np.atleast_1d(ref["lower"])[:k])
    close([t.upper for t in fit.terms][:k], np.atleast_1d(ref["upper"])[:k])
    close([fit.loglik_null, fit.loglik], ref["loglik"])
    close(fit.robust_wald_test, ref["wald"])
    close(fit.robust_score_test, np.ravel(ref["rscore"]))
    assert "robust (sandwich)" in fit.method


def test_weighted_logrank_is_the_robust_score_test():
    data = rotterdam()
    test = weighted_logrank_test(data["dtime"], data["death"], data["hormon"], r_weights("ate"))
    close(test.chisq, np.ravel(confounding_reference()["cox"]["ate_efron"]["rscore"]))
    assert "rscore" in test.method and test.to_frame()["df"][0] == 1


def test_unit_weights_give_the_unweighted_cox_fit():
    data = rotterdam().iloc[:400]
    x, names = design_matrix(data, ["hormon", "age"])
    weighted = weighted_cox_regression(data["dtime"], data["death"], x, np.ones(len(data)), names)
    plain = cox_regression(data["dtime"], data["death"], x, names)
    close([t.coef for t in weighted.terms], [t.coef for t in plain.terms], rtol=1e-9)
    close(weighted.naive_se, [t.se for t in plain.terms], rtol=1e-9)
    close([weighted.loglik_null, weighted.loglik], [plain.loglik_null, plain.loglik], rtol=1e-9)


def test_integer_weights_equal_repeated_rows_in_the_likelihood():
    # weight 2 = the row twice (Breslow: same partial likelihood); hand-sized data
    time, event, x = np.array([1, 2, 3, 4, 5.]), np.array([1, 1, 0, 1, 1]), np.array([0, 1, 0, 1, 1.])
    w = np.array([2, 1, 1, 2, 1.])
    weighted = weighted_cox_regression(time, event, x[:, None], w, ties="breslow")
    rep = np.repeat(np.arange(5), w.astype(int))
    repeated = cox_regression(time[rep], event[rep], x[rep][:, None], ties="breslow")
    close(weighted.terms[0].coef, repeated.terms[0].coef, rtol=1e-9)
    close(weighted.naive_se[0], repeated.terms[0].se, rtol=1e-9)


def test_cluster_sums_rows_of_one_patient():
    data = rotterdam().iloc[:300]
    x, names = design_matrix(data, ["hormon"])
    once = weighted_cox_regression(data["dtime"], data["death"], x, np.ones(300), names, ties="breslow")
    # the same rows twice with weights 1/2 and the patient as cluster: same coefficient and robust SE
    doubled = data.loc[np.repeat(data.index, 2)]
    twice = weighted_cox_regression(doubled["dtime"], doubled["death"], np.repeat(x, 2, axis=0), np.full(600, 0.5),
                                    names, cluster=doubled["pid"], ties="breslow")
    close(twice.terms[0].coef, once.terms[0].coef, rtol=1e-9)
    close(twice.terms[0].se, once.terms[0].se, rtol=1e-9)


def test_refuses_bad_weights():
    with pytest.raises(ValueError, match="positive"):
        weighted_cox_regression([1, 2], [1, 0], [[0], [1]], [1, 0])
