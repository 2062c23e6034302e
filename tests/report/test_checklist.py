"""Reporting checklists: the data files, status decided from results.json and the real numbering, checklist.json
deterministic and in the report, the closing section in HTML and DOCX."""

from __future__ import annotations

import copy
import json

import docx

from oncocohort.report.checklist import (
    CHECKLISTS,
    NOT_IN_DATA,
    STATUSES,
    _Evidence,
    checklist_json,
    checklists,
    read_items,
)
from oncocohort.report.numbering import number_items
from oncocohort.report.results_json import results_dict


def _by_id(lists, name):
    return {i["item"]: i for i in next(c for c in lists if c["name"] == name)["items"]}


def test_data_files_complete():
    strobe = [row["item"] for row in read_items("checklist_strobe.csv")]
    # STROBE cohort checklist: 22 items, sub-items 1a-b, 6a-b, 12a-e, 13a-c, 14a-c, 16a-c → 34 rows
    assert len(strobe) == 34 and len(set(strobe)) == 34
    assert {"13a", "13c", "14c", "12e", "22"} <= set(strobe)
    record = [row["item"] for row in read_items("checklist_record.csv")]
    assert record[:3] == ["1.1", "1.2", "1.3"] and "22.1" in record
    for _, file_name, _ in CHECKLISTS:
        for row in read_items(file_name):
            assert hasattr(_Evidence, row["evidence"]), (file_name, row["item"])
            assert row["paraphrase"] and row["paraphrase"] != row["title"]


def test_status_follows_the_report(demo_results):
    facts = results_dict(demo_results)
    full = number_items([("figure", "flow", ""), ("table", "baseline", ""), ("table", "survival", "")])
    lists = checklists(facts, full)
    strobe = _by_id(lists, "STROBE")
    assert strobe["13a"]["status"] == "answered" and strobe["13a"]["where"].startswith("Figure 1, patient flow")
    assert strobe["14c"]["where"].startswith("median follow-up, reverse Kaplan–Meier")
    assert strobe["14a"]["where"] == "Table 1, baseline characteristics"
    assert {i["status"] for i in strobe.values()} == set(STATUSES)  # not everything "answered"
    # the same results without a flow figure and the baseline table numbered 2: 13c is no longer answered
    other = checklists(facts, number_items([("table", "survival", ""), ("table", "baseline", "")]))
    assert _by_id(other, "STROBE")["13c"]["status"] == NOT_IN_DATA
    assert _by_id(other, "STROBE")["14a"]["where"] == "Table 2, baseline characteristics"
    # no sensitivity analysis in results.json → 12e not in the data; no follow-up → 14c not in the data
    bare = copy.deepcopy(facts)
    bare["landmark_analyses"] = None
    bare["follow_up"] = None
    strobe_bare = _by_id(checklists(bare, full), "STROBE")
    assert strobe_bare["12e"]["status"] == NOT_IN_DATA and strobe_bare["14c"]["status"] == NOT_IN_DATA
    # data notes decide RECORD 12.2 (data cleaning)
    assert _by_id(checklists(facts, full, data_notes=True), "RECORD")["12.2"]["status"] == "answered"
    assert _by_id(checklists(facts, full, data_notes=False), "RECORD")["12.2"]["status"] == "partly"


def test_checklist_json_in_the_report(report_dir):
    text = (report_dir / "checklist.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == checklist_json(data["checklists"])  # sorted keys, the writer's own format
    assert [c["name"] for c in data["checklists"]] == ["STROBE", "RECORD", "ESMO-GROW"]
    strobe = {i["item"]: i for i in data["checklists"][0]["items"]}
    flow = next(p.stem for p in (report_dir / "figures").glob("figure_*_flow.png"))
    number = int(flow.split("_")[1])
    assert strobe["13c"]["where"] == f"Figure {number}, patient flow diagram"
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.index('id="data-notes"') < html.index('id="checklists"') if 'id="data-notes"' in html else True
    assert "STROBE checklist:" in html and "ESMO-GROW checklist:" in html
    headings = [p.text for p in docx.Document(str(report_dir / "report.docx")).paragraphs
                if p.style.name.startswith("Heading")]
    assert headings[-1] == "Reporting checklists"


def test_checklist_words_and_item_names(demo_results):
    """The statistical-methods item names its methods in words ("Clopper–Pearson exact CIs", "Efron ties"), not as
    study.toml codes ("clopper-pearson", "efron"); an item's name ("STROBE 12a") never breaks over two lines."""
    from oncocohort.report.checklist import checklist_tables

    facts = results_dict(demo_results)
    lists = checklists(facts, number_items([("figure", "flow", ""), ("table", "baseline", "")]))
    where = _by_id(lists, "STROBE")["12a"]["where"]
    assert "Clopper–Pearson exact CIs" in where and "Cox (Efron ties)" in where
    assert "clopper-pearson" not in where and "efron" not in where
    for table in checklist_tables(lists):
        assert all(" " not in row.cells[0] and "\u00a0" in row.cells[0] for row in table.rows)
