"""`oncocohort validate` as a user meets it: grouped problem lines, JSON with every occurrence, escaped control
characters, and the cohort the report would analyse (nobody included is an error)."""

from __future__ import annotations

import json
import subprocess
import sys

from oncocohort.io.template import STUDY_TOML
from tests.study_builder import example_tables, write_study


def validate(folder, *options):
    return subprocess.run([sys.executable, "-m", "oncocohort", "validate", str(folder), *options],
                          capture_output=True, text=True)


def test_repeated_problems_are_one_line_and_json_keeps_each(tmp_path):
    tables = example_tables()
    for row in tables["lesions"]:
        row["status"] = None  # 8 blank required cells, rows 2-9
    folder = write_study(tmp_path / "s", tables)
    result = validate(folder)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Found 8 error(s) (lesions 8) and 0 warning(s).")
    assert ("  1. study.xlsx, sheet lesions, column status — 8 rows: 2, 3, 4, 5, 6 … and 3 more: status is required "
            "and the cell is blank") in lines
    assert sum("column status" in line for line in lines) == 1
    doc = json.loads(validate(folder, "--json").stdout)
    assert sorted(p["row"] for p in doc["problems"] if p["column"] == "status") == list(range(2, 10))
    assert "cohort" not in doc  # no eligibility preview for a study with errors


def test_terminal_escape_sequences_in_a_cell_are_not_echoed(tmp_path):
    tables = example_tables()
    tables["patients"][0]["sex"] = "\x1b[2J\x1b]0;owned\x07male"
    tables["patients"][1]["histology"] = "Alveolar\x1b[31m soft-part sarcoma"
    tables["patients"][1]["sex"] = "fem\u202eale"
    result = validate(write_study(tmp_path / "s", tables, layout="csv"))  # xlsx cannot hold C0 controls
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "value '\\x1b[2J\\x1b]0;owned\\x07male'" in result.stdout and "value 'fem\\u202eale'" in result.stdout


def test_validate_says_how_many_would_be_included(tmp_path):
    result = validate(write_study(tmp_path / "s", example_tables()))
    assert result.returncode == 0, result.stdout
    assert "eligibility: 2 screened, 2 would be included" in result.stdout.splitlines()
    doc = json.loads(validate(tmp_path / "s", "--json").stdout)
    assert doc["valid"] and doc["cohort"] == {"screened": 2, "included": 2, "excluded_by": []}


def test_nobody_included_is_an_error_naming_the_criterion(tmp_path):
    tables = example_tables()
    del tables["lesions"]
    toml = STUDY_TOML.replace('criteria = "recist1.1"', 'criteria = "recorded"')
    folder = write_study(tmp_path / "s", tables, toml=toml)
    result = validate(folder)
    assert result.returncode == 1
    line = toml.splitlines().index('field = "baseline_target_lesions"') + 1 - 3  # its [[eligibility.criteria]]
    assert (f"study.toml, [eligibility.criteria], line {line}, key field — value 'baseline_target_lesions': no "
            "patient is included: criterion 5") in result.stdout
    assert "eligibility: 2 screened, 0 would be included (At least one measurable target lesion (RECIST 1.1): 2 " \
           "excluded)" in result.stdout
    assert result.stdout.splitlines()[-1].startswith(f"{folder}: NOT valid — 1 error(s), 0 warning(s)")
    doc = json.loads(validate(folder, "--json").stdout)
    assert not doc["valid"] and doc["n_errors"] == 1 and doc["cohort"]["included"] == 0
    assert doc["problems"][0]["rule"] == "eligibility.nobody_included"


def test_drugs_outside_the_regimen_blame_the_regimen(tmp_path):
    tables = example_tables()
    for row in tables["treatments"]:
        row["drug"] = "doxorubicin"
    result = validate(write_study(tmp_path / "s", tables))
    assert result.returncode == 1
    error = next(line for line in result.stdout.splitlines() if "no patient is included" in line)
    assert error.startswith("  1. study.toml, [regimen.components]: no patient is included: no patient received a "
                            "drug of the regimen")
    assert "treatments.drug holds doxorubicin (5 rows)" in error and "baseline_target_lesions" not in error
