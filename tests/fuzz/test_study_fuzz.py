"""Fuzzing whole study folders: mutated cells, rows, columns, tables, study.toml settings and file bytes (CSV and
xlsx) through validate → report, checking the promises in :mod:`tests.fuzz.campaign`.

Two profiles (docs/testing.md):

- fast (default run, CI): derandomized, a fixed set of examples, well under a minute;
- long (``python -m pytest -m fuzz -s``, release checks): fresh random examples from the example and demo studies,
  batch after batch, for ``ONCOCOHORT_FUZZ_MINUTES`` minutes (default 10) of report runs plus 30 % of that of
  validate-only runs; ``-s`` shows the number of examples and their exit codes.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fuzz.campaign import campaign_step, check_validate, folder_hashes, run_cli
from tests.fuzz.mutants import mutants, with_settings, write_mutant

FAST = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG_MINUTES = float(os.environ.get("ONCOCOHORT_FUZZ_MINUTES", "10"))
LONG = settings(database=None, deadline=None, print_blob=True, suppress_health_check=list(HealthCheck))


@settings(FAST, max_examples=45)
@given(mutant=mutants(max_edits=4))
def test_validate_any_mutant_exits_0_or_1_with_located_problems(mutant):
    with tempfile.TemporaryDirectory() as temp:
        study = write_mutant(mutant, Path(temp) / "study")
        before = folder_hashes(study)
        check_validate(run_cli("validate", str(study), "--json"))
        assert folder_hashes(study) == before, "validate modified the input files"


@settings(FAST, max_examples=6)
@given(mutant=mutants(max_edits=2), rerun=st.sampled_from([False, False, False, False, True]))
# one valid study always reported in full (twice: results.json compared), whatever the mutants drawn
@example(mutant=with_settings("example", "xlsx", {("response", "criteria"): "recorded"}), rerun=True)
def test_report_any_mutant_is_complete_or_absent(mutant, rerun):
    with tempfile.TemporaryDirectory() as temp:
        study = write_mutant(mutant, Path(temp) / "study")
        campaign_step(study, Path(temp), rerun=rerun)


def _for_minutes(minutes: float, batch) -> int:
    """Call the hypothesis test ``batch`` (a fresh random run each time) until ``minutes`` have passed; returns the
    number of batches run."""
    end, batches = time.monotonic() + 60 * minutes, 0
    while time.monotonic() < end:
        batch()
        batches += 1
    return batches


def _tally(counts: dict, validation, report) -> None:
    counts["examples"] = counts.get("examples", 0) + 1
    key = f"validate exit {validation.code}" + ("" if report is None else f", report exit {report.code}")
    counts[key] = counts.get(key, 0) + 1


@pytest.mark.fuzz
def test_long_validate_fuzz():
    counts: dict = {}

    @settings(LONG, max_examples=20)
    @given(mutant=mutants(bases=("example", "demo"), max_edits=6))
    def batch(mutant):
        with tempfile.TemporaryDirectory() as temp:
            study = write_mutant(mutant, Path(temp) / "study")
            before = folder_hashes(study)
            validation = run_cli("validate", str(study), "--json")
            check_validate(validation)
            assert folder_hashes(study) == before, "validate modified the input files"
            _tally(counts, validation, None)

    _for_minutes(LONG_MINUTES * 0.3, batch)
    print(f"\nlong validate fuzz: {counts}")


@pytest.mark.fuzz
def test_long_report_fuzz():
    counts: dict = {}

    @settings(LONG, max_examples=6)
    @given(mutant=mutants(bases=("example", "example", "demo"), max_edits=2), rerun=st.integers(0, 9))
    def batch(mutant, rerun):
        with tempfile.TemporaryDirectory() as temp:
            study = write_mutant(mutant, Path(temp) / "study")
            validation, report = campaign_step(study, Path(temp), rerun=rerun == 0)
            _tally(counts, validation, report)

    _for_minutes(LONG_MINUTES, batch)
    print(f"\nlong report fuzz: {counts}")
