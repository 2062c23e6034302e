"""oncocohort.stats.exact_tests: binomtest (p-values, Clopper–Pearson and Wilson limits) and the 2×2 fisher_exact
give scipy.stats' numbers bit for bit over grids and R's binom.test / fisher.test to 1e-6
(tests/reference/make_exact_tests_reference.R); arguments they do not handle go to scipy.stats."""

from __future__ import annotations

import itertools
import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

from oncocohort.stats import exact_tests
from oncocohort.stats.exact_tests import _brentq, binomtest, fisher_exact
from tests.stats.reference import close

LEVELS = (0.9, 0.95, 0.99)
SCIPY_RESULT = type(scipy.stats.binomtest(1, 2))


@cache
def r_exact() -> dict:
    return json.loads((Path(__file__).resolve().parents[1] / "reference" / "exact_tests_reference.json").read_text())


def _same(ours, theirs) -> None:
    """Bit for bit, as tests/stats/test_distributions.py compares."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.view(np.int64), theirs.view(np.int64)), (ours, theirs)


@pytest.mark.parametrize("function, a, b", [
    (lambda x: x * x - 2, 0, 2), (lambda x: math.cos(x) - x, 0, 1), (lambda x: x**3 - 1e-9, 0, 1),
    (lambda x: math.exp(x) - 1e6, 0, 20), (lambda x: (x - 0.3) ** 3, 0, 1), (lambda x: x - 0.25, 0, 1),
    (lambda x: 1 / (1 + math.exp(-40 * (x - 0.7))) - 0.5, 0, 1)])
def test_brent_port_takes_scipy_brentq_steps(function, a, b):
    _same(_brentq(function, a, b), scipy.optimize.brentq(function, a, b))


def test_brent_port_fails_where_scipy_brentq_fails():
    with pytest.raises(exact_tests._BrentFailed):
        _brentq(lambda x: x + 1, 0, 1)  # no sign change
    with pytest.raises(exact_tests._BrentFailed):
        _brentq(lambda x: (x - 0.3) ** 5, 0, 1)
    with pytest.raises(RuntimeError, match="converge"):
        scipy.optimize.brentq(lambda x: (x - 0.3) ** 5, 0, 1)  # not within 100 iterations, in scipy too


def _grid():
    """Every k of n = 1…30, then every k of six larger n up to 200 (the full n = 1…200 grid at the three levels,
    60,900 intervals, agreed bit for bit when this module was written: too slow for every test run)."""
    for n in [*range(1, 31), 37, 64, 100, 150, 199, 200]:
        yield from ((k, n) for k in range(n + 1))


@pytest.mark.parametrize("conf_level", LEVELS)
def test_clopper_pearson_limits_equal_scipy_stats(conf_level):
    for k, n in _grid():
        ours = binomtest(k, n).proportion_ci(conf_level)
        theirs = scipy.stats.binomtest(k, n).proportion_ci(conf_level)
        _same([ours.low, ours.high], [theirs.low, theirs.high])


@pytest.mark.parametrize("alternative", ["less", "greater"])
def test_one_sided_clopper_pearson_and_wilson_equal_scipy_stats(alternative):
    for (k, n), method in itertools.product([(0, 1), (1, 1), (0, 7), (3, 7), (7, 7), (11, 32), (1, 200)],
                                            ["exact", "wilson", "wilsoncc"]):
        ours = binomtest(k, n, 0.3, alternative).proportion_ci(0.9, method)
        theirs = scipy.stats.binomtest(k, n, 0.3, alternative).proportion_ci(0.9, method)
        _same([ours.low, ours.high], [theirs.low, theirs.high])


@pytest.mark.parametrize("method", ["wilson", "wilsoncc"])
def test_wilson_limits_equal_scipy_stats(method):
    for (k, n), level in itertools.product(itertools.islice(_grid(), None, None, 7), LEVELS):
        ours = binomtest(k, n).proportion_ci(level, method)
        theirs = scipy.stats.binomtest(k, n).proportion_ci(level, method)
        _same([ours.low, ours.high], [theirs.low, theirs.high])


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_binomial_p_values_equal_scipy_stats(alternative):
    for n in [*range(1, 31), 64, 100, 200]:
        for k, p0 in itertools.product(range(n + 1), (0.0, 0.01, 0.13, 0.2, 1 / 3, 0.5, 0.77, 1.0)):
            ours = binomtest(k, n, p0, alternative)
            theirs = scipy.stats.binomtest(k, n, p0, alternative)
            assert type(ours.pvalue) is type(theirs.pvalue), (k, n, p0)
            _same(ours.pvalue, theirs.pvalue)
            assert ours.statistic == theirs.statistic and (ours.k, ours.n) == (k, n)


@pytest.mark.parametrize("alternative", [None, "two-sided", "less", "greater"])
def test_fisher_2x2_equals_scipy_stats(alternative):
    tables = [np.reshape(cells, (2, 2)) for cells in itertools.product(range(7), repeat=4)]
    tables += [np.array(t) for t in ([[30, 70], [55, 45]], [[120, 3], [80, 17]], [[0, 200], [5, 190]],
                                     [[1000, 900], [950, 1010]], [[3.0, 1.0], [1.0, 3.0]])]
    for table in tables:
        ours, theirs = fisher_exact(table, alternative), scipy.stats.fisher_exact(table, alternative)
        _same([ours.statistic, ours.pvalue], [theirs.statistic, theirs.pvalue])


def test_clopper_pearson_limits_match_r():
    ref = r_exact()["clopper_pearson"]
    ours = [binomtest(k, n).proportion_ci(level) for k, n, level in zip(ref["k"], ref["n"], ref["conf_level"])]
    assert len(ours) > 4000
    close([ci.low for ci in ours], ref["lower"])
    close([ci.high for ci in ours], ref["upper"])


def test_binomial_p_values_match_r():
    ref = r_exact()["binomial_test"]
    for alternative, key in (("two-sided", "two_sided"), ("greater", "greater"), ("less", "less")):
        ours = [binomtest(k, n, p0, alternative).pvalue for k, n, p0 in zip(ref["k"], ref["n"], ref["p0"])]
        close(ours, ref[key])


def test_fisher_2x2_p_values_match_r():
    ref = r_exact()["fisher_2x2"]
    tables = [[[a, b], [c, d]] for a, b, c, d in zip(ref["a"], ref["b"], ref["c"], ref["d"])]
    assert len(tables) == 6**4 + 4
    for alternative, key in ((None, "two_sided"), ("greater", "greater"), ("less", "less")):
        close([fisher_exact(table, alternative).pvalue for table in tables], ref[key])


def test_arguments_not_handled_here_are_scipy_stats():
    assert isinstance(binomtest(3, 10, np.float32(0.3)), SCIPY_RESULT)
    with pytest.raises(ValueError, match="must not be greater than n"):
        binomtest(11, 10)
    with pytest.raises(ValueError, match="alternative"):
        binomtest(1, 10, alternative="bigger")
    with pytest.raises(ValueError, match="method"):
        binomtest(1, 10).proportion_ci(method="wald")
    _same([binomtest(2, 9).proportion_ci(1.0).low], [scipy.stats.binomtest(2, 9).proportion_ci(1.0).low])
    rxc = [[3, 1, 2], [1, 4, 0]]  # r×c: scipy's Monte Carlo result, whatever it is, is the one returned
    assert type(fisher_exact(rxc)) is type(scipy.stats.fisher_exact(rxc))
    with pytest.raises(ValueError):
        fisher_exact([[1, -1], [2, 3]])


def test_without_the_private_ufuncs_scipy_stats_computes(monkeypatch):
    monkeypatch.setattr(exact_tests, "HAS_BOOST_DISCRETE", False)
    assert isinstance(binomtest(3, 10), SCIPY_RESULT)
    assert not isinstance(fisher_exact([[1, 2], [3, 4]]), exact_tests.FisherExactResult)
