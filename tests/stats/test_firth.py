"""Firth-penalised Cox against a direct maximisation of the penalised likelihood in R (coxphf is not
installable here): l(β) and I(β) from survival::coxph(init = β, iter.max = 0), optim, uniroot profile CIs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.cox import cox_model
from oncocohort.stats.firth import firth_cox_model
from tests.stats.reference import close, r_reference, r_reference_na

D = r_reference()["data"]
MODELS = {
    "monotone_breslow": (pd.DataFrame(D["monotone"]), "time", "status", ["asps", "ecog2"], "breslow"),
    "monotone_efron": (pd.DataFrame(D["monotone"]), "time", "status", ["asps", "ecog2"], "efron"),
    "ovarian_breslow": (pd.DataFrame(D["ovarian"]), "futime", "fustat", ["age", "rx"], "breslow"),
}


@pytest.mark.parametrize("case", sorted(MODELS))
def test_matches_direct_maximisation_in_r(case):
    frame, time, event, covariates, ties = MODELS[case]
    ref = r_reference()["firth"][case]
    fit = firth_cox_model(frame, time, event, covariates, ties=ties)
    close([t.coef for t in fit.terms], ref["coef"])
    close([t.lower for t in fit.terms], ref["lower"])
    close([t.upper for t in fit.terms], ref["upper"])
    close([t.p_value for t in fit.terms], ref["p"])
    close([fit.penalized_loglik, fit.lr_test, fit.lr_p], [ref["penalized_loglik"], ref["lr"], ref["lr_p"]])


def test_firth_is_finite_where_ordinary_cox_is_monotone():
    frame, time, event, covariates, _ = MODELS["monotone_breslow"]
    ordinary = cox_model(frame, time, event, covariates, ties="breslow")
    assert ordinary.monotone_likelihood == ("asps",)
    firth = firth_cox_model(frame, time, event, covariates)
    assert np.isfinite(firth.terms[0].coef) and -5 < firth.terms[0].coef < 0
    assert 0 < firth.terms[0].lower < firth.terms[0].hr < firth.terms[0].upper
    assert "profile penalised-likelihood CI" in firth.method


def test_one_covariate_hand_check():
    """With one covariate the profile is the penalised likelihood itself: at the CI limits
    2(l*(β̂) − l*(b)) equals the χ²₁ 95 % quantile 3.841459."""
    from oncocohort.stats.cox import _PartialLikelihood
    from oncocohort.stats.firth import _Penalized

    frame = pd.DataFrame(D["ovarian"])
    fit = firth_cox_model(frame, "futime", "fustat", ["age"])
    x = frame[["age"]].to_numpy(float)
    penalized = _Penalized(_PartialLikelihood(x, frame["futime"].to_numpy(float), frame["fustat"].to_numpy(int),
                                              np.zeros(len(frame), int), "breslow"))
    best = penalized.value(np.array([fit.terms[0].coef]))
    for limit in (fit.terms[0].lower, fit.terms[0].upper):
        assert 2 * (best - penalized.value(np.array([np.log(limit)]))) == pytest.approx(3.841459, abs=1e-6)


# ---------------------------------------------------------------- an independent Python check
# The penalised likelihood written plainly, one event time at a time (no per-time sums, no shared code with
# oncocohort.stats.cox), maximised with scipy's Nelder–Mead: the estimate and the profile limits must agree.

def naive_penalised(beta, x, time, event, ties="efron"):
    """l(β) + ½ log|I(β)| by direct loops over the distinct event times (Efron or Breslow ties)."""
    eta = x @ beta
    w = np.exp(eta)
    loglik, info = 0.0, np.zeros((x.shape[1], x.shape[1]))
    for t in np.unique(time[event == 1]):
        at_risk = time >= t
        dead = (time == t) & (event == 1)
        d = int(dead.sum())
        loglik += eta[dead].sum()
        for j in range(d):
            f = j / d if ties == "efron" else 0.0
            weights = w * at_risk - f * w * dead
            s0 = weights.sum()
            mean = weights @ x / s0
            loglik -= np.log(s0)
            info += (x * weights[:, None]).T @ x / s0 - np.outer(mean, mean)
    sign, logdet = np.linalg.slogdet(info)
    return loglik + 0.5 * logdet if sign > 0 else -np.inf


def small_study(seed, n=7):
    rng = np.random.default_rng(seed)
    while True:
        frame = pd.DataFrame({"time": rng.integers(1, 30, n).astype(float), "event": rng.integers(0, 2, n),
                              "treated": rng.integers(0, 2, n).astype(float), "age": rng.normal(60, 10, n).round()})
        if frame["event"].sum() >= 2 and frame["treated"].nunique() == 2:
            return frame


@pytest.mark.parametrize("seed", [1, 2, 5, 7])
def test_seven_patients_two_covariates_match_direct_maximisation(seed):
    """The issue's trap: --firth with two covariates on 7 patients raised LinAlgError in the profile search."""
    from scipy import optimize

    frame = small_study(seed)
    fit = firth_cox_model(frame, "time", "event", ["treated", "age"], ties="efron")
    x, t, e = frame[["treated", "age"]].to_numpy(float), frame["time"].to_numpy(float), frame["event"].to_numpy()
    x = x - x.mean(axis=0)

    def negative(b):
        value = naive_penalised(b, x, t, e)
        return -value if np.isfinite(value) else 1e10

    direct = optimize.minimize(negative, np.zeros(2), method="Nelder-Mead",
                               options={"xatol": 1e-11, "fatol": 1e-14, "maxiter": 20000})
    np.testing.assert_allclose([term.coef for term in fit.terms], direct.x, rtol=1e-5, atol=1e-7)
    best = -direct.fun
    for k, term in enumerate(fit.terms):
        if term.ci_method != "profile penalised-likelihood CI":
            continue
        for limit in (np.log(term.lower), np.log(term.upper)):
            def fixed(other, k=k, limit=limit):
                b = np.empty(2)
                b[k], b[1 - k] = limit, other
                return negative(b)
            inner = optimize.minimize_scalar(fixed, bracket=(direct.x[1 - k] - 1, direct.x[1 - k] + 1),
                                             tol=1e-12)
            assert 2 * (best + inner.fun) == pytest.approx(3.841459, abs=1e-5)


def test_the_linalg_error_study_of_the_issue_gives_a_finite_fit():
    """On commit 3202bc4 this raised LinAlgError (singular matrix) in the profile-CI search."""
    frame = pd.DataFrame({"time": [25, 19, 15, 8, 9, 2, 3], "event": [0, 0, 1, 1, 1, 1, 1],
                          "treated": [1, 1, 1, 1, 1, 1, 0], "age": [60, 37, 58, 48, 53, 55, 57]})
    fit = firth_cox_model(frame, "time", "event", ["treated", "age"], ties="efron")
    assert [t.ci_method for t in fit.terms] == ["profile penalised-likelihood CI"] * 2
    assert all(0 < t.lower < t.hr < t.upper < np.inf for t in fit.terms)


def test_firth_on_a_few_patients_is_finite_and_quiet(recwarn):
    # its speed is measured in benchmarks/small_study_time.py, not asserted here
    frame = small_study(3, n=10)
    fit = firth_cox_model(frame, "time", "event", ["treated", "age"], ties="efron")
    assert all(np.isfinite([t.coef, t.lower, t.upper, t.p_value]).all() for t in fit.terms)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_profile_that_does_not_cross_falls_back_to_wald_and_says_so():
    """Three events, two covariates: the profile of ``age`` is flat beyond the computable range, so its limit is
    Wald-type on the penalised fit, named per term, in the method and in the notes."""
    frame = pd.DataFrame({"time": [10, 11, 29, 6, 28, 21, 17], "event": [0, 1, 1, 0, 0, 0, 1],
                          "treated": [0, 1, 1, 0, 1, 1, 0], "age": [67, 54, 51, 68, 52, 52, 69]})
    fit = firth_cox_model(frame, "time", "event", ["treated", "age"], ties="efron")
    wald = [t for t in fit.terms if t.ci_method != "profile penalised-likelihood CI"]
    assert wald and all("Wald" in t.ci_method for t in wald)
    assert "Wald CI on the penalised fit for" in fit.method
    assert any("did not reach the 95% bound" in note for note in fit.notes)
    for t in wald:
        z = 1.959963984540054
        assert np.log(t.lower) == pytest.approx(t.coef - z * t.se)
        assert np.log(t.upper) == pytest.approx(t.coef + z * t.se)


def test_covariate_without_information_is_refused_in_words():
    from oncocohort.stats.cox import ModelNotEstimable

    frame = pd.DataFrame({"time": [17, 4, 14, 5, 23, 19, 21], "event": [0, 0, 0, 0, 1, 1, 1],
                          "treated": [0, 1, 0, 1, 1, 1, 1], "age": [80, 52, 52, 72, 68, 73, 70]})
    with pytest.raises(ModelNotEstimable, match="treated: no information"):
        firth_cox_model(frame, "time", "event", ["treated", "age"])
    with pytest.raises(ModelNotEstimable, match="treated: no information"):
        cox_model(frame, "time", "event", ["treated", "age"])


@pytest.mark.parametrize("case", ["seven_efron", "lung_na_efron"])
def test_matches_direct_maximisation_in_r_small_and_with_missing_values(case):
    """make_reference_na.R: the issue's 7-patient study, and survival::lung (complete cases of age and sex)."""
    ref = r_reference_na()["firth"][case]
    if case == "seven_efron":
        frame, covariates = pd.DataFrame(r_reference_na()["data"]["seven"]), ["treated", "age"]
    else:
        lung_na = Path(__file__).resolve().parents[1] / "reference" / "lung_na.csv"
        frame, covariates = pd.read_csv(lung_na, index_col=0), ["age", "sex"]
    fit = firth_cox_model(frame, "time", "status", covariates, ties="efron")
    close([t.coef for t in fit.terms], ref["coef"])
    close([t.lower for t in fit.terms], ref["lower"])
    close([t.upper for t in fit.terms], ref["upper"])
    close([t.p_value for t in fit.terms], ref["p"])
    close([fit.penalized_loglik, fit.lr_test, fit.lr_p], [ref["penalized_loglik"], ref["lr"], ref["lr_p"]])


def test_early_cutoff_study_with_a_monotone_subgroup_is_estimated():
    """Issue 14: Firth "auto" on a 38-patient study with an early cutoff took 12 minutes (profile-CI search); on
    commit 3202bc4 this study raises LinAlgError. Two events, four terms, one subgroup without events (its time:
    benchmarks/small_study_time.py)."""
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"time": rng.integers(10, 200, 38).astype(float), "event": (rng.random(38) < 0.18).astype(int),
                          "asps": (rng.random(38) < 0.25).astype(int), "ecog": rng.integers(0, 3, 38),
                          "age": rng.normal(55, 12, 38).round()})
    frame.loc[frame["asps"] == 1, "event"] = 0
    fit = firth_cox_model(frame, "time", "event", ["asps", "ecog", "age"], categorical=["asps", "ecog"],
                          ties="efron")
    assert [t.name for t in fit.terms] == ["asps[1]", "ecog[1]", "ecog[2]", "age"]
    assert all(0 < t.lower < t.hr < t.upper < np.inf for t in fit.terms)


# ---------------------------------------------------------------- analytic versus numerical derivatives
# Until issue 15 the derivatives of log|I(β)| were central differences of the exact I(β) (about 10 s of CPU for a
# 10-patient report). That implementation, kept here verbatim, is the reference for the analytic one: the same
# fixed point, so the same estimates, limits and p-values to 1e-8. It took mixed second differences only for up
# to three free coefficients; with four, its Newton steps were diagonal, converged linearly and stopped at a
# gradient of about 1e-7 (coefficients off by ~1e-7, where the analytic fit reaches 1e-12): there the reference
# takes every mixed difference, and the verbatim version is compared at 1e-6.

def numerical_derivatives(self, beta, free, mixed_up_to=3):
    """The derivatives of l* as computed up to commit 0d0d5c7 (numerical differences of log|I|)."""
    value, score, info, logdet_centre = self._parts(beta)
    if not np.isfinite(value):
        return value, None, None

    def logdet(b):
        with np.errstate(all="ignore"):
            return self._reliable_logdet(self.likelihood.evaluate(b)[2])

    m, step, hstep = len(free), 1e-5, 1e-4
    gradient, second, unit = np.empty(m), np.zeros((m, m)), np.eye(len(beta))
    for a, j in enumerate(free):
        up, down = logdet(beta + step * unit[j]), logdet(beta - step * unit[j])
        gradient[a] = (up - down) / (2 * step)
        second[a, a] = (up - 2 * logdet_centre + down) / step**2
    for a in range(m if m <= mixed_up_to else 0):
        for b in range(a + 1, m):
            h, g = hstep * (unit[free[a]] + unit[free[b]]), hstep * (unit[free[a]] - unit[free[b]])
            second[a, b] = second[b, a] = (logdet(beta + h) - logdet(beta + g) - logdet(beta - g)
                                           + logdet(beta - h)) / (4 * hstep**2)
    fisher = info[np.ix_(free, free)]
    newton = fisher - 0.5 * second
    if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(newton))):
        return value, None, None
    return value, score[free] + 0.5 * gradient, (newton, fisher)


def random_study(seed, n, ties_every=3):
    """n patients, a binary and a continuous covariate and a third with three levels; times on a coarse grid so
    that ties occur; at least three events."""
    rng = np.random.default_rng(seed)
    while True:
        frame = pd.DataFrame({"time": rng.integers(1, max(3, n // ties_every), n).astype(float),
                              "event": (rng.random(n) < 0.6).astype(int), "treated": rng.integers(0, 2, n),
                              "age": rng.normal(60, 10, n).round(), "stage": rng.integers(0, 3, n)})
        if frame["event"].sum() >= 3 and frame["treated"].nunique() == 2 and frame["stage"].nunique() == 3:
            return frame


EQUIVALENCE_CASES = {
    **{case: MODELS[case] for case in MODELS},
    "seven_efron": (pd.DataFrame(r_reference_na()["data"]["seven"]), "time", "status", ["treated", "age"], "efron"),
    **{f"small_{seed}": (small_study(seed, n=10), "time", "event", ["treated", "age"], "efron") for seed in (1, 3)},
    **{f"random_{seed}_{ties}": (random_study(seed, 14 + seed), "time", "event", ["treated", "age", "stage"], ties)
       for seed in (11, 12) for ties in ("efron", "breslow")},
}


def _fit_numbers(fit):
    return np.array([[t.coef, np.log(t.lower), np.log(t.upper), t.p_value] for t in fit.terms]
                    + [[fit.penalized_loglik, fit.lr_test, fit.lr_p, 0.0]])


@pytest.mark.parametrize("case", sorted(EQUIVALENCE_CASES))
def test_analytic_derivatives_give_the_estimates_of_the_numerical_ones(case, monkeypatch):
    from oncocohort.stats import firth

    frame, time, event, covariates, ties = EQUIVALENCE_CASES[case]
    categorical = ["stage"] if "stage" in covariates else ()
    analytic = firth_cox_model(frame, time, event, covariates, categorical=categorical, ties=ties)
    monkeypatch.setattr(firth._Penalized, "derivatives", numerical_derivatives)
    numerical = firth_cox_model(frame, time, event, covariates, categorical=categorical, ties=ties)
    assert [t.ci_method for t in analytic.terms] == [t.ci_method for t in numerical.terms]
    if len(analytic.terms) <= 3:
        np.testing.assert_allclose(_fit_numbers(analytic), _fit_numbers(numerical), rtol=1e-8, atol=1e-8)
        return
    np.testing.assert_allclose(_fit_numbers(analytic), _fit_numbers(numerical), rtol=1e-6, atol=1e-6)
    monkeypatch.setattr(firth._Penalized, "derivatives",
                        lambda self, beta, free: numerical_derivatives(self, beta, free, mixed_up_to=99))
    full_newton = firth_cox_model(frame, time, event, covariates, categorical=categorical, ties=ties)
    np.testing.assert_allclose(_fit_numbers(analytic), _fit_numbers(full_newton), rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_analytic_derivatives_of_log_det_information_equal_finite_differences(seed, ties):
    """∂log|I|/∂β against central differences of log|I| (exact I), ∂²log|I|/∂β² against central differences of
    the analytic gradient, at a random β, with strata and tied times; rows summed in blocks of 7 as well."""
    from oncocohort.stats import firth
    from oncocohort.stats.cox import _PartialLikelihood

    rng = np.random.default_rng(seed)
    n, p = 30, 3
    likelihood = _PartialLikelihood(rng.normal(size=(n, p)), rng.integers(1, 8, n).astype(float),
                                    rng.integers(0, 2, n), rng.integers(0, 2, n), ties)
    beta = rng.normal(size=p) * 0.5

    def logdet(b):
        return np.linalg.slogdet(likelihood.evaluate(b)[2])[1]

    for block in (firth._BLOCK_ROWS, 7):
        moments = firth._RiskSetMoments.__new__(firth._RiskSetMoments)
        original, firth._BLOCK_ROWS = firth._BLOCK_ROWS, block
        try:
            moments.__init__(likelihood)
        finally:
            firth._BLOCK_ROWS = original

        def gradient(b, moments=moments):
            return moments.logdet_derivatives(b, likelihood.evaluate(b)[2])[0]

        first, second = moments.logdet_derivatives(beta, likelihood.evaluate(beta)[2])
        h, unit = 1e-5, np.eye(p)
        np.testing.assert_allclose(first, [(logdet(beta + h * e) - logdet(beta - h * e)) / (2 * h) for e in unit],
                                   atol=1e-8)
        np.testing.assert_allclose(second, [(gradient(beta + h * e) - gradient(beta - h * e)) / (2 * h)
                                            for e in unit], atol=1e-8)
        assert np.allclose(second, second.T)
