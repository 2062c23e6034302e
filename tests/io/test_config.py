"""study.toml: every section read and checked, problems naming section, line and key."""

from __future__ import annotations

import datetime as dt

import pytest

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


# --- issue 13 item 9: a TOML syntax error names the line, says what to write, and stops validation -------------

def test_date_written_day_first_says_write_yyyy_mm_dd_without_quotes(tmp_path):
    text = STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 31/12/2023")
    config, problems = read(tmp_path, text)
    assert config is None
    [problem] = problems
    assert (problem.rule, problem.row, problem.column, problem.value) == (
        "config.syntax", line_of(text, "data_cutoff = 31/12/2023"), "data_cutoff", "31/12/2023")
    assert "write dates as YYYY-MM-DD without quotes, e.g. data_cutoff = 2023-12-31" in problem.message


def test_unquoted_text_and_duplicated_key_are_located(tmp_path):
    text = STUDY_TOML.replace('time_unit = "months"', "time_unit = months")
    _, [problem] = read(tmp_path, text)
    assert problem.row == line_of(text, "time_unit = months") and 'time_unit = "months"' in problem.message
    text = STUDY_TOML.replace("cycle_days = 21", "cycle_days = 21\ncycle_days = 28")
    _, [problem] = read(tmp_path, text)
    assert problem.row == line_of(text, "cycle_days = 28") and "written twice" in problem.message


def test_syntax_error_stops_before_the_table_checks(tmp_path):
    """Before: the parser's raw text and a knock-on 'ecog is required' (not_collected was lost with the file)."""
    from oncocohort import validate_study
    from tests.study_builder import example_tables, write_study

    tables = example_tables()
    for row in tables["patients"]:
        row["ecog"] = None
    toml = STUDY_TOML.replace("[study]\n", '[study]\nnot_collected = ["ecog"]\n', 1)
    toml = toml.replace("data_cutoff = 2022-05-15", "data_cutoff = 31/12/2023")
    report = validate_study(write_study(tmp_path / "s", tables, toml=toml))
    assert [(p.rule, p.row) for p in report.problems] == [("config.syntax", line_of(toml, "data_cutoff ="))]


# --- issue 13 item 1: cutoff sanity in study.toml alone ----------------------------------------------------------

def test_cutoff_after_today_or_before_1900_is_refused(tmp_path):
    (tmp_path / "study.toml").write_text(STUDY_TOML, encoding="utf-8")
    log = ProblemLog()
    read_config(tmp_path, log, today=dt.date(2022, 5, 14))
    [problem] = log.problems
    assert (problem.rule, problem.column, problem.row) == ("config.cutoff_after_today", "data_cutoff",
                                                           line_of(STUDY_TOML, "data_cutoff"))
    assert "2022-05-14" in problem.message
    log = ProblemLog()
    read_config(tmp_path, log, today=dt.date(2022, 5, 15))
    assert log.problems == []
    text = STUDY_TOML.replace("data_cutoff = 2022-05-15", "data_cutoff = 0001-01-01")
    _, [problem] = read(tmp_path, text)
    assert (problem.rule, problem.column) == ("config.out_of_range", "data_cutoff") and "1900" in problem.message


# --- issue 14 item 2: study.toml values bounded and of the shape their use needs --------------------------------

def _criterion(text, field, operator, value):
    """STUDY_TOML with its 'Age 18 years or older' criterion replaced by (field, operator, value)."""
    old = 'label = "Age 18 years or older"\nfield = "age"\noperator = ">="\nvalue = 18'
    return text.replace(old, f'label = "Changed"\nfield = "{field}"\noperator = "{operator}"\nvalue = {value}')


@pytest.mark.parametrize("operator, value, rule, words", [
    ("==", "[48, 61]", "config.type", "for several use operator = \"in\""),
    ("!=", "{ a = 1 }", "config.type", "one value here"),
    ("between", "[2, 0]", "config.out_of_range", "write [0, 2]"),
    ("between", "[0, nan]", "config.type", "two finite numbers"),
    (">=", "inf", "config.type", "finite number"),
    ("==", "true", "config.type", 'write "yes" or "no"'),
    ("in", "[]", "config.out_of_range", "matches nobody"),
    ("in", "[[1, 2], 3]", "config.type", "not a list"),
    (">=", "0001-01-01", "config.type", "between 1900-01-01"),
    ("<", "2021-01-01T10:00:00", "config.type", "without a time"),
])
def test_criterion_value_of_the_wrong_shape(tmp_path, operator, value, rule, words):
    text = _criterion(STUDY_TOML, "age", operator, value)
    config, problems = read(tmp_path, text)
    assert [(p.rule, p.table, p.column, p.row) for p in problems] == [
        (rule, "eligibility.criteria", "value", line_of(text, 'label = "Changed"') + 3)]
    assert words in problems[0].message
    assert "Changed" not in [c.label for c in config.eligibility.criteria]


@pytest.mark.parametrize("old, new, key", [
    ("baseline_window_days = 28", "baseline_window_days = 1000000000000000", "baseline_window_days"),
    ("sd_min_days = 42", "sd_min_days = -1", "sd_min_days"),
    ("cycle_days = 21", "cycle_days = 0", "cycle_days"),
    ("treatment_emergent_days = 30", "treatment_emergent_days = 99999", "treatment_emergent_days"),
    ("clinical_benefit_weeks = 24", "clinical_benefit_weeks = 100000", "clinical_benefit_weeks"),
    ("conf_level = 0.95", "conf_level = nan", "conf_level"),
])
def test_windows_and_numbers_are_bounded(tmp_path, old, new, key):
    text = STUDY_TOML.replace(old, new)
    _, problems = read(tmp_path, text)
    assert [(p.rule, p.column, p.row) for p in problems] == [("config.out_of_range", key, line_of(text, new))]


@pytest.mark.parametrize("level", ["0.5", "1.0"])
def test_conf_level_message_states_the_bounds_it_applies(tmp_path, level):
    """Found by the fuzz campaign: conf_level = 0.5 was refused with "must be between 0.5 and 1"."""
    text = STUDY_TOML.replace("conf_level = 0.95", f"conf_level = {level}")
    _, problems = read(tmp_path, text)
    assert [(p.rule, p.column) for p in problems] == [("config.out_of_range", "conf_level")]
    assert "more than 0.5 and less than 1" in problems[0].message


@pytest.mark.parametrize("landmarks", ["[inf]", "[nan]", "[-3]", "[0]", "[1e6]", "[12, 12]"])
def test_landmarks_finite_positive_bounded_and_once(tmp_path, landmarks):
    text = STUDY_TOML.replace("landmarks = [12, 24]", f"landmarks = {landmarks}")
    config, problems = read(tmp_path, text)
    assert [(p.column, p.row) for p in problems] == [("landmarks", line_of(text, "landmarks ="))]
    assert problems[0].rule in ("config.out_of_range", "config.duplicate")
    assert all(0 < x <= 1200 for x in config.analysis.landmarks)


def test_cox_covariates_and_subgroups_refuse_duplicates_and_the_patient_id(tmp_path):
    text = (STUDY_TOML.replace('cox_covariates = ["ecog", "histology_group"]',
                               'cox_covariates = ["ecog", "histology_group", "ecog", "patient_id"]')
            .replace('field = "histology_group"\nlabel = "Histological subtype"',
                     'field = "patient_id"\nlabel = "Patient"'))
    text += '\n[[analysis.subgroups]]\nfield = "ecog"\n'
    config, problems = read(tmp_path, text)
    got = [(p.rule, p.table, p.column, p.value) for p in problems]
    assert sorted(got) == sorted([
        ("config.duplicate", "analysis", "cox_covariates", "ecog"),
        ("config.not_allowed", "analysis", "cox_covariates", "patient_id"),
        ("config.not_allowed", "analysis.subgroups", "field", "patient_id"),
        ("config.duplicate", "analysis.subgroups", "field", "ecog"),
    ])
    assert config.analysis.cox_covariates == ("ecog", "histology_group")
    assert [s.field for s in config.analysis.subgroups] == ["ecog"]


def test_subgroup_value_in_two_groups_and_unknown_historical_rate(tmp_path):
    text = STUDY_TOML.replace('groups = { "0-1" = [0, 1], "2" = [2] }', 'groups = { "0-1" = [0, 1], "1-2" = [1, 2] }')
    text = text.replace("orr = 0.13", "orr = 0.13\npfs = 0.5")
    _, problems = read(tmp_path, text)
    got = {(p.rule, p.table, p.column, p.row) for p in problems}
    ecog_subgroup = [i for i, line in enumerate(text.splitlines(), start=1)
                     if line.startswith("[[analysis.subgroups]]")][1]
    assert got == {("config.duplicate", "analysis.subgroups", "groups", ecog_subgroup),
                   ("config.not_allowed", "analysis.historical_rates", "pfs", line_of(text, "pfs = 0.5"))}


def test_drug_in_two_components_is_refused(tmp_path):
    text = STUDY_TOML.replace('anlotinib = ["anlotinib"]', 'anlotinib = ["anlotinib", "sintilimab"]')
    _, [problem] = read(tmp_path, text)
    assert (problem.rule, problem.table, problem.row) == ("config.duplicate", "regimen.components",
                                                          line_of(text, '"PD-1 inhibitor" ='))


@pytest.mark.parametrize("old, new, section, key", [
    ('title = "Anlotinib', 'title = "An\\u0007lotinib', "study", "title"),
    ('label = "Histological subtype"', 'label = "Histo\\tlogical"', "analysis.subgroups", "label"),
    ('"PD-1 inhibitor" =', '"PD-1\\u001b[31m" =', "regimen.components", "PD-1\x1b[31m"),
    ('value = ["Gastrointestinal', 'value = ["Gastro\\u0000intestinal', "eligibility.criteria", "value"),
    ('groups = { "0-1" = [0, 1]', 'groups = { "0-1\\u0085" = [0, 1]', "analysis.subgroups", "groups"),
])
def test_control_characters_are_refused_with_their_line(tmp_path, old, new, section, key):
    text = STUDY_TOML.replace(old, new, 1)
    assert text != STUDY_TOML
    _, problems = read(tmp_path, text)
    controls = [p for p in problems if p.rule == "config.control_character"]
    assert [(p.table, p.column, p.row) for p in controls] == [(section, key, line_of(text, new))]
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in controls[0].value + controls[0].message)


def test_quoted_placeholder_is_refused_not_taken_as_text(tmp_path):
    text = STUDY_TOML.replace('title = "Anlotinib plus', 'title = "<title of your study>"\n# "Anlotinib plus', 1)
    _, [problem] = read(tmp_path, text)
    assert (problem.rule, problem.column, problem.row) == ("config.placeholder", "title", line_of(text, "title ="))


@pytest.mark.parametrize("design, key", [("alpha = 0.6", "alpha"), ("power = 0.3", "power"), ("nmax = 500", "nmax"),
                                         ("alpha = \"0.05\"", "alpha")])
def test_design_section_checked(tmp_path, design, key):
    text = STUDY_TOML + f"\n[design]\n{design}\n"
    config, problems = read(tmp_path, text)
    assert [(p.column, p.row) for p in problems] == [(key, line_of(text, design))]
    assert problems[0].rule in ("config.out_of_range", "config.type")
    assert config.design.alpha == 0.05 and config.design.nmax == 100


def test_design_section_read(tmp_path):
    config, problems = read(tmp_path, STUDY_TOML + "\n[design]\nalpha = 0.1\npower = 0.9\nnmax = 60\n")
    assert problems == [] and (config.design.alpha, config.design.power, config.design.nmax) == (0.1, 0.9, 60)


def test_esmo_mcbs_setting_checked(tmp_path):
    text = STUDY_TOML + '\n[esmo_mcbs]\nsetting = "rare"\n'
    config, problems = read(tmp_path, text)
    assert [(p.column, p.row) for p in problems] == [("setting", line_of(text, 'setting = "rare"'))]
    assert config.esmo_mcbs.setting is None
    config, problems = read(tmp_path, STUDY_TOML + '\n[esmo_mcbs]\nsetting = "orphan disease"\n')
    assert problems == [] and config.esmo_mcbs.setting == "orphan disease"
