"""Pausing Python's cyclic garbage collector while millions of objects are built that hold no reference cycles.

The collector runs every 700 or so new container objects and, at its oldest generation, walks every container
alive: reading a 2-million-row table (one tuple per row) spent about 30 % of its time there, for nothing, since
row tuples, cell strings and pandas' arrays form no cycles. Reference counting frees them as before; cycles made
meanwhile are collected once the pause ends. Used around reading, typing and deriving (io.study, derive).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block (nesting allowed); re-enabled as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
