"""The HTTP API and the pages, through Starlette's test client (docs/web.md)."""

from __future__ import annotations

import io
import json
import time
import tomllib
import zipfile

import pytest
from starlette.testclient import TestClient

from oncocohort.io.problems import problems_to_json
from oncocohort.io.study import validate_study
from oncocohort.web.app import create_app
from oncocohort.web.jobs import STAGES
from tests.web.conftest import HTML_ROW, SEEDED_ROW, TOKEN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, data: bytes, name: str = "My cohort.xlsx", url: str = "/api/studies", method: str = "post"):
    return getattr(client, method)(url, files={"file": (name, data, XLSX)})


# ---- the token ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/api/studies", "/static/app.css", "/api/template/study.xlsx",
                                  "/studies/x/validation"])
def test_no_token_is_403(tmp_path, path):
    with TestClient(create_app(tmp_path, token=TOKEN)) as anonymous:
        response = anonymous.get(path)
        assert response.status_code == 403
        assert "needs its token" in response.text
        assert anonymous.get(path, headers={"X-Oncocohort-Token": "wrong"}).status_code == 403
        assert anonymous.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert anonymous.post("/api/studies", json={"source": "demo"}).status_code == 403
    assert not list((tmp_path / "studies").iterdir())


def test_the_start_url_sets_a_strict_cookie_and_drops_the_token_from_the_address(tmp_path):
    with TestClient(create_app(tmp_path, token=TOKEN, cookie_suffix="8765")) as browser:
        first = browser.get(f"/?token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/"
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(f"oncocohort_token_8765={TOKEN}") and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        page = browser.get("/")  # the cookie alone now
        assert page.status_code == 200 and "Open your study" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert browser.get("/api/studies", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_random_token_is_made_when_none_is_given(tmp_path):
    one, two = create_app(tmp_path / "a"), create_app(tmp_path / "b")
    assert len(one.web.token) >= 32 and one.web.token != two.web.token


# ---- upload, validation, re-upload ---------------------------------------------------------------------------
def test_upload_validation_json_is_the_cli_json_and_reupload_fixes_it(client, seeded_workbook, fixed_workbook):
    created = _upload(client, seeded_workbook)
    assert created.status_code == 201, created.text
    study = created.json()
    assert study["name"] == "My cohort" and study["layout"] == "xlsx"
    folder = client.web.workspace.input_dir(study["id"])
    validation = client.get(f"/api/studies/{study['id']}/validation")
    assert validation.status_code == 200
    assert validation.text == problems_to_json(validate_study(folder).problems)  # = `oncocohort validate --json`
    problems = validation.json()["problems"]
    assert not validation.json()["valid"]
    assert {(p["table"], p["row"], p["column"]) for p in problems} == {("patients", SEEDED_ROW, "ecog"),
                                                                        ("patients", HTML_ROW, "sex")}
    assert client.get(f"/api/studies/{study['id']}/preview").json()["attrition"] is None

    replaced = _upload(client, fixed_workbook, url=f"/api/studies/{study['id']}/data", method="put")
    assert replaced.status_code == 200 and replaced.json()["replaced"] == ["study.xlsx"]
    again = client.get(f"/api/studies/{study['id']}/validation").json()
    assert again["valid"] and again["n_errors"] == 0


def test_preview_comes_from_the_derive_step(client, demo_study):
    from oncocohort.derive.analysis_datasets import derive_study

    study = client.post("/api/studies", json={"source": "demo"}).json()
    preview = client.get(f"/api/studies/{study['id']}/preview").json()
    datasets = derive_study(validate_study(demo_study).study)
    assert preview["screened"] == len(datasets.eligibility.screened)
    assert preview["included"] == len(datasets.eligibility.included)
    assert [r["n_excluded"] for r in preview["attrition"]] == datasets.attrition["n_excluded"].tolist()


def test_zip_uploads(client, demo_study):
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as archive:
        for path in sorted(demo_study.iterdir()):
            archive.writestr(f"demo/{path.name}", path.read_bytes())
    created = client.post("/api/studies", files={"file": ("demo.zip", good.getvalue(), "application/zip")})
    assert created.status_code == 201
    assert created.json()["unused_zip_entries"] == ["demo/README.txt"]
    assert created.json()["layout"] == "csv"

    page = client.post("/studies", data={"source": "upload"},
                       files={"file": ("demo.zip", good.getvalue(), "application/zip")})
    assert "Not used from the zip: demo/README.txt." in page.text

    slip = io.BytesIO()
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("demo/study.toml", "x")
        archive.writestr("../../escaped.csv", "x")
    refused = client.post("/api/studies", files={"file": ("evil.zip", slip.getvalue(), "application/zip")})
    assert refused.status_code == 400 and "outside its folder" in refused.json()["error"]
    page = client.post("/studies", data={"source": "upload"},
                       files={"file": ("evil.zip", slip.getvalue(), "application/zip")})
    assert page.status_code == 400 and "outside its folder" in page.text
    root = client.web.workspace.root
    assert not list(root.parent.rglob("escaped.csv"))
    assert len(client.get("/api/studies").json()["studies"]) == 2


def test_uploads_beyond_the_limit_are_413(tmp_path):
    app = create_app(tmp_path, token=TOKEN, max_upload_mb=0.01)
    with TestClient(app, headers={"X-Oncocohort-Token": TOKEN}) as client:
        response = _upload(client, b"0" * 20_000)
        assert response.status_code == 413 and "limit of 0.01 MB" in response.text
        chunked = client.post("/api/studies", content=iter([b"--b\r\n" + b"0" * 8000] * 3),  # no content-length
                              headers={"content-type": "multipart/form-data; boundary=b"})
        assert chunked.status_code == 413
    assert not list((tmp_path / "studies").iterdir())


def test_html_in_a_cell_is_shown_as_text(client, seeded_workbook):
    study = _upload(client, seeded_workbook, name='<img src=x onerror="alert(1)">.xlsx').json()
    for path in (f"/studies/{study['id']}/validation", f"/studies/{study['id']}/sheets/patients", "/"):
        page = client.get(path).text
        assert '<b id="xss">' not in page and "<script>alert" not in page and "<img src=x" not in page, path
    assert "&lt;b id=&#34;xss&#34;&gt;male&lt;/b&gt;" in client.get(f"/studies/{study['id']}/sheets/patients").text


def test_sheet_view_highlights_the_cell_of_the_problem(client, seeded_workbook):
    study = _upload(client, seeded_workbook).json()
    page = client.get(f"/studies/{study['id']}/sheets/patients?row={SEEDED_ROW}").text
    row = page.split(f'id="r{SEEDED_ROW}"')[1].split("</tr>")[0]
    assert 'class="bad error" title="ecog must be one of: 0, 1, 2, 3, 4' in row and ">9</td>" in row
    assert row.count('class="bad') == 1  # only the ECOG cell of that row
    clean = page.split('id="r3"')[1].split("</tr>")[0]
    assert "bad" not in clean


def test_unknown_studies_and_files_are_404(client):
    assert client.get("/api/studies/nope-000000").status_code == 404
    assert client.get("/api/studies/..%2F..%2Fetc/validation").status_code == 404
    assert client.get("/studies/nope-000000/validation").status_code == 404
    study = client.post("/api/studies", json={"source": "demo"}).json()
    for path in ("../meta.json", "..%2Fmeta.json", "../input/study.toml", "/etc/passwd", "report.html"):
        assert client.get(f"/api/studies/{study['id']}/outputs/{path}").status_code == 404, path


def test_template_downloads(client):
    from openpyxl import load_workbook

    workbook = client.get("/api/template/study.xlsx")
    assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
    assert "patients" in load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert "study" in tomllib.loads(client.get("/api/template/study.toml").text)
    assert client.get("/api/template/secret.txt").status_code == 404


# ---- settings --------------------------------------------------------------------------------------------------
def test_settings_put_is_checked_before_it_is_written(client):
    study = client.post("/api/studies", json={"source": "demo"}).json()
    url = f"/api/studies/{study['id']}/settings"
    before = client.get(url).text
    bad = client.put(url, content=before.replace('ci_method = "clopper-pearson"', 'ci_method = "exact"'))
    assert bad.status_code == 422 and not bad.json()["saved"]
    assert [p["column"] for p in bad.json()["problems"] if p["severity"] == "error"] == ["ci_method"]
    assert client.get(url).text == before
    good = client.put(url, content=before.replace('ci_method = "clopper-pearson"', 'ci_method = "wilson"'))
    assert good.status_code == 200 and good.json()["saved"]
    assert tomllib.loads(client.get(url).text)["analysis"]["ci_method"] == "wilson"


def test_settings_form_page_saves_and_shows_problems(client):
    study = client.post("/api/studies", json={"source": "demo"}).json()
    page = client.get(f"/studies/{study['id']}/settings")
    assert page.status_code == 200 and 'name="criterion_field_0" value="metastatic"' in page.text
    fields = {"title": "Edited <title>", "data_cutoff": "2022-05-15", "time_unit": "months",
              "regimen_name": "A + P", "index_date": "first_dose", "component_label_0": "anlotinib",
              "component_drugs_0": "anlotinib", "component_label_1": "PD-1 inhibitor",
              "component_drugs_1": "sintilimab, camrelizumab", "eligibility_missing": "exclude",
              "criterion_kind_0": "include", "criterion_label_0": "Adults", "criterion_field_0": "age",
              "criterion_operator_0": ">=", "criterion_value_0": "18", "response_criteria": "recist1.1",
              "confirmation": "on", "confirmation_min_days": "28", "sd_min_days": "42",
              "subgroup_field_0": "histology_group", "subgroup_label_0": "Subtype", "cox_covariates": "ecog",
              "ci_method": "jeffreys", "conf_level": "0.9", "km_conf_type": "log", "median_ci": "survfit"}
    saved = client.post(f"/studies/{study['id']}/settings", data=fields)
    assert saved.status_code == 200 and "Saved study.toml." in saved.text
    data = tomllib.loads(client.get(f"/api/studies/{study['id']}/settings").text)
    assert data["analysis"]["ci_method"] == "jeffreys" and data["response"]["confirmation"] is True
    assert data["eligibility"]["criteria"] == [{"kind": "include", "label": "Adults", "field": "age",
                                                "operator": ">=", "value": 18}]
    assert data["study"]["synthetic"] is True  # a key the form does not show is kept
    assert "Edited &lt;title&gt;" in saved.text

    refused = client.post(f"/studies/{study['id']}/settings", data={**fields, "data_cutoff": "next week"})
    assert refused.status_code == 422 and "Not saved" in refused.text and "data_cutoff" in refused.text
    assert tomllib.loads(client.get(f"/api/studies/{study['id']}/settings").text)["study"]["title"] == "Edited <title>"


# ---- report -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """A report of the two-patient example study, run once for the report tests (a second start is refused)."""
    app = create_app(tmp_path_factory.mktemp("reported"), token=TOKEN)
    with TestClient(app, headers={"X-Oncocohort-Token": TOKEN}) as client:
        example = client.get("/api/template/study.xlsx?example=1").content
        study = _upload(client, example, name="example.xlsx").json()
        url = f"/api/studies/{study['id']}/report"
        assert client.get(url).json()["state"] == "none"
        started = client.post(url, json={"formats": ["html", "docx"]})
        second = client.post(url, json={"formats": ["html"]})
        seen = {client.get(url).json()["state"]}
        while (job := client.get(url).json())["state"] in ("queued", "running"):
            seen.add(job["state"])
            time.sleep(0.2)
        client.web = app.web
        client.study, client.started, client.second, client.job, client.seen = study, started, second, job, seen
        yield client


def test_a_second_report_of_the_same_study_is_refused_while_one_runs(reported):
    assert reported.started.status_code == 202 and reported.started.json()["state"] in ("queued", "running")
    assert reported.second.status_code == 409 and "already queued or running" in reported.second.json()["error"]
    assert reported.seen & {"queued", "running"}


def test_report_progress_goes_through_the_build_stages(reported):
    job = reported.job
    assert job["state"] == "done", job["error"]
    assert job["percent"] == 100 and job["stages_done"] == list(STAGES)
    assert job["log"][0].endswith("validate: ok") and "done:" in job["log"][-1]


def test_outputs_are_listed_downloaded_and_zipped(reported):
    study = reported.study["id"]
    files = reported.get(f"/api/studies/{study}/outputs").json()
    assert files["current"] is True
    assert {"report.html", "report.docx", "results.json", "tables/table_01_baseline.csv"} <= set(files["files"])
    docx = reported.get(f"/api/studies/{study}/outputs/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert 'attachment; filename="report.docx"' in docx.headers["content-disposition"]
    shown = reported.get(f"/api/studies/{study}/outputs/report.html?inline=1")
    assert shown.headers["content-disposition"].startswith("inline")
    assert shown.headers["content-security-policy"].startswith("default-src 'none'")
    results = json.loads(reported.get(f"/api/studies/{study}/outputs/results.json").text)
    assert results  # the report's own results.json, as written
    first, second = (reported.get(f"/api/studies/{study}/outputs.zip").content for _ in range(2))
    assert first == second  # deterministic
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert names == sorted(names) and f"report/{'report.docx'}" in names and len(names) == len(files["files"])


def test_report_page_and_how_this_was_computed(reported):
    study = reported.study["id"]
    page = reported.get(f"/studies/{study}/report").text
    assert 'id="report-frame"' in page and "sandbox" in page and "outputs.zip" in page
    how = reported.get(f"/studies/{study}/how").text
    folder = reported.web.workspace.report_input_dir(study)
    assert f"oncocohort report {folder} --out {folder.parent / 'report'} --format html,docx" in how
    assert "[study]" in how and "SHA-256" in how and "study.xlsx" in how
    # changing the input makes the report stale, and the pages say so
    url = f"/api/studies/{study}/settings"
    text = reported.get(url).text
    assert reported.put(url, content=text.replace('time_unit = "months"', 'time_unit = "weeks"')).status_code == 200
    assert reported.get(f"/api/studies/{study}/outputs").json()["current"] is False
    assert 'id="stale"' in reported.get(f"/studies/{study}/report").text


def test_a_report_with_errors_fails_with_the_validation_text(client, seeded_workbook):
    study = _upload(client, seeded_workbook).json()
    assert client.post(f"/api/studies/{study['id']}/report").status_code == 202
    job = client.web.runner.wait(study["id"])
    assert job.state == "failed" and "NOT valid — no report written" in job.error
    assert client.get(f"/api/studies/{study['id']}/outputs").json()["files"] == []
    assert client.post(f"/api/studies/{study['id']}/report", json={"formats": ["rtf"]}).status_code == 400
    assert client.post(f"/api/studies/{study['id']}/report", json={"style": "vancouver"}).status_code == 400
    assert client.post(f"/api/studies/{study['id']}/report", json={"paper": "a5"}).status_code == 400


def test_the_report_job_passes_journal_style_and_paper(client):
    example = client.get("/api/template/study.xlsx?example=1").content
    study = _upload(client, example, name="styled.xlsx").json()
    started = client.post(f"/api/studies/{study['id']}/report",
                          json={"formats": ["html"], "style": "lancet", "paper": "letter"})
    assert started.status_code == 202 and started.json()["style"] == "lancet"
    job = client.web.runner.wait(study["id"])
    assert job.state == "done", job.error
    assert any(line.endswith("style lancet, US Letter") for line in job.lines)
