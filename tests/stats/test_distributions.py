"""oncocohort.stats.distributions: scipy.stats' normal, chi-square and t functions computed from scipy.special, and
its binomial and hypergeometric pmf/cdf/sf from the ufuncs scipy.stats calls, give the same numbers bit for bit as
scipy.stats (over grids and at the edges, where they are handed to scipy.stats); binomtest and fisher_exact are
stats/exact_tests.py's (tests/stats/test_exact_tests.py) and every other name is scipy.stats' own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.stats

from oncocohort.stats import distributions, exact_tests
from oncocohort.stats.distributions import binom, chi2, hypergeom, norm, stats, t

PROBABILITIES = np.r_[0.0, 1e-300, 1e-17, 1e-10, np.linspace(1e-6, 1 - 1e-6, 997), 0.5, 0.975, 1 - 1e-12, 1.0,
                      -0.1, 1.1, np.nan]
XS = np.r_[-np.inf, -40.0, np.linspace(-12, 12, 1201), -0.0, 0.0, 1e-300, 3.84, 40.0, 1e4, np.inf, np.nan]
DFS = [0.0, -1.0, 0.5, 1.0, 2.0, 3.0, 7.5, 30.0, 1e6, np.inf, np.nan]


def _same(ours, theirs) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    both_nan = np.isnan(ours) & np.isnan(theirs)
    # bit for bit (0.0 and -0.0 told apart): compare the IEEE-754 representations
    assert np.array_equal(ours.view(np.int64)[~both_nan], theirs.view(np.int64)[~both_nan])


@pytest.mark.parametrize("method", ["cdf", "sf", "ppf", "isf"])
def test_normal_equals_scipy_stats(method):
    values = PROBABILITIES if method in ("ppf", "isf") else XS
    _same(getattr(norm, method)(values), getattr(scipy.stats.norm, method)(values))
    for value in values:  # scalars one by one: the interior is computed here, the edges by scipy.stats
        ours, theirs = getattr(norm, method)(value), getattr(scipy.stats.norm, method)(value)
        assert type(ours) is type(theirs)
        _same(ours, theirs)


@pytest.mark.parametrize(("distribution", "method"), [(chi2, "sf"), (chi2, "ppf"), (t, "cdf"), (t, "sf"),
                                                      (t, "ppf")])
def test_chi_square_and_t_equal_scipy_stats(distribution, method):
    theirs_distribution = getattr(scipy.stats, distribution._name)
    values = PROBABILITIES if method == "ppf" else XS
    for df in DFS:
        _same(getattr(distribution, method)(values, df), getattr(theirs_distribution, method)(values, df))
        for value in values[::37]:
            ours, theirs = getattr(distribution, method)(value, df), getattr(theirs_distribution, method)(value, df)
            assert type(ours) is type(theirs)
            _same(ours, theirs)
    grid_x, grid_df = np.meshgrid(values[::11], np.r_[1:41, 0.25, 2.5])  # arrays of both arguments
    _same(getattr(distribution, method)(grid_x, grid_df), getattr(theirs_distribution, method)(grid_x, grid_df))


def test_loc_and_scale_go_to_scipy_stats():
    _same(norm.ppf(0.975, loc=1.0, scale=2.0), scipy.stats.norm.ppf(0.975, loc=1.0, scale=2.0))
    _same(chi2.sf(3.0, 1, 0.5), scipy.stats.chi2.sf(3.0, 1, 0.5))


def test_other_names_are_scipy_stats_own():
    assert stats.beta is scipy.stats.beta
    assert stats.chi2_contingency is scipy.stats.chi2_contingency
    assert stats.norm.pdf(0.3) == scipy.stats.norm.pdf(0.3)
    assert stats.binom.ppf(0.5, 10, 0.3) == scipy.stats.binom.ppf(0.5, 10, 0.3)
    assert stats.norm is norm and stats.chi2 is chi2 and stats.t is t
    assert stats.binom is binom and stats.hypergeom is hypergeom
    assert stats.binomtest is exact_tests.binomtest and stats.fisher_exact is exact_tests.fisher_exact


def test_scipy_still_has_the_private_ufuncs_scipy_stats_calls():
    """binom and hypergeom call scipy.special._ufuncs._binom_pmf … _hypergeom_sf, as scipy.stats does: when a scipy
    release drops or renames them this fails (they then fall back to scipy.stats: correct, but slow to import)."""
    assert distributions.HAS_BOOST_DISCRETE
    source = Path(scipy.stats.__file__).with_name("_discrete_distns.py").read_text(encoding="utf-8")
    for name in distributions._BOOST_NAMES:  # and scipy.stats still calls them for these distributions
        assert f"scu.{name}(" in source, name


BINOMIAL_K = np.r_[-3, -1, 0:41, 40.5, 2.5, 60, 199, 200, 201]


@pytest.mark.parametrize("method", ["pmf", "cdf", "sf"])
def test_binomial_equals_scipy_stats(method):
    ours, theirs = getattr(binom, method), getattr(scipy.stats.binom, method)
    for n in range(0, 201):
        for p in (0.0, 1e-12, 0.01, 0.05, 0.13, 0.2, 0.5, 0.77, 1 - 1e-9, 1.0):
            _same(ours(BINOMIAL_K, n, p), theirs(BINOMIAL_K, n, p))
    k, n = np.meshgrid(np.arange(0, 41), np.arange(1, 41))  # arrays of k and n, as design/simon.py calls it
    _same(ours(k, n, 0.3), theirs(k, n, 0.3))
    _same(ours(k[:, :1], n[:, :1].T, 0.3), theirs(k[:, :1], n[:, :1].T, 0.3))  # broadcast (40, 1) × (1, 40)
    for k in (-1, 0, 3, 10, 11, 2.5, np.int64(4)):
        assert type(ours(k, 10, 0.3)) is type(theirs(k, 10, 0.3))
        _same(ours(k, 10, 0.3), theirs(k, 10, 0.3))


@pytest.mark.parametrize("method", ["pmf", "cdf", "sf"])
def test_hypergeometric_equals_scipy_stats(method):
    ours, theirs = getattr(hypergeom, method), getattr(scipy.stats.hypergeom, method)
    k = np.arange(-1, 43)
    for total in range(1, 41):
        for marked in range(0, total + 1):
            for drawn in range(0, total + 1, 3):
                _same(ours(k, total, marked, drawn), theirs(k, total, marked, drawn))
    _same(ours(np.int64(57), 400, 205, 100), theirs(np.int64(57), 400, 205, 100))


@pytest.mark.parametrize("distribution, arguments", [
    (binom, (3, 10.5, 0.3)), (binom, (3, 10, 1.2)), (binom, (3, 10, np.nan)), (binom, (np.nan, 10, 0.3)),
    (binom, (np.inf, 10, 0.3)), (binom, (-np.inf, 10, 0.3)), (binom, (3, -1, 0.3)),
    (binom, (np.float32(3), 10, 0.3)), (hypergeom, (2, 10, 11, 3)), (hypergeom, (2.5, 10, 4, 3)),
    (hypergeom, (2, 0, 0, 0)), (hypergeom, (np.nan, 10, 4, 3))])
@pytest.mark.parametrize("method", ["pmf", "cdf", "sf"])
def test_invalid_or_unusual_arguments_go_to_scipy_stats(distribution, arguments, method):
    theirs = getattr(getattr(scipy.stats, distribution._name), method)(*arguments)
    _same(getattr(distribution, method)(*arguments), theirs)
    _same(getattr(distribution, method)(*arguments[:1], *arguments[1:], loc=1),
          getattr(getattr(scipy.stats, distribution._name), method)(*arguments, loc=1))


def test_without_the_private_ufuncs_scipy_stats_computes(monkeypatch):
    monkeypatch.setattr(distributions, "HAS_BOOST_DISCRETE", False)
    calls = []
    monkeypatch.setattr(scipy.stats.binom, "pmf", lambda *args, **kwargs: calls.append(args) or 0.5)
    assert binom.pmf(3, 10, 0.3) == 0.5 and calls == [(3, 10, 0.3)]


def test_distributions_and_exact_tests_do_not_import_scipy_stats():
    code = ("import sys\nfrom oncocohort.stats.distributions import stats\n"
            "values = [stats.norm.ppf(0.975), stats.norm.sf(1.2), stats.norm.cdf(0.1), stats.chi2.sf(3.2, 2), "
            "stats.chi2.sf(-8e7, 4), stats.chi2.ppf(0.95, 1), stats.t.ppf(0.975, 12), stats.t.sf(2.0, 5), "
            "stats.binom.pmf([0, 1, 2], 10, 0.3), stats.binom.cdf(3, 10, 0.3), stats.binom.sf(3, 10, 0.3), "
            "stats.hypergeom.pmf(2, 20, 7, 12), stats.binomtest(3, 10).proportion_ci(0.95), "
            "stats.binomtest(3, 10, 0.13).pvalue, stats.fisher_exact([[3, 1], [1, 3]]).pvalue]\n"
            "print('scipy.stats' in sys.modules, 'scipy.optimize' in sys.modules)\nstats.beta.ppf(0.5, 2, 3)\n"
            "print('scipy.stats' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "False", "True"]
