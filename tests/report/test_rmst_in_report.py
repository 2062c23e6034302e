"""The RMST comparison of two-group subgroups is in report.html and report.docx, with its method named, and its
numbers equal results.json."""

from __future__ import annotations

import json

import docx

from oncocohort.present.formatting import estimate_ci

TITLE = "Restricted mean survival time to 30 months between subgroups"


def test_rmst_comparison_in_html_and_docx(report_dir):
    facts = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    ecog = next(g for g in facts["subgroup_survival"]["OS"] if g["field"] == "ecog")["rmst"]
    difference = ecog["contrasts"][0]
    cell = estimate_ci(difference["estimate"], difference["lower"], difference["upper"])
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert TITLE in html and "survRM2::rmst2" in html and cell in html
    document = docx.Document(report_dir / "report.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert TITLE in text and "survRM2::rmst2" in text and cell in cells
    assert "the RMST difference and ratio are given with Wald CIs" in html
