"""Adverse events without a grade: patients with each term (hand-counted), no grade invented, and their table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocohort.present.ungraded_adverse_event_table import ungraded_adverse_event_table
from oncocohort.stats.adverse_event_summary import summarise_ungraded_adverse_events

ROWS = pd.DataFrame({
    "patient_id": ["1", "1", "2", "3", "3", "4"],
    "ctcae_term": ["Hypertension", "Hypertension", "Hypertension", "Hypothyroidism", "Fatigue", "Nausea"],
    "grade": [np.nan, np.nan, np.nan, np.nan, 2, np.nan],  # patient 3's fatigue is graded: not counted here
    "teae": [True, True, True, True, True, False],  # patient 4's nausea is not treatment-emergent
    "ungraded_source": ["recorded as conditions in the database"] * 6,
})


def test_patients_per_term_counted_once_without_grades():
    summary = summarise_ungraded_adverse_events(ROWS, n=10)
    assert [(r.term, r.level, r.patients) for r in summary.rows] == [
        ("Any adverse event", "any", 3), ("Hypertension", "term", 2), ("Hypothyroidism", "term", 1)]
    assert summary.note == "recorded as conditions in the database; severity (CTCAE grade) not available"


def test_none_when_every_event_is_graded():
    assert summarise_ungraded_adverse_events(ROWS[ROWS["grade"].notna()], n=10) is None
    without_source = summarise_ungraded_adverse_events(ROWS.drop(columns="ungraded_source"), n=10)
    assert without_source.source == "recorded without a grade in the study data"


def test_table_has_one_count_column_and_says_severity_is_not_available():
    table = ungraded_adverse_event_table(summarise_ungraded_adverse_events(ROWS, n=10))
    assert [c.label for c in table.columns] == ["Adverse event", "Patients with at least one record, n (%)"]
    assert [row.cells for row in table.rows] == [("Any adverse event", "3 (30.0)"), ("Hypertension", "2 (20.0)"),
                                                 ("Hypothyroidism", "1 (10.0)")]
    assert "severity (CTCAE grade) not available" in table.footnotes[0]
    assert not any("grade" in c.label.lower() for c in table.columns)
