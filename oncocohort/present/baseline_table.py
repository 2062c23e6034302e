"""Table 1 — baseline characteristics: median (range) for continuous variables, n (%) for categorical ones,
missing shown. Reads the analysis-results data of :func:`oncocohort.stats.descriptive.summarise_baseline`."""

from __future__ import annotations

from ..stats.descriptive import BaselineSummary, ContinuousSummary
from .formatting import CountText, count, measured, number
from .table import Column, Row, Table


def _number(value: float) -> str:
    return measured(value)


def level_label(level: str) -> str:
    """A categorical level as a journal writes it in a table row: sentence case ("male" → "Male", "yes" → "Yes");
    abbreviations and numbers unchanged ("SS", "10 mg")."""
    return level[:1].upper() + level[1:]


def baseline_table(summaries: tuple[BaselineSummary, ...], n: int, title: str | None = None) -> Table:
    """Table 1 for ``n`` patients from their baseline summaries."""
    rows: list[Row] = []
    for item in summaries:
        s = item.summary
        if isinstance(s, ContinuousSummary):
            value = "" if s.n == 0 else f"{_number(s.median)} ({_number(s.minimum)}–{_number(s.maximum)})"
            rows.append(Row((f"{item.label}, median (range)", value)))
        elif s.n == 0:  # e.g. a column an import declared as not collected
            rows.append(Row((item.label, f"not recorded (missing in {s.missing})")))
            continue
        else:
            rows.append(Row((item.label, ""), group=True))
            rows += [Row((level_label(level.level), CountText(f"{level.n} ({number(level.percent, 1)})", level.n, s.n)),
                         indent=1)
                     for level in s.levels]
        if s.missing:
            rows.append(Row(("Missing", count(s.missing)), indent=1))
    return Table(
        title or f"Table 1. Baseline characteristics (N = {n})",
        (Column("Characteristic"), Column(f"Patients (N = {n})", align="right")),
        tuple(rows),
        footnotes=("Continuous variables: median (range). Categorical variables: n (%), percentages of patients "
                   "with a known value; missing values are counted separately.",),
    )
