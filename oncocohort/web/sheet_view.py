"""A sheet of the study as a table on screen, with the cells the validation points at highlighted.

The cells are read by the same reader as validation (``io.sources.read_study_files``), so the row numbers are
the ones Excel shows (header = row 1) and the ones the problems name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..io.problems import Problem, ProblemLog, display_value
from ..io.schema import TABLES
from ..io.sources import read_study_files

ROWS_PER_PAGE = 200


@dataclass(frozen=True)
class SheetCell:
    text: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: tuple[SheetCell, ...]
    problems: tuple[Problem, ...] = ()  # problems about the whole row (no column named)


@dataclass(frozen=True)
class SheetPage:
    """One page of a sheet: header, rows with their problems, and where the page sits among all rows."""

    table: str
    source: str
    header: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    page: int
    pages: int
    n_rows: int
    problem_rows: tuple[int, ...]


def table_names(folder: Path) -> list[str]:
    """The tables present in the study's files, in data-format order."""
    raw = read_study_files(folder, ProblemLog())
    return [t.name for t in TABLES if raw is not None and t.name in raw.tables]


def page_of_row(folder: Path, table: str, row: int) -> int:
    """The page of the sheet view holding the row the user sees as ``row``."""
    raw = read_study_files(folder, ProblemLog())
    if raw is None or table not in raw.tables:
        return 1
    numbers = [n for n, _ in raw.tables[table].rows]
    before = sum(n < row for n in numbers)
    return before // ROWS_PER_PAGE + 1


def sheet_page(folder: Path, table: str, problems: tuple[Problem, ...], page: int = 1) -> SheetPage | None:
    """Page ``page`` of ``table`` with the problems of that table attached to their cells (None: no such table)."""
    raw = read_study_files(folder, ProblemLog())
    if raw is None or table not in raw.tables:
        return None
    sheet = raw.tables[table]
    mine = [p for p in problems if p.table == table and p.row is not None]
    by_cell: dict[tuple[int, str | None], list[Problem]] = {}
    for p in mine:
        by_cell.setdefault((p.row, p.column if p.column in sheet.header else None), []).append(p)
    pages = max(1, -(-len(sheet.rows) // ROWS_PER_PAGE))
    page = min(max(1, page), pages)
    rows = []
    for number, cells in sheet.rows[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE]:
        shown = tuple(SheetCell("" if value is None else (display_value(value) or ""),
                                tuple(by_cell.get((number, name), ()))) for name, value in zip(sheet.header, cells))
        rows.append(SheetRow(number, shown, tuple(by_cell.get((number, None), ()))))
    return SheetPage(table, sheet.source, sheet.header, tuple(rows), page, pages, len(sheet.rows),
                     tuple(sorted({p.row for p in mine})))
