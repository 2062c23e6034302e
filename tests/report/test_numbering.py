"""report/numbering.py and report/layout.py: numbers in document order, citations, file names, every item cited."""

from __future__ import annotations

import pytest

from oncocohort.report.build import narrative_citations
from oncocohort.report.layout import OTHER, plan_items, plan_sections
from oncocohort.report.narrative import results_paragraphs
from oncocohort.report.numbering import cited_numbers, number_items
from oncocohort.report.results_json import results_dict


def test_numbers_follow_document_order_per_kind():
    numbering = number_items([("figure", "flow", ""), ("table", "baseline", ""), ("figure", "waterfall", ""),
                              ("table", "efficacy", "")])
    assert [i.label for i in numbering] == ["Figure 1", "Table 1", "Figure 2", "Table 2"]
    assert numbering["efficacy"].file_stem == "table_02_efficacy" and numbering["waterfall"].anchor == "figure-2"
    assert numbering["baseline"].caption("Table 3. Baseline characteristics") == "Table 1. Baseline characteristics"
    assert numbering["flow"].caption("Figure. Study flow") == "Figure 1. Study flow"
    with pytest.raises(ValueError):
        number_items([("table", "a", ""), ("figure", "a", "")])


def test_cite_writes_plurals_and_ranges():
    numbering = number_items([("figure", f"f{i}", "") for i in range(1, 10)] + [("table", "t1", "")])
    assert numbering.cite("f5") == "Figure 5"
    assert numbering.cite("f5", "f6") == "Figures 5 and 6"
    assert numbering.cite("f5", "f6", "f7") == "Figures 5–7"
    assert numbering.cite("f2", "f4", "f5", "f6", "f9") == "Figures 2, 4–6 and 9"
    assert numbering.cite("t1", "f3") == "Table 1; Figure 3"
    assert numbering.cite("missing") == ""


def test_cited_numbers_reads_back_what_cite_writes():
    assert cited_numbers("see Figures 2, 4–6 and 9; Table 1 and Tables 3 and 4") == {
        ("figure", 2), ("figure", 4), ("figure", 5), ("figure", 6), ("figure", 9), ("table", 1), ("table", 3),
        ("table", 4)}


def test_layout_places_wildcards_in_key_order_and_never_drops_an_item():
    numbering, placed = plan_items({"baseline": "", "new_table": "x"},
                                   {"km_pfs_by_sex": "", "km_pfs_by_ecog": "", "flow": "", "new_figure": "y"})
    assert placed["Patients"] == ("flow", "baseline")
    assert placed["Subgroups"] == ("km_pfs_by_ecog", "km_pfs_by_sex")
    assert placed[OTHER] == ("new_table", "new_figure")
    assert [i.label for i in numbering] == ["Figure 1", "Table 1", "Figure 2", "Figure 3", "Table 2", "Figure 4"]


def test_every_item_is_cited_and_unknown_headings_keep_their_place():
    numbering, placed = plan_items({"baseline": "the baseline characteristics"},
                                   {"flow": "the study flow", "spider": "the change over time"})
    paragraphs = [("Patients", f"32 patients ({numbering.cite('flow')})."), ("Response duration", "Long."),
                  ("Efficacy", "Responses.")]
    sections = plan_sections(paragraphs, numbering, placed)
    assert [s.heading for s in sections] == ["Patients", "Response duration", "Efficacy"]
    assert sections[0].text == "32 patients (Figure 1). Table 1 shows the baseline characteristics."
    assert sections[2].text == "Responses. Figure 2 shows the change over time."
    text = " ".join(s.text for s in sections)
    assert numbering.uncited(text) == []


def test_demo_narrative_cites_by_the_numbering(demo_results):
    facts = results_dict(demo_results)
    numbering = number_items([("figure", "flow", ""), ("table", "baseline", ""), ("figure", "waterfall", ""),
                              ("figure", "km_pfs", ""), ("figure", "km_os", ""), ("table", "subgroups_pfs", ""),
                              ("table", "adverse_events", "")])
    text = " ".join(t for _, t in results_paragraphs(facts, citations=narrative_citations(numbering)))
    assert numbering.uncited(text) == []
    assert "Figures 3 and 4" in text and "Table 3" in text
    plain = " ".join(t for _, t in results_paragraphs(facts))  # without a numbering: no invented numbers
    assert cited_numbers(plain) == set()


def test_survival_section_takes_each_endpoint_figure_in_the_declared_order():
    """"km_+": the endpoints' figures in the order given (OMOP: OS first), never the subgroup figures km_pfs_by_*."""
    numbering, placed = plan_items({"survival": ""}, {"km_os": "", "km_pfs": "", "km_ttd": "", "km_ttnt": "",
                                                      "km_pfs_by_sex": "", "flow": ""})
    assert placed["Survival"] == ("survival", "km_os", "km_pfs", "km_ttd", "km_ttnt")
    assert placed["Subgroups"] == ("km_pfs_by_sex",)
    assert [numbering[k].label for k in ("flow", "km_os", "km_ttnt", "km_pfs_by_sex")] == [
        "Figure 1", "Figure 2", "Figure 5", "Figure 6"]
