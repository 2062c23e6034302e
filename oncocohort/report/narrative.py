"""The report's words: a Statistical Methods paragraph naming each method and convention, and Results paragraphs in
the seed paper's order (patients, efficacy, survival, subgroups, safety).

Every number in the text is read from the results.json dictionary (:func:`oncocohort.report.results_json.
results_dict`) — never recomputed, never typed — so the text cannot disagree with the tables, the figures or the
file (a test checks each number against the dictionary). Numbers that are names, not results (RECIST 1.1, CTCAE
v5.0, "grade 3–4"), are listed in :data:`LABELS`.
"""

from __future__ import annotations

import datetime as dt

from ..present.formatting import NOT_REACHED, interval, number, p_value, percent

# words containing digits that name things rather than report results
LABELS = ("RECIST 1.1", "iRECIST", "grade 1–2", "grade 3–4", "grade 5", "CTCAE v5.0", "CTCAE v6.0", "PD-1",
          "Cox", "k − 1")


def _one(value) -> str:
    """A time or percentage with one decimal; a median not reached is NR."""
    return number(value, 1, NOT_REACHED)


def _pct_ci(estimate: dict) -> str:
    return interval(estimate["lower"], estimate["upper"], scale=100)


def _month_year(iso: str | None) -> str:
    return "" if iso is None else dt.date.fromisoformat(iso).strftime("%B %Y")


def _median_text(median: dict, unit: str) -> str:
    if median["estimate"] is None:
        return f"not reached (95% CI {interval(median['lower'], median['upper'])} {unit})"
    return f"{_one(median['estimate'])} {unit} (95% CI {interval(median['lower'], median['upper'])})"


def methods_paragraph(r: dict) -> str:
    s = r["settings"]
    level = f"{100 * s['conf_level']:g}%"
    criteria = {"recist1.1": "RECIST 1.1", "irecist": "iRECIST", "choi": "the Choi criteria",
                "recorded": "the responses recorded by the investigators"}[s["response_criteria"]]
    response = r["response"]
    ci = response["orr"]["method"] if response["orr"] else s["ci_method"]
    surv = r["survival"]["PFS"]
    ties = s["ties"].capitalize()
    source = (f"Tumour response was taken from {criteria}" if s["response_criteria"] == "recorded" else
              f"Tumour response was derived from the lesion measurements by {criteria}")
    text = (
        f"{source} "
        f"({'with' if response['confirmation'] else 'without'} confirmation of responses); the best overall response "
        f"counted each patient once. ORR (complete plus partial response) and DCR (plus stable disease) are given with "
        f"{ci} confidence intervals; ORR was compared with a historical rate by the exact binomial test and between "
        "subgroups by Fisher's exact test (or the chi-square test when every expected count was at least 5). "
        "Progression-free survival (progression by imaging or death) and overall survival were measured from the "
        "first dose and estimated by the Kaplan–Meier method; patients without an event were censored at their last "
        "evaluable assessment (PFS) or last known alive date (OS). Medians are given with "
        f"{level} confidence intervals from the {surv['conf_type']} transformation ({surv['median']['method']}); "
        f"landmark rates with Greenwood variance; follow-up by the reverse Kaplan–Meier method. Survival was compared "
        f"between subgroups by the log-rank test, and hazard ratios were estimated by Cox regression ({ties} "
        "ties, Wald confidence intervals and p-values)")
    text += ("; when a likelihood was monotone (an infinite estimate) the Firth-penalised model with profile "
             "likelihood intervals was used instead." if s["firth"] == "auto" else
             "; all Cox models were Firth-penalised." if s["firth"] == "always" else ".")
    text += (f" Adverse events were graded by CTCAE v{s['ctcae_version']} and counted once per patient and term at "
             f"the maximum grade; events from the first dose to {s['treatment_emergent_days']} days after the last "
             f"dose were treatment-emergent. Analyses used oncocohort {r['software']['version']}.")
    return text


def results_paragraphs(r: dict) -> list[tuple[str, str]]:
    study, unit = r["study"], r["study"]["time_unit"]
    out = []
    baseline = {b["variable"]: b for b in r["baseline"]}
    text = (f"Between {_month_year(study['first_index_date'])} and {_month_year(study['last_index_date'])}, "
            f"{study['n_screened']} patients were screened and {study['n_included']} were included "
            f"({study['n_excluded']} excluded; Figure 1).")
    if "age" in baseline and baseline["age"]["n"]:
        age = baseline["age"]
        text += f" The median age was {age['median']:g} years (range {age['min']:g}–{age['max']:g})."
    for variable, words in (("sex", "were {level}"), ("ecog", "had ECOG performance status {level}"),
                            ("histology_group", "had {level}")):
        if variable in baseline and baseline[variable]["n"]:
            top = max(baseline[variable]["levels"], key=lambda lv: lv["n"])
            text += (f" {top['n']} patients ({top['percent']:.1f}%) " + words.format(level=top["level"]) + ".")
    out.append(("Patients", text + " Baseline characteristics are shown in Table 1."))

    response = r["response"]
    counts, percents = response["counts"], response["percents"]
    parts = [f"{counts[c]} {name} ({percents[c]:.1f}%)" for c, name in
             (("CR", "complete responses"), ("PR", "partial responses"), ("SD", "stable disease"),
              ("PD", "progressive disease"), ("NE", "not evaluable")) if counts[c] or c in ("CR", "PR", "SD", "PD")]
    orr, dcr = response["orr"], response["dcr"]
    text = (f"Of the {response['n']} patients, best overall response was " + ", ".join(parts[:-1]) + f" and "
            f"{parts[-1]}. The ORR was {percent(orr['estimate'])}% (95% CI {_pct_ci(orr)}%) and "
            f"the DCR {percent(dcr['estimate'])}% (95% CI {_pct_ci(dcr)}%; {orr['method']}).")
    for name, test in sorted(response["tests"].items()):
        text += (f" The {name.upper()} differed from the historical rate of {percent(test['p0'])}% "
                 f"(p = {p_value(test['p'])}, {test['method']})." if test["p"] is not None and test["p"] < 0.05 else
                 f" The {name.upper()} did not differ significantly from the historical rate of {percent(test['p0'])}% "
                 f"(p = {p_value(test['p'])}, {test['method']}).")
    if r["settings"]["response_criteria"] == "recorded":
        text += (" Response was taken as recorded, without lesion measurements, so the waterfall and spider plots "
                 "of target-lesion change are not shown.")
    else:
        text += (f" Target lesions shrank in {response['n_with_shrinkage']} of the {response['n_with_measurement']} "
                 "patients with a post-baseline measurement (Figure 2).")
    out.append(("Efficacy", text))

    pfs, os_ = r["survival"]["PFS"], r["survival"]["OS"]
    text = (f"At the data cutoff ({study['data_cutoff']}), {r['exposure']['ongoing_at_cutoff']} patients were still "
            f"on treatment. The median follow-up was {_one(os_['follow_up_reverse_km']['estimate'])} {unit} by the "
            f"reverse Kaplan–Meier method (observed times: median {_one(os_['observed_time']['median'])}, range "
            f"{interval(os_['observed_time']['min'], os_['observed_time']['max'])} {unit}). "
            f"{pfs['events']} PFS events had occurred (maturity {_one(pfs['maturity_percent'])}%); the median PFS was "
            f"{_median_text(pfs['median'], unit)}")
    rates = [f"{m['time']:g}-{unit.rstrip('s')} rate {percent(m['surv'])}% (95% CI {_pct_ci(m)}%)"
             for m in pfs["landmarks"]]
    text += (", with " + ", ".join(rates) if rates else "") + "."
    text += (f" {os_['events']} patients had died (maturity {_one(os_['maturity_percent'])}%); the median OS was "
             f"{_median_text(os_['median'], unit)}")
    rates = [f"{m['time']:g}-{unit.rstrip('s')} rate {percent(m['surv'])}% (95% CI {_pct_ci(m)}%)"
             for m in os_["landmarks"]]
    text += (", with " + ", ".join(rates) if rates else "") + " (Figure 4)."
    out.append(("Survival", text))

    sentences = []
    for group in r["subgroup_survival"].get("PFS", []):
        levels = "; ".join(f"{lv['level']} {_one(lv['median']['estimate'])}" for lv in group["levels"])
        test = group["logrank"]
        sentences.append(f"Median PFS by {group['factor']} was {levels} {unit}"
                         + (f" (log-rank p = {p_value(test['p'])})" if test else "") + ".")
    for group in response["subgroups"]:
        levels = "; ".join(f"{lv['level']} {lv['x']}/{lv['n']} ({percent(lv['estimate'])}%)" for lv in group["levels"])
        test = group["test"]
        sentences.append(f"ORR by {group['factor']}: {levels}"
                         + (f" (p = {p_value(test['p'])}, {test['method']})" if test else "") + ".")
    if sentences:
        out.append(("Subgroups", " ".join(sentences) + " Cox models are shown in Table 2."))

    ae = r["adverse_events"]
    any_row = ae["rows"][0]
    common = [row for row in ae["rows"] if row["level"] == "term"][:5]
    text = (f"Treatment-emergent adverse events occurred in {any_row['any_grade']} patients "
            f"({any_row['percent']['any_grade']:.1f}%); the worst grade was grade 3–4 in {any_row['grade_3_4']} "
            f"({any_row['percent']['grade_3_4']:.1f}%) and grade 5 in {any_row['grade_5']}.")
    if common:
        text += " The most common were " + ", ".join(
            f"{row['term'].lower()} ({row['percent']['any_grade']:.1f}%)" for row in common) + " (Table 3)."
    out.append(("Safety", text))
    return out
