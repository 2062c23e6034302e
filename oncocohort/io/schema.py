"""The study data format: tables, columns, types, units and allowed values — the contract.

Everything that reads, writes, documents or templates a study takes its column list from here, so the
validator, ``oncocohort init`` and docs/data-format.md cannot disagree. Additive changes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "integer", "number", "date", "enum"]

YES_NO = ("yes", "no")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a study table.

    ``kind`` is how a cell is read: ``id``/``text`` (trimmed text), ``integer``, ``number``, ``date``
    (Excel date or ISO text ``YYYY-MM-DD``), ``enum`` (one of ``allowed``; case and surrounding spaces
    ignored). ``minimum``/``maximum`` bound numbers (inclusive).
    """

    name: str
    kind: Kind
    required: bool
    description: str
    unit: str | None = None
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def type_label(self) -> str:
        return {
            "id": "text (identifier)",
            "text": "text",
            "integer": "whole number",
            "number": "number",
            "date": "date",
            "enum": "one of a list",
        }[self.kind]


@dataclass(frozen=True)
class TableSpec:
    """One table of a study (a sheet of study.xlsx or a ``<name>.csv`` file)."""

    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    required: bool = True
    keeps_extra_columns: bool = False

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name, kind, required, description, **kw) -> ColumnSpec:
    if "allowed" in kw:
        kw["allowed"] = tuple(kw["allowed"])
    return ColumnSpec(name, kind, required, description, **kw)


PATIENTS = TableSpec(
    "patients",
    "Every screened patient, one row each — included and excluded alike (eligibility decides). Columns not "
    "listed here are kept as covariates (e.g. a baseline laboratory value) and may be used as subgroups.",
    (
        _c("patient_id", "id", True, "Study pseudonym, unique. Never a name or record number."),
        _c("age", "number", False, "Age at treatment start. Give `age` or `birth_date` for every patient.",
           unit="years", minimum=0, maximum=120),
        _c("birth_date", "date", False, "Date of birth; used when `age` is blank."),
        _c("sex", "enum", True, "Sex.", allowed=("male", "female")),
        _c("ecog", "integer", True, "ECOG performance status at treatment start.", minimum=0, maximum=4),
        _c("histology", "text", True, "Histological diagnosis as written in the pathology report."),
        _c("histology_group", "text", False, "Subgroup label for analysis (e.g. SS, ASPS, LMS, LPS, Other)."),
        _c("metastatic", "enum", True, "Distant metastasis at treatment start.", allowed=YES_NO),
        _c("brain_metastases", "enum", True, "Brain metastases at treatment start.",
           allowed=("none", "stable", "active")),
        _c("autoimmune_disease", "enum", True, "Autoimmune disease at treatment start.",
           allowed=("none", "controlled", "active")),
        _c("prior_surgery", "enum", True, "Surgery for this cancer before treatment start.", allowed=YES_NO),
        _c("prior_systemic_lines", "integer", True, "Number of prior systemic therapy lines.", minimum=0,
           maximum=30),
    ),
    keeps_extra_columns=True,
)

TREATMENTS = TableSpec(
    "treatments",
    "One row per drug and dose period. A dose change starts a new row for the same drug.",
    (
        _c("patient_id", "id", True, "Patient, as in `patients`."),
        _c("drug", "text", True, "Drug name (generic), e.g. anlotinib, sintilimab."),
        _c("start_date", "date", True, "First day of this dose period."),
        _c("end_date", "date", False, "Last day of this dose period; blank = ongoing at data cutoff."),
        _c("dose", "number", False, "Dose per administration in this period.", minimum=0),
        _c("dose_unit", "text", False, "Unit of `dose` (e.g. mg, mg/kg); required when `dose` is given."),
        _c("reason_stopped", "enum", False,
           "Why this period ended; blank if ongoing or if the next row continues the drug at another dose.",
           allowed=("progression", "toxicity", "death", "patient_choice", "other")),
    ),
)

LESIONS = TableSpec(
    "lesions",
    "One row per lesion per imaging assessment (baseline and every follow-up scan).",
    (
        _c("patient_id", "id", True, "Patient, as in `patients`."),
        _c("assessment_date", "date", True, "Date of the scan."),
        _c("lesion_id", "text", True, "Identifier of the lesion, stable across assessments (e.g. T1, NT1, N1)."),
        _c("kind", "enum", True, "Target, non-target or new lesion (RECIST 1.1).",
           allowed=("target", "non_target", "new")),
        _c("site", "text", True, "Organ (e.g. lung, liver, lymph node); at most 2 targets per organ."),
        _c("nodal", "enum", False, "Lymph node lesion (measured by short axis). Required for target lesions; "
           "may be blank for non-target and new lesions, then read as `yes` when `site` names a lymph node "
           "(lymph, node, nodal, LN, 淋巴) and `no` otherwise.", allowed=YES_NO),
        _c("diameter_mm", "number", False,
           "Longest diameter (short axis for nodal lesions); blank for absent / not evaluated.",
           unit="mm", minimum=0),
        _c("status", "enum", True,
           "targets: present/absent/too_small/not_evaluated; non-targets: present/absent/progression/"
           "not_evaluated; new: present/equivocal.",
           allowed=("present", "absent", "too_small", "not_evaluated", "progression", "equivocal")),
        _c("attenuation_hu", "number", False, "Mean attenuation (Hounsfield units), for Choi criteria.",
           unit="HU"),
        _c("method", "enum", False, "Imaging method.", allowed=("CT", "MRI")),
    ),
    required=False,
)

RESPONSES = TableSpec(
    "responses",
    "Optional: the recorded overall response per assessment, when lesion measurements are not available.",
    (
        _c("patient_id", "id", True, "Patient, as in `patients`."),
        _c("assessment_date", "date", True, "Date of the assessment."),
        _c("overall_response", "enum", True, "Overall response at this assessment (RECIST 1.1 categories).",
           allowed=("CR", "PR", "SD", "PD", "NE", "NON-CR/NON-PD")),
        _c("assessor", "text", False, "Who assessed (e.g. investigator, BICR)."),
    ),
    required=False,
)

ADVERSE_EVENTS = TableSpec(
    "adverse_events",
    "One row per adverse event episode. Keep the sheet with its header row when there are none.",
    (
        _c("patient_id", "id", True, "Patient, as in `patients`."),
        _c("term", "text", True, "CTCAE term (v5.0 by default, `[adverse_events] ctcae_version`)."),
        _c("grade", "integer", True, "CTCAE grade; must be defined for the term.", minimum=1, maximum=5),
        _c("onset_date", "date", True, "Date of onset."),
        _c("end_date", "date", False, "Date resolved; blank if ongoing."),
        _c("related", "enum", True, "Related to study treatment.", allowed=("yes", "no", "unknown")),
        _c("serious", "enum", False, "Serious adverse event.", allowed=YES_NO),
        _c("action", "enum", False, "Action taken with study treatment.",
           allowed=("none", "dose_reduced", "interrupted", "discontinued")),
    ),
)

FOLLOWUP = TableSpec(
    "followup",
    "One row per patient: vital status at the end of follow-up.",
    (
        _c("patient_id", "id", True, "Patient, as in `patients`."),
        _c("last_known_alive_date", "date", True, "Last date the patient was known to be alive."),
        _c("death_date", "date", False, "Date of death; blank if alive."),
        _c("cause_of_death", "text", False, "Cause of death (free text)."),
        _c("new_anticancer_therapy_date", "date", False, "Start of the next anticancer therapy, if any."),
    ),
)

TABLES: tuple[TableSpec, ...] = (PATIENTS, TREATMENTS, LESIONS, RESPONSES, ADVERSE_EVENTS, FOLLOWUP)
TABLES_BY_NAME = {t.name: t for t in TABLES}

# Subject-level fields the derive layer computes and that study.toml may name (eligibility, subgroups,
# Cox covariates) besides the columns of `patients`. "name:argument" fields take a regimen drug or
# component after the colon, e.g. "starting_dose:anlotinib".
DERIVED_FIELDS = {
    "baseline_target_lesions": "number of measurable target lesions at the baseline assessment",
    "received_regimen": "yes when every regimen component was started",
    "starting_dose": "starting dose of the drug named after the colon (starting_dose:anlotinib)",
    "component_drug": "which drug of the regimen component named after the colon was given",
}

# Example rows: two patients of a small but coherent study (used by `oncocohort init --example` and in
# docs/data-format.md). P001 responds (PR at -33 %), P002 has stable disease and dies.
EXAMPLE_ROWS: dict[str, list[dict[str, object]]] = {
    "patients": [
        dict(patient_id="P001", age=48, sex="male", ecog=1, histology="Synovial sarcoma", histology_group="SS",
             metastatic="yes", brain_metastases="none", autoimmune_disease="none", prior_surgery="yes",
             prior_systemic_lines=1),
        dict(patient_id="P002", age=61, sex="female", ecog=2, histology="Alveolar soft-part sarcoma",
             histology_group="ASPS", metastatic="yes", brain_metastases="stable", autoimmune_disease="controlled",
             prior_surgery="no", prior_systemic_lines=2),
    ],
    "treatments": [
        dict(patient_id="P001", drug="anlotinib", start_date="2021-03-01", end_date="2021-06-30", dose=12,
             dose_unit="mg"),
        dict(patient_id="P001", drug="anlotinib", start_date="2021-07-01", end_date="2021-09-30", dose=10,
             dose_unit="mg", reason_stopped="progression"),
        dict(patient_id="P001", drug="sintilimab", start_date="2021-03-01", end_date="2021-09-30", dose=200,
             dose_unit="mg", reason_stopped="progression"),
        dict(patient_id="P002", drug="anlotinib", start_date="2021-03-05", end_date="2021-12-31", dose=10,
             dose_unit="mg", reason_stopped="toxicity"),
        dict(patient_id="P002", drug="camrelizumab", start_date="2021-03-05", end_date="2021-12-31", dose=200,
             dose_unit="mg", reason_stopped="toxicity"),
    ],
    "lesions": [
        dict(patient_id="P001", assessment_date="2021-02-20", lesion_id="T1", kind="target", site="lung",
             nodal="no", diameter_mm=42, status="present", method="CT"),
        dict(patient_id="P001", assessment_date="2021-02-20", lesion_id="NT1", kind="non_target", site="pleura",
             nodal="no", status="present", method="CT"),
        dict(patient_id="P001", assessment_date="2021-04-20", lesion_id="T1", kind="target", site="lung",
             nodal="no", diameter_mm=28, status="present", method="CT"),
        dict(patient_id="P001", assessment_date="2021-04-20", lesion_id="NT1", kind="non_target", site="pleura",
             nodal="no", status="present", method="CT"),
        dict(patient_id="P002", assessment_date="2021-02-25", lesion_id="T1", kind="target", site="liver",
             nodal="no", diameter_mm=30, status="present", method="MRI"),
        dict(patient_id="P002", assessment_date="2021-02-25", lesion_id="T2", kind="target", site="lymph node",
             nodal="yes", diameter_mm=18, status="present", method="MRI"),
        dict(patient_id="P002", assessment_date="2021-04-28", lesion_id="T1", kind="target", site="liver",
             nodal="no", diameter_mm=33, status="present", method="MRI"),
        dict(patient_id="P002", assessment_date="2021-04-28", lesion_id="T2", kind="target", site="lymph node",
             nodal="yes", diameter_mm=17, status="present", method="MRI"),
    ],
    "responses": [
        dict(patient_id="P001", assessment_date="2021-04-20", overall_response="PR", assessor="investigator"),
        dict(patient_id="P002", assessment_date="2021-04-28", overall_response="SD", assessor="investigator"),
    ],
    "adverse_events": [
        dict(patient_id="P001", term="Fatigue", grade=2, onset_date="2021-03-20", end_date="2021-04-10",
             related="yes", serious="no", action="none"),
        dict(patient_id="P002", term="Hypertension", grade=3, onset_date="2021-05-02", related="yes", serious="no",
             action="dose_reduced"),
    ],
    "followup": [
        dict(patient_id="P001", last_known_alive_date="2022-05-10"),
        dict(patient_id="P002", last_known_alive_date="2022-01-15", death_date="2022-01-20",
             cause_of_death="Disease progression"),
    ],
}
