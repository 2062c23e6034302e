"""Cumulative-incidence figure for competing risks: one step curve per cause and group (colour = group, line
style = cause), optional pointwise CI bands, Gray's test per cause in the panel with its method, and under the
panel the number at risk per group aligned to the x ticks.

Reads analysis results only: the curves (:class:`oncocohort.stats.competing_risks.CumulativeIncidence`), the
table (:func:`oncocohort.stats.competing_risks.competing_risk_table`) and the tests. Layout rules of
:mod:`oncocohort.present.figure_style`: the title rule, the legend in a band above the panel (never over the
curves), text measured so nothing overlaps; Okabe–Ito colours; files by ``save_figure`` (same input, same bytes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory, offset_copy

from ..stats.competing_risks import CumulativeIncidence, GrayTest
from .figure_style import (
    ALL_PATIENTS,
    GAP,
    MARGIN,
    WIDTH,
    add_legend_band,
    add_title,
    apply_style,
    decorations,
    place_axes,
    plt,
    probability_axis_label,
    save_figure,
    text_size,
    thin_ticks,
    wrap_text,
)
from .formatting import p_value
from .km_figure import INLINE_LABEL_LIMIT, OKABE_ITO, PANEL_HEIGHT, ROW, TABLE_SIZE, _place_annotation

__all__ = ["CifFigure", "cif_figure", "save_figure"]

LINE_STYLES = ("-", "--", ":", "-.")


@dataclass(frozen=True)
class CifFigure:
    figure: plt.Figure
    risk_table: pd.DataFrame  # rows: groups; columns: the times shown; values: numbers at risk
    annotation: str
    curves: dict  # legend label → (x, y) of the drawn step curve, for structural tests


def _test_text(tests, cause_labels) -> str:
    lines = []
    for test in tests:
        if not np.isfinite(test.statistic):
            lines.append(f"{cause_labels.get(test.cause, test.cause)}: Gray's test not computable")
            continue
        p = p_value(test.p_value)
        lines.append(f"{cause_labels.get(test.cause, test.cause)}: Gray's test χ²({test.df}) = {test.statistic:.2f}, "
                     f"p {p if p[:1] in '<>' else '= ' + p}")
    return "\n".join(lines)


def cif_figure(curves: list[CumulativeIncidence], table: pd.DataFrame, times, *, cause_labels: dict | None = None,
               tests: tuple[GrayTest, ...] = (), xlabel: str = "Months",
               ylabel: str = probability_axis_label("Cumulative incidence"),
               title: str | None = None, time_scale: float = 1.0, ci_bands: bool = False) -> CifFigure:
    """Plot ``curves`` (any groups × causes); ``table`` from ``competing_risk_table`` at ``times`` (in the fit's
    unit); the axis shows time × ``time_scale``. ``cause_labels``: words for the cause codes."""
    apply_style()
    cause_labels = {str(k): v for k, v in (cause_labels or {}).items()}
    groups = list(dict.fromkeys(c.group for c in curves))
    causes = list(dict.fromkeys(c.cause for c in curves))
    colour = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(groups)}
    style = {c: LINE_STYLES[i % len(LINE_STYLES)] for i, c in enumerate(causes)}
    one_group = len(groups) == 1

    def label(curve):
        name = cause_labels.get(curve.cause, f"cause {curve.cause}")
        return name if one_group else f"{curve.group}: {name}"

    figure = plt.figure(figsize=(WIDTH, 6.0))
    top = add_title(figure, title)
    handles = [Line2D([0], [0], color=colour[c.group], linestyle=style[c.cause], linewidth=1.6) for c in curves]
    _, top = add_legend_band(figure, handles, [label(c) for c in curves], top)
    axes = figure.add_axes((0.3, 0.3, 0.5, 0.5))
    drawn = {}
    axis_times = [float(t) * time_scale for t in times]
    for curve in curves:
        x = np.r_[0.0, np.asarray(curve.time) * time_scale, curve.last_time * time_scale]
        y = np.r_[0.0, curve.estimate, curve.estimate[-1] if curve.estimate else 0.0]
        if ci_bands and curve.estimate:
            at = curve.at(np.asarray(curve.time))
            lower = np.nan_to_num(np.r_[0.0, at.lower, at.lower.iloc[-1]])
            upper = np.nan_to_num(np.r_[0.0, at.upper, at.upper.iloc[-1]])
            axes.fill_between(x, lower, upper, step="post", color=colour[curve.group], alpha=0.12, linewidth=0)
        axes.step(x, y, where="post", color=colour[curve.group], linestyle=style[curve.cause], linewidth=1.4)
        drawn[label(curve)] = (x, y)
    highest = max([float(np.max(y)) for _, y in drawn.values()] + [0.05])
    axes.set_ylim(0, min(1.0, max(0.1, np.ceil(highest * 11) / 10)))
    longest = max([c.last_time * time_scale for c in curves] + axis_times + [1.0])
    axes.set_xlim(0, max(axis_times) if axis_times else longest)
    axes.set_xticks(axis_times)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)

    at_risk = table.pivot(index="group", columns="time", values="at_risk").reindex(groups)
    row_name = {g: (ALL_PATIENTS if g == "all" else g) for g in groups}
    header = "Number at risk"
    y_left, x_bottom, y_right, y_top = decorations(axes)
    numbers = [text_size(figure, str(int(v)), fontsize=TABLE_SIZE)[0] for v in at_risk.to_numpy().ravel()]
    tick_widths = [t.get_window_extent().width / figure.dpi for t in axes.get_xticklabels()]
    widest = max(numbers + tick_widths + [0.0])
    label_gap = widest / 2 + GAP
    row_labels = [text_size(figure, row_name[g], fontsize=TABLE_SIZE)[0] for g in groups]
    inline = max(row_labels, default=0.0) <= INLINE_LABEL_LIMIT  # else each group's label on a line above it
    left = MARGIN + max([y_left] + ([w + label_gap for w in row_labels] if inline else []))
    right = MARGIN + max(y_right, widest / 2)
    axis_width = WIDTH - left - right
    shown = thin_ticks(axis_times, widest + 0.12, axis_width, axes.get_xlim()[1] - axes.get_xlim()[0])
    if shown != axis_times:
        axes.set_xticks(shown)
        x_bottom = decorations(axes)[1]
    kept = [axis_times.index(t) for t in shown]
    header_height = text_size(figure, header, fontsize=TABLE_SIZE)[1] + 0.06
    rows_per_group = 1 if inline else 2
    table_height = header_height + ROW * len(groups) * rows_per_group if axis_times else 0.0
    panel_top = top + y_top
    table_top = panel_top + PANEL_HEIGHT + x_bottom + GAP
    height = table_top + table_height + MARGIN
    figure.set_size_inches(WIDTH, height)
    place_axes(axes, left, height - panel_top - PANEL_HEIGHT, axis_width, PANEL_HEIGHT)
    shown_table = at_risk.iloc[:, kept]
    shown_table.columns = shown
    if axis_times:
        risk_axes = figure.add_axes((0, 0, 1, 1), sharex=axes)
        place_axes(risk_axes, left, MARGIN, axis_width, table_height)
        risk_axes.set_ylim(table_height, 0)
        risk_axes.axis("off")
        from_left = blended_transform_factory(figure.dpi_scale_trans, risk_axes.transData)
        label_at = offset_copy(risk_axes.get_yaxis_transform(), fig=figure, x=-label_gap, y=0, units="inches")
        risk_axes.text(MARGIN, header_height / 2, header, transform=from_left, ha="left", va="center",
                       fontsize=TABLE_SIZE, fontweight="bold")
        for number, group in enumerate(groups):
            y = header_height + ROW * (number * rows_per_group + 0.5)
            if inline:
                risk_axes.text(0, y, row_name[group], transform=label_at, ha="right", va="center", fontsize=TABLE_SIZE,
                               color=colour[group])
            else:
                risk_axes.text(MARGIN, y, wrap_text(figure, row_name[group], WIDTH - 2 * MARGIN, fontsize=TABLE_SIZE),
                               transform=from_left, ha="left", va="center", fontsize=TABLE_SIZE, color=colour[group])
                y += ROW
            for t, value in zip(shown, shown_table.loc[group]):
                risk_axes.text(t, y, str(int(value)), ha="center", va="center", fontsize=TABLE_SIZE)
    annotation = _test_text(tests, cause_labels)
    if annotation:
        _place_annotation(axes, annotation, list(drawn.values()), axis_width, PANEL_HEIGHT)
    return CifFigure(figure, shown_table, annotation, drawn)
