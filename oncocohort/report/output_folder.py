"""The report's output folder is replaced whole, never mixed: everything is written into a staging folder beside it
and swapped in only when complete.

- A rerun into the same ``--out`` leaves no file of the previous run (a figure the new report no longer draws is
  gone, not left beside the new report).
- A failed run leaves nothing behind: not the staging folder, not an empty ``--out``, not the parent folders it
  created; a previous report in ``--out`` stays as it was.
- Only a folder that is new, empty or holds an earlier oncocohort report (its ``results.json``) is replaced; any
  other folder is refused, so a report can never delete files that are not its own. The study folder, and the
  folder the command runs in, may not lie inside ``--out``.

The swap is two renames in one parent folder (``--out`` → a hidden old name, staging → ``--out``), then the old
folder is deleted; if the second rename fails, the first is undone.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS_SCHEMA_PREFIX = "oncocohort-results/"


class OutputFolderRefused(Exception):
    """``--out`` cannot be replaced by a report; the message says why and what to do."""


def is_previous_report(folder: Path) -> bool:
    """Whether ``folder`` holds a report written by oncocohort (a ``results.json`` with its schema name)."""
    try:
        facts = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(facts, dict) and str(facts.get("schema", "")).startswith(RESULTS_SCHEMA_PREFIX)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_replaceable(out: Path, keep: tuple[Path, ...] = ()) -> None:
    """Raise :class:`OutputFolderRefused` unless ``out`` may be replaced whole (module docstring); ``keep``:
    folders that must survive (the study folder)."""
    out = out.resolve()
    for folder in keep:
        if _inside(Path(folder).resolve(), out):
            raise OutputFolderRefused(f"{out}: the study folder {folder} is inside the output folder, which the report "
                                      "replaces whole; choose another --out")
    if _inside(Path.cwd().resolve(), out):
        raise OutputFolderRefused(f"{out}: the output folder holds the current folder, which the report would "
                                  "replace; choose another --out (e.g. a new subfolder)")
    if out.exists() and not out.is_dir():
        raise OutputFolderRefused(f"{out}: is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not is_previous_report(out):
        example = sorted(p.name for p in out.iterdir())[0]
        raise OutputFolderRefused(f"{out}: the folder holds files that are not an oncocohort report (e.g. "
                                  f"'{example}'); a report replaces its output folder whole, so choose a new or empty "
                                  "folder for --out")


def _missing_parents(folder: Path) -> list[Path]:
    """``folder``'s ancestors that do not exist yet, outermost first."""
    return [p for p in reversed(folder.parents) if not p.exists()]


@contextmanager
def staged_output(out: str | Path, keep: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out``; when the block ends normally it replaces ``out`` whole, when it
    raises everything made here is removed (module docstring)."""
    out = Path(out).absolute()
    check_replaceable(out, keep)
    created = _missing_parents(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        yield staging
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):  # innermost first; only if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old)  # an empty directory as target: replaced atomically
    try:
        os.replace(staging, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
