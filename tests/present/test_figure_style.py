"""save_figure: PNG written at the fast zlib level (the same pixels as the default level), byte-identical on every
run, no timestamps in PNG, SVG or PDF."""

from __future__ import annotations

import struct

import numpy as np
from PIL import Image

from oncocohort.present.figure_style import PNG_COMPRESS_LEVEL, apply_style, plt, save_figure


def _figure():
    apply_style()
    figure, axes = plt.subplots(figsize=(3, 2))
    axes.plot([0, 1, 2], [1, 0.6, 0.4], drawstyle="steps-post", label="Arm A")
    axes.set_title("Progression-free survival")
    axes.legend()
    return figure


def _idat(png: bytes) -> bytes:
    data, position = b"", 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        if kind == b"IDAT":
            data += png[position + 8:position + 8 + length]
        position += 12 + length
    return data


def test_png_fast_level_rgb_same_pixels_same_bytes(tmp_path):
    figure = _figure()
    first = save_figure(figure, tmp_path / "a")
    second = save_figure(figure, tmp_path / "b")
    figure.savefig(tmp_path / "default.png", dpi=300, metadata={"Software": None})  # Pillow's default level 6
    plt.close(figure)
    assert [p.suffix for p in first] == [".png", ".svg", ".pdf"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.suffix
    png = first[0].read_bytes()
    # zlib header: FLEVEL 1 for levels 2-5 (the default 6 writes 2)
    assert PNG_COMPRESS_LEVEL == 3 and _idat(png)[1] >> 6 == 1
    assert _idat((tmp_path / "default.png").read_bytes())[1] >> 6 == 2
    # written as RGB (the figures are opaque): the same pixels as matplotlib's RGBA PNG, the same dpi, fewer bytes
    ours, matplotlibs = Image.open(first[0]), Image.open(tmp_path / "default.png")
    assert (ours.mode, matplotlibs.mode) == ("RGB", "RGBA") and ours.info["dpi"] == matplotlibs.info["dpi"]
    assert np.array_equal(np.asarray(ours.convert("RGBA")), np.asarray(matplotlibs))
    matplotlibs.save(tmp_path / "rgba.png", compress_level=PNG_COMPRESS_LEVEL)  # RGBA at the same zlib level
    assert len(png) < (tmp_path / "rgba.png").stat().st_size
    assert b"tIME" not in png and b"Software" not in png
    assert b"CreationDate" not in first[2].read_bytes()


def test_svg_text_is_text_in_a_named_font_and_pdf_fonts_are_type_3(tmp_path):
    """SVG labels are <text> a journal can edit, in DejaVu Sans (the font the layout measured) with narrower
    fallbacks and a generic family; PDF embeds Type 3 glyphs (Type 42 subsetting was six times slower)."""
    import re

    figure = _figure()
    _, svg, pdf = save_figure(figure, tmp_path / "a")
    plt.close(figure)
    text = svg.read_text(encoding="utf-8")
    assert re.search(r"<text[^>]*>Progression-free survival</text>", text)
    families = set(re.findall(r"font-family: ([^;\"]+)", text))
    assert families == {"'DejaVu Sans', 'Arial', 'Helvetica', 'Liberation Sans', sans-serif"}
    assert b"/Subtype /Type3" in pdf.read_bytes() and b"DejaVuSans" in pdf.read_bytes()


def test_figures_are_laid_out_at_the_png_resolution(demo_results):
    """The layout measures texts at the dpi the PNG is drawn at, so saving the PNG reuses the layout's renderer
    and text metrics (and the no-overlap check holds for the PNG's own pixels)."""
    from oncocohort.present.figure_style import DPI, renderer
    from oncocohort.report.build import figure_plans

    plan = next(p for p in figure_plans(demo_results) if p.key == "km_pfs")
    _, figure = plan.draw()
    try:
        assert figure.dpi == DPI == 300
        measured = renderer(figure)
        figure.savefig(__import__("io").BytesIO(), format="rgba", dpi=DPI)
        assert figure.canvas.get_renderer() is measured  # the PNG was drawn by the renderer the layout measured with
    finally:
        plt.close(figure)


def test_every_figure_uses_one_wording_for_axes_and_risk_rows(demo_results):
    """Time axes, probability axes and the single-group risk-table row are worded by one rule (figure_style) in
    every figure of the demo report: no "Time since the first dose" beside "Time since the start of treatment", no
    "Progression-free survival" y-axis beside "Progression-free survival (probability)"."""
    from oncocohort.present.figure_style import ALL_PATIENTS, time_axis_label
    from oncocohort.report.build import build_figures

    figures = {f.key: f.figure for f in build_figures(demo_results)}
    time_axes, y_axes = set(), {}
    for key, figure in figures.items():
        for axes in figure.axes:
            if "time" in axes.get_xlabel().lower():
                time_axes.add(axes.get_xlabel())
            if key.startswith(("km_", "cif_")) and axes.get_ylabel():
                y_axes[key] = axes.get_ylabel()
    assert time_axes == {time_axis_label(demo_results.time_unit)}
    assert {"spider", "swimmer", "km_pfs", "km_pfs_by_ecog"} <= {
        key for key, figure in figures.items() for axes in figure.axes if axes.get_xlabel() in time_axes}
    assert y_axes["km_pfs"] == y_axes["km_pfs_by_ecog"] == "Progression-free survival (probability)"
    assert all(label.endswith("(probability)") for label in y_axes.values()), y_axes
    for key in ("km_pfs", "km_os", "cif_pfs"):
        texts = {t.get_text() for axes in figures[key].axes for t in axes.texts}
        assert ALL_PATIENTS in texts and not texts & {"Progression-free survival", "Overall survival"}, key
    for figure in figures.values():
        plt.close(figure)


def _wrap_word_by_word(figure, text: str, width: float, **props) -> str:
    """The wrapping rule as first written: the line measured again after every word (the specification)."""
    from oncocohort.present.figure_style import text_size

    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_size(figure, candidate, **props)[0] <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while text_size(figure, line, **props)[0] > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and text_size(figure, line[:cut], **props)[0] > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


WRAP_TEXTS = ("HR: each level against its factor's reference level (1); p: Wald test of each term; n, events: "
              "patients with data in the model and their events; likelihood-ratio test per factor",
              "Excluded (n = 6)\n• ECOG performance status > 2 (n = 3)\n• No measurable disease at baseline (n = 3)",
              "Time since the start of treatment (months)", "Histological subtype of the soft tissue sarcoma 01",
              "two  spaces", "  leading and trailing  ", "", "x", "Supercalifragilisticexpialidocious-and-more words",
              "Patients screened (n = 38)")


def test_wrap_text_gives_the_lines_of_measuring_after_every_word():
    """The searched line breaks are the word-by-word rule's, at every width (cut words, empty words included),
    with fewer texts measured."""
    from unittest import mock

    from oncocohort.present import figure_style

    apply_style()
    figure = plt.figure(figsize=(6.5, 2))
    try:
        for props in ({"fontsize": 9}, {"fontsize": 8, "fontweight": "bold"}):
            for width in (0.05, 0.3, 0.8, 1.5, 2.2, 3.0, 6.3):
                for text in WRAP_TEXTS:
                    assert figure_style.wrap_text(figure, text, width, **props) == \
                        _wrap_word_by_word(figure, text, width, **props), (text, width)
        measured = {"searched": [], "word by word": []}
        for way, wrap in (("searched", figure_style.wrap_text), ("word by word", _wrap_word_by_word)):
            figure_style._SIZES.clear()
            with mock.patch.object(figure_style, "extent", wraps=figure_style.extent) as extent:
                for text in WRAP_TEXTS[:4]:
                    wrap(figure, text, 2.2, fontsize=9)
            measured[way] = extent.call_count
        assert measured["searched"] < measured["word by word"] / 2, measured
    finally:
        plt.close(figure)


def test_the_font_subsetter_is_loaded_only_when_used():
    """Drawing the figures (Type 3 PDFs) never executes fontTools.subset; a Type 42 PDF still gets its subset
    font (the lazy module loads in full on first use). Each in a fresh interpreter."""
    import subprocess
    import sys

    prelude = ("import io, sys\nfrom oncocohort.report.figure_files import warm_up\nwarm_up()\n"
               "from oncocohort.present.figure_style import plt\n")
    type_3 = prelude + "print(type(sys.modules['fontTools.subset']).__name__)"
    type_42 = prelude + ("plt.rcParams['pdf.fonttype'] = 42\nfigure = plt.figure(figsize=(1, 1))\n"
                         "figure.text(0.1, 0.5, 'Aa')\nout = io.BytesIO()\nfigure.savefig(out, format='pdf')\n"
                         "print(b'/FontFile2' in out.getvalue(), type(sys.modules['fontTools.subset']).__name__)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True) for code in (type_3, type_42)]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    assert runs[0].stdout.split() == ["_LazyModule"]
    assert runs[1].stdout.split() == ["True", "module"]
