"""``oncocohort recist`` files: nodal may be blank on non-target and new lesions (read from site), not on targets."""

from __future__ import annotations

import pandas as pd

from oncocohort.derive.recist_files import run_recist

LESIONS = """patient_id,assessment_date,lesion_id,kind,site,nodal,diameter_mm,status
P1,2021-01-01,T1,target,lung,no,40,present
P1,2021-01-01,NT1,non_target,lymph node,,,present
P1,2021-03-01,T1,target,lung,no,20,present
P1,2021-03-01,NT1,non_target,lymph node,,,present
"""
STARTS = "patient_id,treatment_start\nP1,2021-01-05\n"


def _run(tmp_path, lesions: str):
    (tmp_path / "lesions.csv").write_text(lesions)
    (tmp_path / "starts.csv").write_text(STARTS)
    return run_recist(lesions=str(tmp_path / "lesions.csv"), responses=None, starts=str(tmp_path / "starts.csv"),
                      out=str(tmp_path / "out"))


def test_blank_nodal_on_a_non_target_is_read_from_site(tmp_path):
    problems, written = _run(tmp_path, LESIONS)
    assert [p for p in problems if p.severity == "error"] == [] and written
    visits = pd.read_csv(tmp_path / "out" / "visits.csv")
    assert visits["overall_response"].tolist()[-1] == "PR"  # the first row is the baseline


def test_blank_nodal_on_a_target_is_an_error_naming_the_row(tmp_path):
    problems, written = _run(tmp_path, LESIONS.replace("P1,2021-01-01,T1,target,lung,no,", "P1,2021-01-01,T1,target,"
                                                       "lung,,"))
    assert [(p.rule, p.row, p.column) for p in problems] == [("lesions.target_nodal_blank", 2, "nodal")]
    assert not written
