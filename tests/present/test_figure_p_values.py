"""p-values in figure panels follow the journal style as tables and text do (present/formatting.py): a p of 1 is
"p > 0.99" (JAMA "P > .99", NEJM "P>0.99", Lancet "p>0·99"), never "p = 1.000"; a tiny p is "p < 0.001" (Lancet
"p<0·0001"), never "p = < 0.001". Checked on the texts each figure draws: the KM test text, Gray's test of the CIF,
the forest plot's p column and the ORR bars' factor p."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from oncocohort.present.cif_figure import cif_figure
from oncocohort.present.figure_style import plt
from oncocohort.present.forest_figure import forest_figure
from oncocohort.present.journal_style import use_style
from oncocohort.present.km_figure import km_figure
from oncocohort.present.orr_bars_figure import orr_bars_figure
from oncocohort.stats.competing_risks import competing_risk_table, competing_risks_summary
from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.proportions import proportion_ci
from oncocohort.stats.response_summary import SubgroupResponse

# style → (a p of 1 in a sentence, in a table cell; a p of 1e-6 in a sentence, in a cell)
STYLES = {"default": ("p > 0.99", "> 0.99", "p < 0.001", "< 0.001"),
          "lancet": ("p>0·99", ">0·99", "p<0·0001", "<0·0001"),
          "jama": ("P > .99", "> .99", "P < .001", "< .001"),
          "nejm": ("P>0.99", ">0.99", "P<0.001", "<0.001")}


def _texts(figure) -> list[str]:
    texts = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text") and callable(a.get_text))]
    plt.close(figure)
    return [t for t in texts if isinstance(t, str) and t]


def _km(p):
    fits = {"A": kaplan_meier(np.array([3.0, 5, 9, 12]), np.array([1, 0, 1, 1])),
            "B": kaplan_meier(np.array([4.0, 6, 8, 15]), np.array([1, 1, 0, 1]))}
    test = SimpleNamespace(method="log-rank test", df=1, chisq=0.0 if p == 1 else 30.0, p_value=p)
    return km_figure(fits, [0, 5, 10, 15], test=test).figure


def _cif(p):
    time = np.array([3.0, 5, 8, 12, 15, 20, 26, 30])
    status = np.array([1, 2, 1, 1, 0, 2, 1, 0])
    group = np.array(["A", "B"] * 4)
    summary = competing_risks_summary(time, status, group)
    tests = tuple(SimpleNamespace(cause=t.cause, statistic=0.0 if p == 1 else 30.0, df=1, p_value=p)
                  for t in summary.tests)
    times = [0, 10, 20, 30]
    return cif_figure(list(summary.curves), competing_risk_table(time, status, times, group), times,
                      cause_labels={1: "Progression", 2: "Death"}, tests=tests).figure


def _forest(p):
    rows = pd.DataFrame([{"label": "ECOG: 2", "hr": 1.5, "lower": 0.5, "upper": 4.0, "p": p, "kind": "term",
                          "factor": "ECOG", "level": "2"}])
    return forest_figure(rows).figure


def _orr_bars(p):
    rates = (("10 mg", proportion_ci(4, 11)), ("12 mg", proportion_ci(7, 21)))
    test = SimpleNamespace(method="Fisher's exact test", p_value=p)
    return orr_bars_figure((SubgroupResponse("Starting dose", rates, test),)).figure


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("draw, kind", [(_km, "sentence"), (_cif, "sentence"), (_forest, "cell"),
                                        (_orr_bars, "sentence")], ids=["km", "cif", "forest", "orr_bars"])
def test_figure_p_values_at_both_ends(style, draw, kind):
    one_sentence, one_cell, tiny_sentence, tiny_cell = STYLES[style]
    with use_style(style):
        at_one, tiny = " ".join(_texts(draw(1.0))), " ".join(_texts(draw(1e-6)))
    one, small = (one_sentence, tiny_sentence) if kind == "sentence" else (one_cell, tiny_cell)
    assert one in at_one and small in tiny
    for text in (at_one, tiny):
        assert "1.000" not in text and "1·00" not in text and "= <" not in text and "= >" not in text


# style → how the KM panel writes χ² = 30 and p = 0.5: the statistic spaced as the style spaces its p
PANEL = {"default": "χ²(1) = 30.00, p = 0.500", "lancet": "χ²(1)=30·00, p=0·50",
         "jama": "χ²(1) = 30.00, P = .50", "nejm": "χ²(1)=30.00, P=0.50"}


@pytest.mark.parametrize("style", sorted(PANEL))
@pytest.mark.parametrize("draw", [_km, _cif], ids=["km", "cif"])
def test_test_statistic_spaced_as_its_p_value(style, draw):
    """The Lancet writes "p=0·38": the χ² beside it is "χ²(1)=0·76", not "χ²(1) = 0·76"."""
    with use_style(style):
        text = " ".join(_texts(draw(0.5)))
    assert PANEL[style] in text
