"""Proportions against R: binom.test (Clopper–Pearson, exact test), prop.test (Wilson ± CC), Jeffreys, Agresti–Coull."""

from __future__ import annotations

import pytest

from oncocohort.stats.proportions import binomial_test, proportion_ci
from tests.stats.reference import close, r_reference

CASES = sorted(r_reference()["proportions"])
METHODS = {"clopper_pearson": "clopper-pearson", "wilson": "wilson", "wilson_cc": "wilson-cc",
           "jeffreys": "jeffreys", "agresti_coull": "agresti-coull"}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("r_name", sorted(METHODS))
def test_intervals_match_r(case, r_name):
    ref = r_reference()["proportions"][case]
    result = proportion_ci(ref["x"], ref["n"], METHODS[r_name])
    close([result.lower, result.upper], ref[r_name])


@pytest.mark.parametrize("case", CASES)
def test_exact_binomial_test_matches_r(case):
    ref = r_reference()["proportions"][case]
    for alternative, key in (("two-sided", "binom_two_sided"), ("greater", "binom_greater"), ("less", "binom_less")):
        close(binomial_test(ref["x"], ref["n"], ref["binom_p0"], alternative).p_value, ref[key])


@pytest.mark.parametrize("x, n, lower, upper", [(11, 32, 18.6, 53.2), (27, 32, 67.2, 94.7), (4, 7, 18.4, 90.1)])
def test_the_seed_papers_three_clopper_pearson_intervals(x, n, lower, upper):
    """ORR 11/32, DCR 27/32 and ASPS ORR 4/7 as printed in the paper (to 0.1 percentage point)."""
    result = proportion_ci(x, n)
    assert (round(100 * result.lower, 1), round(100 * result.upper, 1)) == (lower, upper)
    assert result.method_label == "95% CI, Clopper–Pearson exact"


def test_hand_derivable_cases():
    # x = 0: Clopper–Pearson upper bound is 1 − (α/2)^(1/n)
    assert proportion_ci(0, 10).upper == pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-12)
    assert proportion_ci(0, 10).lower == 0.0 and proportion_ci(10, 10).upper == 1.0
    # one trial, one success, two-sided test against 0.5: p = 1
    assert binomial_test(1, 1, 0.5).p_value == pytest.approx(1.0)


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="0 <= x <= n"):
        proportion_ci(5, 3)
    with pytest.raises(ValueError, match="unknown CI method"):
        proportion_ci(1, 3, "wald")
