"""Renderers of the table model: HTML (every data string escaped), Markdown (HTML in the data escaped, ``|``
escaped), CSV (cells neutralised against spreadsheet formulas, :mod:`oncocohort.io.csv_output`) and DOCX.

DOCX follows the journal three-line style: rules above and below the header and below the last row only, no
vertical rules; the header row repeats on every page; a table wider than six columns is put on a landscape page.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ..io.csv_output import csv_writer
from .table import Table

_INDENT = "\u2003"  # em space per indentation level (visible in every format)


def _label(row, index: int, text: str) -> str:
    return _INDENT * row.indent + text if index == 0 else text


def to_html(table: Table) -> str:
    """A standalone <table> with caption, spanner row, header, body and footnotes."""
    esc = html.escape
    out = ['<table class="oncocohort-table">', f"<caption>{esc(table.title)}</caption>", "<thead>"]
    if table.has_spanners:
        cells = "".join(f'<th colspan="{width}">{esc(name or "")}</th>' for name, width in table.spanner_groups())
        out.append(f"<tr>{cells}</tr>")
    out.append("<tr>" + "".join(f'<th style="text-align:{c.align}">{esc(c.label)}</th>' for c in table.columns)
               + "</tr></thead><tbody>")
    for row in table.rows:
        cells = []
        for i, (cell, column) in enumerate(zip(row.cells, table.columns)):
            text = esc(_label(row, i, cell))
            text = f"<strong>{text}</strong>" if row.group else text
            cells.append(f'<td style="text-align:{column.align}">{text}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    notes = list(table.footnotes) + (["Abbreviations: " + "; ".join(table.abbreviations) + "."]
                                     if table.abbreviations else [])
    if notes:
        out.append(f'<tfoot><tr><td colspan="{len(table.columns)}">'
                   + "<br>".join(esc(n) for n in notes) + "</td></tr></tfoot>")
    out.append("</table>")
    return "\n".join(out)


def _markdown_text(text: str) -> str:
    """Data text for a Markdown table cell: HTML characters as entities (Markdown passes raw HTML through to the
    page), ``|`` escaped (a column separator) and line breaks as spaces (a row is one line)."""
    text = html.escape(text, quote=False).replace("|", "\\|")
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text


def to_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table with the title in bold, footnotes and abbreviations below."""
    clean = _markdown_text

    lines = [f"**{clean(table.title)}**", ""]
    lines.append("| " + " | ".join(clean(c.label) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if c.align == "right" else "---" for c in table.columns) + "|")
    for row in table.rows:
        cells = [clean(_label(row, i, c)) for i, c in enumerate(row.cells)]
        if row.group:
            cells[0] = f"**{cells[0]}**"
        lines.append("| " + " | ".join(cells) + " |")
    for note in table.footnotes:
        lines.append("")
        lines.append(clean(note))
    if table.abbreviations:
        lines += ["", "Abbreviations: " + clean("; ".join(table.abbreviations)) + "."]
    return "\n".join(lines) + "\n"


def to_csv(table: Table) -> str:
    """Header row (spanner-prefixed labels), then the rows; indentation as leading spaces; every cell neutralised
    against spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow([f"{c.spanner}: {c.label}" if c.spanner else c.label for c in table.columns])
    for row in table.rows:
        writer.writerow(["  " * row.indent + row.cells[0], *row.cells[1:]])
    return buffer.getvalue()


def _border(cell, edge: str, size: int = 8) -> None:
    properties = cell._tc.get_or_add_tcPr()
    borders = properties.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        properties.append(borders)
    element = OxmlElement(f"w:{edge}")
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), str(size))
    element.set(qn("w:color"), "000000")
    borders.append(element)


def add_to_docx(document, table: Table) -> None:
    """Append ``table`` (title paragraph, three-line table, footnotes) to a python-docx Document."""
    if len(table.columns) > 6:
        section = document.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    title = document.add_paragraph()
    title.add_run(table.title).bold = True
    header_rows = 2 if table.has_spanners else 1
    grid = document.add_table(rows=header_rows + len(table.rows), cols=len(table.columns))
    grid.style = document.styles["Normal Table"]
    if table.has_spanners:
        start = 0
        for name, width in table.spanner_groups():
            cell = grid.cell(0, start)
            if width > 1:
                cell = cell.merge(grid.cell(0, start + width - 1))
            cell.text = name or ""
            start += width
    for j, column in enumerate(table.columns):
        cell = grid.cell(header_rows - 1, j)
        cell.text = column.label
        cell.paragraphs[0].runs[0].bold = True
    for r in range(header_rows):  # header rows repeat on each page
        properties = grid.rows[r]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    for i, row in enumerate(table.rows):
        for j, (text, column) in enumerate(zip(row.cells, table.columns)):
            cell = grid.cell(header_rows + i, j)
            cell.text = _label(row, j, text)
            paragraph = cell.paragraphs[0]
            if column.align == "right":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if row.group and paragraph.runs:
                paragraph.runs[0].bold = True
    for j in range(len(table.columns)):  # three rules: above the header, below it, below the last row
        _border(grid.cell(0, j), "top", 12)
        _border(grid.cell(header_rows - 1, j), "bottom", 8)
        _border(grid.cell(header_rows + len(table.rows) - 1, j), "bottom", 12)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    for note in list(table.footnotes) + (["Abbreviations: " + "; ".join(table.abbreviations) + "."]
                                         if table.abbreviations else []):
        document.add_paragraph(note).runs[0].font.size = Pt(8)


def to_docx(table: Table, path: str | Path) -> Path:
    """Write ``table`` alone to a .docx file."""
    document = Document()
    add_to_docx(document, table)
    document.save(path)
    return Path(path)
