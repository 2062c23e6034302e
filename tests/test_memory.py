"""oncocohort/memory.py: freed memory handed back to the operating system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from oncocohort.memory import release_free_memory

GLIBC = sys.platform.startswith("linux") and "glibc" in " ".join(__import__("platform").libc_ver())

# A heap left full of holes, as after a stage that built and dropped many frames: 400 MB in 64 KiB blocks (below
# glibc's mmap threshold, so inside the heap), all freed but the last, which pins the heap's top: glibc can give
# none of it back by itself.
_FRAGMENTED = """
import sys
from oncocohort.memory import release_free_memory

def rss_mib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

blocks = [bytearray(b"x" * 65_000) for _ in range(6_400)]
last = blocks.pop()
del blocks
before = rss_mib()
done = release_free_memory()
print(done, before, rss_mib())
"""


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_freed_heap_memory_is_given_back():
    run = subprocess.run([sys.executable, "-c", _FRAGMENTED], capture_output=True, text=True, check=True)
    done, before, after = run.stdout.split()
    assert done == "True"
    assert float(before) - float(after) > 300  # of the 400 MB freed


def test_without_malloc_trim_nothing_is_done(monkeypatch):
    from oncocohort import memory

    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert release_free_memory() is False
