"""report.pdf from report.html or report.docx, by the first engine installed (or the one asked for).

Engines, in the order ``auto`` tries them:

1. ``weasyprint`` (PyPI, BSD; ``pip install oncocohort[pdf]``): HTML + CSS paged media → PDF in-process. Chosen first
   because it is a maintained Python library (no browser or office suite), follows the report's print stylesheet
   (A4/Letter, landscape pages for wide tables, no splits inside tables and figures) and writes the same bytes for
   the same HTML (no creation date in the file).
2. ``chromium``: ``chromium --headless --print-to-pdf`` of report.html, when a Chromium/Chrome is on the PATH; the
   same stylesheet, but Chromium stamps the creation date, so reruns differ in those bytes.
3. ``libreoffice``: ``soffice --headless --convert-to pdf`` of report.docx — the Word document exactly as a
   manuscript is built from it (Word's layout of the tables and captions).

None installed → :class:`PdfUnavailable` with what to install; the report says so before doing any work.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

ENGINES = ("auto", "weasyprint", "chromium", "libreoffice")
INSTALL = {"weasyprint": "pip install weasyprint (needs the Pango library: Debian libpango-1.0-0)",
           "chromium": "a Chromium or Chrome on the PATH (Debian: apt-get install chromium)",
           "libreoffice": "LibreOffice (Debian: apt-get install libreoffice-writer-nogui)"}


class PdfUnavailable(Exception):
    """The PDF engine asked for (or every engine, for ``auto``) is not installed or failed; the message says which
    and what to install."""


def _weasyprint_ok() -> bool:
    try:
        import weasyprint  # noqa: F401  (OSError when the Pango library is missing)
    except (ImportError, OSError):
        return False
    return True


def chromium() -> str | None:
    """The Chromium/Chrome command, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def libreoffice() -> str | None:
    """The LibreOffice command, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def installed(engine: str) -> bool:
    return {"weasyprint": _weasyprint_ok, "chromium": lambda: chromium() is not None,
            "libreoffice": lambda: libreoffice() is not None}[engine]()


def choose_engine(name: str = "auto") -> str:
    """The engine to use: ``name`` if installed, or for ``auto`` the first installed one; PdfUnavailable else."""
    if name not in ENGINES:
        raise PdfUnavailable(f"unknown PDF engine {name!r}; choose from {', '.join(ENGINES)}")
    candidates = ENGINES[1:] if name == "auto" else (name,)
    for engine in candidates:
        if installed(engine):
            return engine
    needs = "; or ".join(INSTALL[e] for e in candidates)
    raise PdfUnavailable(f"report.pdf cannot be written: no PDF engine is installed ({needs}); leave pdf out of "
                         "--format to write the other files")


def html_to_pdf_weasyprint(html_path: Path, pdf_path: Path) -> Path:
    import weasyprint

    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # CSS it does not use (e.g. screen-only rules) is not the user's concern
    try:
        weasyprint.HTML(filename=str(html_path), base_url=str(html_path.parent)).write_pdf(str(pdf_path))
    finally:
        logger.setLevel(level)
    return pdf_path


def html_to_pdf_chromium(html_path: Path, pdf_path: Path) -> Path:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={pdf_path.parent / '.chromium-profile'}", f"--print-to-pdf={pdf_path}",
               html_path.resolve().as_uri()]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(pdf_path.parent / ".chromium-profile", ignore_errors=True)
    if run.returncode != 0 or not pdf_path.exists():
        raise PdfUnavailable(f"Chromium could not print {html_path.name}: {run.stderr.strip()[-500:]}")
    return pdf_path


def docx_to_pdf_libreoffice(docx_path: Path, out_dir: Path) -> Path:
    """``soffice --headless --convert-to pdf`` with a throw-away profile (so a running LibreOffice is not touched)."""
    profile = out_dir / ".lo-profile"
    try:
        run = subprocess.run([libreoffice(), f"-env:UserInstallation=file://{profile.resolve()}", "--headless",
                              "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
                             capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (docx_path.stem + ".pdf")
    if run.returncode != 0 or not pdf.exists():
        raise PdfUnavailable(f"LibreOffice could not convert {docx_path.name}: {run.stderr.strip() or run.stdout}")
    return pdf


def write_pdf(engine: str, html_path: Path | None, docx_path: Path | None, pdf_path: Path) -> Path:
    """report.pdf by ``engine`` (from :func:`choose_engine`): from the HTML (weasyprint, chromium) or the DOCX
    (libreoffice)."""
    if engine == "libreoffice":
        made = docx_to_pdf_libreoffice(docx_path, pdf_path.parent)
        if made != pdf_path:
            made.replace(pdf_path)
        return pdf_path
    convert = html_to_pdf_weasyprint if engine == "weasyprint" else html_to_pdf_chromium
    return convert(html_path, pdf_path)
