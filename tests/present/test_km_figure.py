"""Kaplan–Meier figure: one curve per group, censor marks, risk table equal to the fit's numbers at risk,
300 dpi PNG / SVG / PDF written deterministically."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from oncocohort.present.km_figure import km_figure, save_figure
from oncocohort.stats.kaplan_meier import kaplan_meier, number_at_risk
from tests.stats.reference import r_reference

LUNG = r_reference()["data"]["lung"]


def curves():
    time, status, sex = (np.array(LUNG[k], float) for k in ("time", "status", "sex"))
    return {"Male": kaplan_meier(time[sex == 1], status[sex == 1]),
            "Female": kaplan_meier(time[sex == 2], status[sex == 2])}


def test_structure_and_risk_table(tmp_path):
    fits = curves()
    result = km_figure(fits, [0, 6, 12, 18, 24, 30], time_scale=1 / 30.4375, annotation="log-rank p = 0.0013")
    axes = result.figure.axes[0]
    steps = [line for line in axes.get_lines() if line.get_drawstyle() == "steps-post"]
    assert len(steps) == 2
    marks = [line for line in axes.get_lines() if line.get_marker() == "|"]
    assert [len(m.get_xdata()) for m in marks] == [int((f.n_censor > 0).sum()) for f in fits.values()]
    for label, fit in fits.items():
        expected = number_at_risk(fit, [t * 30.4375 for t in [0, 6, 12, 18, 24, 30]])
        assert result.risk_table.loc[label].tolist() == expected
    assert result.risk_table.loc["Male", 0] == 137
    texts = [t.get_text() for t in result.figure.axes[1].texts]
    assert "137" in texts and "Female" in texts
    paths = save_figure(result.figure, tmp_path / "km")
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"]
    assert round(Image.open(paths[0]).info["dpi"][0]) == 300
    again = km_figure(curves(), [0, 6, 12, 18, 24, 30], time_scale=1 / 30.4375)
    first = km_figure(curves(), [0, 6, 12, 18, 24, 30], time_scale=1 / 30.4375)
    save_figure(first.figure, tmp_path / "a")
    save_figure(again.figure, tmp_path / "b")
    for suffix in (".svg", ".pdf", ".png"):
        assert (tmp_path / f"a{suffix}").read_bytes() == (tmp_path / f"b{suffix}").read_bytes(), suffix
    plt.close("all")


def lines_under(text, axes) -> list:
    """The drawn lines (curves, median lines) whose path crosses ``text``'s box on the canvas."""
    renderer = axes.figure.canvas.get_renderer()
    box = text.get_window_extent(renderer)
    return [line for line in axes.get_lines() if line.get_visible() and line.get_linestyle() not in ("None", "none")
            and line.get_transform().transform_path(line.get_path()).intersects_bbox(box, filled=False)]


def test_the_panel_text_goes_to_a_corner_no_line_crosses(demo_results):
    """The demo's PFS panel text was written across the median line (lower left: the line's sampled points fell
    outside the box) while the upper right was empty."""
    pfs = next(e for e in demo_results.survival if e.endpoint == "PFS")
    result = km_figure({"PFS": pfs.fit}, [0, 6, 12, 18, 24, 30, 36], xlabel="Time (months)",
                       ylabel="Progression-free survival", annotation="Median 7.6 months; 24 events / 32 patients")
    axes = result.figure.axes[0]
    result.figure.canvas.draw()
    annotation = next(t for t in axes.texts if t.get_text().startswith("Median"))
    crossing = lines_under(annotation, axes)
    plt.close(result.figure)
    assert crossing == []
