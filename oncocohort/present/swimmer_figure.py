"""Swimmer plot: one bar per patient for the time on treatment (first dose → last dose), longest at the top,
with markers for the first response, progression and death, an arrow for treatment ongoing at the data cutoff and
a thin line for follow-up after treatment. Times from the first dose, in the study's time unit. Patient ids are not
shown."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .figure_style import apply_style, plt
from .waterfall_figure import BOR_COLOURS

# marker fills differ from every bar colour (white, yellow, black), each with a black edge
MARKERS = {"response": ("^", "#FFFFFF", "First response (CR/PR)"), "progression": ("s", "#F0E442", "Progression"),
           "death": ("X", "#000000", "Death")}


@dataclass(frozen=True)
class SwimmerFigure:
    figure: plt.Figure
    lanes: pd.DataFrame  # one row per patient in plotted order (top first): times of each bar and marker


def swimmer_figure(patients: pd.DataFrame, days_per_unit: float = 30.4375, time_unit: str = "months",
                   title: str | None = None) -> SwimmerFigure:
    """``patients``: patient_id, index_date, last_dose_date, ongoing_at_cutoff, first_response_date,
    progression_date, best_overall_response, os_time, os_event (os_time already in the time unit)."""
    apply_style()

    def since_start(column):
        return (patients[column] - patients["index_date"]).dt.days / days_per_unit

    lanes = pd.DataFrame({
        "patient_id": patients["patient_id"],
        "treatment": ((patients["last_dose_date"] - patients["index_date"]).dt.days + 1) / days_per_unit,
        "response": since_start("first_response_date"), "progression": since_start("progression_date"),
        "death": patients["os_time"].where(patients["os_event"] == 1), "follow_up": patients["os_time"],
        "ongoing": patients["ongoing_at_cutoff"].fillna(False).astype(bool),
        "best_overall_response": patients["best_overall_response"].fillna("NE")})
    lanes = lanes.sort_values(["treatment", "patient_id"], ascending=[False, True]).reset_index(drop=True)
    height = max(3.0, 0.16 * len(lanes) + 1.2)
    figure, axes = plt.subplots(figsize=(6.5, height))
    y = range(len(lanes) - 1, -1, -1)  # the longest at the top
    colours = lanes["best_overall_response"].map(BOR_COLOURS).fillna("#000000")
    axes.hlines(list(y), lanes["treatment"], lanes["follow_up"], color="#7F7F7F", linewidth=0.6)
    axes.barh(list(y), lanes["treatment"], color=colours, height=0.7)
    for kind, (marker, colour, _) in MARKERS.items():
        shown = lanes[kind].notna()
        axes.scatter(lanes.loc[shown, kind], [v for v, s in zip(y, shown) if s], marker=marker, facecolor=colour,
                     edgecolor="black", linewidths=0.5, s=16, zorder=3)
    for yy, (_, lane) in zip(y, lanes.iterrows()):
        if lane["ongoing"]:
            axes.annotate("", xy=(lane["treatment"] + 1.2, yy), xytext=(lane["treatment"], yy),
                          arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 0.8})
    axes.set_yticks([])
    axes.set_ylim(-0.8, len(lanes) - 0.2)
    axes.set_xlim(left=0)
    axes.set_xlabel(f"Time since the first dose ({time_unit})")
    axes.set_ylabel("Patients")
    axes.spines[["top", "right", "left"]].set_visible(False)
    present = [level for level in BOR_COLOURS if level in set(lanes["best_overall_response"])]
    handles = [plt.Rectangle((0, 0), 1, 1, color=BOR_COLOURS[level]) for level in present]
    handles += [plt.Line2D([0], [0], marker=m, markerfacecolor=c, markeredgecolor="black", color="black",
                           linestyle="none") for m, c, _ in MARKERS.values()]
    handles.append(plt.Line2D([0], [0], marker=r"$\rightarrow$", color="black", linestyle="none", markersize=9))
    labels = present + [label for _, _, label in MARKERS.values()] + ["On treatment at the data cutoff"]
    axes.legend(handles, labels, frameon=False, loc="lower right", fontsize=7)
    if title:
        axes.set_title(title, loc="left", fontsize=10)
    figure.tight_layout()
    return SwimmerFigure(figure, lanes)
