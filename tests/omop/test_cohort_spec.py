"""cohort.toml: the example reads; every problem is collected with its line, in one pass."""

from __future__ import annotations

import pytest

from oncocohort.omop.cohort_spec import CohortSpecError, read_cohort_spec, read_cohort_spec_text

from .conftest import EXAMPLE


def test_example_reads():
    spec = read_cohort_spec(EXAMPLE)
    assert dict(spec.components) == {"anlotinib": (2000000101,), "PD-1 inhibitor": (45775965, 45892628)}
    assert spec.progression == "episode" and spec.treatment_gap_days == 60
    assert spec.config.analysis.cox_covariates == ("sex", "ecog")


BAD = """[study]
title = "t"
data_cutoff = 2024-06-30

[cohort]
condition = ["sarcoma"]
index_window_days = -3
agemin = 18

[cohort.components]
anlotinib = []

[endpoints]
progression = "imaging"
"""


def test_every_problem_with_its_line():
    with pytest.raises(CohortSpecError) as error:
        read_cohort_spec_text(BAD)
    found = {(p.rule, p.row, p.column) for p in error.value.problems}
    assert ("omop.concept_set", 6, "condition") in found
    assert ("omop.out_of_range", 7, "index_window_days") in found
    assert ("omop.unknown_key", 8, "agemin") in found
    assert ("omop.concept_set", 11, "anlotinib") in found
    assert ("omop.not_allowed", 14, "progression") in found
    assert all(p.source == "cohort.toml" for p in error.value.problems)


def test_syntax_error_located():
    with pytest.raises(CohortSpecError) as error:
        read_cohort_spec_text('[study]\ntitle = "t\n')
    assert error.value.problems[0].rule == "omop.syntax" and error.value.problems[0].row == 2


def test_cohort_rules_needed_unless_from_a_cohort_table():
    text = '[study]\ntitle = "t"\ndata_cutoff = 2024-06-30\n'
    with pytest.raises(CohortSpecError, match="problem"):
        read_cohort_spec_text(text)
    assert read_cohort_spec_text(text, require_cohort=False).components == ()
