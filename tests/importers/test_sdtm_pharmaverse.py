"""The SDTM importer on the pharmaverse oncology data, run through the whole pipeline and compared with what
admiralonco derived from the same SDTM (adam/adrs_onco.csv, adam/adtte_onco.csv).

Systematic differences (docs/importing.md): ADaM counts days as end − start + 1, we count end − start; ADaM's
censoring code for "no tumour assessment" is CNSR 1 (censored at randomisation), ours 2 (censored at the start);
admiral's last-known-alive date uses AE, LB and last-dose dates only, ours also the DS, SV and DM dates, so an
alive patient's OS censoring date is the same or later.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from oncocohort.cli import main
from oncocohort.derive.analysis_datasets import derive_study
from oncocohort.io.sdtm import sdtm_date
from oncocohort.io.study import load_study, validate_study

PHARMAVERSE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "pharmaverse"
pytestmark = pytest.mark.skipif(not PHARMAVERSE.exists(), reason="../shared/reference-data not present")
SDTM = PHARMAVERSE / "sdtm"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("pharmaverse") / "study"
    code = main(["import", "sdtm", str(SDTM), "--out", str(out), "--domain", f"TU={SDTM / 'tu_onco_recist.csv'}",
                 "--domain", f"TR={SDTM / 'tr_onco_recist.csv'}", "--domain", f"RS={SDTM / 'rs_onco_recist.csv'}"])
    assert code == 0
    # ADRS's settings: screening scans up to ~8 weeks before the first dose are baseline
    toml = out / "study.toml"
    toml.write_text(toml.read_text().replace("baseline_window_days = 28", "baseline_window_days = 60"))
    study = load_study(out)
    return out, study, derive_study(study)


def _adam(name: str) -> pd.DataFrame:
    return pd.read_csv(PHARMAVERSE / "adam" / name)


def test_import_validates_and_accounts_for_every_row(imported):
    out, _, _ = imported
    assert validate_study(out).ok
    report = pd.read_json(out / "import-report.json", typ="series")
    for record in report["inputs"]:
        not_used = sum(r["rows"] for r in record["rows_not_used"])
        assert record["rows_used"] + not_used == record["rows"], record["name"]
        header = pd.read_csv(record["file"], nrows=0).columns
        assert sorted(set(record["columns_mapped"]) | set(record["columns_not_used"])) == sorted(header)
    by_name = {r["name"]: r for r in report["inputs"]}
    # the independent reviewers' records are reported, not silently lost
    reasons = {r["reason"]: r["rows"] for r in by_name["TR"]["rows_not_used"]}
    assert reasons["another evaluator than INVESTIGATOR"] == 364
    assert by_name["AE"]["rows_used"] == 0  # no AETOXGR in the CDISC pilot: every AE is listed as not graded
    assert "ecog" in (out / "study.toml").read_text()  # declared not_collected


def test_bor_matches_admiralonco(imported):
    _, _, datasets = imported
    adrs = _adam("adrs_onco.csv")
    bor = adrs[adrs["PARAMCD"] == "BOR"].set_index("USUBJID")["AVALC"]
    subjects = sorted(pd.read_csv(SDTM / "tu_onco_recist.csv")["USUBJID"].unique())
    ours = datasets.adsl.set_index("patient_id").loc[subjects, "best_overall_response"]
    assert ours.tolist() == bor.loc[subjects].tolist()
    assert sorted(set(ours)) == ["CR", "NE", "NON-CR/NON-PD", "PD", "PR", "SD"]


def test_confirmed_bor_matches_admiralonco(imported, tmp_path):
    out, _, _ = imported
    confirmed = tmp_path / "confirmed"
    shutil.copytree(out, confirmed)
    toml = confirmed / "study.toml"
    toml.write_text(toml.read_text().replace("confirmation = false", "confirmation = true\nmax_ne_between = 1"))
    datasets = derive_study(load_study(confirmed))
    adrs = _adam("adrs_onco.csv")
    cbor = adrs[adrs["PARAMCD"] == "CBOR"].set_index("USUBJID")["AVALC"]
    subjects = sorted(pd.read_csv(SDTM / "tu_onco_recist.csv")["USUBJID"].unique())
    ours = datasets.adsl.set_index("patient_id").loc[subjects, "best_overall_response"]
    assert ours.tolist() == cbor.loc[subjects].tolist()


def _tte(datasets, paramcd: str) -> pd.DataFrame:
    adtte = _adam("adtte_onco.csv")
    theirs = adtte[adtte["PARAMCD"] == paramcd]
    ours = datasets.adtte[datasets.adtte["paramcd"] == paramcd]
    merged = ours.merge(theirs, left_on="patient_id", right_on="USUBJID", validate="one_to_one")
    assert len(merged) == len(theirs) == 254
    return merged


def test_pfs_matches_admiralonco_up_to_the_day_count(imported):
    merged = _tte(imported[2], "PFS")
    assert ((merged["cnsr"] > 0) == (merged["CNSR"] == 1)).all()
    assert (merged["end_date"].dt.strftime("%Y-%m-%d") == merged["ADT"]).all()
    assert (merged["AVAL"] == merged["days"] + 1).all()  # ADaM: end − start + 1
    assert merged["event"].sum() == 6


def test_os_matches_admiralonco_for_deaths_and_censors_no_earlier(imported):
    merged = _tte(imported[2], "OS")
    assert ((merged["cnsr"] > 0) == (merged["CNSR"] == 1)).all()
    deaths = merged[merged["CNSR"] == 0]
    assert len(deaths) == 3 and (deaths["AVAL"] == deaths["days"] + 1).all()
    alive = merged[merged["CNSR"] == 1]
    theirs = pd.to_datetime(alive["ADT"])
    assert (alive["end_date"] >= theirs).all()
    # where we censor later, it is a DS, SV or DM date admiral's last-alive rule does not look at
    later = alive[alive["end_date"] > theirs]
    extra = pd.concat([
        pd.DataFrame({"id": f["USUBJID"], "date": sdtm_date(f[c])})
        for f, cols in ((pd.read_csv(SDTM / "ds.csv"), ["DSSTDTC"]), (pd.read_csv(SDTM / "sv.csv"), ["SVSTDTC"]),
                        (pd.read_csv(SDTM / "dm.csv"), ["RFENDTC", "RFXENDTC"])) for c in cols])
    latest = extra.groupby("id")["date"].max()
    assert len(later) == 92 and len(alive) - len(later) == 159  # the numbers docs/importing.md gives
    assert (later["end_date"].to_numpy() <= latest.loc[later["patient_id"]].to_numpy()).all()
