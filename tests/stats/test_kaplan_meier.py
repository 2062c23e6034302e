"""Kaplan–Meier against R survfit / quantile / summary(times) / rmean, and hand-derivable cases."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.stats.event_counts import count_events, with_risk_sets
from oncocohort.stats.kaplan_meier import (
    kaplan_meier,
    kaplan_meier_from_counts,
    landmarks,
    maturity,
    median_spss,
    restricted_mean,
    reverse_km_followup,
    survival_quantile,
)
from tests.stats.reference import close, r_reference

DATA = r_reference()["data"]


def data_for(name):
    columns = {"lung": ("time", "status"), "veteran": ("time", "status"), "ovarian": ("futime", "fustat")}
    for key, (t, s) in columns.items():
        if name.startswith(key + "_"):
            return np.array(DATA[key][t], float), np.array(DATA[key][s], int)
    for key, case in DATA["hand"].items():
        if name.startswith(key + "_"):
            return np.atleast_1d(np.array(case["time"], float)), np.atleast_1d(np.array(case["status"], int))
    raise KeyError(name)


CASES = sorted(r_reference()["km"])


@pytest.mark.parametrize("case", CASES)
def test_curve_matches_r_survfit(case):
    ref = r_reference()["km"][case]
    fit = kaplan_meier(*data_for(case), conf_type=ref["conf_type"])
    close(fit.time, ref["time"])
    close(fit.n_risk, ref["n_risk"])
    close(fit.n_event, ref["n_event"])
    close(fit.surv, ref["surv"])
    close(fit.std_err, ref["std_err"])
    close(fit.lower, ref["lower"])
    close(fit.upper, ref["upper"])


@pytest.mark.parametrize("case", CASES)
def test_quantiles_and_their_cis_match_r(case):
    ref = r_reference()["km"][case]
    fit = kaplan_meier(*data_for(case), conf_type=ref["conf_type"])
    q = [survival_quantile(fit, p) for p in (0.25, 0.5, 0.75)]
    close([x.estimate for x in q], ref["quantile"])
    close([x.lower for x in q], ref["quantile_lower"])
    close([x.upper for x in q], ref["quantile_upper"])


@pytest.mark.parametrize("case", CASES)
def test_landmarks_and_restricted_mean_match_r(case):
    ref = r_reference()["km"][case]
    fit = kaplan_meier(*data_for(case), conf_type=ref["conf_type"])
    marks = landmarks(fit, np.atleast_1d(ref["landmark_times"]))
    close([m.surv for m in marks], ref["landmark_surv"])
    close([m.lower for m in marks], ref["landmark_lower"])
    close([m.upper for m in marks], ref["landmark_upper"])
    close([m.n_risk for m in marks], ref["landmark_n_risk"])
    close(restricted_mean(fit, ref["rmean_tau"]), [ref["rmean"], ref["rmean_se"]])


def test_reverse_km_r_flip_matches_r():
    ref = r_reference()["reverse_km"]
    q = reverse_km_followup(DATA["lung"]["time"], DATA["lung"]["status"])
    close([q.estimate, q.lower, q.upper], [ref["median"], ref["lower"], ref["upper"]])


def test_reverse_km_conventions_differ_only_at_tied_death_and_censoring():
    """Times 1..4; at t = 2 one death and one censoring. R flip: the death is still at risk for censoring at 2,
    so S_c(2) = 1 − 1/3; prodlim: the death leaves first, S_c(2) = 1 − 1/2. Censoring at 4 ends both curves."""
    time, event = [1, 2, 2, 3, 4], [1, 1, 0, 1, 0]
    flip = reverse_km_followup(time, event, "r-flip")
    prodlim = reverse_km_followup(time, event, "prodlim")
    assert flip.estimate == 4.0 and prodlim.estimate == 4.0
    counts = with_risk_sets(count_events(time, 1 - np.array(event)))
    assert counts.loc[counts["time"] == 2, "n_risk"].item() == 4  # flip: 4 still observed at t = 2


def test_hand_derivable_curve():
    """Four patients, events at 1, 2 (censored at 3), event at 4: S = 3/4, 1/2, 1/2, 0; median (2 + 4)/2 = 3
    by R's midpoint rule (S is exactly 0.5 from 2 until the drop at 4)."""
    fit = kaplan_meier([1, 2, 3, 4], [1, 1, 0, 1])
    assert fit.surv.tolist() == [0.75, 0.5, 0.5, 0.0]
    assert survival_quantile(fit).estimate == 3.0
    assert fit.std_err[0] == pytest.approx(np.sqrt(1 / (4 * 3)))
    assert maturity(fit) == 0.75
    assert restricted_mean(fit, 4.0)[0] == pytest.approx(1 + 0.75 + 0.5 + 0.5)


def test_counts_are_the_only_input():
    """The curve from counts equals the curve from rows: the aggregation is a replaceable step."""
    time, event = data_for("lung_log")
    from_rows = kaplan_meier(time, event)
    counts = count_events(time, event)
    from_counts = kaplan_meier_from_counts(counts[["time", "n_event", "n_censor"]])
    np.testing.assert_array_equal(from_rows.surv, from_counts.surv)


def test_spss_median_ci_is_symmetric_and_hand_derivable():
    """Ten patients with events at 1..10: S(t) = 1 − t/10. Median (first S <= 0.5) = 5. u = 4 (S = 0.6 >= 0.55),
    l = 6 (S = 0.4 <= 0.45): f = 0.2 / 2 = 0.1. Greenwood SE of S(5) = 0.5·sqrt(Σ_{i<=5} 1/((11−i)(10−i)))."""
    fit = kaplan_meier(np.arange(1, 11), np.ones(10, int))
    q = median_spss(fit)
    se_s = 0.5 * np.sqrt(sum(1 / ((11 - i) * (10 - i)) for i in range(1, 6)))
    half = 1.959963984540054 * se_s / 0.1
    assert q.estimate == 5.0
    assert q.lower == pytest.approx(5 - half) and q.upper == pytest.approx(5 + half)
