"""REDCap import on a project built here: a longitudinal project (baseline and follow-up events) with repeating
instruments (treatment, tumour measurements, adverse events), radio/dropdown/yes-no fields and checkboxes,
exported raw and with labels (label headers, label values, Checked/Unchecked). Both exports must give the same
study; the draft map must find the obvious fields."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from oncocohort.cli import main
from oncocohort.importers.redcap import draft_map
from oncocohort.io.study import load_study

DICTIONARY = [
    # field_name, form_name, field_type, field_label, choices
    ("record_id", "demographics", "text", "Record ID", ""),
    ("dob", "demographics", "text", "Date of birth", ""),
    ("gender", "demographics", "radio", "Gender", "1, Male | 2, Female"),
    ("ecog_ps", "demographics", "dropdown", "ECOG performance status", "0, 0 | 1, 1 | 2, 2 | 3, 3"),
    ("histology", "demographics", "text", "Histology", ""),
    ("mets", "demographics", "yesno", "Distant metastasis", ""),
    ("brain_mets", "demographics", "radio", "Brain metastases", "0, None | 1, Stable | 2, Active"),
    ("autoimmune", "demographics", "radio", "Autoimmune disease", "0, None | 1, Controlled | 2, Active"),
    ("prior_tx", "demographics", "checkbox", "Prior treatment", "1, Surgery | 2, Radiotherapy | 3, Chemotherapy"),
    ("prior_lines", "demographics", "text", "Prior systemic lines", ""),
    ("met_sites", "demographics", "checkbox", "Metastatic sites", "1, Lung | 2, Liver | 3, Bone"),
    ("drug_name", "treatment", "dropdown", "Drug", "1, anlotinib | 2, sintilimab"),
    ("tx_start", "treatment", "text", "Start date", ""),
    ("tx_end", "treatment", "text", "End date", ""),
    ("scan_date", "tumour_measurements", "text", "Scan date", ""),
    ("lesion", "tumour_measurements", "text", "Lesion", ""),
    ("lesion_type", "tumour_measurements", "radio", "Lesion type", "1, Target | 2, Non-target | 3, New"),
    ("organ", "tumour_measurements", "text", "Organ", ""),
    ("lymph_node", "tumour_measurements", "yesno", "Lymph node", ""),
    ("diameter", "tumour_measurements", "text", "Longest diameter (mm)", ""),
    ("lesion_status", "tumour_measurements", "radio", "Lesion status", "1, Present | 2, Absent"),
    ("ae_term", "adverse_events", "text", "Adverse event", ""),
    ("ae_grade", "adverse_events", "dropdown", "CTCAE grade", "1, 1 | 2, 2 | 3, 3 | 4, 4 | 5, 5"),
    ("ae_start", "adverse_events", "text", "Onset date", ""),
    ("ae_related", "adverse_events", "radio", "Related to treatment", "1, Related | 0, Not related"),
    ("last_contact", "follow_up", "text", "Date last known alive", ""),
    ("death_date", "follow_up", "text", "Date of death", ""),
]
CHECKBOXES = {"prior_tx": ("1", "2", "3"), "met_sites": ("1", "2", "3")}


def _columns() -> list[str]:
    out = ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"]
    for name, *_ in DICTIONARY[1:]:
        out += [f"{name}___{c}" for c in CHECKBOXES[name]] if name in CHECKBOXES else [name]
    return out


def _raw_rows() -> list[dict]:
    rows = []
    for pid, sex, ecog, brain, tx, sites, grade, dead in (("1", "1", "1", "0", "1", "13", "3", False),
                                                           ("2", "2", "2", "1", "", "2", "2", True)):
        main_row = {"record_id": pid, "redcap_event_name": "baseline_arm_1", "dob": "1970-05-01", "gender": sex,
                    "ecog_ps": ecog, "histology": "Synovial sarcoma", "mets": "1", "brain_mets": brain,
                    "autoimmune": "0", "prior_lines": "1"}
        main_row.update({f"prior_tx___{c}": "1" if c in tx else "0" for c in CHECKBOXES["prior_tx"]})
        main_row.update({f"met_sites___{c}": "1" if c in sites else "0" for c in CHECKBOXES["met_sites"]})
        rows.append(main_row)
        for i, drug in enumerate(("1", "2"), start=1):
            rows.append({"record_id": pid, "redcap_event_name": "baseline_arm_1", "redcap_repeat_instrument":
                         "treatment", "redcap_repeat_instance": str(i), "drug_name": drug, "tx_start": "2021-03-01",
                         "tx_end": "2021-09-30"})
        for i, (date, diameter) in enumerate((("2021-02-20", "40"), ("2021-04-20", "26")), start=1):
            rows.append({"record_id": pid, "redcap_event_name": "baseline_arm_1", "redcap_repeat_instrument":
                         "tumour_measurements", "redcap_repeat_instance": str(i), "scan_date": date,
                         "lesion": "T1", "lesion_type": "1", "organ": "lung", "lymph_node": "0",
                         "diameter": diameter, "lesion_status": "1"})
        rows.append({"record_id": pid, "redcap_event_name": "baseline_arm_1", "redcap_repeat_instrument":
                     "adverse_events", "redcap_repeat_instance": "1", "ae_term": "Hypertension", "ae_grade": grade,
                     "ae_start": "2021-04-01", "ae_related": "1"})
        rows.append({"record_id": pid, "redcap_event_name": "followup_arm_1", "last_contact": "2022-01-15",
                     "death_date": "2022-01-20" if dead else ""})
    # a survey-queue row of an instrument no table maps: reported, not silently dropped
    rows.append({"record_id": "2", "redcap_event_name": "baseline_arm_1", "redcap_repeat_instrument": "quality_of_life",
                 "redcap_repeat_instance": "1"})
    return rows


def _labels(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """The same records as REDCap's 'labels' export: label headers, label values, Checked/Unchecked."""
    fields = {f[0]: f for f in DICTIONARY}
    choice = {name: dict(p.split(", ", 1) for p in f[4].split(" | ")) for name, f in fields.items() if f[4]}
    choice.update({name: {"1": "Yes", "0": "No"} for name, f in fields.items() if f[2] == "yesno"})
    header, out = [], []
    names = {"record_id": "Record ID", "redcap_event_name": "Event Name", "redcap_repeat_instrument":
             "Repeat Instrument", "redcap_repeat_instance": "Repeat Instance"}
    for column in _columns():
        base, _, code = column.partition("___")
        if column not in names:
            names[column] = f"{fields[base][3]} (choice={choice[base][code]})" if code else fields[base][3]
        header.append(names[column])
    events = {"baseline_arm_1": "Baseline (Arm 1: Arm A)", "followup_arm_1": "Follow-up (Arm 1: Arm A)"}
    for row in rows:
        new = {}
        for column in _columns():
            value = row.get(column, "")
            base, _, code = column.partition("___")
            if code:
                value = {"1": "Checked", "0": "Unchecked"}.get(value, value)
            elif column == "redcap_event_name":
                value = events[value]
            elif column == "redcap_repeat_instrument":
                value = value.replace("_", " ").title()
            elif base in choice and value:
                value = choice[base][value]
            new[names[column]] = value
        out.append(new)
    return header, out


MAP = '''
[tables.patients]
event = "baseline_arm_1"
covariates = ["met_sites"]
[tables.patients.columns]
patient_id = "record_id"
birth_date = "dob"
sex = "gender"
ecog = "ecog_ps"
histology = "histology"
metastatic = "mets"
brain_metastases = "brain_mets"
autoimmune_disease = "autoimmune"
prior_surgery = "prior_tx___1"
prior_systemic_lines = "prior_lines"

[tables.treatments]
instrument = "treatment"
[tables.treatments.columns]
patient_id = "record_id"
drug = "drug_name"
start_date = "tx_start"
end_date = "tx_end"

[tables.lesions]
instrument = "tumour_measurements"
[tables.lesions.columns]
patient_id = "record_id"
assessment_date = "scan_date"
lesion_id = "lesion"
kind = "lesion_type"
site = "organ"
nodal = "lymph_node"
diameter_mm = "diameter"
status = "lesion_status"

[tables.adverse_events]
instrument = "adverse_events"
[tables.adverse_events.columns]
patient_id = "record_id"
term = "ae_term"
grade = "ae_grade"
onset_date = "ae_start"
related = "ae_related"
[tables.adverse_events.values.related]
"Related" = "yes"
"Not related" = "no"

[tables.followup]
event = "followup_arm_1"
[tables.followup.columns]
patient_id = "record_id"
last_known_alive_date = "last_contact"
death_date = "death_date"
'''


def _write(path: Path, header: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture()
def project(tmp_path):
    dictionary = _write(tmp_path / "dictionary.csv", ["Variable / Field Name", "Form Name", "Field Type",
                                                      "Field Label", "Choices, Calculations, OR Slider Labels"],
                        [dict(zip(["Variable / Field Name", "Form Name", "Field Type", "Field Label",
                                   "Choices, Calculations, OR Slider Labels"], f)) for f in DICTIONARY])
    raw = _write(tmp_path / "export_raw.csv", _columns(), _raw_rows())
    labels = _write(tmp_path / "export_labels.csv", *_labels(_raw_rows()))
    (tmp_path / "redcap-map.toml").write_text(MAP, encoding="utf-8")
    return tmp_path, dictionary, raw, labels


def _import(tmp_path, dictionary, export, name) -> Path:
    out = tmp_path / name
    code = main(["import", "redcap", "--data", str(export), "--dictionary", str(dictionary), "--map",
                 str(tmp_path / "redcap-map.toml"), "--out", str(out)])
    assert code == 0
    return out


def test_raw_and_labels_exports_give_the_same_valid_study(project):
    tmp_path, dictionary, raw, labels = project
    from_raw, from_labels = _import(tmp_path, dictionary, raw, "raw"), _import(tmp_path, dictionary, labels, "lab")
    for table in ("patients", "treatments", "lesions", "adverse_events", "followup"):
        assert (from_raw / f"{table}.csv").read_bytes() == (from_labels / f"{table}.csv").read_bytes(), table
    study = load_study(from_raw)
    patients = study.patients.set_index("patient_id")
    assert patients.loc["1", "sex"] == "male" and patients.loc["2", "sex"] == "female"
    assert patients.loc["2", "brain_metastases"] == "stable" and patients.loc["1", "ecog"] == 1
    assert patients.loc["1", "prior_surgery"] == "yes" and patients.loc["2", "prior_surgery"] == "no"  # checkbox
    assert patients.loc["1", "met_sites"] == "Lung; Bone"  # a whole checkbox field as a covariate
    assert sorted(study.table("treatments")["drug"]) == ["anlotinib", "anlotinib", "sintilimab", "sintilimab"]
    assert len(study.table("lesions")) == 4 and study.table("lesions")["kind"].eq("target").all()
    assert study.table("adverse_events")["related"].tolist() == ["yes", "yes"]
    followup = study.table("followup").set_index("patient_id")
    assert pd.isna(followup.loc["1", "death_date"]) and str(followup.loc["2", "death_date"].date()) == "2022-01-20"


def test_every_export_row_is_used_or_reported(project):
    tmp_path, dictionary, raw, _ = project
    out = _import(tmp_path, dictionary, raw, "raw")
    report = pd.read_json(out / "import-report.json", typ="series")
    whole = next(r for r in report["inputs"] if r["name"] == "REDCap export")
    assert whole["rows"] == 15 and whole["rows_used"] == 14
    assert whole["rows_not_used"] == [{"reason": "rows of instrument 'quality_of_life', event 'baseline_arm_1': no "
                                                 "table of the mapping takes them", "rows": 1, "first_rows": [16]}]
    assert whole["columns_not_used"]["prior_tx___2"] == "not named in the mapping file"
    assert "Regimen: one component" in " ".join(report["decisions"])


def test_a_mapping_naming_a_missing_field_fails_with_nothing_written(project, capsys):
    tmp_path, dictionary, raw, _ = project
    (tmp_path / "redcap-map.toml").write_text(MAP.replace('term = "ae_term"', 'term = "ae_trem"'))
    code = main(["import", "redcap", "--data", str(raw), "--dictionary", str(dictionary), "--map",
                 str(tmp_path / "redcap-map.toml"), "--out", str(tmp_path / "bad")])
    assert code == 1 and not (tmp_path / "bad").exists()
    assert "'ae_trem'" in capsys.readouterr().err


def test_draft_map_finds_the_obvious_fields(project):
    _, dictionary, _, _ = project
    drafted = tomllib.loads(draft_map(dictionary))["tables"]
    assert drafted["patients"]["columns"]["patient_id"] == "record_id"
    assert drafted["patients"]["columns"]["sex"] == "gender"
    assert drafted["patients"]["columns"]["birth_date"] == "dob"
    assert drafted["patients"]["values"]["sex"] == {"Male": "male", "Female": "female"}
    assert drafted["adverse_events"]["instrument"] == "adverse_events"
    assert drafted["adverse_events"]["columns"]["grade"] == "ae_grade"
    assert drafted["followup"]["columns"]["death_date"] == "death_date"
