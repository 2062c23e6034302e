"""The cumulative-incidence figure: curves drawn are the estimates, the table is the counts at the ticks, the
tests are written with their method, and the layout holds (no overlapping or clipped text) over a grid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.present.cif_figure import cif_figure
from oncocohort.present.figure_style import plt
from oncocohort.stats.competing_risks import competing_risk_table, competing_risks_summary
from tests.present.test_figure_layout import check, curves_along_edges

MGUS2 = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "mgus2_competing.csv")
LABELS = {1: "Progression", 2: "Death without progression"}


def test_curves_and_table_are_the_results():
    summary = competing_risks_summary(MGUS2.etime, MGUS2.event, MGUS2.male.map({0: "F", 1: "M"}))
    times = [0, 120, 240, 360]
    table = competing_risk_table(MGUS2.etime, MGUS2.event, times, MGUS2.male.map({0: "F", 1: "M"}))
    result = cif_figure(list(summary.curves), table, times, cause_labels=LABELS, tests=summary.tests)
    x, y = result.curves["M: Progression"]
    curve = summary.curve(1, "M")
    np.testing.assert_array_equal(y[1:-1], curve.estimate)
    np.testing.assert_array_equal(x[1:-1], curve.time)
    # at risk = patients with follow-up ≥ t, in each group
    males = MGUS2[MGUS2.male == 1]
    assert result.risk_table.loc["M"].tolist() == [int((males.etime >= t).sum()) for t in times]
    assert "Progression: Gray's test χ²(1) = 1.19, p = 0.274" in result.annotation
    check(result.figure)


def test_hand_counts_in_the_table():
    table = competing_risk_table([1, 2, 2, 3, 5], [1, 2, 0, 1, 0], [0, 2, 4])
    assert table.at_risk.tolist() == [5, 4, 1]
    assert table.events_1.tolist() == [0, 1, 2] and table.events_2.tolist() == [0, 1, 1]


@pytest.mark.parametrize("groups", [1, 2, 6])
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
@pytest.mark.parametrize("patients", [6, 3000])
def test_layout(groups, long, patients):
    rng = np.random.default_rng(3)
    time = np.round(rng.exponential(300, patients)) + 1
    status = rng.choice([0, 1, 2], patients, p=[0.3, 0.4, 0.3])
    names = [f"{'Starting dose level with a long descriptive name' if long else 'G'} {i + 1}" for i in range(groups)]
    group = np.array(names)[np.arange(patients) % groups]
    summary = competing_risks_summary(time, status, group if groups > 1 else None)
    times = list(range(0, 1201, 60))
    table = competing_risk_table(time, status, times, group if groups > 1 else None)
    result = cif_figure(list(summary.curves), table, times, cause_labels=LABELS, tests=summary.tests,
                        time_scale=1 / 30.4375, ci_bands=True)
    check(result.figure, (6.5, 12.0))


def test_a_cause_nobody_had_is_drawn_above_the_axis_line():
    """The demo's death without progression (no such death): its incidence stays 0, and the curve at 0 was drawn
    under the x-axis spine, invisible. Every curve (and a curve at the top of the axis) now runs clear of the axes'
    edges."""
    time = np.array([3, 5, 8, 12, 15, 20, 26, 30], float)
    status = np.array([1, 0, 1, 1, 0, 1, 1, 0])  # progression or censored: no death without progression
    summary = competing_risks_summary(time, status, causes=[1, 2])
    times = [0, 10, 20, 30]
    result = cif_figure(list(summary.curves), competing_risk_table(time, status, times), times, cause_labels=LABELS)
    x, y = result.curves["Death without progression"]
    assert (y == 0).all()
    problems = curves_along_edges(result.figure)
    plt.close(result.figure)
    assert problems == []


def test_the_edge_check_finds_a_hidden_curve():
    figure, axes = plt.subplots()
    axes.step([0, 1, 2], [0, 0, 0], where="post", label="hidden")
    axes.plot([0, 1, 2], [1, 0.5, 0.2], label="shown")
    axes.set_ylim(0, 1)
    problems = curves_along_edges(figure)
    plt.close(figure)
    assert problems == ["hidden runs along the bottom edge"]


def test_no_report_curve_is_hidden(demo_results):
    """Every curve panel of the demo report (KM, CIF): no curve along an axis line."""
    from oncocohort.report.build import figure_plans

    for plan in figure_plans(demo_results):
        if plan.key.startswith(("km_", "cif_")):
            _, figure = plan.draw()
            problems = curves_along_edges(figure)
            plt.close(figure)
            assert problems == [], plan.key


def _drawn_styles(result) -> dict[str, tuple[str, str]]:
    """Legend label → (colour, line style) of the curve drawn for it, checked against its legend entry."""
    from matplotlib.colors import to_hex

    legend = result.figure.legends[0]
    entries = {text.get_text(): (to_hex(line.get_color()), line.get_linestyle())
               for text, line in zip(legend.get_texts(), legend.get_lines())}
    axes = result.figure.axes[0]
    drawn = {}
    for label, (x, y) in result.curves.items():
        line = next(line for line in axes.get_lines() if np.array_equal(line.get_xdata(), x)
                    and np.array_equal(line.get_ydata(), y))
        drawn[label] = (to_hex(line.get_color()), line.get_linestyle())
    assert drawn == entries  # every legend entry looks like its curve
    return drawn


def test_one_group_causes_differ_in_colour_and_line_style():
    """One group (the demo): progression and death without progression were both drawn in the group's blue, told
    apart by the dashes alone. Each cause now has its own colour and its own line style (the dashes keep them apart
    in grey-scale print), and the legend shows each as drawn."""
    summary = competing_risks_summary(MGUS2.etime, MGUS2.event)
    times = [0, 120, 240, 360]
    result = cif_figure(list(summary.curves), competing_risk_table(MGUS2.etime, MGUS2.event, times), times,
                        cause_labels=LABELS, tests=summary.tests, ci_bands=True)
    styles = _drawn_styles(result)
    plt.close(result.figure)
    (colour_1, style_1), (colour_2, style_2) = styles["Progression"], styles["Death without progression"]
    assert colour_1 != colour_2 and style_1 != style_2


def test_several_groups_colour_is_the_group_and_line_style_the_cause():
    group = MGUS2.male.map({0: "F", 1: "M"})
    summary = competing_risks_summary(MGUS2.etime, MGUS2.event, group)
    times = [0, 120, 240, 360]
    result = cif_figure(list(summary.curves), competing_risk_table(MGUS2.etime, MGUS2.event, times, group), times,
                        cause_labels=LABELS)
    styles = _drawn_styles(result)
    plt.close(result.figure)
    assert len(set(styles.values())) == 4  # no two curves look alike
    for sex in ("F", "M"):
        assert styles[f"{sex}: Progression"][0] == styles[f"{sex}: Death without progression"][0]
    for cause in LABELS.values():
        assert styles[f"F: {cause}"][1] == styles[f"M: {cause}"][1]
    assert styles["F: Progression"][1] != styles["F: Death without progression"][1]
