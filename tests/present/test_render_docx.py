"""Word tables are written in time linear in their size, and each table's grid is built once per report: the
report document copies the grid built for the table's own .docx file (the same XML)."""

from __future__ import annotations

import copy

import docx
import docx.table
from docx.oxml.ns import qn

from oncocohort.present import render
from oncocohort.present.docx_layout import new_document
from oncocohort.present.render import add_to_docx, to_docx
from oncocohort.present.table import Column, Row, Table


def _table(n_rows: int, title: str = "Table. Many rows") -> Table:
    columns = (Column("Characteristic"), Column("n", "All", "right"), Column("%", "All", "right"))
    rows = tuple(Row((f"level {i}", str(i), f"{i / n_rows:.1%}")) for i in range(n_rows))
    return Table(title, columns, rows, footnotes=("Percent of all patients.",))


def test_the_cell_grid_is_read_once_per_table_not_once_per_cell(monkeypatch):
    """python-docx's ``Table.cell`` walks every cell of the table on each call: reading the grid that way made a
    table's writing quadratic (seconds for the demo's tables)."""
    walks = []
    original = docx.table.Table._cells
    monkeypatch.setattr(docx.table.Table, "_cells", property(lambda self: walks.append(1) or original.fget(self)))
    render._BUILT_TABLES.clear()
    add_to_docx(new_document(), _table(200))
    assert len(walks) <= 2


def _body_tables(document) -> list[bytes]:
    return [copy.deepcopy(t._tbl).xml.encode() for t in document.tables]


def test_the_report_copies_the_grid_built_for_the_table_file(tmp_path, monkeypatch):
    render._BUILT_TABLES.clear()
    built = []
    original = render._add_grid
    monkeypatch.setattr(render, "_add_grid", lambda *a: built.append(1) or original(*a))
    table = _table(30)
    to_docx(table, tmp_path / "table.docx", 2)
    report = new_document()
    add_to_docx(report, table, 2)
    assert len(built) == 1  # built for the file, copied into the report
    fresh = new_document()
    render._BUILT_TABLES.clear()
    add_to_docx(fresh, table, 2)
    assert len(built) == 2
    assert _body_tables(report) == _body_tables(fresh) == _body_tables(docx.Document(tmp_path / "table.docx"))
    # a copy, not the same element: the two documents do not share XML
    assert report.tables[0]._tbl is not fresh.tables[0]._tbl
    assert report.tables[0]._tbl.find(qn("w:tr")) is not None


def test_a_different_table_or_width_is_built_again():
    render._BUILT_TABLES.clear()
    add_to_docx(new_document(), _table(5))
    add_to_docx(new_document("letter"), _table(5))  # another page width: other column widths
    add_to_docx(new_document(), _table(6))
    assert len(render._BUILT_TABLES) == 3
    add_to_docx(new_document(), _table(5, title="Table. Another title"))  # the title is the caption, not the grid
    assert len(render._BUILT_TABLES) == 3
