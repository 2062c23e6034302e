"""Cumulative-incidence figure for competing risks: one step curve per cause and group (colour = group, line
style = cause; with one group, colour and line style both = cause, so the causes differ in grey-scale print too),
optional pointwise CI bands, Gray's test per cause in the panel with its method, and under the panel the number at
risk per group aligned to the x ticks.

Reads analysis results only: the curves (:class:`oncocohort.stats.competing_risks.CumulativeIncidence`), the
table (:func:`oncocohort.stats.competing_risks.competing_risk_table`) and the tests. Layout rules of
:mod:`oncocohort.present.figure_style`: no title in the image (the caption has it), the legend in a band above the
panel (never over the curves), text measured so nothing overlaps; Okabe–Ito colours; files by ``save_figure``
(same input, same bytes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..engine.suppression import is_suppressed
from ..stats.competing_risks import CumulativeIncidence, GrayTest
from .figure_style import (
    ALL_PATIENTS,
    add_legend_band,
    curve_y_limits,
    plt,
    probability_axis_label,
    save_figure,
    start_figure,
    text_size,
)
from .formatting import p_text, statistic_text
from .km_figure import (
    INLINE_LABEL_LIMIT,
    OKABE_ITO,
    PANEL_HEIGHT,
    TABLE_SIZE,
    _place_annotation,
    hide_small_counts,
    place_panel_with_risk_table,
)

__all__ = ["CifFigure", "cif_figure", "save_figure"]

LINE_STYLES = ("-", "--", ":", "-.")


@dataclass(frozen=True)
class CifFigure:
    figure: plt.Figure
    risk_table: pd.DataFrame  # rows: groups; columns: the times shown; values: numbers at risk
    annotation: str
    curves: dict  # legend label → (x, y) of the drawn step curve, for structural tests
    suppressed: bool = False  # a number at risk is hidden (min_cell): the caption carries the footnote


def _test_text(tests, cause_labels) -> str:
    lines = []
    for test in tests:
        if not np.isfinite(test.statistic):
            lines.append(f"{cause_labels.get(test.cause, test.cause)}: Gray's test not computable")
            continue
        lines.append(f"{cause_labels.get(test.cause, test.cause)}: Gray's test "
                     f"{statistic_text(f'χ²({test.df})', test.statistic)}, {p_text(test.p_value)}")
    return "\n".join(lines)


def cif_figure(curves: list[CumulativeIncidence], table: pd.DataFrame, times, *, cause_labels: dict | None = None,
               tests: tuple[GrayTest, ...] = (), xlabel: str = "Months",
               ylabel: str = probability_axis_label("Cumulative incidence"),
               time_scale: float = 1.0, ci_bands: bool = False,
               min_cell: int = 0) -> CifFigure:
    """Plot ``curves`` (any groups × causes); ``table`` from ``competing_risk_table`` at ``times`` (in the fit's
    unit); the axis shows time × ``time_scale``. ``cause_labels``: words for the cause codes. ``min_cell``: numbers
    at risk from 1 to min_cell − 1 written ``<min_cell`` (small-cell suppression)."""
    cause_labels = {str(k): v for k, v in (cause_labels or {}).items()}
    groups = list(dict.fromkeys(c.group for c in curves))
    causes = list(dict.fromkeys(c.cause for c in curves))
    one_group = len(groups) == 1
    style = {c: LINE_STYLES[i % len(LINE_STYLES)] for i, c in enumerate(causes)}
    if one_group:  # the causes are the only contrast: each its own colour and line style (grey-scale print)
        by_cause = {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(causes)}
        line_colour = {(groups[0], c): by_cause[c] for c in causes}
        row_colour = {groups[0]: "black"}  # the numbers at risk belong to both curves
    else:  # colour = group, line style = cause
        row_colour = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(groups)}
        line_colour = {(g, c): row_colour[g] for g in groups for c in causes}

    def label(curve):
        name = cause_labels.get(curve.cause, f"cause {curve.cause}")
        return name if one_group else f"{curve.group}: {name}"

    figure, top = start_figure(6.0)
    handles = [Line2D([0], [0], color=line_colour[c.group, c.cause], linestyle=style[c.cause], linewidth=1.6)
               for c in curves]
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
            axes.fill_between(x, lower, upper, step="post", color=line_colour[curve.group, curve.cause], alpha=0.12,
                              linewidth=0)
        axes.step(x, y, where="post", color=line_colour[curve.group, curve.cause], linestyle=style[curve.cause],
                  linewidth=1.4)
        drawn[label(curve)] = (x, y)
    highest = max([float(np.max(y)) for _, y in drawn.values()] + [0.05])
    curve_y_limits(axes, min(1.0, max(0.1, np.ceil(highest * 11) / 10)))
    longest = max([c.last_time * time_scale for c in curves] + axis_times + [1.0])
    axes.set_xlim(0, max(axis_times) if axis_times else longest)
    axes.set_xticks(axis_times)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)

    at_risk = table.pivot(index="group", columns="time", values="at_risk").reindex(groups)
    at_risk.columns = axis_times  # the table's times (fit unit), in order, as the axis shows them
    at_risk = hide_small_counts(at_risk, min_cell)
    row_name = {g: (ALL_PATIENTS if g == "all" else g) for g in groups}
    widest_label = max((text_size(figure, row_name[g], fontsize=TABLE_SIZE)[0] for g in groups), default=0.0)
    inline = widest_label <= INLINE_LABEL_LIMIT  # else each group's label on a line above its numbers
    rows = []
    for group in groups:
        rows += ([(row_name[group], row_colour[group], "at_risk", group)] if inline else
                 [(row_name[group], row_colour[group], None, group), ("", "black", "at_risk", group)])
    shown, axis_width = place_panel_with_risk_table(figure, axes, top, rows, "Number at risk", {"at_risk": at_risk},
                                                    axis_times)
    shown_table = at_risk.loc[:, shown]
    annotation = _test_text(tests, cause_labels)
    if annotation:
        _place_annotation(axes, annotation, list(drawn.values()), axis_width, PANEL_HEIGHT)
    suppressed = any(is_suppressed(v) for v in shown_table.to_numpy().ravel())
    return CifFigure(figure, shown_table, annotation, drawn, suppressed)
