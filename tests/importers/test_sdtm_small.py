"""The SDTM importer on a small hand-made trial in SAS transport files: ECOG from QS, death from SS, AETOXGR
grades, partial dates imputed to the first day, DS reasons on the last dose period, every row accounted."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest

from oncocohort.cli import main
from oncocohort.io.study import load_study


def _xpt(folder, name, rows):
    pyreadstat.write_xport(pd.DataFrame(rows), folder / f"{name}.xpt", table_name=name.upper())


@pytest.fixture()
def sdtm(tmp_path):
    folder = tmp_path / "sdtm"
    folder.mkdir()
    _xpt(folder, "dm", [
        {"STUDYID": "T1", "USUBJID": "T1-001", "AGE": 55.0, "AGEU": "YEARS", "SEX": "F", "DTHDTC": "",
         "RFSTDTC": "2021-01-05", "RFENDTC": "2021-06-01"},
        {"STUDYID": "T1", "USUBJID": "T1-002", "AGE": 63.0, "AGEU": "YEARS", "SEX": "M", "DTHDTC": "",
         "RFSTDTC": "2021-02-01", "RFENDTC": "2021-04-01"}])
    _xpt(folder, "ex", [
        {"USUBJID": "T1-001", "EXTRT": "ANLOTINIB", "EXDOSE": 12.0, "EXDOSU": "mg", "EXSTDTC": "2021-01-05",
         "EXENDTC": "2021-05-30"},
        {"USUBJID": "T1-002", "EXTRT": "ANLOTINIB", "EXDOSE": 10.0, "EXDOSU": "mg", "EXSTDTC": "2021-02-01",
         "EXENDTC": "2021-03-20"}])
    _xpt(folder, "qs", [
        {"USUBJID": "T1-001", "QSCAT": "ECOG", "QSTESTCD": "ECOG101", "QSSTRESN": 1.0, "QSDTC": "2021-01-02"},
        {"USUBJID": "T1-002", "QSCAT": "ECOG", "QSTESTCD": "ECOG101", "QSSTRESN": 2.0, "QSDTC": "2021-01-30"},
        {"USUBJID": "T1-002", "QSCAT": "ECOG", "QSTESTCD": "ECOG101", "QSSTRESN": 3.0, "QSDTC": "2021-03-01"},
        {"USUBJID": "T1-001", "QSCAT": "EQ-5D", "QSTESTCD": "EQ5D01", "QSSTRESN": 0.8, "QSDTC": "2021-01-02"}])
    _xpt(folder, "ae", [
        {"USUBJID": "T1-001", "AETERM": "high blood pressure", "AEDECOD": "Hypertension", "AETOXGR": "3",
         "AESTDTC": "2021-02", "AEENDTC": "", "AEREL": "Y", "AESER": "N", "AEACN": "DOSE REDUCED"},
        {"USUBJID": "T1-002", "AETERM": "tired", "AEDECOD": "Fatigue", "AETOXGR": "", "AESTDTC": "2021-02-10",
         "AEENDTC": "", "AEREL": "N", "AESER": "N", "AEACN": "DOSE NOT CHANGED"}])
    _xpt(folder, "ss", [
        {"USUBJID": "T1-001", "SSTESTCD": "SURVSTAT", "SSSTRESC": "ALIVE", "SSDTC": "2021-09-01"},
        {"USUBJID": "T1-002", "SSTESTCD": "SURVSTAT", "SSSTRESC": "DEAD", "SSDTC": "2021-05-15"},
        {"USUBJID": "T1-002", "SSTESTCD": "SURVSTAT", "SSSTRESC": "UNKNOWN", "SSDTC": "2021-06-15"}])
    _xpt(folder, "rs", [
        {"USUBJID": "T1-001", "RSTESTCD": "OVRLRESP", "RSSTRESC": "PR", "RSEVAL": "INVESTIGATOR",
         "RSDTC": "2021-03-01"},
        {"USUBJID": "T1-002", "RSTESTCD": "OVRLRESP", "RSSTRESC": "PD", "RSEVAL": "INVESTIGATOR",
         "RSDTC": "2021-03-15"},
        {"USUBJID": "T1-002", "RSTESTCD": "TRGRESP", "RSSTRESC": "PD", "RSEVAL": "INVESTIGATOR",
         "RSDTC": "2021-03-15"}])
    _xpt(folder, "ds", [
        {"USUBJID": "T1-002", "DSCAT": "DISPOSITION EVENT", "DSDECOD": "PROGRESSIVE DISEASE", "DSSTDTC": "2021-03-20"},
        {"USUBJID": "T1-001", "DSCAT": "PROTOCOL MILESTONE", "DSDECOD": "INFORMED CONSENT OBTAINED",
         "DSSTDTC": "2020-12-20"}])
    return folder


def test_small_trial_in_xpt(sdtm, tmp_path):
    out = tmp_path / "study"
    assert main(["import", "sdtm", str(sdtm), "--out", str(out), "--data-cutoff", "2021-10-01"]) == 0
    study = load_study(out)
    patients = study.patients.set_index("patient_id")
    assert patients.loc["T1-001", "ecog"] == 1 and patients.loc["T1-002", "ecog"] == 2  # last before first dose
    assert patients.loc["T1-001", "sex"] == "female"
    followup = study.table("followup").set_index("patient_id")
    assert str(followup.loc["T1-002", "death_date"].date()) == "2021-05-15"  # from SS DEAD
    assert str(followup.loc["T1-001", "last_known_alive_date"].date()) == "2021-09-01"  # SS ALIVE is the latest
    ae = study.table("adverse_events")
    assert ae["term"].tolist() == ["Hypertension"] and ae["grade"].tolist() == [3]
    assert str(ae["onset_date"].iloc[0].date()) == "2021-02-01"  # 2021-02 imputed to the first day
    assert ae["action"].tolist() == ["dose_reduced"] and ae["related"].tolist() == ["yes"]
    assert study.table("responses")["overall_response"].tolist() == ["PR", "PD"]
    treatments = study.table("treatments").set_index("patient_id")
    assert treatments.loc["T1-002", "reason_stopped"] == "progression"
    assert "data_cutoff = 2021-10-01" in (out / "study.toml").read_text()
    report = json.loads((out / "import-report.json").read_text())
    inputs = {r["name"]: r for r in report["inputs"]}
    for record in inputs.values():
        assert record["rows_used"] + sum(r["rows"] for r in record["rows_not_used"]) == record["rows"]
    assert {r["reason"] for r in inputs["QS"]["rows_not_used"]} == {
        "a questionnaire other than ECOG", "ECOG record after the first dose or without a value"}
    assert inputs["AE"]["rows_not_used"][0]["first_rows"] == [2]  # the xpt's second record, no AETOXGR
    assert "1 partial onset date(s) imputed" in " ".join(report["decisions"])


def test_no_tumour_data_writes_the_folder_and_says_what_is_missing(sdtm, tmp_path, capsys):
    (sdtm / "rs.xpt").unlink()
    out = tmp_path / "study"
    assert main(["import", "sdtm", str(sdtm), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "needs a responses table" in printed and "NOT valid yet" in printed
    assert "No TU/TR and no RS" in (out / "import-report.md").read_text()


def test_missing_dm_stops_with_nothing_written(sdtm, tmp_path, capsys):
    (sdtm / "dm.xpt").unlink()
    assert main(["import", "sdtm", str(sdtm), "--out", str(tmp_path / "x")]) == 1
    assert "required domain(s) DM not found" in capsys.readouterr().err and not (tmp_path / "x").exists()
    assert main(["import", "sdtm", str(sdtm), "--out", str(tmp_path / "x"), "--data-cutoff", "15/05/2022"]) == 2
