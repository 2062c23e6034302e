"""study.toml checked against the data before any derivation (issue 14 item 2) and the data cutoff against the
study's dates (issue 13 item 1): one located message each, and nothing else reported."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

from oncocohort import validate_study
from oncocohort.io.template import STUDY_TOML
from tests.study_builder import example_tables, write_study

AGE_CRITERION = 'label = "Age 18 years or older"\nfield = "age"\noperator = ">="\nvalue = 18'


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(needle))


def problems_of(tmp_path, toml, tables=None):
    report = validate_study(write_study(tmp_path / "s", tables or example_tables(), toml=toml))
    return report.problems


def with_criterion(field, operator, value):
    text = STUDY_TOML.replace(AGE_CRITERION, f'label = "Changed"\nfield = "{field}"\noperator = "{operator}"\n'
                                             f"value = {value}")
    assert text != STUDY_TOML
    return text


@pytest.mark.parametrize("field, operator, value, column, words", [
    ("histology", ">=", "1", "operator", "histology is text: '>=' compares numbers or dates"),
    ("histology", "between", "[0, 2]", "operator", "histology is text: 'between'"),
    ("birth_date", ">=", "1950", "value", "birth_date is a date: compare it with a date"),
    ("birth_date", "between", "[1950, 1960]", "operator", "write two criteria"),
    ("age", ">=", "1950-01-01", "value", "age is a number; datetime.date(1950, 1, 1) is a date"),
    ("age", "==", '"48"', "value", "age is a number: write 48 without quotes"),
    ("age", "in", '[48, "sixty"]', "value", "age is a number; 'sixty' is text"),
    ("histology_group", "==", "1", "value", 'histology_group is text: write the value in quotes, "1"'),
    ("received_regimen", ">", "0", "operator", "received_regimen is text"),
    ("baseline_target_lesions", "==", '"one"', "value", "baseline_target_lesions is a whole number"),
])
def test_criterion_against_its_field_type(tmp_path, field, operator, value, column, words):
    toml = with_criterion(field, operator, value)
    [problem] = problems_of(tmp_path, toml)
    assert (problem.severity, problem.rule, problem.source, problem.table, problem.row, problem.column) == (
        "error", "config.field_type", "study.toml", "eligibility.criteria",
        line_of(toml, 'label = "Changed"') - 2, column)  # the criterion's [[eligibility.criteria]] line
    assert words in problem.message


@pytest.mark.parametrize("field, operator, value, words", [
    ("ecog", "==", "7", "ecog runs from 0 to 4: 7 lies outside"),
    ("ecog", "in", "[1, 1.5]", "ecog is a whole number: 1.5 equals no patient's value"),
    ("age", ">=", "150", "age runs from 0 to 120"),
    ("prior_systemic_lines", "between", "[-2, 1]", "prior_systemic_lines runs from 0 to 30"),
])
def test_criterion_value_outside_the_column_range(tmp_path, field, operator, value, words):
    toml = with_criterion(field, operator, value)
    [problem] = problems_of(tmp_path, toml)
    assert (problem.rule, problem.table, problem.column) == ("config.out_of_range", "eligibility.criteria", "value")
    assert words in problem.message


def test_covariate_columns_take_their_kind_from_the_data(tmp_path):
    """An extra patients column is a number when every value is one, text otherwise."""
    tables = example_tables()
    for row, (score, grade) in zip(tables["patients"], ((1.5, "G1"), (2.5, "G3"))):
        row.update(ki67=score, grade=grade)
    assert problems_of(tmp_path, with_criterion("ki67", ">=", "1"), tables) == ()
    [problem] = problems_of(tmp_path, with_criterion("grade", ">=", "1"), tables)
    assert problem.rule == "config.field_type" and "grade is text" in problem.message


def subgroup_toml(block: str) -> str:
    old = ('[[analysis.subgroups]]\nfield = "ecog"\nlabel = "ECOG performance status"\n'
           'groups = { "0-1" = [0, 1], "2" = [2] }')
    first = '[[analysis.subgroups]]{}\nfield = "histology_group"\nlabel = "Histological subtype"\n'
    first = first.format(STUDY_TOML.split("[[analysis.subgroups]]", 1)[1].split("\n", 1)[0])
    assert old in STUDY_TOML and first in STUDY_TOML
    return STUDY_TOML.replace(first, "").replace(old, "[[analysis.subgroups]]\n" + block)


@pytest.mark.parametrize("block, rule, words", [
    ('field = "birth_date"', "config.field_type", "birth_date is a date"),
    ('field = "ecog"\ngroups = { "low" = ["0", "1"], "high" = [2] }', "config.field_type",
     "group 'low': ecog is a number: write 0 without quotes"),
    ('field = "histology_group"\ngroups = { "A" = [1] }', "config.field_type", "group 'A': histology_group is text"),
])
def test_subgroup_against_its_field(tmp_path, block, rule, words):
    toml = subgroup_toml(block)
    [problem] = problems_of(tmp_path, toml)
    header = [i for i, line in enumerate(toml.splitlines(), start=1) if line == "[[analysis.subgroups]]"][-1]
    assert (problem.severity, problem.rule, problem.table, problem.row) == ("error", rule, "analysis.subgroups",
                                                                            header)
    assert words in problem.message


def test_misspelt_subgroup_group_is_warned_as_empty(tmp_path):
    toml = subgroup_toml('field = "histology_group"\ngroups = { "SS" = ["ss"], "ASPS" = ["ASPS"] }')
    [problem] = problems_of(tmp_path, toml)
    assert (problem.severity, problem.rule, problem.column, problem.value) == (
        "warning", "config.group_unmatched", "groups", "ss")
    assert "group 'SS' is empty" in problem.message and "ASPS, SS" in problem.message


def _more_patients(count: int) -> dict[str, list[dict]]:
    """The example study with ``count`` extra copies of patient P001, each of a different age."""
    tables = example_tables()
    for number in range(count):
        new_id = f"C{number:03d}"
        for name, rows in list(tables.items()):
            for row in [r for r in rows if r.get("patient_id") == "P001"]:
                rows.append(copy.deepcopy(row) | {"patient_id": new_id} | (
                    {"age": 30 + number} if name == "patients" else {}))
    return tables


def test_continuous_number_as_subgroup_without_groups(tmp_path):
    toml = subgroup_toml('field = "age"')
    [problem] = [p for p in problems_of(tmp_path, toml, _more_patients(11)) if p.severity == "error"]
    assert (problem.rule, problem.column, problem.value) == ("config.field_type", "field", "age")
    assert "age is a number with 13 different values" in problem.message
    assert [p for p in problems_of(tmp_path, toml, _more_patients(5)) if p.severity == "error"] == []


def test_date_as_cox_covariate(tmp_path):
    toml = STUDY_TOML.replace('cox_covariates = ["ecog", "histology_group"]', 'cox_covariates = ["ecog", "birth_date"]')
    [problem] = problems_of(tmp_path, toml)
    assert (problem.rule, problem.table, problem.row, problem.column, problem.value) == (
        "config.field_type", "analysis", line_of(toml, "cox_covariates ="), "cox_covariates", "birth_date")


def test_unknown_covariate_now_has_its_line(tmp_path):
    toml = STUDY_TOML.replace('cox_covariates = ["ecog", "histology_group"]', 'cox_covariates = ["ecgo"]')
    [problem] = problems_of(tmp_path, toml)
    assert (problem.rule, problem.row) == ("config.unknown_field", line_of(toml, "cox_covariates ="))


# --- the data cutoff against the study's dates (issue 13 item 1; issue 14 "before every record") ------------------

def test_cutoff_before_every_record_is_one_error(tmp_path):
    toml = STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 2000-01-01")
    [problem] = problems_of(tmp_path, toml)
    assert (problem.severity, problem.rule, problem.source, problem.table, problem.row, problem.column) == (
        "error", "date.cutoff_before_data", "study.toml", "study", line_of(toml, "data_cutoff"), "data_cutoff")
    assert "2021-02-20 to 2022-05-10" in problem.message


def test_cutoff_before_most_records_is_refused_unless_intended(tmp_path):
    """The trap: init's seed cutoff left in a study whose data run later — 'valid', then a report of 5 of 12."""
    toml = STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 2021-03-10")
    [problem] = problems_of(tmp_path, toml)
    assert (problem.rule, problem.row, problem.column) == ("date.cutoff_early", line_of(toml, "data_cutoff"),
                                                           "data_cutoff")
    assert "before 18 of the 26 dates" in problem.message and "early_cutoff_intended = true" in problem.message
    intended = toml.replace("[study]\n", "[study]\nearly_cutoff_intended = true\n", 1)
    problems = problems_of(tmp_path, intended)
    assert problems and {(p.severity, p.rule) for p in problems} == {("warning", "date.after_cutoff")}


def test_validate_prints_the_toml_hint_and_nothing_else(tmp_path):
    tables = example_tables()
    tables["patients"][0]["ecog"] = None  # would be a knock-on 'required' error if the tables were checked
    toml = STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 31/12/2023")
    folder = write_study(tmp_path / "s", tables, toml=toml)
    result = subprocess.run([sys.executable, "-m", "oncocohort", "validate", str(folder)], capture_output=True,
                            text=True)
    assert result.returncode == 1
    assert f"line {line_of(toml, 'data_cutoff')}" in result.stdout
    assert "write dates as YYYY-MM-DD without quotes" in result.stdout
    assert "ecog" not in result.stdout and "Traceback" not in result.stdout + result.stderr


# --- post-index variables refused for a naive comparison (issue 17 item 3) -----------------------------------------

def test_best_response_as_subgroup_is_refused_naming_the_landmark(tmp_path):
    [problem] = [p for p in problems_of(tmp_path, subgroup_toml('field = "best_overall_response"'))
                 if p.severity == "error"]
    assert (problem.rule, problem.column, problem.value) == ("config.post_index", "field", "best_overall_response")
    assert "immortal-time bias" in problem.message and "response_landmark" in problem.message
    assert "--start" in problem.message


def test_adverse_event_as_cox_covariate_is_refused(tmp_path):
    toml = STUDY_TOML.replace('cox_covariates = ["ecog", "histology_group"]', 'cox_covariates = ["ecog", "teae"]')
    [problem] = problems_of(tmp_path, toml)
    assert (problem.rule, problem.row, problem.value) == ("config.post_index", line_of(toml, "cox_covariates ="),
                                                          "teae")
