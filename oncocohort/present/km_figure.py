"""Kaplan–Meier figure with censor marks, optional CI bands and median lines, a table of numbers at risk aligned to
the x-axis ticks (optionally the KMunicate table: at risk, censored and events per group; Morris et al., BMJ Open
2019;9:e030215) and, in the panel, the test and its method (e.g. the log-rank p). Reads fitted curves
(:class:`oncocohort.stats.kaplan_meier.KaplanMeier`); the table comes from the same fit
(:func:`oncocohort.stats.risk_table.risk_table`), so the table and the curve cannot disagree.

Layout (inches, from measured text; no title in the image: figure_style's title rule): the legend in a band above
the panel (never over the curves), the panel, its tick labels and axis title, then the table, whose numbers sit at
the x ticks and whose row labels are inside the canvas. Ticks are thinned when their labels or numbers would touch.
Okabe–Ito colour-blind-safe palette; files written as 300 dpi PNG, SVG and PDF without timestamps (same input,
same bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.transforms import Bbox, blended_transform_factory, offset_copy

from ..engine.suppression import SuppressedCount, is_suppressed, suppress_risk_table
from ..stats.kaplan_meier import KaplanMeier, survival_quantile
from ..stats.risk_table import risk_table as risk_table_counts
from .figure_style import (
    ALL_PATIENTS,
    GAP,
    MARGIN,
    WIDTH,
    add_legend_band,
    curve_y_limits,
    decorations,
    place_axes,
    plt,
    save_figure,
    start_figure,
    text_size,
    thin_ticks,
    wrap_text,
)
from .formatting import p_text, statistic_text

__all__ = ["KmFigure", "km_figure", "save_figure"]

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
PANEL_HEIGHT = 3.0  # inches
TABLE_SIZE = 8  # points
ROW = 0.18  # inches per table row
INLINE_LABEL_LIMIT = 0.75  # inches: a wider group label gets a line of its own above its numbers (inline, it
# would push the panel right of the y-axis labels)
KMUNICATE_ROWS = (("At risk", "at_risk"), ("Censored", "censored"), ("Events", "events"))


@dataclass(frozen=True)
class KmFigure:
    figure: plt.Figure
    risk_table: pd.DataFrame  # rows: group labels; columns: the times shown; values: numbers at risk
    censored: pd.DataFrame | None = None  # the same shape: cumulative censored (drawn with kmunicate=True)
    events: pd.DataFrame | None = None  # the same shape: cumulative events (drawn with kmunicate=True)
    annotation: str = ""  # the text in the panel (test and method, or the caller's annotation)
    layout: dict = field(default_factory=dict)  # "table": standard | kmunicate; "labels": inline | above
    suppressed: bool = False  # a number in the table is hidden (min_cell): the caption carries the footnote


def _test_text(test) -> str:
    """``Log-rank test: χ²(df) = …, p = …`` from a :class:`oncocohort.stats.logrank.LogRankTest` (its method)."""
    name = getattr(test, "method", "") or "log-rank test"
    name = name[:1].upper() + name[1:]
    return f"{name}: {statistic_text(f'χ²({test.df})', test.chisq)}, {p_text(test.p_value)}"


def _place_annotation(axes, text: str, curves_xy: list[tuple[np.ndarray, np.ndarray]], width: float,
                      height: float):
    """Write ``text`` in the panel corner that the fewest drawn lines cross (lower left, upper right, lower right),
    on a white box so that a line under it never hides it. ``curves_xy`` are polylines in data units (steps already
    expanded into their horizontal and vertical segments), so a line crossing the box between two of its vertices
    counts too."""
    text_w, text_h = text_size(axes.figure, text, fontsize=TABLE_SIZE)
    box_w, box_h = (text_w + 0.1) / width, (text_h + 0.1) / height
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    corners = (((0.02, 0.03), "left", "bottom"), ((0.98, 0.97), "right", "top"), ((0.98, 0.03), "right", "bottom"))

    def crossings(corner):
        (cx, cy), ha, va = corner
        left = cx if ha == "left" else cx - box_w
        bottom = cy if va == "bottom" else cy - box_h
        box = Bbox.from_bounds(left, bottom, box_w, box_h)
        count = 0
        for xs, ys in curves_xy:
            fx, fy = (xs - x0) / (x1 - x0), (ys - y0) / (y1 - y0)
            inside = ((fx >= left) & (fx <= left + box_w) & (fy >= bottom) & (fy <= bottom + box_h)).any()
            count += int(inside or (len(fx) > 1 and Path(np.column_stack([fx, fy])).intersects_bbox(box, False)))
        return count

    (cx, cy), ha, va = min(corners, key=crossings)
    return axes.text(cx, cy, text, transform=axes.transAxes, ha=ha, va=va, fontsize=TABLE_SIZE, zorder=5,
                     bbox={"boxstyle": "square,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})


def risk_cell(value) -> str:
    """A number-at-risk cell: the count, or a suppressed count as it prints (``<5``)."""
    return str(value) if is_suppressed(value) else str(int(value))


def hide_small_counts(frame: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """A frame of counts with each count from 1 to min_cell − 1 as a ``SuppressedCount`` ("small"; the rule of
    :func:`oncocohort.engine.suppression.suppress_risk_table`: a risk table has no totals, primary suppression
    only); unchanged when min_cell ≤ 1."""
    if min_cell <= 1:
        return frame
    small = SuppressedCount("small", min_cell)
    return frame.astype(object).map(lambda v: small if 1 <= v < min_cell else int(v))


def place_panel_with_risk_table(figure, axes, top: float, rows, header: str, values: dict[str, pd.DataFrame],
                                times: list[float]) -> tuple[list[float], float]:
    """Lay out a curve panel with its number-at-risk table underneath (columns aligned to the x ticks, labels
    inside the canvas), size the canvas and draw the table — one layout for the Kaplan–Meier and the
    cumulative-incidence figures.

    ``top``: inches above the panel taken by the legend; ``rows``: (name, colour, key, group) in table
    order — ``key`` None for a group's own line (its name left-aligned at the margin, wrapped), else the numbers
    ``values[key].loc[group]`` with ``name`` (may be "") right-aligned before the axis; ``values``: {key: group ×
    ``times`` frame}, every number of which sets the column width; ``times``: the x ticks (axis unit), thinned
    when too dense to read. Returns (the times shown, the panel width in inches)."""
    y_left, x_bottom, y_right, y_top = decorations(axes)
    number_widths = [text_size(figure, risk_cell(v), fontsize=TABLE_SIZE)[0]
                     for frame in values.values() for v in frame.to_numpy().ravel()]
    tick_widths = [t.get_window_extent().width / figure.dpi for t in axes.get_xticklabels()]
    widest_number = max(number_widths + tick_widths, default=0.0)
    label_gap = widest_number / 2 + GAP  # row labels end this far left of the axis (the first column is centred on it)
    right_labels = [text_size(figure, name, fontsize=TABLE_SIZE)[0] for name, _, key, _ in rows if key and name]
    left = MARGIN + max([y_left] + [w + label_gap for w in right_labels])
    right = MARGIN + max(y_right, widest_number / 2)
    axis_width = WIDTH - left - right
    shown = thin_ticks(times, widest_number + 0.12, axis_width, axes.get_xlim()[1] - axes.get_xlim()[0])
    if shown != times:
        axes.set_xticks(shown)
        x_bottom = decorations(axes)[1]

    # vertical layout (inches from the top), then the canvas height
    header_height = text_size(figure, header, fontsize=TABLE_SIZE)[1] + 0.06
    table_height = (header_height + ROW * len(rows)) if times else 0.0
    panel_bottom = top + y_top + PANEL_HEIGHT
    height = panel_bottom + x_bottom + GAP + table_height + MARGIN
    figure.set_size_inches(WIDTH, height)
    place_axes(axes, left, height - panel_bottom, axis_width, PANEL_HEIGHT)
    if not times:
        return shown, axis_width
    risk_axes = figure.add_axes((0, 0, 1, 1), sharex=axes)
    place_axes(risk_axes, left, MARGIN, axis_width, table_height)
    risk_axes.set_ylim(table_height, 0)
    risk_axes.axis("off")
    from_left = blended_transform_factory(figure.dpi_scale_trans, risk_axes.transData)
    label_at = offset_copy(risk_axes.get_yaxis_transform(), fig=figure, x=-label_gap, y=0, units="inches")
    risk_axes.text(MARGIN, header_height / 2, header, transform=from_left, ha="left", va="center",
                   fontsize=TABLE_SIZE, fontweight="bold")
    for index, (name, colour, key, group) in enumerate(rows):
        y = header_height + ROW * (index + 0.5)
        if key is None:  # a group's own line: its label, left-aligned at the margin, wrapped to the canvas
            wrapped = wrap_text(figure, name, WIDTH - 2 * MARGIN, fontsize=TABLE_SIZE)
            risk_axes.text(MARGIN, y, wrapped, transform=from_left, ha="left", va="center", fontsize=TABLE_SIZE,
                           color=colour)
            continue
        for t, value in zip(shown, values[key].loc[group, shown]):
            risk_axes.text(t, y, risk_cell(value), ha="center", va="center", fontsize=TABLE_SIZE)
        if name:
            risk_axes.text(0, y, name, transform=label_at, ha="right", va="center", fontsize=TABLE_SIZE,
                           color=colour)
    return shown, axis_width


def km_figure(curves: dict[str, KaplanMeier], risk_times, *, xlabel: str = "Months", ylabel: str = "Survival",
              annotation: str | None = None, median_lines: bool = True,
              time_scale: float = 1.0, ci_bands: bool | None = None, kmunicate: bool = False,
              test=None, min_cell: int = 0) -> KmFigure:
    """Plot the curves; ``time_scale`` converts the fit's unit to the axis unit (e.g. 1/30.4375 for days → months);
    ``risk_times`` are in the axis unit (thinned when too dense to read). ``kmunicate``: the table shows at risk,
    censored and events per group, and CI bands are drawn unless ``ci_bands=False``. ``test``: a log-rank test
    result written in the panel with its method (after ``annotation`` when both are given). ``min_cell``: numbers
    in the table from 1 to min_cell − 1 written ``<min_cell`` (small-cell suppression; ``suppressed`` says so)."""
    ci_bands = kmunicate if ci_bands is None else ci_bands
    risk_times = [float(t) for t in risk_times]
    labels = list(curves)
    colours = {label: OKABE_ITO[i % len(OKABE_ITO)] for i, label in enumerate(labels)}
    figure, top = start_figure(8.0)
    if len(curves) > 1:
        handles = [Line2D([0], [0], color=colours[label], linewidth=1.6) for label in labels]
        _, top = add_legend_band(figure, handles, labels, top)
    axes = figure.add_axes((0.3, 0.3, 0.5, 0.5))

    drawn = []
    for label, fit in curves.items():
        colour = colours[label]
        times = np.concatenate([[0.0], fit.time * time_scale])
        surv = np.concatenate([[1.0], fit.surv])
        if ci_bands and len(fit.time):
            lower = np.concatenate([[1.0], fit.lower])
            upper = np.concatenate([[1.0], fit.upper])
            # the step polygon by hand: each value holds until the next time, and an undefined limit (S = 0)
            # ends the band there without removing the interval before it (as fill_between(step=) would)
            edges = np.repeat(np.append(times, times[-1]), 2)[1:-1]
            axes.fill_between(edges, np.repeat(lower, 2), np.repeat(upper, 2), color=colour, alpha=0.15,
                              linewidth=0)
        axes.step(times, surv, where="post", color=colour, linewidth=1.4, label=label)
        censored = fit.n_censor > 0
        axes.plot(fit.time[censored] * time_scale, fit.surv[censored], linestyle="none", marker="|",
                  markersize=7, color=colour)
        drawn.append((np.repeat(times, 2)[1:], np.repeat(surv, 2)[:-1]))  # the step's own segments
        if median_lines and len(fit.time):
            median = survival_quantile(fit, 0.5).estimate
            if np.isfinite(median):
                axes.plot([0, median * time_scale, median * time_scale], [0.5, 0.5, 0], linestyle=":",
                          color=colour, linewidth=0.9)
                drawn.append((np.array([0, median * time_scale, median * time_scale]), np.array([0.5, 0.5, 0])))
    curve_y_limits(axes)
    longest = max([max(risk_times, default=0.0)]
                  + [float(f.time.max()) * time_scale for f in curves.values() if len(f.time)])
    axes.set_xlim(0, (max(risk_times) if risk_times else longest) or 1.0)
    axes.set_xticks(risk_times)
    axes.set_ylabel(ylabel)
    axes.set_xlabel(xlabel)
    axes.spines[["top", "right"]].set_visible(False)

    # --- the table's rows: (label, colour, count key or None for a group's own line, group)
    counts = {label: suppress_risk_table(risk_table_counts(fit, [t / time_scale for t in risk_times]), min_cell)
              if min_cell > 1 else risk_table_counts(fit, [t / time_scale for t in risk_times])
              for label, fit in curves.items()}
    # one curve: its row is the whole cohort, "All patients" (figure_style's wording rule)
    row_name = {label: ALL_PATIENTS if len(labels) == 1 else label for label in labels}
    widest_label = max((text_size(figure, row_name[label], fontsize=TABLE_SIZE)[0] for label in labels),
                       default=0.0)
    inline = not kmunicate and widest_label <= INLINE_LABEL_LIMIT
    rows: list[tuple[str, str, str | None, str]] = []
    for label in labels:
        if kmunicate:
            rows.append((row_name[label], colours[label], None, label))
            rows += [(name, "black", key, label) for name, key in KMUNICATE_ROWS]
        elif inline:
            rows.append((row_name[label], colours[label], "at_risk", label))
        else:
            rows += [(row_name[label], colours[label], None, label), ("", "black", "at_risk", label)]
    header = ("Number at risk, censored and with an event (cumulative)" if kmunicate else "Number at risk")

    values = {key: pd.DataFrame({label: getattr(counts[label], key) for label in labels}, index=risk_times).T
              for key in ("at_risk", "censored", "events")}
    shown, axis_width = place_panel_with_risk_table(figure, axes, top, rows, header, values, risk_times)
    tables = {key: frame.loc[:, shown] for key, frame in values.items()}

    texts = [t for t in (annotation, _test_text(test) if test is not None else None) if t]
    written = "\n".join(texts)
    if written:
        _place_annotation(axes, written, drawn, axis_width, PANEL_HEIGHT)
    shown_keys = ("at_risk", "censored", "events") if kmunicate else ("at_risk",)
    suppressed = any(is_suppressed(v) for key in shown_keys for v in tables[key].to_numpy().ravel())
    return KmFigure(figure, tables["at_risk"], tables["censored"], tables["events"], written,
                    {"table": "kmunicate" if kmunicate else "standard", "labels": "inline" if inline else "above",
                     "times_shown": shown}, suppressed)

