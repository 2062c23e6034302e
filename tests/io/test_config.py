"""study.toml: every section read and checked, problems naming section, line and key."""

from __future__ import annotations

import datetime as dt

from oncocohort.io.config import read_config
from oncocohort.io.problems import ProblemLog
from oncocohort.io.template import STUDY_TOML


def read(tmp_path, text):
    (tmp_path / "study.toml").write_text(text, encoding="utf-8")
    log = ProblemLog()
    return read_config(tmp_path, log), log.problems


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_template_reads_cleanly(tmp_path):
    config, problems = read(tmp_path, STUDY_TOML)
    assert problems == []
    assert config.study.data_cutoff == dt.date(2022, 5, 15)
    assert config.regimen.components == (("anlotinib", ("anlotinib",)),
                                         ("PD-1 inhibitor", ("sintilimab", "camrelizumab", "pembrolizumab")))
    assert config.regimen.cycle_days == 21
    assert [c.label for c in config.eligibility.criteria][:2] == ["Distant metastasis", "Age 18 years or older"]
    assert config.eligibility.criteria[2].operator == "between" and config.eligibility.criteria[2].value == [0, 2]
    assert config.response.sd_min_days == 42 and config.response.confirmation is False
    assert config.analysis.landmarks == (12.0, 24.0)
    assert config.analysis.historical_rates == (("orr", 0.13),)
    assert config.analysis.subgroups[1].groups == (("0-1", (0, 1)), ("2", (2,)))
    assert config.adverse_events.ctcae_version == "5.0"


def test_syntax_error_gives_its_line(tmp_path):
    text = STUDY_TOML.replace('time_unit = "months"', 'time_unit = "months')
    config, problems = read(tmp_path, text)
    assert config is None
    assert [(p.rule, p.row) for p in problems] == [("config.syntax", line_of(text, 'time_unit = "months'))]


def test_wrong_values_point_at_their_key_and_line(tmp_path):
    text = (STUDY_TOML.replace("sd_min_days = 42", 'sd_min_days = "six weeks"')
            .replace('km_conf_type = "log-log"', 'km_conf_type = "loglog"')
            .replace("confirmation = false", "confirmation = 1")
            .replace("conf_level = 0.95", "conf_level = 95")
            .replace("orr = 0.13", "orr = 13")
            .replace("cycle_days = 21", "cycle_days = 21\ncylce_days = 21"))
    config, problems = read(tmp_path, text)
    got = {(p.severity, p.rule, p.table, p.column, p.row) for p in problems}
    assert got == {
        ("error", "config.type", "response", "sd_min_days", line_of(text, "sd_min_days")),
        ("error", "config.not_allowed", "analysis", "km_conf_type", line_of(text, "km_conf_type")),
        ("error", "config.type", "response", "confirmation", line_of(text, "confirmation = 1")),
        ("error", "config.out_of_range", "analysis", "conf_level", line_of(text, "conf_level")),
        ("error", "config.out_of_range", "analysis.historical_rates", "orr", line_of(text, "orr = 13")),
        ("warning", "config.unknown_key", "regimen", "cylce_days", line_of(text, "cylce_days")),
    }
    by_key = {p.column: p for p in problems}
    assert "did you mean 'log-log'" in by_key["km_conf_type"].message
    assert "did you mean 'cycle_days'" in by_key["cylce_days"].message
    assert config.response.sd_min_days == 42  # the default stands in for the rejected value


def test_missing_sections_and_keys(tmp_path):
    config, problems = read(tmp_path, '[study]\ntitle = "x"\n[analysis]\nci_method = "exact"\n[extra]\na = 1\n')
    got = {(p.rule, p.table, p.column) for p in problems}
    assert ("config.missing_key", "study", None) in got  # data_cutoff
    assert ("config.missing_section", "regimen", None) in got
    assert ("config.not_allowed", "analysis", "ci_method") in got
    assert ("config.unknown_section", "extra", None) in got
    assert any("data_cutoff" in p.message for p in problems)


def test_quoted_iso_cutoff_is_accepted_and_datetime_is_not(tmp_path):
    config, problems = read(tmp_path, STUDY_TOML.replace("data_cutoff = 2022-05-15", 'data_cutoff = "2022-05-15"'))
    assert problems == [] and config.study.data_cutoff == dt.date(2022, 5, 15)
    _, problems = read(tmp_path, STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 2022-05-15T10:00:00"))
    assert [(p.rule, p.column) for p in problems] == [("config.type", "data_cutoff")]


def test_eligibility_criteria_checked_one_by_one(tmp_path):
    text = STUDY_TOML.replace('operator = "between"', 'operator = "within"').replace(
        'kind = "exclude"\nlabel = "Active brain metastases"', 'kind = "exclusion"\nlabel = "Active brain metastases"')
    text = text.replace('label = "Age 18 years or older"\nfield = "age"\noperator = ">="\nvalue = 18',
                        'label = "Age 18 years or older"\nfield = "age"\noperator = ">="\nvalue = "18"')
    config, problems = read(tmp_path, text)
    got = {(p.rule, p.column, p.value) for p in problems}
    assert got == {("config.not_allowed", "operator", "within"), ("config.not_allowed", "kind", "exclusion"),
                   ("config.type", "value", "18")}
    within = next(p for p in problems if p.value == "within")
    assert within.table == "eligibility.criteria" and within.row == line_of(text, 'operator = "within"')
    assert len(config.eligibility.criteria) == 8 - 3  # the three broken criteria are not used


def test_no_code_is_ever_evaluated(tmp_path):
    text = STUDY_TOML.replace('value = "active"', 'value = "__import__(\'os\').system(\'touch PWNED\')"', 1)
    config, problems = read(tmp_path, text)
    assert not (tmp_path / "PWNED").exists()
    assert config.eligibility.criteria[6].value.startswith("__import__")  # kept as inert text


def test_endpoints_section(tmp_path):
    text = STUDY_TOML.replace("# missed_assessments = 2", "missed_assessments = 2").replace(
        "# assessment_interval_days = 42", "assessment_interval_days = 42")
    config, problems = read(tmp_path, text)
    assert problems == [] and config.endpoints.missed_assessments == 2 and config.endpoints.clinical_benefit_weeks == 24
    _, problems = read(tmp_path, STUDY_TOML.replace("# missed_assessments = 2", "missed_assessments = 2"))
    assert [(p.rule, p.column) for p in problems] == [("config.missing_key", "missed_assessments")]
