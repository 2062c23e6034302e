"""oncocohort init: the template validates once filled, and is a usable Excel workbook."""

from __future__ import annotations

import openpyxl
import pytest

from oncocohort import validate_study
from oncocohort.io.schema import TABLES
from oncocohort.io.template import write_template
from tests.study_builder import example_tables


@pytest.mark.parametrize("layout", ["xlsx", "csv"])
def test_example_template_validates_cleanly(tmp_path, layout):
    write_template(tmp_path / "s", example=True, layout=layout)
    report = validate_study(tmp_path / "s")
    assert report.ok and report.problems == ()
    assert report.rows_read == {t: len(rows) for t, rows in example_tables().items()}


def test_empty_template_only_lacks_patients(tmp_path):
    write_template(tmp_path / "s")
    report = validate_study(tmp_path / "s")
    assert [(p.rule, p.table) for p in report.problems] == [("table.no_patients", "patients")]


def test_filling_the_empty_template_by_hand(tmp_path):
    """What a user does: open the template, type the example rows under the headers, save, validate."""
    write_template(tmp_path / "s")
    path = tmp_path / "s" / "study.xlsx"
    workbook = openpyxl.load_workbook(path)
    for spec in TABLES:
        sheet = workbook[spec.name]
        header = [c.value for c in sheet[1]]
        for row_number, row in enumerate(example_tables()[spec.name], start=2):
            for col_number, name in enumerate(header, start=1):
                sheet.cell(row=row_number, column=col_number, value=row.get(name))
    workbook.save(path)
    assert validate_study(tmp_path / "s").problems == ()


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
