"""Every key number of the demo report — in the narrative, the efficacy, survival and subgroup tables and the
figures' annotations — equals the number results.json holds for it, to the digits printed.

Unlike the membership check of test_report.py (a printed number exists somewhere in results.json), each number here
is read from its place (the ORR sentence, the "Median" row, the HR cell of a level) and compared with the one
results.json value it stands for: ORR, DCR, CBR, best-response counts, PFS/OS events and medians, follow-up,
subgroup medians, n and events, univariable and multivariable hazard ratios, adverse-event counts."""

from __future__ import annotations

import csv
import html
import json
import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from oncocohort.report.build import build_figures

NUMBER = r"−?\d+(?:\.\d+)?"
ESTIMATE_CI = re.compile(rf"^({NUMBER}|NR) \(({NUMBER}|NE)(?:–| to )({NUMBER}|NE)\)$")


def shown(printed: str, value, scale: float = 1.0) -> bool:
    """``printed`` is ``value`` × ``scale`` rounded to the digits shown ("NE"/"NR": value is None)."""
    if printed in ("NE", "NR"):
        return value is None
    if value is None:
        return False
    printed = printed.replace("−", "-")
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - scale * value) <= 0.5 * 10 ** -decimals + 1e-9


def shown_ci(cell: str, estimate, lower, upper, scale: float = 1.0) -> bool:
    """``7.6 (5.0–14.1)`` is (estimate, lower, upper)."""
    match = ESTIMATE_CI.match(cell)
    assert match, cell
    return all(shown(p, v, scale) for p, v in zip(match.groups(), (estimate, lower, upper)))


def count_percent(cell: str, x: int, n: int) -> bool:
    """``11 (34.4)`` is x of n."""
    count, pct = re.match(rf"^(\d+) \(({NUMBER})\)$", cell).groups()
    return int(count) == x and shown(pct, x / n, 100)


@pytest.fixture(scope="module")
def facts(report_dir):
    return json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def text(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>|src=\"data:[^\"]*\"", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def table(report_dir, key: str) -> list[list[str]]:
    path = next((report_dir / "tables").glob(f"table_*_{key}.csv"))
    return list(csv.reader(path.open(encoding="utf-8")))


def rows_by_label(rows) -> dict[str, list[str]]:
    return {row[0].strip(): row[1:] for row in rows[1:]}


def test_narrative_numbers_equal_results_json(facts, text):
    response = facts["response"]
    for name in ("ORR", "DCR", "CBR"):
        key = {"ORR": "orr", "DCR": "dcr", "CBR": "clinical_benefit"}[name]
        estimate, low, high = re.search(rf"\b{name}\)? was ({NUMBER})% \(95% CI ({NUMBER})–({NUMBER})%\)",
                                        text).groups()
        value = response[key]
        assert shown(estimate, value["estimate"], 100) and shown(low, value["lower"], 100)
        assert shown(high, value["upper"], 100), name
    words = {"CR": "a complete response", "PR": "a partial response", "SD": "stable disease",
             "PD": "progressive disease"}
    for code, phrase in words.items():
        match = re.search(rf"{phrase} in (\d+)(?: patients)? \(({NUMBER})%\)", text)
        if response["counts"].get(code):
            assert match and int(match[1]) == response["counts"][code]
            assert shown(match[2], response["counts"][code] / response["n"], 100)
    study = facts["study"]
    screened, included, excluded = re.search(r"(\d+) patients were screened and (\d+) were included; (\d+) were "
                                             "excluded", text).groups()
    assert (int(screened), int(included), int(excluded)) == (study["n_screened"], study["n_included"],
                                                             study["n_excluded"])
    for name, event_words in (("PFS", "PFS events \\(progression or death\\)"), ("OS", "Deaths")):
        e = facts["survival"][name]
        events, n, median, low, high = re.search(
            rf"{event_words} occurred in (\d+) of the (\d+) patients .*?the median {name} was ({NUMBER}) months "
            rf"\(95% CI ({NUMBER})–({NUMBER})\)", text).groups()
        assert (int(events), int(n)) == (e["events"], e["n"])
        assert shown_ci(f"{median} ({low}–{high})", *(e["median"][k] for k in ("estimate", "lower", "upper")))
    follow_up = re.search(rf"median follow-up, by the reverse Kaplan–Meier method for OS, was ({NUMBER}) months",
                          text)[1]
    assert shown(follow_up, facts["follow_up"]["estimate"])
    any_row = facts["adverse_events"]["rows"][0]
    x, n, pct = re.search(rf"adverse events occurred in (\d+) of the (\d+) patients \(({NUMBER})%\)", text).groups()
    assert (int(x), int(n)) == (any_row["any_grade"], facts["adverse_events"]["n"])
    assert shown(pct, any_row["percent"]["any_grade"])
    for group in facts["subgroup_survival"]["PFS"]:  # "Median PFS … was 9.1 months for ECOG performance status 0-1"
        for level in group["levels"]:
            if level["median"]["estimate"] is not None and re.fullmatch(r"[\w ()-]+", level["level"]):
                words = rf"(?:(?! months)[^,;])*?(?<![\w-]){re.escape(level['level'])}(?![\w-])"
                printed = re.findall(rf"({NUMBER}) months for {words}", text, flags=re.IGNORECASE)
                assert any(shown(p, level["median"]["estimate"]) for p in printed), level


def test_efficacy_table_equals_results_json(report_dir, facts):
    rows = rows_by_label(table(report_dir, "efficacy"))
    response = facts["response"]
    for label, key in (("Objective response rate (CR + PR)", "orr"), ("Disease control rate (CR + PR + SD)", "dcr")):
        value = response[key]
        assert count_percent(rows[label][0], value["x"], value["n"])
        low, high = rows[label][1].split("–")
        assert shown(low, value["lower"], 100) and shown(high, value["upper"], 100)
    for label, code in (("Complete response (CR)", "CR"), ("Partial response (PR)", "PR"),
                        ("Stable disease (SD)", "SD"), ("Progressive disease (PD)", "PD")):
        assert count_percent(rows[label][0], response["counts"].get(code, 0), response["n"]), label


def test_survival_table_equals_results_json(report_dir, facts):
    rows = table(report_dir, "survival")
    endpoints = {"Progression-free survival": "PFS", "Overall survival": "OS"}
    columns = [endpoints[h] for h in rows[0][1:]]
    cells = rows_by_label(rows)
    for column, name in enumerate(columns):
        e = facts["survival"][name]
        assert int(cells["Patients, n"][column]) == e["n"]
        assert count_percent(cells["Events, n (% maturity)"][column], e["events"], e["n"])
        assert shown_ci(cells[f"Median, {facts['study']['time_unit']} (95% CI)"][column],
                        *(e["median"][k] for k in ("estimate", "lower", "upper")))
        for mark in e["landmarks"]:
            label = f"{mark['time']:g}-month rate, % (95% CI)"
            assert shown_ci(cells[label][column], mark["surv"], mark["lower"], mark["upper"], 100), label
    follow_up = facts["follow_up"]
    assert shown_ci(cells["Median follow-up, months (95% CI)"][columns.index("OS")],
                    follow_up["estimate"], follow_up["lower"], follow_up["upper"])


@pytest.mark.parametrize("endpoint", ["PFS", "OS"])
def test_subgroup_table_equals_results_json(report_dir, facts, endpoint):
    rows = table(report_dir, f"subgroups_{endpoint.lower()}")
    header = rows[0]
    column = {name: header.index(name) for name in header}
    groups = {g["factor"]: g for g in facts["subgroup_survival"][endpoint]}
    cox = facts["cox"][endpoint]
    univariable = {m["covariate"]: m for m in cox["univariable"]}
    multivariable = {t["term"]: t for t in cox["multivariable"]["terms"]}
    checked, group = 0, None
    for row in rows[1:]:
        if not row[0].startswith(" "):
            group = groups[row[0]]
            assert shown(row[column["Log-rank p"]], group["logrank"]["p"])
            continue
        level = next(lv for lv in group["levels"] if lv["level"] == row[0].strip())
        assert (int(row[column["n"]]), int(row[column["Events"]])) == (level["n"], level["events"])
        assert shown_ci(row[3], *(level["median"][k] for k in ("estimate", "lower", "upper")))
        term = f"{group['field']}[{level['level']}]"
        for title, terms in (("Univariable", {t["term"]: t for t in univariable[group["field"]]["terms"]}),
                             ("Multivariable", multivariable)):
            cell = row[column[f"{title} Cox: HR (95% CI)"]]
            if term in terms:
                t = terms[term]
                assert shown_ci(cell, t["hr"], t["lower"], t["upper"]) and shown(row[column[f"{title} Cox: p"]],
                                                                                 t["p"]), (title, term)
                checked += 1
            else:
                assert cell == "1 (reference)", (title, term)
    assert checked >= 10


def test_figure_annotations_equal_results_json(demo_results, facts):
    figures = {f.key: f for f in build_figures(demo_results)}
    texts = {key: [t.get_text() for t in f.figure.findobj(Text)] for key, f in figures.items()}
    for f in figures.values():
        plt.close(f.figure)
    for name in ("PFS", "OS"):
        median, events, n = re.search(rf"Median ({NUMBER}) months; (\d+) events / (\d+) patients",
                                      " | ".join(texts[f"km_{name.lower()}"])).groups()
        e = facts["survival"][name]
        assert shown(median, e["median"]["estimate"]) and (int(events), int(n)) == (e["events"], e["n"])
    forest = texts["forest_pfs"]
    printed = [t for t in forest if ESTIMATE_CI.match(t)]
    terms = facts["cox"]["PFS"]["multivariable"]["terms"]
    assert len(printed) == len(terms)
    for cell, term in zip(printed, terms):
        assert shown_ci(cell, term["hr"], term["lower"], term["upper"]), (cell, term["term"])
    waterfall = figures["waterfall"].caption
    x, n, pct = re.search(rf"ORR (\d+)/(\d+) = ({NUMBER})%", waterfall).groups()
    orr = facts["response"]["orr"]
    assert (int(x), int(n)) == (orr["x"], orr["n"]) and shown(pct, orr["estimate"], 100)


def test_the_comparison_catches_a_wrong_number():
    assert shown("34.4", 0.34375, 100) and not shown("34.5", 0.34375, 100)
    assert shown_ci("7.6 (5.0–14.1)", 7.6, 5.04, 14.1) and not shown_ci("7.6 (5.0–14.1)", 7.6, 5.06, 14.1)
    assert shown_ci("5.0 (−3.7 to 13.6)", 5.0, -3.7, 13.6) and shown("NE", None) and not shown("NE", 1.0)
    assert count_percent("11 (34.4)", 11, 32) and not count_percent("11 (34.4)", 12, 32)


def test_the_two_dose_reduction_numbers_name_their_definitions(report_dir, facts, text):
    """AEs recorded as leading to dose reduction (13 in the demo) and dose reductions in the dosing records (11) are
    different counts: the text and each table say which one they give, numbers as results.json holds them."""
    by_action = next(c for c in facts["adverse_event_categories"] if c["label"] == "Leading to dose reduction")
    assert re.search(rf"By the action recorded for each event, adverse events led to dose reduction in "
                     rf"{by_action['any_grade']} patients", text)
    reduced = facts["exposure"]["dose_reduction"]
    assert re.search(rf"By the dosing records, the dose was reduced for any reason in {reduced} patients "
                     rf"\({reduced / facts['exposure']['n']:.1%}\)", text)
    exposure = rows_by_label(table(report_dir, "exposure"))
    cell = exposure["Dose reduction in the dosing records, any reason, n (%)"][0]
    assert count_percent(cell, facts["exposure"]["dose_reduction"], facts["exposure"]["n"])
    assert "previous one, for any reason (adverse events recorded as leading to dose reduction" in text
    assert "the exposure table counts dose reductions in the dosing records" in text
