"""The study as a whole: load_study, typed tables, config-versus-data checks, input never modified."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from oncocohort import StudyInputError, load_study, validate_study
from oncocohort.io.template import STUDY_TOML
from tests.study_builder import example_tables, found, write_study


def test_load_study_gives_typed_tables(tmp_path):
    tables = example_tables()
    tables["patients"][0]["ldh_u_per_l"] = 250
    tables["patients"][1]["ldh_u_per_l"] = 310.5
    tables["patients"][0]["pdl1_status"] = "positive"
    study = load_study(write_study(tmp_path / "s", tables))
    patients = study.tables["patients"]
    assert list(patients["patient_id"]) == ["P001", "P002"]
    assert str(patients["ecog"].dtype) == "Int64"
    assert patients["source_row"].tolist() == [2, 3]
    assert study.covariates == ("ldh_u_per_l", "pdl1_status")
    assert patients["ldh_u_per_l"].tolist() == [250.0, 310.5]
    assert patients["pdl1_status"].tolist() == ["positive", None]
    lesions = study.tables["lesions"]
    assert lesions["assessment_date"].dtype == "datetime64[ns]"
    assert lesions["assessment_date"].iloc[0] == pd.Timestamp("2021-02-20")
    assert study.config.study.data_cutoff.isoformat() == "2022-05-15"
    assert study.warnings == ()


def test_load_study_raises_with_every_error(tmp_path):
    tables = example_tables()
    tables["patients"][0]["ecog"] = 9
    tables["followup"][0]["death_date"] = "2020-01-01"
    with pytest.raises(StudyInputError) as caught:
        load_study(write_study(tmp_path / "s", tables))
    rules = {p.rule for p in caught.value.problems if p.severity == "error"}
    # death in 2020 is before treatment, before the last-alive date, and before every scan and adverse event
    assert rules == {"value.not_allowed", "date.death_before_treatment", "date.alive_after_death",
                     "date.after_death"}
    n_errors = sum(p.severity == "error" for p in caught.value.problems)
    # ecog, death order ×2, after death: 3 treatments, 4 lesions, 1 response, 1 AE
    assert f"{n_errors} error(s)" in str(caught.value) and n_errors == 12


def test_optional_tables_may_be_absent(tmp_path):
    tables = example_tables()
    del tables["responses"]
    study = load_study(write_study(tmp_path / "s", tables))
    assert study.tables["responses"].empty if "responses" in study.tables else True


def test_config_fields_are_checked_against_the_data(tmp_path):
    text = (STUDY_TOML.replace('field = "prior_systemic_lines"', 'field = "prior_lines"')
            .replace('value = "active"', 'value = "actve"', 1)
            .replace('cox_covariates = ["ecog", "histology_group"]',
                     'cox_covariates = ["ecog", "starting_dose:aspirin"]'))
    report = validate_study(write_study(tmp_path / "s", example_tables(), toml=text))
    got = {(p.rule, p.table, p.column, p.value) for p in report.errors}
    assert got == {
        ("config.unknown_field", "eligibility.criteria", "field", "prior_lines"),
        ("config.not_allowed", "eligibility.criteria", "value", "actve"),
        ("config.unknown_field", "analysis", "cox_covariates", "starting_dose:aspirin"),
    }
    lines = STUDY_TOML.splitlines()
    prior = next(p for p in report.errors if p.value == "prior_lines")
    assert lines[prior.row - 1].startswith("[[eligibility.criteria]]")


def test_response_source_must_exist(tmp_path):
    tables = example_tables()
    del tables["lesions"]
    errors = validate_study(write_study(tmp_path / "s", tables)).errors
    assert [(p.rule, p.column) for p in errors] == [("table.missing", "criteria")]
    text = STUDY_TOML.replace('criteria = "recist1.1"', 'criteria = "recorded"')
    assert validate_study(write_study(tmp_path / "t", tables, toml=text)).ok


def test_mixed_day_month_orders_in_one_column(tmp_path):
    tables = example_tables()
    tables["adverse_events"][0]["onset_date"] = "20/03/2021"
    tables["adverse_events"][1]["onset_date"] = "05/13/2021"
    errors = validate_study(write_study(tmp_path / "s", tables, layout="csv")).errors
    assert [(p.rule, p.row, p.column) for p in errors] == [("date.mixed_order", 3, "onset_date")]


def test_warnings_do_not_block(tmp_path):
    tables = example_tables()
    tables["followup"][0]["last_known_alive_date"] = "2022-06-30"  # after the cutoff
    tables["treatments"].append(dict(tables["treatments"][0], drug="dexamethasone", dose=4, start_date="2021-04-01",
                                     end_date="2021-04-03", reason_stopped="other"))
    report = validate_study(write_study(tmp_path / "s", tables))
    assert report.ok and report.study is not None
    assert {p.rule for p in report.warnings} == {"date.after_cutoff", "treatments.not_in_regimen"}


def test_seen_alive_after_last_known_alive_date(tmp_path):
    tables = example_tables()
    tables["followup"][0]["last_known_alive_date"] = "2021-08-01"  # treatment ran until 2021-09-30
    report = validate_study(write_study(tmp_path / "s", tables))
    assert [(p.rule, p.row) for p in report.warnings] == [("vital.seen_after_last_alive", 2)]
    assert "2021-09-30" in report.warnings[0].message


@pytest.mark.parametrize("layout", ["xlsx", "csv"])
def test_validation_never_modifies_the_input(tmp_path, layout):
    tables = example_tables()
    tables["patients"][0]["ecog"] = "bad"
    folder = write_study(tmp_path / "s", tables, layout=layout)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    validate_study(folder)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after


def test_same_input_same_problems(tmp_path):
    tables = example_tables()
    tables["patients"][0]["sex"] = "x"
    tables["lesions"][0]["diameter_mm"] = "big"
    folder = write_study(tmp_path / "s", tables)
    assert validate_study(folder).problems == validate_study(folder).problems


def test_not_collected_columns_may_be_absent_or_blank_and_criteria_on_them_are_errors(tmp_path):
    tables = example_tables()
    for row in tables["patients"]:
        row["ecog"] = None
    toml = STUDY_TOML.replace("[study]\n", '[study]\nnot_collected = ["ecog", "prior_surgery"]\n', 1)
    folder = write_study(tmp_path / "s", tables, toml=toml, drop_columns={"patients": ("prior_surgery",)})
    report = validate_study(folder)
    assert not found(report.problems, "error", "value.blank", "patients", 2, "ecog")
    assert not [p for p in report.problems if p.rule == "column.missing"]
    assert {p.column for p in report.warnings if p.rule == "column.not_collected"} == {"ecog", "prior_surgery"}
    # the template's criterion 'ECOG 0-2' names a field nobody has: an error, not a silent exclusion of everyone
    assert [p for p in report.errors if p.rule == "config.unknown_field" and p.value == "ecog"]
    bad = STUDY_TOML.replace("[study]\n", '[study]\nnot_collected = ["patient_id"]\n', 1)
    report = validate_study(write_study(tmp_path / "t", example_tables(), toml=bad))
    assert [p for p in report.errors if p.rule == "config.not_allowed" and p.column == "not_collected"]


def _lesion(**values) -> dict:
    row = dict(patient_id="P001", assessment_date="2021-02-20", method="CT", status="present")
    row.update(values)
    return row


def test_nodal_may_be_blank_on_non_target_and_new_lesions(tmp_path):
    tables = example_tables()
    for row in tables["lesions"]:
        if row["kind"] == "non_target":
            row["nodal"] = None  # pleura: read as "no"
    tables["lesions"] += [
        _lesion(lesion_id="NT2", kind="non_target", site="Lymph node, mediastinal", nodal=None),  # row 10
        _lesion(lesion_id="NT3", kind="non_target", site="淋巴结", nodal=None),  # row 11
        _lesion(lesion_id="NT4", kind="non_target", site="lung nodules", nodal=None),  # row 12
        _lesion(lesion_id="N1", kind="new", site="LN 4R", nodal=None, assessment_date="2021-04-20"),  # row 13
    ]
    for layout in ("xlsx", "csv"):
        report = validate_study(write_study(tmp_path / layout, tables, layout=layout))
        assert report.ok, report.problems
        lesions = report.study.tables["lesions"].set_index("source_row")
        assert lesions.loc[[3, 5, 10, 11, 12, 13], "nodal"].tolist() == ["no", "no", "yes", "yes", "no", "yes"]


def test_a_target_lesion_still_needs_nodal(tmp_path):
    tables = example_tables()
    tables["lesions"][0]["nodal"] = None  # row 2, target T1
    for layout in ("xlsx", "csv"):
        report = validate_study(write_study(tmp_path / layout, tables, layout=layout))
        assert [(p.rule, p.table, p.row, p.column) for p in report.errors] == [
            ("lesions.target_nodal_blank", "lesions", 2, "nodal")]
        assert "short axis" in report.errors[0].message
