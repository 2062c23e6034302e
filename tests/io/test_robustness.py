"""Property-based: junk in any cell, or a truncated file, never crashes the loader; it becomes a problem."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncocohort import validate_study
from oncocohort.io.schema import TABLES_BY_NAME
from tests.study_builder import example_tables, write_study

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# openpyxl refuses control characters in cells (so would Excel); CSV takes any text.
xlsx_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
junk_common = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["#N/A", "#VALUE!", "NA", "-", "2022-02-30", "31/12/2021", "12/11/2021", "1e400", " ", "none",
                     "Non-Target", "P001", "yes", "3,5", "\u00a0", "=1+1", "<script>alert(1)</script>"]),
)
csv_junk = st.one_of(junk_common, st.text(max_size=60))
xlsx_junk = st.one_of(junk_common.filter(lambda v: not isinstance(v, dt.datetime) or v.year >= 1900), xlsx_text)


def cells(column_text):
    """(table, row, column): a table, one of its rows, and a known column or any header text."""
    known = st.sampled_from([c.name for t in TABLES_BY_NAME.values() for c in t.columns])
    return st.tuples(st.sampled_from(sorted(TABLES_BY_NAME)), st.integers(0, 7), column_text | known)


def _apply(edits):
    tables = example_tables()
    for (table, row, column), value in edits:
        rows = tables[table]
        rows[row % len(rows)][column or "x"] = value
    return tables


def _check(folder: Path):
    report = validate_study(folder)  # must not raise
    for problem in report.problems:
        assert problem.severity in ("error", "warning") and problem.message and problem.rule
        assert problem.source
    if report.study is not None:
        assert not report.errors
    return report


def _validate_edited(edits, layout):
    with tempfile.TemporaryDirectory() as folder:
        _check(write_study(Path(folder) / "s", _apply(edits), layout=layout))


@SETTINGS
@given(edits=st.lists(st.tuples(cells(st.text(max_size=12)), csv_junk), min_size=1, max_size=6))
def test_junk_in_csv_cells_is_reported_not_raised(edits):
    _validate_edited(edits, "csv")


@SETTINGS
@given(edits=st.lists(st.tuples(cells(xlsx_text), xlsx_junk), min_size=1, max_size=6))
def test_junk_in_workbook_cells_is_reported_not_raised(edits):
    _validate_edited(edits, "xlsx")


@settings(max_examples=40, deadline=None)
@given(fraction=st.floats(0, 0.999), layout=st.sampled_from(["xlsx", "csv"]), table=st.sampled_from(
    ["patients", "treatments", "lesions", "adverse_events", "followup"]))
def test_truncated_files_are_reported_not_raised(fraction, layout, table):
    with tempfile.TemporaryDirectory() as folder:
        study = write_study(Path(folder) / "s", example_tables(), layout=layout)
        path = study / ("study.xlsx" if layout == "xlsx" else f"{table}.csv")
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])
        report = _check(study)
        if layout == "xlsx":
            assert not report.ok


@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=400))
def test_arbitrary_study_toml_is_reported_not_raised(text):
    with tempfile.TemporaryDirectory() as folder:
        report = _check(write_study(Path(folder) / "s", example_tables(), layout="csv", toml=text))
        assert not report.ok  # no [study]/[regimen] in random text
