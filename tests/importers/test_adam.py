"""ADaM analysed as it is: the pharmaverse ADSL/ADRS/ADTTE/ADAE → the report's statistics, honouring the
population flag, BOR/CBOR, CNSR (0 event, > 0 censored) and AVAL in days."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.cli import main
from oncocohort.report.build import analyse_adam

ADAM = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "pharmaverse" / "adam"
pytestmark = pytest.mark.skipif(not ADAM.exists(), reason="../shared/reference-data not present")


@pytest.fixture(scope="module")
def adam():
    return {name: pd.read_csv(ADAM / f"{name}.csv") for name in ("adsl", "adrs_onco", "adtte_onco")}


@pytest.mark.parametrize("confirmed, paramcd", [(False, "BOR"), (True, "CBOR")])
def test_best_response_counts_are_adrs(adam, confirmed, paramcd):
    datasets, results = analyse_adam(ADAM, confirmed=confirmed)
    population = set(adam["adsl"].loc[adam["adsl"]["SAFFL"] == "Y", "USUBJID"])
    assert results.n_included == len(population) == 254
    adrs = adam["adrs_onco"]
    expected = adrs[(adrs["PARAMCD"] == paramcd) & adrs["USUBJID"].isin(population)].set_index("USUBJID")["AVALC"]
    expected = expected.replace({"MISSING": "NE"}).reindex(sorted(population)).fillna("NE")
    counts = expected.value_counts()
    ours = dict(results.response.counts)
    for category in ("CR", "PR", "SD", "PD", "NE"):
        assert ours.get(category, 0) == counts.get(category, 0), category
    assert dict(results.response.rates)["ORR"].x == counts.get("CR", 0) + counts.get("PR", 0)


def test_survival_uses_aval_and_cnsr(adam):
    datasets, results = analyse_adam(ADAM)
    adtte = adam["adtte_onco"]
    for name in ("OS", "PFS"):
        rows = adtte[adtte["PARAMCD"] == name]
        endpoint = results.endpoint(name)
        assert endpoint.fit.n == len(rows) == 254
        assert endpoint.fit.events == int((rows["CNSR"] == 0).sum())
        ours = datasets.adtte[datasets.adtte["paramcd"] == name].set_index("patient_id").loc[rows["USUBJID"]]
        np.testing.assert_allclose(ours["days"], rows["AVAL"], rtol=1e-12)


def test_report_from_adam_and_a_missing_flag_is_a_plain_error(tmp_path, capsys):
    assert main(["report", str(ADAM), "--adam", "--out", str(tmp_path / "r"), "--format", "html"]) == 0
    assert (tmp_path / "r" / "results.json").exists() and (tmp_path / "r" / "report.html").exists()
    assert main(["report", str(ADAM), "--adam", "--population", "ZZFL", "--out", str(tmp_path / "s")]) == 1
    assert "no population flag ZZFL" in capsys.readouterr().out and not (tmp_path / "s").exists()


def test_config_is_the_study_toml_named(tmp_path):
    from oncocohort.io.template import STUDY_TOML
    from oncocohort.report.build import ReportError

    other = tmp_path / "settings.toml"
    other.write_text(STUDY_TOML, encoding="utf-8")
    with pytest.raises(ReportError, match="--config takes a study.toml"):
        analyse_adam(ADAM, config_file=other)
    (tmp_path / "study.toml").write_text(STUDY_TOML.replace("landmarks = [12, 24]", "landmarks = [3]"),
                                         encoding="utf-8")
    _, results = analyse_adam(ADAM, config_file=tmp_path / "study.toml")
    assert [m.time for m in results.endpoint("OS").landmarks] == [3]
