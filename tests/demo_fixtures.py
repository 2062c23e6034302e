"""Session-wide fixtures on the bundled demo study (built once: ~1 s)."""

from __future__ import annotations

import pytest

from oncocohort.demo.cohort import write_demo_study
from oncocohort.report.build import analyse_folder


@pytest.fixture(scope="session")
def demo_study(tmp_path_factory):
    return write_demo_study(tmp_path_factory.mktemp("demo") / "study")


@pytest.fixture(scope="session")
def demo_results(demo_study):
    _, datasets, results = analyse_folder(demo_study)
    return results
