"""report.html and report.docx of the demo: captions numbered 1..N in document order (the same in both and in the
file names), every item cited, contents and anchors, Word captions with SEQ fields and REF citations, column widths
within the page, numbers and headers aligned alike, landscape only for wide tables, A4 / Letter, large images linked,
journal style active while the documents are written."""

from __future__ import annotations

import re

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from oncocohort.present import journal_style, render
from oncocohort.present.docx_layout import fit_column_widths, new_document, text_width
from oncocohort.present.render import add_to_docx, needs_landscape
from oncocohort.present.table import Column, Row, Table
from oncocohort.report import build, html_document
from oncocohort.report.build import ReportError, build_report
from oncocohort.report.numbering import cited_numbers


def _html_labels(html: str) -> list[tuple[str, int]]:
    found = re.findall(r'<table class="oncocohort-table" id="(table)-(\d+)">\n<caption>Table (\d+)\. |'
                       r'<figure id="(figure)-(\d+)">.*?<figcaption><strong>Figure (\d+)\.</strong>', html)
    out = []
    for t_kind, t_id, t_cap, f_kind, f_id, f_cap in found:
        kind, ident, caption = (t_kind, t_id, t_cap) if t_kind else (f_kind, f_id, f_cap)
        assert ident == caption
        out.append((kind, int(caption)))
    return out


def _in_order(labels: list[tuple[str, int]]) -> None:
    for kind in ("table", "figure"):
        numbers = [n for k, n in labels if k == kind]
        assert numbers == list(range(1, len(numbers) + 1)), (kind, numbers)


def test_html_numbers_items_in_order_and_files_match(report_dir):
    html = (report_dir / "report.html").read_text()
    labels = _html_labels(html)
    _in_order(labels)
    tables = sorted(p.stem for p in (report_dir / "tables").glob("*.csv"))
    figures = sorted(p.stem for p in (report_dir / "figures").glob("*.png"))
    assert len(tables) >= 16 and len(figures) >= 13   # the demo's items (a lost table or figure fails here)
    assert len([k for k, _ in labels if k == "table"]) == len(tables)
    assert len([k for k, _ in labels if k == "figure"]) == len(figures)
    assert [int(re.match(r"table_(\d\d)_", s).group(1)) for s in tables] == list(range(1, len(tables) + 1))
    assert [int(re.match(r"figure_(\d\d)_", s).group(1)) for s in figures] == list(range(1, len(figures) + 1))
    assert "figure_05_km_pfs" in figures and "table_05_subgroups_pfs" in tables
    assert "table_11_competing_pfs" in tables and "figure_13_cif_pfs" in figures
    md = (report_dir / "tables" / "table_05_subgroups_pfs.md").read_text()
    assert md.startswith("**Table 5. ")


def test_html_contents_links_resolve_and_every_item_is_cited(report_dir):
    html = (report_dir / "report.html").read_text()
    ids = set(re.findall(r' id="([^"]+)"', html))
    links = re.findall(r'href="#([^"]+)"', html)
    assert links and set(links) <= ids
    assert '<nav class="toc"' in html and "@media print" in html and "@page{size:A4" in html
    body = html.split('<h2 id="results">', 1)[1]
    text = " ".join(re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", body, flags=re.S))
    labels = set(_html_labels(html))
    assert labels <= cited_numbers(text), labels - cited_numbers(text)
    assert '<a href="#table-1">Table 1</a>' in html  # a single citation links whole


def test_html_contents_number_each_table_and_figure_once(report_dir):
    """The contents listed "1. Table 1. Baseline …": an ordered list's number before the item's own. Each table and
    figure entry sits in a list whose marker is switched off by the stylesheet."""
    from html.parser import HTMLParser

    page = (report_dir / "report.html").read_text()
    nav = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    unnumbered = re.findall(r"nav\.toc ul\.(\w+)\{list-style:none", page)

    class Lists(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.entries, self.text = [], [], None

        def handle_starttag(self, tag, attrs):
            if tag in ("ol", "ul"):
                self.stack.append((tag, dict(attrs).get("class")))
            elif tag == "a":
                self.text = ""

        def handle_data(self, data):
            if self.text is not None:
                self.text += data

        def handle_endtag(self, tag):
            if tag in ("ol", "ul"):
                self.stack.pop()
            elif tag == "a":
                self.entries.append((self.text, self.stack[-1]))
                self.text = None

    lists = Lists()
    lists.feed(nav)
    items = [(text, in_list) for text, in_list in lists.entries if re.match(r"(Table|Figure) \d+\.", text)]
    assert len(items) >= 20
    numbered = [text for text, (tag, cls) in items if tag == "ol" or cls not in unnumbered]
    assert numbered == []


def test_html_links_large_images_instead_of_inlining(demo_study, tmp_path, monkeypatch):
    monkeypatch.setattr(html_document, "INLINE_IMAGE_BYTES", 100_000)
    build_report(demo_study, tmp_path, ("html",))
    html = (tmp_path / "report.html").read_text()
    linked = re.findall(r'<a href="(figures/figure_\d\d_\w+\.png)"><img', html)
    inlined = html.count("data:image/png;base64,")
    assert linked and inlined and len(linked) + inlined == len(list((tmp_path / "figures").glob("*.png"))) >= 13
    assert all((tmp_path / path).stat().st_size > 100_000 for path in linked)
    assert "image linked, not embedded" in html


def _docx_captions(document) -> list[tuple[str, int, str]]:
    """(kind, shown number, SEQ instruction) of each Caption paragraph in body order."""
    out = []
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading") and paragraph.text == "Reporting checklists":
            break  # the appendix's checklist tables are not numbered
        if paragraph.style.name != "Caption":
            continue
        instructions = [t.text for t in paragraph._p.iter(qn("w:instrText"))]
        match = re.match(r"(Table|Figure) (\d+)\. ", paragraph.text)
        assert match and instructions, paragraph.text
        out.append((match.group(1).lower(), int(match.group(2)), instructions[0].strip()))
    return out


def test_docx_captions_use_caption_style_with_seq_fields_in_order(report_dir):
    document = docx.Document(report_dir / "report.docx")
    captions = _docx_captions(document)
    _in_order([(k, n) for k, n, _ in captions])
    n_items = len(list((report_dir / "tables").glob("*.csv"))) + len(list((report_dir / "figures").glob("*.png")))
    assert len(captions) == n_items >= 29  # every table and figure
    assert all(code == f"SEQ {kind.capitalize()} \\* ARABIC" for kind, _, code in captions)
    html_labels = _html_labels((report_dir / "report.html").read_text())
    assert sorted(html_labels) == sorted((k, n) for k, n, _ in captions)
    bookmarks = {b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))}
    assert {"_RefTable1", "_RefFigure11"} <= bookmarks
    references = [t.text.split()[1] for t in document.element.body.iter(qn("w:instrText")) if "REF" in t.text]
    assert references and set(references) <= bookmarks
    cited = {(m.group(1).lower(), int(m.group(2))) for m in
             (re.match(r"_Ref(Table|Figure)(\d+)", r) for r in references)}
    assert cited == {(k, n) for k, n, _ in captions}  # every table and figure is cited with a REF field


def test_table_files_keep_their_report_number(report_dir):
    document = docx.Document(report_dir / "tables" / "table_07_adverse_events.docx")
    (kind, number, code), = _docx_captions(document)
    assert (kind, number, code) == ("table", 7, "SEQ Table \\* ARABIC \\r 7")


def _section_of_each_table(document):
    """(section, table) pairs in body order."""
    sections, index, pairs = document.sections, 0, []
    for child in document.element.body:
        if child.tag == qn("w:tbl"):
            pairs.append((sections[index], child))
        properties = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if child.tag == qn("w:p") else None
        if properties is not None:
            index += 1
    return pairs


def test_docx_column_widths_fit_the_page_and_align_with_headers(report_dir):
    document = docx.Document(report_dir / "report.docx")
    pairs = _section_of_each_table(document)
    n_tables = len(list((report_dir / "tables").glob("*.csv")))
    assert n_tables >= 16 and len(pairs) == n_tables + 8  # numbered tables, then the checklists in 8 page-sized pieces
    landscape = []
    for section, element in pairs:
        grid = [int(c.get(qn("w:w"))) * 635 for c in element.iter(qn("w:gridCol"))]  # twips → EMU
        assert sum(grid) <= section.page_width - section.left_margin - section.right_margin
        assert len(set(grid)) > 1  # fitted, not equal
        landscape.append(section.orientation == WD_ORIENT.LANDSCAPE)
    # Tables 5, 6 (9 columns); the ESMO-MCBS table and the checklists: long text in four columns
    assert landscape[:6] == [False] * 4 + [True, True] and all(landscape[n_tables:])
    assert sum(landscape[6:n_tables]) == 1
    table = document.tables[4]
    header = table.rows[1].cells
    body = table.rows[3].cells
    for head, cell in zip(header[1:], body[1:]):
        assert head.paragraphs[0].alignment == cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert abs(document.sections[0].page_width - Mm(210)) < Mm(0.1)  # A4 (stored in twips)
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE  # the reporting checklists close the document


def test_docx_headings_keep_with_next(report_dir):
    document = docx.Document(report_dir / "report.docx")
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 7
    assert all(p.style.paragraph_format.keep_with_next for p in headings)


def test_numbers_never_wrap_in_a_fitted_table():
    wide = Table("Table. Many columns", (Column("Characteristic"),) + tuple(
        Column(f"Group {i} HR (95% CI)", align="right") for i in range(5)),
        (Row(("Eastern Cooperative Oncology Group performance status",) + ("12.34 (10.21–145.67)",) * 5),))
    assert needs_landscape(wide, Mm(160))
    document = new_document("a4")
    add_to_docx(document, wide, 1)
    section = document.sections[-1]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    widths = [int(c.get(qn("w:w"))) * 635 for c in document.tables[0]._tbl.iter(qn("w:gridCol"))]
    assert sum(widths) <= section.page_width - section.left_margin - section.right_margin
    need = text_width("12.34 (10.21–145.67)")
    assert all(w >= need for w in widths[1:])  # every interval on one line
    assert fit_column_widths([100, 50], [40, 20], 300) == [200, 100]
    assert fit_column_widths([100, 50], [40, 20], 90) == [60, 30]  # minima + spare 30 shared 60:30
    assert fit_column_widths([100, 50], [40, 20], 30) == [20, 10]


def test_numbers_and_headers_stay_on_one_line_when_the_labels_can_wrap():
    """Table 11 of the demo on a portrait page: "63.4 (42.5–78.5)" broke after the dash and "Grade 1–2" after its
    dash, because every column shrank in proportion while the label column could have wrapped at its spaces."""
    label = "Death without progression, a competing event"
    table = Table("Table. Competing risks", (Column("Progression-free survival event"),
                                             Column("Patients (N = 32)", align="right"))
                  + tuple(Column(f"Grade {g}", align="right") for g in ("1–2", "3–4", "5")),
                  (Row((label, "24 (75.0)", "63.4 (42.5–78.5)", "84.3 (57.3–94.9)", "92.2 (43.0–99.2)")),))
    document = new_document("a4")
    section = document.sections[-1]
    available = section.page_width - section.left_margin - section.right_margin
    assert not needs_landscape(table, available)
    add_to_docx(document, table, 1)
    assert document.sections[-1].orientation == WD_ORIENT.PORTRAIT
    widths = [int(c.get(qn("w:w"))) * 635 for c in document.tables[0]._tbl.iter(qn("w:gridCol"))]
    assert sum(widths) <= available
    for column, width in zip(table.columns[1:], widths[1:]):
        cells = [column.label] + [row.cells[table.columns.index(column)] for row in table.rows]
        assert all(width >= text_width(cell) for cell in cells), (column.label, width)
    assert widths[0] < text_width(label)  # the label wraps instead, on two lines
    assert render._wrapped_lines(label, widths[0]) == 2


def test_long_headers_wrap_at_spaces_rather_than_a_label_on_three_lines():
    """Long value-column headers kept on one line squeezed the label column until a row label took 3+ lines; the
    headers then wrap at their spaces (never inside a word), the numbers stay on one line, the label gets the
    width."""
    label = "Death without progression, each the other's competing event, from the first dose to the data cutoff"
    heads = ("Incidence at 6 months, %", "Incidence at 12 months, %")
    table = Table("Table. Competing risks", (Column("Progression-free survival event"),
                                             Column("Patients (N = 32)", align="right"))
                  + tuple(Column(head, align="right") for head in heads), (Row((label, "24 (75.0)", "63.4", "84.3")),))
    document = new_document("a4")
    section = document.sections[-1]
    available = section.page_width - section.left_margin - section.right_margin
    assert not needs_landscape(table, available)
    add_to_docx(document, table, 1)
    widths = [int(c.get(qn("w:w"))) * 635 for c in document.tables[0]._tbl.iter(qn("w:gridCol"))]
    assert sum(widths) <= available
    assert render._wrapped_lines(label, widths[0]) <= 2
    for j, width in enumerate(widths[1:], start=1):
        assert width >= text_width(table.rows[0].cells[j])  # the numbers on one line
        assert all(width >= text_width(word) for word in table.columns[j].label.split())  # headers break at spaces
    assert any(width < text_width(head) for width, head in zip(widths[2:], heads))  # and some header does wrap


def test_a_tables_last_row_and_notes_keep_with_the_table():
    """Word moves a paragraph marked "keep with next" to the page of the paragraph after it: the last row and
    every note but the last are marked, so the notes never start a page away from their table (Table 13 of the
    demo); a table longer than 40 rows keeps only its last rows with the notes."""
    for n_rows in (3, 45):
        table = Table("Table. Notes", (Column("Factor"), Column("n", align="right")),
                      tuple(Row((f"Level {i}", str(i))) for i in range(n_rows)),
                      footnotes=("First note.", "Second note."), abbreviations=("CI, confidence interval",))
        document = new_document("a4")
        add_to_docx(document, table, 1)
        rows = document.tables[0].rows
        keep = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in rows]
        assert keep[-1] and keep[-2]
        assert all(keep) == (n_rows <= 40)
        notes = [p for p in document.paragraphs if p.style.name == "Table Note"]
        assert [bool(p.paragraph_format.keep_with_next) for p in notes] == [True, True, False]
    no_notes = Table("Table. No notes", (Column("Factor"), Column("n", align="right")), (Row(("A", "1")),))
    document = new_document("a4")
    add_to_docx(document, no_notes, 1)
    assert not any(p.paragraph_format.keep_with_next for c in document.tables[0].rows[-1].cells
                   for p in c.paragraphs)


def test_letter_paper_and_style_option(demo_study, tmp_path, monkeypatch):
    seen = []
    tables = build.build_tables
    monkeypatch.setattr(build, "build_tables", lambda results: seen.append(journal_style.active_style()) or
                        tables(results))
    build_report(demo_study, tmp_path, ("docx",), paper="letter", style="lancet")
    assert seen and seen[0].name == "lancet" and seen[0].decimal_mark == "·"
    assert journal_style.active_style().name == "default"  # reset after the build
    document = docx.Document(tmp_path / "report.docx")
    assert round(document.sections[0].page_width / 914400, 2) == 8.5
    assert not (tmp_path / "report.html").exists()
    with pytest.raises(ReportError, match="unknown journal style 'vancouver'"):
        build_report(demo_study, tmp_path / "x", ("html",), style="vancouver")
    with pytest.raises(ReportError, match="unknown paper"):
        build_report(demo_study, tmp_path / "x", ("html",), paper="a5")
    assert not (tmp_path / "x").exists()


def test_cli_document_options(tmp_path, capsys):
    from oncocohort.cli import main
    from tests.study_builder import example_tables, write_study

    study = write_study(tmp_path / "small", example_tables())
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(study), "--out", str(tmp_path / "x"), "--style", "vancouver"])
    assert exit_info.value.code == 2 and not (tmp_path / "x").exists()
    assert main(["report", str(study), "--out", str(tmp_path / "out"), "--style", "jama", "--paper", "letter"]) == 0
    assert "style jama, US Letter" in capsys.readouterr().out
    assert round(docx.Document(tmp_path / "out" / "report.docx").sections[0].page_width / 914400, 2) == 8.5


def test_html_numbers_never_wrap_in_the_browser(report_dir, tmp_path):
    """Laid out by Chromium at a desktop width, no number cell of report.html is broken over two lines (Table 6's
    "14.56 (2.33–91.07)" was, after its dash): the cells' text lines are measured in the page itself."""
    import json
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium to lay the page out")
    probe = """<script>window.addEventListener('load', () => {
  const wrapped = [];
  for (const cell of document.querySelectorAll('td[style="text-align:right"]')) {
    const range = document.createRange(); range.selectNodeContents(cell);
    const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
    if (lines.size > 1) wrapped.push(cell.textContent);
  }
  const out = document.createElement('pre'); out.id = 'wrapped'; out.textContent = JSON.stringify(wrapped);
  document.body.appendChild(out);
});</script>"""
    page = (report_dir / "report.html").read_text().replace("</body>", probe + "</body>")
    copy = report_dir / "probe_wrapped_numbers.html"  # beside report.html, so its images resolve
    copy.write_text(page)
    try:
        dom = subprocess.run([browser, "--headless", "--no-sandbox", "--window-size=1200,2000",
                              "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()],
                             capture_output=True, text=True, timeout=180).stdout
    finally:
        copy.unlink()
    found = re.search(r'<pre id="wrapped">(.*?)</pre>', dom, flags=re.S)
    assert found, "the page did not run the probe"
    assert json.loads(found.group(1)) == []
