"""report.docx: the same document as report.html, in the form journals take (python-docx).

Title, methods, Results sections each with its paragraph then its tables and figures in number order; headings kept
with the next paragraph; table captions above (Caption style, ``SEQ Table`` field), figure captions below
(``SEQ Figure``); the text's citations are ``REF`` fields to the caption numbers, so Word's list of tables/figures,
cross-references and "update fields" work. Wide tables get a landscape section, everything else portrait. A4 or
US Letter. Saved byte-identically (:func:`oncocohort.present.docx_layout.save_docx`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from docx.shared import Emu, Mm

from ..present.docx_layout import (
    add_caption,
    add_field,
    add_heading,
    add_paragraph,
    bookmark_name,
    ensure_orientation,
    new_document,
    save_docx,
    text_width_of,
)
from ..present.render import add_to_docx, needs_landscape
from .numbering import CITATION

CHECKLIST_ROWS_PER_PAGE = 12  # checklist rows of two-line text that fit one landscape page with the caption


def add_cited_text(paragraph, text: str) -> None:
    """``text`` as runs, each cited number ("Table 2", "Figures 5 and 6") a ``REF`` field to its caption number."""
    position = 0
    for match in CITATION.finditer(text):
        paragraph.add_run(text[position:match.start()])
        kind = "table" if match.group(1).startswith("Table") else "figure"
        paragraph.add_run(match.group(1) + " ")
        numbers = match.group(2)
        cursor = 0
        for number in re.finditer(r"\d+", numbers):
            paragraph.add_run(numbers[cursor:number.start()]) if number.start() > cursor else None
            add_field(paragraph, f"REF {bookmark_name(kind, int(number.group(0)))} \\h", number.group(0))
            cursor = number.end()
        if cursor < len(numbers):
            paragraph.add_run(numbers[cursor:])
        position = match.end()
    paragraph.add_run(text[position:])


def _png_size(path: Path) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def _add_figure(document, item, caption: str, png: Path) -> None:
    ensure_orientation(document, landscape=False)
    section = document.sections[-1]
    width = text_width_of(section)
    height_room = int(section.page_height - section.top_margin - section.bottom_margin - Mm(30))  # caption room
    pixels_w, pixels_h = _png_size(png)
    if width * pixels_h / pixels_w > height_room:
        width = int(height_room * pixels_w / pixels_h)
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True  # the caption below stays with its figure
    paragraph.add_run().add_picture(str(png), width=Emu(width))
    add_caption(document, "figure", item.number, caption)


def write_report_docx(path: Path, *, title: str, banner: str | None, intro: str, methods: str, sections, tables: dict,
                      figure_captions: dict[str, str], folder: Path, paper: str = "a4",
                      data_notes: tuple[str, ...] = (), checklists: tuple = ()) -> Path:
    """Write report.docx (arguments as :func:`oncocohort.report.html_document.report_html`)."""
    document = new_document(paper)
    document.core_properties.title = title
    add_heading(document, title, 1)
    if banner:
        document.add_paragraph().add_run(banner).bold = True
    document.add_paragraph(intro)
    add_heading(document, "Statistical methods", 2)
    add_cited_text(document.add_paragraph(), methods)
    add_heading(document, "Results", 2)
    portrait = document.sections[0]
    portrait_width = text_width_of(portrait)
    for section in sections:
        first = section.items[0] if section.items else None
        # a heading directly above a wide table goes on its landscape page, not alone at a portrait page foot
        ensure_orientation(document, landscape=not section.text and first is not None and first.kind == "table"
                           and needs_landscape(tables[first.key], portrait_width))
        add_heading(document, section.heading, 3)
        if section.text:
            paragraph = document.add_paragraph()
            add_cited_text(paragraph, section.text)
        for item in section.items:
            if item.kind == "table":
                add_to_docx(document, tables[item.key], item.number)
            else:
                _add_figure(document, item, figure_captions[item.key], folder / "figures" / f"{item.file_stem}.png")
    if data_notes:
        ensure_orientation(document, landscape=False)
        add_heading(document, "Data notes", 2)
        for note in data_notes:
            add_paragraph(document, note, "List Bullet")
    if checklists:  # the heading on the page of the first table (landscape when it is wide), not alone
        ensure_orientation(document, landscape=needs_landscape(checklists[0], portrait_width))
        add_heading(document, "Reporting checklists", 2)
        for table in checklists:
            # pieces that fit a page: Word keeps a table of up to 40 rows on one page, and these rows are tall
            pieces = [table.rows[i:i + CHECKLIST_ROWS_PER_PAGE]
                      for i in range(0, len(table.rows), CHECKLIST_ROWS_PER_PAGE)]
            for i, rows in enumerate(pieces):
                last = i == len(pieces) - 1
                add_to_docx(document, replace(table, title=table.title if i == 0 else
                                              f"{table.title.split(':')[0]} (continued)", rows=rows,
                                              footnotes=table.footnotes if last else (),
                                              abbreviations=table.abbreviations if last else ()))
    return save_docx(document, path)
