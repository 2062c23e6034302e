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


def test_copies_share_the_template_parts_no_document_changes_and_serialise_them_once(tmp_path, monkeypatch):
    """Only the document part and the core properties are copied per document; styles, settings, numbering, theme
    … are the template's objects, serialised once — and writing tables, captions, pictures and landscape sections
    leaves them as they were (else one file's change would leak into the next)."""
    from PIL import Image

    from oncocohort.present.render import add_to_docx
    from oncocohort.present.table import Column, Row, Table

    template = new_document("a4") and docx_layout._TEMPLATES["a4"]
    shared = {part.partname: part for part in template.part.package.iter_parts()
              if part.partname not in docx_layout._OWN_PARTS}
    assert {"/word/styles.xml", "/word/settings.xml", "/word/numbering.xml"} <= set(shared)
    before = {name: part.blob for name, part in shared.items()}
    Image.new("RGB", (40, 20), "white").save(tmp_path / "figure.png")
    wide = Table("Table. Wide", tuple(Column(f"Column {i} with a long header", align="right") for i in range(9)),
                 (Row(tuple("12.3 (10.1–14.5)" for _ in range(9))),))
    for name in ("a", "b"):
        document = new_document("a4")
        parts = {part.partname: part for part in document.part.package.iter_parts()}
        assert all(parts[name] is part for name, part in shared.items())
        assert parts["/word/document.xml"] is not template.part
        add_heading(document, "Results", 2)
        add_to_docx(document, wide, 1)  # a landscape section
        document.add_paragraph().add_run().add_picture(str(tmp_path / "figure.png"))
        document.core_properties.title = name
        save_docx(document, tmp_path / f"{name}.docx")
    assert {name: part.blob for name, part in shared.items()} == before
    serialised = []
    monkeypatch.setattr(docx.opc.part.XmlPart, "blob", property(lambda self: serialised.append(self.partname)
                                                                  or b""))
    save_docx(new_document("a4"), tmp_path / "c.docx")
    assert not set(serialised) & set(shared)  # the shared parts' bytes come from the first save


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


def _rezipped(document) -> bytes:
    """python-docx's own save, each entry rewritten with the fixed time (how save_docx worked before)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def test_saved_once_with_fixed_times_the_bytes_of_python_docx_s_save(tmp_path, monkeypatch):
    from PIL import Image

    Image.new("RGB", (40, 20), "white").save(tmp_path / "figure.png")
    document = new_document()
    add_heading(document, "Results", 2)
    add_paragraph(document, "A note.", "Table Note")
    document.add_paragraph().add_run().add_picture(str(tmp_path / "figure.png"))
    save_docx(document, tmp_path / "a.docx")
    assert (tmp_path / "a.docx").read_bytes() == _rezipped(document)  # core properties already fixed by save_docx
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.docx") as saved:
        names = saved.namelist()
        assert {info.date_time for info in saved.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert names[0] == "[Content_Types].xml" and "word/media/image1.png" in names
    reopened = docx.Document(tmp_path / "a.docx")
    assert [p.text for p in reopened.paragraphs] == ["Results", "A note.", ""]
    assert reopened.core_properties.author == "oncocohort"
    saves = []
    monkeypatch.setattr(docx.document.Document, "save", lambda *a: saves.append(a))
    save_docx(document, tmp_path / "b.docx")
    assert saves == [] and (tmp_path / "b.docx").read_bytes() == (tmp_path / "a.docx").read_bytes()
