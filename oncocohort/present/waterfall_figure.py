"""Waterfall plot: best % change of the target-lesion sum per patient (largest increase left), bars coloured by best
overall response, reference lines at +20 % (PD threshold) and −30 % (PR threshold). Reads the per-patient RECIST
results (``best_pct_change``, ``best_overall_response``) and, for the caption, the ORR estimate (ARD).

Every patient with a measurement is drawn, at any n: the canvas keeps its size (bars get narrower), and above
:data:`VECTOR_LIMIT` patients the bars are one collection drawn as a raster image inside the SVG and PDF, so no
output grows with the number of patients. The legend sits in a band above the panel, never over the bars."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection

from ..stats.proportions import ProportionEstimate
from .figure_style import add_legend_band, layout_panel, plt, start_figure
from .formatting import percent_ci, percent_sign, percent_text, plural

BOR_COLOURS = {"CR": "#0072B2", "PR": "#009E73", "SD": "#7F7F7F", "NON-CR/NON-PD": "#CC79A7", "PD": "#D55E00",
               "NE": "#E69F00"}
PANEL_HEIGHT = 3.2  # inches
VECTOR_LIMIT = 300  # patients: more bars are drawn as one rasterised collection


@dataclass(frozen=True)
class WaterfallFigure:
    figure: plt.Figure
    bars: pd.DataFrame  # patient_id, best_pct_change, best_overall_response, colour — in plotted order
    caption: str
    layout: dict = field(default_factory=dict)  # "bars": "patches" | "raster collection"


def bor_legend(figure, present: list[str], top: float, extra=()) -> float:
    """The best-overall-response legend (colour patches, then ``extra`` (handle, label) pairs) in a band at
    ``top`` inches; returns where the panel may start."""
    handles = [plt.Rectangle((0, 0), 1, 1, color=BOR_COLOURS[level]) for level in present]
    handles += [h for h, _ in extra]
    _, top = add_legend_band(figure, handles, present + [label for _, label in extra], top,
                             title="Best overall response" if present else None)
    return top


def waterfall_figure(patients: pd.DataFrame, orr: ProportionEstimate | None = None) -> WaterfallFigure:
    """One bar per patient with a best % change (patients without post-baseline measurements are left out and
    counted in the caption). Patient ids are not shown (no identifiers in figures)."""
    data = patients.dropna(subset=["best_pct_change"]).sort_values(
        ["best_pct_change", "patient_id"], ascending=[False, True]).reset_index(drop=True)
    data = data.assign(colour=data["best_overall_response"].map(BOR_COLOURS).fillna("#000000"))
    figure, top = start_figure(4.0)
    present = [level for level in BOR_COLOURS if level in set(data["best_overall_response"])]
    top = bor_legend(figure, present, top)
    axes = figure.add_axes((0.2, 0.2, 0.6, 0.6))
    heights = data["best_pct_change"].clip(upper=100).to_numpy(float)
    if len(data) <= VECTOR_LIMIT:
        axes.bar(range(len(data)), heights, color=data["colour"], width=0.8)
        drawn_as = "patches"
    else:
        x = np.arange(len(data), dtype=float)
        corners = np.stack([np.column_stack([x - 0.5, np.zeros_like(x)]), np.column_stack([x - 0.5, heights]),
                            np.column_stack([x + 0.5, heights]), np.column_stack([x + 0.5, np.zeros_like(x)])],
                           axis=1)
        axes.add_collection(PolyCollection(corners, facecolors=list(data["colour"]), edgecolors="none",
                                           rasterized=True))
        axes.set_xlim(-1, len(data))
        drawn_as = "raster collection"
    for level in (20, -30):
        axes.axhline(level, color="black", linestyle="--", linewidth=0.8)
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_ylabel("Best change in target lesions from baseline (%)")
    axes.set_xticks([])
    axes.set_ylim(-100, max(40, float(np.nanmax(heights, initial=0)) + 10))
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    layout_panel(axes, top, PANEL_HEIGHT)
    left_out = len(patients) - len(data)
    pc = percent_sign()
    caption = (f"One bar per patient: {plural(len(data), 'patient', zero=None)} with a post-baseline measurement"
               + (f" ({left_out} without one not shown)" if left_out else "") + f". Dashed lines: +20{pc} and −30{pc}.")
    capped = int((data["best_pct_change"] > 100).sum())
    if capped:
        caption += f" {plural(capped, 'increase')} above +100{pc} drawn at +100{pc}."
    if orr is not None:
        caption += (f" ORR {orr.x}/{orr.n} = {percent_text(orr.estimate)} ({orr.method_label}: "
                    f"{percent_ci(orr.lower, orr.upper)}{pc}).")
    return WaterfallFigure(figure, data[["patient_id", "best_pct_change", "best_overall_response", "colour"]],
                           caption, {"bars": drawn_as})
