"""Heavy libraries are imported only by the modules that use them: starting the CLI (``--help``, ``validate``,
``init`` …) loads none of scipy, matplotlib, python-docx, openpyxl or WeasyPrint."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scipy", "matplotlib", "docx", "openpyxl", "weasyprint")


def test_cli_starts_without_heavy_libraries():
    code = ("import sys, oncocohort.cli; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_reading_a_csv_study_does_not_need_openpyxl(demo_study):
    code = ("import sys; from oncocohort.io.study import validate_study; "
            f"report = validate_study({str(demo_study)!r}); assert report.study is not None; "
            "print('openpyxl' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
