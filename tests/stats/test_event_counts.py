"""count_events: integer-code aggregation equals the text-label group-by it replaced, label for label."""

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.event_counts import count_events, with_risk_sets


def counts_by_text_labels(time, event, group=None, stratum=None) -> pd.DataFrame:
    """The definition: labels as text, a pandas group-by on (stratum, group, time)."""
    frame = pd.DataFrame({
        "stratum": "all" if stratum is None else pd.Series(stratum).astype(str).to_numpy(),
        "group": "all" if group is None else pd.Series(group).astype(str).to_numpy(),
        "time": np.asarray(time, float), "n_event": np.asarray(event).astype(int)})
    frame["n_censor"] = 1 - frame["n_event"]
    return frame.groupby(["stratum", "group", "time"], as_index=False)[["n_event", "n_censor"]].sum()


def test_hand_counts():
    counts = count_events([3, 1, 3, 2, 3], [1, 0, 0, 1, 1], group=["b", "a", "b", "a", "a"])
    assert counts.to_dict("list") == {"stratum": ["all"] * 4, "group": ["a", "a", "a", "b"],
                                      "time": [1.0, 2.0, 3.0, 3.0], "n_event": [0, 1, 1, 1], "n_censor": [1, 0, 0, 1]}
    assert with_risk_sets(counts)["n_risk"].tolist() == [3, 2, 1, 2]


@pytest.mark.parametrize("seed", range(6))
def test_equals_text_label_group_by(seed):
    rng = np.random.default_rng(seed)
    n = 400
    time = rng.integers(0, 30, n).astype(float) / rng.choice([1, 2, 7])
    event = rng.integers(0, 2, n).astype(bool if seed % 2 else int)
    # labels sorted as text ("10" < "9"), a number and its text merged (1 and "1"), missing values kept as text
    pool = [1, "1", 10, 9, "B", "a", None, np.nan, 2.5]
    group = pd.Series(rng.choice(np.array(pool, dtype=object), n), dtype=object)
    stratum = pd.Categorical(rng.choice(["x", "y", "z"], n)) if seed % 3 else rng.integers(0, 12, n)
    for g, s in ((None, None), (group, None), (None, stratum), (group, stratum)):
        expected = counts_by_text_labels(time, event, g, s)
        got = count_events(time, event, g, s)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_sparse_cell_space_uses_the_same_counts():
    """Many distinct times × many groups (the non-dense branch)."""
    rng = np.random.default_rng(1)
    time, event = rng.uniform(0, 1000, 300), rng.integers(0, 2, 300)
    group = rng.integers(0, 200, 300)
    pd.testing.assert_frame_equal(count_events(time, event, group), counts_by_text_labels(time, event, group),
                                  check_dtype=False)


@pytest.mark.parametrize("event", [[1, 2], [0.5, 1]])
def test_refuses_events_other_than_zero_one(event):
    with pytest.raises(ValueError, match="0/1"):
        count_events([1.0, 2.0], event)
