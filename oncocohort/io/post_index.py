"""Which variables describe something that happens after the index date (a response, an adverse event, a dose
reduction) — comparing survival by them without a landmark or a time-varying model credits the "immortal"
time a patient had to survive for it to happen (Suissa 2008), so they are refused for a naive comparison.

Two sources: the post-index fields the derive layer computes (by exact name), and, for a user's own table
(``oncocohort survival``), column names made of post-index words (response, adverse event, toxicity, dose
reduction …). A name that says it is measured before treatment (prior, baseline, pre, screening) is never
post-index.
"""

from __future__ import annotations

import re

# derived subject-level fields that only exist after the index date (derive/analysis_datasets.py ADSL)
POST_INDEX_FIELDS = {
    "best_overall_response": "the best overall response (RECIST), reached during treatment",
    "best_response_confirmed": "the confirmed best overall response, reached during treatment",
    "best_response_unconfirmed": "the unconfirmed best overall response, reached during treatment",
    "objective_response": "an objective response, reached during treatment",
    "disease_control": "disease control, assessed during treatment",
    "clinical_benefit": "clinical benefit, assessed during treatment",
    "first_response_date": "the date of the first response",
    "last_dose_date": "the last dose, known only at the end of treatment",
    "teae": "a treatment-emergent adverse event",
}

# words in a column name that describe post-index events (a column is post-index when one of its words is here)
POST_INDEX_WORDS = {
    "response": "a response", "responder": "a response", "responders": "a response", "bor": "a best response",
    "orr": "an objective response", "dcr": "disease control", "cr": "a complete response",
    "pr": "a partial response", "recist": "a RECIST response", "ae": "an adverse event", "aes": "an adverse event",
    "teae": "an adverse event", "irae": "an immune-related adverse event", "adverse": "an adverse event",
    "toxicity": "a toxicity", "grade": "an adverse-event grade", "reduction": "a dose reduction",
    "reduced": "a dose reduction", "interruption": "a dose interruption", "rdi": "the relative dose intensity",
    "intensity": "the dose intensity", "cycles": "the number of cycles received", "progression": "a progression",
}
BEFORE_INDEX_WORDS = {"prior", "previous", "baseline", "pre", "screening", "history"}


def post_index_reason(name: str) -> str | None:
    """What after-index event ``name`` describes, in words, or None when it is not recognised as post-index."""
    base = name.partition(":")[0]
    if base in POST_INDEX_FIELDS:
        return POST_INDEX_FIELDS[base]
    words = [w for w in re.split(r"[^0-9a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).casefold()) if w]
    if BEFORE_INDEX_WORDS & set(words):
        return None
    for word in words:
        if word in POST_INDEX_WORDS:
            return POST_INDEX_WORDS[word]
    return None


def post_index_message(name: str, role: str, landmark_hint: str, time_varying_hint: str) -> str | None:
    """The refusal for using ``name`` as ``role`` (e.g. "a subgroup") in a naive comparison, or None."""
    reason = post_index_reason(name)
    if reason is None:
        return None
    return (f"'{name}' describes {reason}, which happens after the index date: as {role} it credits patients "
            f"with the time they had to survive for it to happen (immortal-time bias). Use a landmark analysis "
            f"({landmark_hint}: groups fixed at a landmark time, survival counted from it) or a time-varying "
            f"covariate ({time_varying_hint})")
