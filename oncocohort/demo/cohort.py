"""The demo study: a synthetic cohort reconstructed from the seed paper's published aggregates (anlotinib plus PD-1
inhibitors in previously treated metastatic soft-tissue sarcoma, 32 patients). SYNTHETIC DATA — NOT PATIENT DATA.

How it is built (deterministic; seed :data:`SEED`):

1. ``plan.csv`` (from ``scripts/calibrate_demo.py``) fixes, per included patient, the subgroup labels and the PFS/OS
   times and events that reproduce the paper's Kaplan–Meier medians, landmark rates and subgroup medians.
2. This module expands the plan into the study tables a site would fill in: patients (Table 1 counts exactly),
   treatments (anlotinib 12/10 mg, three PD-1 inhibitors, dose reductions after grade 3 toxicity), lesion
   measurements at every scan (baseline, every 6 weeks, and the scan at progression or the last one), adverse events
   (Table 3 counts per term and grade band exactly) and follow-up (deaths and last contact). Screened patients who
   fail eligibility are added so the flow diagram has exclusions.
3. Nothing downstream is told the answers: best response comes from the RECIST 1.1 engine on the lesion
   measurements, PFS/OS from the endpoint rules, Table 3 from the CTCAE-graded rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..io.csv_output import csv_writer
from ..io.schema import TABLES_BY_NAME
from ..io.template import ELIGIBILITY_CRITERIA_TOML

SEED = 20220515
CUTOFF = dt.date(2022, 5, 15)
FIRST_ENROLMENT = dt.date(2018, 9, 10)
LAST_ENROLMENT = dt.date(2022, 1, 20)
SCAN_INTERVAL_DAYS = 42  # every two 21-day cycles
SYNTHETIC_LABEL = "Synthetic data reconstructed from published aggregates (Liu et al.) — not patient data"

HISTOLOGY_NAMES = {"SS": ["Synovial sarcoma"], "ASPS": ["Alveolar soft part sarcoma"], "LMS": ["Leiomyosarcoma"],
                   "LPS": ["Liposarcoma"],
                   "Other": ["Epithelioid sarcoma", "Epithelioid sarcoma", "Clear cell sarcoma", "Clear cell sarcoma",
                             "Undifferentiated pleomorphic sarcoma", "Embryonal sarcoma", "Angiosarcoma",
                             "Spindle cell sarcoma"]}
PD1_DRUGS = ["sintilimab"] * 14 + ["camrelizumab"] * 13 + ["pembrolizumab"] * 5
SEX = ["male"] * 20 + ["female"] * 12
PRIOR_SURGERY = ["yes"] * 27 + ["no"] * 5
PRIOR_LINES = [1] * 10 + [2] * 12 + [3] * 6 + [4] * 4
ECOG_0_1 = [0] * 9 + [1] * 15
# 32 ages: median 48 (16th and 17th both 48), range 18–68
AGES = [18, 24, 29, 33, 36, 38, 40, 41, 42, 44, 45, 46, 47, 47, 48, 48, 48, 48, 50, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 62, 64, 66, 68]
# Table 3: paper term → (CTCAE v5.0 term, any grade, grade 3–4); grade 1–2 = any − grade 3–4
ADVERSE_EVENTS = (
    ("Fatigue", "Fatigue", 20, 3),
    ("Hypertension", "Hypertension", 17, 5),
    ("Hand-foot syndrome", "Palmar-plantar erythrodysesthesia syndrome", 14, 2),
    ("Diarrhea", "Diarrhea", 11, 1),
    ("Dermal toxicity", "Rash maculo-papular", 10, 1),
    ("Nausea and vomiting", "Nausea", 8, 0),
    ("Proteinuria", "Proteinuria", 6, 0),
    ("Abnormal liver function", "Alanine aminotransferase increased", 5, 2),
    ("Pneumonia", "Pneumonitis", 4, 0),
    ("Hemorrhage", "Epistaxis", 3, 0),
)
PATIENTS_WITH_AE = 29
PATIENTS_WITH_GRADE_3_4 = 13
# screened but not eligible (feeds the flow diagram): reason → patient fields that fail it
EXCLUDED = (
    ("Gastrointestinal stromal tumor", {"histology": "Gastrointestinal stromal tumor", "histology_group": "Other"}),
    ("Osteosarcoma", {"histology": "Osteosarcoma", "histology_group": "Other"}),
    ("active brain metastases", {"brain_metastases": "active"}),
    ("ECOG 3", {"ecog": 3}),
    ("no measurable lesion", {"measurable": False}),
    ("no prior systemic therapy", {"prior_systemic_lines": 0}),
)

STUDY_TOML = f'''# Demo study — {SYNTHETIC_LABEL}.
# Built by oncocohort.demo from the published aggregates of the seed paper; see docs/reproduction.md.

[study]
title = "Anlotinib plus PD-1 inhibitors in previously treated metastatic soft-tissue sarcoma (synthetic demo)"
data_cutoff = {CUTOFF.isoformat()}
time_unit = "months"
synthetic = true

[regimen]
name = "Anlotinib + PD-1 inhibitor"
index_date = "first_dose"
cycle_days = 21

[regimen.components]
anlotinib = ["anlotinib"]
"PD-1 inhibitor" = ["sintilimab", "camrelizumab", "pembrolizumab"]

[eligibility]
missing = "exclude"

{ELIGIBILITY_CRITERIA_TOML}
[response]
criteria = "recist1.1"
confirmation = false

[analysis]
landmarks = [12, 24, 30]
cox_covariates = ["ecog", "starting_dose:anlotinib", "histology_group"]
ci_method = "clopper-pearson"
km_conf_type = "log"
median_ci = "survfit"
ties = "efron"

[analysis.historical_rates]
orr = 0.13

[[analysis.subgroups]]
field = "ecog"
label = "ECOG performance status"
groups = {{ "0-1" = [0, 1], "2" = [2] }}

[[analysis.subgroups]]
field = "starting_dose:anlotinib"
label = "Starting dose of anlotinib"
groups = {{ "10 mg" = [10], "12 mg" = [12] }}

[[analysis.subgroups]]
field = "histology_group"
label = "Histological subtype"

[adverse_events]
ctcae_version = "5.0"
treatment_emergent_days = 30

[labels]
SS = "synovial sarcoma"
ASPS = "alveolar soft part sarcoma"
LMS = "leiomyosarcoma"
LPS = "liposarcoma"
'''


@dataclass(frozen=True)
class PlannedPatient:
    slot: int
    outcome: str  # pd | prog_dead | prog_alive | censored
    histology_group: str
    ecog_group: str
    anlotinib_dose: int
    pfs_days: int
    pfs_event: int
    os_days: int
    death: int


def read_plan() -> list[PlannedPatient]:
    text = resources.files("oncocohort.demo").joinpath("plan.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return [PlannedPatient(int(r["slot"]), r["outcome"], r["histology_group"], r["ecog_group"],
                           int(r["anlotinib_dose"]), int(r["pfs_days"]), int(r["pfs_event"]), int(r["os_days"]),
                           int(r["death"])) for r in rows]


def _days(date: dt.date, days: int) -> dt.date:
    return date + dt.timedelta(days=days)


class _Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.tables: dict[str, list[dict]] = {name: [] for name in
                                              ("patients", "treatments", "lesions", "adverse_events", "followup")}

    def shuffled(self, values):
        values = list(values)
        self.rng.shuffle(values)
        return values

    # ---- best response and % change ---------------------------------------------------------------------
    def responses(self, plan: list[PlannedPatient]) -> dict[int, tuple[str, float]]:
        """Best overall response and best % change per slot: PD for the early progressors; PR for 4 of the 7
        ASPS and the 7 other patients with the longest PFS; SD for the rest, of whom the 4 with the shortest
        PFS grow a little and 12 shrink (23 patients with some shrinkage in all)."""
        others = [p for p in plan if p.outcome != "pd"]
        asps = sorted((p for p in others if p.histology_group == "ASPS"), key=lambda p: (-p.pfs_days, p.slot))[:4]
        rest = sorted((p for p in others if p.histology_group != "ASPS"), key=lambda p: (-p.pfs_days, p.slot))[:7]
        pr = {p.slot for p in asps + rest}
        sd = sorted((p for p in others if p.slot not in pr), key=lambda p: (p.pfs_days, p.slot))
        out = {}
        for p in plan:
            if p.outcome == "pd":
                out[p.slot] = ("PD", round(self.rng.uniform(22, 45), 1))
            elif p.slot in pr:
                out[p.slot] = ("PR", round(self.rng.uniform(-78, -33), 1))
        for i, p in enumerate(sd):
            out[p.slot] = ("SD", round(self.rng.uniform(2, 15), 1) if i < 4 else round(self.rng.uniform(-27, -3), 1))
        return out

    # ---- tables ---------------------------------------------------------------------------------------------
    def patient(self, pid, fields):
        self.tables["patients"].append({"patient_id": pid, "metastatic": "yes", "brain_metastases": "none",
                                        "autoimmune_disease": "none", **fields})

    def lesions(self, pid: str, index: dt.date, scans: list[tuple[int, float]], measurable: bool = True):
        """Baseline 7 days before the index date, then one record per target (and the non-target) per scan;
        ``scans`` = (day, % change of every target from baseline)."""
        n_targets = self.rng.choice([1, 2, 2, 3]) if measurable else 0  # unmeasurable: the non-target only
        sites = self.shuffled(["lung", "lung", "liver", "soft tissue", "pleura"])[:n_targets]
        if sites.count("lung") > 2:
            sites = ["lung", "lung", "liver"][:n_targets]
        base = [round(self.rng.uniform(18, 45), 1) for _ in sites]
        if measurable and sum(base) < 30:
            base[0] = round(base[0] + 30 - sum(base), 1)
        method = self.rng.choice(["CT", "CT", "MRI"])
        for day, pct in [(-7, 0.0)] + scans:
            date = _days(index, day)
            for k, (site, d) in enumerate(zip(sites, base), start=1):
                self.tables["lesions"].append({
                    "patient_id": pid, "assessment_date": date, "lesion_id": f"T{k}", "kind": "target",
                    "site": site, "nodal": "no", "diameter_mm": round(d * (1 + pct / 100), 1), "status": "present",
                    "method": method})
            self.tables["lesions"].append({"patient_id": pid, "assessment_date": date, "lesion_id": "NT1",
                                           "kind": "non_target", "site": "bone", "nodal": "no", "status": "present",
                                           "method": method})

    def treatment(self, pid, drug, start, end, dose, reason, reduce_on=None):
        """One drug; with ``reduce_on`` (a date) anlotinib continues 2 mg lower from that day."""
        rows = self.tables["treatments"]
        if reduce_on is not None and start < reduce_on and (end is None or reduce_on < end):
            rows.append({"patient_id": pid, "drug": drug, "start_date": start, "end_date": _days(reduce_on, -1),
                         "dose": dose, "dose_unit": "mg"})
            start, dose = reduce_on, dose - 2
        rows.append({"patient_id": pid, "drug": drug, "start_date": start, "end_date": end, "dose": dose,
                     "dose_unit": "mg", "reason_stopped": reason if end is not None else None})


def _scan_days(p: PlannedPatient) -> list[int]:
    """Post-baseline scan days: every 6 weeks before the PFS time, and one at the PFS time."""
    if p.outcome == "pd":
        return [p.pfs_days]
    return list(range(SCAN_INTERVAL_DAYS, p.pfs_days, SCAN_INTERVAL_DAYS)) + [p.pfs_days]


def _changes(p: PlannedPatient, best: float, days: list[int]) -> list[tuple[int, float]]:
    """% change at each scan: 60 % of the best change at the first scan when more follow, then the best; at the
    progression scan the sum grows ≥ 25 % and ≥ 6 mm above the nadir (RECIST PD needs ≥ 20 % and ≥ 5 mm)."""
    if p.outcome == "pd":
        return [(days[0], best)]
    progression = p.pfs_event == 1
    responding = days[:-1] if progression else days
    out = [(day, best if (j >= 1 or len(responding) == 1) else round(0.6 * best, 1))
           for j, day in enumerate(responding)]
    if progression:
        nadir = 1 + min(best, 0.6 * best, 0) / 100
        grown = max(nadir * 1.25, nadir + 0.25)  # sums ≥ 30 mm: +25 % of baseline is ≥ 7.5 mm
        out.append((days[-1], round(100 * (grown - 1), 1)))
    return out


def _histology(names: dict[str, list[str]], group: str) -> str:
    """The diagnosis as written: the group's single name, or the next of the 'Other' subtypes."""
    return names[group][0] if len(names[group]) == 1 else names[group].pop()


def build_tables() -> dict[str, list[dict]]:
    """The demo study's tables as lists of row dicts (dates as ``datetime.date``)."""
    b = _Builder()
    plan = read_plan()
    response = b.responses(plan)
    histology_names = {group: b.shuffled(names) for group, names in HISTOLOGY_NAMES.items()}
    sex, surgery, lines = b.shuffled(SEX), b.shuffled(PRIOR_SURGERY), b.shuffled(PRIOR_LINES)
    ages, pd1, ecog_low = b.shuffled(AGES), b.shuffled(PD1_DRUGS), b.shuffled(ECOG_0_1)
    # index dates: alive patients were last seen at the cutoff; the others start anywhere their death fits before it
    dead = sorted((p for p in plan if p.death), key=lambda p: (-p.os_days, p.slot))
    index_dates = {p.slot: _days(CUTOFF, -p.os_days) for p in plan if not p.death}
    for k, p in enumerate(dead):
        latest = min(_days(CUTOFF, -p.os_days - 1), LAST_ENROLMENT)
        span = (latest - FIRST_ENROLMENT).days
        index_dates[p.slot] = FIRST_ENROLMENT if k == 0 else _days(FIRST_ENROLMENT, int(span * b.rng.random()))
    shortest = min(plan, key=lambda p: (p.os_days, p.slot))
    if shortest.death:  # the last enrolled patient: first dose January 2022
        index_dates[shortest.slot] = LAST_ENROLMENT
    censored = sorted((p for p in plan if p.outcome == "censored"), key=lambda p: (p.os_days, p.slot))
    on_treatment = {p.slot for p in censored[:3]}
    ae_days: dict[int, tuple[dt.date, dt.date, dt.date]] = {}
    regimen: dict[int, tuple] = {}
    for p in plan:
        pid = f"DEMO-{p.slot:03d}"
        index = index_dates[p.slot]
        ecog = 2 if p.ecog_group == "2" else ecog_low.pop()
        b.patient(pid, {"age": ages.pop(), "sex": sex.pop(), "ecog": ecog, "histology":
                        _histology(histology_names, p.histology_group), "histology_group": p.histology_group,
                        "prior_surgery": surgery.pop(), "prior_systemic_lines": lines.pop()})
        bor, best = response[p.slot]
        b.lesions(pid, index, _changes(p, best, _scan_days(p)))
        if p.slot in on_treatment:
            end, reason = None, None
        elif p.pfs_event:
            end, reason = _days(index, min(p.pfs_days + 7, p.os_days) - 1), "progression"
        else:
            end, reason = _days(index, int(p.pfs_days * 0.8)), b.rng.choice(["toxicity", "patient_choice"])
        death = _days(index, p.os_days) if p.death else None
        ae_days[p.slot] = (index, end or CUTOFF, death or CUTOFF)
        regimen[p.slot] = (pid, index, end, reason, p.anlotinib_dose, pd1.pop())
        b.tables["followup"].append({"patient_id": pid, "last_known_alive_date": death or CUTOFF,
                                     "death_date": death, "cause_of_death": "disease progression" if death else None})
    first_severe = _adverse_events(b, plan, ae_days)
    for slot, (pid, index, end, reason, dose, drug) in sorted(regimen.items()):
        # anlotinib 12 mg is reduced to 10 mg from the day after the first grade 3 event
        reduce_on = _days(first_severe[slot], 1) if dose == 12 and slot in first_severe else None
        b.treatment(pid, "anlotinib", index, end, dose, reason, reduce_on)
        b.treatment(pid, drug, index, end, 200, reason)
    _excluded(b)
    return b.tables


def _adverse_events(b: _Builder, plan, windows) -> dict[int, dt.date]:
    """Table 3 exactly: 13 patients with a grade 3 event (one of them two), the grade 1–2 events spread so
    that 29 patients have at least one, each patient at most once per term. Onsets fall between the first dose
    and the last dose; ``windows``: slot → (first dose, last dose, death or cutoff). Returns the first grade 3
    onset per patient."""
    slots = b.shuffled([p.slot for p in plan])
    with_ae = slots[:PATIENTS_WITH_AE]
    severe = with_ae[:PATIENTS_WITH_GRADE_3_4]
    severe_queue = severe + severe[:1]  # 14 grade 3–4 term slots on 13 patients
    has: dict[int, set[str]] = {s: set() for s in with_ae}
    rows = []
    cursor = 0
    mild_pool = with_ae[PATIENTS_WITH_GRADE_3_4:] + with_ae[:PATIENTS_WITH_GRADE_3_4]  # no-severe patients first
    for _, term, total, grade_3_4 in ADVERSE_EVENTS:
        for _ in range(grade_3_4):
            slot = next(s for s in severe_queue if term not in has[s])
            severe_queue.remove(slot)
            has[slot].add(term)
            rows.append((slot, term, 3))
        for k in range(total - grade_3_4):
            for step in range(len(mild_pool)):
                slot = mild_pool[(cursor + step) % len(mild_pool)]
                if term not in has[slot]:
                    break
            cursor = (cursor + step + 1) % len(mild_pool)
            has[slot].add(term)
            rows.append((slot, term, 1 + (k % 2)))
    first_severe: dict[int, dt.date] = {}
    for slot, term, grade in sorted(rows):
        start, last_dose, limit = windows[slot]
        onset = _days(start, 1 + b.rng.randrange(max(1, min((last_dose - start).days - 1, 120))))
        end = _days(onset, 14 + b.rng.randrange(30))
        if grade >= 3:
            first_severe[slot] = min(onset, first_severe.get(slot, onset))
        b.tables["adverse_events"].append({
            "patient_id": f"DEMO-{slot:03d}", "term": term, "grade": grade, "onset_date": onset,
            "end_date": end if end < limit else None, "related": "yes", "serious": "yes" if grade >= 3 else "no",
            "action": "dose_reduced" if grade >= 3 else "none"})
    return first_severe


def _excluded(b: _Builder) -> None:
    for k, (_, fields) in enumerate(EXCLUDED, start=1):
        pid = f"DEMO-X{k:02d}"
        index = _days(FIRST_ENROLMENT, 90 * k)
        measurable = fields.get("measurable", True)
        patient = {"age": 45 + k, "sex": "male" if k % 2 else "female", "ecog": 1, "histology": "Leiomyosarcoma",
                   "histology_group": "LMS", "prior_surgery": "yes", "prior_systemic_lines": 1}
        patient.update({k2: v for k2, v in fields.items() if k2 != "measurable"})
        b.patient(pid, patient)
        b.lesions(pid, index, [], measurable=measurable)
        b.treatment(pid, "anlotinib", index, _days(index, 60), 12, "progression")
        b.treatment(pid, "sintilimab", index, _days(index, 60), 200, "progression")
        b.tables["followup"].append({"patient_id": pid, "last_known_alive_date": _days(index, 200),
                                     "death_date": None, "cause_of_death": None})


def write_demo_study(folder: str | Path) -> Path:
    """Write the demo study as a normal study folder (study.toml + one CSV per table); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(STUDY_TOML, encoding="utf-8")
    for name, rows in build_tables().items():
        columns = [c.name for c in TABLES_BY_NAME[name].columns]
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv_writer(handle)
            writer.writerow(columns)
            for row in sorted(rows, key=lambda r: (r["patient_id"], str(r.get("assessment_date", "")),
                                                   str(r.get("lesion_id", "")), str(r.get("drug", "")),
                                                   str(r.get("start_date", "")), str(r.get("term", "")))):
                writer.writerow(["" if row.get(c) is None else (row[c].isoformat() if isinstance(row[c], dt.date)
                                                                 else row[c]) for c in columns])
    (folder / "README.txt").write_text(f"{SYNTHETIC_LABEL}.\nCreated by `oncocohort demo --export-study`.\n",
                                       encoding="utf-8")
    return folder
