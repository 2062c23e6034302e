"""report.html: title, table of contents, methods, the Results sections with their tables and figures, numbered
as in the DOCX (:mod:`.numbering`), and a print stylesheet (so the same page prints, and converts to PDF, cleanly).

Every data string is escaped (``html.escape``); citations in the text ("Table 2", "Figures 5 and 6") link to the
item's anchor. Figures are embedded as PNG data unless the file is larger than :data:`INLINE_IMAGE_BYTES`; then the
page links the file in ``figures/`` instead (a report for thousands of patients stays small enough to open).
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from .numbering import CITATION, Item

INLINE_IMAGE_BYTES = 1_000_000
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def _stylesheet(paper: str) -> str:
    size = PAGE_SIZES[paper]
    return (
        "body{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;max-width:60em;margin:2em auto;"
        "padding:0 1em;line-height:1.45;color:#000}"
        "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{padding:2px 8px;vertical-align:top}"
        # a number or an estimate with its CI ("14.56 (2.33–91.07)") is never broken over two lines; labels wrap
        "td[style=\"text-align:right\"]{white-space:nowrap}"
        "caption{text-align:left;font-weight:bold;padding-bottom:0.3em}"
        "thead tr:first-child th{border-top:2px solid #000}thead tr:last-child th{border-bottom:1px solid #000}"
        "tbody tr:last-child td{border-bottom:2px solid #000}tfoot td{font-size:0.85em;padding-top:0.4em}"
        "figure{margin:1.5em 0}img{max-width:100%;height:auto}figcaption{font-size:0.9em}"
        ".synthetic{background:#fff3cd;border:1px solid #e0c36a;padding:0.6em}"
        "nav.toc{border:1px solid #ccc;padding:0.5em 1.5em;margin:1em 0}nav.toc ol{margin:0.2em 0}"
        "nav.toc ul.items{list-style:none;margin:0.2em 0;padding-left:2.5em}"
        ".linked{font-size:0.85em;color:#444}"
        f"@page{{size:{size};margin:20mm 18mm}}@page wide{{size:{size} landscape;margin:20mm 18mm}}"
        "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}"
        "nav.toc{break-after:page;border:none;padding:0}"
        "table,figure,tr{break-inside:avoid;page-break-inside:avoid}"
        "h1,h2,h3,caption{break-after:avoid;page-break-after:avoid}"
        "div.wide{page:wide}a{color:#000;text-decoration:none}img{max-height:215mm}.synthetic{border:2px solid #000}"
        "}"
    )


def link_citations(escaped_text: str) -> str:
    """Wrap each cited number in an escaped text in a link to its item: ``Figures <a href="#figure-5">5</a> and
    <a href="#figure-6">6</a>``."""
    def numbers(match: re.Match) -> str:
        kind = "table" if match.group(1).startswith("Table") else "figure"
        if match.group(2).isdigit():  # "Table 2": the whole citation is the link
            return f'<a href="#{kind}-{match.group(2)}">{match.group(0)}</a>'
        linked = re.sub(r"\d+", lambda n: f'<a href="#{kind}-{n.group(0)}">{n.group(0)}</a>', match.group(2))
        return f"{match.group(1)} {linked}"
    return CITATION.sub(numbers, escaped_text)


def _figure_html(item: Item, caption: str, png: Path, relative: str) -> str:
    e = html.escape
    size = png.stat().st_size
    label = f"<strong>{e(item.label)}.</strong> {e(caption)}"
    if size <= INLINE_IMAGE_BYTES:
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        image = f'<img alt="{e(item.label)}: {e(caption)}" src="data:image/png;base64,{data}">'
        note = ""
    else:
        image = (f'<a href="{e(relative)}"><img alt="{e(item.label)}: {e(caption)}" src="{e(relative)}" '
                 'loading="lazy"></a>')
        note = (f' <span class="linked">(image linked, not embedded: {size / 1e6:.1f} MB; the file is '
                f"{e(relative)})</span>")
    return f'<figure id="{item.anchor}">{image}<figcaption>{label}{note}</figcaption></figure>'


def report_html(*, title: str, banner: str | None, intro: str, methods: str, sections, numbering, tables: dict,
                figure_captions: dict[str, str], wide_tables: set[str], folder: Path, paper: str = "a4",
                data_notes: tuple[str, ...] = (), checklists: tuple = ()) -> str:
    """The whole report.html text.

    ``sections``: :class:`oncocohort.report.layout.Section` list; ``tables``: key → numbered Table; ``figure_captions``:
    key → caption without its label; ``wide_tables``: keys of tables printed on landscape pages; ``folder``: the
    report folder (figures are read from ``figures/<file stem>.png``); ``data_notes``: sentences for the closing
    "Data notes" section (:mod:`.data_notes`; none: no section); ``checklists``: unnumbered
    tables of the closing "Reporting checklists" section (:mod:`.checklist`)."""
    from ..present.render import to_html

    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{e(title)}</title>",
             f"<style>{_stylesheet(paper)}</style></head><body>", f"<h1>{e(title)}</h1>"]
    if banner:
        parts.append(f'<p class="synthetic"><strong>{e(banner)}</strong></p>')
    parts.append(f"<p>{e(intro)}</p>")
    toc = ['<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>',
           '<li><a href="#methods">Statistical methods</a></li><li><a href="#results">Results</a><ol>']
    toc += [f'<li><a href="#section-{i + 1}">{e(s.heading)}</a></li>' for i, s in enumerate(sections)]
    toc.append("</ol></li>")
    for kind, heading in (("table", "Tables"), ("figure", "Figures")):
        items = [item for item in numbering if item.kind == kind]
        if items:
            toc.append(f'<li>{heading}<ul class="items">')  # "Table 1." numbers itself: no list number
            for item in items:
                caption = tables[item.key].title if kind == "table" else \
                    f"{item.label}. {figure_captions[item.key]}"
                toc.append(f'<li><a href="#{item.anchor}">{e(_first_sentence(caption))}</a></li>')
            toc.append("</ul></li>")
    if data_notes:
        toc.append('<li><a href="#data-notes">Data notes</a></li>')
    if checklists:
        toc.append('<li><a href="#checklists">Reporting checklists</a></li>')
    toc.append("</ol></nav>")
    parts += toc
    parts += ['<h2 id="methods">Statistical methods</h2>', f"<p>{link_citations(e(methods))}</p>",
              '<h2 id="results">Results</h2>']
    for i, section in enumerate(sections):
        parts.append(f'<section id="section-{i + 1}"><h3>{e(section.heading)}</h3>')
        if section.text:
            parts.append(f"<p>{link_citations(e(section.text))}</p>")
        for item in section.items:
            if item.kind == "table":
                table_html = to_html(tables[item.key], anchor=item.anchor)
                parts.append(f'<div class="wide">{table_html}</div>' if item.key in wide_tables else table_html)
            else:
                relative = f"figures/{item.file_stem}.png"
                parts.append(_figure_html(item, figure_captions[item.key], folder / relative, relative))
        parts.append("</section>")
    if data_notes:
        parts.append('<h2 id="data-notes">Data notes</h2><ul class="data-notes">')
        parts += [f"<li>{e(note)}</li>" for note in data_notes]
        parts.append("</ul>")
    if checklists:
        parts.append('<h2 id="checklists">Reporting checklists</h2>')
        parts += [to_html(table) for table in checklists]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _first_sentence(caption: str) -> str:
    """A caption's first sentence (its label and title) for the table of contents."""
    for match in re.finditer(r"[.;:](?=\s|$)", caption):
        head = caption[:match.start()]
        if re.search(r"\.\s", head) and head.count("(") == head.count(")"):  # past the label, outside brackets
            return head
    return caption
