"""The study report: results.json, narrative, reconciliation, layout and numbering, and the HTML / DOCX /
PDF documents."""

from __future__ import annotations

from .._lazy import lazy_attributes

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

__getattr__ = lazy_attributes(__name__, _PUBLIC)
