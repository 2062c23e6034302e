"""Build the CTCAE term/grade tables shipped as package data from the official NCI workbooks.

Usage (from the repository root)::

    python scripts/build_ctcae_tables.py ../shared/reference-data/ctcae

Reads the "Clean Copy" sheet of ``CTCAE_v5.0.xlsx`` and ``CTCAE_v6.0.xlsx`` and writes
``oncocohort/reference/data/ctcae_v5.0.csv`` and ``ctcae_v6.0.csv`` with one row per term:

``meddra_code, soc, term, grades`` where ``grades`` lists the grades the term defines (e.g. "123"
for Palmar-plantar erythrodysesthesia syndrome, "12345" for Hypertension). In the workbook a grade
that does not exist for a term is written as "-" (sometimes " -").

It also writes ``ctcae_sources.json`` with the sha256 of each source workbook, so that the shipped
tables can be traced to the exact NCI release. Deterministic: the same workbook gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import openpyxl

SHEETS = {"5.0": "CTCAE v5.0 Clean Copy", "6.0": "CTCAE v6.0 Clean Copy"}
OUT_DIR = Path(__file__).resolve().parent.parent / "oncocohort" / "reference" / "data"


def _clean(text: object) -> str:
    return " ".join(str(text).replace("\xa0", " ").split()) if text is not None else ""


def read_clean_copy(path: Path, sheet: str) -> list[dict[str, str]]:
    """Return one dict per CTCAE term from the workbook's clean-copy sheet."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(workbook[sheet].iter_rows(values_only=True))
    header = [_clean(cell) for cell in rows[0]]
    code_col = next(i for i, h in enumerate(header) if "Code" in h)
    soc_col = next(i for i, h in enumerate(header) if h.endswith("SOC"))
    term_col = next(i for i, h in enumerate(header) if h.endswith("Term"))
    grade_cols = [header.index(f"Grade {g}") for g in range(1, 6)]
    terms = []
    for row in rows[1:]:
        term = _clean(row[term_col])
        if not term:
            continue
        grades = "".join(
            str(g) for g, col in zip(range(1, 6), grade_cols) if _clean(row[col]) not in ("", "-")
        )
        terms.append(
            {"meddra_code": _clean(row[code_col]), "soc": _clean(row[soc_col]), "term": term, "grades": grades}
        )
    return terms


def main(source_dir: str) -> None:
    sources = {}
    for version, sheet in SHEETS.items():
        path = Path(source_dir) / f"CTCAE_v{version}.xlsx"
        terms = read_clean_copy(path, sheet)
        terms.sort(key=lambda t: (t["soc"], t["term"]))
        out = OUT_DIR / f"ctcae_v{version}.csv"
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["meddra_code", "soc", "term", "grades"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(terms)
        sources[version] = {
            "workbook": path.name,
            "sheet": sheet,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "terms": len(terms),
            "socs": len({t["soc"] for t in terms}),
        }
        print(f"CTCAE v{version}: {len(terms)} terms -> {out}")
    (OUT_DIR / "ctcae_sources.json").write_text(json.dumps(sources, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference-data/ctcae")
