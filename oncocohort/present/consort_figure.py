"""CONSORT-style flow diagram (the seed's Figure 1) from the attrition data: patients screened, excluded with the
number per reason, included, evaluable for response and analysed for survival. The boxes are checked to add up
before anything is drawn (screened − excluded = included; each step's remaining = its start − its exclusions =
the next step's start); a mismatch raises ``ValueError`` rather than drawing a wrong diagram."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd

from ..derive.eligibility import attrition_problems, failure_reason
from ..engine.suppression import is_suppressed
from .figure_style import MARGIN, WIDTH, plt, start_figure, text_size, wrap_text
from .vocabulary import Vocabulary

FONT = 8  # points
BOX_PAD = 0.5  # box padding in font sizes


@dataclass(frozen=True)
class ConsortBox:
    key: str  # screened | excluded | included | evaluable | analysed
    n: int
    lines: tuple[str, ...]
    hidden: bool = False  # a count in the box is not shown (small-cell suppression)


@dataclass(frozen=True)
class ConsortFigure:
    figure: plt.Figure
    boxes: tuple[ConsortBox, ...]

    @property
    def suppressed(self) -> bool:
        """A count of the figure is hidden (min_cell): the caption carries the footnote."""
        return any(box.hidden for box in self.boxes)


def exclusion_reasons(attrition: pd.DataFrame, vocabulary: Vocabulary | None = None) -> list[tuple[str, int]]:
    """(reason stated as a failure, patients) per step with exclusions; patients excluded because the criterion's
    field was blank are a separate reason ("ECOG performance status not recorded")."""
    vocabulary = vocabulary or Vocabulary()
    out = []
    for _, r in attrition.sort_values("step").iterrows():
        field = str(r.get("field", "") or "")
        words = vocabulary.field_label(field) if field else str(r["criterion"])
        by_missing = int(r.get("n_excluded_missing_data", 0) or 0)
        by_criterion = int(r["n_excluded"]) - by_missing
        if by_criterion:
            out.append((failure_reason(words, str(r.get("kind", "") or ""), str(r.get("operator", "") or ""),
                                       str(r.get("value", "") or ""), str(r["criterion"])), by_criterion))
        if by_missing:
            out.append((f"{words} not recorded (missing data)", by_missing))
    return out


def _n_text(n) -> str:
    """``n = 12``; a hidden count ``n < 5`` or ``n = *`` (small-cell suppression)."""
    text = str(n)
    return f"n < {text[1:]}" if text.startswith("<") else f"n = {text}"


def consort_boxes(attrition: pd.DataFrame, n_evaluable: int, n_analysed: int,
                  vocabulary: Vocabulary | None = None, criteria: str = "RECIST 1.1",
                  min_cell: int = 0) -> tuple[ConsortBox, ...]:
    """The boxes' numbers and words, checked to add up (module docstring); ``criteria`` names how response was
    assessed ("RECIST 1.1", "Choi criteria", "as recorded by the investigators"). ``min_cell``: the exclusion
    counts from 1 to min_cell − 1 written ``n < 5``, with another hidden (``n = *``) when one could be recovered
    from the excluded total (:func:`oncocohort.engine.suppression.suppress_table`)."""
    steps = attrition.sort_values("step").reset_index(drop=True)
    problems = attrition_problems(steps)
    screened, included = int(steps["n_at_step"].iloc[0]), int(steps["n_remaining"].iloc[-1])
    if n_evaluable > included or n_analysed > included:
        problems.append(f"evaluable {n_evaluable} / analysed {n_analysed} exceed the {included} included")
    if problems:
        raise ValueError("the flow diagram does not add up: " + "; ".join(problems))
    excluded = exclusion_reasons(steps, vocabulary)
    shown = [n for _, n in excluded]
    if min_cell > 1 and excluded:
        from ..engine.suppression import suppress_table

        shown = list(suppress_table([[n] for n in shown], min_cell, row_totals=False)[:-1, 0])
    reasons = tuple(textwrap.fill(f"• {reason} ({_n_text(n)})", 44, subsequent_indent="   ")
                    for (reason, _), n in zip(excluded, shown))
    return (ConsortBox("screened", screened, (f"Patients screened (n = {screened})",)),
            ConsortBox("excluded", screened - included, (f"Excluded (n = {screened - included})", *reasons),
                       any(is_suppressed(n) for n in shown)),
            ConsortBox("included", included, (f"Included and treated (n = {included})",)),
            ConsortBox("evaluable", n_evaluable, (f"Evaluable for response, {criteria} (n = {n_evaluable})",)),
            ConsortBox("analysed", n_analysed, (f"Analysed for PFS and OS (n = {n_analysed})",)))


def consort_figure(attrition: pd.DataFrame, n_evaluable: int, n_analysed: int,
                   criteria: str = "RECIST 1.1", min_cell: int = 0) -> ConsortFigure:
    """Draw the boxes (laid out in inches from their measured text: the exclusions box beside the arrow from
    screened to included, as tall as it needs; evaluable and analysed side by side below). ``criteria``: how
    response was assessed, named in the evaluable box (:func:`consort_boxes`)."""
    boxes = consort_boxes(attrition, n_evaluable, n_analysed, criteria=criteria, min_cell=min_cell)
    by_key = {b.key: b for b in boxes}
    figure, top = start_figure(5.0)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.axis("off")
    pad = BOX_PAD * FONT / 72  # inches of padding inside each box
    side_x = 0.45 * WIDTH  # left edge of the exclusions box's text
    rooms = {"excluded": WIDTH - MARGIN - pad - side_x, "screened": side_x - MARGIN - 2 * pad - 0.3,
             "included": side_x - MARGIN - 2 * pad - 0.3}
    half = WIDTH / 2 - MARGIN - 2 * pad - 0.15  # evaluable and analysed share the last row
    # each line re-wrapped by its measured width (consort_boxes wraps by character count)
    texts = {key: wrap_text(figure, "\n".join(line.replace("\n   ", " ") for line in box.lines), rooms.get(key, half),
                            fontsize=FONT) for key, box in by_key.items()}
    size = {key: text_size(figure, text, fontsize=FONT) for key, text in texts.items()}
    main_x = MARGIN + pad + max(size[k][0] for k in ("screened", "included", "evaluable")) / 2
    analysed_x = WIDTH - MARGIN - pad - size["analysed"][0] / 2

    def height(key):
        return size[key][1] + 2 * pad

    centres = {"screened": top + height("screened") / 2}
    screened_bottom = top + height("screened")
    included_top = screened_bottom + max(0.45, height("excluded") + 0.3)
    centres["excluded"] = (screened_bottom + included_top) / 2
    centres["included"] = included_top + height("included") / 2
    lower_top = included_top + height("included") + 0.45
    lower_height = max(height("evaluable"), height("analysed"))
    centres["evaluable"] = centres["analysed"] = lower_top + lower_height / 2
    total = lower_top + lower_height + MARGIN
    figure.set_size_inches(WIDTH, total)
    axes.set_xlim(0, WIDTH)
    axes.set_ylim(total, 0)  # inches from the top
    style = {"boxstyle": f"square,pad={BOX_PAD}", "facecolor": "white", "edgecolor": "black", "linewidth": 0.8}
    xs = {"screened": main_x, "included": main_x, "evaluable": main_x, "analysed": analysed_x,
          "excluded": side_x}
    for key, text in texts.items():
        axes.text(xs[key], centres[key], text, ha="left" if key == "excluded" else "center", va="center",
                  fontsize=FONT, bbox=style)
    arrow = {"arrowstyle": "-|>", "color": "black", "linewidth": 0.8, "shrinkA": 0, "shrinkB": 0}
    axes.annotate("", xy=(main_x, included_top), xytext=(main_x, screened_bottom), arrowprops=arrow)
    axes.annotate("", xy=(side_x - pad, centres["excluded"]), xytext=(main_x, centres["excluded"]),
                  arrowprops=arrow)
    included_bottom = included_top + height("included")
    axes.annotate("", xy=(main_x, lower_top), xytext=(main_x, included_bottom), arrowprops=arrow)
    axes.annotate("", xy=(analysed_x, lower_top), xytext=(main_x, included_bottom), arrowprops=arrow)
    return ConsortFigure(figure, boxes)
