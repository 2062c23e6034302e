"""Captions and the table of contents read as an editor wants them: no method named twice in one caption ("with
95% CIs (95% CI, Clopper–Pearson exact)"), labels in running text in lower case ("by histological subtype", not
"by Histological subtype"), and contents entries that end where a bracket closes (not "(univariable Cox model per
factor"). Each of these was in the demo report of the integrated main branch."""

from __future__ import annotations

import html
import re

import pytest


def _texts(page: str, pattern: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(pattern, page, flags=re.S)]


@pytest.fixture(scope="module")
def page(report_dir):
    return (report_dir / "report.html").read_text(encoding="utf-8")


def doubled(caption: str) -> bool:
    return caption.count("95% CI") > 1


def capitalised_label(caption: str) -> list[str]:
    """" by Histological subtype": a capitalised ordinary word after "by" (abbreviations such as ECOG are fine)."""
    return re.findall(r"\bby [A-Z][a-z]+\b", caption)


def unbalanced(entry: str) -> bool:
    return entry.count("(") != entry.count(")")


def test_captions_name_each_method_once_and_labels_in_lower_case(page):
    captions = _texts(page, r"<figcaption>(.*?)</figcaption>") + _texts(page, r"<caption>(.*?)</caption>")
    assert len(captions) >= 20
    assert [c for c in captions if doubled(c)] == []
    assert [c for c in captions if capitalised_label(c)] == []
    assert "Progression-free survival by histological subtype." in " ".join(captions)


def test_contents_entries_close_their_brackets(page):
    toc = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    entries = _texts(toc, r"<a href=[^>]*>(.*?)</a>")
    assert len(entries) >= 20 and [e for e in entries if unbalanced(e)] == []


def test_the_checks_catch_the_faults():
    assert doubled("Objective response rate by subgroup with 95% CIs (95% CI, Clopper–Pearson exact)")
    assert capitalised_label("Progression-free survival by Initial dose of anlotinib (mg).")
    assert not capitalised_label("Progression-free survival by ECOG performance status.")
    assert unbalanced("Figure 12. Hazard ratios by subgroup (univariable Cox model per factor")
