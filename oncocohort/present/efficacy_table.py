"""Efficacy table: best overall response counts with %, ORR and DCR with CI and method, exact test against a
historical rate, and ORR by subgroup. Reads :mod:`oncocohort.stats.response_summary` results only."""

from __future__ import annotations

from ..stats.response_summary import ResponseSummary, SubgroupResponse
from .formatting import count_percent, number, p_text, p_value, percent_ci, percent_text
from .journal_style import DEFAULT_STYLE, Style
from .table import Column, Row, Table
from .vocabulary import in_sentence

RATE_LABELS = {"ORR": "Objective response rate (CR + PR)", "DCR": "Disease control rate (CR + PR + SD)"}
LABELS = {"CR": "Complete response (CR)", "PR": "Partial response (PR)", "SD": "Stable disease (SD)",
          "NON-CR/NON-PD": "Non-CR/non-PD", "PD": "Progressive disease (PD)", "NE": "Not evaluable (NE)"}


def efficacy_table(summary: ResponseSummary, subgroups: tuple[SubgroupResponse, ...] = (),
                   title: str = "Table. Best overall response and response rates", style: Style = DEFAULT_STYLE
                   ) -> Table:
    rows = [Row(("Best overall response, n (%)", "", ""), group=True)]
    rows += [Row((LABELS[c], count_percent(k, summary.n, style), ""), indent=1) for c, k in summary.counts
             if k or c not in ("NON-CR/NON-PD",)]
    methods = set()
    for name, estimate in summary.rates:
        methods.add(estimate.method_label)
        rows.append(Row((RATE_LABELS[name], count_percent(estimate.x, estimate.n, style),
                         percent_ci(estimate.lower, estimate.upper, style))))
    notes = [f"Rates with {m}." for m in sorted(methods)]
    for name, test in summary.tests:
        digits = 0 if float(100 * test.p0).is_integer() else 1
        rows.append(Row((f"{name.upper()} versus historical rate {percent_text(test.p0, digits, style)}",
                         p_text(test.p_value, style), ""), indent=1))
        notes.append(f"{name.upper()} compared with a historical rate by the {test.method} ({test.alternative}).")
    for group in subgroups:
        rows.append(Row((f"ORR by {in_sentence(group.factor)}", "", ""), group=True))
        rows += [Row((level, count_percent(e.x, e.n, style), percent_ci(e.lower, e.upper, style)), indent=1)
                 for level, e in group.levels]
        if group.test is not None:
            rows.append(Row((f"p ({group.test.method})", p_value(group.test.p_value, style), ""), indent=1))
            # the rule's expected count in the journal style (stats writes it with a full stop)
            rule = group.test.rule.replace(f"{group.test.expected_min:.2f}",
                                           number(group.test.expected_min, 2, style=style))
            notes.append(f"ORR by {in_sentence(group.factor)}: {rule}.")
    return Table(title, (Column(f"N = {summary.n}"), Column("n (%)", align="right"), Column("95% CI", align="right")),
                 tuple(rows), tuple(notes),
                 ("ORR, objective response rate", "DCR, disease control rate", "CI, confidence interval"))

