"""A PNG file from a figure's RGBA pixels: RGB when every pixel is opaque, the resolution stored, no timestamp.

Hand-written (PNG signature and four chunks, ~20 lines) rather than Pillow's encoder because Pillow tries the five
PNG row filters on every row and keeps the best ("adaptive" filtering, not switchable off): on the demo's 13
figures (300 dpi, ~1950 × 1200 pixels each) that choice took 0.30 of the 0.45 s CPU of encoding, for files no
smaller — the figures are large flat areas of one colour, which deflate compresses as well unfiltered (measured:
filter "None" at zlib level 3, 1.60 MB in 0.17 s; Pillow adaptive at level 3, 1.61 MB in 0.45 s). The pixels are
the same; ``tests/present/test_png_file.py`` reads the files back with Pillow. Pillow does drop the alpha of opaque
pixels (its raw packer, one C pass: faster than numpy's strided copy of 3 of every 4 bytes)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
METRES_PER_INCH = 0.0254


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(rgba, dpi: float, level: int) -> bytes:
    """The PNG of ``rgba`` (height × width × 4 uint8: an array or a buffer such as Agg's ``buffer_rgba()``, read
    without copying): colour type RGB when every alpha is 255, else RGBA; 8 bits per channel; every row filter
    "None"; the image data deflated at zlib ``level``; ``dpi`` in the pHYs chunk (pixels per metre, rounded as
    Pillow and libpng do)."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width, _ = rgba.shape
    # opaque: every pixel's alpha 255, the top byte of its little-endian 32-bit word (one fast pass, no strides)
    if int(np.frombuffer(rgba, dtype="<u4").min()) >= 0xFF000000:
        # the alpha dropped by Pillow's raw packer: one C pass, faster than numpy's strided copy of 3 of 4 bytes
        image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        pixels, channels = np.frombuffer(image.tobytes("raw", "RGB"), dtype=np.uint8), 3
    else:
        pixels, channels = rgba, 4
    rows = np.empty((height, 1 + width * channels), dtype=np.uint8)
    rows[:, 0] = 0  # each row's filter byte: 0 = None
    rows[:, 1:] = pixels.reshape(height, width * channels)  # one copy of contiguous rows
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    per_metre = int(dpi / METRES_PER_INCH + 0.5)
    return b"".join((PNG_SIGNATURE, _chunk(b"IHDR", header),
                     _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     _chunk(b"IDAT", zlib.compress(rows, level)), _chunk(b"IEND", b"")))


def write_png(path: str | Path, rgba, dpi: float, level: int) -> Path:
    """Write :func:`png_bytes` of ``rgba`` to ``path``; returns the path."""
    Path(path).write_bytes(png_bytes(rgba, dpi, level))
    return Path(path)
