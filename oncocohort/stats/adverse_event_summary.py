"""Adverse-event summary (analysis-results data behind Table 3): patients with each CTCAE term by their maximum
grade, in the columns journals use — any grade, grade 1–2, grade 3–4, grade 5 — with an "any adverse event" row
first and terms sorted by frequency (then name).

Counting rule: each patient is counted once per term, at the worst grade they had of it (and once in the "any
adverse event" row, at their worst grade over all terms); percentages use the number of treated patients ``n``.
So for every row: grade 1–2 + grade 3–4 + grade 5 = any grade.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

GRADE_BANDS = (("grade_1_2", (1, 2)), ("grade_3_4", (3, 4)), ("grade_5", (5,)))
ANY_EVENT = "Any adverse event"


@dataclass(frozen=True)
class AdverseEventRow:
    """Patients (not events) with a term; ``soc`` is the CTCAE system organ class ("" for the any-event row)."""

    term: str
    soc: str
    level: str  # "any" (every term), "soc" (every term of a system organ class) or "term"
    any_grade: int
    grade_1_2: int
    grade_3_4: int
    grade_5: int


@dataclass(frozen=True)
class AdverseEventSummary:
    n: int  # treated patients: the denominator of every percentage
    rows: tuple[AdverseEventRow, ...]  # the any-event row first
    related_only: bool
    ctcae_version: str
    method: str = "patients counted once per term at their maximum CTCAE grade"


def _row(term: str, soc: str, level: str, max_grade: pd.Series) -> AdverseEventRow:
    bands = {name: int(max_grade.isin(grades).sum()) for name, grades in GRADE_BANDS}
    return AdverseEventRow(term, soc, level, int(len(max_grade)), **bands)


def _frequency_order(row: AdverseEventRow) -> tuple:
    return -row.any_grade, -row.grade_3_4 - row.grade_5, row.term


def summarise_adverse_events(worst: pd.DataFrame, n: int, related_only: bool = False, ctcae_version: str = "5.0",
                             by_soc: bool = False) -> AdverseEventSummary:
    """From the worst grade per patient and term (``patient_id``, ``soc``, ``ctcae_term``, ``max_grade``, e.g.
    :func:`oncocohort.derive.adverse_events.worst_grade`) to Table 3 rows.

    Sorted by frequency (any grade, descending; then grade ≥ 3; then name); with ``by_soc`` each system organ class
    row (patients with any term of the class, at their worst grade in it) is followed by its terms.
    """
    rows = [_row(ANY_EVENT, "", "any", worst.groupby("patient_id")["max_grade"].max())]
    terms = [_row(term, soc, "term", part["max_grade"]) for (soc, term), part in worst.groupby(["soc", "ctcae_term"])]
    if not by_soc:
        return AdverseEventSummary(n, tuple(rows + sorted(terms, key=_frequency_order)), related_only, ctcae_version)
    classes = [_row(soc, soc, "soc", part.groupby("patient_id")["max_grade"].max())
               for soc, part in worst.groupby("soc")]
    for soc_row in sorted(classes, key=_frequency_order):
        rows.append(soc_row)
        rows += sorted((r for r in terms if r.soc == soc_row.soc), key=_frequency_order)
    return AdverseEventSummary(n, tuple(rows), related_only, ctcae_version)
