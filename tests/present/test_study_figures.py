"""Structural tests of the figures drawn from a study's results (demo cohort): what is drawn matches the data."""

from __future__ import annotations

import numpy as np
import pytest

from oncocohort.present.consort_figure import consort_boxes, consort_figure
from oncocohort.present.figure_style import plt
from oncocohort.present.forest_figure import forest_figure, forest_rows
from oncocohort.present.orr_bars_figure import orr_bars_figure
from oncocohort.present.spider_figure import spider_figure
from oncocohort.present.swimmer_figure import swimmer_figure


def test_spider_one_line_per_patient_starting_at_zero(demo_results):
    fig = spider_figure(demo_results.visits, demo_results.patients)
    lines = [line for line in fig.figure.axes[0].get_lines() if len(line.get_xdata()) > 2 or
             line.get_linestyle() == "-" and line.get_marker() == "o"]
    assert len(lines) == demo_results.n_included
    first = fig.lines.groupby("patient_id").first()
    assert (first["time"] == 0).all() and (first["pct_change"] == 0).all()
    plt.close(fig.figure)


def test_swimmer_lanes(demo_results):
    fig = swimmer_figure(demo_results.patients)
    lanes = fig.lanes
    assert len(lanes) == demo_results.n_included
    assert lanes["treatment"].is_monotonic_decreasing
    assert int(lanes["ongoing"].sum()) == 3 and int(lanes["death"].notna().sum()) == 21
    bars = [p for p in fig.figure.axes[0].patches if p.get_width() > 0]
    assert len(bars) == demo_results.n_included
    plt.close(fig.figure)


def test_forest_rows_match_the_model(demo_results):
    cox = next(c for c in demo_results.cox if c.endpoint == "PFS")
    rows = forest_rows(cox.multivariable, {"ecog": "ECOG"})
    assert len(rows) == len(cox.multivariable.terms)
    assert rows["label"].iloc[0] == "ECOG: 2"
    assert np.allclose(rows["hr"], [t.hr for t in cox.multivariable.terms])
    fig = forest_figure(rows)
    plt.close(fig.figure)


def test_orr_bars_one_per_level_with_exact_ci(demo_results):
    fig = orr_bars_figure(demo_results.response_subgroups)
    assert len(fig.bars) == sum(len(g.levels) for g in demo_results.response_subgroups)
    asps = fig.bars[fig.bars["level"] == "ASPS"].iloc[0]
    assert (asps["x"], asps["n"], round(asps["lower"], 1), round(asps["upper"], 1)) == (4, 7, 18.4, 90.1)
    heights = sorted(round(p.get_height(), 6) for p in fig.figure.axes[0].patches)
    assert heights == sorted(round(v, 6) for v in fig.bars["orr"])
    plt.close(fig.figure)


def test_consort_boxes_add_up_and_a_mismatch_refuses(demo_results):
    boxes = {b.key: b for b in consort_boxes(demo_results.attrition, 32, 32)}
    assert boxes["screened"].n - boxes["excluded"].n == boxes["included"].n == 32
    broken = demo_results.attrition.copy()
    broken.loc[0, "n_remaining"] -= 1
    with pytest.raises(ValueError, match="does not add up"):
        consort_figure(broken, 32, 32)
