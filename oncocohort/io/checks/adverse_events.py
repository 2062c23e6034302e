"""Adverse-event checks against the shipped CTCAE table: known term, and a grade the term defines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...reference.ctcae import load_ctcae
from .context import CheckContext


def check_ctcae_terms(ctx: CheckContext) -> None:
    """Each term must be a CTCAE term (closest terms suggested); each grade must exist for its term."""
    settings = ctx.config.adverse_events if ctx.config else None
    version = settings.ctcae_version if settings else "5.0"
    severity = settings.unknown_terms if settings else "error"
    ctcae = load_ctcae(version)
    events = ctx.tables["adverse_events"].dropna(subset=["term"])
    codes, terms = pd.factorize(events["term"])  # each distinct term looked up once
    distinct = np.empty(len(terms), dtype=object)
    distinct[:] = [ctcae.lookup(t) for t in terms]
    entries = pd.Series(distinct[codes], index=events.index, dtype=object)
    unknown = events[entries.isna()]
    ctx.flag(severity, "ae.unknown_term", "adverse_events", unknown, "term",
             [f"is not a CTCAE v{version} term; closest: {', '.join(ctcae.suggest(t)) or 'none found'}"
              for t in unknown["term"]])
    known = events[entries.notna()]
    known_entries = entries[known.index]
    undefined = np.array([pd.notna(g) and int(g) not in e.grades for e, g in zip(known_entries, known["grade"])],
                         dtype=bool)
    bad = known[undefined]
    ctx.flag("error", "ae.grade_not_defined", "adverse_events", bad, "grade",
             [f"grade {int(g)} is not defined for '{e.term}' in CTCAE v{version} (defined grades: "
              f"{', '.join(map(str, e.grades))})" for g, e in zip(bad["grade"], known_entries[bad.index])])
