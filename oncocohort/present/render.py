"""Renderers of the table model: HTML (every data string escaped), Markdown (HTML in the data escaped, ``|``
escaped), CSV (cells neutralised against spreadsheet formulas, :mod:`oncocohort.io.csv_output`) and DOCX.

DOCX follows the journal three-line style: rules above and below the header and below the last row only, no
vertical rules; the header row repeats on every page; columns are as wide as their text needs within the page, and a
table whose numbers would wrap on a portrait page goes on a landscape page (:mod:`.docx_layout`).
"""

from __future__ import annotations

import functools
import html
import io
import re
from pathlib import Path

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ..io.csv_output import csv_writer
from .docx_layout import (
    CELL_PADDING,
    TABLE_PT,
    add_caption,
    add_paragraph,
    ensure_orientation,
    fit_column_widths,
    new_document,
    save_docx,
    text_width,
    text_width_of,
)
from .table import Table, header_phrases

_INDENT = "\u2003"  # em space per indentation level (visible in every format)
_LABEL_PREFIX = re.compile(r"^\s*(?:Table|Figure)(?:\s+\d+)?\s*[.:]\s*")


def strip_label(title: str) -> str:
    """A caption without its leading ``Table 3.`` / ``Figure.`` (the report numbers items itself)."""
    return _LABEL_PREFIX.sub("", title, count=1)


def _label(row, index: int, text: str) -> str:
    return _INDENT * row.indent + text if index == 0 else text


_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")  # white space a line may break at (not the no-break spaces)


def _cell_html(text: str) -> str:
    """A body cell's text, escaped; a run of words joined by no-break spaces that holds a hyphen ("ESMO-GROW\u00a0M.1")
    in a no-wrap span, else a browser breaks it after the hyphen."""
    if "\u00a0" not in text:
        return html.escape(text)
    return "".join(f'<span style="white-space:nowrap">{html.escape(t)}</span>' if "\u00a0" in t and "-" in t
                   else html.escape(t) for t in re.split(f"({_BREAKING_SPACE.pattern})", text))


def _header_html(label: str) -> str:
    """A header's text, escaped, each phrase of :func:`header_phrases` that a browser could break (at a space or
    after a hyphen) in a no-wrap span: "Median (95% CI)" may wrap before "(95% CI)", never inside it."""
    return " ".join(f'<span style="white-space:nowrap">{html.escape(p)}</span>' if re.search(r"[ \-–]", p)
                    else html.escape(p) for p in header_phrases(label))


def _header_docx(label: str) -> str:
    """A header's text for Word: inside each phrase of :func:`header_phrases`, no-break spaces and no-break hyphens
    (U+2011, written as <w:noBreakHyphen/>), so Word wraps it only between phrases, as the HTML does."""
    return " ".join(p.replace(" ", "\u00a0").replace("-", "\u2011") for p in header_phrases(label))


def _docx_cell(row, index: int, text: str) -> str:
    """A body cell's text for Word: the first column's labels are row headers, in phrases (:func:`_header_docx`)."""
    return _header_docx(_label(row, index, text)) if index == 0 else text


def to_html(table: Table, anchor: str | None = None) -> str:
    """A standalone <table> with caption, spanner row, header, body and footnotes; ``anchor`` is its id (for links
    from the text and the table of contents)."""
    esc = html.escape
    ident = f' id="{esc(anchor)}"' if anchor else ""
    out = [f'<table class="oncocohort-table"{ident}>', f"<caption>{esc(table.title)}</caption>", "<thead>"]
    if table.has_spanners:
        cells = "".join(f'<th colspan="{width}">{_header_html(name or "")}</th>'
                        for name, width in table.spanner_groups())
        out.append(f"<tr>{cells}</tr>")
    out.append("<tr>" + "".join(f'<th style="text-align:{c.align}">{_header_html(c.label)}</th>'
                                for c in table.columns)
               + "</tr></thead><tbody>")
    for row in table.rows:
        cells = []
        for i, (cell, column) in enumerate(zip(row.cells, table.columns)):
            # the first column's labels are row headers: they wrap between phrases, as the column headers do
            text = _header_html(_label(row, i, cell)) if i == 0 else _cell_html(cell)
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


def _column_needs(table: Table) -> tuple[list[int], list[int]]:
    """Per column: the width to keep every cell on one line, and the width of its longest word (EMU, with cell
    padding). A spanner's text is shared by the columns under it."""
    natural, minimum = _measured_columns(table.columns, table.rows)
    return list(natural), list(minimum)


@functools.lru_cache(maxsize=64)  # a table is measured for its file, report.docx and the HTML's landscape rule
def _measured_columns(columns: tuple, rows: tuple) -> tuple[tuple[int, ...], tuple[int, ...]]:
    table = Table("", columns, rows)
    cells = [[_header_docx(c.label) for c in table.columns]] + [[_docx_cell(r, i, t) for i, t in enumerate(r.cells)]
                                                                 for r in table.rows]
    natural = [max(text_width(row[j]) for row in cells) + CELL_PADDING for j in range(len(table.columns))]
    # the longest word of a column: words joined by no-break spaces count as one (a header's phrase, "STROBE\u00a06a")
    minimum = [max([text_width(phrase) for phrase in cells[0][j].split(" ")]
                   + [text_width(word) for row in cells[1:] for word in _BREAKING_SPACE.split(row[j])]) + CELL_PADDING
               for j in range(len(table.columns))]
    start = 0
    for name, width in table.spanner_groups():
        need = text_width(_header_docx(name or "")) + CELL_PADDING
        have = sum(natural[start:start + width])
        if name and need > have:
            for j in range(start, start + width):
                natural[j] += (need - have) // width + 1
        start += width
    return tuple(natural), tuple(minimum)


def needs_landscape(table: Table, portrait_width: int) -> bool:
    """True when, on a portrait page, a column other than the labels would have to wrap (numbers, intervals and
    their headers stay on one line; the label column may wrap at word boundaries)."""
    natural, minimum = _column_needs(table)
    return minimum[0] + sum(natural[1:]) > portrait_width


def add_to_docx(document, table: Table, number: int | None = None, restart: bool = False) -> None:
    """Append ``table`` to a python-docx Document made by :func:`oncocohort.present.docx_layout.new_document`.

    The title is a *Caption* paragraph (``Table <SEQ field>. title`` when ``number`` is given; ``restart`` for a
    table alone in a file), then the three-line table: column widths fitted to the text within the page, header
    and numbers aligned alike, header rows repeated on each page, rows never split, a table of up to 40 rows kept on
    one page; then its notes. A table whose numbers would wrap on a portrait page goes on a landscape section."""
    portrait = document.sections[-1]
    set_width = min(portrait.page_width, portrait.page_height) - portrait.left_margin - portrait.right_margin
    landscape = needs_landscape(table, set_width)
    ensure_orientation(document, landscape)
    natural, minimum = _column_needs(table)
    available = text_width_of(document.sections[-1])
    widths = _column_widths(table, natural, minimum, available)
    add_caption(document, "table", number, strip_label(table.title) if number is not None else table.title, restart)
    notes = list(table.footnotes) + (["Abbreviations: " + "; ".join(table.abbreviations) + "."]
                                     if table.abbreviations else [])
    key = (table.columns, table.rows, tuple(widths), bool(notes))
    if key not in _BUILT_TABLES:  # else the same grid was built for another document (the table's own file)
        _BUILT_TABLES[key] = _grid_xml(table, widths, bool(notes))
        while len(_BUILT_TABLES) > _BUILT_TABLES_KEPT:
            del _BUILT_TABLES[next(iter(_BUILT_TABLES))]
    document.element.body._insert_tbl(parse_xml(_BUILT_TABLES[key]))
    for i, note in enumerate(notes):  # the notes stay with the table: each kept with the next, the last row too
        paragraph = add_paragraph(document, note, "Table Note")
        paragraph.paragraph_format.keep_with_next = i < len(notes) - 1


def _wrapped_lines(text: str, width: int) -> int:
    """Lines ``text`` takes in a column ``width`` EMU wide (cell padding included), wrapped at spaces as Word
    does (greedy: as many words on a line as fit)."""
    lines, line = 1, ""
    for word in (w for w in _BREAKING_SPACE.split(text) if w):
        trial = f"{line} {word}" if line else word
        if line and text_width(trial) + CELL_PADDING > width:
            lines, line = lines + 1, word
        else:
            line = trial
    return lines


def _column_widths(table: Table, natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Column widths (EMU, whole twips) within ``available``. Numbers and intervals stay on one line. Their headers
    stay on one line too, unless that would squeeze a row label onto three or more lines: then a long header
    wraps at its spaces ("Median PFS, / months (95% CI)") and the label column gets the width."""
    twip = 635  # Word stores widths in twips (635 EMU): round down so the columns never exceed the text width

    def fitted(minima: list[int]) -> list[int]:
        return [w // twip * twip for w in fit_column_widths(natural, minima, available)]

    if minimum[0] + sum(natural[1:]) > available:  # even so the numbers would wrap: fit to the longest words
        return fitted(minimum)
    widths = fitted([minimum[0]] + natural[1:])  # numbers, intervals and headers on one line; labels wrap
    labels = [_docx_cell(row, 0, row.cells[0]) for row in table.rows]
    if max((_wrapped_lines(label, widths[0]) for label in labels), default=1) < 3:
        return widths
    body = [max([text_width(row.cells[j]) + CELL_PADDING for row in table.rows], default=0)
            for j in range(len(table.columns))]
    header_wraps = [max(body[j], minimum[j]) for j in range(1, len(table.columns))]  # numbers one line, words whole
    # the label column: the narrowest width that keeps every label within two lines (or as wide as it can be),
    # found by bisection (lines only fall as the width grows); the value columns share the rest
    low, high = widths[0], max(widths[0], available - sum(header_wraps))
    if max(_wrapped_lines(label, high) for label in labels) <= 2:
        while high - low > twip:
            middle = (low + high) // 2
            low, high = (middle, high) if max(_wrapped_lines(label, middle) for label in labels) > 2 else (low, middle)
    rest = fit_column_widths(natural[1:], header_wraps, available - high)
    return [w // twip * twip for w in [high] + rest]


# Word tables built, by their content and column widths (EMU): the report document inserts the grid its table's own
# .docx file was built with, instead of writing every cell again. The newest tables are kept, as <w:tbl> XML text.
_BUILT_TABLES: dict[tuple, str] = {}
_BUILT_TABLES_KEPT = 64
_TWIPS_PER_EMU = 635
# python-docx's new table (no style: "Normal Table", Word's default), left-aligned, fixed layout
_TABLE_PROPERTIES = ('<w:tblPr><w:tblW w:type="auto" w:w="0"/><w:jc w:val="left"/><w:tblLayout w:type="fixed"/>'
                     '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
                     'w:noVBand="1" w:val="04A0"/></w:tblPr>')
_RULE = '<w:{edge} w:val="single" w:sz="{size}" w:color="000000"/>'


def _run_xml(text: str, bold: bool) -> str:
    """A 9-point run holding ``text`` as python-docx writes it: tabs as <w:tab/>, line ends as <w:br/>, the rest
    in <w:t> (space-preserving when it starts or ends with white space)."""
    parts = []
    for piece in re.split(r"([\t\r\n\u2011])", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\u2011":  # a header's no-break hyphen (_header_docx)
            parts.append("<w:noBreakHyphen/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{html.escape(piece, quote=False)}</w:t>")
    return f'<w:r><w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{2 * TABLE_PT}"/></w:rPr>{"".join(parts)}</w:r>'


def _cell_xml(text: str, width: int, align: str, keep_with_next: bool, bold: bool, span: int = 1,
              rules: tuple[tuple[str, int], ...] = ()) -> str:
    """One <w:tc>: its width (twips) and span, its rules (("top", 12) …, in the schema's order: top before bottom),
    one paragraph without space after, aligned, kept with the next or not, with one run."""
    borders = "".join(_RULE.format(edge=edge, size=size) for edge, size in rules)
    return ("<w:tc><w:tcPr>"
            f'<w:tcW w:type="dxa" w:w="{width // _TWIPS_PER_EMU}"/>'
            + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            + (f"<w:tcBorders>{borders}</w:tcBorders>" if borders else "")
            + "</w:tcPr><w:p><w:pPr>"
            + ("<w:keepNext/>" if keep_with_next else '<w:keepNext w:val="0"/>')
            + f'<w:spacing w:after="0"/><w:jc w:val="{align}"/></w:pPr>{_run_xml(text, bold)}</w:p></w:tc>')


def _grid_xml(table: Table, widths: list[int], notes_follow: bool = False) -> str:
    """The three-line Word table (no caption, no notes) for ``table`` with ``widths`` (EMU) as <w:tbl> XML text.

    Rules above the header, below it and below the last row; header rows repeated on each page; no row split across
    pages. Rows are kept with the next (Word's "keep with next" on their paragraphs): all of a table of up to 40
    rows, else the last two; the last row only when ``notes_follow``, so the notes never start a page alone.

    Written as text, once per table, rather than cell by cell through python-docx (~1 ms per cell: half of the
    report's table time); the XML is the one python-docx wrote (tests/present/test_render_docx.py)."""
    header_rows = 2 if table.has_spanners else 1
    n_rows = header_rows + len(table.rows)
    last = n_rows - 1
    kept_from = 0 if len(table.rows) <= 40 else max(last - 2, 0)  # rows from here on keep with the next

    def keep(r: int) -> bool:
        return (kept_from <= r < last) or (r == last and notes_follow)

    def rules(r: int) -> tuple[tuple[str, int], ...]:
        edges = {}
        if r == 0:
            edges["top"] = 12
        if r == header_rows - 1:
            edges["bottom"] = 8
        if r == last:
            edges["bottom"] = 12
        return tuple(edges.items())

    def row_xml(r: int, cells: list[str]) -> str:
        flags = ('<w:tblHeader w:val="true"/>' if r < header_rows else "") + '<w:cantSplit w:val="true"/>'
        return f"<w:tr><w:trPr>{flags}</w:trPr>{''.join(cells)}</w:tr>"

    out = [f"<w:tbl {nsdecls('w')}>", _TABLE_PROPERTIES, "<w:tblGrid>",
           *(f'<w:gridCol w:w="{w // _TWIPS_PER_EMU}"/>' for w in widths), "</w:tblGrid>"]
    if table.has_spanners:  # a spanner over its columns, ruled below when it has a name
        cells, start = [], 0
        for name, span in table.spanner_groups():
            under = rules(0) + ((("bottom", 4),) if name and not any(e == "bottom" for e, _ in rules(0)) else ())
            width = sum(w // _TWIPS_PER_EMU for w in widths[start:start + span]) * _TWIPS_PER_EMU
            cells.append(_cell_xml(_header_docx(name or ""), width, "center", keep(0), False, span, under))
            start += span
        out.append(row_xml(0, cells))
    r = header_rows - 1
    out.append(row_xml(r, [_cell_xml(_header_docx(c.label), w, c.align, keep(r), True, rules=rules(r))
                           for c, w in zip(table.columns, widths)]))
    for i, row in enumerate(table.rows):
        r = header_rows + i
        out.append(row_xml(r, [_cell_xml(_docx_cell(row, j, text), w, c.align, keep(r), row.group, rules=rules(r))
                               for j, (text, c, w) in enumerate(zip(row.cells, table.columns, widths))]))
    out.append("</w:tbl>")
    return "".join(out)


def to_docx(table: Table, path: str | Path, number: int | None = None, paper: str = "a4") -> Path:
    """Write ``table`` alone to a .docx file (byte-identical for the same table); with ``number``, its caption
    reads "Table <number>" (a SEQ field fixed at that number)."""
    document = new_document(paper)
    add_to_docx(document, table, number, restart=True)
    return save_docx(document, path)
