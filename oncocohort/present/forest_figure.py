"""Forest plot of hazard ratios with 95 % CIs on a log axis, one row per Cox term (reference levels listed with HR
1), the line of no effect at 1, and the HR (CI) and p written beside each row. Reads Cox models
(:class:`oncocohort.stats.cox.CoxModel` or the Firth model)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .figure_style import apply_style, plt
from .formatting import estimate_ci, p_value


@dataclass(frozen=True)
class ForestFigure:
    figure: plt.Figure
    rows: pd.DataFrame  # label, hr, lower, upper, p — in plotted order (top first)


def forest_rows(model, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per term of a Cox model; a treatment-coded term ``field[level]`` is labelled
    ``<field's label>: <level>`` (``labels`` maps fields to words; the reference level is the factor's first)."""
    labels = labels or {}
    rows = []
    for term in getattr(model, "terms", ()):
        field, _, level = term.name.partition("[")
        name = labels.get(field, field)
        rows.append({"label": f"{name}: {level.rstrip(']')}" if level else name, "hr": term.hr, "lower": term.lower,
                     "upper": term.upper, "p": term.p_value})
    return pd.DataFrame(rows, columns=["label", "hr", "lower", "upper", "p"])


def forest_figure(rows: pd.DataFrame, title: str | None = None, xlabel: str = "Hazard ratio (95% CI)") -> ForestFigure:
    apply_style()
    finite = rows[np.isfinite(rows[["hr", "lower", "upper"]]).all(axis=1)]
    figure, axes = plt.subplots(figsize=(6.5, 0.35 * len(rows) + 1.3))
    y = np.arange(len(rows))[::-1]
    axes.axvline(1, color="black", linewidth=0.8)
    for yy, (_, row) in zip(y, rows.iterrows()):
        if row.name in finite.index:
            axes.plot([row["lower"], row["upper"]], [yy, yy], color="#0072B2", linewidth=1.2)
            axes.plot(row["hr"], yy, marker="s", color="#0072B2", markersize=5)
        axes.text(1.02, yy, f"{estimate_ci(row['hr'], row['lower'], row['upper'], 2, 'NE')}   p {p_value(row['p'])}",
                  transform=axes.get_yaxis_transform(), va="center", fontsize=8)
    axes.set_yticks(y, rows["label"])
    axes.set_xscale("log")
    axes.xaxis.set_major_locator(FixedLocator([0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32]))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes.xaxis.set_minor_locator(NullLocator())
    if len(finite):
        low, high = finite["lower"].min(), finite["upper"].max()
        axes.set_xlim(min(low, 0.5) / 1.2, max(high, 2) * 1.2)
    axes.set_xlabel(xlabel)
    axes.spines[["top", "right"]].set_visible(False)
    if title:
        axes.set_title(title, loc="left", fontsize=10)
    height = figure.get_figheight()
    figure.subplots_adjust(left=0.42, right=0.72, bottom=0.8 / height, top=1 - 0.4 / height)
    return ForestFigure(figure, rows.reset_index(drop=True))
