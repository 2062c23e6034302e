"""RECIST 1.1 rules, one hand-built case each (dates as days after a 2021-01-01 treatment start)."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.derive.best_response import best_overall_response
from oncocohort.derive.recist import visit_responses

START = pd.Timestamp("2021-01-01")


def day(n: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=n)


def lesion(d, lesion_id, diameter=None, status="present", kind="target", nodal="no", site="lung", pid="P1"):
    return dict(patient_id=pid, assessment_date=day(d), lesion_id=lesion_id, kind=kind, site=site, nodal=nodal,
                diameter_mm=diameter if status == "present" else None, status=status)


def run(rows, confirm=False, sd_min_days=42, pids=("P1",)):
    lesions = pd.DataFrame(rows)
    lesions["diameter_mm"] = lesions["diameter_mm"].astype(float)
    starts = pd.Series(START, index=list(pids))
    visits = visit_responses(lesions, starts, baseline_window_days=28)
    return visits.set_index("assessment_date"), best_overall_response(visits, starts, sd_min_days=sd_min_days,
                                                                       confirm=confirm)


def response_at(visits, d, column="overall_response"):
    return visits.loc[day(d), column]


def test_sum_uses_short_axis_of_nodes_too_small_as_5_and_absent_as_0():
    rows = [lesion(-7, "T1", 40), lesion(-7, "N1", 20, nodal="yes", site="lymph node"), lesion(-7, "T2", 20),
            lesion(50, "T1", status="too_small"), lesion(50, "N1", 12, nodal="yes", site="lymph node"),
            lesion(50, "T2", status="absent")]
    visits, _ = run(rows)
    assert response_at(visits, -7, "sum_mm") == 80
    assert response_at(visits, 50, "sum_mm") == 5 + 12 + 0
    assert response_at(visits, 50, "target_response") == "PR"  # −79 %; not CR: a node is 12 mm


def test_baseline_is_the_last_scan_before_start_within_the_window():
    rows = [lesion(-60, "T1", 50), lesion(-10, "T1", 40), lesion(-3, "T1", 30), lesion(50, "T1", 21)]
    visits, _ = run(rows)
    assert visits["is_baseline"].idxmax() == day(-3)  # −60 and −10 are earlier scans, not baseline
    assert response_at(visits, 50, "target_response") == "PR"  # 21 vs 30 is −30 %
    visits, bor = run([lesion(-40, "T1", 40), lesion(50, "T1", 20)])  # no scan within 28 days before start
    assert visits.empty and bor["best_overall_response"].item() == "NE"


@pytest.mark.parametrize("follow_up, expected", [(21.0, "PR"), (21.1, "SD"), (35.9, "SD"), (36.0, "PD")])
def test_partial_response_is_30_percent_below_baseline_exactly(follow_up, expected):
    visits, _ = run([lesion(-7, "T1", 30), lesion(50, "T1", follow_up)])
    assert response_at(visits, 50, "target_response") == expected


@pytest.mark.parametrize("nadir, value, expected", [
    (20, 24, "PR"),    # +20 % but only +4 mm: not PD (still −76 % from baseline)
    (50, 60, "PD"),    # +20 % and +10 mm (exactly at both limits)
    (50, 59.9, "PR"),  # +19.8 %: not PD
    (100, 106, "SD"),  # +6 mm but +6 %
])
def test_progression_needs_20_percent_and_5_mm_from_the_nadir(nadir, value, expected):
    visits, _ = run([lesion(-7, "T1", 100), lesion(50, "T1", nadir), lesion(100, "T1", value)])
    assert response_at(visits, 100, "nadir_mm") == nadir  # the nadir is the earlier visit, not baseline
    assert response_at(visits, 100, "target_response") == expected


@pytest.mark.parametrize("value, expected", [(5, "PD"), (4, "CR")])
def test_reappearance_after_a_zero_nadir_needs_5_mm(value, expected):
    rows = [lesion(-7, "T1", 30), lesion(50, "T1", status="absent")]
    rows.append(lesion(100, "T1", value) if expected == "PD" else lesion(100, "T1", status="absent"))
    visits, _ = run(rows)
    assert response_at(visits, 100, "target_response") == expected


def test_complete_response_allows_residual_nodes_below_10_mm():
    rows = [lesion(-7, "T1", 30), lesion(-7, "N1", 20, nodal="yes", site="lymph node"),
            lesion(50, "T1", status="absent"), lesion(50, "N1", 9, nodal="yes", site="lymph node"),
            lesion(100, "T1", status="absent"), lesion(100, "N1", 10, nodal="yes", site="lymph node")]
    visits, _ = run(rows)
    assert response_at(visits, 50, "target_response") == "CR" and response_at(visits, 50, "sum_mm") == 9
    assert response_at(visits, 100, "target_response") == "PR"  # a 10 mm node is not normal


def test_missing_target_is_ne_unless_measured_lesions_prove_pd():
    rows = [lesion(-7, "T1", 30), lesion(-7, "T2", 30),
            lesion(50, "T1", 30),                                  # T2 not measured
            lesion(100, "T1", 80), lesion(100, "T2", status="not_evaluated")]
    visits, _ = run(rows)
    assert response_at(visits, 50, "target_response") == "NE"
    assert response_at(visits, 100, "target_response") == "PD"  # 80 alone is +33 % and +20 mm over 60


def test_non_target_rules_and_their_combination_with_targets():
    rows = [lesion(-7, "T1", 30), lesion(-7, "NT1", kind="non_target", site="pleura"),
            lesion(50, "T1", status="absent"), lesion(50, "NT1", kind="non_target", status="absent", site="pleura"),
            lesion(100, "T1", status="absent"), lesion(100, "NT1", kind="non_target", status="not_evaluated",
                                                       site="pleura"),
            lesion(150, "T1", status="absent"), lesion(150, "NT1", kind="non_target", status="progression",
                                                       site="pleura")]
    visits, _ = run(rows)
    assert [response_at(visits, d) for d in (50, 100, 150)] == ["CR", "PR", "PD"]
    assert [response_at(visits, d, "non_target_response") for d in (50, 100, 150)] == ["CR", "NE", "PD"]


def test_new_lesions_present_equivocal_and_dated_back():
    base = [lesion(-7, "T1", 30)]
    visits, _ = run(base + [lesion(50, "T1", 30), lesion(50, "X1", kind="new", status="equivocal", site="liver"),
                            lesion(100, "T1", 30)])
    assert response_at(visits, 50) == "SD"  # equivocal alone is not PD
    visits, bor = run(base + [lesion(50, "T1", 30), lesion(50, "X1", kind="new", status="equivocal", site="liver"),
                              lesion(100, "T1", 30), lesion(100, "X1", kind="new", status="present", site="liver")])
    assert response_at(visits, 50) == "PD" and "confirmed later" in response_at(visits, 50, "reason")
    assert bor["progression_date"].item() == day(50)


def test_non_target_only_disease():
    rows = [lesion(-7, "NT1", kind="non_target"),
            lesion(50, "NT1", kind="non_target"),
            lesion(100, "NT1", kind="non_target", status="absent"),
            lesion(150, "NT1", kind="non_target", status="not_evaluated")]
    visits, bor = run(rows)
    assert [response_at(visits, d) for d in (50, 100, 150)] == ["NON-CR/NON-PD", "CR", "NE"]
    assert bor["best_overall_response"].item() == "CR"


def test_best_response_sd_window_first_pd_and_no_assessment():
    early_sd_then_pd = [lesion(-7, "T1", 30), lesion(20, "T1", 30), lesion(60, "T1", 40)]
    assert run(early_sd_then_pd)[1]["best_overall_response"].item() == "PD"
    sd_in_time = [lesion(-7, "T1", 30), lesion(42, "T1", 30)]
    assert run(sd_in_time)[1]["best_overall_response"].item() == "SD"
    early_sd_only = [lesion(-7, "T1", 30), lesion(41, "T1", 30)]
    assert run(early_sd_only)[1]["best_overall_response"].item() == "NE"
    after_pd = [lesion(-7, "T1", 30), lesion(50, "T1", 40), lesion(100, "T1", 10)]
    assert run(after_pd)[1]["best_overall_response"].item() == "PD"  # the later PR is ignored
    baseline_only = [lesion(-7, "T1", 30)]
    result = run(baseline_only)[1]
    assert result["best_overall_response"].item() == "NE" and result["n_assessments"].item() == 0


def test_confirmation():
    def bor(values, **kw):
        rows = [lesion(-7, "T1", 30)] + [lesion(d, "T1", v) if v is not None else lesion(d, "T1", status="absent")
                                         for d, v in values]
        return run(rows, confirm=True, **kw)[1].iloc[0]

    assert bor([(50, None), (78, None)])["best_overall_response"] == "CR"        # CR confirmed 28 days later
    assert bor([(50, None), (70, None)])["best_overall_response"] == "SD"        # 20 days: unconfirmed, SD ok
    assert bor([(50, 15), (80, 15)])["best_overall_response"] == "PR"            # PR confirmed
    assert bor([(50, 15), (80, 25), (110, 15)])["best_overall_response"] == "SD"  # SD between: not confirmed
    assert bor([(20, 15)])["best_overall_response"] == "NE"                      # unconfirmed and before 42 days


def test_confirmation_tolerates_one_ne_between():
    rows = [lesion(-7, "T1", 30), lesion(-7, "T2", 30),
            lesion(50, "T1", 10), lesion(50, "T2", 10),
            lesion(70, "T1", 10),                                                # T2 missing → NE
            lesion(90, "T1", 10), lesion(90, "T2", 10)]
    assert run(rows, confirm=True)[1]["best_overall_response"].item() == "PR"
    two_ne = rows[:5] + [lesion(80, "T1", 10)] + rows[5:]
    assert run(two_ne, confirm=True)[1]["best_overall_response"].item() == "SD"


def test_cr_followed_by_pr_is_progression_and_flagged():
    responses = pd.DataFrame({"patient_id": "P1", "assessment_date": [day(50), day(100)],
                              "overall_response": ["CR", "PR"]})
    result = best_overall_response(responses, pd.Series(START, index=["P1"]))
    assert result["cr_then_pr"].item() is True or bool(result["cr_then_pr"].item())
    assert result["progression_date"].item() == day(100)
    assert result["best_overall_response"].item() == "CR"


def _confirmed_by_hand(responses, days, min_days, max_ne):
    """Per visit: (CR confirmed, PR confirmed) by the rule in words — a later CR (for a CR) or CR/PR (for a PR)
    at least ``min_days`` later, with only CR/NE (CR) or CR/PR/NE (PR) between and at most ``max_ne`` NE."""
    flags = []
    for i, first in enumerate(responses):
        cr = pr = False
        if first in ("CR", "PR"):
            for j in range(i + 1, len(responses)):
                between = responses[i + 1:j]
                if responses[j] not in ("CR", "PR") or days[j] - days[i] < min_days or between.count("NE") > max_ne:
                    continue
                cr |= first == "CR" and responses[j] == "CR" and set(between) <= {"CR", "NE"}
                pr |= set(between) <= {"CR", "PR", "NE"}
        flags.append((cr, pr))
    return flags


def test_confirmation_pairs_equal_the_rule_in_words_on_random_patients():
    """The pairs of visits built with numpy (no self-merge) confirm exactly what the rule in words confirms."""
    import numpy as np

    from oncocohort.derive.best_response import _confirmation

    rng = np.random.default_rng(18)
    rows = []
    for patient in range(300):
        day = 0
        for position in range(int(rng.integers(0, 9))):
            day += int(rng.choice([7, 20, 28, 42]))
            rows.append((patient, position, pd.Timestamp("2022-01-01") + pd.Timedelta(days=day),
                         str(rng.choice(["CR", "PR", "SD", "NE", "NON-CR/NON-PD"], p=[0.3, 0.3, 0.2, 0.15, 0.05]))))
    v = pd.DataFrame(rows, columns=["patient_id", "position", "assessment_date", "overall_response"])
    for min_days, max_ne in ((28, 1), (0, 0), (42, 2)):
        got = _confirmation(v, min_days, max_ne)
        expected = []
        for _, visits in v.groupby("patient_id", sort=True):
            days = ((visits["assessment_date"] - pd.Timestamp("2022-01-01")).dt.days).tolist()
            expected += _confirmed_by_hand(visits["overall_response"].tolist(), days, min_days, max_ne)
        assert list(zip(got["cr_confirmed"], got["pr_confirmed"])) == expected
        assert got["cr_confirmed"].dtype == bool and got["pr_confirmed"].any() and got["cr_confirmed"].any()
