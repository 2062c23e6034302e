"""A deterministic synthetic OMOP CDM v5.4 (``oncocohort omop synth``): soft-tissue sarcoma patients on anlotinib
plus a PD-1 inhibitor among distractors, from 1e3 to 1e7 persons.

Persons are generated in chunks of :data:`CHUNK` with numpy (vectorised; no loop per person) and appended to
DuckDB through Arrow, so memory is bounded by the chunk, not by n. Each chunk has its own random stream
(``numpy.random.default_rng([seed, chunk])``), so the same seed and n give the same database content.

Who is in it (fractions of persons):

- 2 % regimen candidates: soft-tissue sarcoma (the parent concept or a subtype), then anlotinib (a clinical drug
  below the ingredient) and pembrolizumab or nivolumab started within a week. Every 20th candidate in turn is a
  distractor of one kind (:data:`DISTRACTORS`), so every attrition step of the example cohort removes someone
  from 20 candidates on: drugs before the diagnosis, one component only, components started months apart, too
  little prior observation, under 18, another cancer before the start, started after the data cutoff, a death
  recorded before the start. The others (12 of 20) are eligible.
  Follow-up: death (exponential, median 16 months), progression episodes (median 5 months), anlotinib cycles of
  21 days (14 days on) and PD-1 infusions every 21 days for an exponential treatment time (median 6 months),
  doxorubicin later for 40 % of them, ECOG before the start for 90 %, hypertension/hypothyroidism after it.
- 1 % sarcoma on carboplatin + paclitaxel (screened, no regimen); 12 % prostate cancer (10 % of them on
  pembrolizumab: the drug without the condition); the rest other persons (hypertension, deaths).

Dates run from 2010 to :data:`DATABASE_END`; ``examples/omop-cohort.toml`` uses the data cutoff
:data:`SUGGESTED_CUTOFF`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import vocabulary as v

CHUNK = 250_000
CANDIDATE_FRACTION, STS_OTHER_FRACTION, PROSTATE_FRACTION = 0.02, 0.01, 0.12
EPOCH = dt.date(1970, 1, 1)
DATABASE_END = dt.date(2025, 6, 30)
SUGGESTED_CUTOFF = dt.date(2024, 6, 30)
DISTRACTORS = ("drug before diagnosis", "one component only", "components months apart", "short prior observation",
               "under 18", "prior other cancer", "started after the cutoff", "death before the start")
MAX_PATIENTS = 10_000_000

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "person": (("person_id", "BIGINT"), ("gender_concept_id", "INTEGER"), ("year_of_birth", "INTEGER"),
               ("month_of_birth", "INTEGER"), ("day_of_birth", "INTEGER"), ("race_concept_id", "INTEGER"),
               ("ethnicity_concept_id", "INTEGER"), ("person_source_value", "VARCHAR"),
               ("gender_source_value", "VARCHAR")),
    "observation_period": (("observation_period_id", "BIGINT"), ("person_id", "BIGINT"),
                           ("observation_period_start_date", "DATE"), ("observation_period_end_date", "DATE"),
                           ("period_type_concept_id", "INTEGER")),
    "condition_occurrence": (("condition_occurrence_id", "BIGINT"), ("person_id", "BIGINT"),
                             ("condition_concept_id", "INTEGER"), ("condition_start_date", "DATE"),
                             ("condition_end_date", "DATE"), ("condition_type_concept_id", "INTEGER")),
    "drug_exposure": (("drug_exposure_id", "BIGINT"), ("person_id", "BIGINT"), ("drug_concept_id", "INTEGER"),
                      ("drug_exposure_start_date", "DATE"), ("drug_exposure_end_date", "DATE"),
                      ("drug_type_concept_id", "INTEGER"), ("days_supply", "INTEGER")),
    "drug_era": (("drug_era_id", "BIGINT"), ("person_id", "BIGINT"), ("drug_concept_id", "INTEGER"),
                 ("drug_era_start_date", "DATE"), ("drug_era_end_date", "DATE"), ("drug_exposure_count", "INTEGER"),
                 ("gap_days", "INTEGER")),
    "death": (("person_id", "BIGINT"), ("death_date", "DATE"), ("death_type_concept_id", "INTEGER")),
    "measurement": (("measurement_id", "BIGINT"), ("person_id", "BIGINT"), ("measurement_concept_id", "INTEGER"),
                    ("measurement_date", "DATE"), ("value_as_number", "DOUBLE"),
                    ("measurement_type_concept_id", "INTEGER")),
    "episode": (("episode_id", "BIGINT"), ("person_id", "BIGINT"), ("episode_concept_id", "INTEGER"),
                ("episode_start_date", "DATE"), ("episode_end_date", "DATE"), ("episode_object_concept_id", "INTEGER"),
                ("episode_type_concept_id", "INTEGER")),
    "concept": (("concept_id", "INTEGER"), ("concept_name", "VARCHAR"), ("domain_id", "VARCHAR"),
                ("vocabulary_id", "VARCHAR"), ("concept_class_id", "VARCHAR"), ("standard_concept", "VARCHAR"),
                ("concept_code", "VARCHAR"), ("valid_start_date", "DATE"), ("valid_end_date", "DATE"),
                ("invalid_reason", "VARCHAR")),
    "concept_ancestor": (("ancestor_concept_id", "INTEGER"), ("descendant_concept_id", "INTEGER"),
                         ("min_levels_of_separation", "INTEGER"), ("max_levels_of_separation", "INTEGER")),
    "cdm_source": (("cdm_source_name", "VARCHAR"), ("cdm_source_abbreviation", "VARCHAR"), ("cdm_holder", "VARCHAR"),
                   ("source_description", "VARCHAR"), ("cdm_release_date", "DATE"), ("cdm_version", "VARCHAR"),
                   ("cdm_version_concept_id", "INTEGER"), ("vocabulary_version", "VARCHAR")),
}
_ARROW = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DATE": pa.date32(), "DOUBLE": pa.float64(),
          "VARCHAR": pa.string()}


class SynthError(Exception):
    """The synthetic CDM cannot be written (bad n, existing output)."""


def _day(date: dt.date) -> int:
    return (date - EPOCH).days


@dataclass
class _Rows:
    """Columns of one table for one chunk, as numpy arrays (dates in days since 1970-01-01)."""

    columns: dict

    def arrow(self, table: str) -> pa.Table:
        arrays = []
        for name, kind in TABLES[table]:
            values = self.columns[name]
            if kind == "DATE":
                arrays.append(pa.array(np.asarray(values, dtype=np.int32), type=pa.int32()).cast(pa.date32()))
            else:
                arrays.append(pa.array(values, type=_ARROW[kind]))
        return pa.Table.from_arrays(arrays, names=[n for n, _ in TABLES[table]])


def _cat(parts: list[dict]) -> dict:
    keys = parts[0].keys()
    return {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in keys}


class _Counters:
    """Running record ids per table, across chunks."""

    def __init__(self):
        self.next = {}

    def take(self, table: str, n: int) -> np.ndarray:
        start = self.next.get(table, 1)
        self.next[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)


def _chunk(seed: int, number: int, first_id: int, n: int, candidates_before: int, ids: _Counters) -> tuple[dict, int]:
    """The rows of persons ``first_id .. first_id + n - 1`` → ({table: columns}, candidates in this chunk)."""
    rng = np.random.default_rng([seed, number])
    person = np.arange(first_id, first_id + n, dtype=np.int64)
    u = rng.random(n)
    candidate = u < CANDIDATE_FRACTION
    sts_other = (u >= CANDIDATE_FRACTION) & (u < CANDIDATE_FRACTION + STS_OTHER_FRACTION)
    prostate = (u >= CANDIDATE_FRACTION + STS_OTHER_FRACTION) & (
        u < CANDIDATE_FRACTION + STS_OTHER_FRACTION + PROSTATE_FRACTION)
    gender = np.where(rng.random(n) < 0.5, v.MALE, v.FEMALE).astype(np.int32)
    year_of_birth = rng.integers(1935, 2001, n)
    obs_start = _day(dt.date(2010, 1, 1)) + rng.integers(0, 2500, n)
    obs_end = np.minimum(obs_start + rng.integers(400, 5000, n), _day(DATABASE_END))
    anchor = obs_start + ((obs_end - obs_start) * rng.random(n)).astype(np.int64)  # a date inside observation
    conditions, drugs, deaths, measurements, episodes = [], [], [], [], []

    def condition(who, concept, start):
        conditions.append({"person_id": who, "condition_concept_id": np.broadcast_to(concept, who.shape),
                           "condition_start_date": start, "condition_end_date": start})

    def drug(who, concept, start, end):
        drugs.append({"person_id": who, "drug_concept_id": np.broadcast_to(concept, who.shape),
                      "drug_exposure_start_date": start, "drug_exposure_end_date": end})

    # --- regimen candidates -------------------------------------------------------------------------------
    c = np.flatnonzero(candidate)
    k = len(c)
    kind = (candidates_before + np.arange(k)) % 20  # 0..7: a distractor (DISTRACTORS[kind]), 8..19 eligible
    who = person[c]
    index = _day(dt.date(2017, 1, 1)) + rng.integers(0, _day(dt.date(2024, 3, 31)) - _day(dt.date(2017, 1, 1)), k)
    late = kind == 6
    index[late] = _day(SUGGESTED_CUTOFF) + rng.integers(10, 200, int(late.sum()))
    diagnosis = index - rng.integers(14, 365, k)
    diagnosis[late] = _day(SUGGESTED_CUTOFF) - rng.integers(10, 60, int(late.sum()))
    before = kind == 0
    diagnosis[before] = index[before] + rng.integers(30, 90, int(before.sum()))
    start = diagnosis - rng.integers(365, 3000, k)
    short = kind == 3
    start[short] = index[short] - rng.integers(10, 100, int(short.sum()))
    diagnosis[short] = index[short] - rng.integers(1, 9, int(short.sum()))
    obs_start[c] = np.minimum(start, diagnosis)
    obs_end[c] = np.minimum(index + rng.integers(30, 2200, k), _day(DATABASE_END))
    index_year = 1970 + (index / 365.25).astype(int)
    year_of_birth[c] = index_year - rng.integers(30, 81, k)
    young = kind == 4
    year_of_birth[c[young]] = index_year[young] - rng.integers(12, 17, int(young.sum()))
    subtype = rng.choice([v.SOFT_TISSUE_SARCOMA, v.SYNOVIAL_SARCOMA, v.LEIOMYOSARCOMA], k)
    condition(who, subtype, diagnosis)
    other = kind == 5
    condition(who[other], v.PROSTATE_CANCER, diagnosis[other] - rng.integers(30, 300, int(other.sum())))
    # death: exponential, recorded when inside observation; or (kind 7) before the start
    death = index + rng.exponential(480 / np.log(2), k).astype(np.int64)
    dies = death <= obs_end[c]
    early = kind == 7
    death[early] = index[early] - rng.integers(1, 30, int(early.sum()))
    dies |= early
    deaths.append({"person_id": who[dies], "death_date": death[dies]})
    stop = np.where(dies & ~early, death, obs_end[c])  # no treatment after death or the end of observation
    # treatment: anlotinib from index - 0..6 days, PD-1 from index, cycles of 21 days
    anlo_start = index - rng.integers(0, 7, k)
    pd1_start = index.copy()
    apart = kind == 2
    pd1_start[apart] = anlo_start[apart] + rng.integers(60, 120, int(apart.sum()))
    cycles = np.clip(np.ceil(rng.exponential(180 / np.log(2), k) / 21), 1, 40).astype(np.int64)
    repeat = np.repeat(np.arange(k), cycles)
    cycle = np.arange(len(repeat)) - np.repeat(np.cumsum(cycles) - cycles, cycles)
    a_start = anlo_start[repeat] + 21 * cycle
    keep = a_start <= stop[repeat]
    drug(who[repeat][keep], v.ANLOTINIB_CAPSULE, a_start[keep], a_start[keep] + 13)
    pd1 = np.where(rng.random(k) < 0.6, v.PEMBROLIZUMAB, v.NIVOLUMAB)
    p_start = pd1_start[repeat] + 21 * cycle
    keep = (p_start <= stop[repeat]) & (kind[repeat] != 1)
    drug(who[repeat][keep], pd1[repeat][keep], p_start[keep], p_start[keep])
    last_end = anlo_start + 21 * (cycles - 1) + 13
    later = (rng.random(k) < 0.4) & (last_end + 120 < stop)
    later_start = last_end + rng.integers(14, 120, k)
    drug(who[later], v.DOXORUBICIN, later_start[later], later_start[later])
    # progression episodes, ECOG before the start, adverse events after it
    progression = index + rng.exponential(150 / np.log(2), k).astype(np.int64)
    progresses = (progression < stop) & (rng.random(k) < 0.85)
    episodes.append({"person_id": who[progresses], "episode_concept_id": np.full(int(progresses.sum()),
                                                                                  v.PROGRESSION),
                     "episode_start_date": progression[progresses]})
    ecog = rng.random(k) < 0.9
    measurements.append({"person_id": who[ecog], "measurement_concept_id": np.full(int(ecog.sum()), v.ECOG),
                         "measurement_date": index[ecog] - rng.integers(0, 28, int(ecog.sum())),
                         "value_as_number": rng.choice([0.0, 1.0, 2.0], int(ecog.sum()), p=[0.4, 0.45, 0.15])})
    for concept, p in ((v.HYPERTENSION, 0.3), (v.HYPOTHYROIDISM, 0.12)):
        onset = index + rng.integers(7, 150, k)
        has = (rng.random(k) < p) & (onset < stop)
        condition(who[has], concept, onset[has])
    # --- sarcoma on other drugs, prostate cancer, everyone else ----------------------------------------------
    s = np.flatnonzero(sts_other)
    condition(person[s], v.SOFT_TISSUE_SARCOMA, anchor[s])
    for concept in (v.CARBOPLATIN, v.PACLITAXEL):
        drug(person[s], concept, anchor[s] + 20, anchor[s] + 20)
    p = np.flatnonzero(prostate)
    condition(person[p], v.PROSTATE_CANCER, anchor[p])
    treated = p[rng.random(len(p)) < 0.1]
    drug(person[treated], v.PEMBROLIZUMAB, anchor[treated] + 30, anchor[treated] + 30)
    rest = np.flatnonzero(~candidate)
    hypertensive = rest[rng.random(len(rest)) < 0.3]
    condition(person[hypertensive], v.HYPERTENSION, anchor[hypertensive])
    dead = rest[rng.random(len(rest)) < 0.05]
    deaths.append({"person_id": person[dead], "death_date": obs_end[dead]})

    conditions, drugs, deaths = _cat(conditions), _cat(drugs), _cat(deaths)
    measurements, episodes = _cat(measurements), _cat(episodes)
    out = {
        "person": {"person_id": person, "gender_concept_id": gender, "year_of_birth": year_of_birth,
                   "month_of_birth": np.full(n, None), "day_of_birth": np.full(n, None),
                   "race_concept_id": np.zeros(n, np.int32), "ethnicity_concept_id": np.zeros(n, np.int32),
                   "person_source_value": np.full(n, None), "gender_source_value": np.where(gender == v.MALE, "M",
                                                                                            "F")},
        "observation_period": {"observation_period_id": ids.take("observation_period", n), "person_id": person,
                               "observation_period_start_date": obs_start, "observation_period_end_date": obs_end,
                               "period_type_concept_id": np.full(n, v.EHR)},
        "condition_occurrence": {"condition_occurrence_id": ids.take("condition_occurrence",
                                                                     len(conditions["person_id"])),
                                 **conditions, "condition_type_concept_id": np.full(len(conditions["person_id"]),
                                                                                    v.EHR)},
        "drug_exposure": {"drug_exposure_id": ids.take("drug_exposure", len(drugs["person_id"])), **drugs,
                          "drug_type_concept_id": np.full(len(drugs["person_id"]), v.EHR),
                          "days_supply": drugs["drug_exposure_end_date"] - drugs["drug_exposure_start_date"] + 1},
        "drug_era": _drug_eras(drugs, ids),
        "death": {**deaths, "death_type_concept_id": np.full(len(deaths["person_id"]), v.EHR)},
        "measurement": {"measurement_id": ids.take("measurement", len(measurements["person_id"])), **measurements,
                        "measurement_type_concept_id": np.full(len(measurements["person_id"]), v.EHR)},
        "episode": {"episode_id": ids.take("episode", len(episodes["person_id"])), **episodes,
                    "episode_end_date": episodes["episode_start_date"],
                    "episode_object_concept_id": np.full(len(episodes["person_id"]), v.SOFT_TISSUE_SARCOMA),
                    "episode_type_concept_id": np.full(len(episodes["person_id"]), v.EHR)},
    }
    return out, k


def _drug_eras(drugs: dict, ids: _Counters, gap: int = 30) -> dict:
    """Drug eras at the ingredient level with OHDSI's standard 30-day persistence gap, vectorised: exposures
    sorted by person, ingredient and start; a new era where the start is more than ``gap`` days after every
    earlier end of the same person and ingredient."""
    ingredient = np.where(drugs["drug_concept_id"] == v.ANLOTINIB_CAPSULE, v.ANLOTINIB, drugs["drug_concept_id"])
    order = np.lexsort((drugs["drug_exposure_start_date"], ingredient, drugs["person_id"]))
    who, what = drugs["person_id"][order], ingredient[order]
    start, end = drugs["drug_exposure_start_date"][order], drugs["drug_exposure_end_date"][order]
    same = np.r_[False, (who[1:] == who[:-1]) & (what[1:] == what[:-1])]
    # running maximum of the end within each (person, ingredient) group
    group = np.cumsum(~same)
    running = end.astype(np.int64) + group.astype(np.int64) * 10**6  # group offset keeps maxima inside groups
    running = np.maximum.accumulate(running) - group.astype(np.int64) * 10**6
    new = ~same | (start > np.r_[0, running[:-1]] + gap)
    era = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    n = len(first)
    era_end = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(era_end, era, end)
    return {"drug_era_id": ids.take("drug_era", n), "person_id": who[first], "drug_concept_id": what[first],
            "drug_era_start_date": start[first], "drug_era_end_date": era_end,
            "drug_exposure_count": np.bincount(era, minlength=n), "gap_days": np.zeros(n, np.int64)}


def _vocabulary(con) -> None:
    concepts = sorted(v.CONCEPTS.items())
    rows = {"concept_id": [c for c, _ in concepts], "concept_name": [r[0] for _, r in concepts],
            "domain_id": [r[1] for _, r in concepts], "vocabulary_id": [r[2] for _, r in concepts],
            "concept_class_id": [r[3] for _, r in concepts], "standard_concept": [r[4] for _, r in concepts],
            "concept_code": [r[5] for _, r in concepts],
            "valid_start_date": [_day(dt.date(1970, 1, 1))] * len(concepts),
            "valid_end_date": [_day(dt.date(2099, 12, 31))] * len(concepts), "invalid_reason": [None] * len(concepts)}
    _insert(con, "concept", rows)
    pairs = [(c, c, 0) for c in sorted(v.CONCEPTS)] + list(v.HIERARCHY)
    _insert(con, "concept_ancestor", {"ancestor_concept_id": [a for a, _, _ in pairs],
                                      "descendant_concept_id": [d for _, d, _ in pairs],
                                      "min_levels_of_separation": [n for _, _, n in pairs],
                                      "max_levels_of_separation": [n for _, _, n in pairs]})
    _insert(con, "cdm_source", {"cdm_source_name": ["oncocohort synthetic CDM"], "cdm_source_abbreviation":
                                ["oncocohort-synth"], "cdm_holder": ["oncocohort"],
                                "source_description": ["Synthetic data (oncocohort omop synth); no real person"],
                                "cdm_release_date": [_day(DATABASE_END)], "cdm_version": ["v5.4"],
                                "cdm_version_concept_id": [756265], "vocabulary_version": ["oncocohort subset"]})


def _insert(con, table: str, columns: dict) -> None:
    data = _Rows(columns).arrow(table)  # noqa: F841 - DuckDB reads the local Arrow table by name
    con.execute(f"INSERT INTO {table} SELECT * FROM data")


def synthesize(n_patients: int, out: str | Path, seed: int = 1) -> dict[str, int]:
    """Write the synthetic CDM of ``n_patients`` persons to ``out`` (a ``.duckdb`` file, or a folder of Parquet
    files when ``out`` has no ``.duckdb`` suffix) → rows per table. Refuses an existing ``out``."""
    import duckdb

    if not 1 <= n_patients <= MAX_PATIENTS:
        raise SynthError(f"--patients must be from 1 to {MAX_PATIENTS:,}, got {n_patients:,}")
    out = Path(out)
    if out.exists():
        raise SynthError(f"{out} exists: give a new path (nothing is overwritten)")
    parquet = out.suffix.lower() != ".duckdb"
    database = out / "cdm.duckdb" if parquet else out
    if parquet:
        out.mkdir(parents=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("SET threads TO 2")
        for table, columns in TABLES.items():
            con.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")
        ids, candidates = _Counters(), 0
        for number, first in enumerate(range(1, n_patients + 1, CHUNK)):
            rows, found = _chunk(seed, number, first, min(CHUNK, n_patients - first + 1), candidates, ids)
            candidates += found
            for table, columns in rows.items():
                _insert(con, table, columns)
        _vocabulary(con)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        if parquet:
            for table in TABLES:
                con.execute(f"COPY (SELECT * FROM {table}) TO '{out / (table + '.parquet')}' (FORMAT parquet)")
    except BaseException:
        con.close()
        shutil.rmtree(out, ignore_errors=True) if parquet else database.unlink(missing_ok=True)
        raise
    con.close()
    if parquet:
        database.unlink()
    return counts
