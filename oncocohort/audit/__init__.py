"""Claims audit: a manuscript's printed numbers checked against the study's results."""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "ClaimsFileError": ".claims",
    "Finding": ".claims",
    "audit_claims": ".claims",
    "read_claims": ".claims",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
