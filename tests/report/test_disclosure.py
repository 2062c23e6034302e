"""Publication disclosure (report/disclosure.py): small-cell suppression of tables, text and results.json, by hand
and on the demo study's whole report with ``--min-cell 5``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oncocohort.engine.suppression import SuppressedCount, suppression_footnote
from oncocohort.present.formatting import CountText, count, count_percent, percent_ci, plural
from oncocohort.present.table import Column, Row, Table
from oncocohort.report.disclosure import (
    COUNT_KEYS,
    disclose_results,
    disclose_table,
    disclose_text,
    methods_sentence,
)
from oncocohort.report.results_json import json_text, results_dict

FOOTNOTE = suppression_footnote(5)


def _table(rows, columns=("", "n (%)")) -> Table:
    return Table("Table. Test", tuple(Column(c) for c in columns), tuple(rows))


def _cells(table: Table) -> list[list[str]]:
    return [list(row.cells) for row in table.rows]


# --- hand cases ----------------------------------------------------------------------------------------------------

def test_one_small_count_and_its_complement():
    """A partition of n = 32 with one 3: the 3 is "<5 (—)", the smallest other positive count "*" (else 3 = 32 −
    the rest), the largest stays; the footnote is added."""
    rows = [Row(("Sex", ""), group=True),
            Row(("A", count_percent(3, 32)), indent=1), Row(("B", count_percent(10, 32)), indent=1),
            Row(("C", count_percent(19, 32)), indent=1)]
    out = disclose_table(_table(rows), 5)
    assert _cells(out)[1:] == [["A", "<5 (—)"], ["B", "* (—)"], ["C", "19 (59.4)"]]
    assert out.footnotes[-1] == FOOTNOTE


def test_no_small_count_no_mark_no_footnote():
    rows = [Row(("A", count_percent(13, 32)), indent=1), Row(("B", count_percent(19, 32)), indent=1)]
    table = _table(rows)
    out = disclose_table(table, 5)
    assert _cells(out) == _cells(table) and out.footnotes == ()


def test_rule_off_returns_the_table_unchanged():
    table = _table([Row(("A", count_percent(3, 32))), Row(("B", count_percent(29, 32)))])
    assert disclose_table(table, 0) is table and disclose_table(table, 1) is table


def test_grade_columns_add_up_to_any_grade():
    """Adverse events: any grade = grade 1–2 + 3–4 + 5 in each row; a 3 in grade 3–4 hides grade 1–2 too (the
    positive cell before the zero), not the any-grade total."""
    rows = [Row(("Fatigue", count_percent(21, 32), count_percent(18, 32), count_percent(3, 32),
                 count_percent(0, 32)))]
    out = disclose_table(_table(rows, ("Term", "Any", "1–2", "3–4", "5")), 5)
    assert _cells(out) == [["Fatigue", "21 (65.6)", "* (—)", "<5 (—)", "0 (0.0)"]]


def test_subtotal_row_and_its_parts():
    """Progression + death without progression = any PFS event (the row above, less indented)."""
    rows = [Row(("Any PFS event", count_percent(24, 32))),
            Row(("Progression", count_percent(21, 32)), indent=1),
            Row(("Death without progression", count_percent(3, 32)), indent=1)]
    out = disclose_table(_table(rows), 5)
    assert _cells(out) == [["Any PFS event", "24 (75.0)"], ["Progression", "* (—)"],
                           ["Death without progression", "<5 (—)"]]


def test_rate_row_equal_to_a_sum_of_partition_cells_and_its_ci():
    """ORR = CR + PR is printed below the best-response partition: with CR = 2 hidden, ORR = 11 and PR = 9 would
    give it back, so one of them is hidden too; the exact CI of a hidden count goes with it."""
    rows = [Row(("Best overall response", "", ""), group=True),
            Row(("CR", count_percent(2, 32), ""), indent=1), Row(("PR", count_percent(9, 32), ""), indent=1),
            Row(("SD", count_percent(12, 32), ""), indent=1), Row(("PD", count_percent(9, 32), ""), indent=1),
            Row(("ORR", count_percent(11, 32), percent_ci(0.186, 0.532))),
            Row(("Subgroup", "", ""), group=True),
            Row(("a", count_percent(2, 8), percent_ci(0.03, 0.65)), indent=1),
            Row(("b", count_percent(9, 24), percent_ci(0.19, 0.59)), indent=1)]
    out = _cells(disclose_table(_table(rows, ("", "n (%)", "95% CI")), 5))
    partition = {row[0]: row[1] for row in out[1:5]}
    assert partition["CR"] == "<5 (—)"
    assert partition["PR"] == "* (—)" or out[5][1] == "* (—)"  # CR = ORR − PR: one of them hidden
    assert out[7] == ["a", "<5 (—)", "—"]  # the exact CI would give 2 of 8 back
    assert out[8] == ["b", "* (—)", "—"]  # responders per level add up to the ORR's 11


def test_missing_row_hidden_hides_the_percentages_of_its_variable():
    """Table 1: levels (percentages of the known values) + missing = N; a hidden missing count would be given back
    by the percentages (they reveal the known n), so they are hidden."""
    rows = [Row(("ECOG", ""), group=True),
            Row(("0", CountText("12 (41.4)", 12, 29)), indent=1), Row(("1", CountText("17 (58.6)", 17, 29)), indent=1),
            Row(("Missing", count(3)), indent=1)]
    out = _cells(disclose_table(_table(rows), 5))
    assert out[3] == ["Missing", "<5"]
    assert all("(—)" in row[1] for row in out[1:3])
    assert sum(1 for row in out[1:] if row[1].startswith(("<", "*"))) >= 2


def test_counts_without_a_base_per_level():
    """n per subgroup level adds up to the patients analysed: one 4 hides another level's n."""
    rows = [Row(("Histology", "", ""), group=True)] + [
        Row((name, count(n), count(e)), indent=1) for name, n, e in (("A", 7, 5), ("B", 4, 4), ("C", 21, 15))]
    out = _cells(disclose_table(_table(rows, ("", "n", "Events")), 5))
    assert out[1:] == [["A", "*", "*"], ["B", "<5", "<5"], ["C", "21", "15"]]


def test_text_counts_in_words():
    assert disclose_text("3 patients (9.4%) were still on treatment; 12 patients", 5) == \
        "fewer than 5 patients were still on treatment; 12 patients"
    assert disclose_text("1 event", 5) == "fewer than 5 events"
    assert disclose_text("3 patients", 0) == "3 patients"
    assert plural(SuppressedCount("small", 5), "patient") == "fewer than 5 patients"
    assert count_percent(SuppressedCount("small", 5), 32) == "<5 (—)"


def test_methods_sentence():
    assert "minimum cell size 5" in methods_sentence(5) and "Kaplan–Meier curves" in methods_sentence(5)
    assert methods_sentence(0, default_off=True) == ""
    assert "no small-cell suppression" in methods_sentence(0)


# --- results.json ------------------------------------------------------------------------------------------------

def _small_counts(value, path=()):
    """(path, value) of every count from 1 to 4 under a count key of results.json."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("design", "settings", "esmo_mcbs") and not path:
                continue
            if key in COUNT_KEYS and isinstance(item, int) and not isinstance(item, bool) and 1 <= item < 5:
                found.append(((*path, key), item))
            elif key in ("counts", "reason_stopped") and isinstance(item, dict):
                found += [((*path, key, k), v) for k, v in item.items() if isinstance(v, int) and 1 <= v < 5]
            else:
                found += _small_counts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _small_counts(item, (*path, i))
    return found


def test_results_json_hides_counts_and_what_gives_them_back(demo_results):
    facts = results_dict(demo_results)
    assert _small_counts(facts)  # the demo has small counts to hide
    published = disclose_results(facts, 5)
    assert _small_counts(facts)  # the input is not changed
    text = json_text(published)
    assert _small_counts(json.loads(text)) == []
    reloaded = json.loads(text)
    assert reloaded["disclosure"]["min_cell"] == 5
    ongoing = reloaded["exposure"]["ongoing_at_cutoff"]
    assert ongoing == {"suppressed": "small", "minimum": 5}
    level = reloaded["response"]["subgroups"][0]["levels"][1]  # ECOG 2: 2 responders of 8
    assert level["x"] == level["estimate"] == level["lower"] == {"suppressed": "small", "minimum": 5}
    # attrition: the hidden exclusions cannot be recovered from the numbers at each step
    for step in reloaded["attrition"]:
        if isinstance(step["n_excluded"], dict):
            assert isinstance(step["n_remaining"], dict) or isinstance(step["n_at_step"], dict)
    assert disclose_results(facts, 0) is facts


# --- the demo report with --min-cell 5 ---------------------------------------------------------------------------

COUNT_IN_TEXT = re.compile(r"(?<![\w.,·−-])[1-4](?: (?:patients?|events?|responders?|deaths?)\b| \(\d+[.,·]\d%?\)"
                           r"| of (?:the )?\d)")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "oncocohort", *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def suppressed_report(demo_study, tmp_path_factory):
    out = tmp_path_factory.mktemp("suppressed") / "report"
    done = _run("report", str(demo_study), "--out", str(out), "--min-cell", "5")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _html_text(path: Path) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", "", path.read_text(encoding="utf-8"))))


def test_no_small_count_anywhere_in_the_report(suppressed_report):
    import csv

    for name, text in (("report.html", _html_text(suppressed_report / "report.html")),
                       ("report.docx", _docx_text(suppressed_report / "report.docx"))):
        assert COUNT_IN_TEXT.findall(text) == [], name
        assert "<5" in text and FOOTNOTE in text, name
    assert _small_counts(json.loads((suppressed_report / "results.json").read_text())) == []
    for path in sorted((suppressed_report / "tables").glob("*.csv")):
        if path.stem.endswith(("next_trial_design", "esmo_mcbs")):  # design sizes and grades, not patient counts
            continue
        for row in csv.reader(path.read_text(encoding="utf-8").splitlines()):
            for cell in row[1:]:
                assert not re.fullmatch(r"[1-4](?: \(\d+\.\d\))?", cell), (path.name, row)


def test_footnote_on_exactly_the_tables_with_marks(suppressed_report):
    marked = 0
    for path in sorted((suppressed_report / "tables").glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [line for line in lines if line.startswith("|")][2:]
        has_mark = any(re.search(r"\| (?:&lt;5|\*)(?:/\d+| \(—\))? (?=\|)", line) for line in rows) or any(
            "fewer than 5" in line for line in lines)  # a count in a note written in words
        assert has_mark == any(FOOTNOTE.replace("<", "&lt;") in line for line in lines), path.name
        marked += has_mark
    assert marked >= 5  # baseline, efficacy, subgroups, adverse events, exposure …
    html_text = (suppressed_report / "report.html").read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html_text, re.S)
    with_note = [c for c in captions if "small-cell suppression" in c]
    assert any("histological subtype" in c for c in with_note)  # numbers at risk below 5 under the curves
    assert any("Study flow" in c for c in with_note)  # CONSORT exclusions below 5
    assert not any("Kaplan–Meier estimate of overall survival" in c for c in with_note)  # nothing hidden there


def test_methods_name_the_rule(suppressed_report):
    text = _html_text(suppressed_report / "report.html")
    assert "minimum cell size 5" in text and "fewer than 5 patients were still on treatment" in text


def test_min_cell_off_is_the_default_report(demo_study, tmp_path):
    """``report --min-cell 0`` writes the same bytes as ``report`` without the option (suppression off)."""
    default, off = tmp_path / "default", tmp_path / "off"
    for out, extra in ((default, ()), (off, ("--min-cell", "0"))):
        done = _run("report", str(demo_study), "--out", str(out), "--format", "html", *extra)
        assert done.returncode == 0, done.stdout + done.stderr
    files = sorted(p.relative_to(default) for p in default.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(off) for p in off.rglob("*") if p.is_file())
    for name in files:
        assert (default / name).read_bytes() == (off / name).read_bytes(), name
    assert "small-cell" not in (default / "report.html").read_text(encoding="utf-8")


def test_min_cell_refused_when_negative(demo_study, tmp_path):
    done = _run("report", str(demo_study), "--out", str(tmp_path / "r"), "--min-cell", "-1")
    assert done.returncode == 2 and "negative" in done.stderr


def test_fractions_and_words_inside_cells():
    """Events/patients cells keep the patients; an ORR written as a fraction in a text cell loses its responders."""
    from oncocohort.present.formatting import count_of

    rows = [Row(("Sex", "", ""), group=True), Row(("female", count_of(8, 12), "ORR 3/32 = 9.4%"), indent=1),
            Row(("male", count_of(4, 6), ""), indent=1)]
    out = _cells(disclose_table(_table(rows, ("", "Events/patients", "Note")), 5))
    assert out[1:] == [["female", "*/12", "ORR <5/32"], ["male", "<5/6", ""]]
    assert disclose_text("exact 80% CI (3/32, Clopper–Pearson", 5) == "exact 80% CI (<5/32, Clopper–Pearson"


def test_survival_table_censored_count_is_the_complement_of_hidden_events(demo_results):
    """Events + censored = patients: a hidden event count must not be given back by the censored row."""
    from dataclasses import fields
    from types import SimpleNamespace

    from oncocohort.present.survival_table import survival_table
    from oncocohort.report.disclosure import disclose_tables

    pfs = demo_results.survival[0]
    few_events = SimpleNamespace(**{f.name: getattr(pfs, f.name) for f in fields(pfs)}, n=pfs.n, events=3)
    table = disclose_tables({"survival": survival_table((few_events,))}, 5)["survival"]
    rows = {r.cells[0]: r.cells[1] for r in table.rows}
    assert rows["Events, n (% maturity)"] == "<5 (—)"
    assert rows["Censored, n (%)"] == "* (—)"
    assert rows["Patients, n"] == "32"


# --- subgroup "Missing" rows take part in the levels' line (levels + missing = all patients) ----------------------

def test_subgroup_missing_row_is_a_part_of_the_levels_n(demo_results):
    """Table 2: a factor's levels' n plus its "Missing (not analysed)" row add up to the patients (published). A
    hidden missing count of 3 must hide a level's n too, else 3 = N − the levels."""
    from dataclasses import replace

    from oncocohort.present.subgroup_table import subgroup_table

    group = next(g for g in demo_results.subgroup_survival if len(g.levels) >= 2
                 and all(lv.n >= 5 and lv.events >= 5 for lv in g.levels))
    table = subgroup_table((replace(group, n_missing=3),))
    out = _cells(disclose_table(table, 5))
    missing = next(row for row in out if row[0] == "Missing (not analysed)")
    assert missing[1] == "<5"
    levels = [row for row in out[1:] if row[0] != "Missing (not analysed)"]
    assert sum(row[1] == "*" for row in levels) == 1  # the smallest level's n
    smallest = min(group.levels, key=lambda lv: lv.n)
    assert next(row for row in levels if row[0] == smallest.level)[1] == "*"
    assert all(row[2] not in ("*", "<5") for row in levels)  # the events column has no hidden entry: untouched
    # the forest plot hides the same level's n (it shows no missing row, but the table publishes it)
    from oncocohort.report.disclosure import disclose_subgroup_levels

    (forest,), hidden = disclose_subgroup_levels((replace(group, n_missing=3),), 5)
    assert hidden
    assert [lv.level for lv in forest.levels if str(lv.n) == "*"] == [smallest.level]
    assert [lv.events for lv in forest.levels] == [lv.events for lv in group.levels]


def test_subgroup_missing_row_hidden_level_complemented_by_missing():
    """A hidden level's n with the missing row the smallest other count: the missing count is the complement."""
    rows = [Row(("Histology", "", ""), group=True)] + [
        Row((name, count(n), count(e)), indent=1) for name, n, e in (("A", 3, 0), ("B", 20, 11), ("C", 21, 15))] + [
        Row(("Missing (not analysed)", count(6), ""), indent=1)]
    out = _cells(disclose_table(_table(rows, ("", "n", "Events")), 5))
    assert out[1][1] == "<5" and out[4][1] == "*"


def test_results_json_subgroup_missing_with_ungrouped_values(demo_results):
    """results.json: n_missing counts the patients without a value and those with a value in no named group
    (``ungrouped``); levels + n_missing = n. A small n_missing is hidden with a level's n (else n − levels gives it
    back), and the ungrouped counts adding up to it go with it."""
    facts = results_dict(demo_results)
    n = facts["study"]["n_included"]
    group = facts["subgroup_survival"]["PFS"][0]
    sizes = [n - 3 - 9] + [9]  # two levels, 3 missing (all of them one value in no named group)
    group["levels"] = [{**lv, "n": size} for lv, size in zip(group["levels"][:2], sizes)]
    group["n_missing"], group["ungrouped"] = 3, [{"value": "X", "n": 3}]
    published = disclose_results(facts, 5)["subgroup_survival"]["PFS"][0]
    assert published["n_missing"] == SuppressedCount("small", 5)
    assert published["ungrouped"][0]["n"] == SuppressedCount("small", 5)
    assert published["levels"][1]["n"] == SuppressedCount("complementary", 5)  # the smaller level
    assert published["levels"][0]["n"] == n - 12


def test_landmark_left_out_note_hides_its_small_counts_and_their_complement():
    """OS by response at the landmark: "Left out: … who died and … censored; N analysed" — died + censored is
    given back by OS n − N, so a hidden one hides the other; a count is never printed without its noun."""
    from oncocohort.present.landmark_table import _left_out

    both_small = disclose_text(_left_out(1, 2, 30), 5)
    assert re.findall(r"\b[1-4]\b", both_small) == []
    assert both_small.startswith("Left out: fewer than 5 patients who died and fewer than 5 patients censored")
    one_small = disclose_text(_left_out(3, 12, 30), 5)
    assert "12" not in one_small and "3 " not in one_small
    assert one_small.startswith("Left out: fewer than 5 patients who died and patients (number not shown) censored")
    assert disclose_text(_left_out(7, 12, 30), 5) == _left_out(7, 12, 30)  # nothing small: unchanged


def test_results_json_landmark_counts_add_up_to_the_os_patients(demo_results):
    """results.json os_by_response: n (the groups) + excluded_event + excluded_censored = survival.OS.n."""
    facts = results_dict(demo_results)
    landmark = facts["landmark_analyses"]["os_by_response"]
    total = facts["survival"]["OS"]["n"]
    landmark["excluded_event"], landmark["excluded_censored"] = 3, 9
    landmark["n"] = total - 12
    landmark["groups"][0]["n"], landmark["groups"][1]["n"] = 8, total - 20
    published = disclose_results(facts, 5)["landmark_analyses"]["os_by_response"]
    assert published["excluded_event"] == SuppressedCount("small", 5)
    assert published["excluded_censored"] == SuppressedCount("complementary", 5)


def test_values_in_no_group_note_hides_a_complement():
    """Table 2's note on values in no named group: with the Missing row they add up to, one small count ("3
    patients") would come back as Missing − the others, so the smallest other count is not shown either."""
    note = ("ECOG: values in no group of study.toml [[analysis.subgroups]] — '3' (3 patients), '4' (12 patients), "
            "'9' (20 patients) — are counted as missing and not analysed for this factor.")
    out = disclose_text(note, 5)
    assert out == ("ECOG: values in no group of study.toml [[analysis.subgroups]] — '3' (fewer than 5 patients), "
                   "'4' (patients: number not shown), '9' (20 patients) — are counted as missing and not analysed "
                   "for this factor.")
    assert disclose_text(note.replace("(3 patients)", "(7 patients)"), 5) == note.replace("(3 patients)",
                                                                                           "(7 patients)")
