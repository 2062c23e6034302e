"""The RMST comparison of two-group subgroups in the report (stats/study_analysis.py → present/rmst_table.py):
a case derived by hand, the demo's numbers against stats/rmst.py (itself checked against R survRM2) and
results.json, and the table in the HTML and DOCX report."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.present.formatting import estimate_ci, p_value
from oncocohort.present.rmst_table import rmst_comparison_table
from oncocohort.report.build import analyse_folder
from oncocohort.report.results_json import results_dict
from oncocohort.stats.rmst import rmst_comparison
from oncocohort.stats.study_analysis import NotEstimable, _rmst_between, rmst_horizon, subgroup_values


def test_rmst_between_two_groups_by_hand():
    """No censoring: the RMST to τ is the mean of min(time, τ). Group A: 2, 4, 6 → (2 + 4 + 5)/3 = 11/3; group B:
    3, 5, 7 → (3 + 5 + 5)/3 = 13/3 at τ = 5; difference 2/3, ratio 13/11. τ = 6.5 lies beyond A's longest time."""
    data = pd.DataFrame({"time": [2, 4, 6, 3, 5, 7], "event": [1] * 6, "group": ["A"] * 3 + ["B"] * 3})
    result = _rmst_between(data, ["A", "B"], 5.0, 0.95)
    assert [g.rmst for g in result.per_group] == pytest.approx([11 / 3, 13 / 3])
    difference, ratio, _ = result.contrasts
    assert difference.estimate == pytest.approx(2 / 3) and ratio.estimate == pytest.approx(13 / 11)
    # the reference level (first of the report's order, or study.toml's reference) is the comparator
    flipped = _rmst_between(data, ["B", "A"], 5.0, 0.95)
    assert flipped.groups == ("B", "A") and flipped.contrasts[0].estimate == pytest.approx(-2 / 3)
    assert flipped.contrasts[1].estimate == pytest.approx(11 / 13)
    late = _rmst_between(data, ["A", "B"], 6.5, 0.95)
    assert isinstance(late, NotEstimable) and late.reason == "the follow-up of group A ends before the horizon"
    assert _rmst_between(data, ["A", "B", "C"], 5.0, 0.95) is None
    assert _rmst_between(data, ["A", "B"], None, 0.95) is None


def test_demo_two_group_subgroups_have_the_rmst_comparison(demo_study):
    _, datasets, results = analyse_folder(demo_study)
    horizon = rmst_horizon(results.config.analysis)
    assert horizon == 30
    assert all((g.rmst is not None) == (len(g.levels) == 2) for g in results.subgroup_survival)
    # the same numbers as stats/rmst.py on the subgroup's rows: OS of the included patients by ECOG group
    subgroup = next(s for s in results.config.analysis.subgroups if s.field == "ecog")
    groups = subgroup_values(datasets.adsl.set_index("patient_id")["ecog"], subgroup)
    patients = results.patients.assign(group=results.patients["patient_id"].map(groups))
    direct = rmst_comparison(patients["os_time"], patients["os_event"], patients["group"], horizon)
    os_ecog = next(g for g in results.subgroup_survival if g.endpoint == "OS" and g.field == "ecog")
    assert os_ecog.rmst.contrasts == direct.contrasts and os_ecog.rmst.per_group == direct.per_group
    facts = results_dict(results)["subgroup_survival"]
    stored = next(g for g in facts["OS"] if g["field"] == "ecog")["rmst"]
    assert stored["groups"] == ["0-1", "2"] and stored["horizon"] == 30 and "survRM2::rmst2" in stored["method"]
    assert stored["contrasts"][0]["estimate"] == direct.contrasts[0].estimate
    pfs_ecog = next(g for g in facts["PFS"] if g["field"] == "ecog")["rmst"]
    assert pfs_ecog["not_estimable"] == "the follow-up of group 2 ends before the horizon"


def test_rmst_table_cells_and_notes(demo_results):
    table = rmst_comparison_table(demo_results.subgroup_survival, 30.0, "months")
    assert table.title == "Table. Restricted mean survival time to 30 months between subgroups"
    os_ecog = next(g for g in demo_results.subgroup_survival if g.endpoint == "OS" and g.field == "ecog").rmst
    difference, ratio, _ = os_ecog.contrasts
    row = next(r for r in table.rows if r.cells[0] == "2" and r.cells[3] != "")
    assert row.cells[1] == "7/8"
    assert row.cells[2] == estimate_ci(os_ecog.per_group[1].rmst, os_ecog.per_group[1].lower,
                                       os_ecog.per_group[1].upper)
    assert row.cells[3] == estimate_ci(difference.estimate, difference.lower, difference.upper) == \
        "−3.3 (−10.2 to 3.6)"
    assert row.cells[4] == estimate_ci(ratio.estimate, ratio.lower, ratio.upper, digits=2)
    assert row.cells[5] == p_value(difference.p_value)
    assert any("survRM2::rmst2" in note and "Wald" in note for note in table.footnotes)
    assert [r.cells[0] for r in table.rows if r.cells[2] == "Not estimable*"] == [
        "ECOG performance status", "Starting dose of anlotinib"]
    assert any(note.startswith("Not estimable (*)") and "PFS by ECOG performance status: the follow-up of group 2 ends "
               "before the horizon" in note for note in table.footnotes)
    assert rmst_comparison_table(demo_results.subgroup_survival, None, "months") is None
