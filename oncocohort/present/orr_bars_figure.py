"""ORR by subgroup: one bar per subgroup level with its exact (or configured) CI as error bars, ``x/n`` above
the bar and each factor's test p under its name (the test is named in ``bars`` and in the report's caption).
Reads :class:`oncocohort.stats.response_summary.SubgroupResponse`.

Layout from measured text: level labels wrapped to their bar's width (turned upright when bars are too narrow for
a word), factor names wrapped to their group's span under the level labels, ``x/n`` turned upright when wider than
a bar."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from matplotlib.transforms import offset_copy

from ..stats.response_summary import SubgroupResponse
from .figure_style import (
    GAP,
    MARGIN,
    WIDTH,
    decorations,
    layout_panel,
    plt,
    start_figure,
    text_size,
    wrap_text,
)
from .formatting import p_text

PANEL_HEIGHT = 2.6  # inches
FONT = 8  # points
GROUP_GAP = 0.8  # bar widths between factors


@dataclass(frozen=True)
class OrrBarsFigure:
    figure: plt.Figure
    bars: pd.DataFrame  # factor, level, x, n, orr, lower, upper (percent) in plotted order


def orr_bars_figure(subgroups: tuple[SubgroupResponse, ...]) -> OrrBarsFigure:
    bars = pd.DataFrame([{"factor": g.factor, "level": level, "x": e.x, "n": e.n, "orr": 100 * e.estimate,
                          "lower": 100 * e.lower, "upper": 100 * e.upper, "method": e.method_label,
                          "test": g.test.method if g.test else "", "p": g.test.p_value if g.test else None}
                         for g in subgroups for level, e in g.levels])
    figure, top = start_figure(4.0)
    positions, groups, x = [], [], 0.0
    for g in subgroups:
        start = x
        for _ in g.levels:
            positions.append(x)
            x += 1
        groups.append((start - 0.5, x - 0.5, g))
        x += GROUP_GAP
    span = max(x - GROUP_GAP, 1.0) + 0.2
    per_bar = (WIDTH - 2 * MARGIN - 0.7) / span * 0.9  # inches per bar (the y axis takes about 0.7 in)
    axes = figure.add_axes((0.2, 0.3, 0.6, 0.5))
    axes.bar(positions, bars["orr"], color="#0072B2", width=0.7)
    axes.errorbar(positions, bars["orr"], yerr=[bars["orr"] - bars["lower"], bars["upper"] - bars["orr"]],
                  fmt="none", ecolor="black", capsize=3, linewidth=0.8)
    counts = [f"{bar['x']}/{bar['n']}" for _, bar in bars.iterrows()]
    upright = any(text_size(figure, c, fontsize=FONT - 1)[0] > per_bar * 0.95 for c in counts)
    tallest = max([text_size(figure, c, fontsize=FONT - 1)[0 if upright else 1] for c in counts], default=0.0)
    axes.set_ylim(0, 100 + 2 + (tallest + 0.05) / PANEL_HEIGHT * 110)
    axes.set_yticks(range(0, 101, 20))
    for position, (_, bar), count in zip(positions, bars.iterrows(), counts):
        axes.text(position, bar["upper"] + 2, count, ha="center", va="bottom", fontsize=FONT - 1,
                  rotation=90 if upright else 0)
    words = [w for level in bars["level"] for w in str(level).split()]
    narrow = any(text_size(figure, w, fontsize=FONT)[0] > per_bar * 0.95 for w in words)
    levels = [str(v) if narrow else wrap_text(figure, str(v), per_bar * 0.95, fontsize=FONT) for v in bars["level"]]
    axes.set_xticks(positions, levels, fontsize=FONT, rotation=90 if narrow else 0)
    axes.set_xlim(-0.6, span - 0.6)
    axes.set_ylabel("Objective response rate (%)")
    axes.spines[["top", "right"]].set_visible(False)
    level_room = decorations(axes)[1]
    factor_texts = []
    for left, right, g in groups:
        width = (right - left + GROUP_GAP * 0.9) * per_bar
        label = g.factor + (f"\n{p_text(g.test.p_value)}" if g.test else "")
        factor_texts.append(((left + right) / 2, wrap_text(figure, label, width, fontsize=FONT)))
    factor_room = max([text_size(figure, t, fontsize=FONT)[1] for _, t in factor_texts], default=0.0)
    layout_panel(axes, top, PANEL_HEIGHT, bottom_room=factor_room + GAP)
    below = offset_copy(axes.get_xaxis_transform(), fig=figure, x=0, y=-(level_room + GAP), units="inches")
    for centre, text in factor_texts:
        axes.text(centre, 0, text, transform=below, ha="center", va="top", fontsize=FONT, in_layout=False)
    return OrrBarsFigure(figure, bars)
