"""Survival summary table for PFS and OS: patients, events, maturity, median with 95 % CI, landmark rates with CI,
and the median follow-up by reverse Kaplan–Meier. Reads :class:`oncocohort.stats.study_analysis.EndpointSurvival`."""

from __future__ import annotations

from ..stats.study_analysis import EndpointSurvival
from .formatting import count_percent, estimate_ci, interval, number
from .table import Column, Row, Table


def _landmark_label(time: float, unit: str) -> str:
    return f"{time:g}-{unit.rstrip('s')} rate, % (95% CI)"


def survival_table(endpoints: tuple[EndpointSurvival, ...], time_unit: str = "months",
                   title: str = "Table. Survival outcomes") -> Table:
    """One column per endpoint; rows in the order readers expect (n, events, median, landmarks, follow-up)."""
    rows = [Row(("Patients, n", *(str(e.n) for e in endpoints))),
            Row(("Events, n (% maturity)", *(count_percent(e.events, e.n) for e in endpoints))),
            Row((f"Median, {time_unit} (95% CI)",
                 *(estimate_ci(e.median.estimate, e.median.lower, e.median.upper) for e in endpoints)))]
    times = sorted({m.time for e in endpoints for m in e.landmarks})
    for t in times:
        cells = []
        for e in endpoints:
            mark = next((m for m in e.landmarks if m.time == t), None)
            cells.append("" if mark is None else
                         f"{number(100 * mark.surv)} ({interval(100 * mark.lower, 100 * mark.upper)})")
        rows.append(Row((_landmark_label(t, time_unit), *cells)))
    rows.append(Row((f"Median follow-up, {time_unit} (95% CI)",
                     *(estimate_ci(e.follow_up.estimate, e.follow_up.lower, e.follow_up.upper) for e in endpoints))))
    rows.append(Row((f"Observed time, {time_unit}, median (range)",
                     *(f"{number(e.observed.median)} ({interval(e.observed.minimum, e.observed.maximum)})"
                       for e in endpoints))))
    first = endpoints[0]
    notes = (f"Kaplan–Meier estimates; median by {first.median.method}; landmark rates with Greenwood variance "
             f"and {first.fit.conf_type} confidence intervals ({100 * first.fit.conf_level:g}%).",
             f"Median follow-up by the {first.follow_up.method} method (censoring as the event).",
             "Observed time: each patient's time to the event or censoring, summarised directly (the 'median "
             "follow-up' many papers report; for OS it is the follow-up of all patients, deaths included).",
             "Maturity: events as a percentage of patients. NR, not reached; NE, not estimable.")
    return Table(title, (Column(""), *(Column(e.label, align="right") for e in endpoints)), tuple(rows), notes,
                 ("CI, confidence interval", "PFS, progression-free survival", "OS, overall survival"))
