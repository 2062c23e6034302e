"""The order of a categorical variable's levels — one rule for every table, figure and model of the report.

Table 1, the subgroup tables (Table 2), the subgroup Kaplan–Meier figures and their legends, the forest plots, the
Cox models' treatment coding and results.json all list a variable's levels in the order this module decides, so a
reader comparing Table 1 with Table 2 sees the rows in the same order:

1. the order the study declares: the named groups of a ``[[analysis.subgroups]]`` block in the order study.toml
   lists them (banded numbers keep their band order; in Table 1 the groups' member values in that order), or a
   variable's built-in order (sex male, female; yes before no);
2. then the other levels: by value when every level is a number (ordinal: ECOG 0, 1, 2; lines 1, 2, 3), else by
   descending number of patients, ties alphabetically, a level called "Other" last (the journal convention for
   Table 1).

The Cox reference level is the first level — the largest group, or the first declared one — unless study.toml
names ``reference = "…"`` for the subgroup. The reference is coded first in the model; the display order does not
change (the reference row is marked where it stands).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

OTHER = "other"  # a level of this name (any case) is listed last: it is a remainder, not a category


def _number(level: str) -> float | None:
    try:
        return float(level)
    except ValueError:
        return None


def ordered_levels(counts: Mapping[str, int] | pd.Series, declared: Iterable[str] = ()) -> tuple[str, ...]:
    """The levels in report order (module docstring): the ``declared`` levels first, in their order (kept even
    when no patient has one), then the levels of ``counts`` (level text → patients) not declared — by value when
    every one is a number, else by descending count, ties alphabetically, "Other" last."""
    counts = dict(counts.items())
    declared = list(dict.fromkeys(declared))
    rest = [level for level in counts if level not in declared]
    if rest and all(_number(level) is not None for level in rest):
        rest.sort(key=lambda level: (_number(level), level))
    else:
        rest.sort(key=lambda level: (level.casefold() == OTHER, -counts[level], level))
    return tuple(declared + rest)


def level_counts(levels: pd.Series) -> dict[str, int]:
    """Patients per level of a Series of level text (missing values not counted)."""
    return {str(level): int(n) for level, n in levels.dropna().astype(str).value_counts(sort=False).items()}


@dataclass(frozen=True)
class FactorLevels:
    """A factor's levels in report order and its Cox reference level (None when the factor has no level)."""

    field: str
    levels: tuple[str, ...]
    reference: str | None
    reference_declared: bool = False  # True when study.toml names the reference

    @property
    def coding(self) -> tuple[str, ...]:
        """The levels as a model codes them: the reference first, the others in report order."""
        if self.reference is None:
            return self.levels
        return (self.reference,) + tuple(level for level in self.levels if level != self.reference)


def factor_levels(groups: pd.Series, field: str, declared: Iterable[str] = (), reference: str | None = None
                  ) -> FactorLevels:
    """The report order of the levels present in ``groups`` (each patient's level text, missing = no level) and
    the reference level: ``reference`` when given (study.toml), else the first level. A declared level nobody has
    is left out here (a model or a Kaplan–Meier curve needs patients); a named reference nobody has stays the
    reference, so that the model can say it is not estimable rather than silently choose another."""
    return factor_levels_from_counts(level_counts(groups), field, declared, reference)


def factor_levels_from_counts(counts: Mapping[str, int], field: str, declared: Iterable[str] = (),
                              reference: str | None = None) -> FactorLevels:
    """:func:`factor_levels` from the patients per level (level text → count), as an engine aggregates them."""
    counts = {level: n for level, n in counts.items() if n > 0}
    levels = tuple(level for level in ordered_levels(counts, declared) if level in counts)
    if reference is not None:
        return FactorLevels(field, levels, reference, True)
    return FactorLevels(field, levels, levels[0] if levels else None)
