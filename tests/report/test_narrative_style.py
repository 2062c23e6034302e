"""A grammar and style check over the report's text, as an editor would read it, on the demo and on the studies
where wording breaks: one patient, everyone censored, nobody responding, and SPSS-mode intervals.

Each rule is one function returning its violations, so a failure names the rule and the offending words."""

from __future__ import annotations

import re

import pytest

from oncocohort.io.template import STUDY_TOML
from oncocohort.present.vocabulary import ABBREVIATION_PATTERN, NOT_ABBREVIATIONS, Vocabulary, in_sentence
from oncocohort.report.build import analyse_folder
from oncocohort.report.narrative import narrative
from oncocohort.report.results_json import results_dict
from tests.study_builder import example_tables, write_study

NOUNS = ("patient", "responder", "event", "death", "response", "lesion", "month", "week", "day", "year")


def _text(facts) -> list[str]:
    return [text for _, text in narrative(facts)]


def plural_disagreements(paragraphs: list[str]) -> list[str]:
    """"1 patients", "3 patient", "0 patients" (zero is written in words)."""
    text = " ".join(paragraphs)
    nouns = "|".join(NOUNS)
    bad = re.findall(rf"(?<![\d.,–−])\b1 (?:{nouns})s\b", text)
    bad += re.findall(rf"(?<![\d.,–−])(?<!grade )\b(?:[02-9]|\d{{2,}}) (?:{nouns})\b(?!s)", text)
    bad += re.findall(rf"(?<![\d.,–−])\b0 (?:{nouns})s?\b", text)
    bad += re.findall(r"\b(?:1|one) (?:patient|responder) were\b|\b(?:[02-9]|\d{2,}) patients was\b", text)
    return bad


def raw_names(paragraphs: list[str]) -> list[str]:
    """Field names and data codes: words with underscores or a field:drug colon, and known codes."""
    text = " ".join(paragraphs)
    return re.findall(r"\b\w+_\w+\b|\b[a-z_]+:[\w-]+", text)


def undefined_abbreviations(paragraphs: list[str], labels: dict) -> list[str]:
    """Abbreviations whose long form is not written before (or at) their first use."""
    vocabulary = Vocabulary(labels)
    seen, bad = set(), []
    text = " ".join(paragraphs)
    for match in ABBREVIATION_PATTERN.finditer(text):
        short = match.group(0)
        if short in seen or short in NOT_ABBREVIATIONS:
            continue
        seen.add(short)
        words = vocabulary.long_form(short)
        if words is None or words.lower() not in text[:match.start()].lower():
            bad.append(short)
    return bad


def percent_styles(paragraphs: list[str]) -> set[str]:
    """The ways a percentage is written: "34.4%" and "34.4 %" must not both appear."""
    text = " ".join(paragraphs)
    return {"no space" for _ in re.findall(r"\d%", text)[:1]} | {"space" for _ in re.findall(r"\d %", text)[:1]}


def doubled_methods(paragraphs: list[str]) -> list[str]:
    """The same method named twice in one parenthesis or one sentence ("95% CI …; 95% CI, Clopper–Pearson")."""
    bad = []
    for text in paragraphs:
        bad += re.findall(r"\([^()]*95% CI[^()]*95% CI[^()]*\)", text)
        for sentence in _sentences(text):
            for phrase in ("Clopper–Pearson", "Wilson", "exact binomial test", "log-rank test", "Kaplan–Meier method"):
                if sentence.count(phrase) > 1:
                    bad.append(sentence)
    return bad


def unexplained_negative_limits(paragraphs: list[str]) -> list[str]:
    """A CI with a negative limit, with no sentence saying why it is kept."""
    text = " ".join(paragraphs)
    negatives = re.findall(r"95% CI −\d[^)]*\)", text)
    return negatives if negatives and "not truncated at zero" not in text else []


def stacked_parentheses(paragraphs: list[str]) -> list[str]:
    """Two parentheticals in a row, ")(" or ") (" — "(RECIST 1.1) (without confirmation of responses)" — which
    an editor rewrites as one clause."""
    return [m.group(0) for text in paragraphs for m in re.finditer(r"[^()\s]*\)\s?\([^()]*\)", text)]


def nested_parentheses(texts: list[str]) -> list[str]:
    """A parenthesis inside a parenthesis, at any depth ("(Cox proportional-hazards model (Efron ties), Wald CI)",
    "((95% CI …))"), which an editor rewrites with a semicolon or square brackets: each outermost parenthesis that
    holds another."""
    bad = []
    for text in texts:
        start, depth, nested = 0, 0, False
        for i, character in enumerate(text):
            if character == "(":
                start, nested = (i, False) if depth == 0 else (start, True)
                depth += 1
            elif character == ")" and depth:
                depth -= 1
                if depth == 0 and nested:
                    bad.append(text[start:i + 1])
    return bad


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.])\s+(?=\S)", paragraph) if s]


def bad_sentences(paragraphs: list[str]) -> list[str]:
    """Sentences that do not start with a capital letter or do not end with a period."""
    bad = []
    for paragraph in paragraphs:
        if not paragraph.endswith("."):
            bad.append(paragraph[-40:])
        bad += [s for s in _sentences(paragraph) if not s[0].isupper()]
    return bad


def bare_citations(paragraphs: list[str]) -> list[str]:
    """A table or figure cited without saying what it shows ("see Table 6;"), or a pronoun with nothing to stand
    for ("The only one (Table 7) was fatigue")."""
    text = " ".join(paragraphs)
    return re.findall(r"\b[Ss]ee (?:Table|Figure)s? \d+(?: and \d+)?[;.]", text) + re.findall(
        r"\bThe (?:only one|most common) \(", text)


def dangling_words(texts: list[str]) -> list[str]:
    """Leftovers an editor would strike: "patient(s)", a list that was never filled in ("p by .")."""
    bad = []
    for text in texts:
        bad += re.findall(r"\w+\(s\)", text) + re.findall(r"\b\w+ by [.;,]", text)
    return bad


def capitalised_labels(texts: list[str], facts) -> list[str]:
    """A subgroup factor's label with its capital inside a sentence ("ORR by Initial dose", "…, Histological
    subtype"), where :func:`in_sentence` writes it in lower case; allowed at the start of a text, a sentence or a list
    item (after ": " or "; ")."""
    labels = {g["factor"] for groups in facts.get("subgroup_survival", {}).values() for g in groups}
    bad = []
    for label in sorted(labels - {in_sentence(label) for label in labels}):
        for text in texts:
            bad += [text[max(0, m.start() - 12):m.end()] for m in re.finditer(re.escape(label), text)
                    if re.search(r"(?:\w|,) $", text[:m.start()])]
    return bad


def report_captions_and_notes(page: str) -> tuple[list[str], list[str]]:
    """(captions and notes, table titles) of a written report.html: figure captions, each table note, the data
    notes — sentences a reader reads — and the table titles."""
    import html

    def plain(fragment: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()

    sentences = re.findall(r"<figcaption>(.*?)</figcaption>", page, flags=re.S)
    for foot in re.findall(r"<tfoot>(.*?)</tfoot>", page, flags=re.S):
        sentences += re.split(r"<br\s*/?>", foot)
    for notes in re.findall(r'<ul class="data-notes">(.*?)</ul>', page, flags=re.S):
        sentences += re.findall(r"<li>(.*?)</li>", notes, flags=re.S)
    titles = re.findall(r"<caption>(.*?)</caption>", page, flags=re.S)
    return [plain(t) for t in sentences if plain(t)], [plain(t) for t in titles]


def report_cells(page: str) -> list[str]:
    """Every table cell of a written report.html, as text."""
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page,
                                                                                  flags=re.S)]


def check_captions_and_notes(facts, page: str) -> dict[str, list]:
    """The rules that apply outside the narrative, over captions, table titles, notes, data notes and cells."""
    sentences, titles = report_captions_and_notes(page)
    problems = {"plural": plural_disagreements(sentences + titles), "dangling": dangling_words(sentences),
                "sentences": bad_sentences(sentences), "nested parentheses": nested_parentheses(sentences),
                "capitalised labels": capitalised_labels(sentences + titles + report_cells(page), facts)}
    return {rule: found for rule, found in problems.items() if found}


def check_style(facts, paragraphs: list[str] | None = None) -> dict[str, list]:
    """Every rule's violations in the narrative of ``facts`` (or in the ``paragraphs`` given, read from a report)."""
    paragraphs = _text(facts) if paragraphs is None else paragraphs
    labels = facts["settings"].get("labels", {})
    problems = {"plural": plural_disagreements(paragraphs), "raw names": raw_names(paragraphs),
                "abbreviations": undefined_abbreviations(paragraphs, labels),
                "percent styles": sorted(percent_styles(paragraphs)) if len(percent_styles(paragraphs)) > 1 else [],
                "doubled methods": doubled_methods(paragraphs),
                "negative limits": unexplained_negative_limits(paragraphs), "sentences": bad_sentences(paragraphs),
                "stacked parentheses": stacked_parentheses(paragraphs),
                "nested parentheses": nested_parentheses(paragraphs), "bare citations": bare_citations(paragraphs)}
    return {rule: found for rule, found in problems.items() if found}


def _facts(folder):
    _, _, results = analyse_folder(folder)
    return results_dict(results)


def _one_patient(tables):
    return {name: [row for row in rows if row.get("patient_id") != "P002"] for name, rows in tables.items()}


def _all_censored(tables):
    tables["followup"][1] = {"patient_id": "P002", "last_known_alive_date": "2022-01-15"}
    return tables


def _no_responder(tables):
    for row in tables["lesions"]:
        if row["patient_id"] == "P001" and row["lesion_id"] == "T1" and row["assessment_date"] == "2021-04-20":
            row["diameter_mm"] = 40
    return tables


LABELS_TOML = '\n[labels]\nSS = "synovial sarcoma"\nASPS = "alveolar soft part sarcoma"\n'


@pytest.fixture(scope="module")
def small_study_folders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("styles")
    return {name: write_study(folder / name, change(example_tables()), toml=STUDY_TOML + LABELS_TOML)
            for name, change in (("one patient", _one_patient), ("all censored", _all_censored),
                                 ("no responder", _no_responder))}


@pytest.fixture(scope="module")
def small_studies(small_study_folders):
    return {name: _facts(folder) for name, folder in small_study_folders.items()}


def report_paragraphs(page: str) -> list[str]:
    """The text paragraphs of a written report.html (methods and results sections; tables, captions left out)."""
    import html

    paragraphs = re.findall(r"<h[23][^>]*>[^<]*</h[23]>\s*<p>(.*?)</p>", page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in paragraphs]


def test_demo_narrative_reads_like_a_manuscript(demo_results):
    facts = results_dict(demo_results)
    assert check_style(facts) == {}
    text = " ".join(_text(facts))
    assert "synovial sarcoma (SS)" in text and "no patient had a complete response" in text.lower()
    assert "by Initial" not in text and "0-1 9.1" not in text and "patient_choice" not in text


@pytest.mark.parametrize("case", ["one patient", "all censored", "no responder"])
def test_small_study_narrative_reads_like_a_manuscript(small_studies, case):
    facts = small_studies[case]
    assert check_style(facts) == {}


@pytest.mark.parametrize("case", ["one patient", "all censored", "no responder"])
def test_small_study_report_reads_like_a_manuscript(small_study_folders, tmp_path, case):
    """The whole report is built (tables, figures, numbering, citations) and its written text is checked."""
    import json

    from oncocohort.report.build import build_report

    build_report(small_study_folders[case], tmp_path / "out", ("html",))
    facts = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    paragraphs = report_paragraphs(page)
    assert len(paragraphs) >= 5 and paragraphs[0].startswith("Tumour response")
    assert check_style(facts, paragraphs) == {}
    assert check_captions_and_notes(facts, page) == {}


def test_the_small_studies_are_what_their_names_say(small_studies):
    assert small_studies["one patient"]["study"]["n_included"] == 1
    assert small_studies["all censored"]["survival"]["OS"]["events"] == 0
    assert small_studies["all censored"]["survival"]["PFS"]["events"] == 0
    assert small_studies["no responder"]["response"]["orr"]["x"] == 0
    text = " ".join(_text(small_studies["no responder"]))
    assert "No patient responded" in text
    text = " ".join(_text(small_studies["one patient"]))
    assert "1 patient was screened and 1 was included" in text


def test_one_median_follow_up_everywhere(demo_results):
    """The reverse Kaplan–Meier follow-up of OS is the only follow-up in results.json, text and table."""
    facts = results_dict(demo_results)
    assert "follow_up_reverse_km" not in facts["survival"]["PFS"]
    text = " ".join(_text(facts))
    value = f"{facts['follow_up']['estimate']:.1f}"
    assert f"median follow-up, by the reverse Kaplan–Meier method for OS, was {value} months" in text
    assert facts["follow_up"]["endpoint"] == "OS" and value == "32.3"


def test_each_rule_catches_its_fault():
    """The checks fail on the faults the issue lists (so a green style test means something)."""
    assert plural_disagreements(["Of them, 1 patients died and 0 patients had a response."]) == ["1 patients",
                                                                                               "0 patients"]
    assert raw_names(["Median PFS by starting_dose:anlotinib was long; stopped for patient_choice."])
    assert undefined_abbreviations(["Median PFS was 9.1 months for SS."], {"SS": "synovial sarcoma"}) == ["PFS", "SS"]
    assert len(percent_styles(["It was 34.4 % and 34.4%."])) == 2
    assert doubled_methods(["The DCR was 84.4% (95% CI 67.2–94.7%; 95% CI, Clopper–Pearson exact)."])
    assert unexplained_negative_limits(["The median was 5.0 months (95% CI −3.7 to 13.6)."])
    assert bad_sentences(["0-1 9.1; 2 5.1 months. fine"])
    assert stacked_parentheses(["Derived by RECIST version 1.1 (RECIST 1.1) (without confirmation of responses).",
                                "The ORR was 5% (1 of 20)(95% CI 0–25%)."]) == [
        "1.1) (without confirmation of responses)", "20)(95% CI 0–25%)"]
    assert stacked_parentheses(["The ORR (one of 20 patients) was 5% (95% CI 0–25%)."]) == []
    assert nested_parentheses(["Hazard ratios (Cox proportional-hazards model (Efron ties), Wald CI).",
                               "Hazard ratios; Cox proportional-hazards model (Efron ties), Wald CI."]) == [
        "(Cox proportional-hazards model (Efron ties), Wald CI)"]
    assert nested_parentheses(["It was 15.6 months ((95% CI 3.8–NE)).", "OS (hazard ratio (HR) 0.8 (Cox)) and (a).",
                               "The CI (95% confidence interval [CI] 0.6–0.9) (Wald)."]) == [
        "((95% CI 3.8–NE))", "(hazard ratio (HR) 0.8 (Cox))"]
    assert check_style({"settings": {}}, ["The median was 15.6 months (95% confidence interval (CI) 3.8–21.0)."]) \
        == {"nested parentheses": ["(95% confidence interval (CI) 3.8–21.0)"]}
    assert bare_citations(["See Table 8; Table 9 shows the rest.", "The only one (Table 7) was fatigue."]) == [
        "See Table 8;", "The only one ("]
    assert dangling_words(["Left out: 1 patient(s) who died.", "Labels: responders/patients; p by ."]) == [
        "patient(s)", "p by ."]
    facts = {"subgroup_survival": {"PFS": [{"factor": "Initial dose of anlotinib (mg)"},
                                           {"factor": "ECOG performance status"}]}}
    assert capitalised_labels(["ORR by Initial dose of anlotinib (mg)", "Initial dose of anlotinib (mg)",
                               "ECOG performance status, Initial dose of anlotinib (mg) p = 0.7",
                               "p by ECOG performance status: x; Initial dose of anlotinib (mg): y."], facts) == [
        "ORR by Initial dose of anlotinib (mg)", "nce status, Initial dose of anlotinib (mg)"]


def test_spss_mode_says_what_spss_does_and_keeps_negative_limits(demo_study, tmp_path):
    import shutil

    from oncocohort.report.build import build_tables

    study = tmp_path / "spss"
    shutil.copytree(demo_study, study)
    toml = (study / "study.toml").read_text()
    (study / "study.toml").write_text(toml.replace('median_ci = "survfit"', 'median_ci = "spss"'))
    _, _, results = analyse_folder(study)
    facts = results_dict(results)
    assert check_style(facts) == {}
    methods = _text(facts)[0]
    assert "median ± 1.96 × standard error (SE)" in methods and "Greenwood" in methods
    assert "without transformation" in methods
    assert "log transformation" not in methods and "not truncated at zero" in methods
    negative = [lv for g in results.subgroup_survival for lv in g.levels
                if lv.median.lower is not None and lv.median.lower < 0]
    assert negative, "the demo's SPSS intervals include a lower limit below zero"
    tables = build_tables(results)
    table2 = tables["subgroups_pfs"]
    cells = [c for row in table2.rows for c in row.cells]
    assert any(" to " in c and "−" in c for c in cells) and not any("(-" in c for c in cells)
    assert any("Median CIs as SPSS computes them: median ± 1.96 × SE" in note and "not truncated at zero" in note
               for note in table2.footnotes)


def test_demo_report_text_reads_like_a_manuscript(report_dir):
    """The demo's text as the report writes it (citations and "Table N shows …" sentences included)."""
    import json

    facts = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    paragraphs = report_paragraphs(page)
    assert len(paragraphs) >= 6 and check_style(facts, paragraphs) == {}
    assert check_captions_and_notes(facts, page) == {}


@pytest.mark.parametrize("case", ["one patient", "all censored"])
def test_small_study_figure_texts_read_like_a_manuscript(small_study_folders, case):
    """Every text drawn in the figures and every caption: "0 events / 1 patients" was the KM panel's text."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from oncocohort.report.build import build_figures

    _, _, results = analyse_folder(small_study_folders[case])
    texts = []
    for drawn in build_figures(results):
        texts += [t.get_text() for t in drawn.figure.findobj(Text) if t.get_text().strip()] + [drawn.caption]
        plt.close(drawn.figure)
    assert plural_disagreements(texts) == [] and dangling_words(texts) == []


@pytest.mark.parametrize("style, at_one, tiny_floor", [("default", "p > 0.99", "p < 0.001"),
                                                       ("lancet", "p>0·99", "p<0·0001"),
                                                       ("jama", "P > .99", "P < .001"),
                                                       ("nejm", "P>0.99", "P<0.001")])
def test_p_values_at_both_ends_in_each_style(demo_results, style, at_one, tiny_floor):
    """The demo's Fisher test of ORR by starting dose has p = 1 (4/11 against 7/21): written as the journal writes
    it, never "p = 1.000"; a p below the floor as "p < 0.001" (never "p = 0.000")."""
    from oncocohort.present.journal_style import get_style

    facts = results_dict(demo_results)
    dose = next(g for g in facts["response"]["subgroups"] if "dose" in g["factor"].lower())
    assert dose["test"]["p"] == pytest.approx(1.0)
    text = " ".join(_text_in(facts, get_style(style)))
    assert f"{at_one}, Fisher" in text
    assert not re.search(r"[pP] ?= ?[01][.·]0+\b", text)  # neither "p = 1.000" nor "p = 0.000"
    dose["test"]["p"] = 1e-7
    assert f"{tiny_floor}, Fisher" in " ".join(_text_in(facts, get_style(style)))


def _text_in(facts, style) -> list[str]:
    return [text for _, text in narrative(facts, style)]
