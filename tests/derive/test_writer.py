"""`derive/writer.py`: missing values are empty CSV cells and Parquet nulls (never the text ``nan``), and text that
a spreadsheet would run as a formula is neutralised in the CSV files (Parquet keeps the value)."""

from __future__ import annotations

import csv

import pandas as pd

from oncocohort import load_study
from oncocohort.derive.analysis_datasets import derive_study
from oncocohort.derive.writer import write_datasets
from tests.study_builder import example_tables, write_study

PAYLOAD = '=HYPERLINK("http://example.org","click")'


def _written(tmp_path):
    tables = example_tables()
    tables["patients"][0]["ldh"] = 250.5
    tables["patients"][1]["ldh"] = None  # a covariate blank for one patient
    tables["patients"][0]["histology"] = PAYLOAD
    write_study(tmp_path / "s", tables, layout="csv")
    folder = tmp_path / "out"
    write_datasets(derive_study(load_study(tmp_path / "s")), folder)
    return folder


def test_missing_values_are_empty_in_csv_and_null_in_parquet(tmp_path):
    folder = _written(tmp_path)
    for path in folder.glob("*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert not [cell for row in rows for cell in row if cell.casefold() in ("nan", "nat", "<na>")], path
    adsl = list(csv.DictReader((folder / "adsl.csv").open(encoding="utf-8")))
    by_id = {row["patient_id"]: row for row in adsl}
    assert by_id["P001"]["ldh"] == "250.5" and by_id["P002"]["ldh"] == ""
    assert by_id["P001"]["exclusion_reason"] == ""  # an included patient has no exclusion reason
    back = pd.read_csv(folder / "adsl.csv")
    assert back["ldh"].dtype == float and back["ldh"].isna().sum() == 1
    parquet = pd.read_parquet(folder / "adsl.parquet")
    assert parquet["exclusion_reason"].isna().all() and parquet["ldh"].isna().sum() == 1
    assert not parquet.map(lambda v: isinstance(v, str) and v.casefold() == "nan").any().any()


def test_formula_text_is_neutralised_in_csv_only(tmp_path):
    folder = _written(tmp_path)
    adsl = {row["patient_id"]: row for row in csv.DictReader((folder / "adsl.csv").open(encoding="utf-8"))}
    assert adsl["P001"]["histology"] == "'" + PAYLOAD
    parquet = pd.read_parquet(folder / "adsl.parquet").set_index("patient_id")
    assert parquet.loc["P001", "histology"] == PAYLOAD
    for path in folder.glob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8")):
            assert not [c for c in row if c.startswith(("=", "@", "+", "\t", "\r"))], path
