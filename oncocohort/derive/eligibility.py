"""Eligibility: the ``[eligibility]`` criteria of study.toml applied in the order written → the included cohort and
the attrition table behind a CONSORT flow diagram.

Criteria are data (field, operator, value) and are evaluated by the small set of comparisons below, never as code.
Text comparisons ignore case and surrounding spaces. A patient whose value for a criterion is missing is neither
silently passed nor silently failed: the criterion's ``missing`` policy (or ``[eligibility] missing``) decides —
``exclude`` (excluded, listed as "missing data"), ``include`` (kept, listed) or ``error`` (reported as a problem).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io.config import Criterion, EligibilitySettings


@dataclass(frozen=True)
class AttritionStep:
    """One criterion's effect: patients considered, excluded (because the criterion failed or data were missing),
    and the patients kept despite missing data (policy ``include``)."""

    step: int
    label: str
    kind: str
    n_at_step: int
    n_excluded: int
    excluded_ids: tuple[str, ...]
    n_excluded_missing: int
    missing_excluded_ids: tuple[str, ...]
    missing_included_ids: tuple[str, ...]
    criterion: Criterion | None = None


@dataclass(frozen=True)
class EligibilityResult:
    screened: tuple[str, ...]
    included: tuple[str, ...]
    steps: tuple[AttritionStep, ...]
    errors: tuple[str, ...] = ()

    def attrition_table(self) -> pd.DataFrame:
        """Attrition as a table: one row per step, in the order the criteria are written."""
        return pd.DataFrame([{
            "step": s.step, "criterion": s.label, "kind": s.kind, "n_at_step": s.n_at_step,
            "n_excluded": s.n_excluded + s.n_excluded_missing, "n_excluded_criterion": s.n_excluded,
            "n_excluded_missing_data": s.n_excluded_missing, "n_kept_missing_data": len(s.missing_included_ids),
            "n_remaining": s.n_at_step - s.n_excluded - s.n_excluded_missing,
            "excluded_ids": ";".join(s.excluded_ids + s.missing_excluded_ids),
            "field": s.criterion.field if s.criterion else "",
            "operator": s.criterion.operator if s.criterion else "",
            "value": _value_text(s.criterion.value) if s.criterion else "",
        } for s in self.steps])


def _value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "|".join(_value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


NEGATED = {"<": "≥", "<=": ">", ">": "≤", ">=": "<"}


def failure_reason(field_words: str, kind: str, operator: str, value: str, label: str) -> str:
    """Why a patient was excluded, stated as the failure (a CONSORT box lists failures, not the criteria):
    include ``ecog between 0|2`` → "ECOG performance status > 2"; include ``age >= 18`` → "Age < 18"; include
    ``metastatic == yes`` → "No distant metastasis"; an exclusion criterion is its own label ("Active brain
    metastases"). ``value`` is the attrition table's text (list items joined by ``|``)."""
    if kind == "exclude" or not operator:
        return label
    items = value.split("|") if value else []
    lower_words = field_words[:1].lower() + field_words[1:] if not field_words[:2].isupper() else field_words
    if operator == "==" and value.casefold() in ("yes", "no"):
        return f"No {lower_words}" if value.casefold() == "yes" else field_words
    if operator == ">=" and value == "1":
        return f"No {lower_words}"
    if operator in NEGATED:
        return f"{field_words} {NEGATED[operator]} {value}"
    if operator == "between" and len(items) == 2:
        low, high = items
        try:
            at_floor = float(low) <= 0
        except ValueError:
            at_floor = False
        return f"{field_words} > {high}" if at_floor else f"{field_words} < {low} or > {high}"
    if operator in ("in", "not in"):
        listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
        return f"{field_words} {'not ' if operator == 'in' else ''}{listed}"
    if operator == "==":
        return f"{field_words} not {value}"
    if operator == "!=":
        return f"{field_words} {value}"
    if operator in ("is missing", "is not missing"):
        return f"{field_words} {'recorded' if operator == 'is missing' else 'not recorded'}"
    return label


def attrition_problems(steps: pd.DataFrame) -> list[str]:
    """Where an attrition table does not add up, in words: a step's remaining ≠ its start − its exclusions, a step
    not starting where the previous one ended, or screened − all exclusions ≠ the last remaining. Used by the flow
    diagram and by the report's reconciliation."""
    steps = steps.sort_values("step").reset_index(drop=True)
    problems = []
    for _, s in steps.iterrows():
        if s["n_at_step"] - s["n_excluded"] != s["n_remaining"]:
            problems.append(f"step {s['step']} ({s['criterion']}): {s['n_at_step']} − {s['n_excluded']} ≠ "
                            f"{s['n_remaining']}")
    for (_, a), (_, b) in zip(steps.iloc[:-1].iterrows(), steps.iloc[1:].iterrows()):
        if a["n_remaining"] != b["n_at_step"]:
            problems.append(f"step {b['step']} starts with {b['n_at_step']}, step {a['step']} left {a['n_remaining']}")
    if len(steps):
        screened, included, excluded = (int(steps["n_at_step"].iloc[0]), int(steps["n_remaining"].iloc[-1]),
                                        int(steps["n_excluded"].sum()))
        if screened - excluded != included:
            problems.append(f"screened {screened} − excluded {excluded} ≠ included {included}")
    return problems


def _normalise(value):
    return value.strip().casefold() if isinstance(value, str) else value


def _normalised(values: pd.Series) -> pd.Series:
    """``values.map(_normalise)``, each distinct text normalised once (a registry's 100,000 patients repeat a few
    categories)."""
    if values.dtype != object or not len(values):
        return values.map(_normalise)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    normalised = np.empty(len(distinct), dtype=object)
    normalised[:] = [_normalise(v) for v in distinct]
    return pd.Series(normalised[codes], index=values.index, name=values.name)


def _compare(values: pd.Series, criterion: Criterion) -> pd.Series:
    """Boolean Series: the criterion's condition per patient (missing values give False; handled by the caller)."""
    op, target = criterion.operator, criterion.value
    if isinstance(target, dt.date) and not isinstance(target, dt.datetime):
        target = pd.Timestamp(target)
    if op in ("is missing", "is not missing"):
        return values.isna() if op == "is missing" else values.notna()
    if op in ("in", "not in"):
        wanted = {_normalise(v) for v in target}
        inside = _normalised(values).isin(wanted)
        return inside if op == "in" else ~inside
    if op == "between":
        low, high = target
        return (values >= low) & (values <= high)
    left = _normalised(values) if op in ("==", "!=") else values
    right = _normalise(target) if op in ("==", "!=") else target
    return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
            ">": left > right, ">=": left >= right}[op]


def apply_eligibility(fields: pd.DataFrame, settings: EligibilitySettings) -> EligibilityResult:
    """Apply the criteria in order to ``fields`` (one row per screened patient, indexed by patient_id; columns =
    patients columns and derived fields)."""
    remaining = list(fields.index)
    steps, errors = [], []
    for number, criterion in enumerate(settings.criteria, start=1):
        current = fields.loc[remaining, criterion.field] if criterion.field in fields else pd.Series(
            pd.NA, index=remaining, dtype=object)
        missing = current.isna() if criterion.operator not in ("is missing", "is not missing") else pd.Series(
            False, index=current.index)
        condition = _compare(current, criterion).fillna(False).astype(bool)
        fails = ~condition if criterion.kind == "include" else condition
        fails &= ~missing
        policy = criterion.missing or settings.missing
        missing_ids = tuple(sorted(current.index[missing]))
        if policy == "error" and missing_ids:
            errors.append(f"criterion {number} ({criterion.label}): {criterion.field} is missing for "
                          + ", ".join(missing_ids))
        excluded_missing = missing_ids if policy == "exclude" else ()
        kept_missing = missing_ids if policy == "include" else ()
        excluded = tuple(sorted(current.index[fails]))
        steps.append(AttritionStep(number, criterion.label, criterion.kind, len(remaining), len(excluded), excluded,
                                   len(excluded_missing), excluded_missing, kept_missing, criterion))
        gone = set(excluded) | set(excluded_missing)
        remaining = [p for p in remaining if p not in gone]
    return EligibilityResult(tuple(fields.index), tuple(remaining), tuple(steps), tuple(errors))
