"""The restricted-mean-survival-time comparison of the report's two-group subgroups: for each factor with two
levels (PFS and OS), the RMST of each level to the study's horizon, and the difference and ratio of the second level
against the first (reference), as R ``survRM2::rmst2`` computes them. Reads
:class:`oncocohort.stats.study_analysis.SubgroupSurvival` (its ``rmst``) only."""

from __future__ import annotations

from ..stats.rmst import RmstComparison
from ..stats.study_analysis import NotEstimable, SubgroupSurvival
from .formatting import count_of, estimate_ci, general, p_value
from .journal_style import DEFAULT_STYLE, Style
from .table import Column, Row, Table
from .vocabulary import in_sentence

ENDPOINT_NAMES = {"PFS": "Progression-free survival", "OS": "Overall survival"}


def rmst_comparison_table(subgroups: tuple[SubgroupSurvival, ...], horizon: float | None, time_unit: str,
                          style: Style = DEFAULT_STYLE) -> Table | None:
    """One block per endpoint and two-level factor; None when no subgroup has two levels (or there is no horizon)."""
    compared = [g for g in subgroups if g.rmst is not None]
    if not compared or horizon is None:
        return None
    rows: list[Row] = []
    not_estimable = []
    for endpoint in dict.fromkeys(g.endpoint for g in compared):
        rows.append(Row((ENDPOINT_NAMES.get(endpoint, endpoint), "", "", "", "", ""), group=True))
        for group in (g for g in compared if g.endpoint == endpoint):
            if isinstance(group.rmst, NotEstimable):
                not_estimable.append(f"{endpoint} by {in_sentence(group.factor)}: {group.rmst.reason}")
                rows.append(Row((group.factor, "", "Not estimable*", "", "", ""), indent=1))
                continue
            rows.append(Row((group.factor, "", "", "", "", ""), indent=1))
            rows.extend(_level_rows(group.rmst, style))
    tau = general(horizon, style)
    notes = [f"RMST: restricted mean survival time to {tau} {time_unit}, the area under each group's "
             f"Kaplan–Meier curve up to that time, in {time_unit}; SE as R survfit (rmean), CI ± z·SE.",
             "Difference and ratio of the second group against the first (reference), with Wald CIs as R "
             "survRM2::rmst2 computes them (the ratio on the log scale); p: Wald test of the "
             "difference. Unlike a hazard ratio they do not assume proportional hazards."]
    if not_estimable:
        notes.append("Not estimable (*): the horizon lies beyond a group's longest follow-up, where its Kaplan–Meier "
                     f"curve is unknown (survRM2's rule) — {'; '.join(not_estimable)}.")
    columns = (Column(""), Column("Events/patients", align="right"), Column("RMST (95% CI)", align="right"),
               Column("Difference (95% CI)", align="right"), Column("Ratio (95% CI)", align="right"),
               Column("p", align="right"))
    return Table(f"Table. Restricted mean survival time to {tau} {time_unit} between subgroups", columns,
                 tuple(rows), tuple(notes),
                 ("CI, confidence interval", "RMST, restricted mean survival time", "SE, standard error"))


def _level_rows(comparison: RmstComparison, style: Style) -> list[Row]:
    """The reference level, then the compared level with the difference, ratio and p of the difference."""
    contrasts = {c.measure: c for c in comparison.contrasts}
    difference, ratio = contrasts["RMST difference"], contrasts["RMST ratio"]
    reference, other = comparison.per_group
    return [
        Row((reference.group, count_of(reference.events, reference.n),
             estimate_ci(reference.rmst, reference.lower, reference.upper, style=style), "Reference", "Reference",
             ""), indent=2),
        Row((other.group, count_of(other.events, other.n),
             estimate_ci(other.rmst, other.lower, other.upper, style=style),
             estimate_ci(difference.estimate, difference.lower, difference.upper, style=style),
             estimate_ci(ratio.estimate, ratio.lower, ratio.upper, digits=2, style=style),
             p_value(difference.p_value, style)), indent=2),
    ]
