"""The study report: results.json, narrative, reconciliation, layout and numbering, and the HTML / DOCX /
PDF documents."""

from __future__ import annotations

_PUBLIC = {
    "PdfUnavailable": ".pdf",
    "ReconciliationError": ".reconcile",
    "ReportError": ".build",
    "analyse_folder": ".build",
    "build_figures": ".build",
    "build_report": ".build",
    "build_tables": ".build",
    "results_dict": ".results_json",
    "write_pdf": ".pdf",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    """Public names are imported on first use (PEP 562), so importing the package stays light."""
    if name in _PUBLIC:
        from importlib import import_module

        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
