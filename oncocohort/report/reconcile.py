"""Before a report is written, its own numbers are checked against each other; any mismatch stops the report.

Checks (each compares two routes to the same number, so a bug in one shows):
- best-response categories add up to the number of included patients;
- in every adverse-event row, grade 1–2 + grade 3–4 + grade 5 = any grade, and no term has more patients than the
  any-event row;
- the attrition steps add up (screened − excluded = included; each step starts where the previous ended);
- every subgroup's levels plus its missing add up to the endpoint's patients, and events add up too;
- the KM summaries count every included patient once.
"""

from __future__ import annotations

from ..derive.eligibility import attrition_problems
from ..stats.study_analysis import StudyResults


class ReconciliationError(Exception):
    """The report's numbers disagree with each other; ``problems`` lists each disagreement in words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def reconcile(results: StudyResults) -> list[str]:
    """Every disagreement found, in words (empty when the numbers add up)."""
    problems = []
    n = results.n_included
    counted = sum(k for _, k in results.response.counts)
    if counted != n or results.response.n != n:
        problems.append(f"best-response categories add up to {counted}, not to the {n} included patients")
    for summary in (results.adverse_events, results.related_adverse_events):
        for row in summary.rows:
            if row.grade_1_2 + row.grade_3_4 + row.grade_5 != row.any_grade:
                problems.append(f"adverse events, {row.term}: grade columns {row.grade_1_2} + {row.grade_3_4} + "
                                f"{row.grade_5} ≠ any grade {row.any_grade}")
        if summary.rows and any(r.any_grade > summary.rows[0].any_grade for r in summary.rows[1:]):
            problems.append("adverse events: a term has more patients than the any-event row")
    steps = results.attrition
    if len(steps) and int(steps["n_at_step"].iloc[0]) != results.n_screened:
        problems.append(f"attrition starts with {int(steps['n_at_step'].iloc[0])}, not the {results.n_screened} "
                        "screened")
    if len(steps) and int(steps["n_remaining"].iloc[-1]) != n:
        problems.append(f"attrition ends with {int(steps['n_remaining'].iloc[-1])}, not the {n} included")
    problems += [f"attrition: {p}" for p in attrition_problems(steps)]
    for endpoint in results.survival:
        if endpoint.n != n:
            problems.append(f"{endpoint.endpoint}: {endpoint.n} patients analysed, {n} included")
    for group in results.subgroup_survival:
        total = sum(level.n for level in group.levels) + group.n_missing
        endpoint = results.endpoint(group.endpoint)
        if total != endpoint.n:
            problems.append(f"{group.endpoint} by {group.factor}: levels + missing = {total}, not {endpoint.n}")
        events = sum(level.events for level in group.levels)
        if group.n_missing == 0 and events != endpoint.events:
            problems.append(f"{group.endpoint} by {group.factor}: {events} events in the levels, "
                            f"{endpoint.events} overall")
    for group in results.response_subgroups:
        total = sum(e.n for _, e in group.levels)
        if total > n:
            problems.append(f"ORR by {group.factor}: {total} patients in the levels, {n} included")
    return problems
