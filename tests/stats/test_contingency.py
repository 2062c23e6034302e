"""Contingency tables against R: fisher.test (2×2 and r×c up to n = 200) and chisq.test."""

from __future__ import annotations

from math import comb

import pytest

from oncocohort.stats.contingency import chi_square, fisher_exact, fisher_exact_rxc, test_association
from tests.stats.reference import close, r_reference

CASES = sorted(r_reference()["contingency"])


@pytest.mark.parametrize("case", CASES)
def test_fisher_matches_r(case):
    ref = r_reference()["contingency"][case]
    close(fisher_exact(ref["table"]).p_value, ref["fisher_p"])


@pytest.mark.parametrize("case", CASES)
def test_chi_square_matches_r(case):
    ref = r_reference()["contingency"][case]
    plain = chi_square(ref["table"])
    close([plain.statistic, plain.p_value], [ref["chisq"], ref["chisq_p"]])
    assert plain.df == ref["chisq_df"]
    yates = chi_square(ref["table"], correct=True)
    close([yates.statistic, yates.p_value], [ref["chisq_yates"], ref["chisq_yates_p"]])


def test_rxc_algorithm_also_handles_2x2_like_scipy():
    for table in ([[4, 7], [3, 18]], [[0, 6], [5, 1]], [[10, 10], [10, 10]]):
        assert fisher_exact_rxc(table) == pytest.approx(fisher_exact(table).p_value, rel=1e-9)


def test_hand_derivable_2x3():
    """Margins (1, 2) × (1, 1, 1): three tables, each of probability 1/3; all as likely as observed, p = 1.
    Margins (2, 2) × (2, 2): P(observed [[2,0],[0,2]]) = 1/6, and [[0,2],[2,0]] too; p = 2/6."""
    assert fisher_exact_rxc([[1, 0, 0], [0, 1, 1]]) == pytest.approx(1.0)
    assert fisher_exact_rxc([[2, 0], [0, 2]]) == pytest.approx(2 / comb(4, 2))


def test_default_rule_is_stated():
    small = test_association(r_reference()["contingency"]["orr_by_histology"]["table"])
    assert small.method == "Fisher–Freeman–Halton exact test"
    assert "smallest expected count is 1.38" in small.rule
    large = test_association([[30, 20], [25, 35]])
    assert large.method == "Pearson chi-square test with Yates continuity correction"
    assert "every expected count is >= 5" in large.rule
