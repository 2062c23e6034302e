"""Survival summary table for PFS and OS: patients, events, maturity, median with 95 % CI, landmark rates with CI,
the restricted mean survival time at the stated horizon, and the one median follow-up (reverse Kaplan–Meier of
overall survival). Reads :class:`oncocohort.stats.study_analysis.EndpointSurvival`."""

from __future__ import annotations

from ..stats.kaplan_meier import Quantile
from ..stats.study_analysis import EndpointSurvival
from .formatting import count, count_percent, estimate_ci, general, interval, number
from .journal_style import DEFAULT_STYLE, Style
from .table import Column, Row, Table


def spss_negative_note(style: Style = DEFAULT_STYLE) -> str:
    """The note under a table with an SPSS-mode median CI whose lower limit is below zero: what is printed and why.

    SPSS's KM procedure defines the interval as median ± z·SE and its documentation states no rule for a limit
    below zero (docs/statistics.md cites the sources), so the limit is printed as the formula gives it."""
    return (f"Median CIs as SPSS computes them: median ± {general(1.96, style)} × SE, without transformation. A "
            "lower limit below zero, which is not a possible time, is printed as this formula gives it, not "
            "truncated at zero: SPSS's documentation of the interval states no truncation rule, so the number is "
            "shown as computed, for comparison with SPSS output.")


def _landmark_label(time: float, unit: str, style: Style) -> str:
    return f"{general(time, style)}-{unit.rstrip('s')} rate, % (95% CI)"


def negative_limit(*quantiles: Quantile) -> bool:
    """True when a median's CI has a lower limit below zero (only SPSS's symmetric interval can)."""
    return any(q.lower is not None and q.lower == q.lower and q.lower < 0 for q in quantiles)


def survival_table(endpoints: tuple[EndpointSurvival, ...], time_unit: str = "months",
                   title: str = "Table. Survival outcomes", follow_up: Quantile | None = None,
                   style: Style = DEFAULT_STYLE) -> Table:
    """One column per endpoint; rows in the order readers expect (n, events, median, landmarks, RMST, follow-up).
    ``follow_up`` is the study's one median follow-up (reverse Kaplan–Meier of OS), shown in the OS column."""
    rows = [Row(("Patients, n", *(count(e.n) for e in endpoints))),
            Row(("Events, n (% maturity)", *(count_percent(e.events, e.n, style) for e in endpoints))),
            Row(("Censored, n (%)", *(count_percent(e.n - e.events, e.n, style) for e in endpoints))),
            Row((f"Median, {time_unit} (95% CI)",
                 *(estimate_ci(e.median.estimate, e.median.lower, e.median.upper, style=style) for e in endpoints)))]
    times = sorted({m.time for e in endpoints for m in e.landmarks})
    for t in times:
        cells = []
        for e in endpoints:
            mark = next((m for m in e.landmarks if m.time == t), None)
            cells.append("" if mark is None else
                         f"{number(100 * mark.surv, style=style)} "
                         f"({interval(100 * mark.lower, 100 * mark.upper, style=style)})")
        rows.append(Row((_landmark_label(t, time_unit, style), *cells)))
    horizons = sorted({e.rmst.horizon for e in endpoints if e.rmst is not None})
    for h in horizons:
        rows.append(Row((f"RMST to {general(h, style)} {time_unit}, {time_unit} (95% CI)",
                         *(estimate_ci(e.rmst.estimate, e.rmst.lower, e.rmst.upper, style=style)
                           if e.rmst is not None and e.rmst.horizon == h else "" for e in endpoints))))
    if follow_up is not None:
        rows.append(Row((f"Median follow-up, {time_unit} (95% CI)",
                         *(estimate_ci(follow_up.estimate, follow_up.lower, follow_up.upper, style=style)
                           if e.endpoint == "OS" else "" for e in endpoints))))
    rows.append(Row((f"Observed time, {time_unit}, median (range)",
                     *(f"{number(e.observed.median, style=style)} "
                       f"({interval(e.observed.minimum, e.observed.maximum, style=style)})" for e in endpoints))))
    first = endpoints[0]
    notes = [f"Kaplan–Meier estimates; median by {first.median.method}; landmark rates with Greenwood variance "
             f"and {first.fit.conf_type} confidence intervals ({general(100 * first.fit.conf_level, style)}%)."]
    if horizons:
        notes.append("RMST: restricted mean survival time, the area under the Kaplan–Meier curve up to the stated "
                     f"horizon; standard error as R survfit, CI estimate ± {general(1.96, style)} × SE.")
    if follow_up is not None:
        notes.append(f"Median follow-up: one number for the study, by the {follow_up.method} method for overall "
                     "survival (censoring as the event).")
    notes.append("Observed time: each patient's time to the event or censoring, summarised directly.")
    notes.append("Maturity: events as a percentage of patients. NR, not reached; NE, not estimable.")
    if negative_limit(*(e.median for e in endpoints)):
        notes.append(spss_negative_note(style))
    return Table(title, (Column(""), *(Column(e.label, align="right") for e in endpoints)), tuple(rows), tuple(notes),
                 ("CI, confidence interval", "PFS, progression-free survival", "OS, overall survival")
                 + tuple(f"{name}, {label}" for name, label in (("TTD", "time to treatment discontinuation"),
                                                                ("TTNT", "time to next treatment"))
                         if any(e.endpoint == name for e in endpoints))
                 + (("RMST, restricted mean survival time",) if horizons else ()))
