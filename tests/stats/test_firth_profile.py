"""Firth profile-likelihood limits by Newton's method on the profile deviance (issue 15: "Firth must not dominate a
small study"): the same limits as the bracketing search with Brent's method, in about half the likelihood
evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.stats import firth
from tests.stats.test_firth import MODELS, random_study, small_study

CASES = {"ten_patients": (small_study(1, n=10), "time", "event", ["treated", "age"], "efron"),
         "three_covariates": (random_study(11, 25), "time", "event", ["treated", "age", "stage"], "efron"),
         **MODELS}


def _fit(case, monkeypatch=None):
    frame, time, event, covariates, ties = CASES[case]
    made = []
    original = firth._Penalized.__init__

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(firth._Penalized, "__init__", counting)
        fit = firth.firth_cox_model(frame, time, event, covariates,
                                    categorical=["stage"] if "stage" in covariates else (), ties=ties)
    return fit, sum(model.evaluations for model in made)


@pytest.mark.parametrize("case", sorted(CASES))
def test_newton_limits_equal_the_bracketed_brent_limits(case, monkeypatch):
    newton, _ = _fit(case)
    monkeypatch.setattr(firth._Profile, "_newton_limit", lambda self, *args: None)
    brent, _ = _fit(case)
    assert [t.ci_method for t in newton.terms] == [t.ci_method for t in brent.terms] == [firth.PROFILE_CI] * len(
        newton.terms)
    np.testing.assert_allclose([[t.coef, t.lower, t.upper, t.p_value] for t in newton.terms],
                               [[t.coef, t.lower, t.upper, t.p_value] for t in brent.terms], rtol=1e-9, atol=0)


@pytest.mark.parametrize(("case", "most"), [("ten_patients", 90), ("three_covariates", 160),
                                            ("ovarian_breslow", 80)])
def test_profile_limits_take_few_likelihood_evaluations(case, most):
    # before (bracketing search + brentq on every limit, profile fits from the previous optimum): 124, 287, 130
    assert _fit(case)[1] <= most
