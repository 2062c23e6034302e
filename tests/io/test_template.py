"""oncocohort init: a template that cannot be forgotten, a worked example that validates, a usable workbook."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest

from oncocohort import validate_study
from oncocohort.io.config import read_config_text
from oncocohort.io.problems import ProblemLog
from oncocohort.io.schema import TABLES
from oncocohort.io.template import BLANK_STUDY_TOML, EXAMPLE_STUDY_TOML, settings_to_edit, write_template
from tests.study_builder import example_tables

# What the user writes in place of each placeholder of the blank template (the worked example's settings).
FILLED_IN = {
    'title = "<title of your study>"': 'title = "My study"',
    'data_cutoff = "<YYYY-MM-DD>"': "data_cutoff = 2022-05-15",
    'name = "<name of the regimen, e.g. Drug A + drug B>"': 'name = "Anlotinib + PD-1 inhibitor"',
    'cycle_days = "<days per cycle, e.g. 21; delete the line if the regimen has no cycles>"': "cycle_days = 21",
    '"<component>" = ["<drug name as in treatments.drug>"]':
        'anlotinib = ["anlotinib"]\n"PD-1 inhibitor" = ["sintilimab", "camrelizumab"]',
    'label = "<the criterion in words>"\nfield = "<patients column or derived field>"\noperator = "<operator>"\n'
    'value = "<value>"': 'label = "Age 18 years or older"\nfield = "age"\noperator = ">="\nvalue = 18',
    'cox_covariates = ["<patients column or derived field>"]': 'cox_covariates = ["ecog"]',
    'orr = "<historical ORR as a proportion, e.g. 0.13; delete the line if there is none>"': "orr = 0.13",
    'field = "<patients column or derived field; delete the block for no subgroups>"\nlabel = "<label in tables>"':
        'field = "histology_group"\nlabel = "Histological subtype"',
}


def line_of(text, needle):
    """The first line starting with ``needle`` (comments aside)."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(needle))


def fill_in(text: str) -> str:
    for placeholder, value in FILLED_IN.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    return text


def fill_sheets(path):
    """What a user does: open the template, type the example rows under the headers, save."""
    workbook = openpyxl.load_workbook(path)
    for spec in TABLES:
        sheet = workbook[spec.name]
        header = [c.value for c in sheet[1]]
        for row_number, row in enumerate(example_tables()[spec.name], start=2):
            for col_number, name in enumerate(header, start=1):
                sheet.cell(row=row_number, column=col_number, value=row.get(name))
    workbook.save(path)


@pytest.mark.parametrize("layout", ["xlsx", "csv"])
def test_example_template_validates_cleanly(tmp_path, layout):
    write_template(tmp_path / "s", example=True, layout=layout)
    assert (tmp_path / "s" / "study.toml").read_text(encoding="utf-8") == EXAMPLE_STUDY_TOML
    report = validate_study(tmp_path / "s")
    assert report.ok and report.problems == ()
    assert report.rows_read == {t: len(rows) for t, rows in example_tables().items()}


def test_blank_template_holds_no_study_settings():
    """The trap of issue 13: init wrote the seed study's cutoff, regimen, criteria, ORR 13 % and covariates."""
    config = read_config_text(BLANK_STUDY_TOML, ProblemLog())
    assert config.study.data_cutoff is None and config.study.title == ""
    assert config.regimen.components == () and config.regimen.name == "" and config.regimen.cycle_days is None
    assert config.eligibility.criteria == ()
    assert config.analysis.historical_rates == () and config.analysis.subgroups == ()
    assert config.analysis.cox_covariates == ()


def test_blank_template_is_refused_at_each_placeholder_with_what_to_write(tmp_path):
    write_template(tmp_path / "s")
    text = (tmp_path / "s" / "study.toml").read_text(encoding="utf-8")
    assert text == BLANK_STUDY_TOML
    report = validate_study(tmp_path / "s")
    got = {(p.severity, p.rule, p.table, p.column, p.row) for p in report.problems}
    placeholder = ("error", "config.placeholder")
    assert got == {
        placeholder + ("study", "title", line_of(text, "title =")),
        placeholder + ("study", "data_cutoff", line_of(text, "data_cutoff =")),
        placeholder + ("regimen", "name", line_of(text, "name =")),
        placeholder + ("regimen", "cycle_days", line_of(text, "cycle_days =")),
        placeholder + ("regimen.components", "<component>", line_of(text, '"<component>" =')),
        placeholder + ("eligibility.criteria", None, line_of(text, "[[eligibility.criteria]]")),
        placeholder + ("analysis", "cox_covariates", line_of(text, "cox_covariates =")),
        placeholder + ("analysis.historical_rates", "orr", line_of(text, "orr =")),
        placeholder + ("analysis.subgroups", "field", line_of(text, "[[analysis.subgroups]]")),
        ("error", "table.no_patients", "patients", None, None),
    }
    by_key = {p.column: p.message for p in report.problems}
    assert "YYYY-MM-DD without quotes, e.g. data_cutoff = 2023-12-31" in by_key["data_cutoff"]
    assert "delete the line" in by_key["orr"]
    assert set(settings_to_edit(text)) == {p for p in report.problems if p.rule == "config.placeholder"}


def test_template_with_data_but_unedited_settings_is_not_valid(tmp_path):
    """The user fills the sheets and forgets study.toml: refused, with only the placeholders to fix."""
    write_template(tmp_path / "s")
    fill_sheets(tmp_path / "s" / "study.xlsx")
    report = validate_study(tmp_path / "s")
    assert not report.ok and report.study is None
    assert {p.rule for p in report.problems} == {"config.placeholder"}


def test_filling_the_blank_template_by_hand(tmp_path):
    """Placeholders replaced and example rows typed under the headers: the study validates without a problem."""
    write_template(tmp_path / "s")
    path = tmp_path / "s" / "study.toml"
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    fill_sheets(tmp_path / "s" / "study.xlsx")
    report = validate_study(tmp_path / "s")
    assert report.problems == ()
    assert report.study.config.study.title == "My study"


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True)


def test_init_prints_what_to_edit_next(tmp_path):
    result = run("init", str(tmp_path / "s"))
    assert result.returncode == 0
    text = BLANK_STUDY_TOML
    for needle, key in (("title =", "[study] title"), ("data_cutoff =", "[study] data_cutoff"),
                        ("cox_covariates =", "[analysis] cox_covariates"),
                        ("orr =", "[analysis.historical_rates] orr")):
        assert f"line {line_of(text, needle):>3}  {key}: " in result.stdout
    assert "e.g. data_cutoff = 2023-12-31" in result.stdout
    assert f"Run: oncocohort validate {tmp_path / 's'}" in result.stdout
    example = run("init", str(tmp_path / "e"), "--example")
    assert example.returncode == 0 and "placeholder" not in example.stdout
    assert "worked example" in example.stdout


def test_workbook_has_dropdowns_date_formats_frozen_headers_and_help(tmp_path):
    write_template(tmp_path / "s")
    workbook = openpyxl.load_workbook(tmp_path / "s" / "study.xlsx")
    assert workbook.sheetnames == ["README"] + [t.name for t in TABLES]
    for spec in TABLES:
        sheet = workbook[spec.name]
        assert [c.value for c in sheet[1]] == list(spec.column_names)
        assert sheet.freeze_panes == "A2"
        lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation
                 if dv.type == "list"}
        for index, column in enumerate(spec.columns):
            letter = openpyxl.utils.get_column_letter(index + 1)
            if column.kind == "enum":
                assert lists[f"{letter}2"] == '"' + ",".join(column.allowed) + '"'
            if column.kind == "date":
                assert sheet[f"{letter}2"].number_format == "yyyy-mm-dd"
    readme = workbook["README"]
    documented = {(r[0], r[1]) for r in readme.iter_rows(min_row=4, values_only=True)}
    assert documented == {(t.name, c.name) for t in TABLES for c in t.columns}


def test_init_refuses_to_overwrite(tmp_path):
    write_template(tmp_path / "s", example=True)
    with pytest.raises(FileExistsError):
        write_template(tmp_path / "s")
    write_template(tmp_path / "s", overwrite=True)
