"""Raw tables held column by column (issue 18, registry scale): the same rows, row numbers and problems as the row
reader gave, whatever the chunk the CSV records stream in; no row tuples kept; the cyclic garbage collector paused
while a study is read and re-enabled after; control characters found by the regex exactly as by their category."""

from __future__ import annotations

import gc
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from oncocohort import validate_study
from oncocohort.io import sources, study
from oncocohort.io.cells import control_characters
from oncocohort.io.problems import ProblemLog
from oncocohort.io.sources import RawTable, read_csv_table, read_csv_text
from tests.study_builder import example_tables, write_study

# blank lines, a spaces-only row, a short row, a row with values beyond the header, a quoted line break holding
# the separator, a row with only an extra value, an unnamed column with data: every rule of the row reader
AWKWARD = ('patient_id,drug,,dose\n'
           'P001,anlotinib,,12\n'
           '\n'
           '  ,  ,  ,  \n'
           'P002,anlotinib\n'
           'P003,"sinti\nlimab, IV",,200,extra\n'
           ',,,,only-extra\n'
           'P004,anlotinib,note,10\n'
           '\n')


def _read(tmp_path: Path, text: str):
    path = tmp_path / "treatments.csv"
    path.write_text(text, encoding="utf-8")
    log = ProblemLog()
    return read_csv_table(path, log), log.problems


def _row_reader(text: str):
    """What the row reader of commit 3202bc4 kept: non-blank records, cut or padded to the header's width."""
    records = read_csv_text(text, ProblemLog(), source="treatments.csv", table="treatments")
    width = len(records[0][1])
    return [(n, tuple(cells[:width]) + (None,) * (width - len(cells))) for n, cells in records[1:]
            if any(c is not None for c in cells)]


@pytest.mark.parametrize("rows_at_a_time", [1, 2, 3, 65_536])
def test_rows_and_problems_do_not_depend_on_the_chunk(tmp_path, monkeypatch, rows_at_a_time):
    monkeypatch.setattr(sources, "_ROWS_AT_A_TIME", rows_at_a_time)
    table, problems = _read(tmp_path, AWKWARD)
    assert list(table.rows) == _row_reader(AWKWARD)
    assert table.numbers.tolist() == [2, 5, 6, 7, 8] and table.blank_rows == 3
    assert [(p.rule, p.row) for p in problems] == [
        ("table.short_row", 5), ("table.multiline_cell", 6), ("table.blank_header", 1), ("table.extra_cells", 6),
        ("table.extra_cells", 7)]


def test_columns_are_object_arrays_of_the_cells_and_no_row_tuples_are_kept(tmp_path):
    table, problems = _read(tmp_path, "patient_id,drug\nP001,anlotinib\nP002,anlotinib\n")
    assert not problems and table.header == ("patient_id", "drug")
    assert all(isinstance(c, np.ndarray) and c.dtype == object for c in table.columns)
    assert table.columns[1].tolist() == ["anlotinib", "anlotinib"]
    assert table.columns[1][0] is table.columns[1][1]  # one shared string per distinct text
    assert "rows" not in vars(table) and len(table) == 2  # rows are built on demand only


def test_a_raw_table_built_from_rows_gives_them_back():
    raw = RawTable("lesions", "lesions.csv", ("a", "b"), ((2, ("x", None)), (4, ("y", 1.5))), 1)
    assert raw.rows == ((2, ("x", None)), (4, ("y", 1.5))) and raw.blank_rows == 1 and len(raw) == 2
    assert RawTable("lesions", "lesions.csv", ("a",), ()).rows == ()


def test_a_syntax_error_below_a_blank_header_is_the_only_problem(tmp_path):
    table, problems = _read(tmp_path, '\nP001,"open\n')
    assert table is None and [p.rule for p in problems] == ["file.csv_syntax"]


def test_the_garbage_collector_is_paused_while_reading_and_enabled_after(tmp_path, monkeypatch):
    folder = write_study(tmp_path / "s", example_tables())
    seen = []
    reader = study.read_study_files

    def recording(*args):
        seen.append(gc.isenabled())
        return reader(*args)

    monkeypatch.setattr(study, "read_study_files", recording)
    assert gc.isenabled()
    report = validate_study(folder)
    assert report.ok and seen == [False] and gc.isenabled()


def test_control_characters_by_regex_equal_those_by_unicode_category():
    for code in range(0x110000):
        c = chr(code)
        expected = [f"U+{code:04X}"] if c not in "\t\n\r" and unicodedata.category(c) == "Cc" else []
        assert control_characters(f"a{c}b") == expected, hex(code)
