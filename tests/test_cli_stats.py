"""oncocohort survival / proportion: the JSON keys of docs/cli.md, R's numbers, and input problems by row."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.stats.reference import close, r_reference


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


def test_survival_reports_bad_rows_all_at_once(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,e,g\n5,1,a\n-1,1,a\nsoon,0,b\n7,maybe,b\n9,1,\n")
    result = run("survival", str(path), "--time", "t", "--event", "e", "--by", "g")
    assert result.returncode == 1
    assert "d.csv, row 3, column t — value '-1': t must be at least 0" in result.stdout
    assert "d.csv, row 4, column t — value 'soon': t is not a number" in result.stdout
    assert "d.csv, row 5, column e — value 'maybe': e must be 1/0, yes/no or true/false" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_incomplete_rows_are_listed_not_silently_dropped(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,e,g\n5,1,a\n6,1,b\n7,0,\n8,1,a\n9,0,b\n")
    doc = json.loads(run("survival", str(path), "--time", "t", "--event", "e", "--by", "g", "--json").stdout)
    assert doc["km"]["n"] == 4
    assert doc["warnings"] == ["d.csv: 1 row(s) with a blank or unreadable value in a used column are left out: rows 4"]


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
