"""`oncocohort report` / `demo`: the files, byte-identical reruns, text numbers from results.json, reconciliation,
refusal on invalid data, escaping, and the DOCX → PDF conversion by LibreOffice (skipped when not installed)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess

import pytest

from oncocohort.cli import main
from oncocohort.report.build import ReportError, build_report, libreoffice
from oncocohort.report.narrative import LABELS, methods_paragraph, results_paragraphs
from oncocohort.report.reconcile import reconcile
from oncocohort.report.results_json import results_dict
from oncocohort.stats.adverse_event_summary import AdverseEventRow
from tests.study_builder import example_tables, write_study


def test_report_files(report_dir):
    for name in ("report.html", "report.docx", "results.json", "tables/table_01_baseline.csv",
                 "tables/table_07_adverse_events.docx", "figures/figure_02_waterfall.png",
                 "figures/figure_05_km_pfs.svg",
                 "figures/figure_01_flow.pdf", "datasets/adsl.csv", "datasets/attrition.csv"):
        assert (report_dir / name).exists(), name
    assert not (report_dir / ".oncocohort-staging").exists()
    html = (report_dir / "report.html").read_text()
    assert "data:image/png;base64," in html and "SYNTHETIC DATA" in html and "<script" not in html
    assert json.loads((report_dir / "results.json").read_text())["schema"] == "oncocohort-results/1"


def test_rerun_is_byte_identical(demo_study, report_dir, tmp_path):
    build_report(demo_study, tmp_path, ("html", "docx"))
    for name in ["results.json", "report.html", "report.docx"] + [f"tables/{p.name}" for p in
                                                                  (report_dir / "tables").glob("*")]:
        assert (tmp_path / name).read_bytes() == (report_dir / name).read_bytes(), name


def _numbers(facts) -> set[str]:
    """Every way a results.json number may be written in the text."""
    out = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            for v in (value, 100 * value):
                out.update({f"{v:g}", f"{v:.1f}", f"{v:.2f}", f"{v:.3f}"})
                if float(v).is_integer():
                    out.add(str(int(v)))
        elif isinstance(value, str):
            out.update(re.findall(r"\d+(?:\.\d+)?", value))
    walk(facts)
    return out


def test_every_number_in_the_text_comes_from_results_json(demo_results):
    facts = results_dict(demo_results)
    text = methods_paragraph(facts) + " " + " ".join(t for _, t in results_paragraphs(facts))
    for label in LABELS:
        text = text.replace(label, " ")
    text = re.sub(r"\b(January|February|March|April|May|June|July|August|September|October|November|December) "
                  r"(\d{4})", lambda m: m.group(2), text)
    allowed = _numbers(facts)
    found = re.findall(r"\d+(?:\.\d+)?", text)
    assert found and [n for n in found if n not in allowed] == []
    assert "a partial response in 11 patients (34.4%)" in text and "7.6 months" in text


def test_reconcile_catches_disagreements(demo_results):
    assert reconcile(demo_results) == []
    rows = list(demo_results.adverse_events.rows)
    rows[1] = AdverseEventRow(rows[1].term, rows[1].soc, "term", rows[1].any_grade, rows[1].grade_1_2 + 1,
                              rows[1].grade_3_4, 0)
    broken = dataclasses.replace(demo_results, adverse_events=dataclasses.replace(demo_results.adverse_events,
                                                                                  rows=tuple(rows)))
    assert any("grade columns" in p for p in reconcile(broken))
    counts = tuple((c, k + (c == "PD")) for c, k in demo_results.response.counts)
    broken = dataclasses.replace(demo_results, response=dataclasses.replace(demo_results.response, counts=counts))
    assert any("add up to 33" in p for p in reconcile(broken))


def test_invalid_study_writes_nothing(tmp_path, capsys):
    tables = example_tables()
    tables["patients"][0]["sex"] = "x"
    study = write_study(tmp_path / "bad", tables)
    out = tmp_path / "out"
    with pytest.raises(ReportError, match="NOT valid"):
        build_report(study, out)
    assert not out.exists()
    assert main(["report", str(study), "--out", str(out)]) == 1
    assert "sex" in capsys.readouterr().out and not out.exists()


def test_small_study_and_escaping(tmp_path):
    study = write_study(tmp_path / "small", example_tables())
    toml = (study / "study.toml").read_text()
    evil = re.sub(r'title = ".*"', 'title = "<script>alert(1)</script> study"', toml, count=1)
    (study / "study.toml").write_text(evil)
    build_report(study, tmp_path / "out", ("html",))
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; study" in html


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice not installed (apt-get install "
                    "libreoffice-writer-nogui)")
def test_docx_opens_in_libreoffice(report_dir, tmp_path):
    shutil.copy(report_dir / "tables" / "table_07_adverse_events.docx", tmp_path / "t3.docx")
    run = subprocess.run([libreoffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "t3.docx")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "t3.pdf").read_bytes()[:5] == b"%PDF-"


def test_nobody_included_is_a_plain_error_with_the_attrition(tmp_path):
    from oncocohort.io.template import STUDY_TOML
    from tests.study_builder import example_tables, write_study

    criterion = 'field = "age"\noperator = ">="\nvalue = '
    toml = STUDY_TOML.replace(criterion + "18", criterion + "100")
    study = write_study(tmp_path / "s", example_tables(), toml=toml)
    with pytest.raises(ReportError, match=r"no patient is included.*Age 18 years or older: 2 excluded"):
        build_report(study, tmp_path / "out")
    assert not (tmp_path / "out" / "results.json").exists()
