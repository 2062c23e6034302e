"""Two tables of the study report's real-world-evidence analyses (reads
:class:`oncocohort.stats.study_landmark.StudyLandmarkResults` only):

- overall survival by response as a landmark analysis: per group n, events, median from the landmark with CI,
  the HR (Cox) and log-rank p, and the patients left out because their follow-up ended by the landmark;
- PFS under alternative censoring rules side by side, with the number of patients whose event status or time
  differs from the primary definition.
"""

from __future__ import annotations

from ..stats.study_landmark import CensoringSensitivity, StudyLandmarkResults
from .formatting import REFERENCE_HR, count, count_percent, estimate_ci, general, p_value, plural
from .journal_style import DEFAULT_STYLE, Style
from .survival_table import negative_limit, spss_negative_note
from .table import Column, Row, Table


def _left_out(died: int, censored: int, analysed: int) -> str:
    """Who the landmark analysis leaves out, in words ("1 patient who died and 2 censored …"; nobody: said so)."""
    # each count with its noun, so that the publication step finds it (report/disclosure.py: "3 patients")
    parts = ([f"{plural(died, 'patient')} who died"] if died else []) + (
        [f"{plural(censored, 'patient')} censored"] if censored else [])
    if not parts:
        return f"Left out: nobody (no patient died or was censored at or before the landmark); {analysed} analysed."
    return f"Left out: {' and '.join(parts)} at or before the landmark; {analysed} analysed."


def os_by_response_table(results: StudyLandmarkResults, time_unit: str, style: Style = DEFAULT_STYLE
                         ) -> Table | None:
    """OS from the response landmark by response at the landmark; None without the analysis."""
    analysis = results.os_by_response
    if analysis is None:
        return None
    landmark = general(results.response_landmark, style)
    # the HR and the log-rank p in columns of their own (as the subgroup tables): the group without response by the
    # landmark is the reference (stats/landmark.py: HR of groups[1] vs groups[0]), the p on the compared group's row
    hr = "NE"
    if analysis.cox is not None:
        t = analysis.cox.terms[0]
        hr = estimate_ci(t.hr, t.lower, t.upper, digits=2, style=style)
    p = p_value(analysis.logrank.p_value, style) if analysis.logrank is not None else "NE"
    comparison = ((REFERENCE_HR, ""), (hr, p))
    rows = []
    for group, curve, median, (group_hr, group_p) in zip(analysis.groups, analysis.curves,
                                                         results.os_by_response_medians, comparison):
        if curve is None:
            rows.append(Row((group.capitalize(), "0", "", "", "", "")))
            continue
        rows.append(Row((group.capitalize(), count(curve.n), count_percent(curve.events, curve.n, style),
                         estimate_ci(median.estimate, median.lower, median.upper, style=style), group_hr, group_p)))
    median_method = next((m.method for m in results.os_by_response_medians if m is not None), "")
    ties = analysis.cox.ties.capitalize() if analysis.cox is not None else ""
    default = (" (the default: 3 months; set [analysis] response_landmark to state another)"
               if results.landmark_is_default else " ([analysis] response_landmark)")
    notes = (
        f"Landmark analysis at {landmark} {time_unit}{default}: response (CR or PR) counted only if it occurred at "
        f"or before the landmark, survival counted from the landmark, so responders are not credited with the time "
        f"they had to survive to respond (immortal-time bias).",
        _left_out(analysis.excluded_event, analysis.excluded_censored, analysis.n),
        f"Kaplan–Meier median from the landmark ({median_method}); HR of response against no response by the "
        "landmark by Cox regression"
        + (f" ({ties} ties), Wald CI" if ties else "") + "; log-rank test.",
    )
    if negative_limit(*(m for m in results.os_by_response_medians if m is not None)):
        notes += (spss_negative_note(style),)
    return Table(f"Table. Overall survival by response at the {landmark}-{time_unit.rstrip('s')} landmark",
                 (Column(""), Column("Patients, n", align="right"), Column("Deaths, n (%)", align="right"),
                  Column(f"Median OS, {time_unit} (95% CI)", align="right"),  # from the landmark: the notes
                  Column("HR (95% CI)", align="right"), Column("Log-rank p", align="right")),
                 tuple(rows), notes, ("CI, confidence interval", "HR, hazard ratio", "OS, overall survival"))


def censoring_sensitivity_table(sensitivity: CensoringSensitivity | None, style: Style = DEFAULT_STYLE
                                ) -> Table | None:
    """PFS under each censoring rule; None when not available (e.g. an ADaM report)."""
    if sensitivity is None:
        return None
    unit = sensitivity.time_unit
    rows = tuple(Row((r.rule[0].upper() + r.rule[1:], count(r.n), count_percent(r.events, r.n, style),
                      estimate_ci(r.median.estimate, r.median.lower, r.median.upper, style=style),
                      "—" if i == 0 else f"{r.status_changed} / {r.time_changed}"))
                 for i, r in enumerate(sensitivity.rules))
    notes = ("Each row changes one censoring rule of the primary PFS definition ([endpoints], FDA 2018 guidance); "
             "changed: the number of patients whose PFS is an event under one rule and censored under the other "
             "(status) and whose PFS time differs (time), against the primary rule.",
             f"Kaplan–Meier median with {sensitivity.rules[0].median.method}.")
    if negative_limit(*(r.median for r in sensitivity.rules)):
        notes += (spss_negative_note(style),)
    return Table("Table. Sensitivity of PFS to the censoring rules",
                 (Column("Censoring rule"), Column("n", align="right"), Column("Events (%)", align="right"),
                  Column(f"Median, {unit} (95% CI)", align="right"),
                  Column("Changed: status / time", align="right")),
                 rows, notes, ("CI, confidence interval", "PFS, progression-free survival"))
