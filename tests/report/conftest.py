"""The demo report built once for every test of report/ (html + docx)."""

from __future__ import annotations

import pytest

from oncocohort.report.build import build_report


@pytest.fixture(scope="package")
def report_dir(demo_study, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    build_report(demo_study, out, ("html", "docx"))
    return out
