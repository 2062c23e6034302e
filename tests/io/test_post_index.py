"""The post-index guard's vocabulary: derived fields by name, user columns by their words."""

import pytest

from oncocohort.io.post_index import post_index_message, post_index_reason


@pytest.mark.parametrize("name", ["best_overall_response", "objective_response", "teae", "BOR", "response",
                                  "best_response", "dose_reduction", "grade3_ae", "anyAE", "irAE", "ORR",
                                  "responder", "RDI"])
def test_post_index_names_are_recognised(name):
    assert post_index_reason(name)


@pytest.mark.parametrize("name", ["ecog", "age", "histology_group", "prior_response", "baseline_grade",
                                  "starting_dose:anlotinib", "sex", "treatment", "arm", "pretreatment"])
def test_baseline_names_are_not(name):
    assert post_index_reason(name) is None


def test_message_names_both_alternatives():
    message = post_index_message("best_response", "a group", "--landmark T", "--start COL --stop COL rows")
    assert "immortal-time" in message and "--landmark T" in message and "--start COL --stop COL" in message
