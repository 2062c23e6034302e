"""E-value (VanderWeele & Ding 2017): the paper's worked example and the HR conversions by hand."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.stats.e_value import e_value_hazard_ratio, e_value_of_risk_ratio, hazard_ratio_to_risk_ratio


def test_paper_example():
    # VanderWeele & Ding 2017: RR 3.9 (95% CI 1.8–8.7) -> E-values 7.2 and 3.0
    assert e_value_of_risk_ratio(3.9) == pytest.approx(3.9 + np.sqrt(3.9 * 2.9))
    assert round(e_value_of_risk_ratio(3.9), 1) == 7.3 and round(e_value_of_risk_ratio(1.8), 1) == 3.0
    assert e_value_of_risk_ratio(1 / 3.9) == pytest.approx(e_value_of_risk_ratio(3.9))


def test_rare_and_common_outcome_hazard_ratio():
    rare = e_value_hazard_ratio(0.5, 0.3, 0.8, rare_outcome=True)
    assert rare.risk_ratio == 0.5 and rare.e_value == pytest.approx(2 + np.sqrt(2))
    assert rare.e_value_ci == pytest.approx(1.25 + np.sqrt(1.25 * 0.25))
    common = e_value_hazard_ratio(0.5, 0.3, 0.8, rare_outcome=False)
    rr = (1 - 0.5 ** np.sqrt(0.5)) / (1 - 0.5 ** np.sqrt(2))
    assert common.risk_ratio == pytest.approx(rr)
    assert common.e_value == pytest.approx(1 / rr + np.sqrt(1 / rr * (1 / rr - 1)))
    assert "common outcome" in common.method and "rare outcome" in rare.method
    assert hazard_ratio_to_risk_ratio(1.0, False) == pytest.approx(1.0)


def test_ci_including_one_gives_one():
    assert e_value_hazard_ratio(0.8, 0.6, 1.1, rare_outcome=True).e_value_ci == 1.0
