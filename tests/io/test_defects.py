"""A study seeded with many different defects: every one is reported, with the right sheet, row and column,
and nothing else is reported (no spurious or doubled problems)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oncocohort import validate_study
from tests.study_builder import example_tables, write_study

# (severity, rule, table, row as in Excel, column) — row 1 is the header, examples occupy the first rows.
EXPECTED = {
    # patients: examples in rows 2-3
    ("error", "value.not_allowed", "patients", 4, "ecog"),
    ("error", "value.not_allowed", "patients", 5, "sex"),
    ("error", "patient.duplicate_id", "patients", 6, "patient_id"),
    ("error", "number.invalid", "patients", 7, "age"),
    ("error", "value.not_allowed", "patients", 8, "metastatic"),
    ("error", "integer.invalid", "patients", 9, "prior_systemic_lines"),
    ("error", "patient.no_age", "patients", 10, "age"),
    ("warning", "column.direct_identifier", "patients", 1, "name"),
    ("error", "followup.missing", "patients", 4, "patient_id"),
    # treatments: examples in rows 2-6
    ("error", "date.end_before_start", "treatments", 7, "end_date"),
    ("error", "treatments.dose_without_unit", "treatments", 8, "dose_unit"),
    ("error", "patient.unknown_id", "treatments", 9, "patient_id"),
    ("error", "date.ambiguous", "treatments", 10, "start_date"),
    ("error", "date.invalid", "treatments", 11, "start_date"),
    ("error", "value.not_allowed", "treatments", 12, "reason_stopped"),
    ("error", "treatments.reason_without_end", "treatments", 13, "reason_stopped"),
    ("warning", "column.unknown", "treatments", 1, "comment"),
    ("warning", "treatments.overlap", "treatments", 15, "start_date"),
    # lesions: examples in rows 2-9
    ("error", "number.out_of_range", "lesions", 10, "diameter_mm"),
    ("error", "lesions.target_without_baseline", "lesions", 11, "lesion_id"),
    ("error", "lesions.kind_changed", "lesions", 12, "kind"),
    ("error", "lesions.duplicate", "lesions", 13, "lesion_id"),
    ("error", "lesions.status_for_kind", "lesions", 14, "status"),
    ("error", "lesions.diameter_with_status", "lesions", 15, "diameter_mm"),
    ("error", "lesions.not_measurable", "lesions", 16, "diameter_mm"),
    ("error", "lesions.too_many_targets_in_organ", "lesions", 18, "site"),
    ("error", "lesions.too_many_targets", "lesions", 19, "lesion_id"),
    ("error", "value.not_allowed", "lesions", 20, "kind"),
    ("error", "date.after_death", "lesions", 21, "assessment_date"),
    # responses: a required column removed
    ("error", "column.missing", "responses", 1, "overall_response"),
    # adverse events: examples in rows 2-3
    ("error", "ae.unknown_term", "adverse_events", 4, "term"),
    ("error", "ae.grade_not_defined", "adverse_events", 5, "grade"),
    ("error", "value.not_allowed", "adverse_events", 6, "grade"),
    ("error", "date.unparseable", "adverse_events", 7, "onset_date"),
    ("error", "value.not_allowed", "adverse_events", 8, "related"),
    ("error", "date.after_death", "adverse_events", 9, "onset_date"),
    # followup: examples in rows 2-3
    ("error", "date.alive_after_death", "followup", 3, "last_known_alive_date"),
    ("error", "followup.duplicate", "followup", 4, "patient_id"),
    ("error", "vital.cause_without_death", "followup", 5, "cause_of_death"),
    ("warning", "date.after_cutoff", "followup", 5, "last_known_alive_date"),
}


def defective_tables() -> dict[str, list[dict]]:
    t = example_tables()
    base = dict(t["patients"][0])
    for pid, change in [("P003", {"ecog": 5}), ("P004", {"sex": "unknown"}), ("P001", {}), ("P006", {"age": "forty"}),
                        ("P007", {"metastatic": "maybe"}), ("P008", {"prior_systemic_lines": 1.5}),
                        ("P009", {"age": None})]:
        t["patients"].append({**base, "patient_id": pid, **change})
    t["patients"][0]["name"] = "Zhang San"
    treat = dict(t["treatments"][0], reason_stopped=None)
    t["treatments"] += [
        {**treat, "start_date": "2021-10-10", "end_date": "2021-10-01"},
        {**treat, "patient_id": "P002", "start_date": "2022-01-01", "end_date": "2022-01-10", "dose": 200,
         "dose_unit": None, "drug": "pembrolizumab"},
        {**treat, "patient_id": "P999"},
        {**treat, "start_date": "03/04/2021"},
        {**treat, "start_date": "2021-02-30"},
        {**treat, "start_date": "2021-11-01", "end_date": "2021-11-20", "reason_stopped": "bored"},
        {**treat, "end_date": None, "reason_stopped": "toxicity", "start_date": "2021-12-01"},
        {**treat, "patient_id": "P003", "start_date": "2021-05-01", "end_date": "2021-06-01"},
        {**treat, "patient_id": "P003", "start_date": "2021-05-15", "end_date": "2021-07-01"},
    ]
    t["treatments"][1]["comment"] = "reduced for fatigue"
    les = dict(t["lesions"][0])
    t["lesions"] += [
        {**les, "assessment_date": "2021-06-20", "diameter_mm": -3},                                   # 10
        {**les, "assessment_date": "2021-06-20", "lesion_id": "T2", "diameter_mm": 15},                 # 11
        {**les, "assessment_date": "2021-06-20", "lesion_id": "NT1", "kind": "new", "diameter_mm": None},  # 12
        dict(t["lesions"][6]),                                                                         # 13
        {**les, "assessment_date": "2021-06-20", "lesion_id": "NT2", "kind": "non_target", "status": "too_small",
         "diameter_mm": None},                                                                         # 14
        {**les, "assessment_date": "2021-08-20", "status": "absent", "diameter_mm": 12},                # 15
    ]
    p2 = dict(t["lesions"][4])
    t["lesions"] += [
        {**p2, "lesion_id": "T3", "site": "lung", "diameter_mm": 8},                                    # 16
        {**p2, "lesion_id": "T4", "diameter_mm": 20},                                                  # 17
        {**p2, "lesion_id": "T5", "diameter_mm": 21},                                                  # 18
        {**p2, "lesion_id": "T6", "site": "bone", "diameter_mm": 25},                                  # 19
        {**p2, "lesion_id": "T7", "kind": "tumour", "site": "skin", "diameter_mm": 25},                 # 20
        {**p2, "assessment_date": "2022-02-01", "lesion_id": "N1", "kind": "new", "diameter_mm": None},  # 21
    ]
    ae = dict(t["adverse_events"][0])
    t["adverse_events"] += [
        {**ae, "term": "Hand-foot syndrome"},
        {**ae, "grade": 4},
        {**ae, "grade": 7},
        {**ae, "onset_date": "yesterday"},
        {**ae, "related": "perhaps"},
        {**ae, "patient_id": "P002", "onset_date": "2022-03-01", "end_date": None},
    ]
    t["followup"][1]["last_known_alive_date"] = "2022-02-15"
    t["followup"] += [
        {"patient_id": "P001", "last_known_alive_date": "2022-05-10"},
        {"patient_id": "P004", "last_known_alive_date": "2022-06-01", "cause_of_death": "Sepsis"},
    ]
    return t


@pytest.mark.parametrize("layout", ["xlsx", "csv"])
def test_every_defect_is_reported_where_it_is(tmp_path, layout):
    folder = write_study(tmp_path / "study", defective_tables(), layout=layout,
                         drop_columns={"responses": ("overall_response",)})
    report = validate_study(folder)
    got = {(p.severity, p.rule, p.table, p.row, p.column) for p in report.problems}
    assert EXPECTED - got == set(), "defects not reported"
    assert got - EXPECTED == set(), "unexpected problems reported"
    assert len(report.problems) == len(EXPECTED), "a defect was reported more than once"
    assert report.study is None and not report.ok
    source = "study.xlsx" if layout == "xlsx" else "patients.csv"
    duplicate = next(p for p in report.problems if p.rule == "patient.duplicate_id")
    assert duplicate.source == source and duplicate.value == "P001" and "row 2" in duplicate.message


def test_messages_carry_value_and_plain_rule(tmp_path):
    folder = write_study(tmp_path / "study", defective_tables(), drop_columns={"responses": ("overall_response",)})
    problems = {(p.rule, p.table, p.row): p for p in validate_study(folder).problems}
    ecog = problems[("value.not_allowed", "patients", 4)]
    assert ecog.value == "5" and ecog.message == "ecog must be one of: 0, 1, 2, 3, 4"
    term = problems[("ae.unknown_term", "adverse_events", 4)]
    assert term.value == "Hand-foot syndrome" and "Palmar-plantar erythrodysesthesia syndrome" in term.message
    grade = problems[("ae.grade_not_defined", "adverse_events", 5)]
    assert grade.message == "grade 4 is not defined for 'Fatigue' in CTCAE v5.0 (defined grades: 1, 2, 3)"
    ambiguous = problems[("date.ambiguous", "treatments", 10)]
    assert ambiguous.value == "03/04/2021" and "2021-04-03" in ambiguous.message and "2021-03-04" in ambiguous.message
    assert ecog.describe() == ("study.xlsx, sheet patients, row 4, column ecog — value '5': "
                               "ecog must be one of: 0, 1, 2, 3, 4")


def test_json_output_lists_the_same_problems(tmp_path):
    folder = write_study(tmp_path / "study", defective_tables(), drop_columns={"responses": ("overall_response",)})
    result = subprocess.run([sys.executable, "-m", "oncocohort", "validate", str(folder), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    assert doc["n_errors"] + doc["n_warnings"] == len(EXPECTED)
    got = {(p["severity"], p["rule"], p["table"], p["row"], p["column"]) for p in doc["problems"]}
    assert got == EXPECTED
    assert set(doc["problems"][0]) == {"severity", "source", "table", "row", "column", "value", "rule", "message"}
