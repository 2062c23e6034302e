"""Small-cell suppression rules, hand-checked: primary (1..min−1), complementary along rows and columns with
their totals, zero shown, deterministic choice, and the footnote."""

from __future__ import annotations

import numpy as np

from oncocohort.engine.suppression import SuppressedCount, suppress_table, suppression_footnote

S, C = SuppressedCount("small", 5), SuppressedCount("complementary", 5)


def shown(table) -> list:
    return [[str(v) for v in row] for row in table]


def test_a_single_small_cell_in_a_two_by_two_needs_four_hidden_cells():
    # [3 10 | 13; 20 30 | 50; 23 40 | 63]: 3 hidden → row 0 hides 10, column 0 hides 20, column 1 hides 30
    table = suppress_table([[3, 10], [20, 30]])
    assert table.tolist() == [[S, C, 13], [C, C, 50], [23, 40, 63]]
    assert shown(table)[0] == ["<5", "*", "13"]


def test_the_smallest_positive_cell_is_the_complement_and_zero_is_shown():
    # one row, row total published: 2 is small, the complement is 6 (smallest positive), 0 and 40 stay
    table = suppress_table([[2, 0, 6, 40]], column_totals=False)
    assert table.tolist() == [[S, 0, C, 40, 48]]


def test_a_zero_cell_is_hidden_before_a_published_total():
    # [3, 0 | 3] : the total 3 is small itself; [4, 0, 30 | 34]: 4 small → 30 hidden, not the zero nor the total
    assert suppress_table([[3, 0]], column_totals=False).tolist() == [[S, 0, S]]
    assert suppress_table([[4, 0, 30]], column_totals=False).tolist() == [[S, 0, C, 34]]
    # only a zero is left besides the total: the zero is hidden, the total stays
    assert suppress_table([[4, 0]], column_totals=False, row_totals=True).tolist() == [[S, 0, S]]
    # a column with its total: 3 small → 7 hidden (a positive cell), 0 and the total 10 stay
    assert suppress_table([[7], [0], [3]], row_totals=False).tolist() == [[C], [0], [S], [10]]


def test_no_line_is_left_with_exactly_one_hidden_entry():
    rng = np.random.default_rng(0)
    for _ in range(200):
        cells = rng.integers(0, 12, size=(rng.integers(1, 5), rng.integers(1, 5)))
        table = suppress_table(cells, 5)
        hidden = np.vectorize(lambda v: isinstance(v, SuppressedCount))(table)
        assert all(hidden[i, :].sum() != 1 for i in range(hidden.shape[0]))
        assert all(hidden[:, j].sum() != 1 for j in range(hidden.shape[1]))
        extended = np.vstack([np.column_stack([cells, cells.sum(1)]), np.r_[cells.sum(0), cells.sum()]])
        assert hidden[(extended >= 1) & (extended < 5)].all()  # every small count hidden


def test_minimum_one_hides_nothing_and_the_footnote_names_the_minimum():
    assert suppress_table([[1, 2]], min_cell=1).tolist() == [[1, 2, 3], [1, 2, 3]]
    note = suppression_footnote(10)
    assert note.startswith("<10: a count from 1 to 9, not shown") and "complementary" in note


def test_risk_table_counts_below_the_minimum_are_hidden():
    from oncocohort.engine.suppression import suppress_risk_table
    from oncocohort.stats.kaplan_meier import kaplan_meier
    from oncocohort.stats.risk_table import risk_table

    fit = kaplan_meier([1, 2, 2, 3, 5, 8, 8, 9, 12, 13], [1, 1, 0, 1, 1, 0, 1, 1, 1, 0])
    hidden = suppress_risk_table(risk_table(fit, [0, 4, 10]), 5)
    assert hidden.at_risk == (10, 6, S)          # 10, 6 and 2 at risk
    assert hidden.events == (0, S, 6)            # 0, 3 and 6 events by t
    assert hidden.censored == (0, S, S)          # 0, 1 and 2 censored by t
    assert str(hidden.at_risk[2]) == "<5"


def test_every_public_name_of_the_engine_package_resolves():
    import oncocohort.engine as engine

    for name in engine.__all__:
        assert callable(getattr(engine, name)), name
