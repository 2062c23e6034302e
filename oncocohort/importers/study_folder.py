"""Writing an imported study: one CSV per table plus study.toml, validated before it is handed over.

The folder is assembled in a staging directory beside the output, validated exactly as ``oncocohort validate``
does, and then moved into place, so the output never holds half an import. Existing study files are not
overwritten unless asked. Tables are sorted and written with ISO dates, so the same input gives byte-identical
files.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..io.config import CONFIG_NAME
from ..io.csv_output import write_frame_csv
from ..io.schema import PATIENTS, TABLES, TABLES_BY_NAME
from ..io.study import ValidationReport, validate_study
from .mapping_report import REPORT_JSON, REPORT_MD, ImportReport

_SORT = {"patients": ["patient_id"], "treatments": ["patient_id", "start_date", "drug"],
         "lesions": ["patient_id", "assessment_date", "lesion_id"],
         "responses": ["patient_id", "assessment_date"], "adverse_events": ["patient_id", "onset_date", "term"],
         "followup": ["patient_id"]}


def _toml_value(value) -> str:
    """A TOML literal for a string, number, bool, date or list of those (strings JSON-escaped, valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


@dataclass
class StudySettingsDraft:
    """The study.toml an import writes: what the source tells, and defaults the user is told to check."""

    title: str
    data_cutoff: dt.date
    components: list[tuple[str, list[str]]]
    criteria: str = "recist1.1"  # recist1.1 | recorded
    not_collected: list[str] = field(default_factory=list)
    unknown_terms: str = "error"
    baseline_window_days: int = 28
    subgroups: list[str] = field(default_factory=list)
    cox_covariates: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"# {line}" for line in self.header] + [
            "# Written by an oncocohort import: check every setting (docs/data-format.md), in particular the",
            "# regimen, the eligibility criteria (none were imported) and the data cutoff.", "",
            "[study]", f"title = {_toml_value(self.title)}", f"data_cutoff = {_toml_value(self.data_cutoff)}",
            'time_unit = "months"']
        if self.not_collected:
            lines.append(f"not_collected = {_toml_value(sorted(self.not_collected))}")
        lines += ["", "[regimen]", f"name = {_toml_value(' + '.join(c for c, _ in self.components))}",
                  'index_date = "first_dose"', "", "[regimen.components]"]
        lines += [f"{_toml_value(label)} = {_toml_value(sorted(drugs))}" for label, drugs in self.components]
        lines += ["", "[eligibility]", 'missing = "exclude"', "", "[response]",
                  f"criteria = {_toml_value(self.criteria)}", "confirmation = false",
                  f"baseline_window_days = {self.baseline_window_days}", "", "[analysis]", "landmarks = [6, 12]",
                  f"cox_covariates = {_toml_value(self.cox_covariates)}"]
        for name in self.subgroups:
            lines += ["", "[[analysis.subgroups]]", f"field = {_toml_value(name)}"]
        lines += ["", "[adverse_events]", 'ctcae_version = "5.0"', f"unknown_terms = {_toml_value(self.unknown_terms)}",
                  ""]
        return "\n".join(lines)


def _csv_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table's schema columns in order (absent optional ones left out), extra patients columns after."""
    spec = TABLES_BY_NAME[name]
    columns = [c for c in spec.column_names if c in frame]
    if spec.keeps_extra_columns:
        columns += sorted(c for c in frame if c not in spec.column_names)
    out = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    keys = [k for k in _SORT[name] if k in out]
    return out.sort_values(keys, kind="stable", key=lambda s: s.astype(str)).reset_index(drop=True)


def write_study_folder(out: str | Path, tables: dict[str, pd.DataFrame], settings: StudySettingsDraft,
                       report: ImportReport, force: bool = False) -> ValidationReport:
    """Write ``tables`` (by table name) and study.toml to ``out`` with the mapping report; returns the validation.

    Raises FileExistsError when ``out`` already holds study files and ``force`` is not set.
    """
    out = Path(out)
    names = [CONFIG_NAME, REPORT_MD, REPORT_JSON, "study.xlsx"] + [f"{t.name}.csv" for t in TABLES]
    existing = [out / n for n in names if (out / n).exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(p) for p in existing))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))
    try:
        (staging / CONFIG_NAME).write_text(settings.text(), encoding="utf-8")
        for spec in TABLES:
            if spec.name not in tables:
                continue
            frame = _csv_table(spec.name, tables[spec.name])
            write_frame_csv(frame, staging / f"{spec.name}.csv")
            report.tables[spec.name] = len(frame)
        validation = validate_study(staging)
        report.validation = {"ok": validation.ok, "errors": len(validation.errors),
                             "warnings": len(validation.warnings),
                             "problems": [f"{p.severity}: {p.describe()}" for p in validation.problems]}
        report.write(staging)
        out.mkdir(parents=True, exist_ok=True)
        for path in existing:
            path.unlink()
        for path in sorted(staging.iterdir()):
            shutil.move(str(path), out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return validation


def _last_date(tables: dict[str, pd.DataFrame]) -> dt.date | None:
    dates = [pd.to_datetime(frame[c], errors="coerce").max() for name, frame in tables.items() for c in frame
             if TABLES_BY_NAME[name].column(c) is not None and TABLES_BY_NAME[name].column(c).kind == "date"]
    dates = [d for d in dates if pd.notna(d)]
    return max(dates).date() if dates else None


def draft_settings(tables: dict[str, pd.DataFrame], report: ImportReport, title: str, data_cutoff: dt.date | None,
                   header: str, components: list[tuple[str, list[str]]] | None = None,
                   baseline_window_days: int = 28) -> StudySettingsDraft:
    """The study.toml of an import, with every choice the data could not make recorded in the report.

    Required patients columns that are blank for every patient (or for some) are declared ``not_collected``;
    without ``components`` the regimen is one component of every drug given; without ``data_cutoff`` the cutoff
    is the last date in the tables; CTCAE-unknown AE terms make ``unknown_terms = "warning"``.
    """
    from ..reference.ctcae import load_ctcae

    patients = tables["patients"]
    not_collected, partly = [], []
    for column in PATIENTS.columns:
        if not column.required or column.name in ("patient_id", "sex"):
            continue
        if column.name not in patients or patients[column.name].isna().all():
            patients[column.name] = None
            not_collected.append(column.name)
        elif patients[column.name].isna().any():
            partly.append(f"{column.name} (blank for {int(patients[column.name].isna().sum())})")
    if not_collected:
        report.decide("The source holds no " + ", ".join(not_collected) + ": declared `not_collected` in study.toml "
                      "(blank columns; Table 1 shows them as not recorded). Add them to patients.csv if you have "
                      "them, then remove them from not_collected.")
    if partly:
        report.decide("Some patients have no value for " + ", ".join(partly) + ": declared `not_collected` too, so "
                      "that the blanks are allowed (and shown as missing).")
        not_collected += [p.split(" ")[0] for p in partly]
    drugs = sorted(set(tables["treatments"]["drug"].dropna().astype(str).str.lower()))
    if not components:
        components = [("study treatment", drugs)]
        report.decide("Regimen: one component 'study treatment' = any of " + ", ".join(drugs) + "; for a "
                      "combination whose every part must be started give one component per part (--component "
                      "NAME=DRUG[,DRUG]) or edit [regimen.components].")
    cutoff = data_cutoff or _last_date(tables)
    if not data_cutoff:
        report.decide(f"Data cutoff: not given (--data-cutoff), set to the last date in the data, {cutoff}.")
    ctcae = load_ctcae("5.0")
    terms = tables["adverse_events"]["term"].dropna().astype(str) if "adverse_events" in tables else []
    unknown = sorted({t for t in terms if ctcae.lookup(t) is None})
    if unknown:
        report.decide(f"{len(unknown)} adverse-event term(s) are not CTCAE v5.0 terms (e.g. "
                      + ", ".join(unknown[:5]) + "): study.toml sets unknown_terms = \"warning\" so that they are kept "
                      "and listed by validate.")
    lesions = tables.get("lesions")
    return StudySettingsDraft(
        title=title, data_cutoff=cutoff or dt.date.today(), components=components,
        criteria="recist1.1" if lesions is not None and len(lesions) else "recorded", not_collected=not_collected,
        unknown_terms="warning" if unknown else "error", baseline_window_days=baseline_window_days, header=[header])
