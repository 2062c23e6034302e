"""A small OMOP CDM built by hand: thirteen persons, each placed to meet one rule (tests/omop/test_cohort.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from oncocohort.omop import vocabulary as v
from oncocohort.omop.synth import TABLES

D = dt.date.fromisoformat
ANLO, PEMBRO, NIVO = v.ANLOTINIB_CAPSULE, v.PEMBROLIZUMAB, v.NIVOLUMAB

# person: (gender, year of birth, observation start, observation end)
PERSONS = {
    1: (v.MALE, 1960, "2015-01-01", "2023-12-31"),   # eligible: every endpoint an event
    2: (v.FEMALE, 1970, "2019-01-01", "2025-01-01"),  # eligible: every endpoint censored at the cutoff
    3: (v.MALE, 1960, "2015-01-01", "2023-12-31"),   # anlotinib only → step 1
    4: (v.MALE, 1960, "2015-01-01", "2023-12-31"),   # components 60 days apart → step 1
    5: (v.MALE, 1960, "2015-01-01", "2023-12-31"),   # drugs before the diagnosis → step 2
    6: (v.MALE, 1960, "2015-01-01", "2025-06-01"),   # started after the cutoff → step 3
    7: (v.MALE, 1960, "2020-01-01", "2023-12-31"),   # 60 days of prior observation → step 4
    8: (v.FEMALE, 2005, "2015-01-01", "2023-12-31"),  # 16 years old at the start → step 5
    9: (v.MALE, 1960, "2015-01-01", "2023-12-31"),   # death recorded before the start → step 6
    10: (v.MALE, 1960, "2015-01-01", "2023-12-31"),  # prostate cancer before the start → step 7 (exclusion)
    11: (v.MALE, 1960, "2015-01-01", "2023-12-31"),  # prostate cancer on pembrolizumab: never screened
    12: (v.FEMALE, 1950, "2015-01-01", "2021-12-01"),  # eligible (a sarcoma subtype): death after observation
    13: (v.MALE, 1960, "2015-01-01", "2023-12-31"),  # sarcoma on carboplatin → step 1
}
CONDITIONS = [(1, v.SOFT_TISSUE_SARCOMA, "2020-01-01"), (2, v.LEIOMYOSARCOMA, "2021-05-01"),
              (3, v.SOFT_TISSUE_SARCOMA, "2020-01-01"), (4, v.SOFT_TISSUE_SARCOMA, "2020-01-01"),
              (5, v.SOFT_TISSUE_SARCOMA, "2020-03-01"), (6, v.SOFT_TISSUE_SARCOMA, "2024-01-01"),
              (7, v.SOFT_TISSUE_SARCOMA, "2020-02-01"), (8, v.SOFT_TISSUE_SARCOMA, "2021-01-01"),
              (9, v.SOFT_TISSUE_SARCOMA, "2019-12-01"), (10, v.SOFT_TISSUE_SARCOMA, "2020-01-01"),
              (10, v.PROSTATE_CANCER, "2018-01-01"), (11, v.PROSTATE_CANCER, "2020-01-01"),
              (12, v.SYNOVIAL_SARCOMA, "2021-01-01"), (13, v.SOFT_TISSUE_SARCOMA, "2020-01-01"),
              (1, v.HYPERTENSION, "2020-03-01"),  # an adverse event after the start
              (2, v.HYPERTENSION, "2021-01-01")]  # before the start: not an adverse event
DRUGS = [  # person, concept, start, end
    (1, ANLO, "2020-02-01", "2020-02-14"), (1, ANLO, "2020-02-22", "2020-03-06"), (1, PEMBRO, "2020-02-10", None),
    (1, PEMBRO, "2020-03-02", "2020-03-02"), (1, ANLO, "2020-06-01", "2020-06-14"),  # after a 87-day gap
    (1, v.DOXORUBICIN, "2020-09-01", "2020-09-01"),
    (2, NIVO, "2021-06-01", "2021-06-01"), (2, ANLO, "2021-06-05", "2024-06-20"),
    (3, ANLO, "2020-02-01", "2020-02-14"),
    (4, ANLO, "2020-02-01", "2020-02-14"), (4, PEMBRO, "2020-04-01", "2020-04-01"),
    (5, ANLO, "2020-01-01", "2020-01-14"), (5, PEMBRO, "2020-01-01", "2020-01-01"),
    (6, ANLO, "2024-08-01", "2024-08-14"), (6, PEMBRO, "2024-08-01", "2024-08-01"),
    (7, ANLO, "2020-03-01", "2020-03-14"), (7, PEMBRO, "2020-03-01", "2020-03-01"),
    (8, ANLO, "2021-03-01", "2021-03-14"), (8, PEMBRO, "2021-03-01", "2021-03-01"),
    (9, ANLO, "2020-02-01", "2020-02-14"), (9, PEMBRO, "2020-02-01", "2020-02-01"),
    (10, ANLO, "2020-02-01", "2020-02-14"), (10, PEMBRO, "2020-02-01", "2020-02-01"),
    (11, PEMBRO, "2020-02-01", "2020-02-01"), (11, ANLO, "2020-02-01", "2020-02-14"),
    (12, ANLO, "2021-02-01", "2021-02-14"), (12, PEMBRO, "2021-02-01", "2021-02-01"),
    (13, v.CARBOPLATIN, "2020-02-01", "2020-02-01"),
]
DEATHS = [(1, "2021-02-10"), (2, "2024-08-01"), (9, "2020-01-15"), (12, "2022-01-01")]
PROGRESSION = [(1, "2020-08-10"), (1, "2019-06-01"), (12, "2021-12-15")]  # before the start / after observation
ECOG = [(1, "2020-02-01", 1.0), (1, "2019-01-01", 3.0), (2, "2021-06-01", 0.0)]


def cdm_frames(persons=None, conditions=None, drugs=None, deaths=None, progression=None, ecog=None
               ) -> dict[str, pd.DataFrame]:
    """The CDM tables as pandas frames (the columns of the synthetic CDM); the persons and records above unless
    given (the same shapes: tests/omop/cox_cdm.py)."""
    persons = PERSONS if persons is None else persons
    conditions = CONDITIONS if conditions is None else conditions
    drugs = DRUGS if drugs is None else drugs
    deaths = DEATHS if deaths is None else deaths
    progression = PROGRESSION if progression is None else progression
    ecog = ECOG if ecog is None else ecog

    def frame(table, rows):
        return pd.DataFrame(rows, columns=[c for c, _ in TABLES[table]])

    date = lambda text: None if text is None else D(text)  # noqa: E731
    out = {
        "person": frame("person", [(p, g, y, None, None, 0, 0, None, None) for p, (g, y, _, _) in persons.items()]),
        "observation_period": frame("observation_period", [(p, p, D(s), D(e), v.EHR)
                                                           for p, (_, _, s, e) in persons.items()]),
        "condition_occurrence": frame("condition_occurrence", [(i + 1, p, c, D(s), D(s), v.EHR)
                                                               for i, (p, c, s) in enumerate(conditions)]),
        "drug_exposure": frame("drug_exposure", [(i + 1, p, c, D(s), date(e), v.EHR, 1)
                                                 for i, (p, c, s, e) in enumerate(drugs)]),
        "drug_era": frame("drug_era", []),
        "death": frame("death", [(p, D(d), v.EHR) for p, d in deaths]),
        "measurement": frame("measurement", [(i + 1, p, v.ECOG, D(d), x, v.EHR) for i, (p, d, x) in enumerate(ecog)]),
        "episode": frame("episode", [(i + 1, p, v.PROGRESSION, D(d), D(d), v.SOFT_TISSUE_SARCOMA, v.EHR)
                                     for i, (p, d) in enumerate(progression)]),
        "concept": frame("concept", [(c, r[0], r[1], r[2], r[3], r[4], r[5], D("1970-01-01"), D("2099-12-31"), None)
                                     for c, r in sorted(v.CONCEPTS.items())]),
        "concept_ancestor": frame("concept_ancestor", [(c, c, 0, 0) for c in sorted(v.CONCEPTS)]
                                  + [(a, d, n, n) for a, d, n in v.HIERARCHY]),
    }
    return out


def write_duckdb(path, frames: dict[str, pd.DataFrame] | None = None) -> None:
    """The hand-built CDM (or ``frames``) as a DuckDB file with the synthetic CDM's column types."""
    import duckdb

    con = duckdb.connect(str(path))
    for table, frame in (cdm_frames() if frames is None else frames).items():
        columns = ", ".join(f"{n} {t}" for n, t in TABLES[table])
        con.execute(f"CREATE TABLE {table} ({columns})")
        if len(frame):
            con.register("rows", frame)
            con.execute(f"INSERT INTO {table} SELECT * FROM rows")
            con.unregister("rows")
    con.close()
