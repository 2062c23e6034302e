"""The report says what happened to the input on the way ("Data notes", HTML and DOCX): spellings read as one
category, patients whose subgroup value is in no named group (also under the subgroup tables and on the terminal),
and Firth-penalised Cox models name their CI method per term in results.json and the table note.

At commit 3202bc4 none of this was in the report: merged spellings were a validation warning only, and patients
with a value in no group vanished from the subgroup analysis without a word."""

from __future__ import annotations

import json
import shutil

import docx
import pytest

from oncocohort.report.build import Progress, build_report


@pytest.fixture(scope="module")
def noted_report(demo_study, tmp_path_factory):
    """The demo with 'lms' typed for one LMS patient and ECOG 2 left out of the ECOG groups."""
    study = tmp_path_factory.mktemp("notes") / "study"
    shutil.copytree(demo_study, study)
    patients = (study / "patients.csv").read_text(encoding="utf-8")
    (study / "patients.csv").write_text(patients.replace(",Leiomyosarcoma,LMS,", ",Leiomyosarcoma,lms,", 1),
                                        encoding="utf-8")
    toml = (study / "study.toml").read_text(encoding="utf-8")
    assert 'groups = { "0-1" = [0, 1], "2" = [2] }' in toml
    toml = toml.replace('groups = { "0-1" = [0, 1], "2" = [2] }', 'groups = { "0-1" = [0, 1] }')
    (study / "study.toml").write_text(toml.replace('[analysis]\n', '[analysis]\nfirth = "always"\n', 1),
                                      encoding="utf-8")
    out = tmp_path_factory.mktemp("notes") / "out"
    lines: list[str] = []
    build_report(study, out, ("html", "docx"), progress=Progress(lines.append))
    return out, lines


def test_data_notes_in_html_and_docx(noted_report):
    out, _ = noted_report
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page.split('<h2 id="data-notes">Data notes</h2>', 1)[1]
    assert "value.spelling_variants" in section and "histology_group (patients): &#x27;lms&#x27; (row 2) read as " \
        "&#x27;LMS&#x27;" in section
    assert "ECOG performance status: &#x27;2&#x27; (8 patients) in no group of study.toml" in section
    assert '<a href="#data-notes">Data notes</a>' in page  # in the table of contents
    paragraphs = [p.text for p in docx.Document(out / "report.docx").paragraphs]
    start = paragraphs.index("Data notes")
    notes = paragraphs[start + 1:]
    assert any("'lms' (row 2) read as 'LMS'" in p for p in notes)
    assert any("ECOG performance status: '2' (8 patients)" in p for p in notes)
    assert "DEMO-" not in section and not any("DEMO-" in p for p in notes)  # no patient identifiers


def test_ungrouped_subgroup_values_are_said(noted_report):
    out, lines = noted_report
    facts = json.loads((out / "results.json").read_text(encoding="utf-8"))
    ecog = next(g for g in facts["subgroup_survival"]["PFS"] if g["field"] == "ecog")
    assert ecog["ungrouped"] == [{"value": "2", "n": 8}] and ecog["n_missing"] == 8
    assert [lv["level"] for lv in ecog["levels"]] == ["0-1"]
    assert any(line.startswith("[") and "warning: ECOG performance status: '2' (8 patients)" in line
               for line in lines)
    table = next((out / "tables").glob("table_*_subgroups_pfs.md")).read_text(encoding="utf-8")
    assert "ECOG performance status: values in no group of study.toml [[analysis.subgroups]] — '2' (8 patients)" \
        in table


def test_firth_ci_method_in_results_json_and_table_note(noted_report):
    out, _ = noted_report
    facts = json.loads((out / "results.json").read_text(encoding="utf-8"))
    model = next(m for m in facts["cox"]["PFS"]["univariable"] if m["covariate"] == "histology_group")
    assert model["method"].startswith("Firth-penalised Cox model") and "notes" in model
    assert model["terms"] and {t["ci_method"] for t in model["terms"]} == {"profile penalised-likelihood CI"}
    table = next((out / "tables").glob("table_*_subgroups_pfs.md")).read_text(encoding="utf-8")
    assert "† Firth-penalised Cox model" in table and model["method"] in table


def test_no_data_notes_section_without_notes(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "Data notes" not in page
