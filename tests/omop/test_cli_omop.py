"""``oncocohort omop synth`` + ``omop report`` end to end in the CLI at 2,000 persons, and its refusals."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import EXAMPLE
from .synthetic_cdms import REPORT


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=900)


def test_synth_then_report(tmp_path):
    cdm = tmp_path / "cdm.duckdb"
    persons, seed = REPORT  # the size of the report tests (tests/omop/synthetic_cdms.py)
    done = _cli("omop", "synth", "--patients", str(persons), "--out", str(cdm), "--seed", str(seed))
    assert done.returncode == 0, done.stderr
    assert f"person: {persons:,} rows" in done.stdout
    out = tmp_path / "report"
    done = _cli("omop", "report", "--cdm", str(cdm), "--cohort", str(EXAMPLE), "--out", str(out), "--min-cell", "0")
    assert done.returncode == 0, done.stdout + done.stderr  # every count shown: the attrition checked below
    for name in ("report.html", "report.docx", "results.json"):
        assert (out / name).exists(), name
    assert not (out / "datasets").exists()  # from aggregates only: no per-patient rows to write
    assert "only aggregates left the database" in (out / "report.html").read_text()
    results = json.loads((out / "results.json").read_text())
    study, attrition = results["study"], results["attrition"]
    assert study["n_screened"] == attrition[0]["n_at_step"]
    for before, after in zip(attrition, attrition[1:]):
        assert before["n_remaining"] == after["n_at_step"]
    assert all(step["n_at_step"] - step["n_excluded"] == step["n_remaining"] for step in attrition)
    assert all(step["n_excluded"] > 0 for step in attrition)  # every step removes someone
    assert attrition[-1]["n_remaining"] == study["n_included"] > 0
    assert "OMOP Common Data Model" in study["data_source"] and "DuckDB" in study["data_source"]
    assert "DuckDB through Ibis" in (out / "report.html").read_text()
    assert list(tmp_path.glob("report*")) == [out]  # no staging folder left
    assert "All counts are shown (no small-cell suppression" in (out / "report.html").read_text()
    rows = tmp_path / "rows"
    done = _cli("omop", "report", "--cdm", str(cdm), "--cohort", str(EXAMPLE), "--out", str(rows), "--extract-rows",
                "--format", "html", "--min-cell", "0")
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("datasets/adsl.csv", "datasets/adtte.csv"):
        assert (rows / name).exists(), name
    extracted = json.loads((rows / "results.json").read_text())
    for key in ("n", "events", "median", "landmarks"):  # the same numbers (all of them: test_aggregate_analysis)
        assert extracted["survival"]["OS"][key] == results["survival"]["OS"][key]
    assert "per-patient analysis rows left the database" in extracted["study"]["data_source"]
    _default_report_suppresses_small_counts(cdm, tmp_path / "suppressed", results)


def _default_report_suppresses_small_counts(cdm, out, shown):
    """``omop report`` hides counts 1–4 by default (--min-cell 5): the marks and footnote in the tables, results.json
    entries instead of the numbers, the rule in the methods; the estimates stay."""
    done = _cli("omop", "report", "--cdm", str(cdm), "--cohort", str(EXAMPLE), "--out", str(out), "--format", "html")
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["disclosure"]["min_cell"] == 5
    small = {s["step"] for s in shown["attrition"] if 1 <= s["n_excluded"] < 5}
    hidden = {s["step"]: s["n_excluded"] for s in results["attrition"] if isinstance(s["n_excluded"], dict)}
    assert small and all(hidden[step] == {"suppressed": "small", "minimum": 5} for step in small)
    assert all(value["suppressed"] == "complementary" for step, value in hidden.items() if step not in small)
    assert results["survival"]["OS"]["median"] == shown["survival"]["OS"]["median"]  # estimates are shown
    text = (out / "report.html").read_text()
    assert "&lt;5" in text and "minimum cell size 5" in text and "small-cell suppression" in text
    marked = [p.name for p in (out / "tables").glob("*.csv") if "<5" in p.read_text()]
    assert "table_01_baseline.csv" in marked


def test_refusals(tmp_path):
    done = _cli("omop", "report", "--cdm", str(tmp_path / "none.duckdb"), "--cohort", str(EXAMPLE), "--out",
                str(tmp_path / "r"))
    assert done.returncode == 1 and "no such file or folder" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr and not (tmp_path / "r").exists()
    bad = tmp_path / "cohort.toml"
    bad.write_text('[study]\ntitle = "t"\ndata_cutoff = 2024-06-30\n[cohort]\ncondition = "x"\n')
    synth = _cli("omop", "synth", "--patients", "100", "--out", str(tmp_path / "c.duckdb"))
    assert synth.returncode == 0
    done = _cli("omop", "report", "--cdm", str(tmp_path / "c.duckdb"), "--cohort", str(bad), "--out",
                str(tmp_path / "r"))
    assert done.returncode == 1 and "cohort.toml" in done.stdout and "condition" in done.stdout
    assert _cli("omop", "report", "--cohort", str(bad), "--out", str(tmp_path / "r")).returncode == 2
    again = _cli("omop", "synth", "--patients", "100", "--out", str(tmp_path / "c.duckdb"))
    assert again.returncode == 1 and "exists" in again.stderr
