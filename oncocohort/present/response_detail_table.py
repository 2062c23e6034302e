"""What a reviewer asks about response beyond the ORR: ORR with and without confirmation side by side, the
clinical-benefit rate, duration of response (Kaplan–Meier among responders), time to response and the best % change
of the target-lesion sum. Reads :class:`oncocohort.stats.study_analysis.ResponseDetail`."""

from __future__ import annotations

from ..stats.descriptive import ContinuousSummary
from ..stats.study_analysis import ResponseDetail
from .formatting import count, count_percent, estimate_ci, general, interval, number, percent_ci, plural
from .journal_style import DEFAULT_STYLE, Style
from .survival_table import negative_limit, spss_negative_note
from .table import Column, Row, Table


def _median_range(s: ContinuousSummary, style: Style) -> str:
    if s.n == 0:
        return "—"
    return f"{number(s.median, style=style)} ({interval(s.minimum, s.maximum, style=style)})"


def response_detail_table(detail: ResponseDetail, n: int, time_unit: str = "months",
                          title: str | None = None, style: Style = DEFAULT_STYLE) -> Table:
    """Rows: ORR confirmed / unconfirmed, clinical benefit, responders, DoR (median, landmarks), TTR, best change."""
    rows = []
    methods = set()
    for label, estimate in (("Objective response rate, confirmed", detail.orr_confirmed),
                            ("Objective response rate, unconfirmed", detail.orr_unconfirmed),
                            (f"Clinical benefit (CR or PR, or SD ≥ {detail.clinical_benefit_weeks} weeks)",
                             detail.clinical_benefit)):
        if estimate is not None:
            methods.add(estimate.method_label)
            rows.append(Row((label, count_percent(estimate.x, estimate.n, style),
                             percent_ci(estimate.lower, estimate.upper, style))))
    rows.append(Row(("Responders (CR or PR), n", count(detail.n_responders), "")))
    notes = [f"Rates with {m}." for m in sorted(methods)]
    duration = detail.duration
    if duration is not None:
        rows.append(Row((f"Duration of response, {time_unit}", "", ""), group=True))
        rows.append(Row(("Events (progression or death), n", count(duration.events), ""), indent=1))
        rows.append(Row(("Median (95% CI)", estimate_ci(duration.median.estimate, duration.median.lower,
                                                       duration.median.upper, style=style), ""), indent=1))
        for mark in duration.landmarks:
            rows.append(Row((f"Still responding at {general(mark.time, style)} {time_unit}, % (95% CI)",
                             f"{number(100 * mark.surv, style=style)} "
                             f"({interval(100 * mark.lower, 100 * mark.upper, style=style)})", ""), indent=1))
        notes.append(f"Duration of response: from the first CR or PR to progression or death, among responders, by "
                     f"Kaplan–Meier ({duration.median.method}).")
        if negative_limit(duration.median):
            notes.append(spss_negative_note(style))
    rows.append(Row((f"Time to response, {time_unit}, median (range)", _median_range(detail.time_to_response, style),
                     "")))
    change = detail.best_pct_change
    rows.append(Row(("Best change in target-lesion sum, %, median (range)", _median_range(change, style), "")))
    rows.append(Row(("Shrinkage of 30% or more, n (%)", count_percent(detail.n_shrinkage_30, n, style), "")))
    notes.append("Time to response: first dose to the first CR or PR, among responders. Best change: the smallest "
                 f"change from baseline at a complete assessment ({plural(change.n, 'patient', zero=None)} with a "
                 "measurement).")
    return Table(title or f"Table. Response detail (N = {n})",
                 (Column(f"N = {n}"), Column("n (%) or value", align="right"), Column("95% CI", align="right")),
                 tuple(rows), tuple(notes),
                 ("CI, confidence interval", "CR, complete response", "PR, partial response", "SD, stable disease"))
