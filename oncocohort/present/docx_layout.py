"""Word (python-docx) layout shared by the table files and report.docx: page size and orientation, the document's
styles, caption fields, column widths fitted to the text, and a byte-identical save.

- Pages: A4 (default) or US Letter, 25.4 mm margins; :func:`ensure_orientation` starts a landscape section for a wide
  table and a portrait one after it.
- Captions use Word's *Caption* style with a ``SEQ Table``/``SEQ Figure`` field, so Word's list of tables/figures and
  cross-references work; the number is bookmarked (``_RefTable2``) and the text cites it with ``REF`` fields.
- Column widths (:func:`fit_column_widths`): the HTML "auto" table algorithm on measured text — each column at least
  its longest word, the rest of the width shared in proportion to what each column needs to keep its cells on one
  line. Text is measured with the Helvetica (= Arial, Liberation Sans) advance widths, the font the document uses.
- :func:`save_docx`: fixed core properties and zip timestamps, so identical runs write identical bytes.
- Speed: :func:`new_document` styles a document once per paper and hands out copies of its body, sharing the parts
  no document changes (styles, settings, numbering, theme, fonts …: copied and serialised once, not per file), and
  :func:`add_paragraph` looks a style's id up once per document (python-docx opens its template file, and searches
  every style, for each document and each styled paragraph).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import weakref
import zipfile
from pathlib import Path

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

FONT = "Arial"
BODY_PT = 10
TABLE_PT = 9
NOTE_PT = 8
PAPERS = {"a4": (Mm(210), Mm(297)), "letter": (Emu(int(8.5 * 914400)), Emu(11 * 914400))}
MARGIN = Mm(25.4)
CELL_PADDING = Emu(2 * 73152)  # Word's default cell margins: 0.08 inch (73,152 EMU) left and right
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # core properties of every document we write

# Helvetica-Bold advance widths, 1/1000 em, characters 32–126 (Adobe AFM phvb8a, shipped with matplotlib). Bold, so
# a header or group row never measures short; hand-copied because python-docx has no text measurement and loading a
# font file per run would cost more than the whole table.
_WIDTHS = (278, 333, 474, 556, 556, 889, 722, 278, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
           556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556,
           722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 278,
           556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556,
           778, 556, 556, 500, 389, 280, 389, 584)
_OTHER_WIDTHS = {"\u2003": 1000, "\u2002": 500, "\u2009": 200, "\u00a0": 278, "\u2011": 333, "–": 556, "—": 1000,
                 "·": 278, "−": 584, "≥": 549, "≤": 549, "±": 584, "×": 584, "°": 400, "µ": 611}


def text_width(text: str, points: float = TABLE_PT) -> Emu:
    """Width of ``text`` on one line at ``points`` size (EMU); letters outside the table count as a capital M."""
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else _OTHER_WIDTHS.get(c, 833) for c in text)
    return Emu(int(units * points * 12700 / 1000))


def fit_column_widths(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Column widths (EMU) summing to at most ``available``.

    ``natural``: each column's width with every cell on one line; ``minimum``: its longest word. When everything
    fits on one line, the spare width goes to the columns in proportion to their natural width (the table spans the
    text width); otherwise each column gets its minimum plus a share of the rest in proportion to ``natural −
    minimum``; when even the minima do not fit, they are scaled down (long words then break — the caller chose
    landscape before that)."""
    total_natural, total_minimum = sum(natural), sum(minimum)
    if total_natural <= available:
        widths = [n * available / total_natural for n in natural]
    elif total_minimum <= available:
        spare, wanted = available - total_minimum, total_natural - total_minimum
        widths = [m + spare * (n - m) / wanted for n, m in zip(natural, minimum)]
    else:
        widths = [m * available / total_minimum for m in minimum]
    return [int(w) for w in widths]  # rounding down keeps the sum within ``available``


def set_page(section, paper: str, landscape: bool) -> None:
    """Paper size (``a4``/``letter``), orientation and 25.4 mm margins of a section."""
    width, height = PAPERS[paper]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def text_width_of(section) -> int:
    """The width between the margins of a section (EMU)."""
    return int(section.page_width - section.left_margin - section.right_margin)


def paper_of(document) -> str:
    """``a4`` or ``letter``, from the first section's page size."""
    section = document.sections[0]
    short = min(section.page_width, section.page_height)
    return "letter" if abs(short - PAPERS["letter"][0]) < Mm(2) else "a4"


def ensure_orientation(document, landscape: bool) -> None:
    """Make the section that content is added to portrait or landscape, starting a new section (on a new page)
    only when the orientation changes and the document already has content."""
    section = document.sections[-1]
    if (section.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    body_has_content = any(child.tag != qn("w:sectPr") for child in document.element.body)
    if body_has_content:
        section = document.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, paper_of(document), landscape)


def new_document(paper: str = "a4"):
    """An empty python-docx Document with our page setup and styles: Arial body, black headings kept with the next
    paragraph, a black *Caption* style, a *Table Note* style.

    A copy of one styled document per paper (made at the first call): building it reads python-docx's template
    file and sets the styles, which cost more than writing a small table; the copy is the same XML. Only the main
    document part, the core properties and the package are copied: the other parts (styles, settings, numbering,
    theme, fonts …) are shared with the template — nothing writes to them after :func:`_styled_document` — and
    :func:`save_docx` serialises them once."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; choose from {', '.join(PAPERS)}")
    if paper not in _TEMPLATES:
        _TEMPLATES[paper] = _styled_document(paper)
        _SHARED_PARTS.update({part: None for part in _TEMPLATES[paper].part.package.iter_parts()
                              if part.partname not in _OWN_PARTS})
    template = _TEMPLATES[paper]
    # deepcopy's memo, seeded with the shared parts as their own copies: they are referenced, not copied
    document = copy.deepcopy(template, {id(part): part for part in _SHARED_PARTS})
    _STYLE_IDS[document.element] = dict(_STYLE_IDS.get(template.element, {}))  # the same styles, the same ids
    return document


PARAGRAPH_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Note", "List Bullet")
_TEMPLATES: dict = {}  # paper → the styled empty document new_document copies
_OWN_PARTS = ("/word/document.xml", "/docProps/core.xml")  # the parts each document has its own copy of
# the template parts every document shares → their serialised bytes (None until first saved), see save_docx
_SHARED_PARTS: dict = {}
# a document's body element → {style name: style id (None for the default style)}, see add_paragraph
_STYLE_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _styled_document(paper: str):
    from docx import Document

    document = Document()
    set_page(document.sections[0], paper, landscape=False)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = styles[name]
        style.font.name, style.font.color.rgb = FONT, RGBColor(0, 0, 0)
        style.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    caption.font.name, caption.font.size, caption.font.bold = FONT, Pt(BODY_PT), False
    caption.font.italic, caption.font.color.rgb = False, RGBColor(0, 0, 0)
    caption.paragraph_format.space_before, caption.paragraph_format.space_after = Pt(6), Pt(3)
    if "Table Note" not in [s.name for s in styles]:
        note = styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        note.font.size = Pt(NOTE_PT)
        note.paragraph_format.space_before, note.paragraph_format.space_after = Pt(0), Pt(0)
    _STYLE_IDS[document.element] = {name: document.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
                                    for name in PARAGRAPH_STYLES}  # looked up here once, copied with the document
    return document


def add_paragraph(document, text: str = "", style: str | None = None):
    """``document.add_paragraph(text, style)`` with the same XML, the style (by name) looked up once per document
    rather than for every paragraph (python-docx searches the styles and scans all of them for the default each
    time)."""
    paragraph = document.add_paragraph(text)
    if style is not None:
        ids = _STYLE_IDS.setdefault(document.element, {})
        if style not in ids:
            ids[style] = document.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = ids[style]
    return paragraph


def add_heading(document, text: str, level: int):
    """``document.add_heading(text, level)`` (style *Heading <level>*) by :func:`add_paragraph`."""
    return add_paragraph(document, text, f"Heading {level}")


def _run_with(paragraph, element, bold: bool = False):
    run = paragraph.add_run()
    run.bold = bold or None
    run._r.append(element)
    return run


def add_field(paragraph, instruction: str, result: str, bold: bool = False) -> None:
    """A Word field (``SEQ Table``, ``REF _RefTable2 \\h``) with ``result`` as its shown (cached) text."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    _run_with(paragraph, begin, bold)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    _run_with(paragraph, code, bold)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    _run_with(paragraph, separate, bold)
    paragraph.add_run(result).bold = bold or None
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _run_with(paragraph, end, bold)


def bookmark_name(kind: str, number: int) -> str:
    """``_RefTable2``: the bookmark around a caption's number (hidden in Word's list, like Word's own)."""
    return f"_Ref{kind.capitalize()}{number}"


def add_caption(document, kind: str, number: int | None, text: str, restart: bool = False):
    """A *Caption* paragraph ``"Table 2. text"`` whose number is a ``SEQ`` field inside a bookmark; ``restart``
    (a table on its own in a file) fixes the sequence at ``number``. Without a number, the text alone."""
    paragraph = add_paragraph(document, style="Caption")
    paragraph.paragraph_format.keep_with_next = kind == "table"  # a table's caption is above it, a figure's below
    if number is None:
        paragraph.add_run(text).bold = True
        return paragraph
    label = kind.capitalize()
    paragraph.add_run(f"{label} ").bold = True
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number if kind == "table" else 1000 + number))
    start.set(qn("w:name"), bookmark_name(kind, number))
    paragraph._p.append(start)
    add_field(paragraph, f"SEQ {label} \\* ARABIC" + (f" \\r {number}" if restart else ""), str(number), bold=True)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), start.get(qn("w:id")))
    paragraph._p.append(end)
    paragraph.add_run(". ").bold = True
    paragraph.add_run(text)
    return paragraph


def save_docx(document, path: str | Path) -> Path:
    """Save with fixed core properties (created/modified 2000-01-01, author oncocohort, revision 1) and fixed zip
    entry times, so the same content always gives the same bytes.

    python-docx's own save stamps each zip entry with the current time; its package writer is handed a collector of
    (entry, bytes) instead, and the zip is written once with fixed times (rather than saved, read back and
    compressed a second time: half the time of saving)."""
    from docx.opc.pkgwriter import PackageWriter

    properties = document.core_properties
    properties.author = properties.last_modified_by = "oncocohort"
    properties.created = properties.modified = properties.last_printed = FIXED_TIME
    properties.revision = 1
    package = document.part.package
    parts = package.parts
    for part in parts:  # as OpcPackage.save does before writing
        part.before_marshal()
    entries = _PackageEntries()
    # PackageWriter.write, step by step, into the collector (it opens its own zip file otherwise)
    PackageWriter._write_content_types_stream(entries, parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    for part in parts:  # PackageWriter._write_parts, a shared template part serialised once (new_document)
        if part in _SHARED_PARTS:
            if _SHARED_PARTS[part] is None:
                _SHARED_PARTS[part] = part.blob
            entries.write(part.partname, _SHARED_PARTS[part])
        else:
            entries.write(part.partname, part.blob)
        if len(part.rels):
            entries.write(part.partname.rels_uri, part.rels.xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in entries.items:
            fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(fixed, blob)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


class _PackageEntries:
    """Stands in for python-docx's zip writer: keeps each (entry name, bytes) in the order written."""

    def __init__(self):
        self.items: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.items.append((pack_uri.membername, blob))
