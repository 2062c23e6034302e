"""oncocohort survival --match (R MatchIt) and --impute mice / --imputed-by (R mice::pool), through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.multiple_imputation import impute_chained, pooled_cox
from tests.stats.reference import close

REF = Path(__file__).resolve().parent / "reference"
MATCHIT = json.loads((REF / "matching_reference.json").read_text())
MICE = json.loads((REF / "mice_reference.json").read_text())
ROTTERDAM = str(REF / "rotterdam.csv")
MATCH = ["survival", ROTTERDAM, "--time", "dtime", "--event", "death", "--id", "pid", "--match", "hormon",
         "--confounders", "age,meno,size,grade,nodes"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True)


@pytest.mark.parametrize("case, flags", [("std_0.1_ratio3", ["--caliper", "0.1", "--ratio", "3"]),
                                         ("abs_0.001_ratio1", ["--caliper", "0.001", "--caliper-scale", "score"])])
def test_match_equals_matchit(case, flags):
    result = run(*MATCH, *flags, "--json")
    assert result.returncode == 0, result.stderr
    adjusted = json.loads(result.stdout)["adjusted"]
    ref = MATCHIT["cases"][case]
    matching = adjusted["matching"]
    assert matching["n_treated_matched"] == ref["n_matched_treated"]
    assert matching["n_control_matched"] == ref["n_matched_control"]
    assert len(matching["unmatched_treated_rows"]) == 339 - ref["n_matched_treated"]
    close(matching["caliper_width"], ref["caliper_width"])
    assert "MatchIt" in matching["method"] and f"1:{ref['ratio']}" in matching["method"]
    cox = adjusted["cox"]
    close([cox["coef"], cox["se"], cox["naive_se"]], [ref["cox"]["coef"], ref["cox"]["robust_se"],
                                                     ref["cox"]["naive_se"]])
    assert cox["n"] == ref["cox"]["n"] and "matched set" in cox["method"]
    smd = {r["variable"] + (f"[{r['level']}]" if r["level"] is not None else ""): r["smd_weighted"]
           for r in adjusted["balance"]["rows"]}
    close([smd[v] for v in MATCHIT["variables"]], ref["smd"])
    text = run(*MATCH, *flags)
    assert text.returncode == 0 and "after matching" in text.stdout and "treated matched to" in text.stdout


def test_unmatched_treated_rows_are_the_rows_the_user_sees():
    adjusted = json.loads(run(*MATCH, "--caliper", "0.001", "--caliper-scale", "score", "--json").stdout)["adjusted"]
    ref = MATCHIT["cases"]["abs_0.001_ratio1"]
    treated = [i for i, t in enumerate(pd.read_csv(ROTTERDAM)["hormon"]) if t == 1]
    unmatched = [treated[i] + 2 for i, row in enumerate(ref["match_matrix"]) if row[0] == "NA"]  # header = row 1
    assert adjusted["matching"]["unmatched_treated_rows"] == unmatched


@pytest.mark.parametrize("flags, message", [
    (["--iptw", "hormon"], "alternative adjustments"),
    (["--estimand", "ate"], "ATT"),
    (["--ratio", "0"], "--ratio"),
    (["--caliper", "-1"], "--caliper must be a positive"),
    (["--caliper-scale", "score"], "--caliper-scale needs --caliper"),
])
def test_match_usage_errors(flags, message):
    result = run(*MATCH, *flags)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_caliper_without_match_is_a_usage_error():
    result = run("survival", ROTTERDAM, "--time", "dtime", "--event", "death", "--caliper", "0.2")
    assert result.returncode == 2 and "belong to --match" in result.stderr


def test_imputed_by_pools_as_mice_pool():
    result = run("survival", str(REF / "lung_mice_imputations.csv"), "--time", "time", "--event", "status",
                 "--covariates", "age,sex,ph_karno,wt_loss", "--imputed-by", "imp", "--json")
    assert result.returncode == 0, result.stderr
    pooled = json.loads(result.stdout)["cox_mice"]
    assert pooled["m"] == MICE["m"] and "mice::pool" in pooled["method"] and "m = 5" in pooled["method"]
    terms = pooled["terms"]
    assert [t["name"] for t in terms] == MICE["term"]
    for ours, theirs in (("coef", "estimate"), ("se", "std_error"), ("df", "df"), ("ubar", "ubar"), ("b", "b"),
                         ("t", "t"), ("riv", "riv"), ("lambda", "lambda"), ("fmi", "fmi"), ("p", "p_value")):
        close([t[ours] for t in terms], MICE[theirs])
    close([np.log(t["lower"]) for t in terms], MICE["conf_low"])
    close([np.log(t["upper"]) for t in terms], MICE["conf_high"])
    close(pooled["dfcom"], MICE["dfcom"][0])


def test_impute_mice_names_method_and_m_and_keeps_complete_cases():
    args = ["survival", str(REF / "lung_na.csv"), "--time", "time", "--event", "status", "--covariates",
            "age,ph.ecog,wt.loss", "--impute", "mice", "--imputations", "3", "--seed", "7", "--json"]
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # same input and seed → byte-identical output
    doc = json.loads(first.stdout)
    pooled = doc["cox_mice"]
    assert pooled["m"] == 3 and pooled["seed"] == 7 and "chained equations" in pooled["method"]
    assert pooled["imputed_missing"] == {"ph.ecog": 1, "wt.loss": 14}
    # the default complete-case model stays, its rows left out stated (3 rows also lack time or status)
    assert doc["rows"]["cox"]["dropped_missing"]["wt.loss"] == 14 and doc["rows"]["cox"]["dropped"] == 18
    data = pd.read_csv(REF / "lung_na.csv").drop(columns="Unnamed: 0").dropna(subset=["time", "status"])
    expected = pooled_cox(impute_chained(data, ["time", "status", "age", "ph.ecog", "wt.loss"], m=3, seed=7),
                          "time", "status", ["age", "ph.ecog", "wt.loss"])
    close([t["coef"] for t in pooled["terms"]], [t.estimate for t in expected.terms], rtol=1e-12)
    text = run(*args[:-1])
    assert "Cox model by multiple imputation" in text.stdout and "m = 3" in text.stdout


@pytest.mark.parametrize("flags, message", [
    (["--imputations", "5"], "belong to --impute mice"),
    (["--impute", "mice", "--imputations", "1"], "at least 2"),
    (["--imputed-by", "imp", "--by", "sex"], "cannot be combined with --imputed-by"),
    (["--impute", "mice", "--imputed-by", "imp"], "use one of them"),
])
def test_imputation_usage_errors(flags, message):
    result = run("survival", str(REF / "lung_mice_imputations.csv"), "--time", "time", "--event", "status",
                 "--covariates", "age,sex", *flags)
    assert result.returncode == 2 and message in result.stderr
