"""The report's "Data notes": what was done to the input on the way that a reader of the results should know —
spellings read as one category (rule ``value.spelling_variants``), input tables not used, patients left out of a
subgroup analysis because their value is in no named group, and how many validation warnings there were.

Notes name tables, columns, category values and counts only — never a patient identifier.
"""

from __future__ import annotations

from collections import Counter

from ..io.checks.categories import RULE as SPELLING_RULE
from ..present.formatting import plural


def subgroup_notes(results) -> list[str]:
    """One sentence per subgroup factor with values in no named group (those patients are not analysed)."""
    seen: dict[str, str] = {}
    for group in results.subgroup_survival:
        if group.ungrouped and group.factor not in seen:
            values = ", ".join(f"'{value}' ({plural(n, 'patient')})" for value, n in group.ungrouped)
            seen[group.factor] = (f"{group.factor}: {values} in no group of study.toml [[analysis.subgroups]], so "
                                  "left out of this factor's subgroup analyses (counted as missing).")
    return list(seen.values())


def data_notes(study, datasets, results) -> list[str]:
    """The notes in reading order (empty when there is nothing to say); ``study`` is None for ADaM input."""
    notes = []
    for merge in getattr(study, "category_merges", ()):
        notes.append(f"Spellings read as one category (rule {SPELLING_RULE}): {merge.describe()}.")
    notes += [w[:1].upper() + w[1:] + ("" if w.endswith(".") else ".") for w in getattr(datasets, "warnings", ())]
    notes += subgroup_notes(results)
    others = Counter(p.rule for p in getattr(study, "warnings", ()) if p.rule != SPELLING_RULE)
    if others:
        rules = ", ".join(f"{rule}: {n}" for rule, n in sorted(others.items()))  # no parenthesis in a parenthesis
        notes.append(f"Validation gave {plural(sum(others.values()), 'warning')} (by rule, {rules}); "
                     "`oncocohort validate` lists each with its file, row and column.")
    return notes
