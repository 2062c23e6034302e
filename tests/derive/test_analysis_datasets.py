"""The study pipeline end to end: reconciliations (screened = included + excluded; every lesion and AE row used
or listed with a reason), cutoff counting, determinism, and the derive command."""

from __future__ import annotations

import subprocess
import sys

from oncocohort import load_study
from oncocohort.derive.analysis_datasets import derive_study
from tests.study_builder import example_tables, write_study


def rich_tables():
    t = example_tables()
    base = dict(t["patients"][0])
    t["patients"] += [dict(base, patient_id="P003", age=17), dict(base, patient_id="P004", brain_metastases="active"),
                      dict(base, patient_id="P005")]  # P005 never treated
    for pid in ("P003", "P004"):
        t["treatments"].append(dict(t["treatments"][0], patient_id=pid))
        t["followup"].append({"patient_id": pid, "last_known_alive_date": "2022-01-01"})
        t["lesions"].append(dict(t["lesions"][0], patient_id=pid))
    t["lesions"].append(dict(t["lesions"][0], assessment_date="2020-12-01", diameter_mm=39))  # before the window
    t["lesions"].append(dict(t["lesions"][2], assessment_date="2022-06-01", diameter_mm=20))  # after the cutoff
    t["adverse_events"].append(dict(t["adverse_events"][0], onset_date="2021-02-20", end_date="2021-02-25"))  # pre-dose
    t["adverse_events"].append(dict(t["adverse_events"][0], onset_date="2022-06-02", end_date=None))  # after cutoff
    t["followup"][0]["last_known_alive_date"] = "2022-07-01"  # beyond the cutoff: capped
    return t


def test_reconciliations(tmp_path):
    study = load_study(write_study(tmp_path / "s", rich_tables()))
    data = derive_study(study)
    result = data.eligibility
    assert result.screened == ("P001", "P002", "P003", "P004", "P005")
    assert result.included == ("P001", "P002")
    assert len(result.screened) == len(result.included) + data.attrition["n_excluded"].sum()
    reasons = data.adsl.set_index("patient_id")["exclusion_reason"].dropna().to_dict()
    assert reasons == {"P003": "Age 18 years or older", "P004": "Active brain metastases",
                       "P005": "At least one measurable target lesion (RECIST 1.1)"}
    accounting = data.row_accounting
    assert len(accounting[accounting["table"] == "lesions"]) == len(study.tables["lesions"])
    assert len(accounting[accounting["table"] == "adverse_events"]) == len(study.tables["adverse_events"])
    status = accounting.groupby(["table", "status"]).size().to_dict()
    assert status == {("adverse_events", "after the data cutoff"): 1, ("adverse_events", "not treatment-emergent"): 1,
                      ("adverse_events", "used"): 2, ("lesions", "after the data cutoff"): 1,
                      ("lesions", "before the baseline assessment"): 1, ("lesions", "patient not included"): 2,
                      ("lesions", "used"): 8,
                      ("responses", "not used (response derived from the lesions by recist1.1)"): 2}
    listing = data.cutoff_listing
    assert sorted(zip(listing["table"], listing["action"])) == [
        ("adverse_events", "removed"), ("followup", "set to the cutoff"), ("lesions", "removed")]
    os_p001 = data.adtte[(data.adtte["paramcd"] == "OS") & (data.adtte["patient_id"] == "P001")].iloc[0]
    assert os_p001["cnsr"] == 5 and str(os_p001["end_date"].date()) == "2022-05-15"


def test_derive_command_is_deterministic_and_refuses_invalid_input(tmp_path):
    folder = write_study(tmp_path / "s", rich_tables())
    runs = [subprocess.run([sys.executable, "-m", "oncocohort", "derive", str(folder), "--out", str(tmp_path / o)],
                           capture_output=True, text=True) for o in ("a", "b")]
    assert all(r.returncode == 0 for r in runs), runs[0].stdout + runs[0].stderr
    assert "5 screened, 2 included, 3 excluded" in runs[0].stdout
    for name in ("adsl.csv", "adtte.csv", "adae.csv", "attrition.csv", "row_accounting.csv", "data_dictionary.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    bad = rich_tables()
    bad["patients"][0]["sex"] = "x"
    broken = write_study(tmp_path / "bad", bad)
    result = subprocess.run([sys.executable, "-m", "oncocohort", "derive", str(broken), "--out", str(tmp_path / "c")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "nothing derived" in result.stdout and not (tmp_path / "c").exists()


def test_endpoint_options_come_from_study_toml(tmp_path):
    from oncocohort.io.template import STUDY_TOML

    tables = rich_tables()
    tables["followup"][0]["new_anticancer_therapy_date"] = "2021-04-01"  # P001: before its 2021-04-20 scan
    on = derive_study(load_study(write_study(tmp_path / "on", tables)))
    off_toml = STUDY_TOML.replace("censor_at_new_therapy = true", "censor_at_new_therapy = false")
    off = derive_study(load_study(write_study(tmp_path / "off", tables, toml=off_toml)))

    def pfs(data):
        table = data.adtte
        return table[(table["paramcd"] == "PFS") & (table["patient_id"] == "P001")].iloc[0]

    assert pfs(on)["cnsr"] == 3 and pfs(on)["days"] == 0  # no evaluable scan before the new therapy
    assert pfs(off)["cnsr"] == 1 and pfs(off)["days"] == 50
    assert set(on.adtte["paramcd"]) == {"OS", "PFS", "DOR", "TTR", "TTF", "FU"}
    fu = on.adtte[on.adtte["paramcd"] == "FU"].set_index("patient_id")
    assert fu["event"].to_dict() == {"P001": 1, "P002": 0}  # P002 died: follow-up ended by death
    assert on.adsl.set_index("patient_id").loc["P001", "clinical_benefit"]  # PR


def test_recorded_response_criteria_use_the_responses_table(tmp_path):
    from oncocohort.io.template import STUDY_TOML

    toml = STUDY_TOML.replace('criteria = "recist1.1"', 'criteria = "recorded"')
    data = derive_study(load_study(write_study(tmp_path / "s", rich_tables(), toml=toml)))
    assert data.adsl.set_index("patient_id").loc[["P001", "P002"], "best_overall_response"].tolist() == ["PR", "SD"]
    lesions = data.row_accounting[data.row_accounting["table"] == "lesions"]
    assert "used" not in set(lesions["status"])
