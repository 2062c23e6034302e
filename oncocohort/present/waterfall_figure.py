"""Waterfall plot: best % change of the target-lesion sum per patient (largest increase left), bars coloured by best
overall response, reference lines at +20 % (PD threshold) and −30 % (PR threshold). Reads the per-patient RECIST
results (``best_pct_change``, ``best_overall_response``) and, for the caption, the ORR estimate (ARD)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..stats.proportions import ProportionEstimate
from .figure_style import apply_style, plt

BOR_COLOURS = {"CR": "#0072B2", "PR": "#009E73", "SD": "#7F7F7F", "NON-CR/NON-PD": "#CC79A7", "PD": "#D55E00",
               "NE": "#E69F00"}


@dataclass(frozen=True)
class WaterfallFigure:
    figure: plt.Figure
    bars: pd.DataFrame  # patient_id, best_pct_change, best_overall_response, colour — in plotted order
    caption: str


def waterfall_figure(patients: pd.DataFrame, orr: ProportionEstimate | None = None,
                     title: str | None = None) -> WaterfallFigure:
    """One bar per patient with a best % change (patients without post-baseline measurements are left out and
    counted in the caption). Patient ids are not shown (no identifiers in figures)."""
    apply_style()
    data = patients.dropna(subset=["best_pct_change"]).sort_values(
        ["best_pct_change", "patient_id"], ascending=[False, True]).reset_index(drop=True)
    data = data.assign(colour=data["best_overall_response"].map(BOR_COLOURS).fillna("#000000"))
    figure, axes = plt.subplots(figsize=(6.5, 3.8))
    axes.bar(range(len(data)), data["best_pct_change"].clip(upper=100), color=data["colour"], width=0.8)
    for level, style in ((20, "--"), (-30, "--")):
        axes.axhline(level, color="black", linestyle=style, linewidth=0.8)
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_ylabel("Best change in target lesions from baseline (%)")
    axes.set_xticks([])
    axes.set_ylim(-100, max(40, float(data["best_pct_change"].clip(upper=100).max() or 0) + 10))
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    present = [level for level in BOR_COLOURS if level in set(data["best_overall_response"])]
    handles = [plt.Rectangle((0, 0), 1, 1, color=BOR_COLOURS[level]) for level in present]
    axes.legend(handles, present, frameon=False, loc="upper right", title="Best overall response")
    if title:
        axes.set_title(title, loc="left", fontsize=10)
    left_out = len(patients) - len(data)
    caption = (f"{len(data)} patients with a post-baseline measurement"
               + (f" ({left_out} without one not shown)" if left_out else "") + ". Dashed lines: +20 % and −30 %.")
    capped = int((data["best_pct_change"] > 100).sum())
    if capped:
        caption += f" {capped} increase(s) above +100 % drawn at +100 %."
    if orr is not None:
        caption += (f" ORR {orr.x}/{orr.n} = {100 * orr.estimate:.1f} % ({orr.method_label}: "
                    f"{100 * orr.lower:.1f}–{100 * orr.upper:.1f} %).")
    figure.tight_layout()
    return WaterfallFigure(figure, data[["patient_id", "best_pct_change", "best_overall_response", "colour"]], caption)
