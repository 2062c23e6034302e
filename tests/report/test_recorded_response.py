"""`[response] criteria = "recorded"` end to end (with and without a lesions table): the report is written from the
responses table, the figures that need lesion measurements (waterfall, spider) are left out and the text says so;
under RECIST 1.1 a responses table beside the lesions is reported as not used (validate warning, row accounting)."""

from __future__ import annotations

import csv
import json
import re

from oncocohort.cli import main
from oncocohort.io.template import STUDY_TOML
from oncocohort.report.build import build_report
from tests.study_builder import example_tables, write_study

RECORDED = STUDY_TOML.replace('criteria = "recist1.1"', 'criteria = "recorded"')
LESION_CRITERION = re.compile(r"\[\[eligibility\.criteria\]\]\nkind = \"include\"\nlabel = \"At least one "
                              r"measurable target lesion \(RECIST 1\.1\)\"\n[^\[]*")


def _accounting(out, folder="datasets") -> dict:
    rows = csv.DictReader((out / folder / "row_accounting.csv").open(encoding="utf-8"))
    return {(r["table"], r["source_row"]): r["status"] for r in rows}


def _check_recorded_report(out):
    facts = json.loads((out / "results.json").read_text())
    assert facts["settings"]["response_criteria"] == "recorded"
    assert facts["response"]["counts"]["PR"] == 1 and facts["response"]["n"] == 2  # from the responses table
    figures = {p.stem.split("_", 2)[2] for p in (out / "figures").glob("figure_*.png")}  # figure_NN_<key>
    assert "waterfall" not in figures and "spider" not in figures
    assert {"flow", "swimmer", "km_pfs"} <= figures
    html = (out / "report.html").read_text()
    assert "Tumour response was taken from the responses recorded by the investigators" in html
    assert "so the waterfall and spider plots of target-lesion change are not shown" in html
    assert "Target lesions shrank" not in html and "(RECIST 1.1)</caption>" not in html


def test_recorded_with_a_lesions_table(tmp_path):
    study = write_study(tmp_path / "s", example_tables(), toml=RECORDED)
    out = tmp_path / "out"
    build_report(study, out, ("html",))
    _check_recorded_report(out)
    accounting = _accounting(out)
    assert {s for (t, _), s in accounting.items() if t == "lesions"} == {"not used (response criteria = recorded)"}
    assert accounting[("responses", "2")] == accounting[("responses", "3")] == "used"


def test_recorded_without_a_lesions_table(tmp_path, capsys):
    tables = example_tables()
    del tables["lesions"]
    toml, n = LESION_CRITERION.subn("", RECORDED)
    assert n == 1  # no lesion data: the lesion criterion cannot apply
    study = write_study(tmp_path / "s", tables, toml=toml)
    out = tmp_path / "out"
    assert main(["report", str(study), "--out", str(out), "--format", "html"]) == 0
    assert "internal error" not in capsys.readouterr().err
    _check_recorded_report(out)
    assert {t for t, _ in _accounting(out)} == {"responses", "adverse_events"}
    adsl = list(csv.DictReader((out / "datasets" / "adsl.csv").open(encoding="utf-8")))
    assert {row["baseline_target_lesions"] for row in adsl} == {""}  # unknown, not zero


def test_unused_responses_table_is_reported(tmp_path, capsys):
    study = write_study(tmp_path / "s", example_tables())  # recist1.1 with lesions and responses
    assert main(["derive", str(study), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert ("warning: the responses table (2 rows, study.xlsx) is not used: [response] criteria = 'recist1.1' "
            "derives response from the lesions table") in out
    accounting = _accounting(tmp_path / "out", folder="")
    assert accounting[("responses", "2")] == accounting[("responses", "3")] == (
        "not used (response derived from the lesions by recist1.1)")


def test_flow_figure_names_the_response_criteria_in_force(tmp_path):
    """Under criteria = "recorded" the CONSORT box does not claim RECIST 1.1 (it did at commit 3202bc4)."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from oncocohort.report.build import analyse_folder, build_figures

    def flow_texts(toml):
        study = write_study(tmp_path / str(len(toml)), example_tables(), toml=toml)
        _, _, results = analyse_folder(study)
        figures = build_figures(results)
        flow = next(f for f in figures if f.key == "flow")
        text = " ".join(t.get_text() for t in flow.figure.findobj(Text)).replace("\n", " ")
        for f in figures:
            plt.close(f.figure)
        return text

    recorded = flow_texts(RECORDED)
    assert "Evaluable for response, as recorded by the investigators (n = 2)" in recorded
    assert "RECIST" not in recorded
    assert "Evaluable for response, RECIST 1.1" in flow_texts(STUDY_TOML)
