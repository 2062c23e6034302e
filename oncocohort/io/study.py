"""The Study: a validated, typed, immutable view of a study folder, and the one-pass validation behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .checks import CheckContext, run_checks
from .checks.categories import CategoryMerge, merge_spelling_variants
from .checks.lesions import complete_nodal
from .config import StudyConfig, read_config
from .gc_pause import paused_gc
from .problems import Problem, ProblemLog, problems_to_text, sort_problems
from .schema import TABLES, TABLES_BY_NAME
from .sources import read_study_files
from .tables import check_columns, empty_table, type_table


@dataclass(frozen=True)
class Study:
    """A study read from its folder: settings, one typed DataFrame per table, and the warnings found.

    Each table has the columns of docs/data-format.md plus ``source_row`` (the row the user sees);
    absent optional tables are empty frames with those columns. Treat the frames as read-only.
    ``category_merges`` lists the spellings read as one category (io.checks.categories), for the report to state.
    """

    folder: Path
    config: StudyConfig
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    warnings: tuple[Problem, ...] = ()
    blank_rows: dict[str, int] = field(default_factory=dict)
    category_merges: tuple[CategoryMerge, ...] = ()

    @property
    def patients(self) -> pd.DataFrame:
        return self.tables["patients"]

    @property
    def covariates(self) -> tuple[str, ...]:
        """Extra columns of the patients table, kept for subgroups and models."""
        known = set(TABLES_BY_NAME["patients"].column_names) | {"source_row"}
        return tuple(c for c in self.patients.columns if c not in known)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


@dataclass(frozen=True)
class ValidationReport:
    """Everything one validation pass found; ``study`` is set when there are no errors."""

    folder: Path
    problems: tuple[Problem, ...]
    study: Study | None
    rows_read: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors


class StudyInputError(Exception):
    """Raised by :func:`load_study` when the study has errors; ``problems`` lists them all."""

    def __init__(self, folder: Path, problems: tuple[Problem, ...]):
        self.folder, self.problems = folder, problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{folder}: {len(errors)} error(s) in the study input\n" + problems_to_text(errors))


def validate_study(path: str | Path, *, today: dt.date | None = None) -> ValidationReport:
    """Read and check a study folder in one pass, collecting every problem. Never modifies the files.

    A study.toml that cannot be read stops validation there: without its settings (date format, columns not
    collected) the table checks would only report knock-on errors. ``today`` bounds the data cutoff (tests).
    """
    folder = Path(path)
    log = ProblemLog()
    if not folder.is_dir():
        log.error("study.not_a_folder", "is not a folder; a study is a folder with study.toml and study.xlsx "
                  "(or one CSV per table)", source=str(folder))
        return ValidationReport(folder, sort_problems(log.problems), None)
    config = read_config(folder, log, today=today)
    if config is None:
        return ValidationReport(folder, sort_problems(log.problems), None)
    with paused_gc():  # millions of cells and rows, no reference cycles (io.gc_pause)
        return _validate_tables(folder, config, log)


def _validate_tables(folder: Path, config: StudyConfig, log: ProblemLog) -> ValidationReport:
    """Read, type and cross-check the tables of a study whose study.toml was read (``validate_study``)."""
    raw = read_study_files(folder, log)
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    rows_read: dict[str, int] = {}
    blank_rows: dict[str, int] = {}
    complete = raw is not None
    date_format = config.study.date_format
    not_collected = config.study.not_collected
    for spec in TABLES:
        table = raw.tables.get(spec.name) if raw else None
        if table is None:
            if raw is not None and spec.required and not raw.unreadable:
                where = "a sheet" if raw.layout == "xlsx" else "a file"
                log.error("table.missing", f"{where} '{spec.name}' is required: {spec.description.split('.')[0]}",
                          source="study.xlsx" if raw.layout == "xlsx" else f"{spec.name}.csv", table=spec.name)
                complete = False
            complete &= not (spec.required and raw is not None and raw.unreadable)
            if spec.required:
                tables[spec.name] = empty_table(spec)
                sources[spec.name] = f"{spec.name}.csv" if raw is None or raw.layout == "csv" else "study.xlsx"
            continue
        sources[spec.name] = table.source
        rows_read[spec.name] = len(table)
        blank_rows[spec.name] = table.blank_rows
        complete &= check_columns(table, spec, log, not_collected)
        tables[spec.name] = type_table(table, spec, log, date_format, not_collected)
    if raw is not None and "patients" in raw.tables and not len(raw.tables["patients"]):
        log.error("table.no_patients", "has no patient rows", source=sources["patients"], table="patients")
    if "lesions" in tables:  # nodal may be blank on non-target and new lesions: read from site
        tables["lesions"] = complete_nodal(tables["lesions"])
    tables, merges = merge_spelling_variants(
        tables, sources, log, strict=config.study.strict_categories if config else False,
        ctcae_version=config.adverse_events.ctcae_version if config else "5.0")
    if raw is not None and not raw.unreadable:  # cross-table checks on half-read data would only mislead
        run_checks(CheckContext(tables, sources, config, log))
    problems = sort_problems(log.problems)
    study = None
    if complete and config is not None and not any(p.severity == "error" for p in problems):
        study = Study(folder, config, tables, sources, tuple(p for p in problems if p.severity == "warning"),
                      blank_rows, merges)
    return ValidationReport(folder, problems, study, rows_read)


def load_study(path: str | Path) -> Study:
    """Load a study folder; raises :class:`StudyInputError` listing every error if it is not valid."""
    report = validate_study(path)
    if report.study is None:
        raise StudyInputError(report.folder, report.problems)
    return report.study
