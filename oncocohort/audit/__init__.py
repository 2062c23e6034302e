"""Claims audit: a manuscript's printed numbers checked against the study's results."""

from __future__ import annotations

_PUBLIC = {
    "ClaimsFileError": ".claims",
    "Finding": ".claims",
    "audit_claims": ".claims",
    "read_claims": ".claims",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    """Public names are imported on first use (PEP 562), so importing the package stays light."""
    if name in _PUBLIC:
        from importlib import import_module

        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
