"""Categories a person types: spellings of one category that differ only by case, spaces or character width.

``LMS``, ``lms``, ``L MS`` and the full-width ``ＬＭＳ`` would otherwise become four groups in Table 1, the
subgroup table, the log-rank test, the KM legend and the ORR figure. In every grouping column — ``histology``,
``histology_group`` and every text covariate of ``patients`` (any of them can be a subgroup or Cox factor),
``treatments.drug``, ``adverse_events.term`` — values with the same :func:`category_key` are one category:

- by default they are merged to the most frequent spelling (a tie goes to the spelling whose first row comes first
  in the table), with one warning per category naming every spelling and its rows;
- with ``[study] strict_categories = true`` the same finding is an error and nothing is merged.

The key is the text after Unicode NFKC normalisation (full-width → ASCII width), case folding and removal of every
space. CTCAE terms are matched case- and space-insensitively by the CTCAE dictionary already (the analysis uses the
CTCAE spelling), so spellings of a term that the dictionary resolves to one CTCAE term are not reported here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from ...reference.ctcae import load_ctcae
from ..problems import ProblemLog
from ..schema import TABLES_BY_NAME
from ..tables import SOURCE_ROW

RULE = "value.spelling_variants"
ROWS_IN_MESSAGE = 10  # rows of the kept spelling named in the message (changed ones: all); CategoryMerge has all


@dataclass(frozen=True)
class CategoryMerge:
    """Spellings read as one category: ``kept`` is the spelling every row now has; ``spellings`` lists every
    spelling (``kept`` first) with the rows (as the user sees them) that had it."""

    source: str
    table: str
    column: str
    kept: str
    spellings: tuple[tuple[str, tuple[int, ...]], ...]

    def describe(self) -> str:
        """In words, for a report: ``histology_group (patients): 'lms' (row 4) read as 'LMS'``."""
        others = ", ".join(f"'{s}' ({_rows(rows)})" for s, rows in self.spellings[1:])
        return f"{self.column} ({self.table}): {others} read as '{self.kept}'"


def category_key(text: str) -> str:
    """What makes two spellings one category: NFKC (Unicode width), case folded, every space removed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def grouping_columns(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(table, column) of every column whose values are categories a person types."""
    patients = TABLES_BY_NAME["patients"]
    columns = [("patients", "histology"), ("patients", "histology_group")]
    if "patients" in tables:
        frame = tables["patients"]
        columns += [("patients", c) for c in frame.columns
                    if patients.column(c) is None and c != SOURCE_ROW and frame[c].dtype == object]
    columns += [("treatments", "drug"), ("adverse_events", "term")]
    return [(t, c) for t, c in columns if t in tables and c in tables[t].columns]


def _rows(rows: tuple[int, ...], limit: int | None = None) -> str:
    """``rows 2, 5, 9`` — beyond ``limit`` rows: ``rows 2, 5, … (25 rows)``."""
    shown = ", ".join(str(r) for r in rows[:limit])
    if limit is not None and len(rows) > limit:
        shown += f" … ({len(rows)} rows)"
    return f"row{'s' if len(rows) > 1 else ''} {shown}"


def _spellings(values: pd.Series, rows: pd.Series) -> dict[str, dict[str, list[int]]]:
    """key → spelling → rows, for the keys that several spellings share in one column (the key is computed once
    per distinct value, so a large table costs one pass of pandas comparisons)."""
    by_key: dict[str, list[str]] = {}
    for value in values.dropna().unique():
        if isinstance(value, str):
            by_key.setdefault(category_key(value), []).append(value)
    return {key: {s: rows[values == s].astype(int).tolist() for s in spellings}
            for key, spellings in by_key.items() if len(spellings) > 1}


def _same_ctcae_term(spellings, ctcae) -> bool:
    entries = {ctcae.lookup(s) for s in spellings}
    return len(entries) == 1 and None not in entries


def merge_spelling_variants(tables: dict[str, pd.DataFrame], sources: dict[str, str], log: ProblemLog, *,
                            strict: bool = False, ctcae_version: str = "5.0",
                            ) -> tuple[dict[str, pd.DataFrame], tuple[CategoryMerge, ...]]:
    """Find spellings of one category in every grouping column; report each category once (warning, or error when
    ``strict``) and, unless ``strict``, merge them to the most frequent spelling.

    Returns the tables (changed ones copied, the inputs untouched) and the merges, in table and column order.
    """
    tables = dict(tables)
    merges: list[CategoryMerge] = []
    ctcae = None
    for table, column in grouping_columns(tables):
        frame = tables[table]
        if column == "term":
            ctcae = ctcae or load_ctcae(ctcae_version)
        variants = [(spellings, key) for key, spellings in _spellings(frame[column], frame[SOURCE_ROW]).items()
                    if len(spellings) > 1 and not (column == "term" and _same_ctcae_term(spellings, ctcae))]
        if not variants:
            continue
        replacement: dict[str, str] = {}
        for spellings, _ in sorted(variants, key=lambda v: min(min(r) for r in v[0].values())):
            # most rows first; a tie goes to the spelling seen first in the table
            ordered = sorted(spellings.items(), key=lambda item: (-len(item[1]), min(item[1])))
            kept = ordered[0][0]
            merge = CategoryMerge(sources[table], table, column, kept,
                                  tuple((s, tuple(sorted(r))) for s, r in ordered))
            first_other = min(ordered[1:], key=lambda item: min(item[1]))
            # every row of a spelling that is changed; the kept spelling's first rows
            listed = ", ".join(f"'{s}' ({_rows(tuple(sorted(r)), ROWS_IN_MESSAGE if i == 0 else None)})"
                               for i, (s, r) in enumerate(ordered))
            if strict:
                log.error(RULE, f"{listed} differ only by case, spaces or character width; write one spelling "
                          "for one category ([study] strict_categories = true makes this an error)",
                          source=sources[table], table=table, row=min(first_other[1]), column=column,
                          value=first_other[0])
                continue
            log.warning(RULE, f"{listed} differ only by case, spaces or character width and are read as one "
                        f"category, '{kept}' (the most frequent spelling); set [study] strict_categories = true "
                        "to make this an error", source=sources[table], table=table, row=min(first_other[1]),
                        column=column, value=first_other[0])
            merges.append(merge)
            replacement.update({s: kept for s, _ in ordered[1:]})
        if replacement:
            frame = frame.copy()
            frame[column] = frame[column].replace(replacement)
            tables[table] = frame
    return tables, tuple(merges)
