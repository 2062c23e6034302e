"""statsmodels as a second, independent oracle (beside R) for Cox regression and proportions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.cox import cox_model
from oncocohort.stats.proportions import proportion_ci
from tests.stats.reference import r_reference

sm = pytest.importorskip("statsmodels.api")
proportion = pytest.importorskip("statsmodels.stats.proportion")


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cox_agrees_with_statsmodels_phreg(ties):
    lung = pd.DataFrame(r_reference()["data"]["lung"])
    ours = cox_model(lung, "time", "status", ["age", "sex", "ph.ecog"], ties=ties)
    theirs = sm.PHReg(lung["time"], lung[["age", "sex", "ph.ecog"]], status=lung["status"], ties=ties).fit()
    np.testing.assert_allclose([t.coef for t in ours.terms], theirs.params, rtol=1e-6)
    np.testing.assert_allclose([t.se for t in ours.terms], theirs.bse, rtol=1e-6)


@pytest.mark.parametrize("method, sm_method", [("jeffreys", "jeffreys"), ("agresti-coull", "agresti_coull"),
                                               ("wilson", "wilson"), ("clopper-pearson", "beta")])
@pytest.mark.parametrize("x, n", [(11, 32), (4, 7), (27, 32)])
def test_proportions_agree_with_statsmodels(method, sm_method, x, n):
    ours = proportion_ci(x, n, method)
    lower, upper = proportion.proportion_confint(x, n, alpha=0.05, method=sm_method)
    np.testing.assert_allclose([ours.lower, ours.upper], [lower, upper], rtol=1e-6)
