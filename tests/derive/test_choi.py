"""Choi criteria, hand-built: size ±10 %, density −15 %, and PD blocked by a density response."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.derive.choi import choi_visit_responses
from tests.derive.test_recist_rules import START, day, lesion


def run(rows):
    lesions = pd.DataFrame(rows)
    lesions["diameter_mm"] = lesions["diameter_mm"].astype(float)
    lesions["attenuation_hu"] = lesions["attenuation_hu"].astype(float)
    return choi_visit_responses(lesions, pd.Series(START, index=["P1"]), 28).set_index("assessment_date")


def scan(d, diameter, hu, lesion_id="T1"):
    row = lesion(d, lesion_id, diameter)
    row["attenuation_hu"] = hu
    return row


@pytest.mark.parametrize("diameter, hu, expected", [
    (45, 100, "PR"),   # −10 % in size
    (46, 100, "SD"),   # −8 %, density unchanged
    (50, 85, "PR"),    # density −15 %
    (50, 86, "SD"),    # density −14 %
    (55, 100, "PD"),   # +10 % in size, density unchanged
    (55, 80, "PR"),    # +10 % in size but density −20 %: not PD, PR by density
])
def test_size_and_density_rules(diameter, hu, expected):
    visits = run([scan(-7, 50, 100), scan(50, diameter, hu)])
    assert visits.loc[day(50), "target_response"] == expected
    assert visits.loc[day(50), "overall_response"] == expected


def test_pd_is_measured_from_the_nadir_and_density_is_the_mean_of_targets():
    rows = [scan(-7, 50, 100), scan(-7, 30, 60, "T2"), scan(50, 40, 100), scan(50, 20, 60, "T2"),
            scan(100, 66, 80), scan(100, 0, None, "T2")]
    rows[-1]["status"] = "absent"
    visits = run(rows)
    assert visits.loc[day(-7), "density_hu"] == 80  # mean of 100 and 60
    assert visits.loc[day(50), "target_response"] == "PR"  # 60 vs 80 mm: −25 %
    # 66 vs nadir 60: +10 %; density 80 (T1 only) vs 80: no density response → PD
    assert visits.loc[day(100), "target_response"] == "PD"
