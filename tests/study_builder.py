"""Build study folders for tests: tables as lists of row dicts, written as study.xlsx or CSV files."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

from openpyxl import Workbook

from oncocohort.io.schema import EXAMPLE_ROWS, TABLES_BY_NAME
from oncocohort.io.template import STUDY_TOML


def example_tables() -> dict[str, list[dict]]:
    """A deep copy of the two-patient example study, to modify in a test."""
    return copy.deepcopy(EXAMPLE_ROWS)


def _columns(name: str, rows: list[dict], drop: tuple[str, ...]) -> list[str]:
    spec = TABLES_BY_NAME.get(name)
    columns = list(spec.column_names) if spec else []
    for row in rows:
        columns += [k for k in row if k not in columns]
    return [c for c in columns if c not in drop]


def write_study(folder: Path, tables: dict[str, list[dict]], *, layout: str = "xlsx", toml: str = STUDY_TOML,
                drop_columns: dict[str, tuple[str, ...]] | None = None) -> Path:
    """Write ``tables`` (row dicts; row 2 is the first) into ``folder`` with ``toml`` as study.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(toml, encoding="utf-8")
    drop_columns = drop_columns or {}
    if layout == "xlsx":
        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, rows in tables.items():
            sheet = workbook.create_sheet(name)
            columns = _columns(name, rows, drop_columns.get(name, ()))
            sheet.append(columns)
            for row in rows:
                sheet.append([row.get(c) for c in columns])
        workbook.save(folder / "study.xlsx")
    else:
        for name, rows in tables.items():
            columns = _columns(name, rows, drop_columns.get(name, ()))
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return folder


def found(problems, severity, rule, table, row, column):
    """The problems matching all given fields."""
    wanted = (severity, rule, table, row, column)
    return [p for p in problems if (p.severity, p.rule, p.table, p.row, p.column) == wanted]
