"""One look for every figure: headless matplotlib, the same fonts and sizes, deterministic SVG ids, and files
written without timestamps. Figures import ``plt`` from here and call ``apply_style()`` before drawing."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt  # noqa: E402

DPI = 300
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "oncocohort"}


def apply_style() -> None:
    plt.rcParams.update(STYLE)


def save_figure(figure: plt.Figure, stem: str | Path) -> list[Path]:
    """Write ``stem``.png (300 dpi), .svg and .pdf without creation dates; returns the paths."""
    stem = Path(stem)
    paths = []
    for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None}),
                             (".pdf", {"CreationDate": None, "ModDate": None})):
        path = stem.with_suffix(suffix)
        figure.savefig(path, dpi=DPI, metadata=metadata)
        paths.append(path)
    return paths


__all__ = ["DPI", "apply_style", "plt", "save_figure"]
