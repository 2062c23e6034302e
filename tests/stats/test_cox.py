"""Cox regression against R coxph (Efron and Breslow), hand-derivable cases and monotone likelihood."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.cox import cox_model, cox_regression, harrell_concordance
from tests.stats.reference import close, r_reference

D = r_reference()["data"]
MODELS = {
    "lung": (pd.DataFrame(D["lung"]), "time", "status", ["age", "sex", "ph.ecog"], ()),
    "veteran": (pd.DataFrame(D["veteran"]), "time", "status", ["trt", "celltype", "karno"], ()),
    "ovarian": (pd.DataFrame(D["ovarian"]), "futime", "fustat", ["age", "rx", "ecog.ps"], ("rx",)),
    "ties": (pd.DataFrame({"time": D["hand"]["ties"]["time"], "status": D["hand"]["ties"]["status"],
                           "x": [0, 1, 0, 1, 1, 0, 1, 0, 1, 1]}), "time", "status", ["x"], ()),
}
STRATA = {"veteran_strata": "celltype"}
MODELS["veteran_strata"] = (pd.DataFrame(D["veteran"]), "time", "status", ["trt", "karno"], ())
CASES = [(m, t) for m in sorted(MODELS) for t in ("efron", "breslow")]


@pytest.mark.parametrize("model, ties", CASES)
def test_matches_r_coxph(model, ties):
    frame, time, event, covariates, categorical = MODELS[model]
    ref = r_reference()["cox"][f"{model}_{ties}"]
    fit = cox_model(frame, time, event, covariates, categorical, strata=STRATA.get(model), ties=ties)
    close([t.coef for t in fit.terms], ref["coef"])
    close([t.se for t in fit.terms], ref["se"])
    close([t.hr for t in fit.terms], ref["hr"])
    close([t.lower for t in fit.terms], ref["lower"])
    close([t.upper for t in fit.terms], ref["upper"])
    close([t.p_value for t in fit.terms], ref["p"])
    close([fit.loglik_null, fit.loglik], ref["loglik"])
    close([fit.lr_test, fit.lr_p, fit.wald_test, fit.wald_p, fit.score_test, fit.score_p],
          [ref["lr"], ref["lr_p"], ref["wald"], ref["wald_p"], ref["score"], ref["score_p"]])
    close(fit.concordance, ref["concordance"])
    assert fit.monotone_likelihood == ()
    # proportional-hazards test, as cox.zph(fit, transform = "km")
    assert [z.term for z in fit.ph_tests] == [n.replace("factor(rx)", "rx") for n in ref["zph_terms"]]
    close([z.chisq for z in fit.ph_tests], ref["zph_chisq"])
    close([z.df for z in fit.ph_tests], ref["zph_df"])
    close([z.p_value for z in fit.ph_tests], ref["zph_p"])


def test_term_names_follow_r_treatment_coding():
    frame, time, event, covariates, categorical = MODELS["veteran"]
    fit = cox_model(frame, time, event, covariates, categorical)
    r_names = r_reference()["cox"]["veteran_efron"]["terms"]
    assert [t.name for t in fit.terms] == ["trt", "celltype[large]", "celltype[smallcell]", "celltype[squamous]",
                                           "karno"]
    assert [n.replace("[", "").replace("]", "") for n in [t.name for t in fit.terms]] == r_names


def test_hand_derivable_two_patients():
    """x = 1 dies at 1, x = 0 dies at 2: L(β) = e^β/(e^β + 1) increases for ever — monotone likelihood;
    with a third patient (x = 0, dies at 0.5) the MLE exists: L = 1/(e^β+2) · e^β/(e^β+1), maximal at β = log√2."""
    fit = cox_regression([0.5, 1, 2], [1, 1, 1], [[0], [1], [0]])
    assert fit.terms[0].coef == pytest.approx(np.log(np.sqrt(2)), abs=1e-8)
    assert fit.monotone_likelihood == ()


def test_monotone_likelihood_is_detected_and_named():
    """A 7-patient subgroup with no events (as the seed's small histology groups): the coefficient runs to −∞."""
    rng = np.random.default_rng(1)
    time = rng.exponential(10, 32).round(1) + 0.1
    event = np.ones(32, int)
    subgroup = np.zeros(32)
    subgroup[:7] = 1
    event[:7] = 0
    fit = cox_regression(time, event, np.column_stack([subgroup, rng.normal(size=32)]), ["asps", "z"])
    assert fit.monotone_likelihood == ("asps",)
    assert fit.terms[0].infinite and fit.terms[0].coef < -5
    assert not fit.terms[1].infinite


def test_concordance_by_hand():
    """Three patients: events at 1 and 2, censored at 3; risk scores 3, 2, 1 — every comparable pair concordant.
    Pairs: (1,2), (1,3), (2,3) = 3 comparable. Reversing the scores makes all discordant; equal scores give ½."""
    assert harrell_concordance([1, 2, 3], [1, 1, 0], [3, 2, 1]) == 1.0
    assert harrell_concordance([1, 2, 3], [1, 1, 0], [1, 2, 3]) == 0.0
    assert harrell_concordance([1, 2, 3], [1, 1, 0], [1, 1, 1]) == 0.5
    # tied event times are not comparable; a censoring at the event's time is
    assert harrell_concordance([1, 1, 1], [1, 1, 0], [2, 1, 0]) == 1.0


def test_strata_give_separate_baselines():
    frame = pd.DataFrame(D["veteran"])
    a = cox_model(frame, "time", "status", ["trt", "karno"], strata="celltype")
    b = cox_model(frame, "time", "status", ["trt", "karno"])
    assert a.terms[0].coef != pytest.approx(b.terms[0].coef)
    assert a.method == "Cox proportional-hazards model (Efron ties), Wald CI"


@pytest.mark.parametrize("block_rows, cache_bytes", [(1 << 16, 1 << 29), (7, 1 << 29), (5, 0)])
def test_cell_sums_equal_bincount_definition(monkeypatch, block_rows, cache_bytes):
    """The per-cell sums (sorted rows, sparse products per block, blocks cached or rebuilt) equal one bincount
    per column, over strata and tied times, and the fit does not depend on the block size."""
    from oncocohort.stats import cox as cox_module

    monkeypatch.setattr(cox_module, "_BLOCK_ROWS", block_rows)
    monkeypatch.setattr(cox_module, "_BLOCK_CACHE_BYTES", cache_bytes)
    rng = np.random.default_rng(3)
    n = 60
    x = rng.normal(size=(n, 3))
    time, event, stratum = rng.integers(1, 9, n).astype(float), rng.integers(0, 2, n), rng.integers(0, 2, n)
    likelihood = cox_module._PartialLikelihood(x, time, event, stratum, "efron")
    w = rng.uniform(0.5, 2, n)
    for _ in range(2):  # first call builds the blocks, the second reuses (or rebuilds) them
        s0, s1, s2 = likelihood._sums(w)
        c = likelihood.cell
        np.testing.assert_allclose(s0, np.bincount(c, w, likelihood.n_cells), rtol=1e-12)
        for j in range(3):
            np.testing.assert_allclose(s1[:, j], np.bincount(c, w * likelihood.x[:, j], likelihood.n_cells),
                                       rtol=1e-12)
            for k in range(3):
                np.testing.assert_allclose(
                    s2[:, j, k], np.bincount(c, w * likelihood.x[:, j] * likelihood.x[:, k], likelihood.n_cells),
                    rtol=1e-12, atol=1e-12)
    fit = cox_module.cox_regression(time, event, x, stratum=stratum)
    monkeypatch.setattr(cox_module, "_BLOCK_ROWS", 1 << 16)
    reference = cox_module.cox_regression(time, event, x, stratum=stratum)
    np.testing.assert_allclose([t.coef for t in fit.terms], [t.coef for t in reference.terms], rtol=1e-10)
