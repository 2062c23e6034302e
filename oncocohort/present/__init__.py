"""Presentation: tables and figures built from analysis-results data only (no statistic is recomputed here)."""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "Column": ".table",
    "Row": ".table",
    "Style": ".journal_style",
    "Table": ".table",
    "get_style": ".journal_style",
    "to_csv": ".render",
    "to_docx": ".render",
    "to_html": ".render",
    "to_markdown": ".render",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
