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
    assert ("Male", "3 (60.0)") in cells and ("2", "1 (20.0)") in cells
    assert ("0", "1 (20.0)") in cells and ("3", "0 (0.0)") not in cells  # listed levels shown, others only if seen
    assert table.title == "Table 1. Baseline characteristics (N = 5)"


def test_numeric_levels_are_ordered_by_value_not_frequency():
    lines = summarise_categorical(pd.Series(["2", "1", "2", "4", "3", "2", "10"]), "lines")
    assert [lv.level for lv in lines.levels] == ["1", "2", "3", "4", "10"]
    words = summarise_categorical(pd.Series(["b", "Other", "a", "a", "c"]), "x")
    assert [lv.level for lv in words.levels] == ["a", "b", "c", "Other"]  # words: most frequent first, Other last


def test_table_one_speaks_the_report_vocabulary(demo_results):
    """Table 1 names a field and its levels as the rest of the report does (the subgroup's label and group names,
    study.toml), levels in sentence case, numeric levels by value."""
    table = baseline_table(demo_results.baseline, demo_results.n_included)
    labels = [r.cells[0] for r in table.rows]
    dose = labels.index("Starting dose of anlotinib")
    assert labels[dose + 1:dose + 3] == ["10 mg", "12 mg"]
    assert "anlotinib starting dose" not in labels
    sex = labels.index("Sex")
    assert labels[sex + 1:sex + 3] == ["Male", "Female"]
    surgery = labels.index("Prior surgery")
    assert labels[surgery + 1:surgery + 3] == ["Yes", "No"]
    lines = labels.index("Prior systemic therapy lines")
    assert labels[lines + 1:lines + 5] == ["1", "2", "3", "4"]
    assert not any(label[:1].islower() for label in labels)


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
    # three rules across (top, under the header, under the last row) + a short rule under the spanner "Arm <A>";
    # the top rule once per cell of the first row (the spanner is one cell over two columns)
    assert xml.count('<w:top w:val="single"') == 2 and xml.count('<w:bottom w:val="single"') == 7
    assert "<w:left " not in xml and "<w:insideV" not in xml  # no vertical rules
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Results <b>" and "95 % CI, Clopper–Pearson." in texts


def test_table_one_shows_a_column_nobody_has_as_not_recorded():
    patients = pd.DataFrame({"age": [50.0, 60.0], "sex": ["male", "female"], "ecog": [None, None]})
    table = baseline_table(summarise_baseline(patients), 2)
    rows = {row.cells[0]: row.cells[1] for row in table.rows}
    assert rows["ECOG performance status"] == "not recorded (missing in 2)"
    assert "0" not in rows  # no level rows with 0 (nan %)


def test_consort_states_reasons_as_failures_and_missing_data_apart():
    """The flow diagram's exclusion box lists what failed ("ECOG performance status > 2"), not the inclusion
    criterion ("ECOG performance status 0-2"), and patients excluded for a blank field as a reason of their own."""
    from oncocohort.derive.eligibility import apply_eligibility
    from oncocohort.io.config import Criterion, EligibilitySettings
    from oncocohort.present.consort_figure import consort_boxes

    fields = pd.DataFrame({"ecog": [0, 1, 3, None, 2], "age": [50, 16, 60, 70, 40],
                           "metastatic": ["yes", "yes", "yes", "yes", "no"],
                           "brain_metastases": ["none", "none", "none", "none", "none"]},
                          index=pd.Index(["A", "B", "C", "D", "E"], name="patient_id"))
    criteria = (Criterion("include", "ECOG performance status 0-2", "ecog", "between", [0, 2]),
                Criterion("include", "Age 18 years or older", "age", ">=", 18),
                Criterion("include", "Distant metastasis", "metastatic", "==", "yes"),
                Criterion("exclude", "Active brain metastases", "brain_metastases", "==", "active"))
    result = apply_eligibility(fields, EligibilitySettings(criteria, "exclude"))
    boxes = {b.key: b for b in consort_boxes(result.attrition_table(), 1, 1)}
    lines = tuple(line.replace("\n   ", " ") for line in boxes["excluded"].lines)  # wrapped to the box width
    assert lines == ("Excluded (n = 4)", "• ECOG performance status > 2 (n = 1)",
                                       "• ECOG performance status not recorded (missing data) (n = 1)",
                                       "• Age < 18 (n = 1)", "• No distant metastasis (n = 1)")
    assert not any("0-2" in line for line in boxes["excluded"].lines)


def test_reviewer_tables_from_the_demo(demo_results):
    """Confirmed beside unconfirmed ORR, clinical benefit, DoR, TTR, best change; OS subgroups with the PH test;
    serious AEs and AEs leading to a dose change — each number as the analysis results hold it."""
    from oncocohort.present.adverse_event_category_table import adverse_event_category_table
    from oncocohort.present.response_detail_table import response_detail_table
    from oncocohort.present.subgroup_table import subgroup_table

    detail = demo_results.response_detail
    table = response_detail_table(detail, demo_results.n_included)
    cells = {r.cells[0].strip(): r.cells[1:] for r in table.rows}
    assert cells["Objective response rate, unconfirmed"][0] == f"{detail.orr_unconfirmed.x} (34.4)"
    assert cells["Clinical benefit (CR or PR, or SD ≥ 24 weeks)"] == ("16 (50.0)", "31.9–68.1")
    assert cells["Median (95% CI)"][0] == "16.8 (11.4–NE)" and cells["Responders (CR or PR), n"][0] == "11"
    assert cells["Best change in target-lesion sum, %, median (range)"][0] == "−21.0 (−72.9 to 43.0)"
    os_cox = next(c for c in demo_results.cox if c.endpoint == "OS")
    os_table = subgroup_table(tuple(g for g in demo_results.subgroup_survival if g.endpoint == "OS"), os_cox)
    assert os_table.title.startswith("Table 2. OS by subgroup")
    assert any(note.startswith("Test of proportional hazards") and "global p = " in note for note in os_table.footnotes)
    assert not any(":" in c and "_" in c for r in os_table.rows for c in r.cells)
    assert not any("starting_dose" in note for note in os_table.footnotes)
    categories = adverse_event_category_table(demo_results.adverse_event_categories, demo_results.n_included)
    rows = {r.cells[0]: r.cells[1:] for r in categories.rows}
    assert rows["Any adverse event"] == ("29 (90.6)", "13 (40.6)") and "Serious adverse event" in rows
    assert set(rows) >= {"Leading to dose reduction", "Leading to treatment interruption", "Leading to discontinuation"}


def test_every_abbreviation_a_table_uses_is_listed_under_it():
    """Issue 15 (final look): Table 1 and the subgroup tables showed SS, ASPS, ECOG … with no list of
    abbreviations. Known long forms are added in order of first use; one the table writes out or already lists is
    not repeated; NE in a table is "not estimable"."""
    from oncocohort.present.table import Column, Row, Table
    from oncocohort.present.vocabulary import Vocabulary, with_abbreviations

    table = Table("Table. Response by ECOG", (Column("Level"), Column("Median (95% CI)")),
                  (Row(("SS", "5.1 (2.0–NE)")), Row(("Complete response (CR)", "")), Row(("XYZ", "CR"))),
                  footnotes=("NR, not reached.",), abbreviations=("CI, confidence interval",))
    out = with_abbreviations(table, Vocabulary.from_labels({"SS": "synovial sarcoma"}))
    assert out.abbreviations == ("CI, confidence interval", "ECOG, Eastern Cooperative Oncology Group",
                                 "SS, synovial sarcoma", "NE, not estimable")


def test_report_tables_list_their_abbreviations(demo_results):
    from oncocohort.report.build import build_tables

    tables = build_tables(demo_results)
    baseline = tables["baseline"].abbreviations
    assert {"ECOG, Eastern Cooperative Oncology Group", "SS, synovial sarcoma", "ASPS, alveolar soft part sarcoma",
            "LMS, leiomyosarcoma", "LPS, liposarcoma", "PD-1, programmed cell death protein 1"} <= set(baseline)
    for key in ("subgroups_pfs", "subgroups_os", "efficacy"):
        assert "SS, synovial sarcoma" in tables[key].abbreviations, key
    assert not any(a.startswith("NE, not evaluable") for t in tables.values() for a in t.abbreviations)


# ---------------------------------------------------------------- headers wrap between phrases only

HEADERS = Table("Table. Headers", (Column("Factor"), Column("Median PFS, months (95% CI)", "Univariable Cox", "right"),
                                   Column("Log-rank p", "Univariable Cox", "right"),
                                   Column("Still responding at 12 months, % (95% CI)", align="right"),
                                   Column("Patients (N = 32)", align="right")),
                (Row(("ECOG performance status 0-1", "9.1 (7.4–NE)", "0.382", "64.9 (39.2–100.0)", "24")),))


def test_header_phrases_keep_groups_numbers_and_relations_whole():
    from oncocohort.present.table import header_phrases

    assert header_phrases("Median PFS, months (95% CI)") == ("Median", "PFS,", "months", "(95% CI)")
    assert header_phrases("Still responding at 12 months, % (95% CI)") == (
        "Still", "responding", "at", "12 months,", "%", "(95% CI)")
    assert header_phrases("Patients (N = 32)") == ("Patients", "(N = 32)")
    assert header_phrases("N = 32") == ("N = 32",)
    assert header_phrases("Log-rank p") == ("Log-rank", "p")
    assert header_phrases("HR (95% CI [Wald])") == ("HR", "(95% CI [Wald])")


def _html_header_phrases(cell: str) -> list[str]:
    """The pieces a browser may break a <th> into: split at spaces outside the no-wrap spans; a piece left outside
    a span must hold no space and no hyphen (a browser breaks after one)."""
    import html
    import re

    pieces = []
    for span, bare in re.findall(r'<span style="white-space:nowrap">(.*?)</span>|([^ ]+)', cell):
        if bare:
            assert not re.search(r"[-–]", bare), bare
        pieces.append(html.unescape(span or bare))
    return pieces


def test_html_and_docx_headers_wrap_at_the_same_places_never_inside_a_parenthesis(tmp_path):
    """Report headers wrapped inside "(95% CI)" ("Median (95%" / "CI)") and inside "Log-rank" ("Log-" / "rank p").
    In HTML each phrase that could break is a no-wrap span; in Word its spaces are no-break spaces and its hyphens
    no-break hyphens; the two break at the same spaces, and Word's column is never narrower than the widest
    phrase."""
    import re

    from docx.oxml.ns import qn

    from oncocohort.present.docx_layout import CELL_PADDING, text_width
    from oncocohort.present.table import header_phrases

    page = to_html(HEADERS)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", page)
    labels = [name or "" for name, _ in HEADERS.spanner_groups()] + [c.label for c in HEADERS.columns]
    assert [_html_header_phrases(c) for c in cells] == [list(header_phrases(t)) for t in labels]
    assert '<span style="white-space:nowrap">(95% CI)</span>' in page and "(95%" not in page.replace(
        '<span style="white-space:nowrap">(95% CI)</span>', "")

    path = to_docx(HEADERS, tmp_path / "t.docx")
    grid = docx.Document(path).tables[0]
    header = grid.rows[1].cells
    assert [c.text.replace("\u00a0", " ") for c in header] == [c.label for c in HEADERS.columns]
    for cell, column in zip(header, HEADERS.columns):
        words = "".join(t.text for t in cell._tc.iter(qn("w:t"))).split(" ")
        assert [w.replace("\u00a0", " ") for w in words if w] == [p.replace("-", "") for p in
                                                                   header_phrases(column.label)]
        if "-" in column.label:
            assert cell._tc.xpath(".//w:noBreakHyphen") and "-" not in "".join(words)
        widest = max(text_width(p.replace("-", "\u2011")) for p in header_phrases(column.label))
        assert cell.width >= widest + CELL_PADDING
    assert grid.rows[0].cells[1].text == "Univariable Cox"


def test_words_joined_by_no_break_spaces_stay_on_one_line_in_html_and_docx(tmp_path):
    """The checklists' items ("ESMO-GROW\u00a0M.10"): the browser broke them after the hyphen ("ESMO-" / "GROW
    M.10") and Word's column was measured for "ESMO-GROW" alone, so LibreOffice broke "I" / ".1". The run is now a
    no-wrap span in HTML and one word when the Word column is measured."""
    from oncocohort.present.docx_layout import CELL_PADDING, text_width

    item = "ESMO-GROW\u00a0M.10"
    table = Table("Table. Checklist", (Column("Item"), Column("What it asks")),
                  (Row((item, "Methods: statistics: describe the statistical methods with software, estimators and "
                              "confidence-interval methods " * 3)), Row(("STROBE\u00a01a", "Title"))))
    page = to_html(table)
    assert f'<td style="text-align:left"><span style="white-space:nowrap">{item}</span></td>' in page
    assert '<td style="text-align:left">STROBE\u00a01a</td>' in page  # no hyphen: the no-break space suffices
    grid = docx.Document(to_docx(table, tmp_path / "t.docx")).tables[0]
    assert grid.rows[1].cells[0].width > text_width(item) + CELL_PADDING - 635  # widths are whole twips, rounded down


def test_row_labels_wrap_between_phrases_like_the_headers(tmp_path):
    """The OMOP report's survival table wrapped its row label "Median, months (95% CI)" as "Median, months (95%" /
    "CI)". The first column's labels are row headers: in phrases, as the column headers."""
    from docx.oxml.ns import qn

    table = Table("Table. Survival", (Column(""), Column("Overall survival", align="right")),
                  (Row(("Median, months (95% CI)", "29.1 (6.8–NE)")), Row(("Patients (N = 32)", "18"), indent=1),
                   Row(("Criteria (highest grade met is the preliminary grade)", "3"))))
    page = to_html(table)
    assert ('<td style="text-align:left">Median, months <span style="white-space:nowrap">(95% CI)</span></td>'
            in page)
    assert '\u2003Patients <span style="white-space:nowrap">(N = 32)</span>' in page
    assert "Criteria (highest grade met is the preliminary grade)" in page  # a long parenthetical may wrap
    grid = docx.Document(to_docx(table, tmp_path / "t.docx")).tables[0]
    texts = ["".join(t.text for t in row.cells[0]._tc.iter(qn("w:t"))) for row in grid.rows[1:]]
    assert texts == ["Median, months (95%\u00a0CI)", "\u2003Patients (N\u00a0=\u00a032)",
                     "Criteria (highest grade met is the preliminary grade)"]
