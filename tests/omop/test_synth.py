"""The synthetic CDM: same seed → same content; every table of the CDM there; the example cohort found."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from oncocohort.omop.synth import TABLES, SynthError, synthesize


def _hashes(path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    out = {}
    for table, columns in TABLES.items():
        names = ", ".join(n for n, _ in columns)
        rows = con.execute(f"SELECT {names} FROM {table} ORDER BY {names}").fetchall()
        out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    con.close()
    return out


def test_same_seed_same_tables_other_seed_other_tables(tmp_path):
    counts = synthesize(1000, tmp_path / "a.duckdb", seed=7)
    synthesize(1000, tmp_path / "b.duckdb", seed=7)
    synthesize(1000, tmp_path / "c.duckdb", seed=8)
    a, b, c = (_hashes(tmp_path / f"{x}.duckdb") for x in "abc")
    assert a == b
    assert a["person"] != c["person"] and a["drug_exposure"] != c["drug_exposure"]
    assert counts["person"] == counts["observation_period"] == 1000
    assert all(counts[t] > 0 for t in TABLES)


def test_parquet_folder_and_refusals(tmp_path):
    synthesize(500, tmp_path / "cdm", seed=1)
    assert sorted(p.name for p in (tmp_path / "cdm").iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    with pytest.raises(SynthError, match="exists"):
        synthesize(500, tmp_path / "cdm", seed=1)
    with pytest.raises(SynthError, match="from 1 to"):
        synthesize(0, tmp_path / "x.duckdb")


def test_drug_eras_join_exposures_within_30_days(tmp_path):
    synthesize(2000, tmp_path / "s.duckdb", seed=2)
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    # anlotinib cycles (14 days on, 7 off) make one era per patient: exposures = eras' exposure counts
    exposures, eras = con.execute("SELECT (SELECT count(*) FROM drug_exposure WHERE drug_concept_id = 2000000102), "
                                  "(SELECT sum(drug_exposure_count) FROM drug_era WHERE drug_concept_id = 2000000101)"
                                  ).fetchone()
    gaps = con.execute("SELECT count(*) FROM drug_era a JOIN drug_era b ON a.person_id = b.person_id AND "
                       "a.drug_concept_id = b.drug_concept_id AND b.drug_era_start_date > a.drug_era_end_date AND "
                       "b.drug_era_start_date <= a.drug_era_end_date + 30").fetchone()[0]
    con.close()
    assert exposures == eras and gaps == 0
