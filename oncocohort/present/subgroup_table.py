"""Table 2 — survival by subgroup: per factor and level, patients, events, median with 95 % CI and the log-rank
p; univariable and multivariable Cox hazard ratios (95 % CI) with p (Firth-penalised models marked), and under the
table the test of proportional hazards of each model (R ``cox.zph``). Reads
:class:`oncocohort.stats.study_analysis.SubgroupSurvival` and :class:`~oncocohort.stats.study_analysis.CoxAnalysis`.
"""

from __future__ import annotations

from ..stats.firth import FirthCoxModel
from ..stats.study_analysis import CoxAnalysis, NotEstimable, SubgroupSurvival
from .formatting import REFERENCE_HR, count, estimate_ci, p_text, p_value, plural
from .journal_style import DEFAULT_STYLE, Style
from .survival_table import negative_limit, spss_negative_note
from .table import Column, Row, Table
from .vocabulary import in_sentence


def _hr_cells(model, field: str, level: str, reference: str, style: Style = DEFAULT_STYLE) -> tuple[str, str]:
    if model is None:
        return "", ""
    if isinstance(model, NotEstimable):
        return "NE", ""
    if level == reference:
        return REFERENCE_HR, ""
    term = next((t for t in model.terms if t.name == f"{field}[{level}]"), None)
    if term is None:
        return "", ""
    mark = "†" if isinstance(model, FirthCoxModel) else ""
    return f"{estimate_ci(term.hr, term.lower, term.upper, 2, 'NE', style)}{mark}", p_value(term.p_value, style)


def proportional_hazards_notes(cox: CoxAnalysis, labels: dict[str, str], style: Style = DEFAULT_STYLE) -> list[str]:
    """One note: the test of proportional hazards (scaled Schoenfeld residuals against the Kaplan–Meier-transformed
    time, R ``cox.zph``) of each univariable model and of the multivariable model per covariate and globally."""
    univariable = [f"{in_sentence(labels.get(t.term, t.term))} {p_text(t.p_value, style)}" for _, m in cox.univariable
                   for t in getattr(m, "ph_tests", ()) if t.term != "GLOBAL"]
    multivariable = [f"{'global' if t.term == 'GLOBAL' else in_sentence(labels.get(t.term, t.term))} "
                     f"{p_text(t.p_value, style)}" for t in getattr(cox.multivariable, "ph_tests", ())]
    parts = ([f"univariable models: {', '.join(univariable)}"] if univariable else []) + (
        [f"multivariable model: {', '.join(multivariable)}"] if multivariable else [])
    if not parts:
        return []
    return [f"Test of proportional hazards (scaled Schoenfeld residuals, R cox.zph, Kaplan–Meier time transform) — "
            f"{'; '.join(parts)}."]


def subgroup_table(subgroups: tuple[SubgroupSurvival, ...], cox: CoxAnalysis | None = None, time_unit: str = "months",
                   title: str | None = None, style: Style = DEFAULT_STYLE) -> Table:
    """Rows grouped by factor, levels in the report's one order (stats/level_order.py); the Cox reference level
    (the first level unless study.toml names another) reads "1 (reference)"."""
    endpoint = subgroups[0].endpoint if subgroups else (cox.endpoint if cox else "")
    univariable = dict(cox.univariable) if cox else {}
    multivariable = cox.multivariable if cox else None
    rows = []
    firth = False
    for group in subgroups:
        p = p_value(group.logrank.p_value, style) if group.logrank else ""
        rows.append(Row((group.factor, "", "", "", p, "", "", "", ""), group=True))
        reference = group.reference or (group.levels[0].level if group.levels else "")
        in_multi = multivariable is not None and not isinstance(multivariable, NotEstimable) and any(
            t.name.startswith(f"{group.field}[") for t in multivariable.terms)
        for level in group.levels:
            uni = _hr_cells(univariable.get(group.field), group.field, level.level, reference, style)
            multi = _hr_cells(multivariable if in_multi or isinstance(multivariable, NotEstimable) else None,
                              group.field, level.level, reference, style)
            firth |= "†" in uni[0] + multi[0]
            rows.append(Row((level.level, count(level.n), count(level.events),
                             estimate_ci(level.median.estimate, level.median.lower, level.median.upper, style=style),
                             "",
                             *uni, *multi), indent=1))
        if group.n_missing:
            rows.append(Row(("Missing (not analysed)", count(group.n_missing), "", "", "", "", "", "", ""), indent=1))
    method = subgroups[0].levels[0].median.method if subgroups and subgroups[0].levels else ""
    notes = [f"Median {endpoint} by Kaplan–Meier ({method}); p by the log-rank test (chi-square, k − 1 df)."]
    if cox is not None:
        labels = {g.field: g.factor for g in subgroups}
        models = [m for _, m in cox.univariable] + [multivariable]
        ordinary = next((m for m in models if m is not None and not isinstance(m, (NotEstimable, FirthCoxModel))),
                        None)
        if ordinary is not None:
            factors = ", ".join(in_sentence(labels.get(f, f)) for f, _ in cox.univariable)
            notes.append(f"Hazard ratios from the {ordinary.method}; p by the Wald test. Multivariable model: "
                         f"{factors} together ({cox.n_complete} patients with complete data).")
        if firth:
            penalised = [m for m in models if isinstance(m, FirthCoxModel)]
            methods = "; ".join(dict.fromkeys(m.method for m in penalised))
            notes.append("† Firth-penalised Cox model (the ordinary likelihood is monotone: an infinite estimate): "
                         f"{methods}.")
            notes += list(dict.fromkeys(n for m in penalised for n in m.notes))
        for name, model in [*cox.univariable, ("multivariable", multivariable)]:
            if isinstance(model, NotEstimable):
                notes.append(f"NE ({labels.get(name, name)}): not estimable — {model.reason}.")
        notes += proportional_hazards_notes(cox, labels, style)
    for group in subgroups:
        if group.ungrouped:
            values = ", ".join(f"'{value}' ({plural(n, 'patient')})" for value, n in group.ungrouped)
            notes.append(f"{group.factor}: values in no group of study.toml [[analysis.subgroups]] — {values} — "
                         "are counted as missing and not analysed for this factor.")
    if negative_limit(*(level.median for group in subgroups for level in group.levels)):
        notes.append(spss_negative_note(style))
    spanner_u, spanner_m = "Univariable Cox", "Multivariable Cox"
    columns = (Column("Factor"), Column("n", align="right"), Column("Events", align="right"),
               Column(f"Median {endpoint}, {time_unit} (95% CI)", align="right"),
               Column("Log-rank p", align="right"),
               Column("HR (95% CI)", spanner_u, "right"), Column("p", spanner_u, "right"),
               Column("HR (95% CI)", spanner_m, "right"), Column("p", spanner_m, "right"))
    return Table(title or f"Table 2. {endpoint} by subgroup, univariable and multivariable Cox regression",
                 columns, tuple(rows), tuple(notes),
                 ("HR, hazard ratio", "CI, confidence interval", "NR, not reached", "NE, not estimable"))
