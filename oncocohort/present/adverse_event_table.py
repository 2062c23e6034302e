"""Table 3 — adverse events by CTCAE term: patients with any grade, grade 1–2, grade 3–4 and grade 5, n (%), by
their maximum grade; "any adverse event" first; optionally grouped by system organ class. Reads
:class:`oncocohort.stats.adverse_event_summary.AdverseEventSummary`."""

from __future__ import annotations

from ..stats.adverse_event_summary import AdverseEventSummary
from .formatting import count_percent
from .table import Column, Row, Table


def adverse_event_table(summary: AdverseEventSummary, title: str | None = None, grade_5: bool = True) -> Table:
    """Rows follow the summary's order; the grade 5 column is dropped when ``grade_5`` is False and nobody died
    of an adverse event."""
    show_5 = grade_5 or any(r.grade_5 for r in summary.rows)
    kind = "Treatment-related adverse events" if summary.related_only else "Treatment-emergent adverse events"
    n = summary.n
    grouped = any(r.level == "soc" for r in summary.rows)  # terms indented under their organ class
    rows = []
    for r in summary.rows:
        cells = [r.term, count_percent(r.any_grade, n), count_percent(r.grade_1_2, n),
                 count_percent(r.grade_3_4, n)] + ([count_percent(r.grade_5, n)] if show_5 else [])
        rows.append(Row(tuple(cells), indent=1 if grouped and r.level == "term" else 0))
    spanner = "Maximum grade, n (%)"
    columns = [Column("Adverse event (CTCAE term)"), Column("Any grade, n (%)", align="right"),
               Column("Grade 1–2", spanner, "right"), Column("Grade 3–4", spanner, "right")]
    if show_5:
        columns.append(Column("Grade 5", spanner, "right"))
    notes = (f"{kind} graded by CTCAE v{summary.ctcae_version}; {summary.method} (percentages of the {n} treated "
             "patients), so the grade columns add up to the any-grade column.",)
    if summary.related_only:
        notes += ("Only events the investigator recorded as related to treatment.",)
    return Table(title or f"Table 3. {kind} (N = {n})", tuple(columns), tuple(rows), notes,
                 ("CTCAE, Common Terminology Criteria for Adverse Events",))
