"""Checks of the rows inside the engine before any statistic: one aggregate query counts the rows breaking each
rule, and all broken rules are reported together (rows cannot be named one by one without pulling them out of the
engine, so the message gives the column, the rule and how many rows break it)."""

from __future__ import annotations

import ibis
import pandas as pd


class EngineInputError(ValueError):
    """Rows in the engine break a rule of the analysis; the message lists every broken rule with its row count."""


def check_rows(table, rules) -> int:
    """Count the rows of ``table`` and the rows breaking each rule; raise :class:`EngineInputError` naming every
    broken rule. ``rules``: (column, rule in words, boolean Ibis expression true on a bad row). Returns the row count.
    """
    rules = list(rules)
    aggregates = {"n_rows": table.count()}
    for index, (_, _, bad) in enumerate(rules):
        aggregates[f"bad_{index}"] = ibis.ifelse(bad, 1, 0).sum()
    counts = table.aggregate(**aggregates).execute().iloc[0]
    broken = [(column, rule, _count(counts[f"bad_{i}"])) for i, (column, rule, _) in enumerate(rules)]
    problems = [f"column {column!r}: {n} {'row breaks' if n == 1 else 'rows break'} the rule: {rule}"
                for column, rule, n in broken if n > 0]
    if problems:
        raise EngineInputError("the rows in the engine cannot be analysed:\n  " + "\n  ".join(problems))
    return _count(counts["n_rows"])


def _count(value) -> int:
    """An aggregate count as int (SUM over no rows is NULL)."""
    return 0 if pd.isna(value) else int(value)


def event_rule(table, event: str) -> tuple:
    """The rule for an event column: 0/1 (or False/True) in every row — 0.5 or 2 are refused, not truncated."""
    column = table[event]
    bad = column.isnull() if column.type().is_boolean() else column.isnull() | ~column.isin([0, 1])
    return (event, "event must be 0/1 (or False/True)", bad)


def label_rules(table, columns) -> list:
    """Rules for grouping columns (group, stratum): present in every row."""
    return [(c, "a group or stratum label must be present", table[c].isnull()) for c in columns if c is not None]
