"""scipy.stats for the statistics modules, without paying for its import where it is not needed.

Importing ``scipy.stats`` loads most of scipy (about half a second here: every distribution, scipy.interpolate,
scipy.spatial …) while the survival statistics need only the normal, chi-square and Student t distribution
functions. :data:`stats` stands for ``scipy.stats`` in the modules of this package (``from .distributions import
stats``; the calls read ``stats.norm.ppf(…)`` as before):

- ``stats.norm`` (``cdf``, ``sf``, ``ppf``, ``isf``), ``stats.chi2`` (``sf``, ``ppf``) and ``stats.t`` (``cdf``,
  ``sf``, ``ppf``) are computed by the scipy.special functions scipy.stats itself calls for them (scipy 1.11–1.17:
  ``ndtr``, ``ndtri``, ``chdtrc``, ``gammaincinv``, ``stdtr``, ``stdtrit``), with scipy.stats' own arithmetic
  around them (``· scale + loc`` with scale 1 and loc 0): the same numbers bit for bit
  (tests/stats/test_distributions.py compares them over grids). Arguments outside the interior of the
  distribution's domain (p of 0 or 1, x at or beyond the support's ends, NaN, df ≤ 0) and any ``loc``/``scale``
  are handed to scipy.stats, whose rules for them then apply unchanged.
- Every other name (``stats.fisher_exact``, ``stats.binomtest``, ``stats.beta``, ``stats.norm.pdf`` …) is
  scipy.stats' own, imported on first use.
"""

from __future__ import annotations

import importlib

import numpy as np
from scipy import special


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
        if args or kwargs or not np.all((x > 0) & np.isfinite(x) & (df > 0)):
            return self._scipy().sf(x, df, *args, **kwargs)
        return _result(special.chdtrc(df, x))

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


norm = _Normal()
chi2 = _ChiSquare()
t = _StudentT()


class _Stats:
    """``scipy.stats`` as the statistics modules use it (module docstring)."""

    norm = norm
    chi2 = chi2
    t = t

    def __getattr__(self, name: str):
        return getattr(_scipy_stats(), name)


stats = _Stats()
