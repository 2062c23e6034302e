"""Run validate → report on a study folder through the CLI's ``main()`` (in-process, for speed) and check the
promises every run must keep, whatever the input:

- exit 0 or 1 only — never 2 (internal error) nor a traceback;
- every exit 1 names at least one located problem (file or table, row/line or column, and the rule);
- no warning from numpy/pandas/matplotlib reaches stderr (``main`` turns them into a "note:" line), nor
  anything else (a stray log line);
- a study ``validate`` calls valid is not refused by ``report`` for its data;
- the output folder is complete (every file the report links and every format of each table and figure) or absent,
  and no staging folder is left behind;
- every row of the lesions, responses and adverse-event tables is in ``datasets/row_accounting.csv``;
- the input files are never modified;
- (spot check) the same input twice gives an identical ``results.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from oncocohort.cli import main

# a problem's location as problems_to_text / Problem.location write it: a file, then a sheet/table/row/line/column
LOCATED = re.compile(r"[\w.-]+\.(?:csv|xlsx|toml|tsv|txt)\b[^\n]*?(?:sheet|table|row|line|column|key|\[\w)")
WARNING_NOTE = re.compile(r"note: (?:the computation met|\d+ warning\(s\) from the libraries)")
CORE_FILES = ("results.json", "report.html", "report.docx", "datasets/adsl.csv", "datasets/adtte.csv",
              "datasets/attrition.csv", "datasets/row_accounting.csv", "datasets/data_dictionary.csv")
TABLE_FORMATS = (".csv", ".md", ".html", ".docx")
FIGURE_FORMATS = (".png", ".svg", ".pdf")
ACCOUNTED_TABLES = ("lesions", "responses", "adverse_events")


@dataclass
class Run:
    """One CLI run: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Run:
    """``oncocohort argv…`` in this process, with stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


def folder_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative path → digest)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_common(run: Run, what: str) -> None:
    """Exit 0/1, no internal error, no traceback, no library warning on stderr."""
    assert run.code in (0, 1), f"{what}: exit {run.code}\nstdout:\n{run.out[-3000:]}\nstderr:\n{run.err[-3000:]}"
    assert "Traceback" not in run.out + run.err, f"{what}: traceback\n{run.err[-3000:]}"
    assert not WARNING_NOTE.search(run.err), f"{what}: library warnings reached stderr:\n{run.err[-3000:]}"
    # validate and report write nothing else on stderr: anything there is a stray warning or log line
    assert not run.err.strip(), f"{what}: unexpected stderr:\n{run.err[-3000:]}"


def check_validate(run: Run) -> dict:
    """``validate --json``: the common checks; with exit 1, at least one error located (file, a table/row/column,
    rule). Returns the JSON document."""
    check_common(run, "validate")
    doc = json.loads(run.out)
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    assert (run.code == 1) == bool(errors), f"validate exit {run.code} with {len(errors)} error(s)"
    if errors:
        located = [p for p in errors if p["source"] and p["rule"] and p["message"]
                   and (p["table"] or p["row"] is not None or p["column"])]
        assert located, f"validate: no error is located: {errors}"
    return doc


def _row_count(study: Path, table: str) -> int | None:
    """Data rows of ``table`` in the study folder's CSV (None when there is no such CSV)."""
    import csv

    path = study / f"{table}.csv"
    if not path.exists():
        return None
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def check_report(run: Run, study: Path, out: Path, valid: bool) -> None:
    """``report``: the common checks; exit 1 names a located problem (or is a refusal of a study validate refused
    too); the output folder complete or absent; rows accounted for."""
    check_common(run, "report")
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert not leftovers, f"report left staging folders behind: {leftovers}"
    if run.code == 1:
        assert not out.exists(), f"report failed but left {out}: {sorted(p.name for p in out.iterdir())}"
        assert not valid, f"validate called the study valid, report refused it:\n{run.out[-3000:]}"
        assert LOCATED.search(run.out), f"report exit 1 without a located problem:\n{run.out[-3000:]}"
        return
    assert valid, "report succeeded on a study validate refused"
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    missing = [f for f in CORE_FILES if f not in files]
    assert not missing, f"report output misses {missing}"
    done = re.search(r"done: (\d+) files", run.out)
    assert done and int(done.group(1)) == len(files), f"report says {done and done.group(0)}, folder holds {len(files)}"
    for kind, formats in (("tables", TABLE_FORMATS), ("figures", FIGURE_FORMATS)):
        stems = {Path(f).stem for f in files if f.startswith(kind + "/")}
        for stem in stems:
            lacking = [ext for ext in formats if f"{kind}/{stem}{ext}" not in files]
            assert not lacking, f"{kind}/{stem} lacks {lacking}"
    html = (out / "report.html").read_text(encoding="utf-8")
    for link in re.findall(r'(?:href|src)="([^"#:]+)"', html):
        assert (out / link).exists(), f"report.html links {link!r}, which is not in the output folder"
    accounting = (out / "datasets/row_accounting.csv").read_text(encoding="utf-8").splitlines()[1:]
    for table in ACCOUNTED_TABLES:
        n = _row_count(study, table)
        listed = sum(1 for line in accounting if line.startswith(table + ","))
        if n is not None:
            assert listed >= n, f"{table}: {n} rows in the input, {listed} in row_accounting.csv"


def campaign_step(study: Path, work: Path, rerun: bool = False) -> tuple[Run, Run | None]:
    """validate → report on ``study`` with every check; ``rerun``: report a second time and compare results.json.
    Returns the validate and report runs (report None when validate said the study is not valid)."""
    before = folder_hashes(study)
    validation = run_cli("validate", str(study), "--json")
    doc = check_validate(validation)
    out = work / "out"
    report = run_cli("report", str(study), "--out", str(out), "--format", "html,docx")
    check_report(report, study, out, doc["valid"])
    if rerun and report.code == 0:
        first = (out / "results.json").read_bytes()
        again = run_cli("report", str(study), "--out", str(work / "again"), "--format", "html,docx")
        check_report(again, study, work / "again", doc["valid"])
        assert (work / "again" / "results.json").read_bytes() == first, "results.json differs between two runs"
    assert folder_hashes(study) == before, "the input files were modified"
    return validation, report
