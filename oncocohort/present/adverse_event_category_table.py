"""Adverse events by kind: patients with any treatment-emergent event, a serious event, an event leading to dose
reduction, interruption or discontinuation, and a fatal event — any grade and grade ≥ 3. Reads
:class:`oncocohort.stats.study_analysis.AdverseEventCategory`."""

from __future__ import annotations

from ..stats.study_analysis import AdverseEventCategory
from .formatting import count_percent
from .journal_style import DEFAULT_STYLE, Style
from .table import Column, Row, Table


def adverse_event_category_table(categories: tuple[AdverseEventCategory, ...], n: int, ctcae_version: str = "5.0",
                                 title: str | None = None, style: Style = DEFAULT_STYLE) -> Table:
    rows = tuple(Row((c.label, count_percent(c.any_grade, n, style), count_percent(c.grade_3_plus, n, style)),
                     indent=0 if i == 0 else 1) for i, c in enumerate(categories))
    notes = (f"Treatment-emergent adverse events graded by CTCAE v{ctcae_version}; patients with at least one event "
             f"of the kind (percentages of the {n} treated patients). Serious: as recorded by the investigator; dose "
             "reduction, interruption and discontinuation: the action taken with study treatment recorded for the "
             "event (the exposure table counts dose reductions in the dosing records, for any reason).",)
    return Table(title or f"Table. Serious adverse events and adverse events leading to a change of treatment "
                          f"(N = {n})",
                 (Column("Patients with"), Column("Any grade, n (%)", align="right"),
                  Column("Grade ≥ 3, n (%)", align="right")), rows, notes,
                 ("CTCAE, Common Terminology Criteria for Adverse Events",))
