"""The study report's split of PFS events into progression and death without progression."""

from __future__ import annotations

import pandas as pd

from oncocohort.stats.study_competing import competing_pfs, pfs_causes


def _adtte():
    d = pd.Timestamp
    rows = [  # patient, paramcd, end, days, event, reason
        ("p1", "PFS", d("2024-03-01"), 60, 1, "PD on 2024-03-01"),
        ("p1", "OS", d("2024-06-01"), 152, 1, "death on 2024-06-01"),
        ("p2", "PFS", d("2024-04-01"), 91, 1, "death on 2024-04-01"),      # death without progression
        ("p2", "OS", d("2024-04-01"), 91, 1, "death on 2024-04-01"),
        ("p3", "PFS", d("2024-05-01"), 121, 1, "PD and death on 2024-05-01"),  # same day: progression
        ("p3", "OS", d("2024-05-01"), 121, 1, "death on 2024-05-01"),
        ("p4", "PFS", d("2024-02-01"), 31, 0, "no progression or death: censored"),
        ("p4", "OS", d("2024-07-01"), 182, 1, "death on 2024-07-01"),          # death after PFS censoring
        ("p5", "PFS", d("2024-05-11"), 131, 1, "death on 2024-05-11"),
        ("p5", "OS", d("2024-08-01"), 213, 0, "alive"),                        # OS censored: not a death → PD
    ]
    return pd.DataFrame(rows, columns=["patient_id", "paramcd", "end_date", "days", "event", "reason"])


def test_each_pfs_event_gets_its_cause():
    causes = pfs_causes(_adtte()).set_index("patient_id")["status"]
    assert causes.to_dict() == {"p1": 1, "p2": 2, "p3": 1, "p4": 0, "p5": 1}


def test_counts_add_up_and_incidences_by_hand():
    result = competing_pfs(_adtte(), 1.0, landmarks=(100, 125))
    assert (result.n, result.progression, result.death_without_progression, result.censored) == (5, 3, 1, 1)
    # times 31 (censored), 60 PD, 91 death, 121 PD, 131 PD: at 60 four at risk → F1 = 1/4; S = 3/4;
    # at 91 three at risk → F2 = 3/4·1/3 = 1/4; S = 1/2; at 121 two at risk → F1 = 1/4 + 1/2·1/2 = 1/2
    progression = result.summary.curve(1).at([100, 125]).estimate.tolist()
    death = result.summary.curve(2).at([100, 125]).estimate.tolist()
    assert progression == [0.25, 0.5] and death == [0.25, 0.25]
