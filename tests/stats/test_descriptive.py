"""stats/descriptive.py: categorical values as level text, written once per distinct value."""

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats import descriptive
from oncocohort.stats.descriptive import as_levels, level_text

CASES = {
    "floats with missing, -0.0 and a fraction": pd.Series([1.0, 2.0, np.nan, 1.0, -0.0, 0.0, 2.5], name="ecog",
                                                          index=[5, 3, 1, 2, 9, 8, 7]),
    "objects: True, 1, '1', None, NaN, 1.0, False, 0": pd.Series([1, True, "1", None, np.nan, 1.0, False, 0]),
    "text with missing": pd.Series(["male", "female", None, "male"]),
    "nullable integers": pd.Series([1, 2, None], dtype="Int64"),
    "nullable booleans": pd.Series([True, None, False], dtype="boolean"),
    "empty floats": pd.Series([], dtype=float),
    "all missing": pd.Series([np.nan, np.nan]),
    "categorical": pd.Series(["x", "y", "x"], dtype="category"),
    "dates with NaT": pd.Series([pd.NaT, pd.Timestamp("2020-01-01")]),
    "integers": pd.Series([3, 1, 3]),
    "large and infinite": pd.Series([1e20, 1.5e300, np.inf]),
}


@pytest.mark.parametrize("values", CASES.values(), ids=CASES.keys())
def test_as_levels_is_the_per_value_map(values):
    pd.testing.assert_series_equal(as_levels(values), values.map(level_text))


def test_as_levels_by_hand():
    assert as_levels(pd.Series([1.0, np.nan, 2.0, 1.0])).tolist() == ["1", None, "2", "1"]
    assert as_levels(pd.Series([True, 1])).tolist() == ["True", "1"]  # not merged as equal keys would be


def test_as_levels_writes_each_distinct_value_once(monkeypatch):
    """At 10⁵ patients the per-patient map was the statistics' largest Python cost: the text of each distinct value
    is computed once, whatever the number of patients."""
    calls = []

    def counted(value):
        calls.append(value)
        return level_text(value)

    monkeypatch.setattr(descriptive, "level_text", counted)
    values = pd.Series(np.tile([0.0, 1.0, 2.0, np.nan], 2_500))
    text = as_levels(values)
    assert text.value_counts(dropna=False).to_dict() == {"0": 2_500, "1": 2_500, "2": 2_500, None: 2_500}
    assert len(calls) <= 4
