"""PRELIMINARY ESMO-MCBS v1.1 Form 3 grade: every threshold at its edge (hand-derived), undecided values, the
toxicity downgrade, QoL named as not in the data, and the demo report's results.json key and table."""

from __future__ import annotations

import pytest

from oncocohort.present.esmo_mcbs_table import esmo_mcbs_table
from oncocohort.report.esmo_mcbs import esmo_mcbs, form3_grade
from oncocohort.report.layout import plan_items
from oncocohort.report.results_json import results_dict


def grade(orr=None, dor=None, pfs=None, tox=(0, 10)):
    return form3_grade(orr=orr, dor_months=dor, pfs_months=pfs, grade_3_4=tox)


@pytest.mark.parametrize("orr, dor, pfs, expected", [
    ((6, 10), None, None, 3),      # ORR exactly 60%
    ((59, 100), 8.9, None, 2),     # 59%: ORR 40–60% → 2 (DoR < 9 keeps it out of grade 3)
    ((2, 10), 9.0, None, 3),       # ORR exactly 20% with DoR exactly 9 months
    ((2, 10), 8.99, None, 2),      # DoR just below 9 → the 6–9 month row
    ((39, 100), 5.99, None, 1),    # ORR 20–40% with DoR < 6
    ((1, 10), 6.0, None, 1),       # ORR exactly 10% with DoR exactly 6 months
    ((1, 10), 5.9, None, None),    # ORR 10% with short DoR: nothing
    ((19, 200), 12.0, None, None),  # 9.5% is below 10%
    (None, None, 6.0, 3), (None, None, 5.99, 2), (None, None, 3.0, 2), (None, None, 2.0, 1), (None, None, 1.99, None),
])
def test_thresholds(orr, dor, pfs, expected):
    result = grade(orr, dor, pfs)
    assert result["preliminary_grade"] == expected and result["grade"] == expected


def test_orr_compared_as_exact_fraction():
    # 7/20 = 35% exactly, 0.35 * 100 in floating point is 35.00000000000001: still the 20–40% band
    assert grade((7, 20), 7.0)["preliminary_grade"] == 2


def test_missing_dor_is_undecided_not_unmet():
    result = grade((3, 10), None)  # ORR 30%: every ORR row needs the DoR
    assert result["preliminary_grade"] is None and result["lower_bound"] is True
    assert all(c["met"] is None for c in result["criteria"] if c["endpoint"] == "ORR + DoR" and c["grade"] != 1
               or c["rule"].startswith("ORR ≥ 20% and < 40% with DoR"))
    with_pfs = grade((3, 10), None, 3.5)
    assert with_pfs["preliminary_grade"] == 2 and with_pfs["lower_bound"] is True  # grade 3 undecided


def test_toxicity_downgrade_at_30_percent():
    assert grade(pfs=7.0, tox=(3, 10))["grade"] == 2          # exactly 30% → down one level
    assert grade(pfs=7.0, tox=(299, 1000))["grade"] == 3      # 29.9% → no change
    below = grade(pfs=2.5, tox=(4, 10))
    assert below["preliminary_grade"] == 1 and below["grade"] is None  # below grade 1: none
    no_ae = grade(pfs=7.0, tox=None)
    assert no_ae["grade"] == 3 and no_ae["adjustments"][0]["applied"] is None


def test_quality_of_life_named_never_assumed():
    result = grade(pfs=7.0)
    qol = result["adjustments"][1]
    assert qol["applied"] is None and "not in the data" in qol["basis"]
    assert result["inputs"]["quality_of_life"] == "not in the data" and result["label"] == "PRELIMINARY"
    assert any("Quality of life" in step for step in result["steps"])


def test_demo_grade_and_table(demo_results):
    facts = results_dict(demo_results)
    g = facts["esmo_mcbs"]
    # demo: median PFS 7.6 months ≥ 6 → 3; ORR 11/32 = 34.4% with median DoR 16.8 months ≥ 9 → 3;
    # grade 3–4 in 13/32 = 40.6% ≥ 30% → down to 2
    assert g == esmo_mcbs(facts, None)
    assert (g["preliminary_grade"], g["grade"], g["inputs"]["grade_3_4_percent"]) == (3, 2, 100 * 13 / 32)
    assert g["inputs"]["orr"] == {"x": 11, "n": 32, "percent": 34.375}
    assert "unconfirmed" in g["setting_note"]
    table = esmo_mcbs_table(g)
    assert table.rows[-1].cells == ("PRELIMINARY ESMO-MCBS grade (Form 3)", "", "", "2")
    cells = {row.cells[0]: row.cells for row in table.rows}
    assert cells["Grade 3: median PFS ≥ 6 months"][1:] == (
        f"median PFS {g['inputs']['pfs_median_months']:.1f} months", "met", "3")
    assert cells["Grade 3: ORR ≥ 20% and < 60% with DoR ≥ 9 months"][1] == (
        f"ORR 11/32 = 34.4%; median DoR {g['inputs']['dor_median_months']:.1f} months")
    assert "PRELIMINARY" in table.title
    _, placed = plan_items({"esmo_mcbs": ""}, {})
    assert placed["Clinical benefit (ESMO-MCBS)"] == ("esmo_mcbs",)


def test_report_carries_the_grade(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "Clinical benefit (ESMO-MCBS)" in html and "PRELIMINARY ESMO-MCBS version 1.1 grade" in html
