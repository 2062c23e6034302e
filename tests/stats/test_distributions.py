"""oncocohort.stats.distributions: scipy.stats' normal, chi-square and t functions computed from scipy.special give
the same numbers bit for bit as scipy.stats (over grids and at the edges, where they are handed to scipy.stats),
and every other name is scipy.stats' own."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.stats

from oncocohort.stats.distributions import chi2, norm, stats, t

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
    assert stats.fisher_exact is scipy.stats.fisher_exact
    assert stats.binomtest is scipy.stats.binomtest
    assert stats.beta is scipy.stats.beta
    assert stats.norm.pdf(0.3) == scipy.stats.norm.pdf(0.3)
    assert stats.norm is norm and stats.chi2 is chi2 and stats.t is t


def test_normal_chi_square_and_t_do_not_import_scipy_stats():
    code = ("import sys\nfrom oncocohort.stats.distributions import stats\n"
            "values = [stats.norm.ppf(0.975), stats.norm.sf(1.2), stats.norm.cdf(0.1), stats.chi2.sf(3.2, 2), "
            "stats.chi2.ppf(0.95, 1), stats.t.ppf(0.975, 12), stats.t.sf(2.0, 5)]\n"
            "print('scipy.stats' in sys.modules)\nstats.binomtest(3, 10)\nprint('scipy.stats' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]
