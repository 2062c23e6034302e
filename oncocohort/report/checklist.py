"""Reporting checklists (STROBE cohort, RECORD, ESMO-GROW): each item mapped to where this report answers it, with
a status decided from what results.json holds for this study — ``answered``, ``partly`` or ``not in the data``.

The items are package data (``oncocohort/reference/data/checklist_*.csv``: item id, title, a short paraphrase in
our own words — the guideline texts are the sources' — and the *evidence* rule that decides the item). Each
evidence rule below reads the results dictionary and the report's numbering (:mod:`.numbering`), so "Figure 1" is
the figure's real number in this report, and an item is only "answered" when the numbers are really there (no
flow figure → 13c is not answered). Items about the manuscript's prose (background, interpretation, funding) are
"not in the data": the author writes them. Written as ``checklist.json`` (sorted keys, no timestamps) and as the
report's closing "Reporting checklists" section.

Sources: von Elm E et al. STROBE statement, BMJ 2007;335:806–808 (cohort checklist, 22 items); Benchimol EI et al.
RECORD statement, PLoS Med 2015;12:e1001885; Castelo-Branco L et al. ESMO Guidance for Reporting Oncology
real-World evidence (GROW), Ann Oncol 2023;34:1097–1112 and ESMO Real World Data and Digital Oncology
2023;1:100003 (35 recommendations in six sections; the ESMO-GROW ids here, e.g. "M.7", are oncocohort's topic ids
within those sections, not the paper's numbering).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from importlib import resources

from ..present.table import Column, Row, Table

ANSWERED, PARTLY, NOT_IN_DATA = "answered", "partly", "not in the data"
STATUSES = (ANSWERED, PARTLY, NOT_IN_DATA)
CHECKLISTS = (
    ("STROBE", "checklist_strobe.csv", "STROBE statement, checklist for cohort studies (von Elm E et al. BMJ "
     "2007;335:806–808)"),
    ("RECORD", "checklist_record.csv", "RECORD statement, extension of STROBE for routinely collected health data "
     "(Benchimol EI et al. PLoS Med 2015;12:e1001885)"),
    ("ESMO-GROW", "checklist_esmo_grow.csv", "ESMO Guidance for Reporting Oncology real-World evidence (Castelo-Branco "
     "L et al. Ann Oncol 2023;34:1097–1112); item ids are oncocohort's topic ids within the paper's sections"),
)
AUTHOR = "the manuscript text (the author writes it)"
CRITERIA_NAMES = {"recist1.1": "RECIST 1.1", "irecist": "iRECIST", "choi": "Choi criteria",
                  "recorded": "recorded responses"}


@dataclass(frozen=True)
class ChecklistItem:
    """One item: its id and title, our paraphrase, the evidence rule name, and for this report status and where."""

    item: str
    title: str
    paraphrase: str
    evidence: str
    status: str
    where: str

    def to_dict(self) -> dict:
        return {"item": self.item, "title": self.title, "paraphrase": self.paraphrase, "status": self.status,
                "where": self.where}


def read_items(file_name: str) -> list[dict]:
    """The rows of one checklist data file (item, title, paraphrase, evidence)."""
    text = resources.files("oncocohort.reference").joinpath("data", file_name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


class _Evidence:
    """The evidence rules: each returns (status, where) from the results dictionary and the numbering."""

    def __init__(self, r: dict, numbering, data_notes: bool):
        self.r, self.numbering, self.data_notes = r, numbering, data_notes

    @property
    def criteria(self) -> str:
        """The response criteria in words ("RECIST 1.1")."""
        value = self.r["settings"]["response_criteria"]
        return CRITERIA_NAMES.get(value, value)

    def _at(self, key: str, what: str) -> str | None:
        return f"{self.numbering[key].label}, {what}" if key in self.numbering else None

    def _join(self, *parts) -> str:
        return "; ".join(p for p in parts if p)

    def author(self):
        return NOT_IN_DATA, AUTHOR

    def title(self):
        return PARTLY, "report title (study.toml [study] title); the design words are the author's"

    def historical_rate(self):
        tests = (self.r.get("response") or {}).get("tests") or {}
        if tests:
            names = ", ".join(sorted(name.upper() for name in tests))
            return PARTLY, f"Statistical methods: {names} tested against the historical rate (study.toml); the " \
                           "objectives in words are the author's"
        return NOT_IN_DATA, AUTHOR + "; no historical rate in study.toml [analysis]"

    def design(self):
        return PARTLY, "Statistical methods: single-arm cohort from the index date to the data cutoff; registration " \
                       "and protocol are the author's"

    def setting(self):
        s = self.r["study"]
        first, last = (s.get("first_index_date"), s.get("last_index_date")) if s.get("first_index_date") else (
            s.get("first_index_month"), s.get("last_index_month"))  # a report from aggregates: months only
        if s.get("data_cutoff") and first:
            return PARTLY, f"report introduction: index dates {first} to {last}, " \
                           f"data cutoff {s['data_cutoff']}; centres and locations are not in the data"
        return NOT_IN_DATA, "no index dates or data cutoff"

    def setting_partly(self):
        status, where = self.setting()
        return (PARTLY, where.replace("centres and locations are", "the region is")) if status != NOT_IN_DATA \
            else (status, where)

    def eligibility(self):
        steps = self.r.get("attrition") or []
        if not steps:
            return NOT_IN_DATA, "no eligibility criteria in study.toml"
        return ANSWERED, self._join(self._at("flow", "patient flow"),
                                    f"{len(steps)} eligibility criteria in order (results.json attrition)")

    def not_applicable_matching(self):
        return NOT_IN_DATA, "not applicable: no matching in a single-arm cohort"

    def variables(self):
        return ANSWERED, self._join("Statistical methods: end point definitions (PFS, OS, DoR; censoring rules)",
                                    self._at("baseline", "baseline variables"))

    def measurement(self):
        s = self.r["settings"]
        return PARTLY, f"Statistical methods: response by {self.criteria}, adverse events by CTCAE " \
                       f"v{s['ctcae_version']}; the source of each variable (records, imaging) is the author's"

    def bias(self):
        lm = self.r.get("landmark_analyses") or {}
        parts = []
        if lm.get("os_by_response"):
            parts.append(self._at("os_by_response", "OS by response at a landmark (immortal-time bias)")
                         or "OS by response at a landmark")
        if lm.get("pfs_censoring"):
            parts.append(self._at("pfs_censoring", "PFS under alternative censoring rules")
                         or "PFS censoring sensitivity")
        return (PARTLY, self._join(*parts) + "; other sources of bias are the author's") if parts else \
            (NOT_IN_DATA, AUTHOR)

    def study_size(self):
        s = self.r["study"]
        return PARTLY, self._join(self._at("flow", "patient flow"),
                                  f"{s['n_included']} of {s['n_screened']} screened patients included (all eligible "
                                  "patients; no sample-size calculation in a retrospective cohort)")

    def quantitative(self):
        continuous = [b["label"] for b in self.r.get("baseline", []) if b["type"] == "continuous"]
        where = self._join(self._at("baseline", "continuous variables as median (range)"),
                           "subgroup groupings from study.toml [[analysis.subgroups]]"
                           if self.r.get("subgroup_survival") else None)
        return (ANSWERED if continuous else PARTLY), where or "no continuous baseline variables"

    def methods(self):
        s = self.r["settings"]
        from ..stats.proportions import CI_METHOD_NAMES  # the methods in words, as the methods paragraph names them

        ci = CI_METHOD_NAMES.get(s["ci_method"], s["ci_method"])
        return ANSWERED, f"Statistical methods (each number's method is in results.json): {ci} CIs, " \
                         f"Kaplan–Meier ({s['km_conf_type']} CI), Cox ({str(s['ties']).capitalize()} ties)"

    def subgroups(self):
        factors = {g["factor"] for e in (self.r.get("subgroup_survival") or {}).values() for g in e}
        factors |= {g["factor"] for g in (self.r.get("response") or {}).get("subgroups", [])}
        if not factors:
            return NOT_IN_DATA, "no subgroups in study.toml [[analysis.subgroups]]"
        return ANSWERED, self._join(self._at("subgroups_pfs", "PFS by subgroup"),
                                    self._at("orr_by_subgroup", "ORR by subgroup"),
                                    f"{len(factors)} subgroup factors")

    def missing_data(self):
        missing = sum(b.get("missing") or 0 for b in self.r.get("baseline", []))
        cox = [c["n_complete"] for c in (self.r.get("cox") or {}).values()]
        where = self._join(self._at("baseline", "missing per variable"),
                           f"Cox models on complete cases (n = {cox[0]})" if cox else None)
        return (ANSWERED if where else NOT_IN_DATA), (where or "no baseline table") + \
            (f"; {missing} missing baseline values" if missing else "; no missing baseline values")

    def loss_to_follow_up(self):
        if self.r.get("follow_up") and self.r.get("survival"):
            return ANSWERED, self._join(self._at("survival", "censored patients per end point"),
                                        "censoring rules in Statistical methods")
        return NOT_IN_DATA, "no survival analysis"

    def sensitivity(self):
        lm = self.r.get("landmark_analyses") or {}
        if lm.get("pfs_censoring"):
            return ANSWERED, self._at("pfs_censoring", "PFS under alternative censoring rules") or \
                "PFS censoring sensitivity (results.json)"
        return NOT_IN_DATA, "no sensitivity analysis in this report"

    def attrition(self):
        s = self.r["study"]
        return ANSWERED, self._join(self._at("flow", "patient flow (attrition)"),
                                    f"{s['n_screened']} screened, {s['n_excluded']} excluded, {s['n_included']} "
                                    "analysed")

    def attrition_reasons(self):
        if not self.r.get("attrition"):
            return NOT_IN_DATA, "no eligibility steps"
        return ANSWERED, self._at("flow", "exclusions by criterion") or "results.json attrition (by criterion)"

    def flow(self):
        where = self._at("flow", "patient flow diagram")
        return (ANSWERED, where) if where else (NOT_IN_DATA, "no flow diagram in this report")

    def baseline(self):
        where = self._at("baseline", "baseline characteristics")
        return (ANSWERED, where) if where else (NOT_IN_DATA, "no baseline table")

    def baseline_missing(self):
        where = self._at("baseline", "'missing' per variable")
        return (ANSWERED, where) if where else (NOT_IN_DATA, "no baseline table")

    def follow_up(self):
        f = self.r.get("follow_up")
        if f and f.get("estimate") is not None:
            return ANSWERED, f"median follow-up, {f['method']} (Survival section, results.json follow_up)"
        return NOT_IN_DATA, "no follow-up estimate (no OS data)"

    def follow_up_methods(self):
        status, where = self.follow_up()
        return status, self._join(f"data cutoff {self.r['study']['data_cutoff']}", where)

    def outcome_events(self):
        survival = self.r.get("survival") or {}
        if not survival:
            return NOT_IN_DATA, "no survival end points"
        events = ", ".join(f"{name} {e['events']} events" for name, e in sorted(survival.items()))
        return ANSWERED, self._join(self._at("survival", "events per end point"),
                                    self._at("efficacy", "best overall response"), events)

    def estimates(self):
        adjusted = any(c.get("multivariable") for c in (self.r.get("cox") or {}).values())
        where = self._join(self._at("efficacy", "ORR with exact CI"), self._at("survival", "medians with CIs"),
                           "multivariable Cox HRs with CIs (confounders chosen in study.toml)" if adjusted else None)
        return (ANSWERED if adjusted else PARTLY), where

    def category_boundaries(self):
        return PARTLY, self._join(self._at("baseline", "categories as recorded"),
                                  "study.toml [[analysis.subgroups]] groupings"
                                  if self.r.get("subgroup_survival") else None)

    def absolute_risk(self):
        landmarks = any((e.get("landmarks") or []) for e in (self.r.get("survival") or {}).values())
        return (ANSWERED, self._join(self._at("survival", "survival rates at landmark times"))) if landmarks else \
            (NOT_IN_DATA, "no landmark survival rates")

    def other_analyses(self):
        parts = [self.subgroups(), self.sensitivity()]
        found = [where for status, where in parts if status == ANSWERED]
        return (ANSWERED, self._join(*found)) if found else (NOT_IN_DATA, "no other analyses")

    def limitations(self):
        return NOT_IN_DATA, AUTHOR

    def limitations_partly(self):
        return (PARTLY, "Data notes (what was merged, left out or warned about in the input); the discussion is "
                        "the author's") if self.data_notes else (NOT_IN_DATA, AUTHOR)

    def data_type(self):
        return PARTLY, "Statistical methods: retrospective single-arm cohort from the study tables; the name of the " \
                       "database or records system is the author's"

    def linkage(self):
        return NOT_IN_DATA, "not in the data (no database linkage recorded)"

    def code_validation(self):
        return NOT_IN_DATA, "not in the data (no validation studies of selection codes)"

    def derivation_rules(self):
        s = self.r["settings"]
        return ANSWERED, f"Statistical methods and docs/data-format.md: response derived by {self.criteria} " \
                         f"rules, adverse events by CTCAE v{s['ctcae_version']}, eligibility criteria in study.toml"

    def data_cleaning(self):
        return (ANSWERED, "Data notes; every input problem listed by `oncocohort validate`") if self.data_notes else \
            (PARTLY, "input validated by `oncocohort validate` (no data notes for this study)")

    def outputs(self):
        version = self.r["software"]["version"]
        return PARTLY, f"results.json, tables/, figures/ and datasets/ in the report folder (oncocohort {version}); " \
                       "protocol and data sharing are the author's"

    def exposure(self):
        return (ANSWERED, "Statistical methods: index date and regimen from study.toml") if self.r.get("exposure") \
            else (PARTLY, "regimen in study.toml")

    def exposure_results(self):
        where = self._at("exposure", "treatment exposure and dose modifications")
        return (ANSWERED, where) if where else (NOT_IN_DATA, "no exposure table")

    def outcome_definitions(self):
        return ANSWERED, f"Statistical methods: {self.criteria} response, PFS/OS/DoR definitions with " \
                         "censoring rules"

    def safety_methods(self):
        return ANSWERED, f"Statistical methods: CTCAE v{self.r['settings']['ctcae_version']}, treatment-emergent " \
                         f"window {self.r['settings']['treatment_emergent_days']} days"

    def safety(self):
        where = self._join(self._at("adverse_events", "adverse events by grade"),
                           self._at("adverse_event_categories", "serious and dose-changing events"))
        return (ANSWERED, where) if where else (NOT_IN_DATA, "no adverse-event table")

    def next_trial(self):
        where = self._at("next_trial_design", "proposed next-trial design")
        return (PARTLY, where + "; the discussion is the author's") if where else (NOT_IN_DATA, AUTHOR)


def checklists(r: dict, numbering, data_notes: bool = False) -> list[dict]:
    """The three checklists for this report: name, source, items (item, title, paraphrase, status, where), counts."""
    evidence = _Evidence(r, numbering, data_notes)
    out = []
    for name, file_name, source in CHECKLISTS:
        items = []
        for row in read_items(file_name):
            status, where = getattr(evidence, row["evidence"])()
            items.append(ChecklistItem(row["item"], row["title"], row["paraphrase"], row["evidence"], status,
                                       where or AUTHOR))
        out.append({"name": name, "source": source, "items": [i.to_dict() for i in items],
                    "counts": {s: sum(i.status == s for i in items) for s in STATUSES}})
    return out


def checklist_json(lists: list[dict]) -> str:
    """checklist.json: sorted keys, 2-space indent, UTF-8, no timestamps (same report → same bytes)."""
    return json.dumps({"schema": "oncocohort-checklist/1", "checklists": lists}, indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def checklist_tables(lists: list[dict]) -> list[Table]:
    """One unnumbered table per checklist for the report's closing section."""
    tables = []
    for checklist in lists:
        counts = checklist["counts"]
        # "STROBE 12a" is one name: a no-break space keeps it on one line in HTML and Word
        rows = tuple(Row((f"{checklist['name']}\u00a0{i['item']}", f"{i['title']}: {i['paraphrase']}", i["status"],
                          i["where"]))
                     for i in checklist["items"])
        tables.append(Table(f"{checklist['name']} checklist: {counts[ANSWERED]} answered, {counts[PARTLY]} partly, "
                            f"{counts[NOT_IN_DATA]} not in the data",
                            (Column("Item"), Column("What it asks (paraphrased)"), Column("Status"),
                             Column("Where this report answers it")), rows,
                            (f"Source: {checklist['source']}. Items paraphrased; see the source for the wording. "
                             "Status decided from this report's results.json.",)))
    return tables
