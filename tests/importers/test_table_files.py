"""`import tables`: the example study written as SPSS (.sav, value labels), Stata (.dta, value labels), SAS
transport (.xpt, SAS dates) and an Excel workbook with other sheet and column names, read back through one
mapping file — the study that comes out must equal the example study cell for cell."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyreadstat
import pytest
from openpyxl import Workbook

from oncocohort.cli import main
from oncocohort.importers.datasets import ROW, DatasetError, cell_text, read_dataset
from oncocohort.io.study import load_study
from tests.study_builder import example_tables, write_study

MAP = '''
[tables.patients]
file = "baseline.sav"
covariates = ["LDH"]
[tables.patients.columns]
patient_id = "PID"
age = "AGE"
sex = "SEX"
ecog = "ECOG"
histology = "HISTO"
histology_group = "HISTGRP"
metastatic = "METS"
brain_metastases = "BRAIN"
autoimmune_disease = "AUTOIMM"
prior_surgery = "SURG"
prior_systemic_lines = "LINES"
[tables.patients.values.sex]
"Man" = "male"
"Woman" = "female"

[tables.treatments]
file = "drugs.dta"
[tables.treatments.columns]
patient_id = "pid"
drug = "drug"
start_date = "start"
end_date = "stop"
dose = "dose"
dose_unit = "unit"
reason_stopped = "why"

[tables.lesions]
file = "lesions.xpt"
[tables.lesions.columns]
patient_id = "PID"
assessment_date = "ADT"
lesion_id = "LESID"
kind = "KIND"
site = "SITE"
nodal = "NODAL"
diameter_mm = "DIAM"
status = "STATUS"
method = "METHOD"

[tables.adverse_events]
file = "safety.xlsx"
sheet = "AE log"
[tables.adverse_events.columns]
patient_id = "Patient"
term = "Event"
grade = "CTCAE grade"
onset_date = "Onset"
end_date = "Resolved"
related = "Related?"
serious = "SAE"
action = "Action"

[tables.followup]
file = "safety.xlsx"
sheet = "Vital status"
[tables.followup.columns]
patient_id = "Patient"
last_known_alive_date = "Last seen"
death_date = "Died"
cause_of_death = "Cause"
'''


def _dates(frame: pd.DataFrame, columns) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


@pytest.fixture()
def files(tmp_path):
    tables = {name: pd.DataFrame(rows) for name, rows in example_tables().items()}
    p = tables["patients"]
    sav = pd.DataFrame({"PID": p["patient_id"], "AGE": p["age"].astype(float),
                        "SEX": p["sex"].map({"male": 1.0, "female": 2.0}), "ECOG": p["ecog"].astype(float),
                        "HISTO": p["histology"], "HISTGRP": p["histology_group"], "METS": p["metastatic"],
                        "BRAIN": p["brain_metastases"], "AUTOIMM": p["autoimmune_disease"],
                        "SURG": p["prior_surgery"], "LINES": p["prior_systemic_lines"].astype(float),
                        "LDH": [250.0, 410.5]})
    pyreadstat.write_sav(sav, tmp_path / "baseline.sav", variable_value_labels={"SEX": {1: "Man", 2: "Woman"}},
                         column_labels={"LDH": "Lactate dehydrogenase (U/L)"})
    t = tables["treatments"]
    dta = pd.DataFrame({"pid": t["patient_id"], "drug": t["drug"], "start": t["start_date"], "stop": t["end_date"],
                        "dose": t["dose"].astype(float), "unit": t["dose_unit"], "why": t["reason_stopped"].fillna("")})
    pyreadstat.write_dta(_dates(dta, ["start", "stop"]), tmp_path / "drugs.dta")
    le = tables["lesions"]
    xpt = pd.DataFrame({"PID": le["patient_id"], "ADT": le["assessment_date"], "LESID": le["lesion_id"],
                        "KIND": le["kind"], "SITE": le["site"], "NODAL": le["nodal"],
                        "DIAM": pd.to_numeric(le["diameter_mm"]), "STATUS": le["status"], "METHOD": le["method"]})
    pyreadstat.write_xport(_dates(xpt, ["ADT"]), tmp_path / "lesions.xpt", variable_format={"ADT": "DATE9."})
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = workbook.create_sheet("AE log")
    sheet.append(["Patient", "Event", "CTCAE grade", "Onset", "Resolved", "Related?", "SAE", "Action"])
    for row in example_tables()["adverse_events"]:
        sheet.append([row["patient_id"], row["term"], row["grade"], dt.date.fromisoformat(row["onset_date"]),
                      dt.date.fromisoformat(row["end_date"]) if row.get("end_date") else None, row["related"],
                      row["serious"], row["action"]])
    sheet = workbook.create_sheet("Vital status")
    sheet.append(["Patient", "Last seen", "Died", "Cause"])
    for row in example_tables()["followup"]:
        sheet.append([row["patient_id"], row["last_known_alive_date"], row.get("death_date"),
                      row.get("cause_of_death")])
    workbook.save(tmp_path / "safety.xlsx")
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    return tmp_path


def test_sav_dta_xpt_xlsx_round_trip_to_the_example_study(files):
    out = files / "study"
    assert main(["import", "tables", "--map", str(files / "map.toml"), "--out", str(out),
                 "--component", "anlotinib=anlotinib", "--component", "PD-1 inhibitor=sintilimab,camrelizumab",
                 "--data-cutoff", "2022-05-15"]) == 0
    imported = load_study(out)
    expected = load_study(write_study(files / "expected", example_tables(), layout="csv"))
    for name in ("patients", "treatments", "lesions", "adverse_events", "followup"):
        ours = imported.table(name).drop(columns="source_row")
        theirs = expected.table(name).drop(columns="source_row")
        if name == "patients":
            assert ours["ldh"].tolist() == [250.0, 410.5]  # a covariate kept
            ours = ours.drop(columns="ldh")
        keys = [c for c in ("patient_id", "assessment_date", "start_date", "drug", "lesion_id", "onset_date")
                if c in ours]
        ours = ours.sort_values(keys).reset_index(drop=True)
        theirs = theirs.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, theirs[ours.columns], check_dtype=False, obj=name)
    report = (out / "import-report.md").read_text()
    assert "Lactate dehydrogenase" not in report  # LDH is mapped (as a covariate), so no 'not used' label line
    assert "SEX | → patients.sex; (value map)" in report


def test_value_labels_and_sas_dates_are_read(files):
    frame, labels = read_dataset(files / "baseline.sav")
    assert frame["SEX"].tolist() == ["Man", "Woman"] and labels["LDH"] == "Lactate dehydrogenase (U/L)"
    frame, _ = read_dataset(files / "lesions.xpt")
    assert frame["ADT"].iloc[0] == "2021-02-20"
    assert [cell_text(v) for v in (2.0, 2.5, None, float("nan"), " x ", dt.date(2021, 1, 2))] == [
        "2", "2.5", None, None, "x", "2021-01-02"]


def test_unreadable_or_unknown_files_are_plain_errors(files, capsys):
    (files / "broken.sav").write_bytes(b"not an spss file")
    with pytest.raises(DatasetError, match="broken.sav: cannot be read as .sav"):
        read_dataset(files / "broken.sav")
    with pytest.raises(DatasetError, match="unknown file type"):
        read_dataset(files / "map.toml")
    (files / "map.toml").write_text(MAP.replace('"baseline.sav"', '"nothere.sav"'))
    assert main(["import", "tables", "--map", str(files / "map.toml"), "--out", str(files / "x")]) == 1
    assert "nothere.sav: no such file" in capsys.readouterr().err and not (files / "x").exists()


def test_row_numbers_are_the_ones_the_user_sees_across_blank_rows(tmp_path):
    (tmp_path / "t.csv").write_text("ID;Value\nA;1\n\n;\nB;2\n", encoding="utf-8")
    frame, _ = read_dataset(tmp_path / "t.csv")
    assert frame["ID"].tolist() == ["A", "B"] and frame[ROW].tolist() == [2, 5]
    workbook = Workbook()
    workbook.active.append(["ID", "Value"])
    workbook.active.append(["A", 1])
    workbook.active.append([None, None])
    workbook.active.append(["B", 2])
    workbook.save(tmp_path / "t.xlsx")
    frame, _ = read_dataset(tmp_path / "t.xlsx")
    assert frame["ID"].tolist() == ["A", "B"] and frame[ROW].tolist() == [2, 4]
    (tmp_path / "bad.csv").write_text("ID,Value\nA,1,extra\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="row 2"):
        read_dataset(tmp_path / "bad.csv")


def _study_format_files(tmp_path, tables=None, drop_columns=None):
    """The example study as CSV files in the study format, and a mapping file that names only the files."""
    write_study(tmp_path, tables or example_tables(), layout="csv", drop_columns=drop_columns)
    (tmp_path / "study.toml").unlink()
    text = "".join(f'[tables.{name}]\nfile = "{name}.csv"\n\n' for name in
                   ("patients", "treatments", "lesions", "responses", "adverse_events", "followup"))
    (tmp_path / "map.toml").write_text(text, encoding="utf-8")
    return tmp_path / "map.toml"


def test_same_named_columns_are_matched_without_a_columns_section(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    map_file = _study_format_files(source)
    out = tmp_path / "study"
    assert main(["import", "tables", "--map", str(map_file), "--out", str(out), "--data-cutoff", "2022-05-15"]) == 0
    imported = load_study(out)
    expected = load_study(write_study(tmp_path / "expected", example_tables(), layout="csv"))
    for name in ("patients", "treatments", "lesions", "responses", "adverse_events", "followup"):
        ours, theirs = (s.table(name).drop(columns="source_row") for s in (imported, expected))
        keys = [c for c in ("patient_id", "assessment_date", "start_date", "drug", "lesion_id", "onset_date")
                if c in ours]
        pd.testing.assert_frame_equal(ours.sort_values(keys).reset_index(drop=True),
                                      theirs.sort_values(keys).reset_index(drop=True), check_dtype=False, obj=name)
    report = (out / "import-report.md").read_text()
    assert "treatments: 7 column(s) taken from the same-named column of treatments.csv" in report


def test_a_named_column_overrides_the_same_named_one(tmp_path):
    tables = example_tables()
    for row in tables["patients"]:
        row["Gender"] = row["sex"]
        row["sex"] = "unknown"
    map_file = _study_format_files(tmp_path, tables)
    map_file.write_text(map_file.read_text().replace('file = "patients.csv"\n',
                                                     'file = "patients.csv"\ncolumns = { sex = "Gender" }\n'))
    assert main(["import", "tables", "--map", str(map_file), "--out", str(tmp_path / "study")]) == 0
    assert load_study(tmp_path / "study").patients["sex"].tolist() == ["male", "female"]


def test_missing_columns_are_input_errors_all_at_once(tmp_path, capsys):
    tables = example_tables()
    for row in tables["treatments"]:
        row["medication"] = row.pop("drug")
    map_file = _study_format_files(tmp_path, tables, drop_columns={"treatments": ("drug",)})
    map_file.write_text(map_file.read_text().replace('file = "followup.csv"\n',
                                                     'file = "followup.csv"\ncolumns = { death_date = "died" }\n'))
    code = main(["import", "tables", "--map", str(map_file), "--out", str(tmp_path / "study")])
    err = capsys.readouterr().err
    assert code == 1 and "internal error" not in err and not (tmp_path / "study").exists()
    assert (f"{tmp_path / 'treatments.csv'}: [tables.treatments]: the study column 'drug' is required and nothing "
            "makes it: add drug = \"<source column>\" under [tables.treatments.columns]") in err
    assert (f"{tmp_path / 'followup.csv'}: [tables.followup.columns] death_date = \"died\": no such column in the "
            "file (columns: patient_id, last_known_alive_date, death_date, cause_of_death") in err
