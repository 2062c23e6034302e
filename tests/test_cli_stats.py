"""oncocohort survival / proportion: the JSON keys of docs/cli.md, R's numbers, and input problems by row."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.stats.reference import close, r_reference, r_reference_na


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True)


@pytest.fixture()
def lung_csv(tmp_path):
    path = tmp_path / "lung.csv"
    pd.DataFrame(r_reference()["data"]["lung"]).to_csv(path, index=False)
    return path


def test_survival_json_matches_r(lung_csv):
    result = run("survival", str(lung_csv), "--time", "time", "--event", "status", "--by", "sex",
                 "--covariates", "age,sex,ph.ecog", "--landmarks", "180,365,730", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    km = r_reference()["km"]["lung_log"]
    close([doc["km"]["median"], doc["km"]["lower"], doc["km"]["upper"]],
          [km["quantile"][1], km["quantile_lower"][1], km["quantile_upper"][1]])
    assert set(doc["km"]["landmarks"][0]) == {"time", "surv", "lower", "upper", "n_risk"}
    close([m["surv"] for m in doc["km"]["landmarks"]], km["landmark_surv"])
    assert set(doc["groups"]) == {"1", "2"}
    close(doc["logrank"]["chisq"], r_reference()["logrank"]["lung_sex"]["chisq"])
    assert doc["logrank"]["df"] == 1
    cox = r_reference()["cox"]["lung_efron"]
    assert [t["name"] for t in doc["cox"]["terms"]] == ["age", "sex", "ph.ecog"]
    close([t["hr"] for t in doc["cox"]["terms"]], cox["hr"])
    close([doc["cox"]["lr_test"], doc["cox"]["concordance"]], [cox["lr"], cox["concordance"]])
    assert set(doc["cox"]["terms"][0]) == {"name", "coef", "se", "hr", "lower", "upper", "p"}


LUNG_NA = Path(__file__).resolve().parent / "reference" / "lung_na.csv"  # written by R's write.csv, with NAs


def test_csv_written_by_r_with_nas_matches_survfit_survdiff_coxph():
    """Each analysis on the rows R's na.omit keeps for that call: survfit ~ 1 (time, status), survfit ~ sex and
    survdiff (also sex), coxph (complete cases of age, wt.loss, sex)."""
    ref = r_reference_na()
    result = run("survival", str(LUNG_NA), "--time", "time", "--event", "status", "--by", "sex",
                 "--covariates", "age,wt.loss,sex", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert (doc["km"]["n"], doc["km"]["events"]) == (ref["km"]["n"], ref["km"]["events"])
    close([doc["km"]["median"], doc["km"]["lower"], doc["km"]["upper"]],
          [ref["km"]["median"], ref["km"]["lower"], ref["km"]["upper"]])
    groups = ref["km_by_sex"]
    assert list(doc["groups"]) == groups["groups"]
    assert [doc["groups"][g]["n"] for g in groups["groups"]] == groups["n"]
    for key in ("median", "lower", "upper"):
        close([doc["groups"][g][key] for g in groups["groups"]], groups[key])
    assert doc["logrank"]["n"] == ref["logrank"]["n"]
    close([doc["logrank"]["chisq"], *doc["logrank"]["observed"], *doc["logrank"]["expected"]],
          [ref["logrank"]["chisq"], *ref["logrank"]["observed"], *ref["logrank"]["expected"]])
    cox = ref["cox"]
    assert (doc["cox"]["n"], doc["cox"]["events"]) == (cox["n"], cox["events"]) == (doc["rows"]["cox"]["n"], 147)
    assert [t["name"] for t in doc["cox"]["terms"]] == ["age", "wt.loss", "sex[male]"]
    for key in ("coef", "se", "hr", "lower", "upper", "p"):
        close([t[key] for t in doc["cox"]["terms"]], cox[key])
    close([doc["cox"]["lr_test"], doc["cox"]["concordance"]], [cox["lr"], cox["concordance"]])
    assert doc["input"]["missing"] == {"time": 2, "status": 1, "sex": 2, "age": 0, "wt.loss": 14}


def test_csv_written_by_r_with_nas_stratified():
    ref = r_reference_na()
    doc = json.loads(run("survival", str(LUNG_NA), "--time", "time", "--event", "status", "--by", "sex",
                         "--strata", "ph.ecog", "--covariates", "age,wt.loss", "--json").stdout)
    assert doc["logrank"]["n"] == ref["logrank_strata"]["n"]
    close(doc["logrank"]["chisq"], ref["logrank_strata"]["chisq"])
    cox = ref["cox_strata"]
    assert doc["cox"]["n"] == cox["n"] and doc["cox"]["events"] == cox["events"]
    for key in ("coef", "se", "hr", "lower", "upper", "p"):
        close([t[key] for t in doc["cox"]["terms"]], cox[key])
    close([doc["cox"]["lr_test"], doc["cox"]["concordance"]], [cox["lr"], cox["concordance"]])


def test_survival_reports_bad_rows_all_at_once(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,e,g\n5,1,a\n-1,1,a\nsoon,0,b\n7,maybe,b\n9,1,\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", "--by", "g")
    assert result.returncode == 1
    assert "d.csv, row 3, column t — value '-1': t must be at least 0" in result.stdout
    assert "d.csv, row 4, column t — value 'soon': t is not a number" in result.stdout
    assert "d.csv, row 5, column e — value 'maybe': e must be 1/0, yes/no or true/false" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_values_are_left_out_per_analysis_and_listed(tmp_path):
    """A blank group leaves the row out of the by-group analyses only (R: survfit(~1) keeps it)."""
    path = tmp_path / "d.csv"
    path.write_text("t,e,g\n5,1,a\n6,1,b\n7,0,\n8,1,a\n9,0,b\n")
    doc = json.loads(run("survival", str(path), "--time", "t", "--event", "e", "--by", "g", "--json").stdout)
    assert doc["km"]["n"] == 5
    assert sum(g["n"] for g in doc["groups"].values()) == 4 and doc["logrank"]["n"] == 4
    assert doc["rows"]["km"] == {"variables": ["t", "e"], "n": 5, "dropped": 0, "dropped_rows": [],
                                 "dropped_missing": {}}
    assert doc["rows"]["logrank"]["dropped_rows"] == [4] and doc["rows"]["logrank"]["dropped_missing"] == {"g": 1}
    assert doc["input"]["missing"] == {"t": 0, "e": 0, "g": 1}
    assert doc["warnings"] == ["d.csv, column g: 1 missing value(s) (NA, N/A, NaN, . or blank) in row 4; each "
                               "analysis leaves out the rows it cannot use and says how many"]


R_STYLE = ('"","time","status","age","arm"\n"1",5,1,61,"A"\n"2",8,1,NA,"B"\n"3",12,0,70,NA\n"4",NA,1,66,"A"\n'
           '"5",20,0,48,"B"\n"6",15,1,72,"A"\n"7",9,0,.,"B"\n"8",4,1,N/A,"A"\n"9",11,NaN,55,"B"\n'
           '"10",14,1,58,"B"\n"11",3,1,65,"A"\n"12",17,0,52,"B"\n')


def test_r_missing_markers_are_missing_and_a_numeric_covariate_stays_numeric(tmp_path):
    """The issue's trap: NA was read as a category — age became a many-level factor and arm got a level 'NA'."""
    path = tmp_path / "r.csv"
    path.write_text(R_STYLE)
    result = run("survival", str(path), "--time", "time", "--event", "status", "--by", "arm",
                 "--covariates", "age,arm", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert set(doc["groups"]) == {"A", "B"}
    assert [t["name"] for t in doc["cox"]["terms"]] == ["age", "arm[B]"]
    assert doc["input"]["missing"] == {"time": 1, "status": 1, "age": 3, "arm": 1}
    assert doc["rows"]["km"]["n"] == 10 and doc["rows"]["km"]["dropped_rows"] == [5, 10]
    assert doc["rows"]["groups"]["n"] == 9
    assert doc["rows"]["cox"]["n"] == 6 and doc["cox"]["n"] == 6
    assert doc["rows"]["cox"]["dropped_missing"] == {"time": 1, "status": 1, "age": 3, "arm": 1}


def test_row_accounting_is_printed_per_analysis(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(R_STYLE)
    out = run("survival", str(path), "--time", "time", "--event", "status", "--by", "arm", "--covariates",
              "age").stdout
    assert "Kaplan–Meier, all: n = 10; 2 row(s) left out for a missing value (time 1, status 1): rows 5, 10" in out
    assert "Cox model: n = 7; 5 row(s) left out for a missing value (time 1, status 1, age 3): rows 3, 5, 8, 9, 10" \
        in out
    assert "r.csv, column age: 3 missing value(s) (NA, N/A, NaN, . or blank) in rows 3, 8, 9" in out


def test_mostly_numeric_column_with_text_is_said(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("t,e,age\n5,1,60\n6,1,61\n7,0,unknown\n8,1,70\n9,0,55\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", "--covariates", "age")
    assert "m.csv, column age: 4 of 5 values are numbers but 1 are text ('unknown' (row 4))" in result.stdout


def test_several_rows_per_patient_are_refused_with_their_rows(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("patient_id,t,e\nP1,5,1\nP2,6,0\nP1,7,0\nP3,8,1\nP2,9,1\n")
    result = run("survival", str(path), "--time", "t", "--event", "e")
    assert result.returncode == 1
    assert ("long.csv, row 2, column patient_id — value 'P1': patient 'P1' is on 2 rows (rows 2, 4); this analysis "
            "needs one row per patient") in result.stdout
    assert "row 3, column patient_id — value 'P2': patient 'P2' is on 2 rows (rows 3, 6)" in result.stdout
    # a column not named like an identifier is checked when --id names it
    path.write_text("subject,t,e\nP1,5,1\nP2,6,0\nP1,7,0\n")
    assert run("survival", str(path), "--time", "t", "--event", "e").returncode == 0
    named = run("survival", str(path), "--time", "t", "--event", "e", "--id", "subject", "--json")
    assert named.returncode == 1
    problem = json.loads(named.stdout)["problems"][0]
    assert (problem["row"], problem["column"], problem["value"], problem["rule"]) == (2, "subject", "P1",
                                                                                     "patient.several_rows")


@pytest.mark.parametrize("flags, message", [
    (["--covariates", "x", "--strata", "x"], "--strata x is also in --covariates"),
    (["--by", "g", "--strata", "g"], "--by and --strata both name g"),
    (["--covariates", "x,x"], "--covariates names x more than once"),
    (["--covariates", "x", "--categorical", "g"],
     "--categorical names g, which is not in --covariates or --confounders"),
])
def test_a_column_in_two_roles_is_a_plain_usage_error(tmp_path, flags, message):
    """The issue's trap: --strata that is also a covariate and --by X --strata X were internal errors."""
    path = tmp_path / "s.csv"
    path.write_text("t,e,x,g\n1,1,1,a\n2,0,2,b\n3,1,3,a\n4,1,4,b\n5,0,5,a\n6,1,6,b\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", *flags)
    assert result.returncode == 2
    assert message in result.stderr and "internal error" not in result.stderr


def test_model_without_information_is_an_input_message(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("t,e,x\n1,1,1\n2,0,1\n3,1,1\n4,1,1\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", "--covariates", "x")
    assert result.returncode == 1
    assert "the Cox model cannot be done: x: no information" in result.stdout
    assert "internal error" not in result.stdout + result.stderr


def test_firth_with_two_covariates_on_seven_patients(tmp_path):
    """The issue's trap: LinAlgError (internal error, exit 2) in the profile-CI search."""
    path = tmp_path / "seven.csv"
    path.write_text("t,e,treated,age\n25,0,1,60\n19,0,1,37\n15,1,1,58\n8,1,1,48\n9,1,1,53\n2,1,1,55\n3,1,0,57\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", "--covariates", "treated,age", "--firth",
                 "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no numpy RuntimeWarning on the terminal
    cox = json.loads(result.stdout)["cox"]
    assert [t["ci_method"] for t in cox["terms"]] == ["profile penalised-likelihood CI"] * 2
    assert all(t["lower"] < t["hr"] < t["upper"] for t in cox["terms"])


def test_firth_flag(tmp_path):
    path = tmp_path / "m.csv"
    pd.DataFrame(r_reference()["data"]["monotone"]).to_csv(path, index=False)
    plain = run("survival", str(path), "--time", "time", "--event", "status", "--covariates", "asps,ecog2",
                "--ties", "breslow")
    assert "monotone likelihood for asps" in plain.stdout
    doc = json.loads(run("survival", str(path), "--time", "time", "--event", "status", "--covariates", "asps,ecog2",
                         "--ties", "breslow", "--firth", "--json").stdout)
    close([t["coef"] for t in doc["cox"]["terms"]], r_reference()["firth"]["monotone_breslow"]["coef"])


def test_proportion(tmp_path):
    result = run("proportion", "11", "32", "--p0", "0.13")
    assert result.stdout.splitlines()[0] == "11/32 = 34.4% (95% CI, Clopper–Pearson exact: 18.6–53.2%)"
    doc = json.loads(run("proportion", "4", "7", "--method", "wilson", "--json").stdout)
    close([doc["lower"], doc["upper"]], r_reference()["proportions"]["4_of_7"]["wilson"])
    assert run("proportion", "8", "7").returncode == 1


def test_cli_method_choices_match_the_statistics_module():
    from oncocohort.cli import CI_METHODS
    from oncocohort.stats.proportions import CI_METHOD_NAMES

    assert CI_METHODS == tuple(CI_METHOD_NAMES)


MGUS2 = Path(__file__).resolve().parent / "reference" / "mgus2_competing.csv"


def test_competing_risks_json_matches_cmprsk():
    ref = json.loads((MGUS2.parent / "competing_risks_reference.json").read_text())
    result = run("survival", str(MGUS2), "--time", "etime", "--event", "event", "--competing", "2", "--by", "male",
                 "--covariates", "age,male", "--landmarks", "12,60,120,240,360", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)["competing_risks"]
    assert doc["counts"] == {"0": 409, "1": 115, "2": 860} and doc["causes"] == ["1", "2"]
    cuminc = ref["cuminc_by_sex"]
    for i, name in enumerate(cuminc["curve_names"]):
        group, cause = name.split()
        curve = next(c for c in doc["groups"] if c["group"] == group and c["cause"] == cause)
        close([a["estimate"] for a in curve["at"]], cuminc["est"][i])
        close([a["variance"] for a in curve["at"]], cuminc["var"][i])
    close([t["chisq"] for t in doc["gray"]], cuminc["tests"]["stat"])
    close([t["coef"] for t in doc["fine_gray"]["terms"]], ref["crr_pcm"]["coef"])
    close([t["se"] for t in doc["fine_gray"]["terms"]], ref["crr_pcm"]["se"])
    close([t["coef"] for t in doc["cause_specific_cox"][1]["terms"]], ref["cause_specific_death"]["coef"])
    assert set(doc["rows"]) == {"cuminc", "groups", "regression"}


def test_competing_codes_are_checked_per_row(tmp_path):
    path = tmp_path / "cr.csv"
    path.write_text("id,t,e\n1,3,0\n2,4,5\n3,5,1\n4,6,2\n5,7,1.5\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", "--competing", "2")
    assert result.returncode == 1
    assert "3, 6, values '5', '1.5': e must be 0 (censored), 1 (the event) or a competing-event code" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("flags, message", [
    (["--competing", "1"], "not 0 = censored or 1 = the event"),
    (["--competing", "2,x"], "whole numbers"),
    (["--competing", "2", "--firth"], "--firth is not available"),
])
def test_competing_usage_errors(tmp_path, flags, message):
    path = tmp_path / "cr.csv"
    path.write_text("t,e\n3,0\n4,2\n5,1\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", *flags)
    assert result.returncode == 2 and message in result.stderr


def test_competing_text_output_names_methods(tmp_path):
    result = run("survival", str(MGUS2), "--time", "etime", "--event", "event", "--competing", "2", "--by", "male")
    assert result.returncode == 0, result.stderr
    assert "Gray's test (R cmprsk::cuminc), cause 1: chi-square = 1.195" in result.stdout
    assert "Aalen–Johansen" in result.stdout
