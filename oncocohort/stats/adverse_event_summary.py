"""Adverse-event summaries (analysis-results data behind Table 3): patients with each CTCAE term by their maximum
grade, in the columns journals use — any grade, grade 1–2, grade 3–4, grade 5 — with an "any adverse event" row
first and terms sorted by frequency (then name).

Counting rule: each patient is counted once per term, at the worst grade they had of it (and once in the "any
adverse event" row, at their worst grade over all terms); percentages use the number of treated patients ``n``.
So for every row: grade 1–2 + grade 3–4 + grade 5 = any grade.

Events recorded without a grade (ADAE ``grade`` missing — OMOP condition records, or a study's blank grade) are
never given one: :func:`summarise_ungraded_adverse_events` counts the patients with at least one record of each term,
n only, with a note saying where they were recorded and that their severity is not available.
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


UNGRADED_SOURCE = "recorded without a grade in the study data"  # ADAE ``ungraded_source`` when it is not given
NOT_GRADED = "severity (CTCAE grade) not available"


@dataclass(frozen=True)
class UngradedAdverseEventRow:
    """Patients (not records) with at least one record of a term; ``level`` "any" (every term) or "term"."""

    term: str
    level: str
    patients: int


@dataclass(frozen=True)
class UngradedAdverseEventSummary:
    """Adverse events recorded without a grade (e.g. OMOP condition records): patients with each term, no grades.

    ``source`` says where the records come from ("recorded as conditions in the database"); ``note`` adds that no
    grade exists (printed under the table)."""

    n: int  # treated patients: the denominator of every percentage
    rows: tuple[UngradedAdverseEventRow, ...]  # the any-event row first, then terms by frequency (then name)
    source: str

    @property
    def note(self) -> str:
        return f"{self.source}; {NOT_GRADED}"
    method: str = "patients with at least one record of the term, counted once per term (no grade)"


def summarise_ungraded_adverse_events(adae: pd.DataFrame, n: int) -> UngradedAdverseEventSummary | None:
    """Patients with at least one treatment-emergent record of each term among the ADAE rows without a grade
    (``patient_id``, ``ctcae_term``, ``grade`` missing, ``teae``, optional ``ungraded_source``); None when every
    row has a grade (or there are no rows).

    The note is "<ungraded_source>; severity (CTCAE grade) not available" (:data:`UNGRADED_SOURCE` when the column
    is absent). Order: the any-event row, then terms by patients (descending), then name."""
    ungraded = adae[adae["grade"].isna()] if "grade" in adae else adae.iloc[0:0]
    if ungraded.empty:
        return None
    sources = sorted(set(ungraded["ungraded_source"].dropna())) if "ungraded_source" in ungraded else []
    rows = ungraded[ungraded["teae"].fillna(False).astype(bool)] if "teae" in ungraded else ungraded
    counts = rows.groupby("ctcae_term")["patient_id"].nunique()
    return ungraded_from_counts({str(t): int(k) for t, k in counts.items()}, int(rows["patient_id"].nunique()), n,
                                "; ".join(sources) or UNGRADED_SOURCE)


def ungraded_from_counts(per_term: dict[str, int], anyone: int, n: int, source: str = UNGRADED_SOURCE
                         ) -> UngradedAdverseEventSummary:
    """:func:`summarise_ungraded_adverse_events` from the patients per term and with any term (as an engine counts
    them: COUNT(DISTINCT person) per term and overall)."""
    per_term_rows = sorted((UngradedAdverseEventRow(t, "term", k) for t, k in per_term.items()),
                           key=lambda r: (-r.patients, r.term))
    return UngradedAdverseEventSummary(n, (UngradedAdverseEventRow(ANY_EVENT, "any", anyone), *per_term_rows),
                                       source)
