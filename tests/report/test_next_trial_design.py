"""The report's next-trial design: results.json ``design``, the narrative paragraph and the numbered table."""

import dataclasses

from oncocohort.design.next_trial import propose_next_trial
from oncocohort.report.build import build_tables
from oncocohort.report.layout import plan_items
from oncocohort.report.narrative import results_paragraphs
from oncocohort.report.results_json import results_dict


def test_demo_proposal_follows_the_rule(demo_results):
    # demo: ORR 11/32, Clopper–Pearson 80% lower limit 23.1% -> p1 = 0.23 against the historical 0.13
    design = results_dict(demo_results)["design"]
    assert design["p0"] == 0.13 and design["p1"] == 0.23
    assert design["observed_orr"]["x"] == 11 and design["observed_orr"]["n"] == 32
    assert design["observed_orr"]["conf_level"] == 0.8
    assert [(d["kind"], d["r1"], d["n1"], d["r"], d["n"]) for d in design["designs"]] == [
        ("minimax", 7, 59, 17, 91), ("optimal", 5, 38, 18, 100)]
    text = dict(results_paragraphs(results_dict(demo_results)))["Next-trial design"]
    assert "exact 80% confidence interval" in text and "(23.0%)" in text


def test_too_close_rates_give_the_single_stage_size():
    proposal = propose_next_trial(11, 32, 0.13, conf_level=0.95)   # 95% lower limit 18.6% -> p1 = 0.18
    assert proposal.p1 == 0.18 and proposal.designs is None and proposal.single_stage_n > 100


def test_table_narrative_and_numbering_with_a_design(demo_results):
    results = dataclasses.replace(demo_results, next_trial=propose_next_trial(11, 32, 0.05, conf_level=0.95))
    facts = results_dict(results)
    assert [(d["kind"], d["r1"], d["n1"], d["r"], d["n"]) for d in facts["design"]["designs"]] == [
        ("minimax", 1, 28, 4, 36), ("optimal", 1, 17, 4, 44)]
    tables = build_tables(results)
    rows = [row.cells[:3] for row in tables["next_trial_design"].rows]
    assert rows == [("Minimax", "1/28", "4/36"), ("Optimal", "1/17", "4/44")]
    numbering, placed = plan_items({key: "" for key in tables}, {})
    assert placed["Next-trial design"] == ("next_trial_design",)
    text = dict(results_paragraphs(facts, citations={"next_trial_design": "Table 14"}))["Next-trial design"]
    assert "optimal design would stop after 17 patients if at most 1 respond, otherwise treat 44" in text
    assert "(Table 14)" in text and "Clopper–Pearson" in text


def test_no_design_when_the_study_does_not_exclude_p0():
    proposal = propose_next_trial(3, 32, 0.13)
    assert proposal.p1 is None and proposal.designs is None and "does not exclude" in proposal.reason


def test_no_historical_rate_no_design(demo_results):
    results = dataclasses.replace(demo_results, next_trial=None)
    assert results_dict(results)["design"] is None
    assert "next_trial_design" not in build_tables(results)
    assert "Next-trial design" not in dict(results_paragraphs(results_dict(results)))
