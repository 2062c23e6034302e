"""Adverse-event summary: hand-counted tiny case (maximum grade per patient, bands add up, order)."""

import pandas as pd

from oncocohort.stats.adverse_event_summary import summarise_adverse_events

# patient A: fatigue 1 and 3 (worst 3), rash 2; B: fatigue 2; C: diarrhea 5; D: none (n = 4)
WORST = pd.DataFrame({
    "patient_id": ["A", "A", "B", "C"],
    "soc": ["General", "Skin", "General", "GI"],
    "ctcae_term": ["Fatigue", "Rash maculo-papular", "Fatigue", "Diarrhea"],
    "max_grade": [3, 2, 2, 5],
})


def test_counts_by_maximum_grade_and_order():
    s = summarise_adverse_events(WORST, n=4)
    rows = [(r.term, r.any_grade, r.grade_1_2, r.grade_3_4, r.grade_5) for r in s.rows]
    assert rows == [("Any adverse event", 3, 1, 1, 1),  # A worst 3, B 2, C 5
                    ("Fatigue", 2, 1, 1, 0),
                    ("Diarrhea", 1, 0, 0, 1),  # ties on frequency: grade >= 3 first, then name
                    ("Rash maculo-papular", 1, 1, 0, 0)]
    assert all(r.grade_1_2 + r.grade_3_4 + r.grade_5 == r.any_grade for r in s.rows)


def test_by_system_organ_class():
    s = summarise_adverse_events(WORST, n=4, by_soc=True)
    assert [(r.level, r.term) for r in s.rows] == [
        ("any", "Any adverse event"), ("soc", "General"), ("term", "Fatigue"), ("soc", "GI"), ("term", "Diarrhea"),
        ("soc", "Skin"), ("term", "Rash maculo-papular")]
