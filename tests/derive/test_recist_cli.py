"""oncocohort recist: files in, visits.csv and patients.csv out; bad input reported by row, nothing written."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", "recist", *args], capture_output=True, text=True)


LESIONS = """patient_id,assessment_date,lesion_id,kind,site,nodal,diameter_mm,status
P1,2021-01-01,T1,target,lung,no,40,present
P1,2021-03-01,T1,target,lung,no,20,present
P1,2021-04-01,T1,target,lung,no,21,present
P2,2021-01-02,T1,target,liver,no,30,present
P2,2021-03-02,T1,target,liver,no,40,present
"""
STARTS = "patient_id,treatment_start\nP1,2021-01-05\nP2,2021-01-05\n"


def test_writes_visits_and_patients(tmp_path):
    (tmp_path / "lesions.csv").write_text(LESIONS)
    (tmp_path / "starts.csv").write_text(STARTS)
    result = run(str(tmp_path / "lesions.csv"), "--starts", str(tmp_path / "starts.csv"), "--confirm",
                 "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    visits = pd.read_csv(tmp_path / "out" / "visits.csv")
    assert list(visits.columns) == ["patient_id", "assessment_date", "sum_mm", "pct_from_baseline", "nadir_mm",
                                    "pct_from_nadir", "target_response", "non_target_response", "new_lesion",
                                    "overall_response", "reason"]
    patients = pd.read_csv(tmp_path / "out" / "patients.csv").set_index("patient_id")
    assert patients.loc["P1", "best_overall_response"] == "PR"   # confirmed 31 days later
    assert patients.loc["P2", "best_overall_response"] == "PD"
    assert patients.loc["P1", "best_pct_change"] == -50
    assert visits.loc[visits["patient_id"] == "P2", "reason"].iloc[-1] == "PD: +33 % and +10.0 mm from nadir 30.0 mm"
    again = run(str(tmp_path / "lesions.csv"), "--starts", str(tmp_path / "starts.csv"), "--confirm",
                "--out", str(tmp_path / "out2"))
    assert again.returncode == 0
    assert (tmp_path / "out" / "visits.csv").read_bytes() == (tmp_path / "out2" / "visits.csv").read_bytes()


def test_recorded_responses(tmp_path):
    (tmp_path / "responses.csv").write_text("patient_id,assessment_date,overall_response\nP1,2021-03-01,PR\n"
                                            "P1,2021-04-01,PR\nP2,2021-02-01,SD\n")
    (tmp_path / "starts.csv").write_text(STARTS)
    result = run("--responses", str(tmp_path / "responses.csv"), "--starts", str(tmp_path / "starts.csv"),
                 "--out", str(tmp_path / "out"))
    assert result.returncode == 0
    patients = pd.read_csv(tmp_path / "out" / "patients.csv").set_index("patient_id")
    assert patients["best_overall_response"].to_dict() == {"P1": "PR", "P2": "NE"}  # P2's SD is before day 42


def test_bad_input_is_reported_and_nothing_written(tmp_path):
    (tmp_path / "lesions.csv").write_text(LESIONS.replace("P1,2021-03-01,T1,target,lung,no,20,present",
                                                          "P1,2021-03-01,T1,tumour,lung,no,-20,present"))
    (tmp_path / "starts.csv").write_text(STARTS.replace("2021-01-05\nP2", "soon\nP2"))
    result = run(str(tmp_path / "lesions.csv"), "--starts", str(tmp_path / "starts.csv"), "--out",
                 str(tmp_path / "out"))
    assert result.returncode == 1
    assert "lesions.csv, row 3, column kind — value 'tumour'" in result.stdout
    assert "lesions.csv, row 3, column diameter_mm — value '-20'" in result.stdout
    assert "starts.csv, row 2, column treatment_start — value 'soon'" in result.stdout
    assert not (tmp_path / "out").exists()


def test_irecist_and_choi_options(tmp_path):
    lesions = LESIONS + "P2,2021-04-02,T1,target,liver,no,46,present\n"
    (tmp_path / "lesions.csv").write_text(lesions)
    (tmp_path / "starts.csv").write_text(STARTS)
    result = run(str(tmp_path / "lesions.csv"), "--starts", str(tmp_path / "starts.csv"), "--criteria", "irecist",
                 "--out", str(tmp_path / "i"))
    assert result.returncode == 0, result.stdout
    visits = pd.read_csv(tmp_path / "i" / "visits.csv")
    assert visits.loc[visits["patient_id"] == "P2", "irecist_response"].dropna().tolist() == ["iUPD", "iCPD"]
    patients = pd.read_csv(tmp_path / "i" / "patients.csv").set_index("patient_id")
    assert patients.loc["P2", "best_irecist_response"] == "iUPD"
    assert patients.loc["P2", "confirmed_progression_date"] == "2021-04-02"
    choi = run(str(tmp_path / "lesions.csv"), "--starts", str(tmp_path / "starts.csv"), "--criteria", "choi",
               "--out", str(tmp_path / "c"))
    assert choi.returncode == 0
