"""--figure-formats: the names in the order the files are written, PNG required (the documents show it), unknown
names refused with the choices; save_figure writes only the formats asked for."""

from __future__ import annotations

import pytest

from oncocohort.present.figure_formats import DEFAULT_FIGURE_FORMATS, describe, figure_formats


def test_formats_in_file_order_any_case_and_spacing():
    assert figure_formats("PDF, png") == ("png", "pdf")
    assert figure_formats(["svg", "png", "svg"]) == ("png", "svg")
    assert figure_formats("png,svg,pdf") == DEFAULT_FIGURE_FORMATS == ("png", "svg", "pdf")
    assert describe(("png", "pdf")) == "PNG 300 dpi, PDF"


@pytest.mark.parametrize(("text", "message"), [("png,eps", "unknown figure format.*eps.*png, svg, pdf"),
                                               ("svg,pdf", "must include png"), ("", "must include png")])
def test_unknown_or_without_png_refused(text, message):
    with pytest.raises(ValueError, match=message):
        figure_formats(text)


def test_save_figure_writes_the_formats_asked_for(tmp_path):
    from oncocohort.present.figure_style import apply_style, plt, save_figure

    apply_style()
    figure = plt.figure(figsize=(2, 1))
    figure.text(0.1, 0.5, "PFS")
    try:
        assert [p.name for p in save_figure(figure, tmp_path / "a", ("png",))] == ["a.png"]
        assert [p.name for p in save_figure(figure, tmp_path / "b", ("png", "pdf"))] == ["b.png", "b.pdf"]
        assert [p.name for p in save_figure(figure, tmp_path / "c")] == ["c.png", "c.svg", "c.pdf"]
    finally:
        plt.close(figure)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.pdf", "b.png", "c.pdf", "c.png", "c.svg"]
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "c.png").read_bytes()
