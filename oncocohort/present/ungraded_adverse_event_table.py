"""Adverse events without a grade (e.g. OMOP condition records): patients with at least one record of each term,
n (%), "any adverse event" first — no grade columns, and a note that severity is not available. Reads
:class:`oncocohort.stats.adverse_event_summary.UngradedAdverseEventSummary`."""

from __future__ import annotations

from ..stats.adverse_event_summary import UngradedAdverseEventSummary
from .formatting import count_percent
from .table import Column, Row, Table


def ungraded_adverse_event_table(summary: UngradedAdverseEventSummary, title: str | None = None) -> Table:
    """One row per term in the summary's order; one count column (patients, n (%) of the treated patients)."""
    n = summary.n
    rows = tuple(Row((r.term, count_percent(r.patients, n))) for r in summary.rows)
    columns = (Column("Adverse event"), Column("Patients with at least one record, n (%)", align="right"))
    notes = (f"Adverse events {summary.note[0].lower() + summary.note[1:]}; {summary.method} (percentages of the {n} "
             "treated patients). Not graded, so no grade columns and no comparison with CTCAE-graded tables.",)
    return Table(title or f"Table. Adverse events without a grade (N = {n})", columns, rows, notes)
