"""The file formats a report's figures are written in: PNG (300 dpi, always: report.html and report.docx show it),
SVG (text as editable text) and PDF (vector, Type 3 fonts) — chosen with ``--figure-formats``.

Kept apart from :mod:`.figure_style` so the report process and the command line can name the formats without
loading matplotlib.
"""

from __future__ import annotations

FIGURE_FORMATS = ("png", "svg", "pdf")  # every format, in the order the files are written
DEFAULT_FIGURE_FORMATS = FIGURE_FORMATS
FORMAT_NAMES = {"png": "PNG 300 dpi", "svg": "SVG", "pdf": "PDF"}


def figure_formats(formats) -> tuple[str, ...]:
    """``formats`` (names, any case, or one comma-separated text) in :data:`FIGURE_FORMATS` order; ValueError
    naming the choices for an unknown format or a list without PNG."""
    names = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in names if f not in FIGURE_FORMATS]
    if unknown:
        raise ValueError(f"unknown figure format(s) {', '.join(unknown)}; choose from {', '.join(FIGURE_FORMATS)}")
    if "png" not in names:
        raise ValueError("figure formats must include png (report.html and report.docx show the PNG)")
    return tuple(f for f in FIGURE_FORMATS if f in names)


def describe(formats: tuple[str, ...]) -> str:
    """"PNG 300 dpi, SVG, PDF": the formats as the progress line names them."""
    return ", ".join(FORMAT_NAMES[f] for f in formats)
