"""The mapping report of an import: what went where, and what was not used and why — nothing dropped silently.

For each input data set: its rows (used, or not used with the reason and how many) and its columns (mapped to
which study column, or not used with the reason). Plus the decisions the importer took (e.g. the data cutoff it
chose) and the validation result of the study folder written. Written as ``import-report.md`` for people and
``import-report.json`` for programs; both are deterministic (sorted, no timestamps).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .datasets import ROW

REPORT_MD = "import-report.md"
REPORT_JSON = "import-report.json"


@dataclass
class InputRecord:
    """One input data set: where it came from, its size, and how its rows and columns were used."""

    name: str
    file: str
    rows: int
    columns: tuple[str, ...]
    rows_used: int = 0
    rows_not_used: Counter = field(default_factory=Counter)
    examples: dict[str, list[int]] = field(default_factory=dict)  # reason → first rows (as the user sees them)
    mapped: dict[str, str] = field(default_factory=dict)  # source column → where it went
    not_used: dict[str, str] = field(default_factory=dict)  # source column → why not


@dataclass
class ImportReport:
    """Everything an import decided; filled in by the importer, written by :meth:`write`."""

    kind: str
    source: str
    inputs: dict[str, InputRecord] = field(default_factory=dict)
    decisions: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    validation: dict = field(default_factory=dict)

    def add_input(self, name: str, file: str, columns, rows: int) -> InputRecord:
        record = InputRecord(name, file, rows, tuple(c for c in columns if c != ROW))
        self.inputs[name] = record
        return record

    def use_rows(self, name: str, n: int) -> None:
        self.inputs[name].rows_used += int(n)

    def skip_rows(self, name: str, reason: str, rows) -> None:
        """Rows (as the user sees them: CSV row 2 = first data row) not used, for ``reason``."""
        rows = [int(r) for r in rows]
        if not rows:
            return
        record = self.inputs[name]
        record.rows_not_used[reason] += len(rows)
        record.examples.setdefault(reason, [])
        record.examples[reason] = sorted(record.examples[reason] + rows)[:10]

    def map_column(self, name: str, column: str, target: str) -> None:
        record = self.inputs[name]
        if column in record.columns:
            record.mapped[column] = target if column not in record.mapped else f"{record.mapped[column]}; {target}"

    def finish_columns(self, name: str, reasons: dict[str, str] | None = None,
                       default: str = "no counterpart in the study format") -> None:
        """Every column not mapped gets a reason (``reasons`` or ``default``)."""
        record = self.inputs[name]
        for column in record.columns:
            if column not in record.mapped:
                record.not_used[column] = (reasons or {}).get(column, default)

    def decide(self, text: str) -> None:
        self.decisions.append(text)

    @property
    def unaccounted(self) -> dict[str, int]:
        """Input data sets whose rows are neither used nor reported (should be empty)."""
        return {n: r.rows - r.rows_used - sum(r.rows_not_used.values()) for n, r in self.inputs.items()
                if r.rows != r.rows_used + sum(r.rows_not_used.values())}

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "source": self.source, "decisions": self.decisions, "tables_written": self.tables,
            "inputs": [{
                "name": r.name, "file": r.file, "rows": r.rows, "rows_used": r.rows_used,
                "rows_not_used": [{"reason": reason, "rows": n, "first_rows": r.examples.get(reason, [])}
                                  for reason, n in sorted(r.rows_not_used.items())],
                "columns_mapped": dict(sorted(r.mapped.items())),
                "columns_not_used": dict(sorted(r.not_used.items())),
            } for r in sorted(self.inputs.values(), key=lambda r: r.name)],
            "validation": self.validation,
        }

    def markdown(self) -> str:
        out = [f"# Import report — {self.kind}", "", f"Source: `{self.source}`", ""]
        if self.decisions:
            out += ["## Decisions taken by the importer", ""] + [f"- {d}" for d in self.decisions] + [""]
        out += ["## Tables written", "", "| table | rows |", "|---|---:|"]
        out += [f"| {name} | {n} |" for name, n in self.tables.items()] + [""]
        for r in sorted(self.inputs.values(), key=lambda r: r.name):
            out += [f"## {r.name} (`{r.file}`)", "",
                    f"{r.rows} rows: {r.rows_used} used, {sum(r.rows_not_used.values())} not used.", ""]
            if r.rows_not_used:
                out += ["| rows not used | why | first rows |", "|---:|---|---|"]
                out += [f"| {n} | {reason} | {', '.join(map(str, r.examples.get(reason, [])))} |"
                        for reason, n in sorted(r.rows_not_used.items())] + [""]
            if not r.columns:
                continue
            out += ["| column | went to / why not |", "|---|---|"]
            out += [f"| {c} | → {r.mapped[c]} |" if c in r.mapped else f"| {c} | not used: {r.not_used.get(c, '')} |"
                    for c in r.columns] + [""]
        v = self.validation
        if v:
            out += ["## Validation of the study folder", "",
                    f"{'valid' if v['ok'] else 'NOT valid'}: {v['errors']} error(s), {v['warnings']} warning(s)", ""]
            out += [f"- {p}" for p in v["problems"]] + [""]
        return "\n".join(out)

    def write(self, folder: Path) -> list[Path]:
        md, js = folder / REPORT_MD, folder / REPORT_JSON
        md.write_text(self.markdown(), encoding="utf-8")
        js.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return [md, js]
