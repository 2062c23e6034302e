"""The report's PRELIMINARY ESMO-MCBS v1.1 Form 3 table: every criterion with this study's value and verdict, the
adjustments and the resulting grade (reads results.json ``esmo_mcbs``, :mod:`oncocohort.report.esmo_mcbs`)."""

from __future__ import annotations

from .formatting import general, number, percent_sign
from .journal_style import DEFAULT_STYLE, Style
from .table import Column, Row, Table

VERDICT = {True: "met", False: "not met", None: "undecided (value missing)"}


def _value(grade: dict, endpoint: str, style: Style) -> str:
    inputs = grade["inputs"]

    def months(value):
        return "not reached / not estimable" if value is None else f"{number(value, 1, style=style)} months"
    orr = inputs["orr"]
    orr_text = "no response data" if orr is None else \
        f"ORR {orr['x']}/{orr['n']} = {number(orr['percent'], 1, style=style)}{percent_sign(style)}"
    if endpoint == "PFS":
        return f"median PFS {months(inputs['pfs_median_months'])}"
    if endpoint == "ORR":
        return orr_text
    return f"{orr_text}; median DoR {months(inputs['dor_median_months'])}"


def esmo_mcbs_table(grade: dict | None, style: Style = DEFAULT_STYLE) -> Table | None:
    """Criteria (grade 3 → 1), adjustments, preliminary and adjusted grade; None without a grade dictionary."""
    if grade is None:
        return None
    rows = [Row(("Criteria (highest grade met is the preliminary grade)", "", "", ""), group=True)]
    for c in grade["criteria"]:
        rows.append(Row((f"Grade {c['grade']}: {c['rule']}", _value(grade, c["endpoint"], style),
                         VERDICT[c["met"]], str(c["grade"]) if c["met"] else ""), indent=1))
    preliminary = grade["preliminary_grade"]
    rows.append(Row(("Preliminary grade", "", "", "none" if preliminary is None else
                     ("≥ " if grade["lower_bound"] else "") + str(preliminary))))
    rows.append(Row(("Adjustments", "", "", ""), group=True))
    for a in grade["adjustments"]:
        value = "" if a["value_percent"] is None else \
            f"{number(a['value_percent'], 1, style=style)}{percent_sign(style)}; "
        rows.append(Row((a["rule"], value + a["basis"], VERDICT[a["applied"]].replace("met", "applies")
                         if a["applied"] is not None else "not in the data", ""), indent=1))
    final = grade["grade"]
    rows.append(Row(("PRELIMINARY ESMO-MCBS grade (Form 3)", "", "",
                     "none" if final is None else ("≥ " if grade["lower_bound"] else "") + str(final))))
    notes = (grade["setting_note"],
             "PRELIMINARY: computed from this cohort's own results by the rules of the form; the scale is meant to "
             "be applied to the published evidence by its reviewers. Quality of life and phase 4 experience are not "
             "in the data (each could raise the grade by 1). The grade 3–4 rate counts patients whose worst adverse "
             "event is grade 3–4; whether it impacts daily well-being is a judgement the data cannot make.",
             f"Medians by Kaplan–Meier, in months (days / {general(30.4375, style)}). Source: {grade['source']}.")
    return Table("Table. PRELIMINARY ESMO-MCBS version 1.1 grade (Evaluation Form 3, single-arm study)",
                 (Column("Rule"), Column("This study"), Column("Verdict"), Column("Grade", align="right")),
                 tuple(rows), notes,
                 ("DoR, duration of response", "ESMO-MCBS, ESMO Magnitude of Clinical Benefit Scale",
                  "ORR, objective response rate", "PFS, progression-free survival"))
