"""Validation problems: one record per defect, collected in one pass and reported together.

A problem names where the user will find the defect — the file, the sheet/table, the row number as the
user sees it in Excel (header = row 1, so the first data row is row 2), the column and the value — and
states the rule in plain words. Nothing here raises: the loaders collect problems and the caller decides.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from .schema import TABLES

TABLE_ORDER = tuple(t.name for t in TABLES)

Severity = Literal["error", "warning"]

_MAX_VALUE_CHARS = 60


def display_value(value: object) -> str | None:
    """Render a cell value the way the user typed or sees it (dates as ISO, long text shortened)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        text = value.date().isoformat()
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in the study input.

    Attributes
    ----------
    severity : "error" stops analysis; "warning" is reported and analysis goes on.
    source : file the defect is in (e.g. ``study.xlsx``, ``patients.csv``, ``study.toml``).
    table : table / sheet name, or the study.toml section.
    row : row number as the user sees it (spreadsheet row incl. the header; line in study.toml).
    column : column name (or study.toml key).
    value : the offending value as text, or None when the cell is blank / not applicable.
    rule : stable identifier of the rule (e.g. ``date.ambiguous``), for filtering and tests.
    message : the rule in plain words, saying what is expected.
    """

    severity: Severity
    source: str
    table: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def location(self) -> str:
        """Where to look, e.g. ``study.xlsx, sheet patients, row 7, column ecog``."""
        parts = [self.source]
        if self.table and self.source.endswith(".xlsx"):
            parts.append(f"sheet {self.table}")
        elif self.table and self.source.endswith(".toml"):
            parts.append(f"[{self.table}]")
        elif self.table and not self.source.startswith(self.table):
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"{'line' if self.source.endswith('.toml') else 'row'} {self.row}")
        if self.column:
            parts.append(f"{'key' if self.source.endswith('.toml') else 'column'} {self.column}")
        return ", ".join(parts)

    def describe(self) -> str:
        """One line: location, value and the rule in words."""
        value = "" if self.value is None else f" — value '{self.value}'"
        return f"{self.location()}{value}: {self.message}"


@dataclass
class ProblemLog:
    """Collects problems during one validation pass; ``source`` and ``table`` are set per file/table."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        rule: str,
        message: str,
        *,
        source: str,
        table: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.problems.append(
            Problem(severity, source, table, row, column, display_value(value), rule, message)
        )

    def error(self, rule: str, message: str, **where) -> None:
        self.add("error", rule, message, **where)

    def warning(self, rule: str, message: str, **where) -> None:
        self.add("warning", rule, message, **where)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def sort_problems(problems: list[Problem]) -> tuple[Problem, ...]:
    """Errors before warnings, then study.toml first, then tables in the data-format order (patients,
    treatments, lesions, ...), then row and column: a stable, deterministic order."""
    unique = dict.fromkeys(problems)
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    return tuple(
        sorted(
            unique,
            key=lambda p: (
                p.severity != "error",
                not p.source.endswith(".toml"),
                order.get(p.table or "", len(order)),
                p.source,
                p.table or "",
                p.row if p.row is not None else -1,
                p.column or "",
                p.rule,
                p.value or "",
                p.message,
            ),
        )
    )


def problems_to_json(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """Problems as a JSON document: counts and one object per problem (keys as in :class:`Problem`)."""
    errors = sum(p.severity == "error" for p in problems)
    doc = {
        "valid": errors == 0,
        "n_errors": errors,
        "n_warnings": len(problems) - errors,
        "problems": [asdict(p) for p in problems],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def problems_to_text(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """Problems as plain text for a terminal: errors, then warnings, one numbered line each."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    lines: list[str] = []
    for title, group in (("ERRORS", errors), ("WARNINGS", warnings)):
        if not group:
            continue
        lines.append(f"{title} ({len(group)})")
        lines.extend(f"  {i}. {p.describe()}" for i, p in enumerate(group, start=1))
        lines.append("")
    return "\n".join(lines)
