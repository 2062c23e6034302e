"""Validate predicts the report (issue 13 item 5, issue 14 "Messages"): the cohort eligibility would give, and a
message naming what excludes everybody — the criterion, or the regimen when nobody received a regimen drug."""

from __future__ import annotations

import pytest

from oncocohort import load_study
from oncocohort.derive.analysis_datasets import derive_study
from oncocohort.derive.preview import nobody_included_message, preview_cohort
from oncocohort.io.template import STUDY_TOML
from oncocohort.report.build import ReportError, build_report
from tests.study_builder import example_tables, write_study

AGE = 'field = "age"\noperator = ">="\nvalue = '
RECORDED = STUDY_TOML.replace('criteria = "recist1.1"', 'criteria = "recorded"')


def _lines(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


def _other_drugs(tables) -> None:
    for row in tables["treatments"]:
        row["drug"] = "doxorubicin" if row["drug"] == "anlotinib" else "ifosfamide"


def test_a_valid_cohort_is_counted_like_derive(tmp_path):
    study = load_study(write_study(tmp_path / "s", example_tables()))
    preview = preview_cohort(study)
    assert (preview.screened, preview.included, preview.problems) == (2, 2, ())
    assert preview.summary() == "eligibility: 2 screened, 2 would be included"
    assert preview.included == len(derive_study(study).eligibility.included)


def test_one_excluded_patient_is_named_by_its_criterion(tmp_path):
    study = load_study(write_study(tmp_path / "s", example_tables(), toml=STUDY_TOML.replace(AGE + "18", AGE + "50")))
    preview = preview_cohort(study)
    assert (preview.included, preview.problems) == (1, ())
    assert preview.summary() == "eligibility: 2 screened, 1 would be included (Age 18 years or older: 1 excluded)"
    assert preview.as_dict()["excluded_by"] == [{"criterion": "Age 18 years or older", "n_excluded": 1}]


def test_recorded_responses_only_blame_the_lesion_criterion(tmp_path):
    tables = example_tables()
    del tables["lesions"]
    study = load_study(write_study(tmp_path / "s", tables, toml=RECORDED))
    (problem,) = preview_cohort(study).problems
    assert (problem.severity, problem.rule, problem.source, problem.table, problem.column, problem.value) == (
        "error", "eligibility.nobody_included", "study.toml", "eligibility.criteria", "field",
        "baseline_target_lesions")
    assert problem.row == _lines(RECORDED, 'field = "baseline_target_lesions"') - 3  # the [[eligibility.criteria]]
    assert problem.message.startswith('no patient is included: criterion 5 "At least one measurable target lesion')
    assert "records responses only" in problem.message


def test_drugs_outside_the_regimen_blame_the_regimen_not_the_lesion_criterion(tmp_path):
    tables = example_tables()
    _other_drugs(tables)
    study = load_study(write_study(tmp_path / "s", tables))
    (problem,) = preview_cohort(study).problems
    assert (problem.rule, problem.table, problem.row) == ("eligibility.nobody_included", "regimen.components", None)
    assert "no patient received a drug of the regimen" in problem.message
    assert "doxorubicin (3 rows), ifosfamide (2 rows)" in problem.message
    assert "baseline_target_lesions" not in problem.message


def test_regimen_started_after_the_cutoff_is_said(tmp_path):
    toml = STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 2021-02-26\nearly_cutoff_intended = true")
    study = load_study(write_study(tmp_path / "s", example_tables(), toml=toml))
    (problem,) = [p for p in preview_cohort(study).problems if p.severity == "error"]
    assert "started a regimen drug on or before the data cutoff 2021-02-26" in problem.message


def test_a_blank_field_for_everybody_is_said(tmp_path):
    tables = example_tables()
    for row in tables["patients"]:
        row["pdl1"] = None
    tables["patients"][0]["pdl1"] = "x"  # the column exists (a covariate) but is blank where it matters
    toml = STUDY_TOML.replace(AGE + "18", AGE + "18\n\n[[eligibility.criteria]]\nkind = \"include\"\n"
                              "label = \"PD-L1 known\"\nfield = \"pdl1\"\noperator = \"==\"\nvalue = \"y\"", 1)
    study = load_study(write_study(tmp_path / "s", tables, toml=toml))
    (problem,) = preview_cohort(study).problems
    assert 'criterion 3 "PD-L1 known" (pdl1 == \'y\'' in problem.message
    assert "(1 fail it and 1 have no value)" in problem.message and "pdl1 is x (1 patient), blank (1 patient)" in \
        problem.message


def test_missing_policy_error_is_a_validation_error(tmp_path):
    # P002 received camrelizumab, not sintilimab: no starting dose of sintilimab, and the policy says "error"
    toml = STUDY_TOML.replace(AGE + "18", 'field = "starting_dose:sintilimab"\noperator = ">="\nvalue = 18\n'
                              'missing = "error"')
    study = load_study(write_study(tmp_path / "s", example_tables(), toml=toml))
    problems = preview_cohort(study).problems
    assert [(p.rule, p.table, p.column, p.value) for p in problems] == [
        ("eligibility.missing_value", "eligibility.criteria", "missing", "error")]
    assert problems[0].row == _lines(toml, 'field = "starting_dose:sintilimab"') - 3
    assert "starting_dose:sintilimab is missing for P002" in problems[0].message


def test_report_stops_with_the_same_message(tmp_path):
    tables = example_tables()
    _other_drugs(tables)
    folder = write_study(tmp_path / "s", tables)
    expected = nobody_included_message(load_study(folder))
    with pytest.raises(ReportError) as caught:
        build_report(folder, tmp_path / "out")
    assert str(caught.value).startswith(expected)
    assert "no patient received a drug of the regimen" in str(caught.value)
