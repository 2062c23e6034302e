"""The command line: exit codes, JSON output, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oncocohort import cli
from tests.study_builder import example_tables, write_study


def run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True)


def test_init_then_validate_exits_zero(tmp_path):
    result = run("init", str(tmp_path / "s"), "--example")
    assert result.returncode == 0 and "study.xlsx" in result.stdout
    result = run("validate", str(tmp_path / "s"))
    assert result.returncode == 0, result.stdout
    assert "valid — 0 error(s), 0 warning(s)" in result.stdout
    assert run("init", str(tmp_path / "s")).returncode == 1  # will not overwrite


def test_validate_with_errors_exits_one_and_lists_them(tmp_path):
    tables = example_tables()
    tables["patients"][1]["sex"] = "other"
    folder = write_study(tmp_path / "s", tables)
    result = run("validate", str(folder))
    assert result.returncode == 1
    assert "ERRORS (1)" in result.stdout
    expected = "study.xlsx, sheet patients, row 3, column sex — value 'other': sex must be one of: male, female"
    assert expected in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_json_of_a_clean_study(tmp_path):
    folder = write_study(tmp_path / "s", example_tables())
    result = run("validate", str(folder), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"valid": True, "n_errors": 0, "n_warnings": 0, "problems": [],
                                         "cohort": {"screened": 2, "included": 2, "excluded_by": []}}


def test_warnings_only_exit_zero(tmp_path):
    tables = example_tables()
    tables["followup"][0]["last_known_alive_date"] = "2023-01-01"
    result = run("validate", str(write_study(tmp_path / "s", tables)))
    assert result.returncode == 0 and "WARNINGS (1)" in result.stdout


def test_missing_folder_is_an_input_error(tmp_path):
    result = run("validate", str(tmp_path / "nothing-here"))
    assert result.returncode == 1 and "is not a folder" in result.stdout


def test_internal_error_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    def broken(path):
        raise RuntimeError("boom")
    monkeypatch.setattr("oncocohort.io.study.validate_study", broken)  # imported by the command when it runs
    assert cli.main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "validate", str(tmp_path)])


def test_usage_error_exits_two():
    assert run("frobnicate").returncode == 2


def test_report_figure_formats_png_only_and_unknown_refused(tmp_path):
    """``--figure-formats png``: each figure as PNG alone (the documents still show it); a list without png or with
    an unknown format is a usage error (exit 2) naming the choices, before any work."""
    write_study(tmp_path / "s", example_tables())
    result = run("report", str(tmp_path / "s"), "--out", str(tmp_path / "out"), "--format", "html",
                 "--figure-formats", "png")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "figures (PNG 300 dpi)" in result.stdout
    figures = sorted(p.suffix for p in (tmp_path / "out" / "figures").iterdir())
    assert figures and set(figures) == {".png"}
    for bad, message in (("svg,pdf", "must include png"), ("png,tiff", "choose from png, svg, pdf")):
        refused = run("report", str(tmp_path / "s"), "--out", str(tmp_path / "bad"), "--figure-formats", bad)
        assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr
        assert not (tmp_path / "bad").exists()
