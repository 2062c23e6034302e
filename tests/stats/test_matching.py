"""Nearest-neighbour propensity-score matching against R MatchIt (tests/reference/make_matching_reference.R on
rotterdam: the same pairs, weights, balance after matching and matched-sample HR), plus a tiny case by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from oncocohort.stats.balance import balance_table
from oncocohort.stats.matching import caliper_width, nearest_neighbor_match
from oncocohort.stats.propensity import propensity_model
from oncocohort.stats.weighted_cox import weighted_cox_regression
from tests.stats.confounding_data import CONFOUNDERS, rotterdam

from .reference import close

R = json.loads((Path(__file__).resolve().parents[1] / "reference" / "matching_reference.json").read_text())


def _pairs_of(match_matrix) -> set[tuple[int, int]]:
    """R's match.matrix (treated rows in data order × rounds, 1-based control rows, "NA") → (treated index,
    0-based control row)."""
    return {(i, int(c) - 1) for i, row in enumerate(match_matrix) for c in row if c != "NA"}


def _treated_positions(treat) -> list[int]:
    return [i for i, t in enumerate(treat) if t == 1]


@pytest.fixture(scope="module")
def score():
    return propensity_model(rotterdam(), "hormon", CONFOUNDERS).score


@pytest.mark.parametrize("case", list(R["cases"]))
def test_matching_equals_matchit(case, score):
    ref = R["cases"][case]
    data = rotterdam()
    close(score, ref["distance"])
    matched = nearest_neighbor_match(data["hormon"], score, ref["caliper"], ref["std_caliper"], ref["ratio"])
    close(matched.caliper_width, ref["caliper_width"])
    treated = _treated_positions(data["hormon"])
    expected = {(treated[i], c) for i, c in _pairs_of(ref["match_matrix"])}
    assert {(t, c) for t, c, _ in matched.pairs} == expected
    close(matched.weights, ref["weights"])
    assert int(matched.matched_treated.sum()) == ref["n_matched_treated"]
    assert int(((matched.treated == 0) & (matched.weights > 0)).sum()) == ref["n_matched_control"]
    # the same subclasses (labels aside): rows grouped identically
    ours = {tuple(np.nonzero(matched.subclass == s)[0]) for s in set(matched.subclass) - {-1}}
    theirs = {tuple(i for i, v in enumerate(ref["subclass"]) if v == s) for s in set(ref["subclass"]) - {"NA"}}
    assert ours == theirs


@pytest.mark.parametrize("case", list(R["cases"]))
def test_balance_and_hazard_ratio_after_matching_equal_r(case, score):
    ref = R["cases"][case]
    data = rotterdam()
    matched = nearest_neighbor_match(data["hormon"], score, ref["caliper"], ref["std_caliper"], ref["ratio"])
    table = balance_table(data, data["hormon"], matched.weights, CONFOUNDERS, "att", ["size"])
    ours = {r.variable + (f"[{r.level}]" if r.level is not None else ""): r.smd_weighted for r in table.rows}
    close([ours[v] for v in R["variables"]], ref["smd"])
    keep = matched.weights > 0
    fit = weighted_cox_regression(data["dtime"][keep], data["death"][keep], data["hormon"][keep].to_numpy()[:, None],
                                  matched.weights[keep], ["hormon"], cluster=matched.subclass[keep])
    close(fit.terms[0].coef, ref["cox"]["coef"])
    close(fit.terms[0].se, ref["cox"]["robust_se"])
    close(fit.naive_se, ref["cox"]["naive_se"])
    assert fit.n == ref["cox"]["n"] and fit.events == ref["cox"]["events"]


def test_tiny_case_by_hand():
    # treated 0.9, 0.85, 0.5 (matched in that order); controls 0.95, 0.8, 0.7, 0.52, 0.48, 0.1; caliper 0.1.
    # 0.9 takes 0.95 (0.05 away; 0.8 is 0.1 away); 0.85 takes 0.8 (0.7 is 0.15 away: outside the caliper);
    # 0.5 takes 0.52 (0.48 is as close: the first in data order wins). Largest first is greedy, not optimal.
    tiny = R["tiny"]
    matched = nearest_neighbor_match(tiny["treat"], tiny["distance"], 0.1, std_caliper=False)
    assert [(t, c) for t, c, _ in matched.pairs] == [(0, 1), (2, 3), (5, 6)]
    np.testing.assert_array_equal(matched.weights, tiny["weights"])
    assert [(t, int(c) - 1) for t, row in zip((0, 2, 5), tiny["match_matrix"]) for c in row] == [(0, 1), (2, 3),
                                                                                                  (5, 6)]
    # 1:2 — the second round finds nothing within 0.1 for 0.9 and 0.85; 0.5 gets 0.48. Control weights 1, 1, ½, ½
    # rescaled to sum to the 4 matched controls: 4/3, 4/3, 2/3, 2/3
    two = nearest_neighbor_match(tiny["treat"], tiny["distance"], 0.1, std_caliper=False, ratio=2)
    np.testing.assert_allclose(two.weights, [1, 4 / 3, 1, 4 / 3, 0, 1, 2 / 3, 2 / 3, 0])
    close(two.weights, tiny["weights_ratio2"])
    assert list(two.unmatched_treated) == [] and "1:2" in two.method
    # MatchIt 4.5.1 as shipped by Debian (issue #163): the caliper is ignored, the lower neighbour always taken
    assert [c - 1 for c in tiny["matchit_4_5_1"]] == [3, 4, 7]


def test_treated_without_a_control_in_the_caliper_is_left_out():
    matched = nearest_neighbor_match([1, 0, 1, 0], [0.9, 0.85, 0.3, 0.1], caliper=0.1, std_caliper=False)
    assert list(matched.unmatched_treated) == [2]
    np.testing.assert_array_equal(matched.weights, [1, 1, 0, 0])
    assert caliper_width([0.9, 0.85, 0.3, 0.1], 0.2) == pytest.approx(0.2 * np.std([0.9, 0.85, 0.3, 0.1], ddof=1))
    with pytest.raises(ValueError, match="positive"):
        caliper_width([0.1, 0.2], 0)
