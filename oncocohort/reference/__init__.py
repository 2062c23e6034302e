"""Reference terminologies shipped with oncocohort (CTCAE)."""

from .ctcae import CtcaeDictionary, CtcaeTerm, load_ctcae

__all__ = ["CtcaeDictionary", "CtcaeTerm", "load_ctcae"]
