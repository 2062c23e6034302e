"""Every figure lays itself out: drawn for a grid of cases (1, 2, 4, 8 groups; short and 40-character labels;
5, 60 and 5,000 patients where meaningful), no two drawn texts overlap and no text leaves the canvas — measured from
the renderer's text extents of the texts actually drawn; legends stay off the data; figures stay bounded.

Drawn at the canvas's own dpi without saving files (the layout is in inches, so it holds at 300 dpi too)."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from matplotlib.legend import Legend
from matplotlib.text import Text

from oncocohort.present.consort_figure import consort_figure
from oncocohort.present.figure_style import plt
from oncocohort.present.forest_figure import forest_figure, forest_rows, subgroup_forest_rows
from oncocohort.present.km_figure import km_figure
from oncocohort.present.orr_bars_figure import orr_bars_figure
from oncocohort.present.spider_figure import spider_figure
from oncocohort.present.swimmer_figure import swimmer_figure
from oncocohort.present.waterfall_figure import waterfall_figure
from oncocohort.stats.cox import cox_model
from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.logrank import logrank_test
from oncocohort.stats.proportions import proportion_ci
from oncocohort.stats.response_summary import SubgroupResponse

TOLERANCE = 0.5  # pixels
LONG = "Histological subtype of the soft tissue sa"  # 40 characters with the index below
GROUPS = (1, 2, 4, 8)
BOR = ("CR", "PR", "SD", "PD", "NE")


def label(i: int, long: bool) -> str:
    return f"{LONG[:37]} {i + 1:02d}" if long else f"G{i + 1}"


@contextmanager
def recording_texts():
    """Collect every Text that matplotlib draws (tick labels outside the view are never drawn, so never counted)."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    with mock.patch.object(Text, "draw", draw):
        yield drawn


def layout_problems(figure) -> list[str]:
    """Overlapping texts and texts outside the canvas, in words (empty: the layout holds)."""
    with recording_texts() as drawn:
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    width, height = figure.canvas.get_width_height()
    boxes = [(t, t.get_window_extent(renderer)) for t in drawn]
    problems = []
    for text, box in boxes:
        if box.x0 < -TOLERANCE or box.y0 < -TOLERANCE or box.x1 > width + TOLERANCE or box.y1 > height + TOLERANCE:
            problems.append(f"outside the canvas: {text.get_text()!r} {box.extents.round(1)} in {width}×{height}")
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if (box_a.x0 < box_b.x1 - TOLERANCE and box_b.x0 < box_a.x1 - TOLERANCE
                    and box_a.y0 < box_b.y1 - TOLERANCE and box_b.y0 < box_a.y1 - TOLERANCE):
                problems.append(f"overlap: {a.get_text()!r} and {b.get_text()!r}")
    for legend in figure.findobj(Legend):
        box = legend.get_window_extent(renderer)
        for axes in figure.axes:
            if axes.axison and box.overlaps(axes.bbox):
                problems.append(f"legend over the data: {[t.get_text() for t in legend.get_texts()]}")
    return problems


def curves_along_edges(figure) -> list[str]:
    """Segments of drawn lines that run along an edge of their axes — under a spine (a curve at 0 drawn on the
    x-axis line) or on the clip edge (half of its width cut off) — measured in display pixels, steps expanded as
    drawn. A segment ending at an edge (a drop to 0) is visible and not counted."""
    from matplotlib.cbook import STEP_LOOKUP_MAP

    figure.canvas.draw()
    problems = []
    for axes in figure.axes:
        if not axes.axison:
            continue
        box = axes.bbox
        for line in axes.get_lines():
            if line.get_linestyle() in ("None", "none", "", " ") or len(line.get_xdata()) < 2:
                continue
            steps = STEP_LOOKUP_MAP[line.get_drawstyle()](np.asarray(line.get_xdata(), float),
                                                          np.asarray(line.get_ydata(), float))
            xy = line.get_transform().transform(np.column_stack(steps))
            near = line.get_linewidth() * figure.dpi / 72 / 2 + 0.5  # half the line's width in pixels
            for (xa, ya), (xb, yb) in zip(xy, xy[1:]):
                for edge, horizontal, at in (("bottom", True, box.y0), ("top", True, box.y1),
                                             ("left", False, box.x0), ("right", False, box.x1)):
                    a, b = (ya, yb) if horizontal else (xa, xb)
                    length = abs(xb - xa) if horizontal else abs(yb - ya)
                    if abs(a - at) < near and abs(b - at) < near and length > near:
                        problems.append(f"{line.get_label() or 'a line'} runs along the {edge} edge")
    return sorted(set(problems))


def check(figure, max_inches=(6.5, 11.0)):
    problems = layout_problems(figure)
    size = figure.get_size_inches()
    plt.close(figure)
    assert not problems, "\n".join(problems[:10])
    assert size[0] <= max_inches[0] + 1e-9 and size[1] <= max_inches[1], f"canvas {size} inches"


def test_the_check_catches_overlap_and_clipping():
    """The check itself can fail: two texts on top of each other and one past the edge are reported."""
    figure = plt.figure(figsize=(3, 2))
    figure.text(0.5, 0.5, "one")
    figure.text(0.5, 0.5, "two")
    figure.text(0.95, 0.1, "past the right edge")
    problems = layout_problems(figure)
    plt.close(figure)
    assert any(p.startswith("overlap") for p in problems)
    assert any(p.startswith("outside") for p in problems)


# ------------------------------------------------------------------------------------------------ Kaplan–Meier

def km_case(groups: int, patients: int, long: bool, seed: int = 7):
    rng = np.random.default_rng(seed)
    per = max(1, patients // groups)
    curves, times, events, names = {}, [], [], []
    for i in range(groups):
        t = np.round(rng.exponential(250 * (1 + i / 3), per)) + 1
        e = (rng.random(per) < 0.75).astype(int)
        curves[label(i, long)] = kaplan_meier(t, e)
        times += list(t)
        events += list(e)
        names += [label(i, long)] * per
    test = logrank_test(np.array(times), np.array(events), np.array(names)) if groups > 1 else None
    return curves, test


@pytest.mark.parametrize("groups", GROUPS)
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
@pytest.mark.parametrize("patients", [5, 5000])
def test_km_layout(groups, long, patients):
    curves, test = km_case(groups, max(patients, groups), long)
    kmunicate = groups in (2, 8)  # both tables on the grid without doubling it
    result = km_figure(curves, list(range(0, 121, 6)), time_scale=1 / 30.4375, xlabel="Time (months)",
                       ylabel="Progression-free survival", test=test, kmunicate=kmunicate,
                       annotation="Median follow-up 20.1 months (reverse Kaplan–Meier)")
    assert list(result.risk_table.index) == list(curves)
    check(result.figure, (6.5, 12.0))


def test_km_risk_numbers_sit_at_the_ticks_below_the_axis_title():
    curves, test = km_case(4, 400, True)
    result = km_figure(curves, [0, 6, 12, 18, 24], time_scale=1 / 30.4375, xlabel="Time (months)", test=test)
    figure = result.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes, risk_axes = figure.axes[0], figure.axes[1]
    ticks = {t.get_text(): t.get_window_extent(renderer) for t in axes.get_xticklabels() if t.get_text()}
    axis_title = axes.xaxis.label.get_window_extent(renderer)
    numbers = [t for t in risk_axes.texts if t.get_text().isdigit()]
    for t in numbers:
        box = t.get_window_extent(renderer)
        assert box.y1 < axis_title.y0  # the whole table is under the axis title
        tick = ticks[f"{t.get_position()[0]:g}"]
        assert abs((box.x0 + box.x1) / 2 - (tick.x0 + tick.x1) / 2) < 1.0  # centred on its tick
    label_boxes = [t.get_window_extent(renderer) for t in risk_axes.texts if t.get_text() in curves]
    assert label_boxes and min(b.x0 for b in label_boxes) >= 0  # row labels inside the canvas
    plt.close(figure)


def test_km_single_curve_label_is_not_clipped():
    """The original risk table put a long row label left of the canvas ("on-free survival")."""
    curves, _ = km_case(1, 60, False)
    result = km_figure({"Progression-free survival": curves["G1"]}, range(0, 37, 6), time_scale=1 / 30.4375)
    check(result.figure)


def test_km_dense_ticks_are_thinned_and_the_table_follows():
    curves, _ = km_case(2, 5000, False)
    result = km_figure(curves, np.arange(0, 121, 2.0), time_scale=1 / 30.4375)
    shown = list(result.risk_table.columns)
    assert 2 < len(shown) < 61 and shown[0] == 0
    assert [float(t) for t in result.figure.axes[0].get_xticks()] == shown
    check(result.figure)


def test_kmunicate_table_counts_add_up():
    curves, test = km_case(2, 60, False)
    result = km_figure(curves, [0, 6, 12, 18], time_scale=1 / 30.4375, kmunicate=True, test=test)
    for group, fit in curves.items():
        assert result.censored.loc[group].iloc[-1] <= fit.n_censor.sum()
        assert result.events.loc[group].is_monotonic_increasing
    assert result.layout["table"] == "kmunicate"
    assert "Log-rank" in result.annotation or "log-rank" in result.annotation
    axes = result.figure.axes[0]
    assert any(c.get_alpha() == 0.15 for c in axes.collections)  # CI bands
    check(result.figure)


# ------------------------------------------------------------------------------------------------ forest

def forest_case(groups: int, long: bool, patients: int = 400, seed: int = 3):
    """A two-factor Cox model: 'factor' with ``groups`` levels (≥ 2) and a binary 'ecog'."""
    rng = np.random.default_rng(seed)
    levels = [label(i, long) for i in range(max(groups, 2))]
    data = pd.DataFrame({"factor": rng.choice(levels, patients), "ecog": rng.choice(["0-1", "2"], patients)})
    data["time"] = rng.exponential(10, patients).round(2) + 0.01
    data["event"] = (rng.random(patients) < 0.7).astype(int)
    model = cox_model(data, "time", "event", ["factor", "ecog"], categorical=["factor", "ecog"])
    univariable = tuple((f, cox_model(data, "time", "event", [f], categorical=[f])) for f in ("factor", "ecog"))
    subgroups = []
    for field in ("factor", "ecog"):
        lv = [SimpleNamespace(level=v, n=int((data[field] == v).sum()),
                              events=int(data.loc[data[field] == v, "event"].sum()))
              for v in sorted(data[field].unique())]
        subgroups.append(SimpleNamespace(field=field, levels=tuple(lv)))
    labels = {"factor": "Histological subtype of the soft tissue s" if long else "Histology", "ecog": "ECOG"}
    return model, univariable, subgroups, labels


@pytest.mark.parametrize("groups", GROUPS)
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
@pytest.mark.parametrize("patients", [400, 40])  # 40: intervals from 0.1 to 40, the axis labels must be thinned
def test_forest_layout(groups, long, patients):
    model, univariable, subgroups, labels = forest_case(groups, long, patients)
    rows = forest_rows(model, labels, subgroups)
    assert (rows["kind"] == "reference").sum() == 2 and rows.loc[rows["kind"] == "reference", "hr"].eq(1).all()
    check(forest_figure(rows).figure)
    check(forest_figure(subgroup_forest_rows(univariable, labels, subgroups)).figure)


def test_forest_reference_rows_n_events_and_the_factor_test():
    model, univariable, subgroups, labels = forest_case(4, False)
    rows = forest_rows(model, labels, subgroups)
    histology = rows[rows["factor"] == "Histology"]
    assert list(histology["kind"]) == ["factor", "reference", "term", "term", "term"]
    assert list(histology["label"].iloc[1:]) == ["G1", "G2", "G3", "G4"]  # the model's reference: the first level
    assert histology["n"].iloc[1:].sum() == 400
    by_name = {t.name: t for t in model.terms}
    assert histology["hr"].iloc[2] == by_name["factor[G2]"].hr
    sub = subgroup_forest_rows(univariable, labels, subgroups)
    heading = sub[(sub["kind"] == "factor") & (sub["factor"] == "Histology")].iloc[0]
    assert heading["p"] == univariable[0][1].lr_p and heading["test"] == "likelihood-ratio test, df = 3"
    figure = forest_figure(sub).figure
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts.count("1 (reference)") == 2 and "n" in texts and "Events" in texts
    plt.close(figure)


# ------------------------------------------------------------------------------------------------ per-patient figures

def patients_case(n: int, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2020-01-01")
    index_date = start + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    treatment = rng.integers(20, 900, n)
    bor = rng.choice(BOR, n)
    best = np.where(bor == "NE", np.nan, rng.uniform(-100, 150, n))
    os_time = (treatment + rng.integers(0, 400, n)) / 30.4375
    patients = pd.DataFrame({
        "patient_id": [f"P{i:05d}" for i in range(n)], "index_date": index_date,
        "last_dose_date": index_date + pd.to_timedelta(treatment, unit="D"),
        "ongoing_at_cutoff": rng.random(n) < 0.1,
        "first_response_date": np.where(np.isin(bor, ["CR", "PR"]), index_date + pd.Timedelta(days=60), pd.NaT),
        "progression_date": np.where(rng.random(n) < 0.6, index_date + pd.to_timedelta(treatment, unit="D"), pd.NaT),
        "best_overall_response": bor, "best_pct_change": best, "os_time": os_time,
        "os_event": (rng.random(n) < 0.5).astype(int)})
    patients["first_response_date"] = pd.to_datetime(patients["first_response_date"])
    patients["progression_date"] = pd.to_datetime(patients["progression_date"])
    visits = []
    for _, p in patients.iterrows():
        if np.isnan(p["best_pct_change"]):
            continue
        for k in range(4):
            visits.append({"patient_id": p["patient_id"], "pct_from_baseline": p["best_pct_change"] * k / 3,
                           "assessment_date": p["index_date"] + pd.Timedelta(days=56 * k)})
    return patients, pd.DataFrame(visits)


@pytest.fixture(scope="module", params=[5, 60, 5000], ids=lambda n: f"{n}_patients")
def cohort(request):
    return request.param, *patients_case(request.param)


def test_waterfall_layout(cohort):
    n, patients, _ = cohort
    result = waterfall_figure(patients, proportion_ci(1, n))
    assert len(result.bars) == patients["best_pct_change"].notna().sum()  # every patient with a measurement drawn
    assert result.layout["bars"] == ("patches" if n <= 300 else "raster collection")
    check(result.figure, (6.5, 6.0))


def test_spider_layout_and_sample(cohort):
    n, patients, visits = cohort
    result = spider_figure(visits, patients)
    with_lines = visits["patient_id"].nunique()
    assert result.n_patients == with_lines
    assert result.lines["patient_id"].nunique() == min(with_lines, 60)
    assert (result.sample == "all") == (with_lines <= 60)
    if with_lines > 60:
        assert "60 of" in result.caption and "evenly spaced ranks of best % change" in result.caption
        shown = patients.set_index("patient_id").loc[result.lines["patient_id"].unique(), "best_pct_change"]
        assert shown.max() == patients["best_pct_change"].max() and shown.min() == patients["best_pct_change"].min()
    check(result.figure, (6.5, 6.0))


def test_swimmer_layout_and_sample(cohort):
    n, patients, _ = cohort
    result = swimmer_figure(patients)
    assert result.n_patients == n and len(result.lanes) == min(n, 60)
    assert result.lanes["treatment"].is_monotonic_decreasing
    if n > 60:
        assert result.sample != "all" and "Shown: 60 of 5000 patients" in result.caption
    check(result.figure, (6.5, 9.0))


# ------------------------------------------------------------------------------------------------ ORR bars, CONSORT

@pytest.mark.parametrize("groups", GROUPS)
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
def test_orr_bars_layout(groups, long):
    test = SimpleNamespace(method="Fisher's exact test", p_value=0.0312)
    factors = []
    for f, levels in enumerate((groups, 2)):
        rates = tuple((label(i, long), proportion_ci(min(i + 1, 40), 4990 + i)) for i in range(levels))
        factors.append(SubgroupResponse(("Histological subtype of the soft tissue s" if long else "Histology")
                                        + (f" {f}" if f else ""), rates, test))
    check(orr_bars_figure(tuple(factors)).figure)


@pytest.mark.parametrize("reasons", [1, 8])
def test_consort_layout(reasons):
    criteria = [f"{LONG[:36]} {i:03d}" for i in range(reasons)]
    excluded = [5 + i for i in range(reasons)]
    remaining = 5000 - np.cumsum(excluded)
    attrition = pd.DataFrame({"step": range(1, reasons + 1), "criterion": criteria,
                              "n_at_step": np.concatenate([[5000], remaining[:-1]]), "n_excluded": excluded,
                              "n_remaining": remaining})
    included = int(remaining[-1])
    check(consort_figure(attrition, included - 3, included - 1).figure)


def test_forest_factor_not_estimable_is_said_in_the_figure():
    model, univariable, subgroups, labels = forest_case(2, False)
    broken = ((univariable[0][0], SimpleNamespace(reason="no events")), univariable[1])
    rows = subgroup_forest_rows(broken, labels, subgroups)
    figure = forest_figure(rows).figure
    assert "not estimable: no events" in [t.get_text() for t in figure.axes[0].texts]
    check(figure)
