"""Direct identifiers never leave (issue 13 item 4): recognised by header (English, Chinese) and by content,
warned about without showing their values, and absent from every output of `derive` and `report`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from oncocohort import validate_study
from oncocohort.io.identifiers import identifier_content, identifier_header
from oncocohort.io.sources import normalise_header
from tests.study_builder import example_tables, found, write_study


@pytest.mark.parametrize("header", [
    "Patient name", "full name", "Name", "patient", "First Name", "SURNAME", "name of patient", "MRN",
    "Medical record number", "Hospital No.", "Record number", "Phone", "Telephone", "Mobile number", "E-mail",
    "email address", "Home address", "SSN", "National ID", "ID card", "ID number", "Passport", "NHS number",
    "姓名", "患者姓名", "病历号", "住院号", "门诊号", "身份证号", "电话", "联系电话", "手机号", "地址", "家庭住址",
    "邮箱", "患者", "ＭＲＮ",
])
def test_identifier_headers(header):
    assert identifier_header(normalise_header(header))


@pytest.mark.parametrize("header", [
    "patient_id", "age", "histology", "drug name", "centre name", "site", "ldh", "stage", "hospital", "tumor_size",
    "病理类型", "年龄", "best response", "nodal", "number_of_lesions",
])
def test_ordinary_headers_are_not_identifiers(header):
    assert not identifier_header(normalise_header(header))


@pytest.mark.parametrize("value, kind", [
    ("jane.doe@example.org", "an e-mail address"),
    ("contact: wang.li@hospital.cn", "an e-mail address"),
    ("13812345678", "a phone number"),
    (13812345678, "a phone number"),
    ("+86 138 1234 5678", "a phone number"),
    ("(555) 123-4567", "a phone number"),
    ("+1 555 123 4567", "a phone number"),
    ("010-6512-3456", "a phone number"),
    ("110101199003071234", "a national ID number"),
    ("11010119900307123X", "a national ID number"),
    ("123-45-6789", "a national ID number"),
])
def test_identifier_content(value, kind):
    assert identifier_content(value) == kind


@pytest.mark.parametrize("value", [
    "2021-03-01", "20210301", "P001", "DEMO-012", "T1", "Synovial sarcoma", "12.5", 250, 44377, "1.2E+05",
    "anlotinib 12 mg", "2021-03-01 2021-04-01", "NT1-2", "stage III", None, "mg/m2", "CR", 3.5,
])
def test_ordinary_content_is_not_an_identifier(value):
    assert identifier_content(value) is None


NAME, CN_NAME, MRN, CN_ID = "Zhang Sanfeng", "李四光", "MRN-88123", "110101199003071234"
PHONE, EMAIL, ADDRESS, KIN = "13812345678", "jane.doe@example.org", "北京市朝阳区光华路1号", "+1 (555) 123-4567"
SECRETS = (NAME, CN_NAME, MRN, CN_ID, PHONE, EMAIL, ADDRESS, "555) 123-4567", "Sanfeng", "光华路")


def _study_with_identifiers(folder: Path, layout: str = "xlsx") -> Path:
    tables = example_tables()
    for i, row in enumerate(tables["patients"]):
        row.update({"Patient name": f"{NAME} {i}", "姓名": f"{CN_NAME}{i}", "病历号": f"{MRN}{i}",
                    "身份证号": CN_ID, "电话": PHONE, "地址": ADDRESS, "notes": EMAIL if i else "",
                    "next_of_kin": KIN if i else "", "ldh": 250 + i})
    tables["treatments"][0]["patient"] = NAME  # an identifier column in another table
    return write_study(folder, tables, layout=layout)


@pytest.mark.parametrize("layout", ["xlsx", "csv"])
def test_identifier_columns_are_warned_about_and_left_out(tmp_path, layout):
    report = validate_study(_study_with_identifiers(tmp_path / "s", layout))
    assert report.ok, report.errors
    for column in ("patient_name", "姓名", "病历号", "身份证号", "电话", "地址"):
        assert found(report.warnings, "warning", "column.direct_identifier", "patients", 1, column), column
    assert found(report.warnings, "warning", "column.direct_identifier", "treatments", 1, "patient")
    for column in ("notes", "next_of_kin"):
        [problem] = found(report.warnings, "warning", "column.identifier_content", "patients", 1, column)
        assert "row 3" in problem.message
    assert list(report.study.covariates) == ["ldh"]
    for problem in report.problems:  # no message shows an identifying value
        assert not any(secret in problem.describe() for secret in SECRETS), problem.describe()


def test_identifier_in_a_study_column_is_an_error_without_its_value(tmp_path):
    tables = example_tables()
    tables["followup"][1]["cause_of_death"] = f"progression; family: {PHONE}"
    tables["treatments"][0]["dose_unit"] = EMAIL
    report = validate_study(write_study(tmp_path / "s", tables))
    [problem] = found(report.errors, "error", "value.direct_identifier", "followup", 3, "cause_of_death")
    assert "a phone number" in problem.message and problem.value is None
    assert found(report.errors, "error", "value.direct_identifier", "treatments", 2, "dose_unit")
    assert not any(PHONE in p.describe() or EMAIL in p.describe() for p in report.problems)


def _texts_of(path: Path) -> list[str]:
    """Every text an output file holds: the bytes as text, zip members (DOCX/XLSX), Parquet cells and names."""
    data = path.read_bytes()
    texts = [data.decode("utf-8", "replace"), data.decode("utf-16-le", "replace")]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    if path.suffix == ".parquet":
        frame = pd.read_parquet(io.BytesIO(data))
        texts += [frame.to_csv(), " ".join(map(str, frame.columns))]
    return texts


def test_no_output_of_derive_or_report_holds_an_identifier(tmp_path, capsys):
    from oncocohort.cli import main

    study = _study_with_identifiers(tmp_path / "s")
    assert main(["validate", str(study)]) == 0
    assert main(["derive", str(study), "--out", str(tmp_path / "derived")]) == 0
    assert main(["report", str(study), "--out", str(tmp_path / "report"), "--format", "html,docx"]) == 0
    printed = capsys.readouterr()
    files = [p for p in (tmp_path / "derived").rglob("*") if p.is_file()]
    files += [p for p in (tmp_path / "report").rglob("*") if p.is_file()]
    assert any(p.name == "adsl.parquet" for p in files) and any(p.name == "report.docx" for p in files)
    assert any(p.name == "results.json" for p in files)
    for path in files:
        for text in _texts_of(path):
            leaked = [s for s in SECRETS if s in text]
            assert not leaked, f"{path.relative_to(tmp_path)} holds {leaked}"
    assert "ldh" in pd.read_csv(tmp_path / "derived" / "adsl.csv").columns  # the ordinary covariate is kept
    assert not any(s in printed.out + printed.err for s in SECRETS)
