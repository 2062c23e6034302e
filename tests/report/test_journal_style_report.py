"""`--style lancet` changes the whole report together: narrative, tables (cells, notes) and the texts drawn in the
figures (annotations, tests, tick labels) use the mid-line decimal point; no number is written with a full stop.

At commit 3202bc4 the figures' medians and log-rank statistics, Table 1's percentages, the test-rule notes and the
waterfall caption kept the full stop (and the caption wrote "34.4 %" beside the text's "34.4%")."""

from __future__ import annotations

import html
import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from oncocohort.present.journal_style import use_style
from oncocohort.report.build import analyse_folder, build_figures, build_report

DECIMAL_POINT = re.compile(r"\d\.\d")
# numbers that are names, not results: versions of criteria, dictionaries and the software
NAMES = re.compile(r"RECIST 1\.1|version 1\.1|RECORD\s\d+\.\d+|(?:CTCAE|\(CTCAE\)) v\d\.\d|oncocohort \d+\.\d+\.\d+")


def full_stop_decimals(text: str) -> list[str]:
    """Numbers written with a full stop as the decimal mark (names such as "RECIST 1.1" left out)."""
    text = NAMES.sub("", text)
    return [text[max(0, m.start() - 30):m.end() + 10] for m in DECIMAL_POINT.finditer(text)]


def visible_text(page: str) -> str:
    """The words of an HTML page as a reader sees them (no style sheet, no embedded images, no tags)."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"src=\"data:[^\"]*\"", "", page)
    page = re.sub(r"</?span[^>]*>", "", page)  # inline (a header's no-wrap phrase): no space of its own
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def lancet_page(demo_study, tmp_path_factory):
    out = tmp_path_factory.mktemp("lancet")
    build_report(demo_study, out, ("html",), style="lancet")
    return visible_text((out / "report.html").read_text(encoding="utf-8"))


def test_lancet_report_text_and_tables_use_the_mid_line_point(lancet_page):
    assert full_stop_decimals(lancet_page) == []
    assert "The ORR was 34·4% (95% CI 18·6–53·2%)" in lancet_page  # the narrative
    assert "20 (62·5)" in lancet_page and "7·6 (5·0–14·1)" in lancet_page  # Table 1's percentages, a median
    assert "(p=0·0017)" in lancet_page  # two significant figures, no spaces
    assert " %" not in re.sub(r"\(%\)|, %", "", lancet_page)  # one percent style


def test_lancet_figure_texts_use_the_mid_line_point(demo_study):
    _, _, results = analyse_folder(demo_study)
    with use_style("lancet"):
        figures = build_figures(results)
        texts = {}
        for figure in figures:
            figure.figure.canvas.draw()  # tick labels are made at drawing
            texts[figure.key] = [t.get_text() for t in figure.figure.findobj(Text) if t.get_text()]
            plt.close(figure.figure)
    drawn = " | ".join(t for key in texts for t in texts[key])
    captions = " | ".join(f.caption for f in figures)
    assert full_stop_decimals(drawn) == [] and full_stop_decimals(captions) == []
    assert "Median 7·6 months" in drawn and "χ²(1)=0·76, p=0·38" in drawn  # KM: the statistic spaced as its p
    assert "0·2" in texts["km_pfs"] and "34·4%" in captions  # a tick label; the waterfall caption's ORR


def test_the_check_finds_full_stops():
    assert len(full_stop_decimals("ORR 34.4% (RECIST 1.1; CTCAE v5.0)")) == 1
    assert not full_stop_decimals("RECIST 1.1 and oncocohort 0.1.0")
