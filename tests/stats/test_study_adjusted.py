"""study.toml [adjusted] on the demo study: the adjusted PFS/OS comparison, its tables and results.json key."""

from __future__ import annotations

import json
import shutil

import pytest

from oncocohort.present.adjusted_table import adjusted_tables
from oncocohort.present.render import to_html
from oncocohort.report.build import analyse_folder, build_tables
from oncocohort.report.results_json import results_dict
from oncocohort.stats.balance import standardized_mean_difference
from oncocohort.stats.study_adjusted import adjusted_analyses

ADJUSTED = """
[adjusted]
exposure = "starting_dose:anlotinib"
levels = ["12", "10"]
confounders = ["ecog", "histology_group", "age"]
"""


def _demo_with(settings: str, demo_study, tmp_path_factory, name: str):
    """The demo study with ``settings`` appended to its study.toml, analysed (study, datasets, results)."""
    folder = tmp_path_factory.mktemp(name) / "study"
    shutil.copytree(demo_study, folder)
    (folder / "study.toml").write_text((folder / "study.toml").read_text() + settings)
    return analyse_folder(folder)


@pytest.fixture(scope="module")
def adjusted(demo_study, tmp_path_factory):
    return _demo_with(ADJUSTED, demo_study, tmp_path_factory, "adjusted")


def test_without_the_section_nothing_is_added(demo_results):
    assert demo_results.adjusted == ()
    assert results_dict(demo_results)["adjusted"] == {}
    assert not {"adjusted_balance", "adjusted_survival"} & set(build_tables(demo_results))


def test_pfs_and_os_adjusted(adjusted):
    _, datasets, results = adjusted
    assert [a.endpoint for a in results.adjusted] == ["PFS", "OS"]
    pfs = results.adjusted[0].result
    assert pfs["treated"] == "12" and pfs["control"] == "10" and pfs["n"] == 32
    assert pfs["km"]["12"]["n"] == 21 and pfs["km"]["10"]["n"] == 11
    # the unweighted SMD of age, by hand from the included patients (pooled SD, sample variances)
    included = datasets.adsl[datasets.adsl["included"]]
    dose = included["starting_dose:anlotinib"].astype(float)
    expected = standardized_mean_difference(included["age"], (dose == 12).astype(int))
    age = next(r for r in pfs["balance"]["rows"] if r["variable"] == "age")
    assert age["smd_unweighted"] == pytest.approx(expected, rel=1e-12)
    # weighting balances the most unbalanced level
    worst = max(pfs["balance"]["rows"], key=lambda r: abs(r["smd_unweighted"]))
    assert abs(worst["smd_weighted"]) < abs(worst["smd_unweighted"]) / 2
    assert 0 < pfs["cox"]["hr"] and pfs["cox"]["lower"] < pfs["cox"]["hr"] < pfs["cox"]["upper"]


def test_results_json_and_tables(adjusted):
    _, _, results = adjusted
    facts = json.loads(json.dumps(results_dict(results)))
    assert facts["adjusted"]["OS"]["cox"]["hr"] == pytest.approx(results.adjusted[1].result["cox"]["hr"])
    assert facts["adjusted"]["PFS"]["levels"] == ["12", "10"] and facts["adjusted"]["PFS"]["not_possible"] is None
    tables = build_tables(results)
    balance, survival = tables["adjusted_balance"], tables["adjusted_survival"]
    assert [r.cells[0] for r in survival.rows] == ["PFS", "OS"]
    assert any("robust (sandwich)" in note for note in survival.footnotes)
    assert any("cobalt" in note for note in balance.footnotes)
    assert balance.rows[0].group and balance.rows[0].cells[0] == "ECOG performance status"
    assert "&lt;" in to_html(survival) and "<1" not in to_html(survival)


def test_a_comparison_that_cannot_be_made_is_said(adjusted):
    study, datasets, results = adjusted
    from dataclasses import replace

    from oncocohort.io.config import AdjustedSettings
    config = replace(results.config, adjusted=AdjustedSettings("starting_dose:anlotinib", ("12", "8"), ("age",)))
    frames = {"PFS": results.patients[["patient_id", "pfs_time", "pfs_event"]].rename(
        columns={"pfs_time": "time", "pfs_event": "event"})}
    included = datasets.adsl[datasets.adsl["included"]].reset_index(drop=True)
    (analysis,) = adjusted_analyses(frames, included, config)
    assert analysis.result is None and "exactly two levels, found 1" in analysis.not_possible
    table = adjusted_tables((analysis,))["adjusted_survival"]
    assert table.rows[0].cells[1:] == ("—",) * 5 and "not estimable" in table.footnotes[0]
    assert analysis.to_frame().empty


MATCHED = ADJUSTED + 'method = "matching"\ncaliper = 0.5\n'


@pytest.fixture(scope="module")
def matched(demo_study, tmp_path_factory):
    return _demo_with(MATCHED, demo_study, tmp_path_factory, "matched")


def test_matching_in_the_report(matched):
    from oncocohort.stats.matching import nearest_neighbor_match
    from oncocohort.stats.propensity import propensity_model

    _, datasets, results = matched
    pfs = results.adjusted[0].result
    assert results.config.adjusted.method == "matching" and results.config.adjusted.estimand == "att"
    m = pfs["matching"]
    assert m["n_treated"] == 21 and m["n_control"] == 11 and m["ratio"] == 1 and "caliper 0.5 SD" in m["method"]
    # the same matching by hand from the included patients: propensity score, then nearest_neighbor_match
    included = datasets.adsl[datasets.adsl["included"]].reset_index(drop=True)
    treated = (included["starting_dose:anlotinib"].astype(float) == 12).astype(int)
    frame = included.assign(_t=treated)
    assert m["n_treated_matched"] == m["n_control_matched"] <= 11
    score = propensity_model(frame, "_t", ["ecog", "histology_group", "age"]).score
    by_hand = nearest_neighbor_match(treated, score, 0.5)
    assert m["n_treated_matched"] == int(by_hand.matched_treated.sum())
    assert "matched set" in pfs["cox"]["method"] and pfs["n"] == 2 * m["n_treated_matched"]
    tables = build_tables(results)
    balance, survival = tables["adjusted_balance"], tables["adjusted_survival"]
    assert [c.label for c in balance.columns][3:] == ["Before matching", "After matching"]
    assert "propensity-score matching" in survival.title and any("Matching:" in n for n in survival.footnotes)
    facts = json.loads(json.dumps(results_dict(results)))
    assert facts["adjusted"]["PFS"]["matching"]["n_treated_matched"] == m["n_treated_matched"]


@pytest.mark.parametrize("extra, message", [
    ('method = "matching"\nestimand = "ate"\n', "matching estimates the ATT"),
    ('caliper = 0.2\n', "belong to method"),
    ('method = "matching"\ncaliper = -1.0\n', "positive number of SDs"),
    ('method = "matching"\nratio = 0\n', "from 1 to 10"),
])
def test_matching_settings_are_checked(demo_study, tmp_path, extra, message):
    from oncocohort.io.study import validate_study

    folder = tmp_path / "study"
    shutil.copytree(demo_study, folder)
    (folder / "study.toml").write_text((folder / "study.toml").read_text() + ADJUSTED + extra)
    problems = [p for p in validate_study(folder).problems if p.table == "adjusted"]
    assert any(message in p.message for p in problems), [p.message for p in problems]
def test_adjusted_tables_use_the_words_of_the_vocabulary_not_field_names(adjusted):
    """At commit 3202bc4 the tables printed `starting_dose:anlotinib`, `ecog`, `histology_group` (issue 15)."""
    import re

    _, _, results = adjusted
    tables = build_tables(results)
    for key in ("adjusted_balance", "adjusted_survival"):
        table = tables[key]
        texts = [table.title, *table.footnotes, *(c.label for c in table.columns),
                 *(cell for row in table.rows for cell in row.cells)]
        raw = [t for t in texts if re.search(r"\b[a-z]+_[a-z_]+\b|\b[a-z_]+:[\w-]+", t)]
        assert raw == [], raw
    balance = tables["adjusted_balance"]
    assert balance.title == "Table. Balance of confounders, Starting dose of anlotinib: 12 vs 10"
    assert [r.cells[0] for r in balance.rows if r.group] == ["ECOG performance status", "Histological subtype"]
    assert any("on ECOG performance status, histological subtype, age." in note for note in balance.footnotes)
    assert any("HR < 1 favours 12 (starting dose of anlotinib)" in note
               for note in tables["adjusted_survival"].footnotes)


def test_the_methods_name_the_adjustment_made(adjusted, matched):
    """The methods paragraph says how the [adjusted] comparison was made: weighting or matching (issue 17), and the
    competing-risks split of PFS."""
    from oncocohort.report.narrative import methods_paragraph

    weighted = methods_paragraph(json.loads(json.dumps(results_dict(adjusted[2]))))
    assert "inverse probability of treatment weighting for the whole cohort (ATE)" in weighted
    assert "histological subtype and age was estimated by logistic regression" in weighted
    assert "Aalen–Johansen method" in weighted and "matching" not in weighted
    by_matching = methods_paragraph(json.loads(json.dumps(results_dict(matched[2]))))
    assert ("greedy 1:1 nearest-neighbour matching without replacement within a caliper of 0.5 standard deviations"
            in by_matching) and "inverse probability" not in by_matching
