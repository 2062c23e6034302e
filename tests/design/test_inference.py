"""Inference after a two-stage trial against base R (uniroot on the stage-wise ordering) and hand cases."""

import pytest
from scipy import stats

from oncocohort.design.inference import two_stage_inference
from oncocohort.stats.proportions import proportion_ci

from .reference_values import R_REFERENCE


@pytest.mark.parametrize("ref", R_REFERENCE["inference"], ids=lambda r: f"x{r['x']}-{r['r1']}/{r['n1']}-{r['n']}")
def test_matches_base_r(ref):
    result = two_stage_inference(ref["x"], ref["r1"], ref["n1"], ref["n"], ref["p0"], ref["alpha"])
    for field in ("umvue", "p_value", "median_unbiased", "lower", "upper", "clinfun_upper"):
        if ref[field] is None:
            assert getattr(result, field) is None
        else:
            assert getattr(result, field) == pytest.approx(ref[field], rel=1e-6, abs=1e-10), field


def test_stop_at_stage_1_is_the_binomial_of_stage_1():
    # 1 response of 10 at stage 1 (r1 = 1): p-value P(X1 >= 1 | 0.1), estimate 1/10, Clopper–Pearson 90% limits
    result = two_stage_inference(1, 1, 10, 29, 0.1)
    assert result.stopped_at_stage_1 and result.umvue == 0.1
    assert result.p_value == pytest.approx(1 - 0.9 ** 10)
    cp = proportion_ci(1, 10, "clopper-pearson", 0.9)
    assert (result.lower, result.upper) == (pytest.approx(cp.lower), pytest.approx(cp.upper))


def test_p_value_sums_the_outcomes_at_least_as_extreme():
    # design 1/10, 5/29; 6 responses in all: continue with X1 >= 2, total >= 6
    result = two_stage_inference(6, 1, 10, 29, 0.1)
    by_hand = sum(stats.binom.pmf(x1, 10, 0.1) * stats.binom.sf(6 - x1 - 1, 19, 0.1) for x1 in range(2, 11))
    assert result.p_value == pytest.approx(by_hand)
    assert result.lower < result.median_unbiased < result.upper


def test_umvue_by_hand():
    # r1 = 0, n1 = 2, n = 3, x = 2: x1 in {1, 2}; UMVUE = [C(1,0)C(1,1) + C(1,1)C(1,0)] / [C(2,1)C(1,1) + C(2,2)C(1,0)]
    assert two_stage_inference(2, 0, 2, 3, 0.1).umvue == pytest.approx(2 / 3)


def test_zero_responses():
    result = two_stage_inference(0, 1, 10, 29, 0.1)
    assert result.lower == 0 and result.median_unbiased == 0 and result.p_value == 1


@pytest.mark.parametrize("args, words", [((30, 1, 10, 29, 0.1), "from 0 to n"), ((3, 5, 4, 29, 0.1), "r1"),
                                         ((3, 1, 10, 29, 0.1, 0.7), "alpha")])
def test_bad_input_refused(args, words):
    with pytest.raises(ValueError, match=words):
        two_stage_inference(*args)


@pytest.mark.parametrize("p", [0.1, 0.2, 0.35])
def test_umvue_is_unbiased_over_every_outcome(p):
    # E_p[UMVUE] = p, summing over stage-1 stops and completed trials of the design 1/10, 29
    r1, n1, n = 1, 10, 29
    expected = sum(stats.binom.pmf(x, n1, p) * two_stage_inference(x, r1, n1, n, 0.1).umvue for x in range(r1 + 1))
    for x in range(r1 + 1, n + 1):
        prob = sum(stats.binom.pmf(x1, n1, p) * stats.binom.pmf(x - x1, n - n1, p)
                   for x1 in range(r1 + 1, min(x, n1) + 1))
        expected += prob * two_stage_inference(x, r1, n1, n, 0.1).umvue
    assert expected == pytest.approx(p, rel=1e-9)
