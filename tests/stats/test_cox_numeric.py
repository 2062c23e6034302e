"""Cox models with numeric covariates at moderate n equal R ``coxph`` (rotterdam, 2,982 patients:
tests/reference/make_cox_numeric_reference.R → cox_numeric_reference.json, relative tolerance 1e-6), and the
study analysis's rule for how a covariate enters (:func:`oncocohort.stats.study_analysis.enters_as_number`): a
continuous number (age in years) is one term per unit, fitted by the ordinary likelihood — not one category per
value, which made the likelihood monotone and sent a 10⁵-patient OMOP study into a Firth fit of > 10 minutes."""

from __future__ import annotations

import json
from functools import cache
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from oncocohort.io.config import AnalysisSettings, Subgroup
from oncocohort.stats.cox import CoxModel, cox_model
from oncocohort.stats.firth import FirthCoxModel
from oncocohort.stats.study_analysis import _cox, covariate_subgroups, enters_as_number, subgroup_levels
from tests.stats.confounding_data import REFERENCE, rotterdam
from tests.stats.reference import close

MODELS = {  # reference name → (covariates, categorical, strata)
    "age_efron": (["age"], [], None),
    "age_meno_efron": (["age", "meno"], [], None),
    "numeric_and_factor_efron": (["age", "nodes", "size", "meno"], ["size"], None),
    "numeric_and_factor_breslow": (["age", "nodes", "size", "meno"], ["size"], None),
    "numeric_strata_efron": (["age", "nodes"], [], "grade"),
}


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "cox_numeric_reference.json").read_text())


def assert_equals_r(model: CoxModel, r: dict) -> None:
    assert (model.n, model.events) == (r["n"], r["events"])
    close([t.coef for t in model.terms], r["coef"])
    close([t.se for t in model.terms], r["se"])
    close([model.loglik_null, model.loglik], r["loglik"])
    close(model.score_test, r["score"])
    close(model.wald_test, r["wald"])
    assert model.monotone_likelihood == ()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_numeric_covariates_equal_r_coxph(name):
    covariates, categorical, strata = MODELS[name]
    r = reference()[name]
    model = cox_model(rotterdam(), "dtime", "death", covariates, categorical, strata, ties=r["ties"])
    assert [t.name for t in model.terms][:2] == list(np.atleast_1d(r["terms"]))[:2]  # numeric terms: no [level]
    assert_equals_r(model, r)


def test_enters_as_number_rule():
    ages = pd.Series(np.arange(40, 80, dtype=float))
    assert enters_as_number(ages, None)
    assert enters_as_number(ages.where(ages > 45), None)  # missing values do not count as a value
    assert not enters_as_number(pd.Series([0, 1, 2, 3, 4] * 8), None)  # ECOG: categories
    assert not enters_as_number(pd.Series(list(range(10)) * 3), None)  # 10 values: still categories
    assert enters_as_number(pd.Series(list(range(11)) * 3), None)  # 11: a continuous number
    assert not enters_as_number(pd.Series([f"h{i}" for i in range(30)]), None)  # text: categories
    assert not enters_as_number(pd.Series([True, False] * 10), None)
    grouped = Subgroup("age", "Age", (("<65", tuple(range(40, 65))), (">=65", tuple(range(65, 80)))))
    assert not enters_as_number(ages, grouped)  # grouped in study.toml: enters as its groups


def _study_cox(frame: pd.DataFrame, adsl: pd.DataFrame, covariates, **settings):
    config = SimpleNamespace(analysis=AnalysisSettings(cox_covariates=tuple(covariates), **settings))
    orders = {s.field: subgroup_levels(adsl, s) for s in covariate_subgroups(config, adsl)}
    return _cox(frame, adsl, config, "OS", orders)


def test_study_analysis_fits_age_as_a_number_equal_to_r():
    """The report's Cox models (study_analysis) on rotterdam with age (71 distinct values) and menopause (0/1):
    age one term per year, the ordinary Cox model (no Firth), equal to R."""
    rows = rotterdam().reset_index(names="patient_id")
    frame = rows[["patient_id"]].assign(time=rows["dtime"].astype(float), event=rows["death"])
    cox = _study_cox(frame, rows[["patient_id", "age", "meno"]], ["age", "meno"])
    univariable = dict(cox.univariable)
    assert [t.name for t in univariable["age"].terms] == ["age"]
    assert [t.name for t in cox.multivariable.terms] == ["age", "meno[1]"]  # meno: 2 values, a category
    assert_equals_r(univariable["age"], reference()["age_efron"])
    assert_equals_r(cox.multivariable, reference()["age_meno_efron"])


def test_large_study_with_age_is_not_sent_to_firth():
    """30,000 patients, age in whole years (heavy ties, rare extreme ages): the ordinary model with one age term,
    converged (no monotone likelihood); the Firth fit stays for a monotone likelihood (a group without events)."""
    rng = np.random.default_rng(18)
    n = 30_000
    age = np.clip(np.round(rng.normal(62, 11, n)), 18, 100)
    event_time = np.ceil(rng.exponential(1 / (0.002 * np.exp(0.02 * (age - 62)))))
    censor_time = rng.uniform(0, 1500, n)
    frame = pd.DataFrame({"patient_id": np.arange(n), "time": np.minimum(event_time, censor_time),
                          "event": (event_time <= censor_time).astype(int)})
    adsl = pd.DataFrame({"patient_id": np.arange(n), "age": age, "sex": rng.choice(["F", "M"], n)})
    cox = _study_cox(frame, adsl, ["age", "sex"])
    for model in [m for _, m in cox.univariable] + [cox.multivariable]:
        assert isinstance(model, CoxModel) and model.monotone_likelihood == ()
    names = [t.name for t in cox.multivariable.terms]
    assert names[0] == "age" and len(names) == 2 and names[1] in ("sex[F]", "sex[M]")  # sex: the report's level order
    assert cox.multivariable.terms[0].coef == pytest.approx(0.02, abs=3 * cox.multivariable.terms[0].se)

    adsl["site"] = np.where(np.arange(n) < 40, "rare", "common")
    frame.loc[adsl["site"] == "rare", "event"] = 0  # no events in one group: an infinite estimate → Firth
    cox = _study_cox(frame, adsl, ["age", "site"])
    assert isinstance(dict(cox.univariable)["site"], FirthCoxModel)
    assert isinstance(dict(cox.univariable)["age"], CoxModel)
