"""Table 1 in the engine equals stats.descriptive on the same rows; SD stable for a large mean."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocohort.engine.descriptive import continuous_aggregates, summarise_baseline, summarise_baseline_by_group
from oncocohort.engine.suppression import SuppressedCount
from oncocohort.stats.descriptive import BaselineVariable
from oncocohort.stats.descriptive import summarise_baseline as in_memory_baseline
from tests.engine.equality import assert_same
from tests.engine.rows import load, survival_rows

VARIABLES = (
    BaselineVariable("age", "Age, years", "continuous"),
    BaselineVariable("x1", "Marker", "continuous"),
    BaselineVariable("sex", "Sex", "categorical", ("male", "female")),
    BaselineVariable("ecog", "ECOG performance status", "categorical", ("0", "1", "2")),
    BaselineVariable("site", "Site", "categorical"),
    BaselineVariable("absent", "Not in the table", "categorical"),
)


def test_table_one_equals_in_memory_overall_and_per_group(duckdb_backend):
    rows = survival_rows(2000, 31)
    table = load(duckdb_backend, "table_one", rows)
    assert_same(summarise_baseline(table, VARIABLES), in_memory_baseline(rows, VARIABLES))
    grouped = summarise_baseline_by_group(table, "arm", VARIABLES)
    assert grouped.groups == ("A", "B", "C")
    for label in grouped.groups:
        assert_same(grouped.by_group[label], in_memory_baseline(rows[rows["arm"] == label], VARIABLES))
    assert grouped.group_sizes == rows["arm"].value_counts().to_dict()


def test_sd_is_stable_for_a_large_mean(duckdb_backend):
    """Values 1e9 + N(0, 1): the one-pass Σx² − (Σx)²/n loses every digit in double precision (shown here);
    the corrected two-pass formula of the engine equals numpy's two-pass SD within 1e-9."""
    rng = np.random.default_rng(8)
    values = 1e9 + rng.normal(0, 1, 5000)
    table = load(duckdb_backend, "shifted", pd.DataFrame({"v": values}))
    naive = np.sqrt((np.sum(values**2) - np.sum(values) ** 2 / len(values)) / (len(values) - 1))
    assert abs(naive - values.std(ddof=1)) > 0.01  # catastrophic cancellation in the one-pass formula
    got = continuous_aggregates(table, "v").iloc[0]
    np.testing.assert_allclose(got["sd"], values.std(ddof=1), rtol=1e-9)
    np.testing.assert_allclose(got["median"], np.median(values), rtol=1e-12)


def test_suppressed_table_one_hides_small_counts_and_their_complements(duckdb_backend):
    rows = pd.DataFrame({"arm": ["A"] * 20 + ["B"] * 22,
                         "sex": ["male"] * 17 + ["female"] * 3 + ["male"] * 10 + ["female"] * 12,
                         "age": [60.0] * 20 + [50.0] * 19 + [None] * 3})
    table = load(duckdb_backend, "small_cells", rows)
    variables = (BaselineVariable("sex", "Sex", "categorical", ("male", "female")),
                 BaselineVariable("age", "Age", "continuous"))
    result = summarise_baseline_by_group(table, "arm", variables, min_cell=5)
    sex_a = result.by_group["A"][0].summary
    sex_b = result.by_group["B"][0].summary
    small = SuppressedCount("small", 5)
    complementary = SuppressedCount("complementary", 5)
    # female in A = 3 is small; male in A (17) would give it back from A's 20 → hidden; then the female row total
    # (15) gives female B back (15 − 3 ...): the sex rows in B are hidden too, and every percent of a hidden cell
    assert [lv.n for lv in sex_a.levels] == [complementary, small]
    assert [lv.n for lv in sex_b.levels] == [complementary, complementary]
    assert all(np.isnan(lv.percent) for lv in sex_a.levels + sex_b.levels)
    overall_sex = result.overall[0].summary
    assert [lv.n for lv in overall_sex.levels] == [27, 15]
    age_b = result.by_group["B"][1].summary
    assert age_b.missing == small and age_b.n == complementary and np.isnan(age_b.mean)
    # B's missing (3) is small, so B's n (19 = 22 − 3) is hidden; the missing row's total (3) is small too, so the
    # overall n (39 = 42 − 3) is hidden; A's column has nothing hidden and stays shown
    age_a = result.by_group["A"][1].summary
    assert age_a.n == 20 and age_a.missing == 0 and age_a.mean == 60.0
    assert result.overall[1].summary.n == complementary and result.overall[1].summary.missing == small
    assert result.group_sizes == {"A": 20, "B": 22}
    assert result.min_cell == 5
