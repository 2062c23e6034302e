"""One level order (stats/level_order.py) for Table 1, the subgroup tables and figures, the forest plots, the Cox
coding and results.json; study.toml ``reference`` for the Cox reference level (issue 15)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from oncocohort.io.config import read_config
from oncocohort.io.problems import ProblemLog
from oncocohort.io.template import STUDY_TOML
from oncocohort.present.baseline_table import baseline_table, level_label
from oncocohort.present.forest_figure import forest_rows, subgroup_forest_rows
from oncocohort.present.formatting import REFERENCE_HR
from oncocohort.present.subgroup_table import subgroup_table
from oncocohort.present.vocabulary import in_sentence
from oncocohort.report.build import analyse_folder, figure_plans
from oncocohort.report.results_json import results_dict
from oncocohort.stats.cox import cox_model, design_matrix
from oncocohort.stats.descriptive import level_text, summarise_categorical
from oncocohort.stats.level_order import factor_levels, ordered_levels
from oncocohort.stats.study_analysis import NotEstimable
from tests.study_builder import example_tables, write_study

# --- the rule, by hand -------------------------------------------------------------------------------------------

def test_words_by_number_of_patients_ties_alphabetically_other_last():
    counts = {"b": 2, "Other": 9, "c": 3, "a": 2, "d": 1}
    assert ordered_levels(counts) == ("c", "a", "b", "d", "Other")


def test_numbers_by_value_not_by_frequency_or_text():
    assert ordered_levels({"2": 8, "10": 1, "0": 9, "1": 15}) == ("0", "1", "2", "10")


def test_declared_order_first_then_the_rest():
    # groups as study.toml lists them, even against frequency; a declared level nobody has is kept (Table 1 shows 0)
    assert ordered_levels({"12 mg": 21, "10 mg": 11}, ("10 mg", "12 mg")) == ("10 mg", "12 mg")
    assert ordered_levels({"x": 1, "y": 5}, ("z", "x")) == ("z", "x", "y")


def test_reference_is_the_first_level_unless_named():
    groups = pd.Series(["SS"] * 8 + ["ASPS"] * 7 + ["LPS"] * 4 + ["Other"] * 8 + [None])
    default = factor_levels(groups, "histology_group")
    assert default.levels == ("SS", "ASPS", "LPS", "Other") and default.reference == "SS"
    assert default.coding == default.levels
    named = factor_levels(groups, "histology_group", reference="LPS")
    assert named.levels == default.levels  # the display order does not move
    assert named.reference == "LPS" and named.coding == ("LPS", "SS", "ASPS", "Other")
    # a declared level nobody has is not a level of the analysis
    assert factor_levels(pd.Series(["2", "0-1", "0-1"]), "ecog", ("0-1", "2", "3")).levels == ("0-1", "2")


def test_table_one_uses_the_rule():
    values = pd.Series(["b", "a", "Other", "Other", "Other", "c", "c", None])
    assert [lv.level for lv in summarise_categorical(values, "x").levels] == ["c", "a", "b", "Other"]


def test_cox_codes_a_categorical_column_against_its_first_category():
    frame = pd.DataFrame({"g": pd.Categorical(["b", "a", "c", "a"], categories=["c", "a", "b"])})
    x, names = design_matrix(frame, ["g"], ["g"])
    assert names == ["g[a]", "g[b]"]
    assert x.tolist() == [[0, 1], [1, 0], [0, 0], [1, 0]]
    plain = design_matrix(frame.astype({"g": str}), ["g"], ["g"])[1]
    assert plain == ["g[b]", "g[c]"]  # a text column: sorted, as before


def test_relevelling_inverts_the_hazard_ratio():
    """Two groups: the HR of B against A is the reciprocal of A against B, same p (one likelihood, β → −β)."""
    data = pd.DataFrame({"time": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "event": [1, 1, 0, 1, 1, 1, 0, 1, 1, 0],
                         "g": list("ABABBABAAB")})
    ab = cox_model(data.assign(g=pd.Categorical(data["g"], ["A", "B"])), "time", "event", ["g"], ["g"])
    ba = cox_model(data.assign(g=pd.Categorical(data["g"], ["B", "A"])), "time", "event", ["g"], ["g"])
    assert ab.terms[0].name == "g[B]" and ba.terms[0].name == "g[A]"
    assert ba.terms[0].hr == pytest.approx(1 / ab.terms[0].hr, rel=1e-9)
    assert ba.terms[0].p_value == pytest.approx(ab.terms[0].p_value, rel=1e-9)


# --- study.toml `reference` --------------------------------------------------------------------------------------

def _read(tmp_path, text):
    (tmp_path / "study.toml").write_text(text, encoding="utf-8")
    log = ProblemLog()
    return read_config(tmp_path, log), log.problems


ECOG_BLOCK = 'label = "ECOG performance status"\ngroups = { "0-1" = [0, 1], "2" = [2] }'


def test_reference_is_read_as_level_text(tmp_path):
    config, problems = _read(tmp_path, STUDY_TOML.replace(ECOG_BLOCK, ECOG_BLOCK + '\nreference = "2"'))
    assert problems == []
    assert [s.reference for s in config.analysis.subgroups] == [None, "2"]


@pytest.mark.parametrize("value, rule, words", [
    ('"3"', "config.reference_unmatched", "reference names one of the subgroup's groups ('0-1', '2')"),
    ('"0_1"', "config.reference_unmatched", "did you mean '0-1'?"),
    ('["0-1"]', "config.type", "reference is one level of the subgroup"),
    ("true", "config.type", "reference is one level of the subgroup"),
])
def test_a_reference_that_is_not_a_group_is_refused_with_its_line(tmp_path, value, rule, words):
    text = STUDY_TOML.replace(ECOG_BLOCK, ECOG_BLOCK + f"\nreference = {value}")
    config, [problem] = _read(tmp_path, text)
    header = [i for i, line in enumerate(text.splitlines(), start=1)
              if line.startswith("[[analysis.subgroups]]")][1]
    assert (problem.severity, problem.rule, problem.table, problem.column, problem.row) == (
        "error", rule, "analysis.subgroups", "reference", header)
    assert words in problem.message
    assert config is None or config.analysis.subgroups[1].reference is None


def test_a_reference_no_patient_has_is_refused(tmp_path):
    from oncocohort import validate_study

    block = 'label = "Histological subtype"'
    toml = STUDY_TOML.replace(block, block + '\nreference = "Chondrosarcoma"', 1)
    report = validate_study(write_study(tmp_path / "s", example_tables(), toml=toml))
    [problem] = [p for p in report.problems if p.rule == "config.reference_unmatched"]
    assert (problem.severity, problem.column, problem.value) == ("error", "reference", "Chondrosarcoma")
    assert "no patient has histology_group = 'Chondrosarcoma'" in problem.message
    ok = validate_study(write_study(tmp_path / "t", example_tables(),
                                    toml=STUDY_TOML.replace(block, block + '\nreference = "SS"', 1)))
    assert not [p for p in ok.problems if p.rule == "config.reference_unmatched"]


# --- the demo: one order everywhere ------------------------------------------------------------------------------

def _table_levels(table, factor: str, first_column: int = 0) -> list[str]:
    """The level rows under a factor's group row of a table (until the next group row)."""
    rows = list(table.rows)
    start = next(i for i, r in enumerate(rows) if r.group and r.cells[0] == factor)
    out = []
    for row in rows[start + 1:]:
        if row.group:
            break
        out.append(row.cells[first_column])
    return [level for level in out if not level.startswith("Missing")]


def _legend_reading_order(figure) -> list[str]:
    """A figure legend's labels as a reader reads them: row by row, left to right."""
    [legend] = figure.legends
    renderer = figure.canvas.get_renderer()
    texts = [(t.get_window_extent(renderer), t.get_text()) for t in legend.get_texts()]
    return [text for box, text in sorted(texts, key=lambda item: (-round(item[0].y0), item[0].x0))]


def test_every_subgroup_variable_of_the_demo_has_one_order(demo_results):
    r = demo_results
    pfs_cox = next(c for c in r.cox if c.endpoint == "PFS")
    table_one = baseline_table(r.baseline, r.n_included)
    subgroups = {g.field: g for g in r.subgroup_survival if g.endpoint == "PFS"}
    tables = {"PFS": subgroup_table(tuple(subgroups.values()), pfs_cox, r.time_unit)}
    os_groups = tuple(g for g in r.subgroup_survival if g.endpoint == "OS")
    tables["OS"] = subgroup_table(os_groups, next(c for c in r.cox if c.endpoint == "OS"), r.time_unit)
    labels = {g.field: g.factor for g in subgroups.values()}
    forest = forest_rows(pfs_cox.multivariable, labels, list(subgroups.values()))
    forest_by_level = subgroup_forest_rows(pfs_cox.univariable, labels, list(subgroups.values()))
    js = results_dict(r)
    plans = figure_plans(r)
    assert len(subgroups) == 3
    for field, group in subgroups.items():
        levels = [lv.level for lv in group.levels]
        subgroup = next(s for s in r.config.analysis.subgroups if s.field == field)
        # Table 1 lists the field's values; mapped to the subgroup's groups they come in the same order
        to_group = {level_text(v): name for name, members in subgroup.groups for v in members}
        shown = {name: name for name, members in subgroup.groups if len(members) == 1}
        table_one_levels = [to_group.get(v, shown.get(v, v)) for v in _table_levels(table_one, group.factor)]
        assert list(dict.fromkeys(table_one_levels)) == [level_label(lv) for lv in levels], field
        for endpoint, table in tables.items():
            assert _table_levels(table, group.factor) == levels, (endpoint, field)
        for rows in (forest, forest_by_level):
            assert rows.loc[rows["factor"] == group.factor, "level"].tolist()[1:] == levels, field
        for endpoint in ("PFS", "OS"):
            entry = next(g for g in js["subgroup_survival"][endpoint] if g["field"] == field)
            assert [lv["level"] for lv in entry["levels"]] == levels
            assert entry["reference"] == levels[0] == js["cox"][endpoint]["references"][field]
        response = next(g for g in js["response"]["subgroups"] if g["factor"] == group.factor)
        assert [lv["level"] for lv in response["levels"]] == levels
        [km] = [p for p in plans if p.key.startswith("km_pfs_by_") and p.topic.endswith(in_sentence(group.factor))]
        _, figure = km.draw()
        assert _legend_reading_order(figure) == levels, field
        # the Cox terms: every level but the first, in order
        model_terms = [t.name for t in pfs_cox.multivariable.terms if t.name.startswith(f"{field}[")]
        assert model_terms == [f"{field}[{lv}]" for lv in levels[1:]]
    # histology has no declared order: most patients first, ties alphabetically, Other last (SS 8, ASPS 7, LMS 5,
    # LPS 4, Other 8); the dose groups keep study.toml's order (10 mg has fewer patients than 12 mg)
    assert [lv.level for lv in subgroups["histology_group"].levels] == ["SS", "ASPS", "LMS", "LPS", "Other"]
    assert [lv.level for lv in subgroups["starting_dose:anlotinib"].levels] == ["10 mg", "12 mg"]
    assert [lv.n for lv in subgroups["starting_dose:anlotinib"].levels] == [11, 21]


# --- the demo with study.toml reference ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lps_reference(demo_study, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lps") / "study"
    shutil.copytree(demo_study, folder)
    toml = (folder / "study.toml").read_text()
    block = 'field = "histology_group"\nlabel = "Histological subtype"\n'
    assert block in toml
    (folder / "study.toml").write_text(toml.replace(block, block + 'reference = "LPS"\n'))
    return analyse_folder(folder)[2]


def test_named_reference_is_coded_first_and_marked_where_it_stands(lps_reference, demo_results):
    r = lps_reference
    pfs = next(g for g in r.subgroup_survival if g.endpoint == "PFS" and g.field == "histology_group")
    assert [lv.level for lv in pfs.levels] == ["SS", "ASPS", "LMS", "LPS", "Other"]  # the order does not change
    assert pfs.reference == "LPS"
    cox = next(c for c in r.cox if c.endpoint == "PFS")
    uni = dict(cox.univariable)["histology_group"]
    assert [t.name for t in uni.terms] == [f"histology_group[{lv}]" for lv in ("SS", "ASPS", "LMS", "Other")]
    # one likelihood, another parametrisation: HR(SS vs LPS) = 1 / HR(LPS vs SS) of the default coding
    default = dict(next(c for c in demo_results.cox if c.endpoint == "PFS").univariable)["histology_group"]
    hr = {t.name: t.hr for t in default.terms}
    assert uni.terms[0].hr == pytest.approx(1 / hr["histology_group[LPS]"], rel=1e-6)
    assert uni.terms[1].hr == pytest.approx(hr["histology_group[ASPS]"] / hr["histology_group[LPS]"], rel=1e-6)
    assert uni.lr_p == pytest.approx(default.lr_p, rel=1e-6)
    table = subgroup_table((pfs,), cox, r.time_unit)
    cells = {row.cells[0]: row.cells for row in table.rows if row.indent}
    assert cells["LPS"][5] == REFERENCE_HR and cells["SS"][5] not in ("", REFERENCE_HR)
    rows = subgroup_forest_rows(cox.univariable, {"histology_group": pfs.factor}, [pfs])
    assert rows.loc[rows["kind"] == "reference", "level"].tolist() == ["LPS"]
    js = results_dict(r)
    assert js["cox"]["PFS"]["references"]["histology_group"] == "LPS"
    assert next(g for g in js["subgroup_survival"]["PFS"] if g["field"] == "histology_group")["reference"] == "LPS"


def test_a_named_reference_nobody_analysed_has_makes_the_model_not_estimable(demo_study, tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(demo_study, folder)
    toml = (folder / "study.toml").read_text()
    old = 'groups = { "0-1" = [0, 1], "2" = [2] }'
    assert old in toml
    (folder / "study.toml").write_text(toml.replace(old, 'groups = { "0-1" = [0, 1], "2" = [2], "3-4" = [3, 4] }\n'
                                                         'reference = "3-4"'))
    _, _, r = analyse_folder(folder)
    cox = next(c for c in r.cox if c.endpoint == "PFS")
    model = dict(cox.univariable)["ecog"]
    assert isinstance(model, NotEstimable)
    assert "reference level named in study.toml (ecog = '3-4')" in model.reason
    assert isinstance(cox.multivariable, NotEstimable)
    assert np.isfinite(dict(cox.univariable)["histology_group"].terms[0].hr)  # the other factors are fitted


# --- against R: the demo's Cox models relevelled as the report codes them ------------------------------------------

def _r_models():
    import json
    from pathlib import Path

    reference = json.loads((Path(__file__).resolve().parents[1] / "reference" / "level_order_reference.json")
                           .read_text())
    return reference


def test_the_committed_rows_are_the_demo(tmp_path):
    """tests/reference/demo_cox_rows.csv (R's input) is the demo's data as the report analyses it today."""
    from pathlib import Path

    from tests.reference.write_demo_cox_rows import demo_cox_rows

    committed = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "demo_cox_rows.csv",
                            float_precision="round_trip")
    pd.testing.assert_frame_equal(demo_cox_rows().reset_index(drop=True), committed, check_exact=True)


@pytest.mark.parametrize("endpoint", ["PFS", "OS"])
def test_demo_cox_models_equal_r_with_the_same_reference_levels(demo_results, endpoint):
    from tests.stats.reference import close

    r_models = _r_models()[endpoint]
    cox = next(c for c in demo_results.cox if c.endpoint == endpoint)
    assert dict(cox.references) == {"ecog": "0-1", "starting_dose:anlotinib": "10 mg", "histology_group": "SS"}
    pairs = [(model, r_models["univariable"][field]) for field, model in cox.univariable]
    pairs.append((cox.multivariable, r_models["multivariable"]))
    for model, r in pairs:
        names = [r["terms"]] if isinstance(r["terms"], str) else r["terms"]
        by_name = {t.name: t for t in model.terms}
        assert sorted(by_name) == sorted(names), r["call"]
        terms = [by_name[name] for name in names]
        close([t.coef for t in terms], r["coef"])
        close([t.hr for t in terms], r["hr"])
        close([t.lower for t in terms], r["lower"])
        close([t.upper for t in terms], r["upper"])
        close([t.p_value for t in terms], r["p"])
        close(model.lr_test, r["lr_test"])
        close(model.lr_p, r["lr_p"])
        close(model.concordance, r["concordance"])


def test_a_covariate_that_is_not_a_subgroup_shows_its_reference(demo_study, tmp_path):
    """Cox covariate ``sex`` without a subgroup block: coded against its first level (Table 1's built-in order:
    male) and the forest plots show that level as the reference row."""
    folder = tmp_path / "study"
    shutil.copytree(demo_study, folder)
    toml = (folder / "study.toml").read_text()
    old = 'cox_covariates = ["ecog", "starting_dose:anlotinib", "histology_group"]'
    assert old in toml
    (folder / "study.toml").write_text(toml.replace(old, 'cox_covariates = ["ecog", "sex"]'))
    _, _, r = analyse_folder(folder)
    cox = next(c for c in r.cox if c.endpoint == "PFS")
    assert dict(cox.references) == {"ecog": "0-1", "sex": "male"}
    assert [t.name for t in cox.multivariable.terms] == ["ecog[2]", "sex[female]"]
    subgroups = [g for g in r.subgroup_survival if g.endpoint == "PFS"]
    for rows in (forest_rows(cox.multivariable, {}, subgroups, dict(cox.references)),
                 subgroup_forest_rows(cox.univariable, {}, subgroups, dict(cox.references))):
        sex = rows[rows["factor"] == "sex"]
        assert sex["kind"].tolist() == ["factor", "reference", "term"]
        assert sex["level"].tolist()[1:] == ["male", "female"]
