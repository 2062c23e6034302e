"""scipy.stats for the statistics modules, without paying for its import where it is not needed.

Importing ``scipy.stats`` loads most of scipy (about half a second here: every distribution, scipy.interpolate,
scipy.spatial …) while the survival statistics need only the normal, chi-square and Student t distribution
functions. :data:`stats` stands for ``scipy.stats`` in the modules of this package (``from .distributions import
stats``; the calls read ``stats.norm.ppf(…)`` as before):

- ``stats.norm`` (``cdf``, ``sf``, ``ppf``, ``isf``), ``stats.chi2`` (``sf``, ``ppf``) and ``stats.t`` (``cdf``,
  ``sf``, ``ppf``) are computed by the scipy.special functions scipy.stats itself calls for them (scipy 1.11–1.17:
  ``ndtr``, ``ndtri``, ``chdtrc``, ``gammaincinv``, ``stdtr``, ``stdtrit``), with scipy.stats' own arithmetic
  around them (``· scale + loc`` with scale 1 and loc 0): the same numbers bit for bit
  (tests/stats/test_distributions.py compares them over grids); the chi-square sf is 1 at x ≤ 0, as scipy.stats.
  Other arguments outside the interior of the distribution's domain (p of 0 or 1, infinite x, NaN, df ≤ 0) and
  any ``loc``/``scale`` are handed to scipy.stats, whose rules for them then apply unchanged.
- ``stats.binom`` (``pmf``, ``cdf``, ``sf``) and ``stats.hypergeom`` (``pmf``, ``cdf``, ``sf``) are computed by
  the Boost-based ufuncs scipy.stats itself calls for them (``scipy.special._ufuncs._binom_pmf`` …
  ``_hypergeom_sf``; private names, present in scipy 1.9–1.17), with scipy.stats' rules around them (0 and 1
  outside the support, the result clipped to [0, 1], binomial cdf/sf at ⌊k⌋): the same numbers bit for bit. The
  public ``bdtr``/``bdtrc`` differ from them in the last bits, which would move Simon designs chosen by strict
  comparisons (α < 0.05) and the report's numbers; should scipy drop the private ufuncs, these names are
  scipy.stats' own again (tests/stats/test_distributions.py fails then, to say so). Invalid parameters (n not a
  whole number ≥ 0, p outside [0, 1], NaN), k not finite (and not whole for the hypergeometric cdf/sf), ``loc``
  and other than int/float64 arguments are handed to scipy.stats.
- ``stats.binomtest`` and ``stats.fisher_exact`` (2×2) are stats/exact_tests.py's, which computes them from these
  binomial and hypergeometric functions with scipy.stats' own algorithm and arithmetic.
- Every other name (``stats.beta``, ``stats.chi2_contingency``, ``stats.norm.pdf`` …) is scipy.stats' own,
  imported on first use.
"""

from __future__ import annotations

import importlib

import numpy as np
from scipy import special
from scipy.special import _ufuncs  # the Boost binomial and hypergeometric functions scipy.stats calls (docstring)

_BOOST_NAMES = ("_binom_pmf", "_binom_cdf", "_binom_sf", "_hypergeom_pmf", "_hypergeom_cdf", "_hypergeom_sf")
#: True when this scipy has the private ufuncs scipy.stats' binom and hypergeom call (else scipy.stats computes them)
HAS_BOOST_DISCRETE = all(hasattr(_ufuncs, name) for name in _BOOST_NAMES)


def _scipy_stats():
    """scipy.stats, imported on first use (then it is in sys.modules and this is a dictionary look-up)."""
    return importlib.import_module("scipy.stats")


def _result(values: np.ndarray):
    """A 0-d result as the numpy scalar scipy.stats returns, arrays unchanged."""
    return values[()] if values.ndim == 0 else values


class _Distribution:
    """One scipy.stats distribution: the methods given computed here on the interior of the domain, everything
    else (other methods and arguments) from scipy.stats."""

    def __init__(self, name: str):
        self._name = name

    def _scipy(self):
        return getattr(_scipy_stats(), self._name)

    def __getattr__(self, attribute: str):
        return getattr(self._scipy(), attribute)

    def __repr__(self) -> str:
        return f"<scipy.stats.{self._name}, its distribution functions computed by scipy.special>"


class _Normal(_Distribution):
    """``scipy.stats.norm``: cdf = ndtr(x), sf = ndtr(−x), ppf = ndtri(q), isf = −ndtri(q)."""

    def __init__(self):
        super().__init__("norm")

    def cdf(self, x, *args, **kwargs):
        x = np.asarray(x, dtype=float)
        if args or kwargs or not np.all(np.isfinite(x)):
            return self._scipy().cdf(x, *args, **kwargs)
        return _result(special.ndtr(x))

    def sf(self, x, *args, **kwargs):
        x = np.asarray(x, dtype=float)
        if args or kwargs or not np.all(np.isfinite(x)):
            return self._scipy().sf(x, *args, **kwargs)
        return _result(special.ndtr(-x))

    def ppf(self, q, *args, **kwargs):
        q = np.asarray(q, dtype=float)
        if args or kwargs or not np.all((q > 0) & (q < 1)):
            return self._scipy().ppf(q, *args, **kwargs)
        return _result(special.ndtri(q) * 1.0 + 0.0)

    def isf(self, q, *args, **kwargs):
        q = np.asarray(q, dtype=float)
        if args or kwargs or not np.all((q > 0) & (q < 1)):
            return self._scipy().isf(q, *args, **kwargs)
        return _result(-special.ndtri(q) * 1.0 + 0.0)


class _ChiSquare(_Distribution):
    """``scipy.stats.chi2``: sf = chdtrc(df, x), ppf = 2·gammaincinv(df/2, q)."""

    def __init__(self):
        super().__init__("chi2")

    def sf(self, x, df, *args, **kwargs):
        x, df = np.asarray(x, dtype=float), np.asarray(df, dtype=float)
        if args or kwargs or not np.all(np.isfinite(x) & (df > 0)):
            return self._scipy().sf(x, df, *args, **kwargs)
        # x ≤ 0 is at or below the support: 1, as scipy.stats (a near-singular information matrix can give a
        # statistic of -8e7, as the PH test of a 10-patient study does)
        return _result(np.where(x > 0, special.chdtrc(df, np.where(x > 0, x, 1.0)), 1.0))

    def ppf(self, q, df, *args, **kwargs):
        q, df = np.asarray(q, dtype=float), np.asarray(df, dtype=float)
        if args or kwargs or not np.all((q > 0) & (q < 1) & (df > 0)):
            return self._scipy().ppf(q, df, *args, **kwargs)
        return _result(2 * special.gammaincinv(df / 2, q) * 1.0 + 0.0)


class _StudentT(_Distribution):
    """``scipy.stats.t``: cdf = stdtr(df, x), sf = stdtr(df, −x), ppf = stdtrit(df, q)."""

    def __init__(self):
        super().__init__("t")

    def cdf(self, x, df, *args, **kwargs):
        x, df = np.asarray(x, dtype=float), np.asarray(df, dtype=float)
        if args or kwargs or not np.all(np.isfinite(x) & (df > 0)):
            return self._scipy().cdf(x, df, *args, **kwargs)
        return _result(special.stdtr(df, x))

    def sf(self, x, df, *args, **kwargs):
        x, df = np.asarray(x, dtype=float), np.asarray(df, dtype=float)
        if args or kwargs or not np.all(np.isfinite(x) & (df > 0)):
            return self._scipy().sf(x, df, *args, **kwargs)
        return _result(special.stdtr(df, -x))

    def ppf(self, q, df, *args, **kwargs):
        q, df = np.asarray(q, dtype=float), np.asarray(df, dtype=float)
        if args or kwargs or not np.all((q > 0) & (q < 1) & (df > 0)):
            return self._scipy().ppf(q, df, *args, **kwargs)
        return _result(special.stdtrit(df, q) * 1.0 + 0.0)


def _float64_arguments(*values) -> list[np.ndarray] | None:
    """The arguments as float64 arrays broadcast together, or None when one is of another kind than bool, integer
    or float64 (scipy.stats then computes in that type) or they do not broadcast."""
    arrays = [np.asarray(value) for value in values]
    if any(a.dtype.kind not in "biuf" or (a.dtype.kind == "f" and a.dtype != np.float64) for a in arrays):
        return None
    try:
        return list(np.broadcast_arrays(*(a.astype(float) for a in arrays)))
    except ValueError:
        return None


def _whole(x: np.ndarray) -> np.ndarray:
    return x == np.round(x)  # scipy.stats' _isintegral


class _Discrete(_Distribution):
    """A discrete scipy.stats distribution whose pmf, cdf and sf are one Boost ufunc each, called as
    ``rv_discrete`` calls them: pmf at whole k in the support, cdf below the support's upper end, sf from its
    lower end, 0 or 1 elsewhere, every value clipped to [0, 1], a numpy scalar for scalar arguments."""

    _shape_count = 0

    def _support(self, *shape) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _valid(self, *shape) -> np.ndarray:
        raise NotImplementedError

    def _boost(self, method: str, k: np.ndarray, *shape) -> np.ndarray:
        raise NotImplementedError

    def _computed(self, method: str, k, args, kwargs):
        """The result computed here, or None when scipy.stats must compute it (module docstring)."""
        if not HAS_BOOST_DISCRETE or kwargs or len(args) != self._shape_count:
            return None
        arrays = _float64_arguments(k, *args)
        if arrays is None:
            return None
        k, *shape = arrays
        if not (np.all(np.isfinite(k)) and np.all(self._valid(*shape))):
            return None
        low, high = self._support(*shape)
        output = np.zeros(k.shape)
        if method == "pmf":
            inside = (k >= low) & (k <= high) & (np.floor(k) == k)
        else:
            inside = (k >= low) & (k < high)
            output[(k >= high) if method == "cdf" else (k < low)] = 1.0
        if inside.any():
            output[inside] = np.clip(self._boost(method, k[inside], *(a[inside] for a in shape)), 0, 1)
        return _result(output)

    def pmf(self, k, *args, **kwargs):
        output = self._computed("pmf", k, args, kwargs)
        return self._scipy().pmf(k, *args, **kwargs) if output is None else output

    def cdf(self, k, *args, **kwargs):
        output = self._computed("cdf", k, args, kwargs)
        return self._scipy().cdf(k, *args, **kwargs) if output is None else output

    def sf(self, k, *args, **kwargs):
        output = self._computed("sf", k, args, kwargs)
        return self._scipy().sf(k, *args, **kwargs) if output is None else output


class _Binomial(_Discrete):
    """``scipy.stats.binom`` (k; n, p): pmf = _binom_pmf(k, n, p), cdf = _binom_cdf(⌊k⌋, n, p),
    sf = _binom_sf(⌊k⌋, n, p) on the support 0…n."""

    _shape_count = 2

    def __init__(self):
        super().__init__("binom")

    def _support(self, n, p):
        return np.zeros_like(n), n

    def _valid(self, n, p):
        return (n >= 0) & _whole(n) & (p >= 0) & (p <= 1)

    def _boost(self, method, k, n, p):
        if method == "pmf":
            return _ufuncs._binom_pmf(k, n, p)
        return (_ufuncs._binom_cdf if method == "cdf" else _ufuncs._binom_sf)(np.floor(k), n, p)


class _Hypergeometric(_Discrete):
    """``scipy.stats.hypergeom`` (k; M, n, N) — k of the N drawn from M of which n are marked: pmf, cdf and sf
    = _hypergeom_pmf/_cdf/_sf(k, n, N, M) on the support max(0, N − (M − n))…min(n, N)."""

    _shape_count = 3

    def __init__(self):
        super().__init__("hypergeom")

    def _support(self, total, marked, drawn):
        return np.maximum(drawn - (total - marked), 0), np.minimum(marked, drawn)

    def _valid(self, total, marked, drawn):
        return ((total > 0) & (marked >= 0) & (drawn >= 0) & (marked <= total) & (drawn <= total)
                & _whole(total) & _whole(marked) & _whole(drawn))

    def _computed(self, method, k, args, kwargs):
        if method != "pmf" and not np.all(_whole(np.asarray(k, dtype=float))):
            return None  # scipy.stats hands a fractional k to Boost as it is
        return super()._computed(method, k, args, kwargs)

    def _boost(self, method, k, total, marked, drawn):
        function = {"pmf": _ufuncs._hypergeom_pmf, "cdf": _ufuncs._hypergeom_cdf, "sf": _ufuncs._hypergeom_sf}
        return function[method](k, marked, drawn, total)


norm = _Normal()
chi2 = _ChiSquare()
t = _StudentT()
binom = _Binomial()
hypergeom = _Hypergeometric()

_EXACT_TESTS = ("binomtest", "fisher_exact")  # stats/exact_tests.py (which imports this module: looked up on use)


class _Stats:
    """``scipy.stats`` as the statistics modules use it (module docstring)."""

    norm = norm
    chi2 = chi2
    t = t
    binom = binom
    hypergeom = hypergeom

    def __getattr__(self, name: str):
        if name in _EXACT_TESTS:
            return getattr(importlib.import_module(".exact_tests", __package__), name)
        return getattr(_scipy_stats(), name)


stats = _Stats()
