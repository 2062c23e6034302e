"""Publication disclosure: small-cell suppression applied to everything a report publishes (``--min-cell``).

The analysis runs on exact counts; this step decides what is *printed*. With a minimum of 5 (the OMOP report's
default; ``--min-cell 0`` or 1 turns it off, the study-folder report's default), a count from 1 to 4 is shown as
``<5`` and its percentage as ``—``, and a count that would give a hidden one back by subtraction from a published
total is hidden too (``*``, complementary suppression). Which entries to hide in one table of counts is decided by
:func:`oncocohort.engine.suppression.suppression_mask` (greedy, deterministic; docs/engine.md, "Suppression"); this
module finds those tables in what the report publishes and writes the marks:

- **Tables** (:func:`disclose_table`, any :class:`~oncocohort.present.table.Table`): count cells are the
  :class:`~oncocohort.present.formatting.CountText` cells the table builders write with ``formatting.count`` /
  ``count_percent``; a proportion's CI (:class:`~oncocohort.present.formatting.PercentText`) is hidden with its
  row's count (an exact CI gives x back). The lines that add up are recognised from the counts themselves (the
  sums an reader could form), per *block* — consecutive rows with the same indentation and the same count columns:
  a column of a block adds up to its common percentage base n (a partition: best overall response, Table 1
  levels with their missing row), to the count in the row above the block (a subtotal: progression + death = any
  PFS event), or — counts without a base, or each of its own level's n (n and events per subgroup level, ORR per
  level) — to a total the report publishes elsewhere; a row adds up when one of at least three counts is the sum
  of the others (adverse events: grade columns = any grade). Lines sharing cells are suppressed together until
  nothing changes. A table with a hidden entry gets :func:`~oncocohort.engine.suppression.suppression_footnote`.
- **Text** (:func:`disclose_text`): "3 patients" → "fewer than 5 patients" in footnotes and captions.
- **results.json** (:func:`disclose_results`): every count and its percentage or proportion (and exact CI) hidden
  as ``{"suppressed": "small" | "complementary", "minimum": 5}``, the same partitions suppressed together.
- **Figures**: the numbers at risk under Kaplan–Meier and cumulative-incidence curves by
  :func:`~oncocohort.engine.suppression.suppress_risk_table` inside the figure modules (``min_cell``).

Estimates (Kaplan–Meier curves, medians, survival rates with their CIs, hazard ratios) stay; counts below the
minimum are withheld — the OHDSI convention (CohortSurvival's estimate functions take ``minCellCount = 5``;
CohortGenerator: a count below it is not included in the results). A proportion's exact CI and an ORR bar would
give its count back, so they go with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from ..engine.suppression import (
    COMPLEMENTARY_MARK,
    SuppressedCount,
    is_suppressed,
    suppression_footnote,
    suppression_mask,
)
from ..present.formatting import HIDDEN_PERCENT, CountText, PercentText
from ..present.table import Row, Table


def is_active(min_cell: int) -> bool:
    """A minimum of 0 or 1 hides nothing."""
    return min_cell > 1


def methods_sentence(min_cell: int, default_off: bool = False) -> str:
    """The rule in the methods paragraph ("" for a study-folder report with the rule off)."""
    if is_active(min_cell):
        return (f"Counts from 1 to {min_cell - 1} are not shown (small-cell suppression, minimum cell size "
                f"{min_cell}: written <{min_cell}, their percentages not given), nor any count from which one could be "
                f"recovered by subtraction from a published total ({COMPLEMENTARY_MARK}, complementary suppression); "
                "Kaplan–Meier curves, medians, rates and hazard ratios are shown, the numbers at risk under the "
                f"curves below {min_cell} are not.")
    return "" if default_off else "All counts are shown (no small-cell suppression: --min-cell off)."


# --- tables ------------------------------------------------------------------------------------------------------

@dataclass
class _Line:
    """Cells of the table (row, column) that add up to ``total``: a published number outside the block (``at`` None:
    it cannot be hidden here) or another cell of the table (``at``)."""

    cells: list[tuple[int, int]]
    total: int
    at: tuple[int, int] | None = None


def _counts(table: Table) -> dict[tuple[int, int], CountText]:
    return {(i, j): cell for i, row in enumerate(table.rows) for j, cell in enumerate(row.cells)
            if isinstance(cell, CountText)}


def _blocks(table: Table, counts) -> list[tuple[list[int], list[int]]]:
    """Runs of consecutive rows with the same indentation and the same count columns: (rows, columns)."""
    blocks: list[tuple[list[int], list[int]]] = []
    key = None
    for i, row in enumerate(table.rows):
        columns = [j for j in range(len(row.cells)) if (i, j) in counts]
        this = (row.indent, tuple(columns)) if columns and not row.group else None
        if this is not None and this == key:
            blocks[-1][0].append(i)
        elif this is not None:
            blocks.append(([i], columns))
        key = this
    return blocks


def _parent(table: Table, counts, first_row: int, column: int) -> tuple[int, int] | None:
    """The count in ``column`` of the row above a block that is one level less indented (a subtotal), if any."""
    indent = table.rows[first_row].indent
    for i in range(first_row - 1, -1, -1):
        if table.rows[i].indent < indent:
            return (i, column) if (i, column) in counts else None
    return None


def _column_line(table: Table, counts, rows: list[int], column: int) -> _Line | None:
    cells = [counts[(i, column)] for i in rows]
    total = sum(c.count for c in cells)
    positions = [(i, column) for i in rows]
    bases = {c.of for c in cells if c.of is not None}
    parent = _parent(table, counts, rows[0], column)
    if parent is not None and counts[parent].count == total and len(rows) > 1:
        return _Line(positions, total, parent)  # a subtotal row and its parts
    if len(bases) == 1 and all(c.of is not None for c in cells):
        return _Line(positions, total) if total == next(iter(bases)) else None  # a partition of n
    if len(rows) < 2:
        return None
    if not bases or all(c.of is not None for c in cells):
        return _Line(positions, total)  # counts per level (no base, or each of its level's n): total published
    with_base = [c for c in cells if c.of is not None]  # levels of n plus a missing row: add up to the whole
    if len(bases) == 1 and sum(c.count for c in with_base) == next(iter(bases)):
        return _Line(positions, total)
    return None


def _row_total_column(counts, rows: list[int], columns: list[int]) -> int | None:
    """The column holding each row's total (the sum of the row's other counts), the same in every row, if any."""
    if len(columns) < 3:
        return None
    for t in columns:
        if all(counts[(i, t)].count == sum(counts[(i, j)].count for j in columns if j != t) for i in rows):
            return t
    return None


MAX_SUBSET_ROWS = 10  # blocks searched for sums of some of their counts (2^10 subsets at most)


def _section(table: Table, rows: list[int]) -> list[int]:
    """The rows around a block up to the group headers before and after it (the block's rows left out)."""
    start = rows[0]
    while start > 0 and not table.rows[start - 1].group:
        start -= 1
    end = rows[-1] + 1
    while end < len(table.rows) and not table.rows[end].group:
        end += 1
    before = start - 1 if start > 0 and table.rows[start - 1].group else start
    return [i for i in range(before, end) if i not in rows]


def _sum_lines(table: Table, counts) -> list:
    """Lines formed by a count of a less indented row of the block's section (up to the group headers around it),
    of the same base n, equal to the sum of some counts of a block that partitions n (ORR = CR + PR below the best
    overall responses): those counts and that cell."""
    from itertools import combinations

    groups = []
    for rows, columns in _blocks(table, counts):
        if len(rows) > MAX_SUBSET_ROWS:
            continue
        for j in columns:
            bases = {counts[(i, j)].of for i in rows}
            if len(bases) != 1 or None in bases:
                continue
            base = next(iter(bases))
            if sum(counts[(i, j)].count for i in rows) != base:  # only the parts of a partition of n
                continue
            others = [(i, j) for i in _section(table, rows) if (i, j) in counts and counts[(i, j)].of == base
                      and counts[(i, j)].count > 0 and table.rows[i].indent < table.rows[rows[0]].indent]
            for other in others:
                target = counts[other].count
                for size in range(1, len(rows) + 1):
                    for subset in combinations(rows, size):
                        if sum(counts[(i, j)].count for i in subset) == target:
                            groups.append(([[(i, j)] for i in subset] + [[other]],
                                           [[counts[(i, j)].count] for i in subset] + [[target]], False, True))
    return groups


def _tail(table: Table, counts, rows: list[int], columns: list[int]) -> tuple[int | None, list[int]]:
    """A row right after a block, as indented, with counts in only some of the block's columns (a subgroup's
    "Missing (not analysed)" n under its levels' n and events) → (that row, its count columns); (None, []) if none.
    In those columns it is one more part of the block's line — levels + missing = all patients, the published
    total — so that neither a hidden level nor a hidden missing count can be given back by subtraction."""
    tail = rows[-1] + 1
    if tail >= len(table.rows) or table.rows[tail].group or table.rows[tail].indent != table.rows[rows[0]].indent:
        return None, []
    own = [j for j in range(len(table.rows[tail].cells)) if (tail, j) in counts]
    return (tail, own) if own and set(own) < set(columns) else (None, [])


def _hide(table: Table, counts, min_cell: int) -> dict[tuple[int, int], str]:
    """{(row, column): "small" | "complementary"} for the table's count cells."""
    mask = {p: "small" for p, c in counts.items() if 1 <= c.count < min_cell}
    if not mask:
        return mask
    groups = []  # (matrix of positions (None: a published total outside), totals values, row_lines, column_lines)
    for rows, columns in _blocks(table, counts):
        tail, extended = _tail(table, counts, rows, columns)
        lines = {j: _column_line(table, counts, [*rows, tail] if j in extended else rows, j) for j in columns}
        t = _row_total_column(counts, rows, columns) if tail is None else None
        order = [j for j in columns if j != t] + ([t] if t is not None else [])
        if t is not None:
            all_columns = all(lines[j] is not None for j in columns)
            positions = [[(i, j) for j in order] for i in rows]
            if all_columns:
                positions.append([lines[j].at for j in order])
                values = [[counts[p].count for p in row] for row in positions[:-1]]
                values.append([lines[j].total for j in order])
            else:
                values = [[counts[p].count for p in row] for row in positions]
            groups.append((positions, values, True, all_columns))
            if all_columns:
                continue
        for j in columns:
            if lines[j] is not None:
                line = lines[j]
                positions = [[p] for p in line.cells] + [[line.at]]
                values = [[counts[p].count] for p in line.cells] + [[line.total]]
                groups.append((positions, values, False, True))
    groups += _sum_lines(table, counts)
    changed = True
    while changed:  # lines sharing cells: until no line has exactly one hidden entry
        changed = False
        for positions, values, row_lines, column_lines in groups:
            hidden = np.array([[p is not None and p in mask for p in row] for row in positions])
            result = suppression_mask(np.array(values), min_cell, row_lines, column_lines, hidden)
            for r, row in enumerate(positions):
                for c, p in enumerate(row):
                    if result[r, c] and p is not None and p not in mask:
                        mask[p] = "complementary"
                        changed = True
    return mask


def _hidden_cell(cell: CountText, reason: str, min_cell: int) -> str:
    mark = str(SuppressedCount(reason, min_cell))
    if "/" in cell:  # events/patients: the patients stay
        return mark + cell[cell.index("/"):]
    return f"{mark} ({HIDDEN_PERCENT})" if cell.of else mark


def disclose_table(table: Table, min_cell: int) -> Table:
    """``table`` with its count cells below ``min_cell`` (and complements) hidden and the footnote added; the same
    table when nothing is hidden or the rule is off."""
    if not is_active(min_cell):
        return table
    counts = _counts(table)
    mask = _hide(table, counts, min_cell)
    footnotes = tuple(disclose_text(f, min_cell) for f in table.footnotes)
    words = [[c if isinstance(c, (CountText, PercentText)) else disclose_text(c, min_cell) for c in row.cells]
             for row in table.rows]  # counts written in words inside a cell ("ORR 3/32 = 9.4%")
    if not mask and footnotes == table.footnotes and all(
            list(row.cells) == cells for row, cells in zip(table.rows, words)):
        return table
    hidden_rows = {i for i, _ in mask}
    # a hidden count without a base in a block with percentages (Table 1's missing row) gives the base back from
    # the percentages: they are hidden too
    no_percent = set()
    for rows, columns in _blocks(table, counts):
        for j in columns:
            if any((i, j) in mask and counts[(i, j)].of is None for i in rows):
                no_percent.update((i, j) for i in rows if counts[(i, j)].of)
    new_rows = []
    for i, row in enumerate(table.rows):
        cells = []
        for j, cell in enumerate(words[i]):
            if (i, j) in mask:
                cell = _hidden_cell(counts[(i, j)], mask[(i, j)], min_cell)
            elif (i, j) in no_percent:
                cell = f"{counts[(i, j)].count} ({HIDDEN_PERCENT})"
            elif isinstance(cell, PercentText) and i in hidden_rows:
                cell = HIDDEN_PERCENT
            cells.append(cell)
        new_rows.append(Row(tuple(cells), row.indent, row.group))
    return replace(table, rows=tuple(new_rows), footnotes=(*footnotes, suppression_footnote(min_cell)))


def disclose_tables(tables: dict[str, Table], min_cell: int) -> dict[str, Table]:
    """Every table of a report (:func:`disclose_table`), in the same order."""
    return {key: disclose_table(table, min_cell) for key, table in tables.items()}


def table_is_suppressed(table: Table, min_cell: int) -> bool:
    return is_active(min_cell) and suppression_footnote(min_cell) in table.footnotes


# --- text --------------------------------------------------------------------------------------------------------

_NOUNS = r"(patients?|events?|deaths?|responders?|persons?|subjects?|increases?)"
_COUNT_WORDS = re.compile(rf"\b(\d[\d,]*) {_NOUNS}\b(\s*\(\d+(?:[.,·]\d+)?\s?%\))?")


# the responders of an ORR written as a fraction: "ORR 3/32 = 9.4%", "(3/32, Clopper–Pearson"
_RESPONDERS = re.compile(r"(\bORR |\()(\d+)/(\d+)( = \d+(?:[.,·]\d+)?\s?%|(?=, Clopper))")


# "4 of 18 (22.2%)"
_SHARE = re.compile(r"(?<![\w.,·])(\d+) of (\d+) \(\d+(?:[.,·]\d+)?\s?%\)")


# the landmark analysis's left-out patients (present/landmark_table.py): died + censored = those ended by the landmark,
# given back by OS n − analysed, so one hidden count hides the other
_LEFT_OUT = re.compile(r"(Left out: )(\d+) (patients?) who died and (\d+) (patients?) censored")


def _left_out(match, min_cell: int) -> str:
    died, censored = int(match.group(2)), int(match.group(4))
    small = [1 <= died < min_cell, 1 <= censored < min_cell]
    if not any(small) or all(small):
        return match.group(0)
    words = [f"fewer than {min_cell} patients" if is_small else "patients (number not shown)"
             for is_small in small]
    return f"{match.group(1)}{words[0]} who died and {words[1]} censored"


# the subgroup table's note on values in no named group (present/subgroup_table.py): "— 'X' (3 patients), 'Y' (12
# patients) —"; with the Missing row they add up to, one hidden count hides the smallest other one too
_UNGROUPED = re.compile(r"(values in no group of study\.toml \[\[analysis\.subgroups\]\] — )(.*?)( — )")
_UNGROUPED_VALUE = re.compile(r"\((\d+) (patients?)\)")


def _ungrouped(match, min_cell: int) -> str:
    counts = [int(m.group(1)) for m in _UNGROUPED_VALUE.finditer(match.group(2))]
    small = [1 <= n < min_cell for n in counts]
    shown = [i for i, n in enumerate(counts) if not small[i] and n > 0]
    if sum(small) != 1 or not shown:
        return match.group(0)
    complement = min(shown, key=lambda i: counts[i])
    position = iter(range(len(counts)))

    def value(m):
        return "(patients: number not shown)" if next(position) == complement else m.group(0)
    return match.group(1) + _UNGROUPED_VALUE.sub(value, match.group(2)) + match.group(3)


def disclose_text(text: str, min_cell: int) -> str:
    """A count of 1 to min − 1 written in words ("3 patients (9.4%)") as "fewer than 5 patients" (no percentage),
    "4 of 18 (22.2%)" as "fewer than 5 of 18", an ORR's responders ("ORR 3/32 = 9.4%") as "ORR <5/32"."""
    if not is_active(min_cell):
        return text
    text = _LEFT_OUT.sub(lambda match: _left_out(match, min_cell), text)
    text = _UNGROUPED.sub(lambda match: _ungrouped(match, min_cell), text)

    def responders(match):
        if not 1 <= int(match.group(2)) < min_cell:
            return match.group(0)
        return f"{match.group(1)}<{min_cell}/{match.group(3)}"
    text = _RESPONDERS.sub(responders, text)

    def share(match):
        if not 1 <= int(match.group(1)) < min_cell:
            return match.group(0)
        return f"fewer than {min_cell} of {match.group(2)}"
    text = _SHARE.sub(share, text)

    def words(match):
        value = int(match.group(1).replace(",", ""))
        if not 1 <= value < min_cell:
            return match.group(0)
        noun = match.group(2)
        return f"fewer than {min_cell} {noun if noun.endswith('s') else noun + 's'}"
    return _COUNT_WORDS.sub(words, text)


# --- results.json ------------------------------------------------------------------------------------------------

# keys whose integer values count patients (or events) in results.json; "design" holds a trial's planned sizes
COUNT_KEYS = frozenset({
    "n", "x", "events", "censored", "missing", "n_risk", "any_grade", "grade_1_2", "grade_3_4", "grade_5",
    "grade_3_plus", "progression", "death_without_progression", "n_excluded", "n_at_step", "n_remaining",
    "n_screened", "n_included", "n_missing", "n_complete", "n_responders", "n_shrinkage_30", "n_with_measurement",
    "n_with_shrinkage", "dose_reduction", "interruption", "ongoing_at_cutoff", "excluded_event",
    "excluded_censored", "status_changed", "time_changed", "n_other_level"})
COUNT_MAPS = frozenset({"counts", "reason_stopped"})  # {name: count}
NOT_COUNTS = frozenset({"schema", "software", "settings", "design"})
# a hidden count hides these numbers of the same object (they give it back)
FOLLOWERS = {"x": ("estimate", "lower", "upper", "percent"), "events": ("maturity_percent",), "n": ("percent",)}


class _PublishedCounts:
    """The counts of one results dictionary, by reference (container, key), with the lines they add up along."""

    def __init__(self, min_cell: int):
        self.min_cell = min_cell
        self.refs: list[tuple[object, object]] = []
        self.index: dict[tuple[int, object], int] = {}
        self.lines: list[tuple[list[int], int | None, int]] = []  # (parts, total ref or None, total value)

    def ref(self, container, key) -> int | None:
        if container is None or key not in container:
            return None
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        identity = (id(container), key)
        if identity not in self.index:
            self.index[identity] = len(self.refs)
            self.refs.append((container, key))
        return self.index[identity]

    def value(self, index: int) -> int:
        container, key = self.refs[index]
        return container[key]

    def line(self, parts, total=None, total_value: int | None = None) -> None:
        """``parts`` (refs) add up to ``total`` (a ref) or to ``total_value`` published outside results.json."""
        parts = [p for p in parts if p is not None]
        value = self.value(total) if total is not None else total_value
        if parts and value is not None and sum(self.value(p) for p in parts) == value:
            self.lines.append((parts, total, value))

    def hidden(self) -> dict[int, str]:
        mask = {i: "small" for i in range(len(self.refs)) if 1 <= self.value(i) < self.min_cell}
        changed = bool(mask)
        while changed:
            changed = False
            for parts, total, value in self.lines:
                cells = [*parts, total]
                hidden = np.array([[c is not None and c in mask] for c in cells])
                values = np.array([[self.value(p)] for p in parts] + [[value]])
                result = suppression_mask(values, self.min_cell, False, True, hidden)
                for c, flag in zip(cells, result[:, 0]):
                    if flag and c is not None and c not in mask:
                        mask[c] = "complementary"
                        changed = True
        return mask


def _walk(counts: _PublishedCounts, value, top: bool = True) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if top and key == "design" and isinstance(item, dict):  # planned sizes; the observed ORR is a count
                _walk(counts, item.get("observed_orr"), False)
                continue
            if top and key in NOT_COUNTS:
                continue
            if key in COUNT_KEYS:
                counts.ref(value, key)
            elif key in COUNT_MAPS and isinstance(item, dict):
                for name in item:
                    counts.ref(item, name)
            else:
                _walk(counts, item, False)
    elif isinstance(value, list):
        for item in value:
            _walk(counts, item, False)


def _lines(counts: _PublishedCounts, facts: dict) -> None:
    """The sums a reader of results.json can form."""
    ref, line = counts.ref, counts.line
    study = facts["study"]
    line([ref(study, "n_included"), ref(study, "n_excluded")], ref(study, "n_screened"))
    steps = facts.get("attrition") or []
    line([ref(s, "n_excluded") for s in steps], ref(study, "n_excluded"))
    for s in steps:
        line([ref(s, "n_remaining"), ref(s, "n_excluded")], ref(s, "n_at_step"))
    for before, after in zip(steps, steps[1:]):
        line([ref(before, "n_remaining")], ref(after, "n_at_step"))
    n = study["n_included"]
    for item in facts.get("baseline") or []:
        levels = [ref(lv, "n") for lv in item.get("levels", [])]
        line(levels, ref(item, "n"))
        line([ref(item, "n"), ref(item, "missing")], total_value=n)
        line([*levels, ref(item, "missing")], total_value=n)
    response = facts.get("response") or {}
    tallies = response.get("counts") or {}
    line([ref(tallies, c) for c in tallies], ref(response, "n"))
    for rate, categories in (("orr", ("CR", "PR")), ("dcr", ("CR", "PR", "SD"))):
        if response.get(rate):
            line([ref(tallies, c) for c in categories if c in tallies], ref(response[rate], "x"))
    if response.get("orr"):
        orr = ref(response["orr"], "x")
        line([ref(response, "n_responders")], orr)
        line([ref((facts.get("design") or {}).get("observed_orr"), "x")], orr)  # copies of the ORR's responders
        line([ref(((facts.get("esmo_mcbs") or {}).get("inputs") or {}).get("orr"), "x")], orr)
        for group in response.get("subgroups") or []:
            line([ref(lv, "x") for lv in group["levels"]], orr)
    for endpoint in [*(facts.get("survival") or {}).values(), response.get("duration_of_response")]:
        if endpoint:
            line([ref(endpoint, "events"), ref(endpoint, "censored")], ref(endpoint, "n"))
    for name, groups in (facts.get("subgroup_survival") or {}).items():
        endpoint = (facts.get("survival") or {}).get(name)
        for group in groups:  # n_missing counts the patients without a value and those in no named group
            line([*(ref(lv, "n") for lv in group["levels"]), ref(group, "n_missing")], total_value=n)
            line([ref(u, "n") for u in group.get("ungrouped", [])], ref(group, "n_missing"))
            if endpoint:
                line([ref(lv, "events") for lv in group["levels"]], ref(endpoint, "events"))
    landmark = (facts.get("landmark_analyses") or {}).get("os_by_response")
    if landmark:  # analysed (the groups) + ended by the landmark (died, censored) = the OS patients
        line([ref(g, "n") for g in landmark["groups"]], ref(landmark, "n"))
        line([ref(landmark, "n"), ref(landmark, "excluded_event"), ref(landmark, "excluded_censored")],
             ref((facts.get("survival") or {}).get("OS"), "n"))
    competing = facts.get("competing_risks_pfs")
    if competing:
        line([ref(competing, "progression"), ref(competing, "death_without_progression"),
              ref(competing, "censored")], ref(competing, "n"))
    for key in ("adverse_events", "related_adverse_events"):
        for row in (facts.get(key) or {}).get("rows", []):
            line([ref(row, "grade_1_2"), ref(row, "grade_3_4"), ref(row, "grade_5")], ref(row, "any_grade"))
    exposure = facts.get("exposure") or {}
    reasons = exposure.get("reason_stopped") or {}
    line([*(ref(reasons, r) for r in reasons), ref(exposure, "ongoing_at_cutoff")], ref(exposure, "n"))


def disclose_results(facts: dict, min_cell: int) -> dict:
    """results.json's dictionary with every hidden count as a
    :class:`~oncocohort.engine.suppression.SuppressedCount` (written ``{"suppressed": "small", "minimum": 5}``),
    with the percentages, proportions and CIs of the same object; a ``disclosure`` entry states the rule. The
    input is not changed; with the rule off it is returned as it is."""
    import copy

    if not is_active(min_cell):
        return facts
    facts = copy.deepcopy(facts)
    facts["disclosure"] = {"min_cell": min_cell, "footnote": suppression_footnote(min_cell),
                           "method": "small-cell suppression (engine/suppression.py): counts from 1 to min_cell − 1 "
                                     "and the counts that would give one back from a published total are not shown"}
    study = facts.get("study") or {}
    if isinstance(study.get("data_source"), str):  # the OMOP sentence may count patients in words
        study["data_source"] = disclose_text(study["data_source"], min_cell)
    counts = _PublishedCounts(min_cell)
    _walk(counts, facts)
    _lines(counts, facts)
    for index, reason in sorted(counts.hidden().items()):
        container, key = counts.refs[index]
        hidden = SuppressedCount(reason, min_cell)
        container[key] = hidden
        for follower in FOLLOWERS.get(key, ()):
            if follower in container:
                container[follower] = hidden
        if isinstance(container.get("percent"), dict) and key in container["percent"]:
            container["percent"][key] = hidden
    response = facts.get("response") or {}
    for category, value in (response.get("counts") or {}).items():
        if is_suppressed(value):
            response["percents"][category] = value
    return facts


def json_value(value):
    """``json.dumps(default=)``: a hidden count as ``{"suppressed": reason, "minimum": n}``."""
    if is_suppressed(value):
        return {"suppressed": value.reason, "minimum": value.minimum}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# --- figures -----------------------------------------------------------------------------------------------------

def disclose_subgroup_levels(groups, min_cell: int):
    """Subgroup Kaplan–Meier summaries (:class:`~oncocohort.stats.study_analysis.SubgroupSurvival`) with each
    level's n and events hidden as in the subgroup tables (the n column of a factor's levels and its missing count,
    the events column of its levels, each add up to a published total: :func:`~oncocohort.engine.suppression.
    suppress_table`, the same choice as :func:`disclose_table` on Table 2), for the forest plots' n and events
    columns → (groups, whether a count is hidden)."""
    from ..engine.suppression import suppress_table

    if not is_active(min_cell):
        return list(groups), False
    out, hidden = [], False
    for group in groups:
        parts = [[lv.n] for lv in group.levels] + ([[group.n_missing]] if group.n_missing else [])
        n = (suppress_table(parts, min_cell, row_totals=False)[:, 0] if len(parts) > 1
             else [small_count(lv.n, min_cell) for lv in group.levels])
        events = (suppress_table([[lv.events] for lv in group.levels], min_cell, row_totals=False)[:, 0]
                  if len(group.levels) > 1 else [small_count(lv.events, min_cell) for lv in group.levels])
        levels = tuple(replace(lv, n=n[i], events=events[i]) for i, lv in enumerate(group.levels))
        hidden |= any(is_suppressed(lv.n) or is_suppressed(lv.events) for lv in levels)
        out.append(replace(group, levels=levels))
    return out, hidden


def small_count(value: int, min_cell: int):
    """``value``, or a ``SuppressedCount`` when it is from 1 to min_cell − 1 (words: "fewer than 5 patients")."""
    return SuppressedCount("small", min_cell) if 1 <= value < min_cell else value


def response_levels_hidden(subgroups, min_cell: int) -> bool:
    """Whether a subgroup level's responders or patients fall below the minimum: the ORR bars (labelled
    responders/patients, their heights x/n) would give them back, so the figure is left out."""
    return is_active(min_cell) and any(1 <= e.x < min_cell or 1 <= e.n < min_cell
                                       for g in subgroups for _, e in g.levels)
