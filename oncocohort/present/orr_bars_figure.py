"""ORR by subgroup: one bar per subgroup level with its exact (or configured) CI as error bars, ``x/n`` above
the bar and each factor's test p under its name (the test is named in ``bars`` and in the report's caption).
Reads :class:`oncocohort.stats.response_summary.SubgroupResponse`."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd

from ..stats.response_summary import SubgroupResponse
from .figure_style import apply_style, plt
from .formatting import p_value


@dataclass(frozen=True)
class OrrBarsFigure:
    figure: plt.Figure
    bars: pd.DataFrame  # factor, level, x, n, orr, lower, upper (percent) in plotted order


def orr_bars_figure(subgroups: tuple[SubgroupResponse, ...], title: str | None = None) -> OrrBarsFigure:
    apply_style()
    bars = pd.DataFrame([{"factor": g.factor, "level": level, "x": e.x, "n": e.n, "orr": 100 * e.estimate,
                          "lower": 100 * e.lower, "upper": 100 * e.upper, "method": e.method_label,
                          "test": g.test.method if g.test else "", "p": g.test.p_value if g.test else None}
                         for g in subgroups for level, e in g.levels])
    figure, axes = plt.subplots(figsize=(6.5, 3.8))
    positions, ticks, x = [], [], 0.0
    for g in subgroups:
        start = x
        for _ in g.levels:
            positions.append(x)
            x += 1
        width = max(12, int(9 * len(g.levels)))
        ticks.append(((start + x - 1) / 2, textwrap.fill(g.factor, width)
                      + (f"\np = {p_value(g.test.p_value)}" if g.test else "")))
        x += 0.8
    axes.bar(positions, bars["orr"], color="#0072B2", width=0.7)
    axes.errorbar(positions, bars["orr"], yerr=[bars["orr"] - bars["lower"], bars["upper"] - bars["orr"]],
                  fmt="none", ecolor="black", capsize=3, linewidth=0.8)
    for position, (_, bar) in zip(positions, bars.iterrows()):
        axes.text(position, bar["upper"] + 2, f"{bar['x']}/{bar['n']}", ha="center", fontsize=7)
    axes.set_xticks(positions, bars["level"], fontsize=8)
    for centre, label in ticks:
        axes.text(centre, -0.16, label, transform=axes.get_xaxis_transform(), ha="center", va="top", fontsize=8)
    axes.set_ylim(0, 110)
    axes.set_ylabel("Objective response rate (%)")
    axes.spines[["top", "right"]].set_visible(False)
    if title:
        axes.set_title(title, loc="left", fontsize=10)
    figure.subplots_adjust(bottom=0.28)
    return OrrBarsFigure(figure, bars)
