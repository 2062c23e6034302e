"""Word tables are written in time linear in their size, and each table's grid is built once per report: the
report document copies the grid built for the table's own .docx file (the same XML). The grid's XML, written as
text, is the one python-docx's cell API writes."""

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
    original = render._grid_xml
    monkeypatch.setattr(render, "_grid_xml", lambda *a: built.append(1) or original(*a))
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


# ---------------------------------------------------------------- the grid XML against python-docx's own cell API

def _python_docx_grid(table: Table, widths: list[int], notes_follow: bool) -> bytes:
    """The reference: the same three-line table built cell by cell with python-docx (as render.py did before it
    wrote the XML itself; tables without spanners)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.shared import Emu, Pt

    def flag(row, name):
        element = OxmlElement(f"w:{name}")
        element.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(element)

    def rule(cell, edge, size):
        properties = cell._tc.get_or_add_tcPr()
        borders = properties.find(qn("w:tcBorders"))
        if borders is None:
            borders = OxmlElement("w:tcBorders")
            properties.append(borders)
        element = OxmlElement(f"w:{edge}")
        for name, value in (("w:val", "single"), ("w:sz", str(size)), ("w:color", "000000")):
            element.set(qn(name), value)
        borders.append(element)

    document = new_document()
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.autofit = False
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    cells = [row.cells for row in grid.rows]
    for j, width in enumerate(widths):
        grid.columns[j].width = Emu(width)
        for row_cells in cells:
            row_cells[j].width = Emu(width)
    texts = [[(c.label, True) for c in table.columns]] + [
        [(("\u2003" * row.indent if j == 0 else "") + text, row.group) for j, text in enumerate(row.cells)]
        for row in table.rows]
    last = len(texts) - 1
    kept_from = 0 if len(table.rows) <= 40 else max(last - 2, 0)
    for r, row in enumerate(texts):
        for j, (text, bold) in enumerate(row):
            cell = cells[r][j]
            cell.text = text
            paragraph = cell.paragraphs[0]
            paragraph.alignment = {"left": 0, "center": 1, "right": 2}[table.columns[j].align]
            paragraph.runs[0].bold = bold or None
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.keep_with_next = (kept_from <= r < last) or (r == last and notes_follow)
            paragraph.runs[0].font.size = Pt(9)
            if r == 0:
                rule(cell, "top", 12)
            if r == 0 or r == last:
                rule(cell, "bottom", 8 if r == 0 else 12)
    flag(grid.rows[0], "tblHeader")
    for grid_row in grid.rows:
        flag(grid_row, "cantSplit")
    return copy.deepcopy(grid._tbl).xml.encode()


def _ours(table: Table, widths: list[int], notes_follow: bool) -> bytes:
    document = new_document()
    document.element.body._insert_tbl(render.parse_xml(render._grid_xml(table, widths, notes_follow)))
    return copy.deepcopy(document.tables[0]._tbl).xml.encode()


def test_the_grid_xml_is_what_python_docx_writes_cell_by_cell():
    columns = (Column("Characteristic"), Column("n (%)", align="right"), Column("Note", align="center"))
    rows = (Row(("Sex", "", ""), group=True), Row(("Female & <other>", "12 (37.5)", " lead space"), indent=1),
            Row(("tab\there", "line\nend", "cr\rend"), indent=2), Row(("", "", "")))
    for n_extra, notes_follow in ((0, True), (0, False), (45, True)):
        table = Table("Table. t", columns, rows + tuple(Row((f"level {i}", str(i), "")) for i in range(n_extra)))
        widths = [3000 * 635, 1500 * 635, 1200 * 635]
        assert _ours(table, widths, notes_follow) == _python_docx_grid(table, widths, notes_follow)


def test_a_spanner_cell_has_one_rule_of_each_edge_in_the_schema_order(tmp_path):
    """A spanner over several columns was given its top rule once per column it spans, after its bottom rule:
    w:tcBorders allows each edge once, top before bottom (ECMA-376 CT_TcBorders)."""
    table = Table("Table. spanned", (Column("Factor"), Column("HR", "Univariable Cox", "right"),
                                     Column("p", "Univariable Cox", "right")), (Row(("Age", "1.2", "0.3")),))
    path = to_docx(table, tmp_path / "t.docx", 1)
    spanner = docx.Document(path).tables[0]._tbl.tr_lst[0].tc_lst[1]
    assert spanner.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    edges = [child.tag for child in spanner.tcPr.find(qn("w:tcBorders"))]
    assert edges == [qn("w:top"), qn("w:bottom")]
