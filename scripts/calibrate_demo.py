"""Calibrate the demo cohort's per-patient plan to the seed paper's published aggregates (run once; output
committed as oncocohort/demo/plan.csv).

The seed study (anlotinib + PD-1 inhibitors in metastatic soft-tissue sarcoma) publishes aggregates only. This
script searches — simulated annealing with a fixed seed — for 32 per-patient (PFS, OS) times, event indicators and
subgroup labels whose Kaplan–Meier summaries match the paper: median PFS 7.6 and OS 14.9 months, PFS 12/24-month
and OS 24/30-month rates, the subgroup medians of Table 2 and the follow-up range 0.7–34.8 months. The counts
(24 PFS events, 21 deaths, 5 PD, Table 1 categories) are fixed by construction. The generator
(oncocohort/demo/cohort.py) then turns the plan into lesion-level scans, treatments, adverse events and follow-up,
and the real pipeline re-derives everything. Synthetic data reconstructed from published aggregates, not patient
data.

    python scripts/calibrate_demo.py    # writes oncocohort/demo/plan.csv (about a minute)
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np

from oncocohort.derive.time_to_event import DAYS_PER_MONTH as MONTH

SEED = 20220515
OUT = Path(__file__).resolve().parents[1] / "oncocohort" / "demo" / "plan.csv"

# counts from the paper (Table 1; abstract/results): fixed by construction
HISTOLOGY = ["SS"] * 8 + ["ASPS"] * 7 + ["LMS"] * 5 + ["LPS"] * 4 + ["Other"] * 8
ECOG_GROUP = ["0-1"] * 24 + ["2"] * 8
DOSE = [12] * 21 + [10] * 11
# outcome classes: PD as best response (5, all died), progressed and died (16), progressed alive (3),
# alive without progression (8): 24 PFS events, 21 deaths
CLASSES = ["pd"] * 5 + ["prog_dead"] * 16 + ["prog_alive"] * 3 + ["censored"] * 8

TARGETS = {  # months
    "pfs_median": 7.6, "os_median": 14.9,
    "pfs": {"ecog": {"0-1": 9.2, "2": 5.1}, "dose": {12: 7.6, 10: 5.1},
            "histology": {"SS": 7.6, "ASPS": 13.6, "LMS": 9.2, "LPS": 7.2, "Other": 6.3}},
    "pfs_rates": {12: 0.367, 24: 0.154}, "os_rates": {24: 0.317, 30: 0.253},
    "followup_median": 12.7,
}
MAX_FOLLOWUP = 1059  # days: 34.8 months
MIN_FOLLOWUP = 21  # days: 0.7 months


def km(times, events):
    """Kaplan–Meier (times in days): arrays of distinct event times and survival just after them.

    Hand-written on purpose: the annealing evaluates ~12 curves per step for 60,000 steps; the package's
    counts-based :mod:`oncocohort.stats.kaplan_meier` (pandas aggregation, CIs) is the reference and is what
    checks the result — tests/demo re-derives every median from the generated data."""
    order = np.lexsort((-events, times))
    t, e = times[order], events[order]
    n = len(t)
    s, out_t, out_s = 1.0, [], []
    i = 0
    while i < n:
        j = i
        d = 0
        while j < n and t[j] == t[i]:
            d += e[j]
            j += 1
        if d:
            s *= 1 - d / (n - i)
            out_t.append(t[i])
            out_s.append(s)
        i = j
    return np.array(out_t), np.array(out_s)


def median(times, events):
    """R survfit's median rule (midpoint when the curve sits exactly on 0.5), in months; inf if not reached."""
    t, s = km(times, events)
    for k, value in enumerate(s):
        if abs(value - 0.5) < 1e-9:
            return (t[k] + t[k + 1]) / 2 / MONTH if k + 1 < len(t) else t[k] / MONTH
        if value < 0.5:
            return t[k] / MONTH
    return math.inf


def rate(times, events, months):
    t, s = km(times, events)
    below = s[t <= months * MONTH]
    return below[-1] if len(below) else 1.0


class Plan:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.histology = HISTOLOGY[:]
        self.ecog = ECOG_GROUP[:]
        self.dose = DOSE[:]
        rng.shuffle(self.histology)
        rng.shuffle(self.ecog)
        rng.shuffle(self.dose)
        self.pfs = np.zeros(32, int)
        self.os = np.zeros(32, int)
        for i, c in enumerate(CLASSES):
            if c == "pd":
                self.pfs[i] = rng.randint(18, 50)
                self.os[i] = self.pfs[i] + rng.randint(20, 300)
            elif c == "prog_dead":
                self.pfs[i] = rng.randint(60, 500)
                self.os[i] = self.pfs[i] + rng.randint(30, 300)
            elif c == "prog_alive":
                self.pfs[i] = rng.randint(60, 500)
                self.os[i] = self.pfs[i] + rng.randint(60, 300)
            else:
                self.os[i] = rng.randint(200, 1000)
        self.pfs[0], self.os[0] = 18, MIN_FOLLOWUP  # the shortest follow-up: PD at the first scan, death at day 21
        self.os[31] = MAX_FOLLOWUP  # the longest: alive without progression at 34.8 months
        self.fix()

    @property
    def pfs_event(self):
        return np.array([c != "censored" for c in CLASSES], int)

    @property
    def death(self):
        return np.array([c in ("pd", "prog_dead") for c in CLASSES], int)

    def fix(self):
        """Keep every time inside its class's window."""
        for i, c in enumerate(CLASSES):
            if c == "censored":
                self.os[i] = min(max(self.os[i], 120), MAX_FOLLOWUP)
                self.pfs[i] = self.os[i] - 21
            elif c == "pd":
                self.pfs[i] = min(max(self.pfs[i], 18), 50)
                self.os[i] = min(max(self.os[i], self.pfs[i] + 3), MAX_FOLLOWUP - 1)
            else:
                self.pfs[i] = min(max(self.pfs[i], 60), MAX_FOLLOWUP - 60)
                low = self.pfs[i] + (14 if c == "prog_dead" else 45)
                self.os[i] = min(max(self.os[i], low, 110 if c == "prog_alive" else 0), MAX_FOLLOWUP - 1)
        self.pfs[0], self.os[0], self.os[31] = 18, MIN_FOLLOWUP, MAX_FOLLOWUP
        self.pfs[31] = MAX_FOLLOWUP - 21

    def loss(self):
        pe, de = self.pfs_event, self.death
        total = 0.0
        total += 100 * (median(self.pfs, pe) - TARGETS["pfs_median"]) ** 2
        total += 100 * (median(self.os, de) - TARGETS["os_median"]) ** 2
        for name, labels in (("ecog", self.ecog), ("dose", self.dose), ("histology", self.histology)):
            labels = np.array(labels, dtype=object)
            for level, target in TARGETS["pfs"][name].items():
                keep = labels == level
                m = median(self.pfs[keep], pe[keep])
                total += 10 * (min(m, 40) - target) ** 2
        for months, target in TARGETS["pfs_rates"].items():
            total += 2000 * (rate(self.pfs, pe, months) - target) ** 2
        for months, target in TARGETS["os_rates"].items():
            total += 2000 * (rate(self.os, de, months) - target) ** 2
        total += 10 * (np.median(self.os) / MONTH - TARGETS["followup_median"]) ** 2
        asps = np.array(self.histology) == "ASPS"
        pd_asps = sum(1 for i in range(5) if asps[i])
        total += 100 * max(0, pd_asps - 3)
        return total

    def move(self):
        rng = self.rng
        kind = rng.random()
        if kind < 0.5:
            i = rng.randrange(1, 31)
            which = self.pfs if rng.random() < 0.5 else self.os
            which[i] += rng.randint(-60, 60)
        else:
            labels = rng.choice([self.histology, self.ecog, self.dose])
            i, j = rng.randrange(32), rng.randrange(32)
            labels[i], labels[j] = labels[j], labels[i]
        self.fix()

    def state(self):
        return (self.histology[:], self.ecog[:], self.dose[:], self.pfs.copy(), self.os.copy())

    def restore(self, state):
        self.histology, self.ecog, self.dose, self.pfs, self.os = (state[0][:], state[1][:], state[2][:],
                                                                   state[3].copy(), state[4].copy())


def anneal(steps: int = 60000) -> Plan:
    rng = random.Random(SEED)
    plan = Plan(rng)
    current = plan.loss()
    best, best_state = current, plan.state()
    for step in range(steps):
        temperature = 5.0 * (1 - step / steps) + 1e-3
        saved = plan.state()
        plan.move()
        value = plan.loss()
        if value <= current or rng.random() < math.exp((current - value) / temperature):
            current = value
            if value < best:
                best, best_state = value, plan.state()
        else:
            plan.restore(saved)
    plan.restore(best_state)
    print(f"loss {best:.4f}")
    return plan


def main() -> None:
    plan = anneal()
    pe, de = plan.pfs_event, plan.death
    print("PFS median", median(plan.pfs, pe), "OS median", median(plan.os, de))
    for name, labels in (("ecog", plan.ecog), ("dose", plan.dose), ("histology", plan.histology)):
        labels = np.array(labels, dtype=object)
        for level in TARGETS["pfs"][name]:
            keep = labels == level
            print(name, level, round(median(plan.pfs[keep], pe[keep]), 2), TARGETS["pfs"][name][level])
    for months in (12, 24):
        print("PFS", months, round(rate(plan.pfs, pe, months), 3))
    for months in (24, 30):
        print("OS", months, round(rate(plan.os, de, months), 3))
    print("follow-up median", np.median(plan.os) / MONTH, "range", plan.os.min() / MONTH, plan.os.max() / MONTH)
    lines = ["slot,outcome,histology_group,ecog_group,anlotinib_dose,pfs_days,pfs_event,os_days,death"]
    for i in range(32):
        lines.append(f"{i + 1},{CLASSES[i]},{plan.histology[i]},{plan.ecog[i]},{plan.dose[i]},{plan.pfs[i]},"
                     f"{pe[i]},{plan.os[i]},{de[i]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
