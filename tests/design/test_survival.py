"""One-sample log-rank sample size (Wu 2015) against the paper's worked example, base R, and the exponential
closed form."""

import math

import pytest

from oncocohort.design.survival import one_sample_logrank_size

from .reference_values import PUBLISHED, R_REFERENCE


@pytest.mark.parametrize("power, n", sorted(PUBLISHED["survival_published"][0]["n_by_power"].items()))
def test_wu_2015_worked_example(power, n):
    ref = PUBLISHED["survival_published"][0]
    result = one_sample_logrank_size(ref["median0"], ref["accrual"], ref["followup"], hazard_ratio=ref["hazard_ratio"],
                                     alpha=ref["alpha"], power=float(power), shape=ref["shape"])
    assert result.n == n


@pytest.mark.parametrize("ref", R_REFERENCE["survival"], ids=lambda r: f"{r['median0']}-{r['hazard_ratio']:.3f}")
def test_matches_base_r(ref):
    result = one_sample_logrank_size(ref["median0"], ref["accrual"], ref["followup"], hazard_ratio=ref["hazard_ratio"],
                                     alpha=ref["alpha"], power=ref["power"], shape=ref["shape"])
    assert result.n_exact == pytest.approx(ref["n_exact"], rel=1e-6)
    assert result.n == ref["n"]
    assert result.expected_events == pytest.approx(ref["expected_events"], rel=1e-6)


def test_exponential_closed_form():
    # exponential: sigma0^2 = E[Λ0(X)] = λ0 E[min(T, C)], T ~ Exp(δλ0), C ~ U(f, a + f)
    m0, m1, a, f = 6.0, 10.0, 2.0, 1.0
    lam0 = math.log(2) / m0
    delta = m0 / m1
    lam1 = delta * lam0
    mean_x = (1 - (math.exp(-lam1 * f) - math.exp(-lam1 * (a + f))) / (lam1 * a)) / lam1
    sigma0_sq = lam0 * mean_x
    result = one_sample_logrank_size(m0, a, f, median1=m1)
    assert result.hazard_ratio == pytest.approx(0.6)
    assert result.expected_events / result.n == pytest.approx(delta * sigma0_sq, rel=1e-9)


def test_median_and_hazard_ratio_agree():
    by_median = one_sample_logrank_size(6, 2, 1, median1=10)
    by_ratio = one_sample_logrank_size(6, 2, 1, hazard_ratio=0.6)
    assert by_median.n == by_ratio.n and by_ratio.median1 == pytest.approx(10)


@pytest.mark.parametrize("kwargs, words", [
    ({"median1": 5}, "longer than median0"), ({"hazard_ratio": 1.2}, "below 1"), ({}, "either median1"),
    ({"median1": 10, "alpha": 0}, "alpha"),
])
def test_bad_input_refused(kwargs, words):
    with pytest.raises(ValueError, match=words):
        one_sample_logrank_size(6, 2, 1, **kwargs)
