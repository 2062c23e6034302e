"""Spider plot: % change of the target-lesion sum from baseline over time, one line per patient, coloured by best
overall response. Each line starts at 0 at the start of treatment; an assessment whose sum could not be computed
(a target lesion not measured) breaks the line — nothing is interpolated over a missing scan. Reads the RECIST
visit results (``pct_from_baseline``) and the per-patient best response."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .figure_style import apply_style, plt
from .waterfall_figure import BOR_COLOURS


@dataclass(frozen=True)
class SpiderFigure:
    figure: plt.Figure
    lines: pd.DataFrame  # patient_id, time, pct_change (NaN = break), colour — the plotted points in order


def spider_figure(visits: pd.DataFrame, patients: pd.DataFrame, days_per_unit: float = 30.4375,
                  time_unit: str = "months", title: str | None = None) -> SpiderFigure:
    """``visits``: patient_id, assessment_date, pct_from_baseline (baseline rows at 0); ``patients``: patient_id,
    index_date, best_overall_response. Assessments before the index date (the baseline) are drawn at time 0."""
    apply_style()
    data = visits.merge(patients[["patient_id", "index_date", "best_overall_response"]], on="patient_id")
    data = data.assign(time=((data["assessment_date"] - data["index_date"]).dt.days / days_per_unit).clip(lower=0),
                       pct_change=data["pct_from_baseline"].astype(float))
    data = data.sort_values(["patient_id", "time"]).reset_index(drop=True)
    data["colour"] = data["best_overall_response"].map(BOR_COLOURS).fillna("#000000")
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    for _, part in data.groupby("patient_id", sort=True):
        axes.plot(part["time"], part["pct_change"], color=part["colour"].iloc[0], linewidth=1.0, marker="o",
                  markersize=2.5)
    for level in (20, -30):
        axes.axhline(level, color="black", linestyle="--", linewidth=0.8)
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_xlabel(f"Time since the start of treatment ({time_unit})")
    axes.set_ylabel("Change in target lesions from baseline (%)")
    axes.set_xlim(left=0)
    axes.spines[["top", "right"]].set_visible(False)
    present = [level for level in BOR_COLOURS if level in set(data["best_overall_response"])]
    axes.legend([plt.Line2D([0], [0], color=BOR_COLOURS[level]) for level in present], present, frameon=False,
                loc="upper right", title="Best overall response")
    if title:
        axes.set_title(title, loc="left", fontsize=10)
    figure.tight_layout()
    points = data[["patient_id", "time", "pct_change", "colour"]].replace({np.inf: np.nan})
    return SpiderFigure(figure, points)
