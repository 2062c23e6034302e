"""How numbers are written in tables, figures and text — one place, so a number reads the same everywhere.

- counts with percentages: ``11 (34.4)``, one decimal, percentage of the stated n;
- estimates with confidence intervals: ``7.6 (3.3–11.9)``; an unreachable or inestimable value is ``NR``/``NE``;
- p-values: three decimals, ``< 0.001`` below that (as journals ask).
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


def interval(lower: float | None, upper: float | None, digits: int = 1, missing: str = NOT_ESTIMABLE) -> str:
    return f"{number(lower, digits, missing)}–{number(upper, digits, missing)}"


def estimate_ci(estimate, lower, upper, digits: int = 1, missing: str = NOT_REACHED) -> str:
    """``7.6 (3.3–11.9)``; a missing estimate (median not reached) is ``NR``, a missing limit ``NE``."""
    return f"{number(estimate, digits, missing)} ({interval(lower, upper, digits)})"


def p_value(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return NOT_ESTIMABLE
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def percent_ci(lower: float, upper: float) -> str:
    """A proportion's CI in percent: ``18.6–53.2``."""
    return interval(100 * lower, 100 * upper)
