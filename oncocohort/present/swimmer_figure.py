"""Swimmer plot: one bar per patient for the time on treatment (first dose → last dose), longest at the top,
with markers for the first response, progression and death, an arrow for treatment ongoing at the data cutoff and
a thin line for follow-up after treatment. Times from the first dose, in the study's time unit. Patient ids are not
shown.

Bounded at scale: with more than ``max_patients`` (default :data:`~.figure_style.MAX_PATIENTS`) patients, the lanes
of a sample are drawn — the patients at evenly spaced ranks of time on treatment (the longest and the shortest
included; :func:`~.figure_style.evenly_spaced_sample`), said in the caption and returned with the figure; lanes get
thinner up to that limit, so the canvas never exceeds about 9 inches. The legend sits in a band above the panel,
never over the bars."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .figure_style import (
    MAX_PATIENTS,
    add_legend_band,
    evenly_spaced_sample,
    layout_panel,
    plt,
    start_figure,
    time_axis_label,
)
from .waterfall_figure import BOR_COLOURS, bor_legend

# marker fills differ from every bar colour (white, yellow, black), each with a black edge
MARKERS = {"response": ("^", "#FFFFFF", "First response (CR/PR)"), "progression": ("s", "#F0E442", "Progression"),
           "death": ("X", "#000000", "Death")}
LANE = 0.16  # inches per patient, up to …
LANES_HEIGHT = 6.0  # … inches for all lanes together


@dataclass(frozen=True)
class SwimmerFigure:
    figure: plt.Figure
    lanes: pd.DataFrame  # one row per patient drawn, in plotted order (top first): times of each bar and marker
    caption: str = ""  # how many patients are drawn, and how they were chosen when not all
    n_patients: int = 0  # patients before sampling
    sample: str = "all"  # "all" or the sampling rule


def swimmer_figure(patients: pd.DataFrame, days_per_unit: float = 30.4375, time_unit: str = "months",
                   max_patients: int = MAX_PATIENTS) -> SwimmerFigure:
    """``patients``: patient_id, index_date, last_dose_date, ongoing_at_cutoff, first_response_date,
    progression_date, best_overall_response, os_time, os_event (os_time already in the time unit)."""

    def since_start(column):
        return (patients[column] - patients["index_date"]).dt.days / days_per_unit

    lanes = pd.DataFrame({
        "patient_id": patients["patient_id"],
        "treatment": ((patients["last_dose_date"] - patients["index_date"]).dt.days + 1) / days_per_unit,
        "response": since_start("first_response_date"), "progression": since_start("progression_date"),
        "death": patients["os_time"].where(patients["os_event"] == 1), "follow_up": patients["os_time"],
        "ongoing": patients["ongoing_at_cutoff"].eq(True),
        "best_overall_response": patients["best_overall_response"].fillna("NE")})
    lanes = lanes.sort_values(["treatment", "patient_id"], ascending=[False, True]).reset_index(drop=True)
    n_patients = len(lanes)
    lanes = lanes.iloc[evenly_spaced_sample(n_patients, max_patients)].reset_index(drop=True)
    sample = "all" if len(lanes) == n_patients else (f"{len(lanes)} patients at evenly spaced ranks of time on "
                                                     "treatment")
    figure, top = start_figure(6.0)
    present = [level for level in BOR_COLOURS if level in set(lanes["best_overall_response"])]
    extra = [(plt.Line2D([0], [0], marker=m, markerfacecolor=c, markeredgecolor="black", color="black",
                         linestyle="none"), label) for m, c, label in MARKERS.values()]
    extra.append((plt.Line2D([0], [0], marker=r"$\rightarrow$", color="black", linestyle="none", markersize=9),
                  "On treatment at the data cutoff"))
    top = bor_legend(figure, present, top)
    _, top = add_legend_band(figure, [h for h, _ in extra], [label for _, label in extra], top)
    axes = figure.add_axes((0.2, 0.2, 0.6, 0.6))
    y = list(range(len(lanes) - 1, -1, -1))  # the longest at the top
    colours = lanes["best_overall_response"].map(BOR_COLOURS).fillna("#000000")
    axes.hlines(y, lanes["treatment"], lanes["follow_up"], color="#7F7F7F", linewidth=0.6)
    axes.barh(y, lanes["treatment"], color=colours, height=0.7)
    for kind, (marker, colour, _) in MARKERS.items():
        shown = lanes[kind].notna()
        axes.scatter(lanes.loc[shown, kind], [v for v, s in zip(y, shown) if s], marker=marker, facecolor=colour,
                     edgecolor="black", linewidths=0.5, s=16, zorder=3)
    longest = float(pd.concat([lanes["treatment"], lanes["follow_up"]]).max()) if len(lanes) else 1.0
    longest = longest if np.isfinite(longest) and longest > 0 else 1.0
    arrow = 0.04 * longest
    for yy, (_, lane) in zip(y, lanes.iterrows()):
        if lane["ongoing"]:
            axes.annotate("", xy=(lane["treatment"] + arrow, yy), xytext=(lane["treatment"], yy),
                          arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 0.8})
    axes.set_yticks([])
    axes.set_ylim(-0.8, len(lanes) - 0.2)
    axes.set_xlim(0, longest + 2 * arrow)
    axes.set_xlabel(time_axis_label(time_unit))
    axes.set_ylabel("Patients" if sample == "all" else f"Patients ({len(lanes)} of {n_patients})")
    axes.spines[["top", "right", "left"]].set_visible(False)
    layout_panel(axes, top, max(1.6, min(LANE * len(lanes), LANES_HEIGHT)))
    caption = ((f"All {n_patients} patients." if n_patients > 1 else "One patient.") if sample == "all" else
               f"Shown: {len(lanes)} of {n_patients} patients, those at evenly spaced ranks of time on treatment (the "
               "longest and the shortest included), so the spread of treatment durations is kept.")
    return SwimmerFigure(figure, lanes, caption, n_patients, sample)
