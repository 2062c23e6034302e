"""Spider plot: % change of the target-lesion sum from baseline over time, one line per patient, coloured by best
overall response. Each line starts at 0 at the start of treatment; an assessment whose sum could not be computed
(a target lesion not measured) breaks the line — nothing is interpolated over a missing scan. Reads the RECIST
visit results (``pct_from_baseline``) and the per-patient best response.

Bounded at scale: with more than ``max_patients`` (default :data:`~.figure_style.MAX_PATIENTS`) patients with
lines, the lines of a sample are drawn — the patients at evenly spaced ranks of best % change (the largest increase
and the deepest shrinkage included; :func:`~.figure_style.evenly_spaced_sample`), said in the caption and returned
with the figure. The legend sits in a band above the panel, never over the lines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .figure_style import MAX_PATIENTS, evenly_spaced_sample, layout_panel, plt, start_figure, time_axis_label
from .waterfall_figure import BOR_COLOURS, bor_legend

PANEL_HEIGHT = 3.0  # inches


@dataclass(frozen=True)
class SpiderFigure:
    figure: plt.Figure
    lines: pd.DataFrame  # patient_id, time, pct_change (NaN = break), colour — the plotted points in order
    caption: str = ""  # how many patients are drawn, and how they were chosen when not all
    n_patients: int = 0  # patients with a line before sampling
    sample: str = "all"  # "all" or the sampling rule


def spider_figure(visits: pd.DataFrame, patients: pd.DataFrame, days_per_unit: float = 30.4375,
                  time_unit: str = "months", max_patients: int = MAX_PATIENTS) -> SpiderFigure:
    """``visits``: patient_id, assessment_date, pct_from_baseline (baseline rows at 0); ``patients``: patient_id,
    index_date, best_overall_response (and best_pct_change, for the sample's order). Assessments before the index
    date (the baseline) are drawn at time 0."""
    data = visits.merge(patients[["patient_id", "index_date", "best_overall_response"]], on="patient_id")
    data = data.assign(time=((data["assessment_date"] - data["index_date"]).dt.days / days_per_unit).clip(lower=0),
                       pct_change=data["pct_from_baseline"].astype(float))
    data = data.sort_values(["patient_id", "time"]).reset_index(drop=True)
    data["colour"] = data["best_overall_response"].map(BOR_COLOURS).fillna("#000000")
    with_lines = data["patient_id"].drop_duplicates()
    order = patients[patients["patient_id"].isin(with_lines)]
    best = (order["best_pct_change"] if "best_pct_change" in order
            else order["patient_id"].map(data.groupby("patient_id")["pct_change"].min()))
    order = order.assign(_best=best.astype(float)).sort_values(["_best", "patient_id"], na_position="last")
    n_patients = len(order)
    kept = order["patient_id"].iloc[evenly_spaced_sample(n_patients, max_patients)]
    sample = "all"
    if len(kept) < n_patients:
        sample = f"{len(kept)} patients at evenly spaced ranks of best % change"
        data = data[data["patient_id"].isin(set(kept))].reset_index(drop=True)
    figure, top = start_figure(4.2)
    present = [level for level in BOR_COLOURS if level in set(data["best_overall_response"])]
    top = bor_legend(figure, present, top)
    axes = figure.add_axes((0.2, 0.2, 0.6, 0.6))
    for _, part in data.groupby("patient_id", sort=True):
        axes.plot(part["time"], part["pct_change"], color=part["colour"].iloc[0], linewidth=1.0, marker="o",
                  markersize=2.5)
    for level in (20, -30):
        axes.axhline(level, color="black", linestyle="--", linewidth=0.8)
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_xlabel(time_axis_label(time_unit))
    axes.set_ylabel("Change in target lesions from baseline (%)")
    axes.set_xlim(left=0)
    axes.spines[["top", "right"]].set_visible(False)
    layout_panel(axes, top, PANEL_HEIGHT)
    points = data[["patient_id", "time", "pct_change", "colour"]].replace({np.inf: np.nan})
    caption = ((f"All {n_patients} patients" if n_patients > 1 else "One patient") + " with target-lesion measurements."
               if sample == "all" else
               f"Shown: {len(kept)} of {n_patients} patients, those at evenly spaced ranks of best % change (the "
               "largest increase and the deepest shrinkage included), so the spread of responses is kept; every "
               "patient is in the waterfall plot.")
    return SpiderFigure(figure, points, caption, n_patients, sample)
