"""OS, PFS and DoR: every censoring rule and edge case, by hand (days after a 2021-01-01 start)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocohort.derive.time_to_event import (
    DAYS_PER_MONTH,
    TTE_COLUMNS,
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


def test_pfs_of_20000_patients_in_one_pass_equals_one_patient_calls():
    """Issue 14 (scale): PFS built a pandas frame per patient — about a minute for 20,000 patients; now vectorised
    (timed in benchmarks/pipeline_growth.py). Same rows as a loop of one-patient calls on a sample."""

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
    table = progression_free_survival(index, all_visits, follow, options)  # speed: benchmarks/pipeline_growth.py
    assert len(table) == n and set(table["cnsr"]) == {0, 1, 3, 4}
    for k in range(0, n, 997):
        one = progression_free_survival(index.iloc[[k]], all_visits[all_visits["patient_id"] == ids[k]],
                                        follow.iloc[[k]], options).iloc[0]
        assert one.tolist() == table.iloc[k].tolist()


# --- the vectorised PFS/DoR equals the per-patient loop it replaced (kept here as the reference) -------------------

def _row(pid, paramcd, start, end, cnsr, reason):
    days = (end - start).days
    return {"patient_id": pid, "paramcd": paramcd, "start_date": start, "end_date": end, "days": days,
            "months": days / DAYS_PER_MONTH, "event": int(cnsr == 0), "cnsr": cnsr, "reason": reason}


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def progression_row_reference(pid, paramcd, start, assessments: list[tuple[pd.Timestamp, object]], death, new_therapy,
                     options):
    """PFS/DoR for one patient; ``assessments`` = (date, overall response) pairs of the patient, any order.

    Plain Python over the patient's few assessments: a pandas frame per patient made PFS of 20,000 patients take
    minutes."""
    cutoff = pd.Timestamp(options.data_cutoff)
    visits = [(date, response) for date, response in assessments
              if pd.notna(date) and start < date <= cutoff]
    evaluable = [date for date, response in visits if pd.notna(response) and response != "NE"]
    pd_dates = [date for date, response in visits if pd.notna(response) and response == "PD"]
    first_pd = min(pd_dates) if pd_dates else pd.NaT
    death = death if pd.notna(death) and death <= cutoff else pd.NaT
    candidates = [d for d in (first_pd, death) if pd.notna(d)]
    event_date = min(candidates) if candidates else pd.NaT

    def last_evaluable(before):
        dates = [date for date in evaluable if date <= before]
        return max(dates) if dates else pd.NaT

    if options.censor_at_new_therapy and pd.notna(new_therapy) and new_therapy <= cutoff and (
            pd.isna(event_date) or new_therapy < event_date):
        last = last_evaluable(new_therapy)
        end = last if pd.notna(last) else start
        where = _iso(last) if pd.notna(last) else "(none: the start)"
        return _row(pid, paramcd, start, end, 3, f"new anticancer therapy on {_iso(new_therapy)} before progression: "
                    f"censored at the last evaluable assessment {where}")
    if pd.notna(event_date):
        what = " and ".join(n for n, d in (("PD", first_pd), ("death", death)) if pd.notna(d) and d == event_date)
        last = last_evaluable(event_date - pd.Timedelta(days=1))
        if not evaluable and pd.isna(first_pd):
            window = options.death_window_days
            if window is not None and (event_date - start).days > window:
                return _row(pid, paramcd, start, start, 2, f"death on {_iso(event_date)} more than {window} days after "
                            "the start without any tumour assessment: censored at the start")
        reference = last if pd.notna(last) else start
        if options.missed_assessments and options.assessment_interval_days and (
                (event_date - reference).days > options.missed_assessments * options.assessment_interval_days):
            return _row(pid, paramcd, start, reference, 4, f"{what} on {_iso(event_date)} after ≥ "
                        f"{options.missed_assessments} missed assessments: censored at the last evaluable "
                        f"assessment {_iso(reference)}")
        return _row(pid, paramcd, start, event_date, 0, f"{what} on {_iso(event_date)}")
    if not evaluable:
        return _row(pid, paramcd, start, start, 2,
                    "no evaluable tumour assessment after the start: censored at the start")
    last = max(evaluable)
    return _row(pid, paramcd, start, last, 1, f"no progression or death: censored at the last evaluable assessment "
                f"{_iso(last)}")


def assessments_by_patient(visits: pd.DataFrame) -> dict[object, list[tuple[pd.Timestamp, object]]]:
    """patient_id → list of (assessment date as a Timestamp, overall response), in one pass over ``visits``."""
    dates = pd.to_datetime(visits["assessment_date"])
    out: dict[object, list] = {}
    for pid, date, response in zip(visits["patient_id"], dates, visits["overall_response"]):
        out.setdefault(pid, []).append((date, response))
    return out


def pfs_reference(index_dates: pd.Series, visits: pd.DataFrame, followup: pd.DataFrame,
                              options: EndpointOptions) -> pd.DataFrame:
    """PFS per patient of ``index_dates``; ``visits``: patient_id, assessment_date, overall_response."""
    status = followup.drop_duplicates("patient_id").set_index("patient_id")
    by_patient = assessments_by_patient(visits)
    deaths = status["death_date"].to_dict()
    new_therapy = status["new_anticancer_therapy_date"].to_dict() if "new_anticancer_therapy_date" in status else {}
    rows = [progression_row_reference(pid, "PFS", start, by_patient.get(pid, []), deaths.get(pid, pd.NaT),
                             new_therapy.get(pid), options)
            for pid, start in index_dates.sort_index().items()]
    return pd.DataFrame(rows, columns=list(TTE_COLUMNS))


def random_study(rng, n_patients=60):
    """Patients with every situation: no scans, NE only, PD and death on one day, scans before the start or
    after the cutoff, missing dates or responses, deaths after the cutoff, new therapy before/after the event."""
    ids = [f"P{i:03d}" for i in range(n_patients)]
    starts = pd.Series([day(int(d)) for d in rng.integers(-10, 30, n_patients)], index=ids)
    rows = []
    for pid in ids:
        for _ in range(int(rng.integers(0, 7))):
            when = None if rng.random() < 0.05 else int(rng.integers(-20, 480))
            response = rng.choice(["CR", "PR", "SD", "PD", "NE", None], p=[.1, .2, .3, .15, .15, .1])
            rows.append((pid, day(when), response))
    scans = pd.DataFrame(rows, columns=["patient_id", "assessment_date", "overall_response"])
    if len(scans) > 3:  # PD on the day of death for some patients
        scans.loc[scans.index[:3], "overall_response"] = "PD"
    deaths = [day(int(d)) if rng.random() < 0.5 else pd.NaT for d in rng.integers(5, 450, n_patients)]
    for i in range(3):
        if len(scans) > i and pd.notna(scans["assessment_date"].iloc[i]):
            deaths[ids.index(scans["patient_id"].iloc[i])] = scans["assessment_date"].iloc[i]
    therapy = [day(int(d)) if rng.random() < 0.3 else pd.NaT for d in rng.integers(5, 450, n_patients)]
    follow = pd.DataFrame({"patient_id": ids, "last_known_alive_date": [day(200)] * n_patients,
                           "death_date": deaths, "new_anticancer_therapy_date": therapy})
    follow = pd.concat([follow, follow.iloc[:2].assign(death_date=pd.NaT)], ignore_index=True)  # duplicates
    return starts, scans, follow


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_pfs_and_dor_equal_the_per_patient_loop(seed):
    rng = np.random.default_rng(seed)
    starts, scans, follow = random_study(rng)
    options = EndpointOptions(CUTOFF, death_window_days=[None, 84][seed % 2], censor_at_new_therapy=seed % 3 != 0,
                              missed_assessments=[None, 2][(seed // 2) % 2], assessment_interval_days=42)
    expected = pfs_reference(starts, scans, follow, options)
    got = progression_free_survival(starts, scans, follow, options)
    assert set(expected["cnsr"]) >= {0, 1, 2}
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    responders = pd.Series([day(int(d)) if rng.random() < 0.4 else pd.NaT for d in rng.integers(40, 200, len(starts))],
                           index=starts.index)
    expected_dor = pfs_reference(responders.dropna(), scans, follow, options)
    expected_dor["paramcd"] = "DOR"
    pd.testing.assert_frame_equal(duration_of_response(responders, scans, follow, options), expected_dor,
                                  check_dtype=False)


def test_pfs_without_patients_or_scans():
    options = EndpointOptions(CUTOFF)
    empty = progression_free_survival(pd.Series([], dtype="datetime64[ns]"), visits(), followup(), options)
    assert empty.empty and list(empty.columns) == list(TTE_COLUMNS)
    table = progression_free_survival(pd.Series([START], index=["P1"]), visits(), followup(), options)
    assert table[["cnsr", "days", "reason"]].values.tolist() == [
        [2, 0, "no evaluable tumour assessment after the start: censored at the start"]]


def test_os_of_many_patients_takes_each_rule_in_order_per_patient():
    """OS vectorised over patients: every rule (death by the cutoff, death after it, alive beyond it, last alive,
    last alive before the index date, no follow-up) at once, rows in patient order, types as one patient's row."""
    index = pd.Series([START, START, START, START, START + pd.Timedelta(days=30), START],
                      index=["P6", "P2", "P1", "P3", "P4", "P5"])
    follow = pd.DataFrame({"patient_id": ["P1", "P2", "P3", "P4", "P1", "P9"],
                           "last_known_alive_date": [day(100), day(300), day(450), day(10), day(5), day(1)],
                           "death_date": [day(120), day(420), None, None, None, None]})
    os_ = overall_survival(index, follow, EndpointOptions(CUTOFF))
    assert os_["patient_id"].tolist() == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert os_["cnsr"].tolist() == [0, 5, 5, 1, 1, 1] and os_["event"].tolist() == [1, 0, 0, 0, 0, 0]
    assert os_["days"].tolist() == [120, 400, 400, 0, 0, 0]
    assert os_["end_date"].tolist() == [day(120), CUTOFF, CUTOFF, day(30), START, START]
    assert os_["reason"].tolist() == [
        "death on 2021-05-01", "alive at data cutoff 2022-02-05 (death on 2022-02-25 is after the cutoff)",
        "alive at data cutoff 2022-02-05 (known alive beyond the cutoff)",
        "censored at the last known alive date 2021-01-11", "no follow-up information: censored at the index date",
        "no follow-up information: censored at the index date"]
    one = os_row(death=120)
    for column in os_.columns:
        assert os_[column].dtype == pd.Series([one[column]]).infer_objects().dtype or column == "months", column
    assert os_["months"].dtype == np.float64 and os_["months"].iloc[0] == 120 / 30.4375


def _ttf_by_loop(exposure, followup, options):
    """The per-patient loop TTF was before it was vectorised (commit 3202bc4), kept as the reference."""
    cutoff = pd.Timestamp(options.data_cutoff)
    deaths = followup.drop_duplicates("patient_id").set_index("patient_id")["death_date"]
    rows = []
    for record in exposure.sort_values("patient_id").itertuples():
        death = deaths.get(record.patient_id, pd.NaT)
        death = death if pd.notna(death) and death <= cutoff else pd.NaT
        if pd.notna(death) and (record.ongoing_at_cutoff or death <= record.last_dose_date):
            end, cnsr, reason = death, 0, f"death on {death.date().isoformat()} on treatment"
        elif record.ongoing_at_cutoff:
            end, cnsr, reason = cutoff, 5, "regimen ongoing at data cutoff"
        else:
            why = record.reason_stopped if isinstance(record.reason_stopped, str) else "reason not recorded"
            end, cnsr = record.last_dose_date, 0
            reason = f"regimen stopped on {end.date().isoformat()} ({why})"
        days = (end - record.index_date).days
        rows.append({"patient_id": record.patient_id, "paramcd": "TTF", "start_date": record.index_date,
                     "end_date": end, "days": days, "months": days / DAYS_PER_MONTH, "event": int(cnsr == 0),
                     "cnsr": cnsr, "reason": reason})
    return pd.DataFrame(rows, columns=list(TTE_COLUMNS))


def test_time_to_treatment_failure_of_5000_patients_equals_the_loop():
    """Issue 18 (registry scale): TTF looped over patients; vectorised, it gives the loop's rows, dtypes and
    reasons — deaths before, on and after the last dose and after the cutoff, ongoing regimens, missing reasons."""
    from oncocohort.derive.time_to_event import time_to_treatment_failure

    n = 5_000
    rng = np.random.default_rng(18)
    ids = [f"P{k:05d}" for k in rng.permutation(n)]
    last = rng.integers(0, 500, n)
    exposure = pd.DataFrame({"patient_id": ids, "index_date": [day(int(d)) for d in rng.integers(-30, 5, n)],
                             "last_dose_date": [day(int(d)) for d in last], "ongoing_at_cutoff": last > 400,
                             "reason_stopped": rng.choice(["toxicity", "progression", None], n)})
    deaths = [day(int(d)) if d < 600 else pd.NaT for d in rng.integers(0, 900, n)]
    follow = pd.DataFrame({"patient_id": ids[: n - 50], "death_date": deaths[: n - 50]})  # 50 without follow-up
    options = EndpointOptions(CUTOFF)
    ours, loop = time_to_treatment_failure(exposure, follow, options), _ttf_by_loop(exposure, follow, options)
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), loop)
    assert set(ours["cnsr"]) == {0, 5} and ours["reason"].str.contains("on treatment").any()


def test_a_missing_date_gives_no_days_not_a_huge_integer():
    """A regimen without a start or last-dose date (a screened patient who was never treated) has unknown days —
    NaN as the per-patient loop gave — never NaT's integer (-9223372036854775808 // 86400e9) and no RuntimeWarning."""
    import warnings

    from oncocohort.derive.time_to_event import time_to_treatment_failure

    exposure = pd.DataFrame({"patient_id": ["P1", "P2"], "index_date": [START, pd.NaT],
                             "last_dose_date": [day(100), pd.NaT], "ongoing_at_cutoff": [False, False],
                             "reason_stopped": ["toxicity", None]})
    deaths = pd.DataFrame({"patient_id": ["P1", "P2"], "death_date": [pd.NaT, pd.NaT]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ttf = time_to_treatment_failure(exposure, deaths, EndpointOptions(CUTOFF)).set_index("patient_id")
    assert ttf.loc["P1", "days"] == 100 and np.isnan(ttf.loc["P2", "days"]) and np.isnan(ttf.loc["P2", "months"])
