"""Table model, renderers (HTML, Markdown, CSV, DOCX) and Table 1."""

from __future__ import annotations

import docx
import pandas as pd
import pytest

from oncocohort.present.baseline_table import baseline_table
from oncocohort.present.render import to_csv, to_docx, to_html, to_markdown
from oncocohort.present.table import Column, Row, Table
from oncocohort.stats.descriptive import summarise_baseline, summarise_categorical, summarise_continuous

ADSL = pd.DataFrame({"age": [48, 18, 68, 50, None], "sex": ["male", "male", "female", "male", "female"],
                     "ecog": [1.0, 0.0, 2.0, 1.0, 1.0], "histology_group": ["SS", "ASPS", "SS", None, "LMS"]})


def test_descriptive_ard():
    age = summarise_continuous(ADSL["age"], "age")
    assert (age.n, age.missing, age.median, age.minimum, age.maximum) == (4, 1, 49.0, 18.0, 68.0)
    sex = summarise_categorical(ADSL["sex"], "sex", ("male", "female"))
    assert [(lv.level, lv.n, lv.percent) for lv in sex.levels] == [("male", 3, 60.0), ("female", 2, 40.0)]


def test_table_one_content():
    table = baseline_table(summarise_baseline(ADSL), len(ADSL))
    cells = [r.cells for r in table.rows]
    assert ("Age, years, median (range)", "49 (18–68)") in cells
    assert ("Missing", "1") in cells  # age and histology each have one missing
    assert ("male", "3 (60.0)") in cells and ("2", "1 (20.0)") in cells
    assert ("0", "1 (20.0)") in cells and ("3", "0 (0.0)") not in cells  # listed levels shown, others only if seen
    assert table.title == "Table 1. Baseline characteristics (N = 5)"


def test_rows_must_fit_the_columns():
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        Table("t", (Column("a"), Column("b"), Column("c")), (Row(("x", "y")),))


EVIL = Table("Results <b>", (Column("Group", spanner=None), Column("n", spanner="Arm <A>", align="right"),
                             Column("%", spanner="Arm <A>", align="right")),
             (Row(("Sex", "", ""), group=True), Row(("<script>alert(1)</script>", "3", "60.0"), indent=1)),
             footnotes=("95 % CI, Clopper–Pearson.",), abbreviations=("CI, confidence interval",))


def test_html_escapes_every_string_and_renders_spanners():
    text = to_html(EVIL)
    assert "<script>" not in text and "&lt;script&gt;" in text and "Results &lt;b&gt;" in text
    assert '<th colspan="2">Arm &lt;A&gt;</th>' in text
    assert "Abbreviations: CI, confidence interval." in text


def test_markdown_and_csv():
    md = to_markdown(EVIL)
    assert "| Group | n | % |" in md and "|---|---:|---:|" in md and "**Sex**" in md
    csv_text = to_csv(EVIL)
    assert csv_text.splitlines()[0] == "Group,Arm <A>: n,Arm <A>: %"
    assert csv_text.splitlines()[2] == "  <script>alert(1)</script>,3,60.0"  # CSV is data: not escaped


def test_markdown_escapes_html_from_the_data():
    md = to_markdown(EVIL)
    assert "<script>" not in md and "<b>" not in md and "<A>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "**Results &lt;b&gt;**" in md
    table = Table("T", (Column("a"), Column("b")), (Row(("x|<img src=x onerror=alert(1)>", "line\nbreak")),))
    row = to_markdown(table).splitlines()[4]
    assert row == "| x\\|&lt;img src=x onerror=alert(1)&gt; | line break |"


def test_csv_cells_that_spreadsheets_would_run_are_neutralised():
    table = Table("T", (Column("=label"), Column("v")),
                  (Row(("=HYPERLINK(\"http://x\")", "@SUM(A1)")), Row(("+cmd|x", "-12.5")), Row(("-", "\t=1")),))
    assert to_csv(table).splitlines() == ["'=label,v", "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1)", "'+cmd|x,-12.5",
                                          "-,'\t=1"]


def test_docx_three_line_table_with_repeating_header(tmp_path):
    path = to_docx(EVIL, tmp_path / "t.docx")
    document = docx.Document(path)
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["Group", "n", "%"]
    assert table.rows[0].cells[1].text == "Arm <A>"  # merged spanner
    xml = table._tbl.xml
    assert xml.count("<w:tblHeader") == 2  # both header rows repeat
    assert xml.count('<w:top w:val="single"') == 3 and xml.count('<w:bottom w:val="single"') == 6
    assert "<w:left " not in xml and "<w:insideV" not in xml  # no vertical rules
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Results <b>" and "95 % CI, Clopper–Pearson." in texts


def test_table_one_shows_a_column_nobody_has_as_not_recorded():
    patients = pd.DataFrame({"age": [50.0, 60.0], "sex": ["male", "female"], "ecog": [None, None]})
    table = baseline_table(summarise_baseline(patients), 2)
    rows = {row.cells[0]: row.cells[1] for row in table.rows}
    assert rows["ECOG performance status"] == "not recorded (missing in 2)"
    assert "0" not in rows  # no level rows with 0 (nan %)
