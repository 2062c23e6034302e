"""The settings form writes study.toml through tomlkit and checks it with the validator's own reader."""

from __future__ import annotations

import datetime as dt
import tomllib

from oncocohort.io.template import STUDY_TOML
from oncocohort.web.settings_form import (
    check_toml,
    form_from_post,
    form_from_toml,
    parse_scalar,
    save_toml,
    toml_from_form,
)


def _posted(form) -> dict:
    """The fields a browser would post for ``form`` (as the settings page names them)."""
    fields = {k: v for k, v in vars(form).items() if isinstance(v, str)}
    if form.confirmation:
        fields["confirmation"] = "on"
    for prefix, rows in (("component", form.components), ("criterion", form.criteria), ("subgroup", form.subgroups)):
        for i, row in enumerate(rows):
            fields.update({f"{prefix}_{k}_{i}": v for k, v in row.items()})
    return fields


def test_the_template_round_trips_unchanged_apart_from_layout():
    text = toml_from_form(form_from_toml(STUDY_TOML), STUDY_TOML)
    assert tomllib.loads(text) == tomllib.loads(STUDY_TOML)
    assert "# a date, YYYY-MM-DD, no quotes" in text  # the user's comments are kept
    assert check_toml(text) == ()


def test_values_typed_in_the_form_are_data():
    assert parse_scalar("18") == 18
    assert parse_scalar("0.95") == 0.95
    assert parse_scalar("2022-05-15") == dt.date(2022, 5, 15)
    assert parse_scalar('"18"') == "18"
    assert parse_scalar("__import__('os')") == "__import__('os')"


def test_a_posted_form_changes_the_keys_it_shows_and_keeps_the_rest():
    form = form_from_toml(STUDY_TOML)
    form.title = 'Sarcoma "cohort" <2024>'
    form.ci_method = "wilson"
    form.confirmation = True
    form.criteria[1]["value"] = "21"
    form.criteria.append({"kind": "exclude", "label": "Prior anlotinib", "field": "histology", "operator": "in",
                          "value": "Angiosarcoma, Chondrosarcoma", "missing": "include"})
    form.subgroups[1]["groups"] = "0 = 0; 1-2 = 1, 2"
    form.subgroups[1]["reference"] = "1-2"  # the Cox reference level (issue 15), kept through the form
    fields = _posted(form)
    fields["component_label_9"], fields["component_drugs_9"] = "", ""  # a blank row: ignored
    fields["subgroup_field_0"], fields["subgroup_remove_0"] = "histology_group", "on"  # a removed row
    text = toml_from_form(form_from_post(fields), STUDY_TOML)
    data = tomllib.loads(text)
    assert data["study"]["title"] == 'Sarcoma "cohort" <2024>'
    assert data["analysis"]["ci_method"] == "wilson"
    assert data["response"]["confirmation"] is True
    assert data["eligibility"]["criteria"][1]["value"] == 21
    assert data["eligibility"]["criteria"][-1] == {"kind": "exclude", "label": "Prior anlotinib", "field": "histology",
                                                   "operator": "in", "value": ["Angiosarcoma", "Chondrosarcoma"],
                                                   "missing": "include"}
    assert data["analysis"]["subgroups"] == [{"field": "ecog", "label": "ECOG performance status",
                                              "groups": {"0": [0], "1-2": [1, 2]}, "reference": "1-2"}]
    assert form_from_toml(text).subgroups[0]["reference"] == "1-2"
    assert data["analysis"]["historical_rates"] == {"orr": 0.13}  # not in the form: kept
    assert data["adverse_events"]["ctcae_version"] == "5.0"
    assert data["regimen"]["components"]["PD-1 inhibitor"] == ["sintilimab", "camrelizumab", "pembrolizumab"]
    assert check_toml(text) == ()


def test_an_invalid_form_is_not_saved_and_the_reader_says_where(tmp_path):
    (tmp_path / "study.toml").write_text(STUDY_TOML, encoding="utf-8")
    form = form_from_toml(STUDY_TOML)
    form.data_cutoff = "15/05/2022"
    form.conf_level = "95%"
    form.criteria[0]["operator"] = "=~"
    text = toml_from_form(form, STUDY_TOML)
    saved, problems = save_toml(tmp_path, text)
    assert not saved
    assert (tmp_path / "study.toml").read_text(encoding="utf-8") == STUDY_TOML
    found = {(p.table, p.column, p.rule) for p in problems}
    assert ("study", "data_cutoff", "config.type") in found
    assert ("analysis", "conf_level", "config.type") in found
    assert ("eligibility.criteria", "operator", "config.not_allowed") in found
    lines = text.splitlines()
    cutoff = next(p for p in problems if p.column == "data_cutoff")
    assert lines[cutoff.row - 1].startswith("data_cutoff")  # the line number points into the shown text


def test_a_valid_form_is_saved(tmp_path):
    form = form_from_toml(STUDY_TOML)
    form.time_unit = "weeks"
    saved, problems = save_toml(tmp_path, toml_from_form(form, STUDY_TOML))
    assert saved and problems == ()
    assert tomllib.loads((tmp_path / "study.toml").read_text(encoding="utf-8"))["study"]["time_unit"] == "weeks"
