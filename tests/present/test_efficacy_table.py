"""Efficacy table on the seed study's published aggregates: 0 CR / 11 PR / 16 SD / 5 PD of 32; ASPS 4/7."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocohort.present.efficacy_table import efficacy_table
from oncocohort.stats.response_summary import response_by_subgroup, summarise_response

BOR = pd.Series(["PR"] * 11 + ["SD"] * 16 + ["PD"] * 5)
# ORR by histology as in the seed's Figure 5 (ASPS 4/7); the split of the other 7 responders is illustrative
HISTOLOGY = pd.Series(["ASPS"] * 4 + ["SS"] * 2 + ["LMS"] * 2 + ["LPS"] + ["Other"] * 2
                      + ["ASPS"] * 3 + ["SS"] * 6 + ["LMS"] * 3 + ["LPS"] * 3 + ["Other"] * 6)


def test_counts_add_up_and_rates_match_the_paper():
    summary = summarise_response(BOR, historical_rates={"orr": 0.13})
    assert dict(summary.counts) == {"CR": 0, "PR": 11, "SD": 16, "NON-CR/NON-PD": 0, "PD": 5, "NE": 0}
    assert sum(k for _, k in summary.counts) == summary.n == 32
    rates = dict(summary.rates)
    assert (round(100 * rates["ORR"].lower, 1), round(100 * rates["ORR"].upper, 1)) == (18.6, 53.2)
    assert (round(100 * rates["DCR"].lower, 1), round(100 * rates["DCR"].upper, 1)) == (67.2, 94.7)
    assert dict(summary.tests)["orr"].p_value == pytest.approx(0.0016591495205983647, rel=1e-9)  # R binom.test


def test_unknown_categories_are_refused():
    with pytest.raises(ValueError, match="outside"):
        summarise_response(pd.Series(["PR", "MR"]))


def test_table_rows_and_methods():
    summary = summarise_response(BOR, historical_rates={"orr": 0.13})
    subgroup = response_by_subgroup(BOR, HISTOLOGY, "histology")
    table = efficacy_table(summary, (subgroup,))
    cells = [r.cells for r in table.rows]
    assert ("Partial response (PR)", "11 (34.4)", "") in cells
    assert ("Objective response rate (CR + PR)", "11 (34.4)", "18.6–53.2") in cells
    assert ("ASPS", "4 (57.1)", "18.4–90.1") in cells
    assert any(c[0].startswith("p (Fisher–Freeman–Halton exact test)") for c in cells)
    assert "Rates with 95% CI, Clopper–Pearson exact." in table.footnotes
    assert subgroup.test.p_value == pytest.approx(0.722249297187642, rel=1e-6)  # R fisher.test, same table
