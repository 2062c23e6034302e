"""Validation problems: one record per defect, collected in one pass and reported together.

A problem names where the user will find the defect — the file, the sheet/table, the row number as the
user sees it in Excel (header = row 1, so the first data row is row 2), the column and the value — and
states the rule in plain words. Nothing here raises: the loaders collect problems and the caller decides.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

from .schema import TABLES

TABLE_ORDER = tuple(t.name for t in TABLES)

Severity = Literal["error", "warning"]

_MAX_VALUE_CHARS = 60
ROWS_SHOWN = 5  # rows named on a grouped line of the text rendering; the JSON keeps every occurrence
MESSAGES_APART = 3  # a rule's problems in one column with up to this many different messages: a line per message
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Unicode bidirectional controls (could reorder a terminal line, "Trojan source") are escaped like control codes.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escape_control(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``, ``\\u202e``), so that a
    cell holding terminal escape sequences or bidirectional overrides is shown, never executed, by a terminal."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


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
    text = escape_control(text)
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


def problems_to_json(problems: tuple[Problem, ...] | list[Problem], cohort: dict | None = None) -> str:
    """Problems as a JSON document: counts and one object per problem (keys as in :class:`Problem`); ``cohort``
    (validate: patients screened and included by eligibility) is added when given."""
    errors = sum(p.severity == "error" for p in problems)
    doc = {
        "valid": errors == 0,
        "n_errors": errors,
        "n_warnings": len(problems) - errors,
        "problems": [asdict(p) for p in problems],
    }
    if cohort is not None:
        doc["cohort"] = cohort
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _group_key(problem: Problem) -> tuple:
    """Problems sharing a key are one line of the text rendering: same severity, file, table, column and rule.
    study.toml problems and problems without a row stay one line each (each names its own key or file)."""
    if problem.row is None or problem.source.endswith(".toml"):
        return (id(problem),)
    return (problem.severity, problem.source, problem.table, problem.column, problem.rule)


def _quoted(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _describe_group(group: list[Problem]) -> str:
    """One line for a group of problems: where (without the row), how many rows and the first of them, the value(s)
    and the rule in words, e.g. ``study.xlsx, sheet lesions, column nodal — 42 rows: 5, 9, 13, 17, 21 … and 37
    more: ...``."""
    first = group[0]
    if len(group) == 1:
        return first.describe()
    rows = [p.row for p in group]
    shown = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
    more = f" … and {len(rows) - ROWS_SHOWN} more" if len(rows) > ROWS_SHOWN else ""
    values = list(dict.fromkeys(p.value for p in group if p.value is not None))
    if not values:
        value = ""
    elif len(values) == 1:
        value = f", value {_quoted(values)}"
    else:
        value = f", values {_quoted(values[:3])}" + (f" … ({len(values)} different)" if len(values) > 3 else "")
    messages = list(dict.fromkeys(p.message for p in group))
    message = first.message if len(messages) == 1 else (
        f"{first.message} (row {first.row}; the details differ by row — validate --json lists each)")
    return f"{replace(first, row=None).location()} — {len(rows)} rows: {shown}{more}{value}: {message}"


def _summary(errors: list[Problem], warnings: list[Problem]) -> str:
    """The paragraph above the list: counts by severity and table, what errors and warnings mean, how lines group."""
    def count(group: list[Problem]) -> str:
        by_table: dict[str, int] = {}
        for p in group:
            where = "study.toml" if p.source.endswith(".toml") else (p.table or p.source)
            by_table[where] = by_table.get(where, 0) + 1
        return ", ".join(f"{name} {n}" for name, n in by_table.items())

    parts = [f"{len(errors)} error(s)" + (f" ({count(errors)})" if errors else ""),
             f"{len(warnings)} warning(s)" + (f" ({count(warnings)})" if warnings else "")]
    return (f"Found {parts[0]} and {parts[1]}. "
            + ("Errors must be fixed before the study can be analysed; warnings" if errors else "Warnings")
            + " are reported and the analysis goes on. Problems of the same rule in the same table and column are "
              "shown on one line with their count and first rows; validate --json lists every occurrence.")


def problems_to_text(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """Problems as plain text for a terminal: a one-paragraph summary, then errors and warnings, one numbered line
    per (file, table, column, rule) with the count and the first rows (:func:`_describe_group`) — or one per
    message when the rule says up to :data:`MESSAGES_APART` different things there.

    Control characters from the data are escaped (:func:`escape_control`), so nothing the input holds can drive
    the terminal."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if not problems:
        return ""
    lines: list[str] = [_summary(errors, warnings), ""]
    for title, severity_group in (("ERRORS", errors), ("WARNINGS", warnings)):
        if not severity_group:
            continue
        by_rule: dict[tuple, list[Problem]] = {}
        for p in severity_group:
            by_rule.setdefault(_group_key(p), []).append(p)
        groups: dict[tuple, list[Problem]] = {}
        for key, members in by_rule.items():
            messages = list(dict.fromkeys(p.message for p in members))
            if len(messages) > MESSAGES_APART:  # many row-specific details: one line (the JSON has each)
                groups[key] = members
            else:  # a few different findings (e.g. two categories' spellings): one line each
                for message in messages:
                    groups[key + (message,)] = [p for p in members if p.message == message]
        lines.append(f"{title} ({len(severity_group)}" + (
            f" on {len(groups)} line{'s' if len(groups) > 1 else ''})" if len(groups) < len(severity_group) else ")"))
        lines.extend(f"  {i}. {_describe_group(g)}" for i, g in enumerate(groups.values(), start=1))
        lines.append("")
    return "\n".join(escape_control(line) for line in lines)
