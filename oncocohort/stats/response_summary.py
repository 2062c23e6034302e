"""Response summary (analysis-results data): best-overall-response counts, ORR and DCR with confidence intervals,
an exact binomial test against a historical rate, and ORR by subgroup with a test of association."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .contingency import AssociationTest, test_association
from .proportions import BinomialTest, ProportionEstimate, binomial_test, proportion_ci

CATEGORIES = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
RATES = {"ORR": ("CR", "PR"), "DCR": ("CR", "PR", "SD", "NON-CR/NON-PD")}


@dataclass(frozen=True)
class ResponseSummary:
    n: int
    counts: tuple[tuple[str, int], ...]
    rates: tuple[tuple[str, ProportionEstimate], ...]
    tests: tuple[tuple[str, BinomialTest], ...] = ()


@dataclass(frozen=True)
class SubgroupResponse:
    factor: str
    levels: tuple[tuple[str, ProportionEstimate], ...]
    test: AssociationTest | None


def summarise_response(best_response: pd.Series, ci_method: str = "clopper-pearson", conf_level: float = 0.95,
                       historical_rates: dict[str, float] | None = None) -> ResponseSummary:
    """Counts per category (every patient counted once; the counts add up to n), ORR (CR+PR) and DCR
    (CR+PR+SD+NON-CR/NON-PD) with CIs, and exact binomial tests against ``historical_rates`` (keys 'orr'/'dcr')."""
    values = best_response.fillna("NE")
    n = len(values)
    counts = tuple((c, int((values == c).sum())) for c in CATEGORIES)
    if sum(k for _, k in counts) != n:
        unknown = sorted(set(values) - set(CATEGORIES))
        raise ValueError(f"best responses outside {CATEGORIES}: {unknown}")
    rates = tuple((name, proportion_ci(int(values.isin(levels).sum()), n, ci_method, conf_level))
                  for name, levels in RATES.items()) if n else ()
    tests = tuple((name, binomial_test(dict(rates)[name.upper()].x, n, p0))
                  for name, p0 in sorted((historical_rates or {}).items()) if name.upper() in RATES and n)
    return ResponseSummary(n, counts, rates, tests)


def response_by_subgroup(best_response: pd.Series, groups: pd.Series, factor: str,
                         ci_method: str = "clopper-pearson", conf_level: float = 0.95, order=None) -> SubgroupResponse:
    """ORR per level of ``groups`` with CIs, and the default test of association (Fisher exact when any expected
    count < 5) of responder × level. Levels in ``order`` (the report's level order, stats/level_order.py; levels
    not in it follow sorted); without it, sorted."""
    frame = pd.DataFrame({"responder": best_response.isin(RATES["ORR"]), "group": groups}).dropna(subset=["group"])
    frame["group"] = frame["group"].astype(str)
    parts = dict(tuple(frame.groupby("group")))
    order = [level for level in (order or ()) if level in parts] + sorted(set(parts) - set(order or ()))
    levels = tuple((level, proportion_ci(int(parts[level]["responder"].sum()), len(parts[level]), ci_method,
                                         conf_level)) for level in order)
    table = pd.crosstab(frame["responder"], frame["group"]).reindex([True, False], fill_value=0)
    test = test_association(table.to_numpy()) if table.shape[1] > 1 and table.to_numpy().sum(axis=1).min() > 0 \
        else None
    return SubgroupResponse(factor, levels, test)
