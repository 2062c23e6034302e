"""The cohort, attrition and endpoint rules on a CDM built by hand (tests/omop/cdm_builder.py), each hand-checked."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from oncocohort.omop.cdm import CdmError, open_cdm
from oncocohort.omop.cohort import build_cohort
from oncocohort.omop.cohort_spec import read_cohort_spec
from oncocohort.omop.endpoints import omop_datasets
from oncocohort.omop.pipeline import needed_tables
from tests.omop.cdm_builder import write_duckdb

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def result(hand_cdm):
    spec = read_cohort_spec(EXAMPLE)
    cdm = open_cdm(hand_cdm)
    cohort = build_cohort(cdm, spec)
    datasets, notes = omop_datasets(cdm, spec, cohort)
    return cohort, datasets, notes


def test_every_attrition_step_removes_the_patient_placed_for_it(result):
    cohort, _, _ = result
    table = cohort.eligibility.attrition_table()
    assert cohort.eligibility.screened == tuple(str(p) for p in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13))
    assert [r.excluded_ids for r in table.itertuples()] == ["3;4;13", "5", "6", "7", "8", "9", "10"]
    assert list(table["n_at_step"]) == [12, 9, 8, 7, 6, 5, 4]
    assert list(table["n_remaining"]) == [9, 8, 7, 6, 5, 4, 3]
    assert cohort.eligibility.included == ("1", "2", "12")


def test_index_date_is_the_first_start_of_the_component_started_last(result):
    cohort, _, _ = result
    index = cohort.patients.set_index("patient_id")["index_date"]
    assert index["1"] == pd.Timestamp("2020-02-10")  # anlotinib 02-01, pembrolizumab 02-10
    assert index["2"] == pd.Timestamp("2021-06-05")  # nivolumab 06-01, anlotinib 06-05
    assert pd.isna(index["3"])  # one component only: no index date


def _row(datasets, paramcd, patient):
    rows = datasets.adtte[(datasets.adtte["paramcd"] == paramcd) & (datasets.adtte["patient_id"] == patient)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(("paramcd", "patient", "days", "event"), [
    ("OS", "1", 366, 1),      # death 2021-02-10
    ("OS", "2", 1121, 0),     # death after the cutoff: censored at the cutoff 2024-06-30
    ("OS", "12", 334, 1),     # death after the end of observation but before the cutoff: an event
    ("PFS", "1", 182, 1),     # progression 2020-08-10 (the one before the start is ignored)
    ("PFS", "2", 1121, 0),
    ("PFS", "12", 334, 1),    # progression after the end of observation ignored; death
    ("TTD", "1", 25, 1),      # era ends 2020-03-06: the restart on 06-01 is after a gap > 60 days
    ("TTD", "2", 1111, 0),    # last exposure 2024-06-20, 60 days later is past the cutoff: censored
    ("TTD", "12", 13, 1),
    ("TTNT", "1", 204, 1),    # doxorubicin 2020-09-01
    ("TTNT", "2", 1121, 0),
    ("TTNT", "12", 334, 1),   # death
])
def test_endpoint_rules(result, paramcd, patient, days, event):
    _, datasets, _ = result
    row = _row(datasets, paramcd, patient)
    assert (row["days"], row["event"], row["cnsr"]) == (days, event, 1 - event)


def test_covariates_and_ungraded_adverse_events(result):
    _, datasets, notes = result
    adsl = datasets.adsl.set_index("patient_id")
    assert adsl.loc["1", "ecog"] == 1  # the last value in the 30 days up to the index (3 a year earlier ignored)
    assert adsl.loc["2", "ecog"] == 0 and pd.isna(adsl.loc["12", "ecog"])
    assert (adsl.loc["1", "age"], adsl.loc["1", "sex"], adsl.loc["12", "sex"]) == (60, "male", "female")
    assert adsl.loc["5", "exclusion_reason"].startswith("Diagnosis of soft-tissue sarcoma")
    adae = datasets.adae  # ungraded: the term with a missing grade, counted in the report's ungraded table
    assert list(zip(adae["patient_id"], adae["ctcae_term"])) == [("1", "Hypertension")]  # patient 2's is before
    assert adae["grade"].isna().all() and set(adae["ungraded_source"]) == {"recorded as conditions in the database"}
    assert any("adverse events (Hypertension" in note for note in notes)


def test_missing_table_and_column_are_named(tmp_path):
    import duckdb

    path = tmp_path / "broken.duckdb"
    write_duckdb(path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE episode")
    con.execute("ALTER TABLE death RENAME COLUMN death_date TO died_on")
    con.close()
    cdm = open_cdm(path)
    with pytest.raises(CdmError) as error:
        cdm.check(needed_tables(read_cohort_spec(EXAMPLE), False))
    text = "\n".join(error.value.problems)
    assert "the CDM table episode is missing" in text
    assert "table death has no column death_date" in text


def test_cohort_table_path(hand_cdm, tmp_path):
    import duckdb

    path = tmp_path / "with_cohort.duckdb"
    path.write_bytes(hand_cdm.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE cohort (cohort_definition_id INTEGER, subject_id BIGINT, cohort_start_date DATE, "
                "cohort_end_date DATE)")
    con.execute("INSERT INTO cohort VALUES (7, 1, '2020-02-10', NULL), (7, 1, '2021-01-01', NULL), "
                "(7, 7, '2020-03-01', NULL), (7, 6, '2024-08-01', NULL), (8, 2, '2021-06-05', NULL)")
    con.close()
    spec = read_cohort_spec(EXAMPLE, require_cohort=False)
    cohort = build_cohort(open_cdm(path), spec, "cohort", 7)
    table = cohort.eligibility.attrition_table()
    assert cohort.eligibility.screened == ("1", "6", "7")
    assert list(table["n_excluded"]) == [1, 0, 0, 0]  # patient 6 after the cutoff; 7 is inside observation
    assert cohort.eligibility.included == ("1", "7")
    assert cohort.patients.set_index("patient_id").loc["1", "index_date"] == pd.Timestamp(dt.date(2020, 2, 10))
