"""Descriptive summaries for baseline tables: analysis-results data, not formatted text.

Continuous: n, missing, median, min, max, mean, SD (median by numpy's linear interpolation = R's type 7, which for
the median equals the usual midpoint rule). Categorical: n and % per level of the non-missing denominator, and
the missing count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ContinuousSummary:
    variable: str
    n: int
    missing: int
    median: float
    minimum: float
    maximum: float
    mean: float
    sd: float


@dataclass(frozen=True)
class LevelCount:
    level: str
    n: int
    percent: float


@dataclass(frozen=True)
class CategoricalSummary:
    variable: str
    n: int
    missing: int
    levels: tuple[LevelCount, ...]


def summarise_continuous(values: pd.Series, variable: str) -> ContinuousSummary:
    data = pd.to_numeric(values, errors="coerce")
    present = data.dropna().to_numpy(float)
    if len(present) == 0:
        return ContinuousSummary(variable, 0, int(data.isna().sum()), *(np.nan,) * 5)
    return ContinuousSummary(variable, len(present), int(data.isna().sum()), float(np.median(present)),
                             float(present.min()), float(present.max()), float(present.mean()),
                             float(present.std(ddof=1)) if len(present) > 1 else np.nan)


def summarise_categorical(values: pd.Series, variable: str, order=None) -> CategoricalSummary:
    """Counts per level; percentages of the patients with a value. ``order`` fixes the level order (levels not in
    it follow, sorted); a level in ``order`` that nobody has is shown with 0."""
    present = values.dropna().astype(str)
    counts = present.value_counts()
    levels = list(order or []) + sorted(level for level in counts.index if level not in (order or []))
    n = len(present)
    return CategoricalSummary(variable, n, int(values.isna().sum()), tuple(
        LevelCount(level, int(counts.get(level, 0)), 100 * counts.get(level, 0) / n if n else np.nan)
        for level in levels))
