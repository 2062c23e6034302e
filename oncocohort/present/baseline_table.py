"""Table 1 — baseline characteristics: median (range) for continuous variables, n (%) for categorical ones,
missing shown. Reads the descriptive analysis-results data of :mod:`oncocohort.stats.descriptive`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..stats.descriptive import CategoricalSummary, summarise_categorical, summarise_continuous
from .table import Column, Row, Table

DEFAULT_VARIABLES = (
    ("age", "Age, years", "continuous", None),
    ("sex", "Sex", "categorical", ("male", "female")),
    ("ecog", "ECOG performance status", "categorical", ("0", "1", "2", "3", "4")),
    ("prior_surgery", "Prior surgery", "categorical", ("yes", "no")),
    ("prior_systemic_lines", "Prior systemic therapy lines", "categorical", None),
    ("histology_group", "Histological subtype", "categorical", None),
)


@dataclass(frozen=True)
class BaselineVariable:
    field: str
    label: str
    kind: str  # "continuous" | "categorical"
    order: tuple[str, ...] | None = None


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _levels(values: pd.Series) -> pd.Series:
    """Categorical values as text; whole numbers without '.0' (ECOG 1.0 → '1')."""
    return values.map(lambda v: None if pd.isna(v) else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                                          else str(v)))


def baseline_table(adsl: pd.DataFrame, variables=DEFAULT_VARIABLES, title: str | None = None) -> Table:
    """Table 1 for the patients in ``adsl`` (pass the included patients)."""
    n = len(adsl)
    rows: list[Row] = []
    for spec in (BaselineVariable(*v) if not isinstance(v, BaselineVariable) else v for v in variables):
        if spec.field not in adsl:
            continue
        if spec.kind == "continuous":
            s = summarise_continuous(adsl[spec.field], spec.field)
            value = "" if s.n == 0 else f"{_number(s.median)} ({_number(s.minimum)}–{_number(s.maximum)})"
            rows.append(Row((f"{spec.label}, median (range)", value)))
            missing = s.missing
        else:
            s: CategoricalSummary = summarise_categorical(_levels(adsl[spec.field]), spec.field, spec.order)
            rows.append(Row((spec.label, ""), group=True))
            rows += [Row((level.level, f"{level.n} ({level.percent:.1f})"), indent=1) for level in s.levels]
            missing = s.missing
        if missing:
            rows.append(Row(("Missing", str(missing)), indent=1))
    return Table(
        title or f"Table 1. Baseline characteristics (N = {n})",
        (Column("Characteristic"), Column(f"Patients (N = {n})", align="right")),
        tuple(rows),
        footnotes=("Continuous variables: median (range). Categorical variables: n (%), percentages of patients "
                   "with a known value; missing values are counted separately.",),
    )
