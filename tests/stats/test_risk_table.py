"""KMunicate risk table (numbers at risk, cumulative censored and events) against R survival and by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.risk_table import risk_table
from tests.stats.reference import close

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "reference" / "risk_table_reference.json").read_text())
CASES = sorted(k for k in REFERENCE if k != "meta")


@pytest.mark.parametrize("case", CASES)
def test_matches_r_summary_survfit(case):
    ref = REFERENCE[case]
    table = risk_table(kaplan_meier(np.array(ref["time"], float), np.array(ref["status"], float)), ref["times"])
    close(table.at_risk, ref["at_risk"])
    close(table.censored, ref["censored"])
    close(table.events, ref["events"])


def test_hand_derivable():
    # times 1 (event), 2 (censored), 2 (event), 5 (event); at t = 2: at risk 3 (time >= 2), by t = 2: 1 censored and
    # 2 events (time <= 2), so at risk + censored + events = 6 > 4: those at exactly t = 2 are counted twice
    fit = kaplan_meier(np.array([1.0, 2, 2, 5]), np.array([1, 0, 1, 1]))
    table = risk_table(fit, [0, 2, 3, 6])
    assert table.at_risk == (4, 3, 1, 0)
    assert table.censored == (0, 1, 1, 1)
    assert table.events == (0, 2, 2, 3)
