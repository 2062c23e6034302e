"""Kaplan–Meier figure with censor marks, optional median lines, a number-at-risk table aligned under the x-axis
and an annotation (e.g. the log-rank p). Reads fitted curves (:class:`oncocohort.stats.kaplan_meier.KaplanMeier`);
the numbers at risk come from the same fit (``number_at_risk``), so the table and the curve cannot disagree.

Okabe–Ito colour-blind-safe palette; files written as 300 dpi PNG, SVG and PDF without timestamps (same input,
same bytes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stats.kaplan_meier import KaplanMeier, number_at_risk, survival_quantile
from .figure_style import apply_style, plt, save_figure

__all__ = ["KmFigure", "km_figure", "save_figure"]

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


@dataclass(frozen=True)
class KmFigure:
    figure: plt.Figure
    risk_table: pd.DataFrame  # rows: group labels; columns: times; values: numbers at risk


def km_figure(curves: dict[str, KaplanMeier], risk_times, *, xlabel: str = "Months", ylabel: str = "Survival",
              title: str | None = None, annotation: str | None = None, median_lines: bool = True,
              time_scale: float = 1.0) -> KmFigure:
    """Plot the curves; ``time_scale`` converts the fit's unit to the axis unit (e.g. 1/30.4375 for days → months);
    ``risk_times`` are in the axis unit."""
    apply_style()
    risk_times = list(risk_times)
    figure = plt.figure(figsize=(6.5, 4.8))
    axes = figure.add_axes((0.17, 0.36, 0.78, 0.56))
    risk_axes = figure.add_axes((0.17, 0.05, 0.78, 0.04 + 0.045 * len(curves)), sharex=axes)
    rows = {}
    for (label, fit), colour in zip(curves.items(), OKABE_ITO):
        times = np.concatenate([[0.0], fit.time * time_scale])
        surv = np.concatenate([[1.0], fit.surv])
        axes.step(times, surv, where="post", color=colour, linewidth=1.4, label=label)
        censored = fit.n_censor > 0
        axes.plot(fit.time[censored] * time_scale, fit.surv[censored], linestyle="none", marker="|",
                  markersize=7, color=colour)
        if median_lines:
            median = survival_quantile(fit, 0.5).estimate
            if np.isfinite(median):
                axes.plot([0, median * time_scale, median * time_scale], [0.5, 0.5, 0], linestyle=":", color=colour,
                          linewidth=0.9)
        rows[label] = number_at_risk(fit, [t / time_scale for t in risk_times])
    axes.set_ylim(0, 1.02)
    axes.set_xlim(0, max(risk_times) if risk_times else None)
    axes.set_xticks(risk_times)
    axes.set_ylabel(ylabel)
    axes.set_xlabel(xlabel)
    axes.spines[["top", "right"]].set_visible(False)
    if len(curves) > 1:
        axes.legend(frameon=False, loc="upper right")
    if title:
        axes.set_title(title, loc="left", fontsize=10)
    if annotation:
        axes.text(0.02, 0.04, annotation, transform=axes.transAxes, fontsize=8)
    table = pd.DataFrame(rows, index=risk_times).T
    risk_axes.set_ylim(-0.5, len(curves) - 0.5)
    for row_number, (label, counts) in enumerate(table.iterrows()):
        y = len(curves) - 1 - row_number
        for t, count in counts.items():
            risk_axes.text(t, y, str(int(count)), ha="center", va="center", fontsize=8)
        risk_axes.text(-0.05, y, label, transform=risk_axes.get_yaxis_transform(), ha="right", va="center",
                       fontsize=8, color=OKABE_ITO[row_number])
    risk_axes.set_title("Number at risk", loc="left", fontsize=8)
    risk_axes.axis("off")
    return KmFigure(figure, table)
