"""new_document styles one document per paper and hands out copies; add_paragraph looks a style up once per
document. Both give the XML python-docx gives the slow way."""

from __future__ import annotations

import docx
import docx.parts.document
from docx.oxml.ns import qn

from oncocohort.present import docx_layout
from oncocohort.present.docx_layout import add_heading, add_paragraph, new_document, save_docx


def test_the_template_is_read_and_styled_once_per_paper(monkeypatch):
    opened = []
    original = docx.Document
    monkeypatch.setattr(docx, "Document", lambda *a: opened.append(1) or original(*a))
    monkeypatch.setattr(docx_layout, "_TEMPLATES", {})
    for _ in range(5):
        new_document("a4")
    new_document("letter")
    assert len(opened) == 2


def test_a_copy_is_the_styled_document_and_shares_nothing_with_the_others(tmp_path):
    first, second = new_document("letter"), new_document("letter")
    first.add_paragraph("only in the first")
    assert "only in the first" not in second.element.xml
    assert "only in the first" not in docx_layout._TEMPLATES["letter"].element.xml
    assert second.sections[0].page_width == docx_layout.PAPERS["letter"][0]
    save_docx(second, tmp_path / "copy.docx")
    save_docx(docx_layout._styled_document("letter"), tmp_path / "fresh.docx")
    assert (tmp_path / "copy.docx").read_bytes() == (tmp_path / "fresh.docx").read_bytes()


def test_styled_paragraphs_are_python_docx_s_and_the_style_is_looked_up_once(monkeypatch):
    ours, theirs = new_document(), new_document()
    lookups = []
    original = docx.parts.document.DocumentPart.get_style_id
    monkeypatch.setattr(docx.parts.document.DocumentPart, "get_style_id",
                        lambda self, *a: lookups.append(a) or original(self, *a))
    for text in ("a note", "another note", ""):
        add_paragraph(ours, text, "Table Note")
        add_paragraph(ours, text, "Caption")
        add_paragraph(ours, text, "Normal")
    add_heading(ours, "Results", 2)
    assert lookups == []  # every style the documents use was looked up in the template
    add_paragraph(ours, "a quote", "Quote")
    add_paragraph(ours, "another quote", "Quote")
    assert len(lookups) == 1  # a style outside the list: once for this document
    for text in ("a note", "another note", ""):
        theirs.add_paragraph(text, "Table Note")
        theirs.add_paragraph(text, "Caption")
        theirs.add_paragraph(text, "Normal")
    theirs.add_heading("Results", 2)
    theirs.add_paragraph("a quote", "Quote")
    theirs.add_paragraph("another quote", "Quote")
    assert ours.element.body.xml == theirs.element.body.xml
    styles = [p.find(qn("w:pPr")) for p in ours.element.body.iterchildren(qn("w:p"))]
    assert styles[0].find(qn("w:pStyle")).get(qn("w:val")) == "TableNote"
