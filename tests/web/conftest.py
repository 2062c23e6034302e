"""Fixtures of the web app tests: a test client with its token, and the demo study as an upload."""

from __future__ import annotations

import pytest

from tests.web.demo_workbook import demo_workbook

TOKEN = "test-token-0123456789"
SEEDED_ROW = 5  # Excel row of the patients sheet that gets the seeded error (ECOG 9)
HTML_ROW = 7  # Excel row whose sex cell holds HTML


@pytest.fixture
def client(tmp_path):
    from starlette.testclient import TestClient

    from oncocohort.web.app import create_app

    app = create_app(tmp_path / "workspace", token=TOKEN)
    with TestClient(app, headers={"X-Oncocohort-Token": TOKEN}) as test_client:
        test_client.web = app.web
        yield test_client


@pytest.fixture(scope="session")
def seeded_workbook(demo_study) -> bytes:
    """The demo study as study.xlsx with ECOG 9 in patients row 5 and HTML in the sex cell of row 7."""
    return demo_workbook(demo_study, {("patients", SEEDED_ROW, "ecog"): "9",
                                      ("patients", HTML_ROW, "sex"): '<b id="xss">male</b><script>alert(1)</script>'})


@pytest.fixture(scope="session")
def fixed_workbook(demo_study) -> bytes:
    return demo_workbook(demo_study)
