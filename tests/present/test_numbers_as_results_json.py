"""Tables print the statistic results.json holds, to the printed precision: the exposure table printed median
cycles 10 where results.json holds 9.5 (a median of counts rounded to a whole number)."""

from __future__ import annotations

import re

import pandas as pd

from oncocohort.present.baseline_table import baseline_table
from oncocohort.present.exposure_table import exposure_table
from oncocohort.present.formatting import measured
from oncocohort.report.results_json import results_dict
from oncocohort.stats.descriptive import BaselineVariable, summarise_baseline, summarise_continuous

MEDIAN_RANGE = re.compile(r"^(-?[\d.]+) \((-?[\d.]+)–(-?[\d.]+)\)$")


def _agrees(printed: str, value: float) -> bool:
    """``printed`` is ``value`` rounded to the digits shown (half a unit of the last digit)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10 ** -decimals + 1e-12


def test_exposure_cycles_median_as_results_json(demo_results):
    facts = results_dict(demo_results)["exposure"]
    assert facts["cycles"]["median"] == 9.5  # the demo's even count of patients: between 9 and 10 cycles
    rows = {r.cells[0]: r.cells[1] for r in exposure_table(demo_results.exposure).rows}
    assert rows["Cycles, median (range)"] == "9.5 (1–43)"
    for label, key, scale in (("Cycles, median (range)", "cycles", 1),
                              (f"Treatment duration, {facts['time_unit']}, median (range)", "duration", 1)):
        median, low, high = MEDIAN_RANGE.match(rows[label]).groups()
        summary = facts[key]
        assert _agrees(median, scale * summary["median"]) and _agrees(low, scale * summary["min"])
        assert _agrees(high, scale * summary["max"]), label


def test_table_one_medians_as_results_json(demo_results):
    facts = {b["variable"]: b for b in results_dict(demo_results)["baseline"] if b["type"] == "continuous"}
    table = baseline_table(demo_results.baseline, demo_results.n_included)
    for row in table.rows:
        match = MEDIAN_RANGE.match(row.cells[1])
        if match:
            summary = next(f for f in facts.values() if row.cells[0].startswith(f["label"]))
            assert all(_agrees(p, summary[k]) for p, k in zip(match.groups(), ("median", "min", "max"))), row


def test_small_and_large_values_are_not_flattened():
    frame = pd.DataFrame({"creatinine": [0.8, 0.9, 0.85], "platelets": [1234567.0, 250000.0, 300000.0]})
    summaries = summarise_baseline(frame, (BaselineVariable("creatinine", "Creatinine, mg/dL", "continuous"),
                                           BaselineVariable("platelets", "Platelets, /µL", "continuous")))
    rows = {r.cells[0]: r.cells[1] for r in baseline_table(summaries, 3).rows}
    assert rows["Creatinine, mg/dL, median (range)"] == "0.85 (0.8–0.9)"
    assert rows["Platelets, /µL, median (range)"] == "300000 (250000–1234567)"
    assert summarise_continuous(pd.Series([9.0, 10.0]), "cycles").median == 9.5
    assert [measured(v) for v in (9.5, 48.0, 47.75, 0.04, None)] == ["9.5", "48", "47.8", "0.04", "NE"]
