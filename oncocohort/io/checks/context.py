"""What every cross-table check receives: the typed tables, where each came from, the settings, the log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..config import StudyConfig
from ..problems import ProblemLog, Severity
from ..tables import SOURCE_ROW


@dataclass
class CheckContext:
    """Typed tables (schema columns + ``source_row``), their source files, the study settings and the log."""

    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    config: StudyConfig | None
    log: ProblemLog

    def has(self, table: str) -> bool:
        return table in self.tables

    def unreadable(self, table: str, column: str) -> set[int]:
        """Rows whose ``column`` cell could not be read (already reported), so checks do not report them twice."""
        return {p.row for p in self.log.problems
                if p.severity == "error" and p.table == table and p.column == column and p.row is not None}

    def flag(
        self,
        severity: Severity,
        rule: str,
        table: str,
        rows: pd.DataFrame,
        column: str | None,
        message: str | Iterable[str],
    ) -> None:
        """Report one problem per row of ``rows`` (a slice of ``tables[table]``), pointing at ``column``.

        ``message`` is one text for all rows or one text per row.
        """
        messages = [message] * len(rows) if isinstance(message, str) else list(message)
        values = rows[column].tolist() if column in rows.columns else [None] * len(rows)
        for source_row, value, text in zip(rows[SOURCE_ROW].tolist(), values, messages):
            self.log.add(severity, rule, text, source=self.sources[table], table=table, row=int(source_row),
                         column=column, value=_plain(value))


def _plain(value: object) -> object:
    """pandas missing values and timestamps to what the user typed (None, a date)."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def fmt_date(value) -> str:
    """A date for a message: YYYY-MM-DD."""
    return pd.Timestamp(value).date().isoformat()
