"""The report of an OMOP cohort (synthetic CDM, 2,000 persons): adverse events without a grade in their own table
(no CTCAE-graded tables), a section for every time-to-event endpoint (OS, real-world PFS, TTD, TTNT) named with its
cohort.toml definition, no response tables or figures (one sentence says why), numbering 1..N and the narrative's
style rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from oncocohort.report.build import build_report
from tests.omop.synthetic_cdms import REPORT, build

from .test_narrative_style import check_captions_and_notes, check_style, report_paragraphs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "omop-cohort.toml"
RESPONSE_ITEMS = ("efficacy", "response_detail", "os_by_response", "esmo_mcbs", "next_trial_design", "waterfall",
                  "spider", "swimmer", "orr_by_subgroup")


@pytest.fixture(scope="module")
def omop_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("omopreport")
    cdm = build(REPORT, folder)  # the report tests' size (tests/omop/synthetic_cdms.py)
    out = folder / "report"
    # the per-patient rows extracted (--extract-rows), so that ADAE's shape can be checked too; the default path
    # (aggregates only) gives the same results.json (tests/omop/test_aggregate_analysis.py)
    build_report(cdm, out, ("html", "docx"), omop={"cdm_path": cdm, "cohort_file": EXAMPLE, "extract_rows": True})
    facts = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return out, facts


def _keys(out: Path, kind: str) -> list[tuple[int, str]]:
    """(number, key) of the written tables or figures, from the file names table_NN_<key>.csv / figure_NN_<key>.png."""
    folder, suffix = ("tables", ".csv") if kind == "table" else ("figures", ".png")
    found = [re.fullmatch(rf"{kind}_(\d+)_(.+)", p.stem) for p in (out / folder).glob(f"*{suffix}")]
    return sorted((int(m.group(1)), m.group(2)) for m in found)


def test_ungraded_adverse_events_have_their_table_and_no_graded_one(omop_report):
    out, facts = omop_report
    keys = [key for _, key in _keys(out, "table")]
    assert "adverse_events_ungraded" in keys
    assert not {"adverse_events", "adverse_event_categories", "adverse_events_related"} & set(keys)
    ungraded = facts["ungraded_adverse_events"]
    assert ungraded["source"] == "recorded as conditions in the database"
    assert ungraded["rows"][0]["term"] == "Any adverse event" and ungraded["rows"][0]["patients"] > 0
    adae = (out / "datasets" / "adae.csv").read_text(encoding="utf-8").splitlines()
    header = adae[0].split(",")
    assert len(adae) > 1 and "ungraded_source" in header
    grades = {line.split(",")[header.index("grade")] for line in adae[1:]}
    assert grades == {""}  # the grade is missing, never invented
    csv = next((out / "tables").glob("table_*_adverse_events_ungraded.csv")).read_text(encoding="utf-8")
    assert "Grade" not in csv.splitlines()[0] and "Patients with at least one record, n (%)" in csv
    terms = {row["term"]: row["patients"] for row in ungraded["rows"]}
    for line in csv.splitlines()[1:]:
        if line and line.split(",")[0] in terms:
            assert line.split(",")[1].startswith(f"{terms[line.split(',')[0]]} (")
    note = "recorded as conditions in the database; severity (CTCAE grade) not available"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert note in page
    from docx import Document

    document = Document(out / "report.docx")
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows
                                                     for c in row.cells]
    assert any(note in t for t in texts)


def test_every_endpoint_has_its_section_in_the_declared_order(omop_report):
    out, facts = omop_report
    assert [e["endpoint"] for e in facts["endpoints"]] == ["OS", "PFS", "TTD", "TTNT"]
    assert list(facts["survival"]) == ["OS", "PFS", "TTD", "TTNT"] or sorted(facts["survival"]) == [
        "OS", "PFS", "TTD", "TTNT"]
    figures = [key for _, key in _keys(out, "figure")]
    km = [key for key in figures if re.fullmatch(r"km_[a-z]+", key)]
    assert km == ["km_os", "km_pfs", "km_ttd", "km_ttnt"]
    for name in ("TTD", "TTNT"):
        e = facts["survival"][name]
        assert e["n"] == facts["study"]["n_included"] and e["events"] + e["censored"] == e["n"]
        assert e["median"]["method"]
    page = (out / "report.html").read_text(encoding="utf-8")
    text = " ".join(report_paragraphs(page))
    assert "time to treatment discontinuation (TTD), drug eras of the regimen with a 60-day gap" in text
    assert "time to next treatment (TTNT), the first later therapy" in text
    assert "real-world progression-free survival (PFS)" in text
    survival_csv = next((out / "tables").glob("table_*_survival.csv")).read_text(encoding="utf-8")
    assert "Time to treatment discontinuation" in survival_csv and "Censored, n" in survival_csv


def test_no_response_sections_without_response_assessments(omop_report):
    out, facts = omop_report
    assert facts["response"]["assessed"] is False and facts["esmo_mcbs"] is None and facts["design"] is None
    keys = {key for kind in ("table", "figure") for _, key in _keys(out, kind)}
    assert not keys & set(RESPONSE_ITEMS)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("The data hold no tumour response assessment") == 1
    assert "response rates shown are not estimates" not in page
    for kind in ("table", "figure"):
        numbers = [n for n, _ in _keys(out, kind)]
        assert numbers == list(range(1, len(numbers) + 1)), kind
    cited = {int(n) for n in re.findall(r"Table (\d+)", page)}
    assert cited == set(range(1, len(_keys(out, "table")) + 1))


def test_omop_report_text_reads_like_a_manuscript(omop_report):
    out, facts = omop_report
    page = (out / "report.html").read_text(encoding="utf-8")
    paragraphs = report_paragraphs(page)
    assert paragraphs[0].startswith("Data came from an Observational Medical Outcomes Partnership (OMOP) Common "
                                    "Data Model database")
    assert check_style(facts, paragraphs) == {}
    assert check_captions_and_notes(facts, page) == {}


def test_without_index_dates_the_patients_sentence_starts_in_words(demo_results):
    """Without an index period (results.json null): the first sentence must not read "In , 2940 patients were
    screened"."""
    from oncocohort.report.narrative import results_paragraphs
    from oncocohort.report.results_json import results_dict

    facts = results_dict(demo_results)
    facts["study"]["first_index_month"] = facts["study"]["last_index_month"] = None
    text = dict(results_paragraphs(facts))["Patients"]
    assert text.startswith("A total of 38 patients were screened and 32 were included")
    assert "In ," not in text


def test_the_patients_sentence_gives_the_index_period_by_month(demo_results):
    """The index period is read from the month keys (the only ones a report from aggregates has)."""
    from oncocohort.report.narrative import results_paragraphs
    from oncocohort.report.results_json import results_dict

    facts = results_dict(demo_results)
    facts["study"].update(first_index_date=None, last_index_date=None, first_index_month="2015-03",
                          last_index_month="2022-06", analysis="aggregates")
    text = dict(results_paragraphs(facts))["Patients"]
    assert text.startswith("Between March 2015 and June 2022, 38 patients were screened")
    facts["study"]["last_index_month"] = "2015-03"
    assert dict(results_paragraphs(facts))["Patients"].startswith("In March 2015, 38 patients were screened")


def test_a_report_from_aggregates_says_its_ph_tests_but_does_not_claim_firth(demo_results):
    """The aggregate path tests proportional hazards from per-event-time sums (engine/cox.py) but fits no Firth
    model: the methods say the first and not the second, and the results cite the PH test under each Cox table."""
    from oncocohort.report.narrative import methods_paragraph, results_paragraphs
    from oncocohort.report.results_json import results_dict

    facts = results_dict(demo_results)
    assert facts["study"]["analysis"] == "patient-level"
    facts["study"]["analysis"] = "aggregates"  # no data-source sentence at all: the mode alone decides
    assert facts["study"]["data_source"] is None
    methods = methods_paragraph(facts)
    assert "Firth-penalised model" not in methods
    assert "Firth's penalised likelihood is not computed from aggregates" in methods
    assert "proportional hazards were checked with scaled Schoenfeld residuals (R cox.zph), the residuals summed " \
           "per event time in the database" in methods
    assert "each with its test of proportional hazards" in " ".join(text for _, text in results_paragraphs(facts))
    plain = results_dict(demo_results)
    assert "cox.zph" in methods_paragraph(plain) and "summed per event time" not in methods_paragraph(plain)
    # a data-source sentence that happens to say "only aggregates left the database" does not change the mode
    plain["study"]["data_source"] = ("Data came from an OMOP Common Data Model database (x), analysed with DuckDB "
                                     "through Ibis; the cohort was y, and only aggregates left the database (z).")
    assert "cox.zph" in methods_paragraph(plain) and "summed per event time" not in methods_paragraph(plain)
