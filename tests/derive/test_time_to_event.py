"""OS, PFS and DoR: every censoring rule and edge case, by hand (days after a 2021-01-01 start)."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.derive.time_to_event import (
    EndpointOptions,
    duration_of_response,
    overall_survival,
    progression_free_survival,
)

START = pd.Timestamp("2021-01-01")
CUTOFF = START + pd.Timedelta(days=400)


def day(n):
    return START + pd.Timedelta(days=n) if n is not None else pd.NaT


def followup(alive=None, death=None, new_therapy=None):
    return pd.DataFrame({"patient_id": ["P1"], "last_known_alive_date": [day(alive)], "death_date": [day(death)],
                         "new_anticancer_therapy_date": [day(new_therapy)]})


def visits(*pairs):
    return pd.DataFrame({"patient_id": "P1", "assessment_date": [day(d) for d, _ in pairs],
                         "overall_response": [r for _, r in pairs]}, columns=["patient_id", "assessment_date",
                                                                              "overall_response"])


def os_row(**kw):
    return overall_survival(pd.Series(START, index=["P1"]), followup(**kw), EndpointOptions(CUTOFF)).iloc[0]


def pfs_row(pairs=(), options=None, **kw):
    options = options or EndpointOptions(CUTOFF)
    return progression_free_survival(pd.Series(START, index=["P1"]), visits(*pairs), followup(**kw), options).iloc[0]


def test_os_rules():
    assert (os_row(alive=100, death=100)[["days", "cnsr"]].tolist()) == [100, 0]
    assert os_row(alive=0, death=0)["days"] == 0  # death on the index day: an event at time 0
    lost = os_row(alive=150)
    assert lost[["days", "cnsr"]].tolist() == [150, 1]
    assert lost["reason"] == "censored at the last known alive date 2021-05-31"
    late = os_row(alive=380, death=420)  # death after the cutoff
    assert late[["days", "cnsr"]].tolist() == [400, 5] and "after the cutoff" in late["reason"]
    assert os_row(alive=500)[["days", "cnsr"]].tolist() == [400, 5]
    assert os_row(alive=100, death=100)["months"] == pytest.approx(100 / 30.4375)


def test_pfs_event_is_the_first_of_pd_and_death():
    row = pfs_row([(42, "SD"), (84, "PD")], alive=200)
    assert row[["days", "cnsr", "reason"]].tolist() == [84, 0, "PD on 2021-03-26"]
    assert pfs_row([(42, "SD")], alive=60, death=60)[["days", "event"]].tolist() == [60, 1]
    same_day = pfs_row([(42, "SD"), (84, "PD")], alive=84, death=84)
    assert same_day["days"] == 84 and same_day["reason"] == "PD and death on 2021-03-26"


def test_pfs_censoring_rules():
    censored = pfs_row([(42, "SD"), (84, "SD"), (126, "NE")], alive=200)
    assert censored[["days", "cnsr"]].tolist() == [84, 1]  # the NE visit is not evaluable
    nothing = pfs_row([], alive=200)
    assert nothing[["days", "cnsr"]].tolist() == [0, 2]
    after_cutoff = pfs_row([(42, "SD"), (420, "PD")], alive=430)
    assert after_cutoff[["days", "cnsr"]].tolist() == [42, 1]
    therapy = pfs_row([(42, "SD"), (84, "SD"), (150, "PD")], alive=200, new_therapy=100)
    assert therapy[["days", "cnsr"]].tolist() == [84, 3] and "new anticancer therapy" in therapy["reason"]
    no_rule = pfs_row([(42, "SD"), (84, "SD"), (150, "PD")], EndpointOptions(CUTOFF, censor_at_new_therapy=False),
                      alive=200, new_therapy=100)
    assert no_rule[["days", "cnsr"]].tolist() == [150, 0]


def test_death_without_assessment_and_missed_assessments():
    window = EndpointOptions(CUTOFF, death_window_days=84)
    assert pfs_row([], window, alive=50, death=50)[["days", "cnsr"]].tolist() == [50, 0]
    late = pfs_row([], window, alive=120, death=120)
    assert late[["days", "cnsr"]].tolist() == [0, 2]
    missed = EndpointOptions(CUTOFF, missed_assessments=2, assessment_interval_days=42)
    gap = pfs_row([(42, "SD"), (200, "PD")], missed, alive=250)  # 158 days > 2 × 42 after the last assessment
    assert gap[["days", "cnsr"]].tolist() == [42, 4]
    on_time = pfs_row([(42, "SD"), (84, "PD")], missed, alive=250)
    assert on_time[["days", "cnsr"]].tolist() == [84, 0]


def test_duration_of_response_only_for_responders():
    first = pd.Series([day(42), pd.NaT], index=["P1", "P2"])
    table = duration_of_response(first, visits((42, "PR"), (84, "PR"), (126, "PD")), followup(alive=200),
                                 EndpointOptions(CUTOFF))
    assert table[["patient_id", "paramcd", "days", "cnsr"]].values.tolist() == [["P1", "DOR", 84, 0]]


def test_time_to_response_and_treatment_failure():
    from oncocohort.derive.time_to_event import time_to_response, time_to_treatment_failure

    ttr = time_to_response(pd.Series([day(42), pd.NaT], index=["P1", "P2"]), pd.Series(START, index=["P1", "P2"]))
    assert ttr[["patient_id", "days", "event"]].values.tolist() == [["P1", 42, 1]]
    exposure = pd.DataFrame({"patient_id": ["P1", "P2", "P3"], "index_date": START,
                             "last_dose_date": [day(100), day(400), day(80)],
                             "ongoing_at_cutoff": [False, True, False],
                             "reason_stopped": ["toxicity", None, None]})
    deaths = pd.DataFrame({"patient_id": ["P1", "P2", "P3"], "death_date": [pd.NaT, pd.NaT, day(60)]})
    ttf = time_to_treatment_failure(exposure, deaths, EndpointOptions(CUTOFF)).set_index("patient_id")
    assert ttf.loc["P1", ["days", "cnsr"]].tolist() == [100, 0] and "toxicity" in ttf.loc["P1", "reason"]
    assert ttf.loc["P2", ["days", "cnsr"]].tolist() == [400, 5]
    assert ttf.loc["P3", ["days", "cnsr"]].tolist() == [60, 0]  # died on treatment


def test_pfs_of_20000_patients_takes_seconds_not_minutes():
    """Issue 14 (scale): PFS built a pandas frame per patient — about a minute for 20,000 patients. Now one pass
    over plain lists; the bound (CPU seconds) is loose but far below the old time. Same rows as a loop of
    one-patient calls on a sample."""
    import time

    import numpy as np

    n, scans = 20_000, 6
    rng = np.random.default_rng(3)
    ids = [f"P{k:05d}" for k in range(n)]
    responses = rng.choice(["SD", "PR", "NE", "PD", None], size=n * scans, p=[0.5, 0.2, 0.1, 0.15, 0.05])
    all_visits = pd.DataFrame({"patient_id": np.repeat(ids, scans),
                               "assessment_date": [day(42 * (1 + k % scans)) for k in range(n * scans)],
                               "overall_response": responses})
    deaths = [day(int(d)) if d < 450 else pd.NaT for d in rng.integers(20, 900, n)]
    follow = pd.DataFrame({"patient_id": ids, "last_known_alive_date": day(300), "death_date": deaths,
                           "new_anticancer_therapy_date": [day(200) if k % 17 == 0 else pd.NaT for k in range(n)]})
    index = pd.Series(START, index=ids)
    options = EndpointOptions(CUTOFF, missed_assessments=2, assessment_interval_days=42)
    started = time.process_time()  # CPU time: other processes on the machine do not count
    table = progression_free_survival(index, all_visits, follow, options)
    assert time.process_time() - started < 15
    assert len(table) == n and set(table["cnsr"]) == {0, 1, 3, 4}
    for k in range(0, n, 997):
        one = progression_free_survival(index.iloc[[k]], all_visits[all_visits["patient_id"] == ids[k]],
                                        follow.iloc[[k]], options).iloc[0]
        assert one.tolist() == table.iloc[k].tolist()
