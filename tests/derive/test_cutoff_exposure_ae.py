"""Data cutoff, exposure and adverse events, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.derive.adverse_events import flag_adverse_events, worst_grade
from oncocohort.derive.cutoff import apply_cutoff
from oncocohort.derive.exposure import exposure
from oncocohort.io.config import RegimenSettings

T = pd.Timestamp
REGIMEN = RegimenSettings("A + PD-1", (("anlotinib", ("anlotinib",)), ("PD-1", ("sintilimab",))), cycle_days=21)


def treatments():
    return pd.DataFrame({
        "patient_id": ["P1", "P1", "P1", "P1", "P2"],
        "drug": ["anlotinib", "anlotinib", "anlotinib", "sintilimab", "anlotinib"],
        "start_date": [T("2021-01-01"), T("2021-03-01"), T("2021-05-01"), T("2021-01-01"), T("2021-02-01")],
        "end_date": [T("2021-02-27"), T("2021-04-20"), T("2021-06-30"), T("2021-06-30"), pd.NaT],
        "dose": [12.0, 10.0, 8.0, 200.0, 10.0], "dose_unit": "mg",
        "reason_stopped": [None, None, "progression", "progression", None], "source_row": [2, 3, 4, 5, 6],
    })


def test_cutoff_cuts_counts_and_lists():
    tables = {
        "treatments": treatments(),
        "followup": pd.DataFrame({
            "patient_id": ["P1", "P2"], "last_known_alive_date": [T("2021-09-01"), T("2022-02-01")],
            "death_date": [T("2021-09-01"), pd.NaT], "new_anticancer_therapy_date": [pd.NaT, pd.NaT],
            "source_row": [2, 3]}),
    }
    cut, listing = apply_cutoff(tables, "2021-06-01")
    assert listing[["table", "source_row", "column", "action"]].values.tolist() == [
        ["followup", 2, "death_date", "not counted (after cutoff)"],
        ["followup", 2, "last_known_alive_date", "set to the cutoff"],
        ["followup", 3, "last_known_alive_date", "set to the cutoff"],
        ["treatments", 4, "end_date", "ongoing at cutoff"],
        ["treatments", 5, "end_date", "ongoing at cutoff"],
    ]
    assert cut["treatments"]["end_date"].isna().sum() == 3 and pd.isna(cut["followup"]["death_date"][0])
    assert tables["followup"]["death_date"][0] == T("2021-09-01")  # the input is not modified


def test_exposure():
    index = pd.Series([T("2021-01-01"), T("2021-02-01")], index=["P1", "P2"])
    table = exposure(treatments(), index, REGIMEN, "2021-12-31").set_index("patient_id")
    p1, p2 = table.loc["P1"], table.loc["P2"]
    assert p1["dose_reductions"] == 2 and p1["interruptions"] == 2  # 12 → 10 → 8 mg, gaps after Feb 27 and Apr 20
    assert p1["treatment_days"] == 181 and p1["cycles"] == 9  # Jan 1 – Jun 30; ceil(181 / 21)
    assert p1["reason_stopped"] == "progression" and not p1["ongoing_at_cutoff"]
    assert p1["starting_dose:anlotinib"] == 12
    delivered = 12 * 58 + 10 * 51 + 8 * 61
    assert p1["relative_dose_intensity:anlotinib"] == pytest.approx(delivered / (12 * 181))
    assert p2["ongoing_at_cutoff"] and pd.isna(p2["reason_stopped"]) and p2["treatment_days"] == 334


def test_treatment_emergent_flag_soc_and_worst_grade():
    events = pd.DataFrame({
        "patient_id": ["P1", "P1", "P1", "P1", "P2"],
        "term": ["fatigue", "Fatigue", "Hypertension", "Hypertension", "Diarrhea"],
        "grade": [1, 3, 2, 2, 2], "related": ["yes", "no", "yes", "yes", "yes"],
        "onset_date": [T("2020-12-20"), T("2021-02-01"), T("2021-03-01"), T("2021-08-15"), T("2021-03-01")],
    })
    index = pd.Series([T("2021-01-01")], index=["P1"])
    last = pd.Series([T("2021-06-30")], index=["P1"])
    flagged = flag_adverse_events(events, index, last, 30)
    assert flagged["teae"].tolist() == [False, True, True, False, False]
    assert flagged["teae_reason"].tolist()[0] == "onset before the first dose"
    assert flagged["teae_reason"].tolist()[3] == "onset more than 30 days after the last dose"
    assert flagged["soc"].tolist()[1] == "General disorders and administration site conditions"
    worst = worst_grade(flagged)
    assert worst[["ctcae_term", "max_grade"]].values.tolist() == [["Fatigue", 3], ["Hypertension", 2]]
    assert worst_grade(flagged, related_only=True)["ctcae_term"].tolist() == ["Hypertension"]
