"""png_file: the pixels read back by Pillow are the ones written (RGB when opaque, RGBA otherwise), the dpi is
stored, every row is unfiltered, and the bytes are the same on every call."""

from __future__ import annotations

import struct
import zlib

import numpy as np
from PIL import Image

from oncocohort.present.png_file import PNG_SIGNATURE, png_bytes, write_png


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png.startswith(PNG_SIGNATURE)
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        data = png[position + 8:position + 8 + length]
        assert struct.unpack(">I", png[position + 8 + length:position + 12 + length])[0] == zlib.crc32(kind + data)
        chunks.append((kind, data))
        position += 12 + length
    return chunks


def _pixels(seed: int, opaque: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgba = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    rgba[2:5, 1:4, :3] = 255  # a flat area, as in a figure
    if opaque:
        rgba[:, :, 3] = 255
    return rgba


def test_opaque_pixels_written_as_rgb_read_back_unchanged(tmp_path):
    rgba = _pixels(1, opaque=True)
    path = write_png(tmp_path / "a.png", rgba, 300, 3)
    with Image.open(path) as image:
        assert image.mode == "RGB" and image.size == (5, 7)
        assert np.array_equal(np.asarray(image), rgba[:, :, :3])
        assert image.info["dpi"] == (300, 300) or np.allclose(image.info["dpi"], (300, 300), atol=0.01)


def test_translucent_pixels_written_as_rgba_read_back_unchanged(tmp_path):
    rgba = _pixels(2, opaque=False)
    path = write_png(tmp_path / "a.png", rgba, 150, 3)
    with Image.open(path) as image:
        assert image.mode == "RGBA"
        assert np.array_equal(np.asarray(image), rgba)


def test_chunks_rows_unfiltered_level_and_same_bytes():
    rgba = _pixels(3, opaque=True)
    png = png_bytes(rgba, 300, 3)
    assert png == png_bytes(rgba.copy(), 300, 3)
    chunks = _chunks(png)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]  # no tIME, no text
    assert struct.unpack(">IIBBBBB", chunks[0][1]) == (5, 7, 8, 2, 0, 0, 0)
    assert struct.unpack(">IIB", chunks[1][1]) == (11811, 11811, 1)  # 300 dpi in pixels per metre
    idat = chunks[2][1]
    assert idat[1] >> 6 == 1  # zlib header FLEVEL 1: levels 2-5
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(7, 1 + 5 * 3)
    assert not rows[:, 0].any()  # filter "None" on every row


def test_one_translucent_pixel_keeps_the_alpha():
    """Opacity is decided on every pixel: one alpha of 254 (the last pixel, or the first) makes the file RGBA."""
    for position in ((-1, -1), (0, 0)):
        rgba = _pixels(4, opaque=True)
        rgba[position][3] = 254
        chunks = _chunks(png_bytes(rgba, 300, 3))
        assert struct.unpack(">IIBBBBB", chunks[0][1])[3] == 6  # colour type RGBA


def test_a_buffer_gives_the_bytes_of_its_array():
    """Agg's pixel buffer (a memoryview) is read as it is: the same file as from the array."""
    rgba = _pixels(5, opaque=True)
    assert png_bytes(memoryview(rgba), 300, 3) == png_bytes(rgba, 300, 3)
