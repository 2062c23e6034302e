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
