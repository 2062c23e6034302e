"""The demo cohort reproduces the seed paper's published aggregates — derived by the real pipeline from
lesion-level data, not asserted."""

from __future__ import annotations

import hashlib

import pytest

from oncocohort.demo.cohort import write_demo_study
from oncocohort.report.results_json import results_dict


@pytest.fixture(scope="module")
def facts(demo_results):
    return results_dict(demo_results)


def _levels(facts, variable):
    entry = next(b for b in facts["baseline"] if b["variable"] == variable)
    return {lv["level"]: lv["n"] for lv in entry["levels"]}


def test_table1_counts_exact(facts):
    assert facts["study"]["n_included"] == 32 and facts["study"]["n_screened"] > 32
    age = next(b for b in facts["baseline"] if b["variable"] == "age")
    assert (age["median"], age["min"], age["max"]) == (48, 18, 68)
    assert _levels(facts, "sex") == {"male": 20, "female": 12}
    ecog = _levels(facts, "ecog")
    assert ecog["0"] + ecog["1"] == 24 and ecog["2"] == 8
    assert _levels(facts, "prior_surgery") == {"yes": 27, "no": 5}
    assert _levels(facts, "prior_systemic_lines") == {"1": 10, "2": 12, "3": 6, "4": 4}
    assert _levels(facts, "histology_group") == {"SS": 8, "ASPS": 7, "LMS": 5, "LPS": 4, "Other": 8}
    assert _levels(facts, "starting_dose:anlotinib") == {"10 mg": 11, "12 mg": 21}  # the subgroup's group names
    assert _levels(facts, "component_drug:PD-1 inhibitor") == {"sintilimab": 14, "camrelizumab": 13,
                                                                "pembrolizumab": 5}


def test_best_response_exact(facts):
    response = facts["response"]
    assert {k: response["counts"][k] for k in ("CR", "PR", "SD", "PD", "NE")} == {"CR": 0, "PR": 11, "SD": 16,
                                                                                   "PD": 5, "NE": 0}
    assert response["n_with_shrinkage"] == 23
    histology = next(g for g in response["subgroups"] if g["factor"] == "Histological subtype")
    asps = next(lv for lv in histology["levels"] if lv["level"] == "ASPS")
    assert (asps["x"], asps["n"]) == (4, 7)
    assert round(100 * response["orr"]["lower"], 1) == 18.6 and round(100 * response["orr"]["upper"], 1) == 53.2


PAPER_TABLE3 = {"Fatigue": (20, 3), "Hypertension": (17, 5), "Palmar-plantar erythrodysesthesia syndrome": (14, 2),
                "Diarrhea": (11, 1), "Rash maculo-papular": (10, 1), "Nausea": (8, 0), "Proteinuria": (6, 0),
                "Alanine aminotransferase increased": (5, 2), "Pneumonitis": (4, 0), "Epistaxis": (3, 0)}


def test_table3_exact(facts):
    rows = {r["term"]: r for r in facts["adverse_events"]["rows"]}
    assert (rows["Any adverse event"]["any_grade"], rows["Any adverse event"]["grade_3_4"]) == (29, 13)
    assert rows["Any adverse event"]["grade_5"] == 0
    assert {t: (rows[t]["any_grade"], rows[t]["grade_3_4"]) for t in PAPER_TABLE3} == PAPER_TABLE3


def test_survival_matches_the_paper(facts):
    pfs, os_ = facts["survival"]["PFS"], facts["survival"]["OS"]
    assert (pfs["events"], os_["events"]) == (24, 21)
    assert facts["study"]["data_cutoff"] == "2022-05-15"
    assert abs(pfs["median"]["estimate"] - 7.6) <= 0.1 and abs(os_["median"]["estimate"] - 14.9) <= 0.1
    assert round(os_["observed_time"]["min"], 1) == 0.7 and round(os_["observed_time"]["max"], 1) == 34.8
    assert abs(os_["observed_time"]["median"] - 12.7) <= 0.1
    assert facts["study"]["first_index_date"].startswith("2018-09")
    assert facts["study"]["last_index_date"].startswith("2022-01")
    assert facts["exposure"]["ongoing_at_cutoff"] == 3


TABLE2 = {"ECOG performance status": {"0-1": 9.2, "2": 5.1}, "Starting dose of anlotinib": {"12 mg": 7.6,
                                                                                                  "10 mg": 5.1},
          "Histological subtype": {"SS": 7.6, "ASPS": 13.6, "LMS": 9.2, "LPS": 7.2, "Other": 6.3}}


def test_subgroup_medians_close_to_table2(facts):
    for group in facts["subgroup_survival"]["PFS"]:
        for level in group["levels"]:
            assert abs(level["median"]["estimate"] - TABLE2[group["factor"]][level["level"]]) <= 0.2, level


def test_generator_is_deterministic(tmp_path):
    def digest(folder):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}

    assert digest(write_demo_study(tmp_path / "a")) == digest(write_demo_study(tmp_path / "b"))


def test_synthetic_everywhere(demo_study, facts):
    assert facts["study"]["synthetic"] is True
    assert "synthetic" in (demo_study / "study.toml").read_text().lower()
    assert "not patient data" in (demo_study / "README.txt").read_text()


def test_factor_labels_do_not_repeat_the_unit_of_their_levels(demo_results):
    """Issue 15 (final look): "Initial dose of anlotinib (mg)" over the rows "10 mg", "12 mg" — and "ORR by initial
    dose of anlotinib (mg)" in the text — wrote the unit twice; an editor would strike "(mg)"."""
    for subgroup in demo_results.config.analysis.subgroups:
        units = {name.rsplit(" ", 1)[-1] for name, _ in subgroup.groups if " " in name}
        assert not any(f"({unit})" in subgroup.label for unit in units), subgroup.label
