"""Propensity score and IPTW against R glm on rotterdam (hormonal therapy), and hand-derivable weights."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.stats.propensity import iptw_weights, propensity_model
from tests.stats.confounding_data import CONFOUNDERS, confounding_reference, r_weights, rotterdam
from tests.stats.reference import close


@pytest.fixture(scope="module")
def model():
    return propensity_model(rotterdam(), "hormon", CONFOUNDERS, categorical=["size"])


def test_propensity_score_equals_r_glm(model):
    ref = confounding_reference()["propensity"]
    close(model.score, ref["ps"])
    coef = dict(zip(model.names, model.coef))
    for name in ("age", "meno", "grade", "nodes"):
        close(coef[name], ref["coef"][name])
    # R's reference level of size is "<=20" (factor order), ours "20-50" (sorted): the contrast is the same
    close(-coef["size[<=20]"], ref["coef"]["size20-50"])
    close(coef["size[>50]"] - coef["size[<=20]"], ref["coef"]["size>50"])
    assert "GLM" in model.method and list(model.to_frame()["term"])[:2] == ["(Intercept)", "age"]


@pytest.mark.parametrize("estimand, stabilized, key", [("ate", False, "ate"), ("ate", True, "ate_stabilized"),
                                                        ("att", False, "att")])
def test_weights_equal_r(model, estimand, stabilized, key):
    weights = iptw_weights(rotterdam()["hormon"], model.score, estimand, stabilized)
    close(weights.weights, r_weights(key))
    assert weights.rule == "no trimming or truncation"


def test_truncation_at_percentiles_equals_r_quantile_type_7(model):
    weights = iptw_weights(rotterdam()["hormon"], model.score, "ate", truncate=(1, 99))
    close(weights.weights, r_weights("ate_truncated"))
    assert "truncated at percentiles 1 and 99" in weights.rule
    assert weights.n_truncated == int(np.sum(r_weights("ate_truncated") != r_weights("ate")))


def test_trimming_leaves_out_scores_outside_bounds(model):
    weights = iptw_weights(rotterdam()["hormon"], model.score, "ate", trim=(0.05, 0.95))
    assert weights.n_trimmed == confounding_reference()["weights"]["n_trimmed"]
    assert (weights.weights[~weights.kept] == 0).all() and "outside [0.05, 0.95]" in weights.rule
    assert "left out" in weights.method


def test_hand_weights():
    # scores 0.2 / 0.5 / 0.8; treated = 1, 0, 1; P(T = 1) = 2/3
    w = iptw_weights([1, 0, 1], [0.2, 0.5, 0.8], "ate")
    np.testing.assert_allclose(w.weights, [5, 2, 1.25])
    w = iptw_weights([1, 0, 1], [0.2, 0.5, 0.8], "ate", stabilized=True)
    np.testing.assert_allclose(w.weights, [5 * 2 / 3, 2 / 3, 1.25 * 2 / 3])
    w = iptw_weights([1, 0, 1], [0.2, 0.5, 0.8], "att")
    np.testing.assert_allclose(w.weights, [1, 1, 1])
    ess = iptw_weights([1, 0, 1], [0.2, 0.5, 0.8], "ate").effective_sample_size()
    assert ess["treated"] == pytest.approx(6.25**2 / (25 + 1.5625)) and ess["control"] == 1


def test_refusals():
    with pytest.raises(ValueError, match="ATE only"):
        iptw_weights([1, 0], [0.5, 0.5], "att", stabilized=True)
    with pytest.raises(ValueError, match="0 \\(control\\) / 1"):
        iptw_weights([1, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="one value only"):
        iptw_weights([1, 1], [0.5, 0.5])
