"""CONSORT-style flow diagram (the seed's Figure 1) from the attrition data: patients screened, excluded with the
number per reason, included, evaluable for response and analysed for survival. The boxes are checked to add up
before anything is drawn (screened − excluded = included; each step's remaining = its start − its exclusions =
the next step's start); a mismatch raises ``ValueError`` rather than drawing a wrong diagram."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd

from ..derive.eligibility import attrition_problems, failure_reason
from .figure_style import apply_style, plt
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class ConsortBox:
    key: str  # screened | excluded | included | evaluable | analysed
    n: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ConsortFigure:
    figure: plt.Figure
    boxes: tuple[ConsortBox, ...]


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
            out.append((failure_reason(words, str(r["kind"]), str(r.get("operator", "") or ""),
                                       str(r.get("value", "") or ""), str(r["criterion"])), by_criterion))
        if by_missing:
            out.append((f"{words} not recorded (missing data)", by_missing))
    return out


def consort_boxes(attrition: pd.DataFrame, n_evaluable: int, n_analysed: int,
                  vocabulary: Vocabulary | None = None) -> tuple[ConsortBox, ...]:
    """The boxes' numbers and words, checked to add up (module docstring)."""
    steps = attrition.sort_values("step").reset_index(drop=True)
    problems = attrition_problems(steps)
    screened, included = int(steps["n_at_step"].iloc[0]), int(steps["n_remaining"].iloc[-1])
    if n_evaluable > included or n_analysed > included:
        problems.append(f"evaluable {n_evaluable} / analysed {n_analysed} exceed the {included} included")
    if problems:
        raise ValueError("the flow diagram does not add up: " + "; ".join(problems))
    reasons = tuple(textwrap.fill(f"• {reason} (n = {n})", 44, subsequent_indent="   ")
                    for reason, n in exclusion_reasons(steps, vocabulary))
    return (ConsortBox("screened", screened, (f"Patients screened (n = {screened})",)),
            ConsortBox("excluded", screened - included, (f"Excluded (n = {screened - included})", *reasons)),
            ConsortBox("included", included, (f"Included and treated (n = {included})",)),
            ConsortBox("evaluable", n_evaluable, (f"Evaluable for response, RECIST 1.1 (n = {n_evaluable})",)),
            ConsortBox("analysed", n_analysed, (f"Analysed for PFS and OS (n = {n_analysed})",)))


def consort_figure(attrition: pd.DataFrame, n_evaluable: int, n_analysed: int,
                   title: str | None = None) -> ConsortFigure:
    apply_style()
    boxes = consort_boxes(attrition, n_evaluable, n_analysed)
    by_key = {b.key: b for b in boxes}
    side_lines = sum(line.count("\n") + 1 for line in by_key["excluded"].lines)
    figure = plt.figure(figsize=(6.5, 4.6 + 0.16 * side_lines))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.axis("off")
    style = {"boxstyle": "square,pad=0.5", "facecolor": "white", "edgecolor": "black", "linewidth": 0.8}

    def box(x, y, key, ha="center"):
        return axes.text(x, y, "\n".join(by_key[key].lines), ha=ha, va="center", fontsize=8, bbox=style)

    arrow = {"arrowstyle": "-|>", "color": "black", "linewidth": 0.8}
    box(0.3, 0.9, "screened")
    box(0.5, 0.66, "excluded", ha="left")
    box(0.3, 0.42, "included")
    box(0.3, 0.14, "evaluable")
    box(0.75, 0.14, "analysed")
    axes.annotate("", xy=(0.3, 0.46), xytext=(0.3, 0.86), arrowprops=arrow)
    axes.annotate("", xy=(0.48, 0.66), xytext=(0.3, 0.66), arrowprops=arrow)
    axes.annotate("", xy=(0.3, 0.18), xytext=(0.3, 0.38), arrowprops=arrow)
    axes.annotate("", xy=(0.75, 0.18), xytext=(0.36, 0.38), arrowprops=arrow)
    if title:
        axes.text(0.02, 0.98, title, ha="left", va="top", fontsize=10)
    return ConsortFigure(figure, boxes)
