"""RMST difference/ratio and milestone differences against R (survRM2 formulas by hand, survfit rmean) on veteran,
plus hand-derivable cases."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.rmst import HorizonTooLate, milestone_comparison, rmst_comparison

from .reference import close

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "landmark_reference.json").read_text())
VETERAN = pd.read_csv(REF / "veteran_rmst.csv")


@pytest.mark.parametrize("key", ["veteran_90", "veteran_365"])
def test_rmst_equals_survrm2_and_survfit(key):
    r = R["rmst"][key]
    result = rmst_comparison(VETERAN["time"], VETERAN["status"], VETERAN["trt"], r["tau"])
    close([g.rmst for g in result.per_group], r["rmst"])
    close([g.rmst for g in result.per_group], r["survfit_rmean"])
    close([g.se for g in result.per_group], r["survfit_se"])
    diff, ratio, rmtl = result.contrasts
    close([diff.estimate, diff.lower, diff.upper, diff.p_value],
          [r["diff"], r["diff_lower"], r["diff_upper"], r["diff_p"]])
    close([ratio.estimate, ratio.lower, ratio.upper, ratio.p_value],
          [r["ratio"], r["ratio_lower"], r["ratio_upper"], r["ratio_p"]])
    close([rmtl.estimate, rmtl.lower, rmtl.upper, rmtl.p_value],
          [r["rmtl_ratio"], r["rmtl_ratio_lower"], r["rmtl_ratio_upper"], r["rmtl_ratio_p"]])


@pytest.mark.parametrize("key", ["veteran_90", "veteran_180"])
def test_milestone_difference_equals_r(key):
    r = R["milestone"][key]
    result = milestone_comparison(VETERAN["time"], VETERAN["status"], VETERAN["trt"], r["time"])
    close(result.surv, r["surv"])
    close(result.se, r["se"])
    d = result.difference
    close([d.estimate, d.lower, d.upper, d.p_value], [r["diff"], r["diff_lower"], r["diff_upper"], r["diff_p"]])


def test_rmst_by_hand():
    # group a: events at 2 and 4 of 2 patients -> S = 1 on [0,2), 0.5 on [2,4): RMST(3) = 2 + 0.5 = 2.5
    # group b: nobody has an event by 3 -> RMST(3) = 3, SE 0
    result = rmst_comparison([2, 4, 5, 6], [1, 1, 0, 0], ["a", "a", "b", "b"], 3)
    assert [g.rmst for g in result.per_group] == [2.5, 3.0]
    # SE² of group a: area beyond t=2 (0.5) squared × d/(n(n−d)) = 0.25 × 1/2
    assert result.per_group[0].se == pytest.approx(np.sqrt(0.125))
    assert result.contrasts[0].estimate == pytest.approx(0.5)
    assert result.contrasts[1].estimate == pytest.approx(1.2)
    # group b lost no time before τ: RMTL ratio 0 with no CI or p
    assert result.contrasts[2].estimate == 0 and np.isnan(result.contrasts[2].p_value)


def test_tau_beyond_follow_up_is_refused_naming_the_group():
    with pytest.raises(HorizonTooLate, match="group 'a'.*last time 4.*τ <= 4"):
        rmst_comparison([2, 4, 5, 6], [1, 1, 0, 0], ["a", "a", "b", "b"], 5)


def test_to_frame_is_tidy():
    frame = rmst_comparison(VETERAN["time"], VETERAN["status"], VETERAN["trt"], 90).to_frame()
    assert list(frame["term"]) == ["RMST[1]", "RMST[2]", "RMST difference (2 vs 1)", "RMST ratio (2 vs 1)",
                                   "RMTL ratio (2 vs 1)"]
    assert {"estimate", "conf_low", "conf_high", "p_value", "method"} <= set(frame.columns)
