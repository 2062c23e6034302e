"""Exact single-stage designs (A'Hern 2001) against a published value, base R, and a hand case."""

import pytest
from scipy import stats

from oncocohort.design.single_stage import single_stage

from .reference_values import PUBLISHED, R_REFERENCE


def test_published_ahern_design():
    ref = PUBLISHED["single_stage_published"][0]
    design = single_stage(ref["p0"], ref["p1"], ref["alpha"], ref["power"])
    assert design.n == ref["n"]
    # printed to 2 decimals (80.818 % is printed 80.81: truncated, so compare within 0.01 percentage points)
    assert 100 * design.alpha == pytest.approx(ref["alpha_exact_percent"], abs=0.01)
    assert 100 * design.power == pytest.approx(ref["power_exact_percent"], abs=0.01)


@pytest.mark.parametrize("ref", R_REFERENCE["single_stage"], ids=lambda r: f"{r['p0']}-{r['p1']}")
def test_matches_base_r(ref):
    design = single_stage(ref["p0"], ref["p1"], ref["alpha_target"], ref["power_target"])
    assert (design.n, design.r) == (ref["n"], ref["r"])
    assert design.alpha == pytest.approx(ref["alpha"], rel=1e-6)
    assert design.power == pytest.approx(ref["power"], rel=1e-6)


def test_smallest_n_by_hand():
    # p0 = 0.05, p1 = 0.2: 27 patients, promising with >= 4 responses; no r works for 26
    design = single_stage(0.05, 0.2, 0.05, 0.8)
    assert (design.n, design.r) == (27, 4)
    assert all(not (stats.binom.sf(r - 1, 26, 0.05) <= 0.05 and stats.binom.sf(r - 1, 26, 0.2) >= 0.8)
               for r in range(27))


def test_normal_approximation_is_fleming_formula():
    design = single_stage(0.1, 0.2, 0.05, 0.8)
    z_a, z_b = stats.norm.ppf(0.95), stats.norm.ppf(0.8)
    n = ((z_a * (0.09 ** 0.5) + z_b * (0.16 ** 0.5)) / 0.1) ** 2
    assert design.n_normal_approximation == int(-(-n // 1))
    assert design.n_normal_approximation < design.n      # the approximation is too small here (A'Hern's point)


def test_p1_not_above_p0_refused():
    with pytest.raises(ValueError, match="larger than p0"):
        single_stage(0.3, 0.3)
