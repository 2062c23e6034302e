"""Presentation: tables and figures built from analysis-results data only (no statistic is recomputed here)."""

from __future__ import annotations

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


def __getattr__(name: str):
    """Public names are imported on first use (PEP 562), so importing the package stays light."""
    if name in _PUBLIC:
        from importlib import import_module

        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
