"""A study whose adverse-event records lack a grade for some terms (or for all): those are counted in the ungraded
table, the graded CTCAE tables keep the graded ones (or are left out), and the text says which is which."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from oncocohort.report.build import analyse_folder, build_tables
from oncocohort.report.narrative import narrative
from oncocohort.report.results_json import results_dict
from oncocohort.stats.study_analysis import analyse_study

from .test_narrative_style import check_style


@pytest.fixture(scope="module")
def demo(demo_study):
    study, datasets, _ = analyse_folder(demo_study)
    return study, datasets


def _without_grades(datasets, terms=None):
    adae = datasets.adae.copy()
    mask = adae["ctcae_term"].isin(terms) if terms is not None else np.ones(len(adae), bool)
    adae["grade"] = adae["grade"].astype(float).where(~mask)
    return replace(datasets, adae=adae)


def test_some_terms_without_a_grade(demo):
    study, datasets = demo
    teae = datasets.adae[datasets.adae["teae"]]
    term = teae["ctcae_term"].value_counts().index[0]  # the most frequent term loses its grades
    results = analyse_study(_without_grades(datasets, [term]), study.config)
    graded_terms = {r.term for r in results.adverse_events.rows if r.level == "term"}
    assert term not in graded_terms and graded_terms
    ungraded = results.ungraded_adverse_events
    assert [(r.term, r.patients) for r in ungraded.rows[1:]] == [(term, teae.loc[teae["ctcae_term"] == term,
                                                                              "patient_id"].nunique())]
    assert ungraded.source == "recorded without a grade in the study data"
    tables = build_tables(results)
    assert {"adverse_events", "adverse_events_ungraded"} <= set(tables)
    text = " ".join(t for _, t in narrative(results_dict(results)))
    assert "Treatment-emergent adverse events occurred in" in text
    assert text.count("without a grade") == 2  # methods and results, once each
    assert "Adverse events recorded without a grade in the study data" in text and term.lower() in text
    assert check_style(results_dict(results)) == {}


def test_no_grade_at_all_leaves_the_graded_tables_out(demo):
    study, datasets = demo
    results = analyse_study(_without_grades(datasets), study.config)
    assert not results.has_graded_adverse_events
    tables = build_tables(results)
    assert "adverse_events_ungraded" in tables
    assert not {"adverse_events", "adverse_event_categories", "adverse_events_related"} & set(tables)
    text = " ".join(t for _, t in narrative(results_dict(results)))
    assert "No treatment-emergent adverse events were recorded" not in text and "graded by CTCAE" not in text
    assert check_style(results_dict(results)) == {}
