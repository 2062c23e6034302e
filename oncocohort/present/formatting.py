"""How numbers are written in tables, figures and text — one place, so a number reads the same everywhere.

- counts with percentages: ``11 (34.4)``, one decimal, percentage of the stated n;
- estimates with confidence intervals: ``7.6 (3.3–11.9)``; an unreachable or inestimable value is ``NR``/``NE``;
- p-values: three decimals, ``< 0.001`` below that (as journals ask);
- a measured value or count summary (median, range) as results.json holds it, to three significant digits: whole
  numbers without decimals (``48``), a median of counts between two counts as it is (``9.5``, never rounded to
  ``10``), small values not flattened to zero (``0.85``).
"""

from __future__ import annotations

import math

NOT_REACHED = "NR"
NOT_ESTIMABLE = "NE"


def count_percent(x: int, n: int) -> str:
    return f"{x} ({100 * x / n:.1f})" if n else str(x)


def number(value: float | None, digits: int = 1, missing: str = NOT_ESTIMABLE) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return missing
    return f"{value:.{digits}f}"


def measured(value: float | None, missing: str = NOT_ESTIMABLE) -> str:
    """A summary of measured values or counts (median, minimum, maximum): whole numbers as they are, others to
    three significant digits with at least one decimal, without trailing zeros and never in exponent form."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return missing
    if float(value).is_integer():
        return f"{value:.0f}"
    decimals = max(1, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals > 1 else f"{value:.1f}"


def interval(lower: float | None, upper: float | None, digits: int = 1, missing: str = NOT_ESTIMABLE,
             scale: float = 1.0) -> str:
    """``lower–upper``, each multiplied by ``scale`` (100 for a proportion's CI in percent)."""
    return f"{number(_scaled(lower, scale), digits, missing)}–{number(_scaled(upper, scale), digits, missing)}"


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else scale * value


def percent(proportion: float | None, digits: int = 1) -> str:
    """A proportion (0–1) in percent without the sign: ``34.4``; ``NE`` when missing."""
    return number(_scaled(proportion, 100), digits)


def estimate_ci(estimate, lower, upper, digits: int = 1, missing: str = NOT_REACHED) -> str:
    """``7.6 (3.3–11.9)``; a missing estimate (median not reached) is ``NR``, a missing limit ``NE``."""
    return f"{number(estimate, digits, missing)} ({interval(lower, upper, digits)})"


def p_value(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return NOT_ESTIMABLE
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def percent_ci(lower: float, upper: float) -> str:
    """A proportion's CI in percent: ``18.6–53.2``."""
    return interval(lower, upper, scale=100)
