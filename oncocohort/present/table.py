"""An immutable table model for publication tables: title, columns (with optional spanners), rows (with
indentation and group headers), footnotes naming each method, abbreviations. One model, many renderers
(:mod:`oncocohort.present.render`). Change a table with ``dataclasses.replace``."""

from __future__ import annotations

from dataclasses import dataclass


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
