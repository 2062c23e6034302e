"""Small-cell suppression of published counts (default minimum 5, a common OHDSI and registry rule; ``--min-cell``).

- **Primary**: a count from 1 to min_cell − 1 is not shown; it prints as ``<5`` (0 is shown: nobody).
- **Complementary**: a table's rows and columns add up to published totals; where a line (a row or column, with
  its total) has exactly one hidden entry, that entry could be recovered by subtraction, so another entry of the
  line is hidden too (it prints as ``*``): the smallest positive cell, else a zero cell, else the total.
  Repeated until no line has exactly one hidden entry; ties are broken by position, so the result is
  deterministic. Greedy: it may hide more than an optimal solver (τ-ARGUS); it guarantees that no single row or
  column gives a hidden count back, not that no combination of several lines does (exact bounds are not computed).

Applied by the engine functions to the counts they return for publication (docs/engine.md, "Suppression");
the footnote string says what the marks mean so the present layer can print it under every table and figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_MIN_CELL = 5
COMPLEMENTARY_MARK = "*"


@dataclass(frozen=True)
class SuppressedCount:
    """A count not shown. ``reason``: ``"small"`` (1 to minimum − 1) or ``"complementary"`` (hidden so that a
    small count cannot be recovered from a total)."""

    reason: str
    minimum: int

    def __str__(self) -> str:
        return f"<{self.minimum}" if self.reason == "small" else COMPLEMENTARY_MARK


def is_suppressed(value) -> bool:
    return isinstance(value, SuppressedCount)


def suppression_footnote(min_cell: int = DEFAULT_MIN_CELL) -> str:
    """The footnote printed under a table or figure with suppressed counts."""
    return (f"<{min_cell}: a count from 1 to {min_cell - 1}, not shown (small-cell suppression, minimum cell size "
            f"{min_cell}); {COMPLEMENTARY_MARK}: not shown so that a count below {min_cell} cannot be recovered "
            "from a total (complementary suppression).")


def suppression_mask(extended: np.ndarray, min_cell: int, row_lines: bool, column_lines: bool,
                     hidden: np.ndarray | None = None) -> np.ndarray:
    """Which entries to hide: 0 shown, 1 small, 2 complementary.

    ``extended``: the counts with their published totals (last column = row totals when ``row_lines``; last row =
    column totals when ``column_lines``); each such row/column is a line whose entries add up. ``hidden``: entries
    already hidden for another line they belong to (True → start as complementary), so that lines sharing entries
    can be suppressed together by repeating this until nothing changes (:mod:`oncocohort.report.disclosure`).
    """
    values = np.asarray(extended, dtype=np.int64)
    mask = np.where((values >= 1) & (values < min_cell), 1, 0)
    if hidden is not None:
        mask = np.where((mask == 0) & np.asarray(hidden, dtype=bool), 2, mask)
    if min_cell <= 1:
        return mask
    lines = ([("row", i) for i in range(values.shape[0])] if row_lines else []) + (
        [("column", j) for j in range(values.shape[1])] if column_lines else [])
    changed = True
    while changed:
        changed = False
        for kind, index in lines:
            line_mask = mask[index, :] if kind == "row" else mask[:, index]
            line_values = values[index, :] if kind == "row" else values[:, index]
            if np.count_nonzero(line_mask) != 1:
                continue
            open_positions = np.flatnonzero(line_mask == 0)
            if len(open_positions) == 0:
                continue
            total_position = len(line_values) - 1 if (row_lines if kind == "row" else column_lines) else -1
            # a cell before the line's total (totals are published elsewhere too), a positive one before a zero,
            # then the smallest, then the first: deterministic
            chosen = min(open_positions, key=lambda i: (i == total_position, line_values[i] == 0, line_values[i], i))
            if kind == "row":
                mask[index, chosen] = 2
            else:
                mask[chosen, index] = 2
            changed = True
    return mask


def suppress_table(cells, min_cell: int = DEFAULT_MIN_CELL, row_totals: bool = True, column_totals: bool = True
                   ) -> np.ndarray:
    """Counts (r × c) with the totals that will be published appended (row totals as a last column, column totals
    as a last row), each entry an int or a :class:`SuppressedCount`. ``min_cell`` ≤ 1 hides nothing."""
    cells = np.asarray(cells, dtype=np.int64)
    extended = cells
    if row_totals:
        extended = np.column_stack([extended, extended.sum(axis=1)])
    if column_totals:
        extended = np.vstack([extended, extended.sum(axis=0)])
    mask = suppression_mask(extended, min_cell, row_totals, column_totals)
    out = np.empty(extended.shape, dtype=object)
    for index, value in np.ndenumerate(extended):
        out[index] = (int(value) if mask[index] == 0 else
                      SuppressedCount("small" if mask[index] == 1 else "complementary", min_cell))
    return out


def suppress_risk_table(table, min_cell: int = DEFAULT_MIN_CELL):
    """A :class:`oncocohort.stats.risk_table.RiskTable` (the numbers under a KM or CIF figure) with each count
    from 1 to min_cell − 1 replaced by a :class:`SuppressedCount` ("small"). A risk table publishes no row or column
    totals that its counts add up to (at risk + censored + events can exceed n by the patients leaving at t), so
    only primary suppression applies."""
    from dataclasses import replace

    def hide(values):
        return tuple(SuppressedCount("small", min_cell) if 1 <= v < min_cell else int(v) for v in values)

    return replace(table, at_risk=hide(table.at_risk), censored=hide(table.censored), events=hide(table.events))
