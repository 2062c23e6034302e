"""PRELIMINARY ESMO-MCBS v1.1 grade of a single-arm study (Evaluation Form 3), from the study's results.json values.

Source: Cherny NI, Dafni U, Bogaerts J, et al. ESMO-Magnitude of Clinical Benefit Scale version 1.1. Ann Oncol
2017;28:2340–2366, Evaluation Form 3 ("single-arm studies in orphan diseases and for diseases with high unmet need,
primary outcome PFS or ORR"; non-curative setting; grades 3, 2, 1). The rules as coded (docs/esmo-mcbs.md):

- grade 3: median PFS ≥ 6 months; or ORR ≥ 60%; or ORR ≥ 20% and < 60% with duration of response ≥ 9 months;
- grade 2: median PFS ≥ 3 and < 6 months; or ORR ≥ 40% and < 60%; or ORR ≥ 20% and < 40% with DoR ≥ 6 and
  < 9 months;
- grade 1: median PFS ≥ 2 and < 3 months; or ORR ≥ 20% and < 40% with DoR < 6 months; or ORR ≥ 10% and < 20%
  with DoR ≥ 6 months;
- the preliminary grade is the highest grade whose criterion is met; then: down 1 level when ≥ 30% of patients had
  grade 3–4 toxicity impacting daily well-being, up 1 level for improved quality of life, up 1 level for a
  confirmatory, adequately sized phase 4 experience.

What the data can decide: ORR (x/n, compared as the exact fraction), median PFS and median duration of response
(Kaplan–Meier, converted to months = days / 30.4375), and the grade 3–4 rate (patients whose worst adverse event is
grade 3 or 4 in the any-event row of the AE table; whether the toxicity impacts daily well-being is the reader's
judgement — the rate is the proxy, named). Quality of life and phase 4 experience are not in the data: named, never
assumed. A criterion whose value is missing (a median not reached, no responders) is "undecided", never "not met";
an undecided higher criterion makes the grade a lower bound ("at least"). The result is labelled PRELIMINARY: the
scale is meant to be applied by a committee to the published evidence, not computed from one cohort.
"""

from __future__ import annotations

from fractions import Fraction

SOURCE = ("Cherny NI et al. ESMO-Magnitude of Clinical Benefit Scale version 1.1. Ann Oncol 2017;28:2340–2366, "
          "Evaluation Form 3")
FORM = ("ESMO-MCBS v1.1 Evaluation Form 3: single-arm studies in orphan diseases or diseases with high unmet need "
        "(primary outcome PFS or ORR)")
DAYS_PER = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}
TOXICITY_DOWNGRADE_PERCENT = 30


def _months(value, time_unit: str) -> float | None:
    return None if value is None else value * DAYS_PER[time_unit] / DAYS_PER["months"]


def _between(value, low, high) -> bool | None:
    """low ≤ value < high (None bounds open); None when the value is missing."""
    if value is None:
        return None
    return (low is None or value >= low) and (high is None or value < high)


def _both(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _criteria(orr_percent: Fraction | None, dor: float | None, pfs: float | None) -> list[dict]:
    """Every Form 3 criterion with its verdict: met True / False / None (undecided: a value is missing)."""
    rules = (
        (3, "PFS", "median PFS ≥ 6 months", _between(pfs, 6, None)),
        (3, "ORR", "ORR ≥ 60%", _between(orr_percent, 60, None)),
        (3, "ORR + DoR", "ORR ≥ 20% and < 60% with DoR ≥ 9 months",
         _both(_between(orr_percent, 20, 60), _between(dor, 9, None))),
        (2, "PFS", "median PFS ≥ 3 and < 6 months", _between(pfs, 3, 6)),
        (2, "ORR", "ORR ≥ 40% and < 60%", _between(orr_percent, 40, 60)),
        (2, "ORR + DoR", "ORR ≥ 20% and < 40% with DoR ≥ 6 and < 9 months",
         _both(_between(orr_percent, 20, 40), _between(dor, 6, 9))),
        (1, "PFS", "median PFS ≥ 2 and < 3 months", _between(pfs, 2, 3)),
        (1, "ORR + DoR", "ORR ≥ 20% and < 40% with DoR < 6 months",
         _both(_between(orr_percent, 20, 40), _between(dor, None, 6))),
        (1, "ORR + DoR", "ORR ≥ 10% and < 20% with DoR ≥ 6 months",
         _both(_between(orr_percent, 10, 20), _between(dor, 6, None))),
    )
    return [{"grade": grade, "endpoint": endpoint, "rule": rule, "met": met} for grade, endpoint, rule, met in rules]


def _any_grade_3_4(r: dict) -> tuple[int, int] | None:
    """(patients with worst grade 3–4, treated patients) from the AE table's any-event row; None without it."""
    table = r.get("adverse_events") or {}
    rows = [row for row in table.get("rows", []) if row.get("level") == "any"]
    if not rows or not table.get("n"):
        return None
    return rows[0]["grade_3_4"], table["n"]


def form3_grade(*, orr: tuple[int, int] | None, dor_months: float | None, pfs_months: float | None,
                grade_3_4: tuple[int, int] | None, setting: str | None = None) -> dict:
    """The preliminary Form 3 grade, every step shown (module docstring).

    ``orr``: (responders, patients); ``dor_months`` / ``pfs_months``: Kaplan–Meier medians in months (None: not
    reached or not estimable); ``grade_3_4``: (patients with a worst grade 3–4 adverse event, treated patients)."""
    orr_percent = None if orr is None or not orr[1] else Fraction(100 * orr[0], orr[1])
    criteria = _criteria(orr_percent, dor_months, pfs_months)
    met = [c["grade"] for c in criteria if c["met"]]
    preliminary = max(met) if met else None
    undecided_above = sorted({c["grade"] for c in criteria if c["met"] is None and c["grade"] > (preliminary or 0)})
    steps = []
    for c in criteria:
        verdict = {True: "met", False: "not met", None: "undecided (a value is missing)"}[c["met"]]
        steps.append(f"Grade {c['grade']} criterion, {c['rule']}: {verdict}.")
    if preliminary is None:
        steps.append("No criterion is met: no preliminary grade." if not undecided_above else
                     "No criterion is met and some are undecided: no grade can be given.")
    else:
        steps.append(f"Highest grade met: {preliminary}" + (
            f" (at least: grade {', '.join(map(str, undecided_above))} criteria undecided)." if undecided_above
            else "."))
    toxicity_percent = None if grade_3_4 is None or not grade_3_4[1] else 100 * grade_3_4[0] / grade_3_4[1]
    downgrade = None if grade_3_4 is None else \
        Fraction(100 * grade_3_4[0], grade_3_4[1]) >= TOXICITY_DOWNGRADE_PERCENT
    adjustments = [
        {"rule": f"down 1 level if ≥ {TOXICITY_DOWNGRADE_PERCENT}% grade 3–4 toxicity impacting daily well-being",
         "applied": downgrade, "value_percent": toxicity_percent,
         "basis": "patients whose worst adverse event is grade 3–4 (any-event row of the AE table); whether it "
                  "impacts daily well-being is not in the data" if grade_3_4 else "no adverse-event table"},
        {"rule": "up 1 level if quality of life improved", "applied": None, "value_percent": None,
         "basis": "not in the data (no quality-of-life measurements)"},
        {"rule": "up 1 level for confirmatory, adequately sized phase 4 experience", "applied": None,
         "value_percent": None, "basis": "not in the data (a property of the evidence base, not of this cohort)"},
    ]
    grade = preliminary
    if preliminary is not None and downgrade:
        grade = preliminary - 1
        steps.append(f"Toxicity: {toxicity_percent:.1f}% of patients had grade 3–4 adverse events (≥ "
                     f"{TOXICITY_DOWNGRADE_PERCENT}%): down 1 level to {grade if grade >= 1 else 'below grade 1'}.")
    elif grade_3_4 is not None:
        steps.append(f"Toxicity: {toxicity_percent:.1f}% of patients had grade 3–4 adverse events (< "
                     f"{TOXICITY_DOWNGRADE_PERCENT}%): no downgrade.")
    else:
        steps.append("Toxicity: no adverse-event table, the downgrade is undecided.")
    steps.append("Quality of life and phase 4 experience: not in the data, no upgrade applied (either could raise "
                 "the grade by 1).")
    if grade is not None and grade < 1:
        grade = None
    return {
        "label": "PRELIMINARY",
        "form": FORM,
        "source": SOURCE,
        "setting": setting,
        "setting_note": ("Form 3 applies to single-arm studies in orphan diseases or diseases with high unmet need; "
                         + (f"study.toml [esmo_mcbs] states: {setting}." if setting else
                            "study.toml [esmo_mcbs] setting is not stated, so the form's applicability is "
                            "unconfirmed.")),
        "inputs": {"orr": None if orr is None else {"x": orr[0], "n": orr[1],
                                                    "percent": float(orr_percent) if orr_percent is not None
                                                    else None},
                   "dor_median_months": dor_months, "pfs_median_months": pfs_months,
                   "grade_3_4_percent": toxicity_percent, "quality_of_life": "not in the data"},
        "criteria": criteria,
        "preliminary_grade": preliminary,
        "lower_bound": bool(undecided_above),
        "adjustments": adjustments,
        "grade": grade,
        "steps": steps,
    }


def esmo_mcbs(r: dict, setting: str | None = None) -> dict:
    """The preliminary Form 3 grade from a results.json dictionary (``response.orr``, ``response
    .duration_of_response.median``, ``survival.PFS.median``, ``adverse_events``)."""
    unit = r["study"]["time_unit"]
    orr = (r.get("response") or {}).get("orr")
    dor = (r.get("response") or {}).get("duration_of_response")
    pfs = (r.get("survival") or {}).get("PFS")

    def median(endpoint):
        return None if not endpoint or not endpoint.get("median") else \
            _months(endpoint["median"].get("estimate"), unit)
    return form3_grade(orr=None if orr is None else (orr["x"], orr["n"]), dor_months=median(dor),
                       pfs_months=median(pfs), grade_3_4=_any_grade_3_4(r), setting=setting)
