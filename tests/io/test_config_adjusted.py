"""study.toml [adjusted]: the adjusted comparison's settings, each problem at its line."""

from __future__ import annotations

import datetime as dt

import pytest

from oncocohort.io.config import AdjustedSettings, read_config_text
from oncocohort.io.problems import ProblemLog

BASE = """[study]
title = "x"
data_cutoff = 2024-01-01
[regimen]
components = { a = ["anlotinib"] }
"""
ADJUSTED = """[adjusted]
exposure = "starting_dose:anlotinib"
levels = [12, "10"]
confounders = ["ecog", "histology_group"]
"""


def read(text):
    log = ProblemLog()
    config = read_config_text(text, log, today=dt.date(2025, 1, 1))
    return config, log.problems


def test_absent_section_means_no_adjusted_comparison():
    config, problems = read(BASE)
    assert config.adjusted is None and not problems


def test_levels_as_text_and_defaults():
    config, problems = read(BASE + ADJUSTED)
    assert not problems
    assert config.adjusted == AdjustedSettings("starting_dose:anlotinib", ("12", "10"), ("ecog", "histology_group"))


@pytest.mark.parametrize("change, message, line", [
    (("levels = [12, \"10\"]", "levels = [12]"), "levels are the two values compared", 8),
    (("levels = [12, \"10\"]", "levels = [10, \"10\"]"), "levels are the two values compared", 8),
    (("confounders = [\"ecog\", \"histology_group\"]", "confounders = []"), "confounders are field names", 9),
    (("confounders = [\"ecog\", \"histology_group\"]", "confounders = [\"starting_dose:anlotinib\"]"),
     "exposure cannot also be a confounder", 9),
    (("exposure = \"starting_dose:anlotinib\"\n", ""), "needs the key 'exposure'", 6),
])
def test_problems_named_at_their_line(change, message, line):
    config, problems = read(BASE + ADJUSTED.replace(*change))
    found = [p for p in problems if message in p.message]
    assert found and found[0].row == line and found[0].severity == "error"


def test_stabilized_att_refused_and_estimand_checked():
    _, problems = read(BASE + ADJUSTED + 'estimand = "att"\nstabilized = true\n')
    assert any("ATE only" in p.message for p in problems)
    _, problems = read(BASE + ADJUSTED + 'estimand = "atx"\n')
    assert any("ate, att" in p.message for p in problems)
