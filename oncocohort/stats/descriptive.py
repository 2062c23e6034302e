"""Descriptive summaries for baseline tables: analysis-results data, not formatted text.

Continuous: n, missing, median, min, max, mean, SD (median by numpy's linear interpolation = R's type 7, which for
the median equals the usual midpoint rule). Categorical: n and % per level of the non-missing denominator, and
the missing count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .level_order import ordered_levels


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


def summarise_categorical(values: pd.Series, variable: str, order=None, names=None) -> CategoricalSummary:
    """Counts per level; percentages of the patients with a value. Levels in the report's one order
    (:func:`oncocohort.stats.level_order.ordered_levels`): ``order`` first (a level in it that nobody has is shown
    with 0), then the others — by value when every level is a number (ECOG 0, 1, 2; lines 1–4), else most frequent
    first, ties alphabetically, "Other" last. ``names`` maps a level to the name the report uses for it (``"10"`` →
    ``"10 mg"``, a study's subgroup name)."""
    present = values.dropna().astype(str)
    return categorical_from_counts(present.value_counts(), int(values.isna().sum()), variable, order, names)


def categorical_from_counts(counts: pd.Series, missing: int, variable: str, order=None, names=None
                            ) -> CategoricalSummary:
    """:func:`summarise_categorical` from counts per level (a Series: level text → count) and the missing count —
    the entry point of in-engine aggregation (oncocohort.engine.descriptive)."""
    levels = ordered_levels(counts, order or ())
    n = int(counts.sum())
    names = dict(names or ())
    return CategoricalSummary(variable, n, missing, tuple(
        LevelCount(names.get(level, level), int(counts.get(level, 0)),
                   100 * counts.get(level, 0) / n if n else np.nan)
        for level in levels))


@dataclass(frozen=True)
class BaselineVariable:
    """A Table 1 row block: the field, its label, ``continuous`` or ``categorical``, and the level order."""

    field: str
    label: str
    kind: str  # "continuous" | "categorical"
    order: tuple[str, ...] | None = None
    names: tuple[tuple[str, str], ...] = ()  # level → the name the report uses for it


DEFAULT_BASELINE = (
    BaselineVariable("age", "Age, years", "continuous"),
    BaselineVariable("sex", "Sex", "categorical", ("male", "female")),
    BaselineVariable("ecog", "ECOG performance status", "categorical", ("0", "1", "2")),
    BaselineVariable("prior_surgery", "Prior surgery", "categorical", ("yes", "no")),
    BaselineVariable("prior_systemic_lines", "Prior systemic therapy lines", "categorical"),
    BaselineVariable("histology_group", "Histological subtype", "categorical"),
)


@dataclass(frozen=True)
class BaselineSummary:
    label: str
    summary: ContinuousSummary | CategoricalSummary


def level_text(value) -> str | None:
    """A categorical value as text; whole numbers without '.0' (ECOG 1.0 → '1'); missing → None."""
    if pd.isna(value):
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# object columns whose values ``factorize`` keeps apart as level_text does (no True beside 1: pandas infer_dtype)
_WITHOUT_BOOLEANS = {"string", "empty", "floating", "integer", "mixed-integer-float", "decimal", "date", "datetime",
                     "datetime64", "timedelta", "time", "period", "bytes"}


def as_levels(values: pd.Series) -> pd.Series:
    """Categorical values as text (:func:`level_text`), the same Series as ``values.map(level_text)``.

    Each distinct value is written once (pandas ``factorize``) and the patients take theirs by code: at 10⁵
    patients a per-value ``map`` was the largest Python cost of the report's statistics. Object columns holding
    booleans keep the per-value map (``factorize`` would merge True with 1, which are written differently)."""
    if not len(values) or isinstance(values.dtype, pd.CategoricalDtype) or (
            values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in _WITHOUT_BOOLEANS):
        return values.map(level_text)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([level_text(v) for v in distinct] + [None], dtype=object)  # code −1 (missing) → the last
    return pd.Series(texts[codes], index=values.index, name=values.name, dtype=object)


def summarise_baseline(patients: pd.DataFrame, variables=DEFAULT_BASELINE) -> tuple[BaselineSummary, ...]:
    """Table 1 ARD for the patients given (one row each); variables whose field is absent are skipped."""
    out = []
    for spec in variables:
        if spec.field not in patients:
            continue
        if spec.kind == "continuous":
            out.append(BaselineSummary(spec.label, summarise_continuous(patients[spec.field], spec.field)))
        else:
            out.append(BaselineSummary(spec.label, summarise_categorical(as_levels(patients[spec.field]), spec.field,
                                                                         spec.order, names=spec.names)))
    return tuple(out)
