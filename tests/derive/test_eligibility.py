"""Index date and eligibility with attrition (the data behind a CONSORT diagram)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from oncocohort.derive.eligibility import apply_eligibility
from oncocohort.derive.index_date import component_drugs, regimen_starts
from oncocohort.io.config import Criterion, EligibilitySettings, RegimenSettings

REGIMEN = RegimenSettings("A + PD-1", (("anlotinib", ("anlotinib",)), ("PD-1", ("sintilimab", "camrelizumab"))))
TREATMENTS = pd.DataFrame({
    "patient_id": ["P1", "P1", "P1", "P2", "P3"],
    "drug": ["Anlotinib", "anlotinib", "sintilimab", "camrelizumab", "anlotinib"],
    "start_date": pd.to_datetime(["2021-03-01", "2021-06-01", "2021-03-08", "2021-04-02", "2021-05-05"]),
    "dose": [12, 10, 200, 200, 10], "source_row": [2, 3, 4, 5, 6],
})


def test_index_date_rules():
    first = regimen_starts(TREATMENTS, REGIMEN)
    assert first.loc["P1", "index_date"] == pd.Timestamp("2021-03-01")
    assert first["received_regimen"].to_dict() == {"P1": "yes", "P2": "no", "P3": "no"}
    both = regimen_starts(TREATMENTS, RegimenSettings(REGIMEN.name, REGIMEN.components, "all_components_started"))
    assert both.loc["P1", "index_date"] == pd.Timestamp("2021-03-08")  # the PD-1 inhibitor started a week later
    assert pd.isna(both.loc["P2", "index_date"])
    drugs = component_drugs(TREATMENTS, REGIMEN)
    assert drugs.loc["P1", "component_drug:PD-1"] == "sintilimab"
    assert drugs.loc["P1", "starting_dose:anlotinib"] == 12  # not the later 10 mg period


def criterion(kind, field, op, value=None, missing=None, label=None):
    return Criterion(kind, label or f"{field} {op} {value}", field, op, value, missing)


FIELDS = pd.DataFrame({
    "age": [48, 17, 60, None, 70, 55],
    "ecog": [1, 0, 3, 1, 2, 0],
    "histology": ["Synovial sarcoma", "Ewing sarcoma", "LMS", "ASPS", "osteosarcoma ", "LPS"],
    "brain_metastases": ["none", "none", "none", "active", "stable", "none"],
    "diagnosis_date": pd.to_datetime(["2019-01-01"] * 6),
}, index=pd.Index([f"P{i}" for i in range(1, 7)], name="patient_id"))


def test_criteria_in_order_with_attrition_that_adds_up():
    settings = EligibilitySettings((
        criterion("include", "age", ">=", 18),
        criterion("include", "ecog", "between", [0, 2]),
        criterion("exclude", "histology", "in", ["Ewing sarcoma", "Osteosarcoma", "GIST"]),
        criterion("exclude", "brain_metastases", "==", "Active"),
        criterion("include", "diagnosis_date", "<", dt.date(2020, 1, 1)),
    ), missing="exclude")
    result = apply_eligibility(FIELDS, settings)
    table = result.attrition_table()
    assert table["n_excluded_criterion"].tolist() == [1, 1, 1, 0, 0]
    assert table["n_excluded_missing_data"].tolist() == [1, 0, 0, 0, 0]  # P4 has no age
    assert table["excluded_ids"].tolist() == ["P2;P4", "P3", "P5", "", ""]
    assert result.included == ("P1", "P6")
    # screened = included + excluded, and each step starts where the previous ended
    assert len(result.screened) == len(result.included) + table["n_excluded"].sum()
    assert table["n_at_step"].tolist()[1:] == table["n_remaining"].tolist()[:-1]


def test_missing_data_policies():
    keep = apply_eligibility(FIELDS, EligibilitySettings((criterion("include", "age", ">=", 18, missing="include"),)))
    assert "P4" in keep.included and keep.steps[0].missing_included_ids == ("P4",)
    strict = apply_eligibility(FIELDS, EligibilitySettings((criterion("include", "age", ">=", 18),), missing="error"))
    assert strict.errors == ("criterion 1 (age >= 18): age is missing for P4",)
    blank = apply_eligibility(FIELDS, EligibilitySettings((criterion("exclude", "age", "is missing"),)))
    assert blank.steps[0].excluded_ids == ("P4",) and blank.steps[0].n_excluded_missing == 0
