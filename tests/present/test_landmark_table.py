"""The landmark table's layout: every value under a header that names it (present/landmark_table.py)."""

from __future__ import annotations

from oncocohort.present.formatting import REFERENCE_HR, estimate_ci, p_value
from oncocohort.present.landmark_table import os_by_response_table


def test_hazard_ratio_and_log_rank_p_sit_in_their_own_columns(demo_results):
    """Before: one row put the HR under "Patients, n" and the log-rank p under the median's header."""
    landmark = demo_results.landmarks
    analysis = landmark.os_by_response
    table = os_by_response_table(landmark, "months")
    headers = [c.label for c in table.columns]
    assert headers[-2:] == ["HR (95% CI)", "Log-rank p"]
    assert len(table.rows) == len(analysis.groups) == 2  # one row per group, no row of other quantities
    reference, compared = table.rows
    assert reference.cells[0].startswith("No response") and reference.cells[-2:] == (REFERENCE_HR, "")
    term = analysis.cox.terms[0]
    assert compared.cells[-2:] == (estimate_ci(term.hr, term.lower, term.upper, digits=2),
                                   p_value(analysis.logrank.p_value))
    assert all(len(row.cells) == len(table.columns) for row in table.rows)
