"""A small OMOP CDM built by hand for the Cox model and its test of proportional hazards: 24 eligible persons with
a soft-tissue sarcoma diagnosed on 2020-01-01, anlotinib and pembrolizumab both started on 2020-02-01 (the index
date), an ECOG measurement that day, and either a death or the end of observation. Men mostly die early and women
later, so the hazard ratio of sex changes over time; three deaths on 2020-06-10 (a tie: Efron). R fits the same
rows (tests/reference/make_omop_zph_reference.R)."""

from __future__ import annotations

from oncocohort.omop import vocabulary as v

from .cdm_builder import cdm_frames

M, F = v.MALE, v.FEMALE
# person: (gender, ECOG at the index date, death date or None, end of observation)
PATIENTS = {
    101: (M, 0, "2020-03-15", "2024-12-31"), 102: (M, 1, "2020-04-20", "2024-12-31"),
    103: (M, 2, "2020-03-01", "2024-12-31"), 104: (M, 0, "2020-06-10", "2024-12-31"),
    105: (M, 1, None, "2021-01-31"), 106: (M, 2, "2020-05-05", "2024-12-31"),
    107: (M, 0, "2023-02-01", "2024-12-31"), 108: (M, 1, "2020-06-10", "2024-12-31"),
    109: (M, 0, None, "2024-12-31"), 110: (M, 2, "2020-09-09", "2024-12-31"),
    111: (M, 1, "2022-04-01", "2024-12-31"), 112: (M, 0, None, "2022-08-15"),
    201: (F, 0, "2021-05-01", "2024-12-31"), 202: (F, 1, "2020-10-10", "2024-12-31"),
    203: (F, 2, "2020-07-07", "2024-12-31"), 204: (F, 0, "2022-11-11", "2024-12-31"),
    205: (F, 1, None, "2023-03-31"), 206: (F, 2, "2021-01-20", "2024-12-31"),
    207: (F, 0, "2020-06-10", "2024-12-31"), 208: (F, 1, "2021-09-30", "2024-12-31"),
    209: (F, 0, None, "2024-12-31"), 210: (F, 2, "2020-12-01", "2024-12-31"),
    211: (F, 1, "2023-07-04", "2024-12-31"), 212: (F, 0, "2021-03-03", "2024-12-31"),
}


def cox_cdm_frames():
    """The CDM tables of :data:`PATIENTS` (the shapes of tests/omop/cdm_builder.py)."""
    persons = {p: (g, 1960, "2015-01-01", end) for p, (g, _, _, end) in PATIENTS.items()}
    conditions = [(p, v.SOFT_TISSUE_SARCOMA, "2020-01-01") for p in PATIENTS]
    drugs = [d for p in PATIENTS for d in ((p, v.ANLOTINIB_CAPSULE, "2020-02-01", "2020-02-14"),
                                           (p, v.PEMBROLIZUMAB, "2020-02-01", "2020-02-01"))]
    deaths = [(p, death) for p, (_, _, death, _) in PATIENTS.items() if death]
    ecog = [(p, "2020-02-01", float(e)) for p, (_, e, _, _) in PATIENTS.items()]
    return cdm_frames(persons, conditions, drugs, deaths, [], ecog)
