"""report/pdf.py: engine choice, a clear refusal before any work when none is installed, and the PDF itself by
each installed engine (skipped where the engine is missing)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from oncocohort.report import pdf
from oncocohort.report.build import ReportError, build_report


def test_no_engine_is_refused_before_any_work(demo_study, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "installed", lambda engine: False)
    with pytest.raises(ReportError, match="report.pdf cannot be written: no PDF engine is installed"):
        build_report(demo_study, tmp_path / "out", ("html", "pdf"))
    assert not (tmp_path / "out").exists()
    with pytest.raises(pdf.PdfUnavailable, match="unknown PDF engine"):
        pdf.choose_engine("ghostscript")


def test_auto_takes_the_first_installed(monkeypatch):
    monkeypatch.setattr(pdf, "installed", lambda engine: engine in ("chromium", "libreoffice"))
    assert pdf.choose_engine("auto") == "chromium"
    with pytest.raises(pdf.PdfUnavailable, match="pip install weasyprint"):
        pdf.choose_engine("weasyprint")


def _page_sizes(path) -> set[tuple[int, int]]:
    """Page sizes in points by poppler's pdfinfo (the PDF's objects may be compressed)."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) not installed")
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True).stdout
    return {(round(float(w)), round(float(h))) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", out)}


@pytest.mark.skipif(not pdf.installed("weasyprint"), reason="WeasyPrint not installed (pip install weasyprint)")
def test_weasyprint_pdf_is_a4_with_a_landscape_page_and_reproducible(report_dir, tmp_path):
    shutil.copytree(report_dir / "figures", tmp_path / "figures")
    shutil.copy(report_dir / "report.html", tmp_path / "report.html")
    first = pdf.write_pdf("weasyprint", tmp_path / "report.html", None, tmp_path / "a.pdf").read_bytes()
    second = pdf.write_pdf("weasyprint", tmp_path / "report.html", None, tmp_path / "b.pdf").read_bytes()
    assert first[:5] == b"%PDF-" and first == second
    assert _page_sizes(tmp_path / "a.pdf") == {(595, 842), (842, 595)}  # A4 portrait, and landscape for Table 4


@pytest.mark.skipif(not pdf.installed("libreoffice"), reason="LibreOffice not installed")
def test_libreoffice_engine_from_the_docx(demo_study, tmp_path):
    written = build_report(demo_study, tmp_path, ("pdf",), pdf_engine="libreoffice", paper="letter")
    names = sorted(p.name for p in written if p.parent == tmp_path)
    assert names == ["checklist.json", "report.pdf", "results.json"]  # the DOCX made for the PDF is not left behind
    assert not (tmp_path / "report.docx").exists()
    assert (612, 792) in _page_sizes(tmp_path / "report.pdf")
