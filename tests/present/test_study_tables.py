"""Golden tests of the survival, subgroup (Table 2), adverse-event (Table 3) and exposure tables on the demo
results: cells as printed, and the DOCX carries the same text."""

from __future__ import annotations

import docx

from oncocohort.present.adverse_event_table import adverse_event_table
from oncocohort.present.exposure_table import exposure_table
from oncocohort.present.render import to_docx, to_html
from oncocohort.present.subgroup_table import subgroup_table
from oncocohort.present.survival_table import survival_table


def _cells(table):
    return [r.cells for r in table.rows]


def test_survival_table(demo_results):
    table = survival_table(demo_results.survival, follow_up=demo_results.follow_up)
    cells = _cells(table)
    assert cells[0] == ("Patients, n", "32", "32")
    assert cells[1] == ("Events, n (% maturity)", "24 (75.0)", "21 (65.6)")
    assert cells[2] == ("Censored, n (%)", "8 (25.0)", "11 (34.4)")
    assert cells[3][0] == "Median, months (95% CI)" and cells[3][1].startswith("7.6 (") and cells[3][2].startswith(
        "14.9 (")
    assert cells[-1][2] == "12.7 (0.7–34.8)"
    assert any("reverse Kaplan–Meier" in note for note in table.footnotes)
    follow_up = next(c for c in cells if c[0].startswith("Median follow-up"))
    assert follow_up[1] == "" and follow_up[2].startswith("32.3 (")  # one follow-up: reverse KM of OS
    assert next(c for c in cells if c[0].startswith("RMST to 30 months"))[1:] == ("10.8 (7.2–14.3)", "17.9 (14.3–21.5)")


def test_table2_subgroups(demo_results):
    pfs = tuple(g for g in demo_results.subgroup_survival if g.endpoint == "PFS")
    table = subgroup_table(pfs, next(c for c in demo_results.cox if c.endpoint == "PFS"))
    cells = _cells(table)
    assert cells[0][0] == "ECOG performance status" and cells[1][:3] == ("0-1", "24", "16")
    assert cells[1][5] == "1 (reference)" and cells[2][5].count("(") == 1
    assert sum(int(c[1]) for c in cells if c[0] in ("SS", "ASPS", "LMS", "LPS", "Other")) == 32
    assert [c.spanner for c in table.columns][5:] == ["Univariable Cox"] * 2 + ["Multivariable Cox"] * 2


def test_table3_adverse_events_html_and_docx(demo_results, tmp_path):
    table = adverse_event_table(demo_results.adverse_events)
    cells = _cells(table)
    assert cells[0] == ("Any adverse event", "29 (90.6)", "16 (50.0)", "13 (40.6)", "0 (0.0)")
    assert ("Rash maculo-papular", "10 (31.2)", "9 (28.1)", "1 (3.1)", "0 (0.0)") in cells
    socs = [r for r in table.rows if r.indent == 0][1:]  # system organ class rows, terms indented under them
    assert socs and all(not r.cells[0].islower() for r in socs)
    assert any(r.cells[0] == "Skin and subcutaneous tissue disorders" for r in socs)
    assert "Fatigue</td>" in to_html(table)
    document = docx.Document(to_docx(table, tmp_path / "t3.docx"))
    grid = document.tables[0]
    assert grid.cell(0, 2).text == "Maximum grade, n (%)" and grid.cell(2, 0).text == "Any adverse event"
    assert "20 (62.5)" in [grid.cell(i, 1).text for i in range(len(grid.rows))]


def test_exposure_table(demo_results):
    cells = dict((c[0], c[1]) for c in _cells(exposure_table(demo_results.exposure)))
    assert cells["Treatment ongoing at the data cutoff, n (%)"] == "3 (9.4)"
    assert cells["Treatment duration, months, median (range)"].count("–") == 1
