"""An immutable table model for publication tables: title, columns (with optional spanners), rows (with
indentation and group headers), footnotes naming each method, abbreviations. One model, many renderers
(:mod:`oncocohort.present.render`). Change a table with ``dataclasses.replace``."""

from __future__ import annotations

from dataclasses import dataclass

# words that follow a number as its unit ("12 months", "10 mg"), and signs that bind both sides ("N = 32")
UNITS = frozenset({"%", "months", "month", "weeks", "week", "days", "day", "years", "year", "mg", "g", "kg", "mm",
                   "cm", "mg/kg", "mg/m²", "mL", "L", "h"})
RELATIONS = frozenset({"=", "<", ">", "≤", "≥", "±", "×"})
SHORT_GROUP = 24  # characters: a parenthesised group up to this long is never broken ("(95% CI)")


@dataclass(frozen=True)
class Column:
    label: str
    spanner: str | None = None
    align: str = "left"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    indent: int = 0
    group: bool = False  # a group header row (e.g. "Sex"): bold, its other cells empty


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()

    def __post_init__(self):
        for row in self.rows:
            if len(row.cells) != len(self.columns):
                raise ValueError(f"row {row.cells!r} has {len(row.cells)} cells for {len(self.columns)} columns")

    @property
    def has_spanners(self) -> bool:
        return any(c.spanner for c in self.columns)

    def spanner_groups(self) -> list[tuple[str | None, int]]:
        """Consecutive columns sharing a spanner: [(spanner or None, width), ...]."""
        groups: list[tuple[str | None, int]] = []
        for column in self.columns:
            if groups and groups[-1][0] == column.spanner and column.spanner is not None:
                groups[-1] = (column.spanner, groups[-1][1] + 1)
            else:
                groups.append((column.spanner, 1))
        return groups


def header_phrases(label: str) -> tuple[str, ...]:
    """A header (a column's, or a row label in the first column) cut where a line may break, at its spaces: a
    parenthesised group of up to :data:`SHORT_GROUP` characters ("(95% CI)", "(N = 32)"), a number with its unit or
    percent sign ("12 months") and a relation ("N = 32") stay whole, as does a hyphenated word (the renderers keep
    each phrase on one line); a longer parenthetical may wrap between its words. "Median PFS, months (95% CI)" →
    ("Median", "PFS,", "months", "(95% CI)")."""
    bound = set()  # positions of the spaces inside a short parenthesised group
    depth, opened = 0, 0
    for i, character in enumerate(label):
        if character in "([":
            opened, depth = (i if depth == 0 else opened), depth + 1
        elif character in ")]" and depth:
            depth -= 1
            if depth == 0 and i - opened + 1 <= SHORT_GROUP:
                bound.update(j for j in range(opened, i) if label[j] == " ")
    phrases: list[str] = []
    position = 0
    for word in label.split(" "):
        space, position = position - 1, position + len(word) + 1  # the space before this word
        if not word:
            continue
        previous = phrases[-1].rsplit(" ", 1)[-1] if phrases else ""
        if phrases and (space in bound or previous in RELATIONS or word in RELATIONS
                        or (previous[-1:].isdigit() and word.rstrip(",;:.") in UNITS)):
            phrases[-1] += " " + word
        else:
            phrases.append(word)
    return tuple(phrases)
