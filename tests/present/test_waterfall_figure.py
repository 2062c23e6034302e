"""Waterfall: one bar per patient with a measurement, sorted, coloured by best response, reference lines."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd

from oncocohort.present.waterfall_figure import BOR_COLOURS, waterfall_figure
from oncocohort.stats.proportions import proportion_ci

PATIENTS = pd.DataFrame({"patient_id": ["P1", "P2", "P3", "P4", "P5"],
                         "best_pct_change": [-45.0, 12.0, None, -100.0, 30.0],
                         "best_overall_response": ["PR", "SD", "NE", "CR", "PD"]})


def test_bars_order_colours_and_caption():
    result = waterfall_figure(PATIENTS, proportion_ci(2, 5))
    axes = result.figure.axes[0]
    bars = axes.patches[: len(result.bars)]
    assert len(result.bars) == 4  # P3 has no measurement
    assert [b.get_height() for b in bars] == [30.0, 12.0, -45.0, -100.0]
    assert [mcolors.to_hex(b.get_facecolor()) for b in bars] == [
        BOR_COLOURS[r].lower() for r in ("PD", "SD", "PR", "CR")]
    assert sorted(line.get_ydata()[0] for line in axes.get_lines()) == [-30, 0, 20]
    assert "1 without one not shown" in result.caption
    assert "ORR 2/5 = 40.0% (95% CI, Clopper–Pearson exact: 5.3–85.3%)" in result.caption  # one percent style
    assert not any("P1" in t.get_text() for t in axes.texts)  # no identifiers
    capped = waterfall_figure(PATIENTS.assign(best_pct_change=[-45.0, 250.0, None, -100.0, 30.0]))
    assert capped.figure.axes[0].patches[0].get_height() == 100 and "1 increase above +100%" in capped.caption
    plt.close("all")
