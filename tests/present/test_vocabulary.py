"""Abbreviations spelled out at their first use in the text: where, how, and never as a parenthesis within a
parenthesis."""

from __future__ import annotations

from oncocohort.present.vocabulary import Vocabulary


def test_first_use_is_spelled_out_once_in_reading_order():
    text = Vocabulary({"SS": "synovial sarcoma"}).spell_out(["PFS was long in SS.", "PFS and SS again."])
    assert text == ["Progression-free survival (PFS) was long in synovial sarcoma (SS).", "PFS and SS again."]


def test_inside_parentheses_the_short_form_is_in_square_brackets():
    """The OMOP report read "(95% confidence interval (CI) from 3.8; …)" and "(its concept set, not Response
    Evaluation Criteria in Solid Tumours (RECIST))": a parenthesis within a parenthesis. Inside one, the short form
    goes in brackets; outside, in parentheses as before."""
    text = Vocabulary().spell_out(["The median was 15.6 months (95% CI from 3.8; upper limit not estimable).",
                                   "Progression (its concept set, not RECIST) or death; HR (95% CI) (Cox)."])
    assert text == ["The median was 15.6 months (95% confidence interval [CI] from 3.8; upper limit not estimable).",
                    "Progression (its concept set, not Response Evaluation Criteria in Solid Tumours [RECIST]) or "
                    "death; hazard ratio (HR) (95% CI) (Cox)."]


def test_after_a_closed_parenthesis_the_short_form_is_in_parentheses_again():
    text = Vocabulary().spell_out(["Rates (Clopper–Pearson) and the ORR."])
    assert text == ["Rates (Clopper–Pearson) and the objective response rate (ORR)."]
