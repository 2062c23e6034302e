"""Table 1 aggregates computed in the engine → the analysis-results data of :mod:`oncocohort.stats.descriptive`.

Per group (and overall), in the engine:
- categorical: a COUNT per (group, value) — the values become level text in Python (``level_text``: 1.0 → "1");
- continuous: n (COUNT of the column), missing (COUNT(*) − n), mean (AVG), min, max, the median — exact:
  DuckDB ``quantile_cont(x, 0.5)`` and Spark ``percentile(x, 0.5)`` (linear interpolation, numpy's median) — and
  the SD by the corrected two-pass formula: with each group's engine mean m, var = (Σ(x − m)² − (Σ(x − m))²/n) /
  (n − 1), both sums computed in a second aggregate over the rows joined to their group's mean (stable for a large
  mean: no Σx² − (Σx)²/n cancellation).
Small-cell suppression (``min_cell``) is applied here, to the counts before they are returned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import numpy as np
import pandas as pd

from ..stats.descriptive import (
    DEFAULT_BASELINE,
    BaselineSummary,
    CategoricalSummary,
    ContinuousSummary,
    LevelCount,
    categorical_from_counts,
    level_text,
)
from .execution import execute_exactly_repeatable
from .input_rules import check_rows, label_rules
from .suppression import SuppressedCount, suppress_table

OVERALL = "_overall"


@dataclass(frozen=True)
class GroupedBaseline:
    """Table 1 by group: ``by_group[label]`` and ``overall`` are the ARD ``stats.summarise_baseline`` gives for
    those rows; ``group_sizes`` the rows per group (ints, or suppressed counts); ``min_cell`` the suppression
    minimum applied (None: none)."""

    groups: tuple[str, ...]
    by_group: dict
    overall: tuple[BaselineSummary, ...]
    group_sizes: dict
    min_cell: int | None


def _grouped(table, group):
    return table.mutate(_g=table[group] if group is not None else ibis.literal(OVERALL))


def _group_text(values) -> list[str]:
    return [str(v) for v in values]


def continuous_aggregates(table, column: str, group: str | None = None) -> pd.DataFrame:
    """Per group: n, missing, mean, min, max, median and the SD (corrected two-pass), one row each."""
    t = _grouped(table, group)
    x = t[column].cast("float64")
    first = t.group_by("_g").aggregate(n=x.count(), rows=t.count(), mean=x.mean(), minimum=x.min(),
                                       maximum=x.max(), median=x.median())
    means = first.select(_g_mean=first["_g"], _mean=first["mean"])
    joined = t.inner_join(means, t["_g"] == means["_g_mean"])
    deviation = joined[column].cast("float64") - joined["_mean"]
    second = joined.group_by("_g").aggregate(s1=deviation.sum(), s2=(deviation * deviation).sum())
    out = execute_exactly_repeatable(first).merge(execute_exactly_repeatable(second), on="_g", how="left")
    n = out["n"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (out["s2"].to_numpy(float) - out["s1"].to_numpy(float) ** 2 / n) / (n - 1)
    out["sd"] = np.where(n > 1, np.sqrt(np.maximum(variance, 0.0)), np.nan)
    out["missing"] = out["rows"] - out["n"]
    out["_g"] = _group_text(out["_g"])
    return out.set_index("_g")


def categorical_aggregates(table, column: str, group: str | None = None) -> pd.DataFrame:
    """Per (group, level text) the count; missing values under level None."""
    t = _grouped(table, group)
    counts = t.group_by(["_g", t[column].name("value")]).aggregate(n=t.count()).execute()
    counts["level"] = [level_text(v) for v in counts["value"]]
    counts["_g"] = _group_text(counts["_g"])
    return counts.groupby(["_g", "level"], dropna=False, as_index=False)["n"].sum()


def _continuous(row, variable: str) -> ContinuousSummary:
    n, missing = int(row["n"]), int(row["missing"])
    if n == 0:
        return ContinuousSummary(variable, 0, missing, *(np.nan,) * 5)
    return ContinuousSummary(variable, n, missing, float(row["median"]), float(row["minimum"]),
                             float(row["maximum"]), float(row["mean"]), float(row["sd"]))


def continuous_summary(table, column: str, variable: str) -> ContinuousSummary:
    """n, missing, median, range, mean and SD of one column over all rows of an Ibis table, computed in the
    engine — equal to ``stats.descriptive.summarise_continuous`` on the same values."""
    aggregates = continuous_aggregates(table, column)
    if aggregates.empty:  # no rows at all
        return ContinuousSummary(variable, 0, 0, *(np.nan,) * 5)
    return _continuous(aggregates.iloc[0], variable)


def _summaries(table, variables, group):
    """{group text: [BaselineSummary, ...]} for the variables present in the table."""
    out: dict[str, list] = {}
    columns = set(table.columns)
    for spec in variables:
        if spec.field not in columns:
            continue
        if spec.kind == "continuous":
            agg = continuous_aggregates(table, spec.field, group)
            for label, row in agg.iterrows():
                out.setdefault(label, []).append(BaselineSummary(spec.label, _continuous(row, spec.field)))
        else:
            agg = categorical_aggregates(table, spec.field, group)
            for label, rows in agg.groupby("_g", sort=False):
                present = rows[rows["level"].notna()]
                counts = pd.Series(present["n"].to_numpy(np.int64), index=present["level"].to_numpy(object))
                missing = int(rows.loc[rows["level"].isna(), "n"].sum())
                out.setdefault(label, []).append(BaselineSummary(spec.label, categorical_from_counts(
                    counts, missing, spec.field, spec.order, names=spec.names)))
    return out


def summarise_baseline(table, variables=DEFAULT_BASELINE) -> tuple[BaselineSummary, ...]:
    """Table 1 ARD of all rows of an Ibis table (one row per patient) — equal to
    ``stats.descriptive.summarise_baseline`` on the same rows; no suppression (see :func:`summarise_baseline_by_group`
    for the published, suppressed form)."""
    summaries = _summaries(table, variables, None)
    return tuple(summaries.get(OVERALL, ()))


def summarise_baseline_by_group(table, group: str, variables=DEFAULT_BASELINE, min_cell: int | None = None
                                ) -> GroupedBaseline:
    """Table 1 ARD per group and overall, computed in the engine; with ``min_cell`` the counts (level counts,
    n, missing, group sizes) are suppressed before they are returned — jointly over the groups and the overall
    column, so no hidden count follows from a total — and the statistics of a continuous variable in a group
    with fewer than ``min_cell`` values are not returned (NaN)."""
    check_rows(table, label_rules(table, (group,)))
    by_group = {label: tuple(s) for label, s in _summaries(table, variables, group).items()}
    overall = tuple(_summaries(table, variables, None).get(OVERALL, ()))
    groups = tuple(sorted(by_group))
    grouped = _grouped(table, group)
    sizes_frame = grouped.group_by("_g").aggregate(n=grouped.count()).execute()
    sizes = dict(zip(_group_text(sizes_frame["_g"]), (int(v) for v in sizes_frame["n"])))
    result = GroupedBaseline(groups, by_group, overall, sizes, None)
    return result if min_cell is None else suppress_baseline(result, min_cell)


def suppress_baseline(result: GroupedBaseline, min_cell: int) -> GroupedBaseline:
    """Small-cell suppression of a grouped Table 1: per variable, the table levels (+ missing) × groups with the
    group sizes as column totals and the overall column as row totals (docs/engine.md)."""
    groups = result.groups
    blocks = {label: list(summaries) for label, summaries in result.by_group.items()}
    overall = list(result.overall)
    size_row = suppress_table([[result.group_sizes[g] for g in groups]], min_cell, row_totals=True,
                              column_totals=False)[0]
    for index, entry in enumerate(overall):
        summaries = [blocks[g][index].summary for g in groups]
        if isinstance(entry.summary, CategoricalSummary):
            levels = [lv.level for lv in entry.summary.levels]
            cells = [[_level_count(s, level) for s in summaries] for level in levels]
            cells.append([s.missing for s in summaries])
            hidden = suppress_table(cells, min_cell)
            for column, g in enumerate(groups):
                blocks[g][index] = replace(blocks[g][index], summary=_suppressed_categorical(
                    summaries[column], levels, hidden[:, column]))
            overall[index] = replace(entry, summary=_suppressed_categorical(entry.summary, levels, hidden[:, -1]))
        else:
            cells = [[s.n for s in summaries], [s.missing for s in summaries]]
            hidden = suppress_table(cells, min_cell)
            for column, g in enumerate(groups):
                blocks[g][index] = replace(blocks[g][index], summary=_suppressed_continuous(
                    summaries[column], hidden[:, column], min_cell))
            overall[index] = replace(entry, summary=_suppressed_continuous(entry.summary, hidden[:, -1], min_cell))
    return GroupedBaseline(groups, {g: tuple(blocks[g]) for g in groups}, tuple(overall),
                           {g: size_row[i] for i, g in enumerate(groups)}, min_cell)


def _level_count(summary: CategoricalSummary, level: str) -> int:
    return next((lv.n for lv in summary.levels if lv.level == level), 0)


def _suppressed_categorical(summary: CategoricalSummary, levels, column) -> CategoricalSummary:
    """Level counts and the missing count replaced where hidden, with their percentages (NaN). When the missing
    count is hidden, so are n (n = group size − missing) and every percentage (a percentage gives n back)."""
    missing = column[len(levels)]
    missing_shown = isinstance(missing, int)
    by_level = {lv.level: lv for lv in summary.levels}
    shown = tuple(LevelCount(level, column[i], by_level[level].percent
                             if isinstance(column[i], int) and missing_shown and level in by_level else np.nan)
                  for i, level in enumerate(levels))
    n = summary.n if missing_shown else SuppressedCount("complementary", missing.minimum)
    return CategoricalSummary(summary.variable, n, missing, shown)


def _suppressed_continuous(summary: ContinuousSummary, column, min_cell: int) -> ContinuousSummary:
    n, missing = column[0], column[1]
    if isinstance(n, int) and n >= min_cell:
        return replace(summary, missing=missing)
    return ContinuousSummary(summary.variable, n, missing, *(np.nan,) * 5)
