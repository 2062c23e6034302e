"""Forest plots of hazard ratios with their CIs on a log axis: one row per Cox term, the line of no effect at 1,
and columns of text beside the plot — label, n, events, HR (CI) and p.

Two kinds of rows, both read from Cox models (:class:`oncocohort.stats.cox.CoxModel` or the Firth model) and, for
n and events, from the subgroup Kaplan–Meier summaries (:class:`oncocohort.stats.study_analysis.SubgroupSurvival`):

- :func:`forest_rows`: the terms of one model (the multivariable model), each factor under a heading row with its
  reference level shown as "1 (reference)", as in the tables; p is each term's Wald p (or the Firth model's
  penalised-likelihood p).
- :func:`subgroup_forest_rows`: the per-subgroup HR forest — each factor's levels against its reference level from
  the factor's own univariable Cox model, with the test of the factor on its heading row (the model's
  likelihood-ratio test, df = levels − 1; penalised likelihood-ratio for Firth). A single-arm cohort has no
  treatment arm, so this is the HR of each subgroup level, not a treatment-by-subgroup interaction.

n and events per level count the patients with data for the factor (the subgroup's Kaplan–Meier); a multivariable
model fitted on complete cases may use fewer (its n is in the returned rows' attrs["model_n"]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import blended_transform_factory

from ..engine.suppression import is_suppressed
from .figure_style import GAP, MARGIN, WIDTH, decorations, place_axes, plt, start_figure, text_size, wrap_text
from .formatting import REFERENCE_HR, estimate_ci, p_value

COLUMNS = ["label", "hr", "lower", "upper", "p", "kind", "factor", "level", "n", "events", "test"]
FONT = 8  # points
LABEL_LIMIT = 2.4  # inches: longer row labels are wrapped
MIN_PLOT = 1.4  # inches: the plot column is never narrower
COLUMN_GAP = 0.14  # inches between text columns
INDENT = 0.14  # inches: levels under their factor's heading
COLOUR = "#0072B2"


@dataclass(frozen=True)
class ForestFigure:
    figure: plt.Figure
    rows: pd.DataFrame  # label, hr, lower, upper, p, kind (factor | reference | term), factor, level, n, events


def _split(term_name: str) -> tuple[str, str]:
    field, _, level = term_name.partition("[")
    return field, level.rstrip("]")


def _levels(subgroups) -> dict[str, tuple]:
    return {g.field: g.levels for g in (subgroups or ())}


def _factor_rows(field, terms, labels, levels, *, test_p=None, test="", level_p=True, reference=None) -> list[dict]:
    """A factor's heading row, its reference level and its terms (in the subgroup's level order when known; else
    the terms in the model's order under ``reference``, the level the model codes them against, when given)."""
    name = labels.get(field, field)
    by_level = {_split(t.name)[1]: t for t in terms}
    known = levels.get(field)
    rows = [{"label": name, "kind": "factor", "factor": name, "level": "", "p": test_p, "test": test}]
    if known:
        reference = next((lv for lv in known if lv.level not in by_level), None)
        for lv in known:
            term = by_level.get(lv.level)
            if term is None:
                kind = "reference" if lv is reference else "absent"
                rows.append({"label": lv.level, "kind": kind, "factor": name, "level": lv.level, "n": lv.n,
                             "events": lv.events, "hr": 1.0 if kind == "reference" else np.nan})
            else:
                rows.append({"label": lv.level, "kind": "term", "factor": name, "level": lv.level, "n": lv.n,
                             "events": lv.events, "hr": term.hr, "lower": term.lower, "upper": term.upper,
                             "p": term.p_value if level_p else None})
    else:  # levels unknown: the reference level when known, then the terms, each named after its level
        if reference is not None:
            rows.append({"label": reference, "kind": "reference", "factor": name, "level": reference, "hr": 1.0})
        for level, term in by_level.items():
            rows.append({"label": level, "kind": "term", "factor": name, "level": level, "hr": term.hr,
                         "lower": term.lower, "upper": term.upper, "p": term.p_value if level_p else None})
    return rows


def forest_rows(model, labels: dict[str, str] | None = None, subgroups=None,
                references: dict[str, str] | None = None) -> pd.DataFrame:
    """The terms of one Cox model. Without ``subgroups``: one row per term, a treatment-coded term ``field[level]``
    labelled ``<field's label>: <level>`` (``labels`` maps fields to words). With ``subgroups`` (the subgroup
    survival summaries of the same endpoint): each factor under a heading row, its reference level (the level the
    model codes the others against) as a "1 (reference)" row, and n and events per level; a covariate that is not a
    subgroup gets its reference row from ``references`` (``CoxAnalysis.references``: field → reference level)."""
    labels, references = labels or {}, references or {}
    terms = list(getattr(model, "terms", ()))
    if subgroups is None:
        rows = []
        for term in terms:
            field, level = _split(term.name)
            name = labels.get(field, field)
            rows.append({"label": f"{name}: {level}" if level else name, "hr": term.hr, "lower": term.lower,
                         "upper": term.upper, "p": term.p_value, "kind": "term", "factor": name, "level": level})
        return pd.DataFrame(rows, columns=COLUMNS)
    levels, rows, fields = _levels(subgroups), [], []
    for term in terms:
        field = _split(term.name)[0]
        if field not in fields:
            fields.append(field)
    for field in fields:
        field_terms = [t for t in terms if _split(t.name)[0] == field]
        if "[" not in field_terms[0].name:  # a numeric covariate: one row, per unit
            t = field_terms[0]
            rows.append({"label": f"{labels.get(field, field)} (per unit)", "kind": "term",
                         "factor": labels.get(field, field), "level": "", "hr": t.hr, "lower": t.lower,
                         "upper": t.upper, "p": t.p_value})
            continue
        rows += _factor_rows(field, field_terms, labels, levels, reference=references.get(field))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["model_n"] = getattr(model, "n", None)
    frame.attrs["method"] = getattr(model, "method", "")
    p_name = "penalised likelihood-ratio p" if "Firth" in frame.attrs["method"] else "Wald p"
    frame.attrs["note"] = (f"p: {p_name} of each term; n, events: patients with data for the factor"
                           + (f" (the model: {frame.attrs['model_n']} patients with every factor)."
                              if frame.attrs["model_n"] else "."))
    return frame


def subgroup_forest_rows(univariable, labels: dict[str, str] | None = None, subgroups=None,
                         references: dict[str, str] | None = None) -> pd.DataFrame:
    """The per-subgroup HR forest (module docstring): ``univariable`` is ``CoxAnalysis.univariable`` — (field,
    model or NotEstimable) pairs; each factor's heading row carries its likelihood-ratio p and the test's name,
    a model that could not be fitted its reason; ``references`` as in :func:`forest_rows`."""
    labels, levels, rows, references = labels or {}, _levels(subgroups), [], references or {}
    for field, model in univariable:
        terms = list(getattr(model, "terms", ()))
        if not terms:
            name = labels.get(field, field)
            rows.append({"label": name, "kind": "factor", "factor": name, "level": "",
                         "test": f"not estimable: {getattr(model, 'reason', 'no model')}"})
            continue
        firth = "Firth" in getattr(model, "method", "")
        df = len(terms)
        test = (f"penalised likelihood-ratio test, df = {df}" if firth else f"likelihood-ratio test, df = {df}")
        rows += _factor_rows(field, terms, labels, levels, test_p=model.lr_p, test=test, level_p=False,
                             reference=references.get(field))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["method"] = "univariable Cox model per factor; p: the factor's likelihood-ratio test"
    frame.attrs["note"] = ("HR: each level against its factor's reference level (univariable Cox model per factor); "
                           "p: the factor's likelihood-ratio test; n, events: patients with data for the factor.")
    return frame


def _count(value) -> str:
    if is_suppressed(value):  # small-cell suppression: "<5" or "*"
        return str(value)
    return "" if value is None or pd.isna(value) else str(int(value))


def _p_text(value) -> str:
    return "" if value is None or pd.isna(value) else p_value(float(value))


def _hr_text(row) -> str:
    if row["kind"] == "reference":
        return REFERENCE_HR
    if row["kind"] == "factor":  # a factor whose model could not be fitted says so here
        test = row.get("test")
        return test if isinstance(test, str) and test.startswith("not estimable") else ""
    if row["kind"] == "absent":
        return "not in the model"
    return estimate_ci(row["hr"], row["lower"], row["upper"], 2, "NE")


def _hr_ticks(figure, limits: tuple[float, float], plot_width: float) -> list[float]:
    """Hazard-ratio ticks at powers of 2 inside ``limits`` (1 always among them), every k-th power when the labels
    of neighbours would touch on a plot ``plot_width`` inches wide (the log axis puts each doubling at the same
    distance, so one k serves the whole axis)."""
    low, high = limits
    powers = [k for k in range(-5, 6) if low <= 2.0 ** k <= high]
    widest = max(text_size(figure, f"{2.0 ** k:g}", fontsize=FONT)[0] for k in powers)
    doubling = plot_width * np.log(2) / np.log(high / low)
    every = max(1, int(np.ceil((widest + 0.08) / doubling)))
    return [2.0 ** k for k in powers if k % every == 0]


def forest_figure(rows: pd.DataFrame, xlabel: str = "Hazard ratio (95% CI)",
                  note: str | None = None) -> ForestFigure:
    """Draw rows from :func:`forest_rows` or :func:`subgroup_forest_rows` (columns: label, n, events, plot,
    HR (CI), p; widths from the measured texts, the plot gets the rest of the canvas). ``note`` (default: the
    rows' own note, naming the test behind p) is written under the plot."""
    note = rows.attrs.get("note") if note is None else note
    rows = rows.reindex(columns=COLUMNS).reset_index(drop=True)
    figure, top = start_figure(4.0)
    kinds = rows["kind"].fillna("term")
    indent = np.where(kinds.isin(["reference", "term", "absent"]) & rows["level"].fillna("").ne("")
                      & kinds.isin(["factor"]).any(), INDENT, 0.0)
    weights = ["bold" if k == "factor" else "normal" for k in kinds]
    columns = {"n": [_count(v) for v in rows["n"]], "Events": [_count(v) for v in rows["events"]],
               "HR (95% CI)": [_hr_text(r) for _, r in rows.iterrows()], "p": [_p_text(v) for v in rows["p"]]}
    shown = {name: values for name, values in columns.items() if name in ("HR (95% CI)", "p") or any(values)}

    def widest(name, values):
        return max([text_size(figure, name, fontsize=FONT, fontweight="bold")[0]]
                   + [text_size(figure, v, fontsize=FONT)[0] for v in values])

    widths = {name: widest(name, values) for name, values in shown.items()}
    label_widths = [text_size(figure, str(label), fontsize=FONT, fontweight=w)[0] + i
                    for label, w, i in zip(rows["label"], weights, indent)]
    text_total = sum(widths.values()) + COLUMN_GAP * (len(widths) + 1)
    label_room = min(max(label_widths, default=0.0), LABEL_LIMIT,
                     max(0.8, WIDTH - 2 * MARGIN - text_total - MIN_PLOT))
    wrapped = [wrap_text(figure, str(label), label_room - i, fontsize=FONT, fontweight=w)
               for label, w, i in zip(rows["label"], weights, indent)]
    line = text_size(figure, "Ag", fontsize=FONT)[1]
    heights = [line * (text.count("\n") + 1) + 0.1 for text in wrapped]
    plot_left = MARGIN + label_room + COLUMN_GAP + sum(widths.get(c, 0) + COLUMN_GAP for c in ("n", "Events")
                                                         if c in widths)
    plot_width = WIDTH - MARGIN - plot_left - sum(widths[c] + COLUMN_GAP for c in ("HR (95% CI)", "p"))

    axes = figure.add_axes((0.3, 0.2, 0.4, 0.6))
    total = float(sum(heights))
    centres = np.cumsum(heights) - np.array(heights) / 2
    axes.set_ylim(total, 0)
    axes.axvline(1, color="black", linewidth=0.8)
    finite = np.isfinite(rows[["hr", "lower", "upper"]].astype(float)).all(axis=1) & kinds.eq("term")
    for y, (_, row), ok in zip(centres, rows.iterrows(), finite):
        if ok:
            axes.plot([row["lower"], row["upper"]], [y, y], color=COLOUR, linewidth=1.2, solid_capstyle="butt")
            axes.plot(row["hr"], y, marker="s", color=COLOUR, markersize=5)
        elif row["kind"] == "reference":
            axes.plot(1.0, y, marker="D", markerfacecolor="white", markeredgecolor=COLOUR, markersize=4)
    axes.set_xscale("log")
    values = rows.loc[finite, ["lower", "upper"]].astype(float)
    low = float(values["lower"].min()) if len(values) else 0.5
    high = float(values["upper"].max()) if len(values) else 2.0
    axes.set_xlim(max(min(low, 0.5) / 1.2, 1 / 40), min(max(high, 2) * 1.2, 40))
    axes.xaxis.set_major_locator(FixedLocator(_hr_ticks(figure, axes.get_xlim(), plot_width)))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_yticks([])
    axes.set_xlabel(xlabel, fontsize=FONT)
    axes.tick_params(axis="x", labelsize=FONT)
    axes.spines[["top", "right", "left"]].set_visible(False)

    header = text_size(figure, "HR (95% CI)", fontsize=FONT, fontweight="bold")[1] + 0.1
    bottom_room = decorations(axes)[1]
    note_text = wrap_text(figure, note, WIDTH - 2 * MARGIN, fontsize=FONT - 1) if note else ""
    note_height = text_size(figure, note_text, fontsize=FONT - 1)[1] + GAP if note else 0.0
    height = top + header + total + bottom_room + note_height + MARGIN
    figure.set_size_inches(WIDTH, height)
    place_axes(axes, plot_left, bottom_room + note_height + MARGIN, plot_width, total)
    if note_text:
        figure.text(MARGIN / WIDTH, MARGIN / height, note_text, ha="left", va="bottom", fontsize=FONT - 1)
    place = blended_transform_factory(figure.dpi_scale_trans, axes.transData)
    x = MARGIN
    for text, y, weight, i in zip(wrapped, centres, weights, indent):
        axes.text(x + i, y, text, transform=place, ha="left", va="center", fontsize=FONT, fontweight=weight,
                  in_layout=False)
    x += label_room + COLUMN_GAP
    right_edges = {}
    for name in ("n", "Events"):
        if name in widths:
            right_edges[name] = x + widths[name]
            x += widths[name] + COLUMN_GAP
    x = plot_left + plot_width + COLUMN_GAP
    for name in ("HR (95% CI)", "p"):
        right_edges[name] = x + widths[name]
        x += widths[name] + COLUMN_GAP
    for name, right in right_edges.items():
        axes.text(right, -header / 2, name, transform=place, ha="right", va="center", fontsize=FONT,
                  fontweight="bold", in_layout=False)
        for value, y in zip(shown[name], centres):
            if value:
                axes.text(right, y, value, transform=place, ha="right", va="center", fontsize=FONT,
                          in_layout=False)
    return ForestFigure(figure, rows)
