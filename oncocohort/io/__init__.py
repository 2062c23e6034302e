"""Reading and validating study folders (study.toml + study.xlsx or CSVs) into a typed :class:`Study`."""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "Problem": ".problems",
    "Study": ".study",
    "StudyConfig": ".config",
    "StudyInputError": ".study",
    "ValidationReport": ".study",
    "load_study": ".study",
    "validate_study": ".study",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
