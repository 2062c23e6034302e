"""The report's landmark and censoring-sensitivity analyses (stats/study_landmark.py): the PFS censoring table on a
five-patient case derived by hand, and OS by response at the landmark with the study's own confidence band."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pandas as pd
import pytest

from oncocohort.derive.censoring_sensitivity import PRIMARY, pfs_censoring_sensitivity
from oncocohort.derive.time_to_event import EndpointOptions
from oncocohort.present.formatting import estimate_ci
from oncocohort.present.landmark_table import censoring_sensitivity_table, os_by_response_table
from oncocohort.report.build import analyse_folder
from oncocohort.stats.kaplan_meier import survival_quantile
from oncocohort.stats.study_landmark import censoring_sensitivity

START = pd.Timestamp("2021-01-01")
CUTOFF = START + pd.Timedelta(days=400)


def day(n):
    return START + pd.Timedelta(days=n) if n is not None else pd.NaT


def five_patients():
    """Assessments every 42 days. P1 progresses at 126; P2 starts a new anticancer therapy on day 100, then
    progresses at 126; P3 is assessed at 42 and next at 210 (PD), three assessments missed; P4 is stable and alive;
    P5 dies on day 60."""
    visits = [("P1", 42, "SD"), ("P1", 84, "SD"), ("P1", 126, "PD"),
              ("P2", 42, "SD"), ("P2", 84, "SD"), ("P2", 126, "PD"),
              ("P3", 42, "SD"), ("P3", 210, "PD"),
              ("P4", 42, "SD"), ("P4", 84, "SD"),
              ("P5", 42, "SD")]
    visits = pd.DataFrame({"patient_id": [v[0] for v in visits], "assessment_date": [day(v[1]) for v in visits],
                           "overall_response": [v[2] for v in visits]})
    followup = pd.DataFrame({"patient_id": ["P1", "P2", "P3", "P4", "P5"],
                             "last_known_alive_date": [day(300), day(300), day(300), day(300), day(60)],
                             "death_date": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, day(60)],
                             "new_anticancer_therapy_date": [pd.NaT, day(100), pd.NaT, pd.NaT, pd.NaT]})
    index = pd.Series(START, index=["P1", "P2", "P3", "P4", "P5"])
    return index, visits, followup


def test_each_censoring_rule_changes_the_patients_derived_by_hand():
    """Primary: censored at a new therapy (P2 at day 84) and after ≥ 2 missed assessments (P3 at day 42).
    Ignoring the new therapy makes P2 an event at 126; counting events after missed assessments makes P3 an event at
    210; counting every progression or death changes both. P1 (event), P4 (censored) and P5 (death) never change."""
    index, visits, followup = five_patients()
    options = EndpointOptions(CUTOFF, censor_at_new_therapy=True, missed_assessments=2, assessment_interval_days=42)
    variants = pfs_censoring_sensitivity(index, visits, followup, options)
    primary = variants[variants["rule"] == PRIMARY].set_index("patient_id")
    assert primary["event"].to_dict() == {"P1": 1, "P2": 0, "P3": 0, "P4": 0, "P5": 1}
    assert primary["days"].to_dict() == {"P1": 126, "P2": 84, "P3": 42, "P4": 84, "P5": 60}

    result = censoring_sensitivity(SimpleNamespace(pfs_sensitivity=variants), 1.0, "days", "log", "survfit")
    by_rule = {r.rule: (r.n, r.events, r.status_changed, r.time_changed) for r in result.rules}
    assert by_rule == {PRIMARY: (5, 2, 0, 0),
                       "new anticancer therapy ignored": (5, 3, 1, 1),
                       "events after missed assessments counted": (5, 3, 1, 1),
                       "every progression or death an event": (5, 4, 2, 2)}
    changed = {rule: set(rows.set_index("patient_id").index[
        rows.set_index("patient_id")["event"] != primary["event"]]) for rule, rows in variants.groupby("rule")}
    assert changed["new anticancer therapy ignored"] == {"P2"}
    assert changed["events after missed assessments counted"] == {"P3"}
    assert changed["every progression or death an event"] == {"P2", "P3"}

    table = censoring_sensitivity_table(result)
    assert [row.cells[-1] for row in table.rows] == ["—", "1 / 1", "1 / 1", "2 / 2"]
    assert [row.cells[2] for row in table.rows] == ["2 (40.0)", "3 (60.0)", "3 (60.0)", "4 (80.0)"]


@pytest.fixture(scope="module")
def log_log_results(demo_study, tmp_path_factory):
    """The demo with `km_conf_type = "log-log"` (and Breslow ties)."""
    study = tmp_path_factory.mktemp("loglog") / "study"
    shutil.copytree(demo_study, study)
    toml = (study / "study.toml").read_text(encoding="utf-8")
    assert 'km_conf_type = "log"' in toml and 'ties = "efron"' in toml
    (study / "study.toml").write_text(toml.replace('km_conf_type = "log"', 'km_conf_type = "log-log"')
                                      .replace('ties = "efron"', 'ties = "breslow"'), encoding="utf-8")
    return analyse_folder(study)[2]


def test_os_by_response_uses_the_study_confidence_band_and_names_it(log_log_results):
    """At commit 3202bc4 the landmark curves used R's default log band whatever the study set."""
    landmark = log_log_results.landmarks
    analysis = landmark.os_by_response
    assert [c.conf_type for c in analysis.curves] == ["log-log", "log-log"]
    for curve, median in zip(analysis.curves, landmark.os_by_response_medians):
        expected = survival_quantile(curve, 0.5)
        assert (median.estimate, median.lower, median.upper) == (expected.estimate, expected.lower, expected.upper)
    assert analysis.cox.ties == "breslow" and "Breslow ties" in analysis.method and "log-log" in analysis.method
    table = os_by_response_table(landmark, "months")
    assert any("CI from the log-log band" in note and "Breslow ties" in note for note in table.footnotes)
    assert [row.cells[3] for row in table.rows[:2]] == [
        estimate_ci(m.estimate, m.lower, m.upper) for m in landmark.os_by_response_medians]


def test_spss_negative_lower_limit_in_the_censoring_table_is_noted():
    """SPSS mode: a median interval below zero is printed as computed, with the note saying so and why."""
    from oncocohort.stats.kaplan_meier import Quantile
    from oncocohort.stats.study_landmark import CensoringRule, CensoringSensitivity

    spss = Quantile(0.5, 5.0, -3.7, 13.6, "SPSS: median ± z·SE (Collett, ε = 0.05)")
    table = censoring_sensitivity_table(CensoringSensitivity((CensoringRule(PRIMARY, 10, 6, spss, 0, 0),), "months"))
    assert table.rows[0].cells[3] == "5.0 (−3.7 to 13.6)"
    assert any("not truncated at zero" in note and "median ± 1.96 × SE" in note for note in table.footnotes)
