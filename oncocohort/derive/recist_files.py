"""``oncocohort recist`` on files: read lesions (or recorded responses) and treatment starts as CSV, check them
cell by cell with the study schema, derive, and write visits.csv and patients.csv (nothing written on errors)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from ..io.checks.lesions import TARGET_NODAL_MESSAGE, complete_nodal, target_nodal_blank
from ..io.csv_output import write_frame_csv
from ..io.problems import Problem, ProblemLog, sort_problems
from ..io.schema import LESIONS, RESPONSES, ColumnSpec, TableSpec
from ..io.sources import read_csv_table
from ..io.tables import check_columns, type_table
from .best_response import PATIENT_COLUMNS, best_overall_response
from .choi import choi_visit_responses
from .irecist import irecist_best_response, irecist_visit_responses
from .recist import VISIT_COLUMNS, visit_responses
from .writer import csv_ready

STARTS = TableSpec("starts", "treatment start per patient", (
    ColumnSpec("patient_id", "id", True, "Patient"),
    ColumnSpec("treatment_start", "date", True, "Index date (first dose)"),
))


def _read(path: str, spec: TableSpec, log: ProblemLog) -> pd.DataFrame | None:
    file = Path(path)
    if not file.is_file():
        log.error("file.missing", "no such file", source=str(path))
        return None
    raw = read_csv_table(file, log)
    if raw is None:
        return None
    raw = dataclasses.replace(raw, name=spec.name)
    if not check_columns(raw, spec, log):
        return None
    return type_table(raw, spec, log, None)


def run_recist(*, lesions: str | None, responses: str | None, starts: str, out: str, criteria: str = "recist1.1",
               confirm: bool = False, confirm_min_days: int = 28, sd_min_days: int = 42,
               baseline_window_days: int = 28) -> tuple[tuple[Problem, ...], list[Path]]:
    """Derive and write; returns (problems, files written). Files are written only when there are no errors."""
    log = ProblemLog()
    start_table = _read(starts, STARTS, log)
    data = _read(lesions, LESIONS, log) if lesions else _read(responses, RESPONSES, log)
    if lesions and data is not None:  # nodal may be blank on non-target and new lesions (read from site)
        data = complete_nodal(data)
        for row in target_nodal_blank(data)["source_row"]:
            log.error("lesions.target_nodal_blank", TARGET_NODAL_MESSAGE, source=Path(lesions).name,
                      table="lesions", row=int(row), column="nodal")
    if log.has_errors or start_table is None or data is None:
        return sort_problems(log.problems), []
    index = start_table.drop_duplicates("patient_id").set_index("patient_id")["treatment_start"]
    unknown = sorted(set(data["patient_id"]) - set(index.index))
    if unknown:
        log.warning("recist.no_start", f"{len(unknown)} patient(s) have no treatment start and are left out: "
                    + ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else ""), source=Path(starts).name)
    if lesions:
        derive = {"choi": choi_visit_responses, "irecist": irecist_visit_responses}.get(criteria, visit_responses)
        visits = derive(data, index, baseline_window_days)
        missing = sorted(set(data["patient_id"]) & set(index.index) - set(visits["patient_id"]))
        if missing:
            log.warning("recist.no_baseline", f"{len(missing)} patient(s) have no baseline scan within "
                        f"{baseline_window_days} days before treatment start (best response NE): "
                        + ", ".join(missing[:10]), source=Path(lesions).name)
        visit_columns = list(VISIT_COLUMNS) + (["irecist_response", "irecist_reason"] if criteria == "irecist"
                                               else [])
    else:
        visits = data[["patient_id", "assessment_date", "overall_response"]].copy()
        visit_columns = ["patient_id", "assessment_date", "overall_response"]
    patients = best_overall_response(visits, index, sd_min_days=sd_min_days, confirm=confirm,
                                     confirm_min_days=confirm_min_days)[list(PATIENT_COLUMNS)]
    if lesions and criteria == "irecist":
        patients = patients.merge(irecist_best_response(visits, index, sd_min_days), on="patient_id")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "visits.csv", folder / "patients.csv"]
    _write(visits[visit_columns].sort_values(["patient_id", "assessment_date"]), written[0])
    _write(patients, written[1])
    return sort_problems(log.problems), written


def _write(frame: pd.DataFrame, path: Path) -> None:
    write_frame_csv(csv_ready(frame), path, float_format="%.6g")
