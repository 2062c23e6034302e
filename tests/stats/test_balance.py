"""SMD before/after weighting against R (cobalt's formula, computed in make_confounding_reference.R)."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.stats.balance import balance_table, standardized_mean_difference
from tests.stats.confounding_data import CONFOUNDERS, confounding_reference, r_weights, rotterdam
from tests.stats.reference import close


def _rows(estimand):
    data = rotterdam()
    weights = r_weights(estimand)
    table = balance_table(data, data["hormon"], weights, CONFOUNDERS, estimand, categorical=["size"])
    return table, {(r.variable if r.level is None else f"{r.variable}[{r.level}]"): r for r in table.rows}


@pytest.mark.parametrize("estimand", ["ate", "att"])
def test_smd_equals_r(estimand):
    table, rows = _rows(estimand)
    for ref in confounding_reference()["balance"]:
        row = rows[ref["variable"]]
        close(row.mean_treated, ref["mean_treated"])
        close(row.mean_control, ref["mean_control"])
        close(row.smd_unweighted, ref[f"smd_unweighted_{estimand}"])
        close(row.smd_weighted, ref[f"smd_{estimand}"])
    assert ("pooled" if estimand == "ate" else "treated-group") in table.method
    assert len(table.to_frame()) == 7


def test_weighted_means_equal_r():
    _, rows = _rows("ate")
    for ref in confounding_reference()["balance"]:
        close(rows[ref["variable"]].weighted_mean_treated, ref["weighted_mean_treated_ate"])
        close(rows[ref["variable"]].weighted_mean_control, ref["weighted_mean_control_ate"])


def test_hand_smd():
    # treated 1, 3 (mean 2, var 2); control 0, 2, 4 (mean 2, var 4) -> weighted control mean with w = (1, 1, 2): 2.5
    x, t = [1, 3, 0, 2, 4], [1, 1, 0, 0, 0]
    assert standardized_mean_difference(x, t) == 0
    assert standardized_mean_difference(x, t, [1, 1, 1, 1, 2]) == pytest.approx(-0.5 / np.sqrt(3))
    assert standardized_mean_difference(x, t, [1, 1, 1, 1, 2], "att") == pytest.approx(-0.5 / np.sqrt(2))
    # binary: p1 = 1/2, p0 = 0 -> (0.5 - 0) / sqrt((0.25 + 0) / 2)
    assert standardized_mean_difference([1, 0, 0, 0], [1, 1, 0, 0]) == pytest.approx(0.5 / np.sqrt(0.125))
