"""The demo study as the workbook an investigator would upload (study.xlsx), optionally with seeded defects."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from oncocohort.io.schema import TABLES


def demo_workbook(study_folder: Path, changes: dict[tuple[str, int, str], object] | None = None) -> bytes:
    """study.xlsx holding the demo study's CSV tables; ``changes`` maps (table, Excel row, column) → new value."""
    changes = changes or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in TABLES:
        path = study_folder / f"{spec.name}.csv"
        if not path.exists():
            continue
        sheet = workbook.create_sheet(spec.name)
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        for number, row in enumerate(rows, start=1):
            cells = []
            for column, value in zip(header, row):
                value = changes.get((spec.name, number, column), value)
                cells.append(None if value == "" else value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
