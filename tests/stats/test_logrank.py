"""Log-rank / Fleming–Harrington against R survdiff, and a hand-derivable case."""

from __future__ import annotations

import pytest

from oncocohort.stats.logrank import logrank_test
from tests.stats.reference import close, r_reference

D = r_reference()["data"]
LUNG, VET, OVA = D["lung"], D["veteran"], D["ovarian"]
CASES = {
    "lung_sex": (LUNG["time"], LUNG["status"], LUNG["sex"], None, 0),
    "lung_sex_rho1": (LUNG["time"], LUNG["status"], LUNG["sex"], None, 1),
    "lung_ecog": (LUNG["time"], LUNG["status"], LUNG["ph.ecog"], None, 0),
    "veteran_celltype": (VET["time"], VET["status"], VET["celltype"], None, 0),
    "veteran_trt_strata": (VET["time"], VET["status"], VET["trt"], VET["celltype"], 0),
    "ovarian_rx": (OVA["futime"], OVA["fustat"], OVA["rx"], None, 0),
    "ovarian_rx_rho05": (OVA["futime"], OVA["fustat"], OVA["rx"], None, 0.5),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_r_survdiff(case):
    time, event, group, stratum, rho = CASES[case]
    ref = r_reference()["logrank"][case]
    result = logrank_test(time, event, group, stratum, rho)
    close([result.chisq, result.p_value], [ref["chisq"], ref["p"]])
    assert result.df == ref["df"]
    close(result.observed, ref["observed"])
    close(result.expected, ref["expected"])
    assert [f"{g}" for g in result.groups] == [name.split("=", 1)[1] for name in ref["groups"]]


def test_hand_derivable_two_patients():
    """A dies at 1, B dies at 2. At t=1: n=2, d=1, E_A = 1/2, V = 1·1/1·(1/2)(1/2) = 1/4; at t=2 only B is at risk
    (E_B += 1, V += 0). O − E for A = 1/2, chi-square = (1/2)² / (1/4) = 1."""
    result = logrank_test([1, 2], [1, 1], ["A", "B"])
    assert result.expected == (0.5, 1.5)
    assert result.chisq == pytest.approx(1.0) and result.df == 1
    assert result.method == "log-rank test"


def test_method_is_named():
    assert logrank_test([1, 2, 3, 4], [1, 1, 1, 0], ["a", "b", "a", "b"], rho=1).method == \
        "Fleming–Harrington G(rho = 1) test"
    assert logrank_test([1, 2, 3, 4], [1, 1, 1, 0], ["a", "b", "a", "b"], ["x", "x", "y", "y"]).method == \
        "stratified log-rank test"
