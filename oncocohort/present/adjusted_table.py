"""The adjusted comparison of study.toml ``[adjusted]``: the balance table (SMD before and after weighting or
matching) and the weighted (or matched) survival estimates (medians, HR with robust CI, weighted log-rank p,
E-value). Reads :class:`oncocohort.stats.study_adjusted.AdjustedAnalysis` (never computes a statistic)."""

from __future__ import annotations

from ..stats.study_adjusted import AdjustedAnalysis
from .formatting import estimate_ci, number, p_value
from .table import Column, Row, Table
from .vocabulary import Vocabulary, in_sentence

SMD_NOTE = "|SMD| < 0.1 is commonly read as adequate balance (Austin 2009)."


def _adjustment(result: dict) -> tuple[str, str]:
    """("weighting", "Weighted") or ("matching", "Matched"): the words of the adjustment made."""
    return ("matching", "Matched") if "matching" in result else ("weighting", "Weighted")


def _comparison(analysis: AdjustedAnalysis, vocabulary: Vocabulary) -> str:
    """"Starting dose of anlotinib: 12 vs 10" — the exposure field and its levels in the study's words."""
    compared, reference = (vocabulary.code(level) for level in analysis.levels)
    return f"{vocabulary.field_label(analysis.exposure)}: {compared} vs {reference}"


def adjusted_balance_table(analysis: AdjustedAnalysis, vocabulary: Vocabulary | None = None) -> Table:
    """Means (proportions for binary variables and categorical levels) per group, unweighted, and the SMD before
    and after weighting, one row per variable or level; variables and levels in words (``vocabulary``)."""
    vocabulary = vocabulary or Vocabulary()
    result = analysis.result
    compared, reference = analysis.levels
    rows = []
    for row in result["balance"]["rows"]:
        cells = (number(row["mean_treated"], 2), number(row["mean_control"], 2), number(row["smd_unweighted"], 2),
                 number(row["smd_weighted"], 2))
        label = vocabulary.field_label(row["variable"])
        if row["level"] is None:
            rows.append(Row((label, *cells)))
        else:
            if not any(r.group and r.cells[0] == label for r in rows):
                rows.append(Row((label, "", "", "", ""), group=True))
            rows.append(Row((vocabulary.code(row["level"]), *cells), indent=1))
    km = result["km"]
    word, _ = _adjustment(result)
    matching = result.get("matching")
    sizes = ({compared: matching["n_treated"], reference: matching["n_control"]} if matching else
             {compared: km[compared]["n"], reference: km[reference]["n"]})
    columns = (Column("Variable"),
               Column(f"{vocabulary.code(compared)} (n = {sizes[compared]})", spanner="Mean or proportion",
                      align="right"),
               Column(f"{vocabulary.code(reference)} (n = {sizes[reference]})", spanner="Mean or proportion",
                      align="right"),
               Column(f"Before {word}", spanner="SMD", align="right"),
               Column(f"After {word}", spanner="SMD", align="right"))
    weights = result["weights"]
    confounders = ", ".join(in_sentence(vocabulary.field_label(c)) for c in result["confounders"])
    notes = (f"Propensity score: {result['propensity']['method']}, on {confounders}.",
             *([_matching_note(matching)] if matching else []),
             f"Weights: {weights['method']}.",
             f"SMD: {result['balance']['method']}. {SMD_NOTE}")
    return Table(f"Table. Balance of confounders, {_comparison(analysis, vocabulary)}", columns, tuple(rows), notes,
                 ("SMD, standardised mean difference",))


def _matching_note(matching: dict) -> str:
    left = matching["n_treated"] - matching["n_treated_matched"]
    return (f"Matching: {matching['method']}; {matching['n_treated_matched']} of {matching['n_treated']} treated "
            f"patients matched to {matching['n_control_matched']} of {matching['n_control']} controls"
            + (f"; {left} without a control within the caliper left out." if left else "."))


def adjusted_survival_table(analyses: tuple[AdjustedAnalysis, ...], vocabulary: Vocabulary | None = None) -> Table:
    """Per endpoint: weighted medians per group, weighted HR (robust CI), weighted log-rank p and the E-value."""
    vocabulary = vocabulary or Vocabulary()
    first = analyses[0]
    compared, reference = first.levels
    exposure = in_sentence(vocabulary.field_label(first.exposure))
    rows, notes = [], []
    made = [a.result for a in analyses if a.result is not None]
    word, spanner = _adjustment(made[0]) if made else ("weighting", "Weighted")
    for analysis in analyses:
        result = analysis.result
        if result is None:
            rows.append(Row((analysis.endpoint, "—", "—", "—", "—", "—")))
            notes.append(f"{analysis.endpoint}: not estimable — {analysis.not_possible}.")
            continue
        km, cox, ev = result["km"], result["cox"], result["e_value"]
        rows.append(Row((analysis.endpoint,
                         estimate_ci(km[compared]["median"], km[compared]["lower"], km[compared]["upper"]),
                         estimate_ci(km[reference]["median"], km[reference]["lower"], km[reference]["upper"]),
                         estimate_ci(cox["hr"], cox["lower"], cox["upper"], digits=2),
                         p_value(result["logrank"]["p"]),
                         f"{number(ev['e_value'], 2)} ({number(ev['e_value_ci'], 2)})")))
        if not notes:
            notes += [f"Medians: {km[compared]['method']}.",
                      f"HR: {cox['method']}; HR < 1 favours {vocabulary.code(compared)} ({exposure}).",
                      f"p: {result['logrank']['method']}.",
                      f"E-value of the HR (of the CI limit nearer 1): {ev['method']}.",
                      f"Weights: {result['weights']['method']}."]
            if "matching" in result:
                notes.append(_matching_note(result["matching"]))
        if analysis.n_other_level:
            notes.append(f"{analysis.endpoint}: {analysis.n_other_level} patient(s) with another or no "
                         f"{exposure} value left out.")
        dropped = result["rows"]["dropped"]
        if dropped:
            notes.append(f"{analysis.endpoint}: {dropped} patient(s) with a missing confounder left out.")
    columns = (Column("Endpoint"),
               Column(f"{vocabulary.code(compared)}, median (95% CI)", spanner=spanner, align="right"),
               Column(f"{vocabulary.code(reference)}, median (95% CI)", spanner=spanner, align="right"),
               Column("HR (95% CI)", spanner=spanner, align="right"), Column("Log-rank p", align="right"),
               Column("E-value (CI)", align="right"))
    how = "propensity-score matching" if word == "matching" else "inverse probability weighting"
    return Table(f"Table. Confounding-adjusted survival, {_comparison(first, vocabulary)} ({how})",
                 columns, tuple(rows), tuple(notes), ("HR, hazard ratio", "CI, confidence interval"))


def adjusted_tables(analyses: tuple[AdjustedAnalysis, ...], vocabulary: Vocabulary | None = None
                    ) -> dict[str, Table]:
    """``adjusted_balance`` (of the first endpoint whose comparison was made) and ``adjusted_survival``; {} without
    an ``[adjusted]`` section. Field names and codes in the words of ``vocabulary`` (study.toml ``[labels]``)."""
    vocabulary = vocabulary or Vocabulary()
    if not analyses:
        return {}
    tables = {}
    made = [a for a in analyses if a.result is not None and "balance" in a.result]
    if made:
        tables["adjusted_balance"] = adjusted_balance_table(made[0], vocabulary)
    tables["adjusted_survival"] = adjusted_survival_table(analyses, vocabulary)
    return tables
