"""Firth-penalised Cox against a direct maximisation of the penalised likelihood in R (coxphf is not
installable here): l(β) and I(β) from survival::coxph(init = β, iter.max = 0), optim, uniroot profile CIs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.cox import cox_model
from oncocohort.stats.firth import firth_cox_model
from tests.stats.reference import close, r_reference

D = r_reference()["data"]
MODELS = {
    "monotone_breslow": (pd.DataFrame(D["monotone"]), "time", "status", ["asps", "ecog2"], "breslow"),
    "monotone_efron": (pd.DataFrame(D["monotone"]), "time", "status", ["asps", "ecog2"], "efron"),
    "ovarian_breslow": (pd.DataFrame(D["ovarian"]), "futime", "fustat", ["age", "rx"], "breslow"),
}


@pytest.mark.parametrize("case", sorted(MODELS))
def test_matches_direct_maximisation_in_r(case):
    frame, time, event, covariates, ties = MODELS[case]
    ref = r_reference()["firth"][case]
    fit = firth_cox_model(frame, time, event, covariates, ties=ties)
    close([t.coef for t in fit.terms], ref["coef"])
    close([t.lower for t in fit.terms], ref["lower"])
    close([t.upper for t in fit.terms], ref["upper"])
    close([t.p_value for t in fit.terms], ref["p"])
    close([fit.penalized_loglik, fit.lr_test, fit.lr_p], [ref["penalized_loglik"], ref["lr"], ref["lr_p"]])


def test_firth_is_finite_where_ordinary_cox_is_monotone():
    frame, time, event, covariates, _ = MODELS["monotone_breslow"]
    ordinary = cox_model(frame, time, event, covariates, ties="breslow")
    assert ordinary.monotone_likelihood == ("asps",)
    firth = firth_cox_model(frame, time, event, covariates)
    assert np.isfinite(firth.terms[0].coef) and -5 < firth.terms[0].coef < 0
    assert 0 < firth.terms[0].lower < firth.terms[0].hr < firth.terms[0].upper
    assert "profile penalised-likelihood CI" in firth.method


def test_one_covariate_hand_check():
    """With one covariate the profile is the penalised likelihood itself: at the CI limits
    2(l*(β̂) − l*(b)) equals the χ²₁ 95 % quantile 3.841459."""
    from oncocohort.stats.cox import _PartialLikelihood
    from oncocohort.stats.firth import _Penalized

    frame = pd.DataFrame(D["ovarian"])
    fit = firth_cox_model(frame, "futime", "fustat", ["age"])
    x = frame[["age"]].to_numpy(float)
    penalized = _Penalized(_PartialLikelihood(x, frame["futime"].to_numpy(float), frame["fustat"].to_numpy(int),
                                              np.zeros(len(frame), int), "breslow"))
    best = penalized.value(np.array([fit.terms[0].coef]))
    for limit in (fit.terms[0].lower, fit.terms[0].upper):
        assert 2 * (best - penalized.value(np.array([np.log(limit)]))) == pytest.approx(3.841459, abs=1e-6)
