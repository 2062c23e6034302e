"""Categories a person types (issue 13 item 2): spellings differing only by case, spaces or width are one category."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort import validate_study
from oncocohort.derive.analysis_datasets import derive_study
from oncocohort.io.checks.categories import category_key, merge_spelling_variants
from oncocohort.io.problems import ProblemLog
from oncocohort.io.template import STUDY_TOML
from tests.study_builder import example_tables, found, write_study


def _more_patients(tables, groups: list[str]) -> None:
    """Patients P003, P004, ... (rows 4, 5, ...) copied from P001 with the given histology_group."""
    for i, group in enumerate(groups, start=3):
        pid = f"P{i:03d}"
        tables["patients"].append(dict(tables["patients"][0], patient_id=pid, histology_group=group))
        tables["followup"].append(dict(patient_id=pid, last_known_alive_date="2022-01-01"))


def test_category_key_ignores_case_spaces_and_width():
    assert category_key("LMS") == category_key(" lms ") == category_key("L MS") == category_key("ＬＭＳ")
    assert category_key("Synovial  sarcoma") == category_key("synovial sarcoma")
    assert category_key("LMS") != category_key("LPS")


@pytest.mark.parametrize("layout", ["xlsx", "csv"])
def test_variants_are_merged_to_the_most_frequent_spelling_with_one_warning(tmp_path, layout):
    tables = example_tables()  # P001 SS (row 2), P002 ASPS (row 3)
    _more_patients(tables, ["ss", "ＳＳ", "SS", "S S"])  # rows 4-7
    report = validate_study(write_study(tmp_path / "s", tables, layout=layout))
    assert report.ok
    warnings = found(report.problems, "warning", "value.spelling_variants", "patients", 4, "histology_group")
    assert len(warnings) == 1 and len([p for p in report.problems if p.rule == "value.spelling_variants"]) == 1
    message = warnings[0].message
    assert warnings[0].value == "ss"
    assert "'SS' (rows 2, 6)" in message and "'ss' (row 4)" in message and "'ＳＳ' (row 5)" in message
    assert "'S S' (row 7)" in message and "read as one category, 'SS'" in message
    study = report.study
    assert study.patients["histology_group"].tolist() == ["SS", "ASPS", "SS", "SS", "SS", "SS"]
    (merge,) = study.category_merges
    assert (merge.table, merge.column, merge.kept) == ("patients", "histology_group", "SS")
    assert dict(merge.spellings) == {"SS": (2, 6), "ss": (4,), "ＳＳ": (5,), "S S": (7,)}
    assert merge.describe().startswith("histology_group (patients): 'ss' (row 4), ")
    # one group in every analysis that reads the subject-level data set
    assert derive_study(study).adsl["histology_group"].value_counts().to_dict() == {"SS": 5, "ASPS": 1}


def test_a_tie_goes_to_the_spelling_first_in_the_table():
    frame = pd.DataFrame({"patient_id": ["A", "B", "C", "D"], "histology": ["lms", "LMS", "LMS", "lms"],
                          "histology_group": [None] * 4, "source_row": [2, 3, 4, 5]})
    tables, merges = merge_spelling_variants({"patients": frame}, {"patients": "patients.csv"}, ProblemLog())
    assert merges[0].kept == "lms" and tables["patients"]["histology"].tolist() == ["lms"] * 4
    assert frame["histology"].tolist() == ["lms", "LMS", "LMS", "lms"]  # the input frame is untouched


def test_drugs_text_covariates_and_unknown_terms_are_grouping_columns(tmp_path):
    tables = example_tables()
    tables["patients"][0]["pdl1"] = "Positive"
    tables["patients"][1]["pdl1"] = "positive "
    tables["treatments"][1]["drug"] = "Anlotinib"  # row 3; rows 2 and 5 say anlotinib
    tables["adverse_events"][0]["term"] = "Hand foot syndrome"  # not CTCAE wording
    tables["adverse_events"][1]["term"] = "hand-foot syndrome".replace("-", " ").upper()
    toml = STUDY_TOML.replace('unknown_terms = "error"', 'unknown_terms = "warning"')
    report = validate_study(write_study(tmp_path / "s", tables, toml=toml))
    got = {(p.table, p.column, p.row) for p in report.problems if p.rule == "value.spelling_variants"}
    assert got == {("patients", "pdl1", 3), ("treatments", "drug", 3), ("adverse_events", "term", 3)}
    study = report.study
    assert set(study.patients["pdl1"]) == {"Positive"}
    assert set(study.tables["treatments"]["drug"]) == {"anlotinib", "sintilimab", "camrelizumab"}


def test_ctcae_terms_are_left_to_the_dictionary(tmp_path):
    tables = example_tables()
    tables["adverse_events"][1]["term"] = "fatigue"  # same CTCAE term as row 2's "Fatigue"
    report = validate_study(write_study(tmp_path / "s", tables))
    assert report.ok and not [p for p in report.problems if p.rule == "value.spelling_variants"]


def test_strict_categories_makes_variants_an_error(tmp_path):
    tables = example_tables()
    _more_patients(tables, ["ss"])
    toml = STUDY_TOML.replace("[study]\n", "[study]\nstrict_categories = true\n", 1)
    report = validate_study(write_study(tmp_path / "s", tables, toml=toml))
    (error,) = found(report.problems, "error", "value.spelling_variants", "patients", 4, "histology_group")
    assert "'SS' (row 2), 'ss' (row 4)" in error.message and "write one spelling" in error.message
    assert report.study is None and len(report.errors) == 1


def test_strict_categories_must_be_true_or_false(tmp_path):
    toml = STUDY_TOML.replace("[study]\n", '[study]\nstrict_categories = "yes"\n', 1)
    report = validate_study(write_study(tmp_path / "s", example_tables(), toml=toml))
    assert [(p.rule, p.column) for p in report.errors] == [("config.type", "strict_categories")]
