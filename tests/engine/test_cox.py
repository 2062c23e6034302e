"""Cox in the engine (DuckDB) equals the in-memory stats.cox fit within 1e-9: Efron and Breslow, strata, a
categorical covariate, missing values left out as R does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocohort.engine.cox import cox_model
from oncocohort.stats.cox import ModelNotEstimable
from oncocohort.stats.cox import cox_model as in_memory_cox_model
from tests.engine.rows import load, survival_rows

RTOL = 1e-9


def assert_same_fit(got, want):
    for name in ("loglik_null", "loglik", "lr_test", "lr_p", "wald_test", "wald_p", "score_test", "score_p"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=RTOL, err_msg=name)
    for name in ("n", "events", "df", "iterations", "monotone_likelihood", "ties"):
        assert getattr(got, name) == getattr(want, name), name
    pd.testing.assert_frame_equal(got.to_frame(), want.to_frame(), check_exact=False, rtol=RTOL, atol=0)
    np.testing.assert_allclose(got.covariance, want.covariance, rtol=RTOL, atol=1e-15)
    if any("[" not in t.name for t in got.terms):  # a covariate per unit: no concordance in the engine
        assert np.isnan(got.concordance)
    else:  # every covariate categorical: from counts per (time, event, pattern), exact
        np.testing.assert_allclose(got.concordance, want.concordance, rtol=RTOL, atol=0)
    assert_same_ph_tests(got, want)


def assert_same_ph_tests(got, want):
    """The cox.zph tests from the engine's per-time cells equal the in-memory ones (per term and GLOBAL)."""
    assert want.ph_tests and [(z.term, z.df) for z in got.ph_tests] == [(z.term, z.df) for z in want.ph_tests]
    np.testing.assert_allclose([z.chisq for z in got.ph_tests], [z.chisq for z in want.ph_tests], rtol=RTOL, atol=0)
    np.testing.assert_allclose([z.p_value for z in got.ph_tests], [z.p_value for z in want.ph_tests], rtol=RTOL,
                               atol=0)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("seed", [21, 22])
def test_cox_in_engine_equals_in_memory(duckdb_backend, ties, seed):
    rows = survival_rows(2500, seed)
    rows.loc[rows.index[::97], "x1"] = np.nan  # left out of the fit in both paths
    table = load(duckdb_backend, "cox_rows", rows)
    covariates = ["x1", "x2", "x3", "arm"]
    for strata in (None, "site"):
        got = cox_model(table, "time", "event", covariates, strata=strata, ties=ties)
        want = in_memory_cox_model(rows, "time", "event", covariates, strata=strata, ties=ties)
        assert got.n == 2500 - len(rows.index[::97])
        assert_same_fit(got, want)


def test_heavy_ties_and_a_large_offset_covariate(duckdb_backend):
    """Few distinct times (many tied events per time: the Efron correction matters) and a covariate on a large
    offset (centring in the engine keeps exp(xβ) in range)."""
    rng = np.random.default_rng(3)
    n = 3000
    rows = pd.DataFrame({"time": rng.integers(1, 6, n).astype(float), "event": (rng.random(n) < 0.8).astype(int),
                         "dose": 1e6 + rng.normal(0, 1, n), "arm": rng.choice(["a", "b"], n)})
    table = load(duckdb_backend, "ties", rows)
    for ties in ("efron", "breslow"):
        assert_same_fit(cox_model(table, "time", "event", ["dose", "arm"], ties=ties),
                        in_memory_cox_model(rows, "time", "event", ["dose", "arm"], ties=ties))


def test_not_estimable_is_named_as_in_memory(duckdb_backend):
    rows = survival_rows(300, 4)
    rows["constant"] = 1.0
    table = load(duckdb_backend, "constant", rows)
    with pytest.raises(ModelNotEstimable, match="constant: no information"):
        cox_model(table, "time", "event", ["x1", "constant"])


def test_bad_event_codes_and_negative_times_are_refused_with_counts(duckdb_backend):
    from oncocohort.engine.input_rules import EngineInputError

    rows = survival_rows(200, 6)
    rows.loc[:2, "event"] = 2
    rows.loc[5, "time"] = -1.0
    table = load(duckdb_backend, "bad_cox", rows)
    with pytest.raises(EngineInputError, match=r"(?s)'time': 1 row breaks.*'event': 3 rows break"):
        cox_model(table, "time", "event", ["x1"])


@pytest.mark.parametrize("name", ["numeric_and_factor_efron", "numeric_and_factor_breslow", "numeric_strata_efron"])
def test_numeric_covariates_in_engine_equal_r_and_in_memory(duckdb_backend, name):
    """rotterdam (2,982 patients): age and nodes as numbers, size as a factor, strata — equal to R coxph within
    1e-6 (tests/reference/make_cox_numeric_reference.R) and to the in-memory fit within 1e-9."""
    from tests.stats.confounding_data import rotterdam
    from tests.stats.test_cox_numeric import MODELS, assert_equals_r, reference

    covariates, categorical, strata = MODELS[name]
    r = reference()[name]
    rows = rotterdam()[["dtime", "death", "age", "nodes", "size", "meno", "grade"]]
    got = cox_model(load(duckdb_backend, "rotterdam", rows), "dtime", "death", covariates, categorical, strata,
                    ties=r["ties"])
    assert_equals_r(got, r)
    assert_same_fit(got, in_memory_cox_model(rows, "dtime", "death", covariates, categorical, strata, r["ties"]))


@pytest.fixture
def sent(monkeypatch) -> list[bytes]:
    """Each β the engine likelihood is evaluated at (one query each), in order, as bytes."""
    from oncocohort.engine.cox import EngineLikelihood

    betas = []
    original = EngineLikelihood._sums_at

    def recording(self, beta):
        betas.append(np.asarray(beta, float).tobytes())
        return original(self, beta)

    monkeypatch.setattr(EngineLikelihood, "_sums_at", recording)
    return betas


def test_ph_tests_need_no_query_beyond_the_fit(duckdb_backend, sent):
    """The PH tests read the cells of the fit's last evaluation (at β̂) and of its first (β = 0): each β is sent to
    the engine once, the last one sent is the fitted β̂."""
    rows = survival_rows(800, 8)
    fit = cox_model(load(duckdb_backend, "ph_queries", rows), "time", "event", ["x1", "arm"], strata="site")
    assert fit.ph_tests and len(sent) == len(set(sent)) == fit.iterations + 1
    assert sent[-1] == np.array([t.coef for t in fit.terms]).tobytes()


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_concordance_of_categorical_covariates_equals_in_memory(duckdb_backend, ties):
    """Every covariate a factor: Harrell's C from counts per (stratum, time, event, pattern) equals the in-memory
    pairwise count (tied times, censorings at an event time, tied scores within a pattern; strata)."""
    rows = survival_rows(1500, 31)
    rows["x2"] = rows["x2"].map({0.0: "no", 1.0: "yes"})
    table = load(duckdb_backend, "categorical_rows", rows)
    for covariates, strata in ((["arm"], None), (["arm", "x2"], "site"), (["sex", "arm"], None)):
        got = cox_model(table, "time", "event", covariates, strata=strata, ties=ties)
        want = in_memory_cox_model(rows, "time", "event", covariates, strata=strata, ties=ties)
        assert 0.4 < want.concordance < 0.6 and want.concordance != 0.5
        assert_same_fit(got, want)
        np.testing.assert_allclose(got.concordance, want.concordance, rtol=1e-12, atol=0)


def test_concordance_from_counts_by_hand():
    """Four rows, one binary covariate, β = 1 (score = x): events at 1 (x = 1) and 2 (x = 0), censored at 2 (x = 1)
    and 3 (x = 0). Comparable pairs of the event at 1: all three later rows — x 0, 1, 0 → concordant, tied,
    concordant; of the event at 2: the censored row at 2 (x = 1: discordant) and the row at 3 (x = 0: tied).
    C = (2 + 2 × ½) / 5 = 0.6."""
    from oncocohort.engine.cox import concordance_from_counts
    from oncocohort.stats.cox import harrell_concordance

    counts = pd.DataFrame({"stratum": "all", "time": [1.0, 2.0, 2.0, 3.0], "event": [1, 1, 0, 0],
                           "x0": [1.0, 0.0, 1.0, 0.0], "n": [1, 1, 1, 1]})
    assert concordance_from_counts(counts, np.array([1.0])) == pytest.approx(0.6, abs=1e-15)
    assert harrell_concordance([1, 2, 2, 3], [1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(0.6, abs=1e-15)
    doubled = counts.assign(n=2)  # each row twice: pairs × 4 (and the tied-time events still not compared)
    assert concordance_from_counts(doubled, np.array([1.0])) == pytest.approx(
        harrell_concordance(np.repeat([1, 2, 2, 3], 2), np.repeat([1, 1, 0, 0], 2), np.repeat([1, 0, 1, 0], 2)),
        abs=1e-15)


def test_no_step_halving_on_rounding_noise(duckdb_backend, sent):
    """20,000 rows, five covariates without effect: near β̂ the log-likelihood (of the order of −1e5) moves by
    rounding only (a few ulps, differing with the order of the sums). Halving the Newton step on such a "fall" made
    extra queries and left β̂ depending on the summation order; now each β is sent once and the engine's β̂ and PH
    tests equal the in-memory ones."""
    rng = np.random.default_rng(1)
    n = 20_000
    rows = pd.DataFrame({"time": rng.integers(1, 3000, n).astype(float), "event": (rng.random(n) < 0.7).astype(int)})
    covariates = [f"x{j}" for j in range(5)]
    for name in covariates:
        rows[name] = rng.normal(size=n)
    got = cox_model(load(duckdb_backend, "null_effects", rows), "time", "event", covariates)
    assert len(sent) == len(set(sent)) == got.iterations + 1
    assert_same_fit(got, in_memory_cox_model(rows, "time", "event", covariates))
