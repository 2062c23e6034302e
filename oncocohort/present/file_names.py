"""File names made from study labels (subgroup fields, component labels, endpoint names).

A label from study.toml may hold anything a person types — ``PD-1/PD-L1 inhibitor``, ``ECOG 0–1``, ``病理类型`` —
and must never become a path separator, a hidden file, a Windows device name or a control character in a file name.
Hand-written (a dozen lines) rather than a dependency: python-slugify would transliterate non-Latin labels to
ASCII guesses, and the names here only need to be safe, readable and stable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG_CHARS = 60
# names Windows refuses for a file whatever the extension
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}


def slug(text: str) -> str:
    """A file-name-safe form of ``text``: NFKC-normalised, lower case, letters and digits of any script kept, every
    other run of characters (``/``, ``\\``, ``:``, spaces, dots, control characters …) one ``_``; at most
    MAX_SLUG_CHARS characters. Deterministic. Texts with nothing usable, or that would be a Windows device name,
    become ``x`` plus a short hash of the text, so that different labels still get different names.
    """
    normal = unicodedata.normalize("NFKC", text).casefold()
    kept = re.sub(r"[^\w-]+|_+", "_", normal, flags=re.UNICODE).strip("_-")[:MAX_SLUG_CHARS].strip("_-")
    if not kept or kept in _WINDOWS_DEVICES:
        return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8] + (f"_{kept}" if kept else "")
    return kept


def unique_slugs(texts: list[str]) -> dict[str, str]:
    """A distinct slug for each distinct text (``_2``, ``_3`` … added in sorted order of the texts when two slug to
    the same name, e.g. ``PD-1/PD-L1`` and ``PD-1 PD-L1``; compared without case, as on macOS and Windows)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for text in sorted(set(texts)):
        base = slug(text)
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}_{number}"
        out[text] = name
        taken.add(name)
    return out
