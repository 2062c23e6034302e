"""Counting-process Cox (start, stop] against R coxph on survival::heart, plus invariances derivable by hand."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.counting_process_cox import IntervalError, counting_process_cox, counting_process_cox_model
from oncocohort.stats.cox import cox_regression

from .reference import close

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "landmark_reference.json").read_text())["counting_process"]
HEART = pd.read_csv(REF / "heart.csv")
CASES = {
    "heart_efron": (HEART, ["age", "year", "surgery", "transplant"], None),
    "heart_breslow": (HEART, ["age", "year", "surgery", "transplant"], None),
    "heart_entry": (HEART.drop_duplicates("id", keep="last"), ["age", "transplant"], None),
    "heart_strata": (HEART, ["age", "year", "transplant"], "surgery"),
}


@pytest.mark.parametrize("key", list(CASES))
def test_equals_r_coxph(key):
    r = R[key]
    data, covariates, strata = CASES[key]
    model = counting_process_cox_model(data, "start", "stop", "event", covariates, strata=strata, ties=r["ties"])
    close([t.coef for t in model.terms], r["coef"])
    close([t.se for t in model.terms], r["se"])
    close([t.lower for t in model.terms], r["lower"])
    close([t.upper for t in model.terms], r["upper"])
    close([t.p_value for t in model.terms], r["p"])
    close([model.loglik_null, model.loglik], r["loglik"])
    close([model.lr_test, model.wald_test, model.score_test], [r["lr"], r["wald"], r["score"]])
    assert (model.n, model.events) == (r["n"], r["events"])


def test_start_zero_is_the_ordinary_cox_model():
    rng = np.random.default_rng(3)
    time, event, x = rng.integers(1, 20, 40).astype(float), rng.integers(0, 2, 40), rng.normal(size=(40, 1))
    ordinary = cox_regression(time, event, x)
    counting = counting_process_cox(np.zeros(40), time, event, x)
    assert counting.terms[0].coef == pytest.approx(ordinary.terms[0].coef, rel=1e-10)
    assert counting.loglik == pytest.approx(ordinary.loglik, rel=1e-12)


def test_splitting_follow_up_into_intervals_changes_nothing():
    # each patient's (0, T] cut at T/2 into (0, T/2] censored + (T/2, T] with the status: the same likelihood
    rng = np.random.default_rng(7)
    time, event, x = rng.integers(2, 30, 50).astype(float), rng.integers(0, 2, 50), rng.normal(size=50)
    whole = counting_process_cox(np.zeros(50), time, event, x)
    split = counting_process_cox(np.r_[np.zeros(50), time / 2], np.r_[time / 2, time], np.r_[np.zeros(50), event],
                                 np.r_[x, x])
    assert split.terms[0].coef == pytest.approx(whole.terms[0].coef, rel=1e-9)
    assert split.terms[0].se == pytest.approx(whole.terms[0].se, rel=1e-9)
    assert split.loglik == pytest.approx(whole.loglik, rel=1e-12)


def test_late_entry_leaves_the_risk_set_before_entry():
    # two patients, x = 0 and 1; the x=1 patient enters at 5, after the only event at 2: the event's risk set
    # holds the x=0 patient alone, so the partial likelihood is 1 whatever β (log-lik 0)
    model_rows = dict(start=[0.0, 5.0, 0.0], stop=[2.0, 8.0, 9.0], event=[1, 0, 0], x=[[0.0], [1.0], [1.0]])
    from oncocohort.stats.counting_process_cox import _CountingProcessLikelihood
    lik = _CountingProcessLikelihood(np.array(model_rows["x"]), np.array(model_rows["start"]),
                                     np.array(model_rows["stop"]), np.array(model_rows["event"]), np.zeros(3), "efron")
    loglik, score, _ = lik.evaluate(np.array([0.7]))
    # risk set at t=2: rows 1 and 3 (row 2 enters at 5) -> log L = x₁β − log(e^{x₁β} + e^{x₃β}) with centred x
    xc = np.array([0.0, 1.0, 1.0]) - 2 / 3
    assert loglik == pytest.approx(xc[0] * 0.7 - np.log(np.exp(xc[0] * 0.7) + np.exp(xc[2] * 0.7)))


def test_interval_with_start_not_before_stop_is_refused():
    with pytest.raises(IntervalError, match="start >= stop.*row 2"):
        counting_process_cox([0, 5], [3, 5], [1, 0], [[0.0], [1.0]])
