"""The one title rule of present/figure_style.py, over every figure builder: no figure has a title in its image (the
caption under it, "Figure N. …", carries the title in HTML and DOCX); axis titles, legends, panel texts and notes
stay. Checked from the texts the renderer actually draws, for each builder and for every figure of the demo
report."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from oncocohort.present import (
    cif_figure,
    consort_figure,
    forest_figure,
    km_figure,
    orr_bars_figure,
    spider_figure,
    swimmer_figure,
    waterfall_figure,
)
from oncocohort.present.figure_style import plt
from oncocohort.stats.competing_risks import competing_risk_table, competing_risks_summary
from oncocohort.stats.proportions import proportion_ci
from oncocohort.stats.response_summary import SubgroupResponse
from tests.present.test_figure_layout import forest_case, km_case, patients_case, recording_texts

BUILDERS = {"km": km_figure.km_figure, "cif": cif_figure.cif_figure, "forest": forest_figure.forest_figure,
            "waterfall": waterfall_figure.waterfall_figure, "spider": spider_figure.spider_figure,
            "swimmer": swimmer_figure.swimmer_figure, "orr_bars": orr_bars_figure.orr_bars_figure,
            "consort": consort_figure.consort_figure}


def in_image_titles(figure) -> list[str]:
    """Titles drawn in the image: an axes title, a suptitle, or a figure-level text above every axes (where a title
    sits) — read from the texts the renderer draws."""
    with recording_texts() as drawn:
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    shown = [axes for axes in figure.axes if axes.axison or axes.texts]
    top_of_content = max(axes.get_window_extent(renderer).y1 for axes in shown)
    titles = []
    for text in drawn:
        is_axes_title = any(text in (axes.title, axes._left_title, axes._right_title) for axes in figure.axes)
        is_suptitle = text is getattr(figure, "_suptitle", None)
        above_content = text in figure.texts and text.get_window_extent(renderer).y0 >= top_of_content
        if is_axes_title or is_suptitle or above_content:
            titles.append(text.get_text())
    return titles


def _cif():
    rng = np.random.default_rng(5)
    time, status = np.round(rng.exponential(300, 60)) + 1, rng.choice([0, 1, 2], 60)
    group = np.where(np.arange(60) % 2, "A", "B")
    summary = competing_risks_summary(time, status, group)
    times = [0, 120, 240, 360]
    return cif_figure.cif_figure(list(summary.curves), competing_risk_table(time, status, times, group), times,
                                 cause_labels={1: "Progression", 2: "Death"}, tests=summary.tests).figure


def _orr_bars():
    test = SimpleNamespace(method="Fisher's exact test", p_value=0.2)
    rates = tuple((f"G{i}", proportion_ci(i + 1, 10)) for i in range(3))
    return orr_bars_figure.orr_bars_figure((SubgroupResponse("Histology", rates, test),)).figure


def _consort():
    attrition = pd.DataFrame({"step": [1, 2], "criterion": ["Age ≥ 18 years", "Measurable disease"],
                              "n_at_step": [40, 38], "n_excluded": [2, 3], "n_remaining": [38, 35]})
    return consort_figure.consort_figure(attrition, 33, 35).figure


def _drawn(kind: str):
    patients, visits = patients_case(20)
    if kind == "km":
        curves, test = km_case(2, 60, False)
        return km_figure.km_figure(curves, [0, 6, 12, 18], time_scale=1 / 30.4375, test=test).figure
    if kind == "cif":
        return _cif()
    if kind == "forest":
        model, _, subgroups, labels = forest_case(3, False)
        return forest_figure.forest_figure(forest_figure.forest_rows(model, labels, subgroups)).figure
    if kind == "waterfall":
        return waterfall_figure.waterfall_figure(patients, proportion_ci(4, 20)).figure
    if kind == "spider":
        return spider_figure.spider_figure(visits, patients).figure
    if kind == "swimmer":
        return swimmer_figure.swimmer_figure(patients).figure
    if kind == "orr_bars":
        return _orr_bars()
    return _consort()


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_no_figure_draws_a_title(kind):
    """Each builder: no ``title`` argument to ask for one, and none drawn."""
    assert "title" not in inspect.signature(BUILDERS[kind]).parameters
    figure = _drawn(kind)
    titles = in_image_titles(figure)
    plt.close(figure)
    assert titles == []


def test_the_check_finds_a_title():
    """The check can fail: a figure-level text above the axes, an axes title and a suptitle are each found."""
    figure = _drawn("km")
    figure.text(0.01, 0.999, "Progression-free survival by histology", va="top")
    figure.axes[0].set_title("PFS")
    figure.suptitle("Figure title")
    titles = in_image_titles(figure)
    plt.close(figure)
    assert set(titles) == {"Progression-free survival by histology", "PFS", "Figure title"}


def test_no_report_figure_has_a_title_and_each_has_a_numbered_caption_text(demo_results):
    """Every figure of the demo report (build.py's figure plans, drawn as the report draws them): no title in the
    image; the caption, which carries it, is a sentence."""
    from oncocohort.report.build import figure_plans

    plans = figure_plans(demo_results)
    assert len(plans) >= 10
    for plan in plans:
        caption, figure = plan.draw()
        titles = in_image_titles(figure)
        plt.close(figure)
        assert titles == [], plan.key
        assert caption[:1].isupper() and caption.endswith("."), (plan.key, caption)
