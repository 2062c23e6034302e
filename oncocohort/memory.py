"""Giving memory the process no longer uses back to the operating system, between the stages of a long run.

CPython and numpy allocate through the C library's ``malloc``. glibc keeps freed blocks inside its heaps for
reuse and returns them to the system only from the top of a heap, so after a stage that built and dropped large
frames (validation's row tuples, derivation's visit tables) the process keeps hundreds of MB it does not use: at
10⁵ patients the report process still held 1.9 GB after derivation although its live data needed 1.05 GB.
``malloc_trim(0)`` hands every free page of every heap back (``madvise``), in a fraction of a second. Numbers and
outputs do not change: only memory already freed is concerned.

Elsewhere (macOS, Windows, musl) there is no ``malloc_trim``; :func:`release_free_memory` then does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl) or no C library found
        return None


def release_free_memory() -> bool:
    """Return the C heap's free pages to the operating system (glibc ``malloc_trim(0)``); True when the C
    library offers it (and so it was done)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
