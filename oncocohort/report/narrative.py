"""The report's words: a Statistical Methods paragraph naming each method and convention, and Results paragraphs in
the seed paper's order (patients, efficacy, survival, subgroups, safety).

Every number in the text is read from the results.json dictionary (:func:`oncocohort.report.results_json.
results_dict`) — never recomputed, never typed — so the text cannot disagree with the tables, the figures or the
file (a test checks each number against the dictionary). Numbers that are names, not results (RECIST 1.1, CTCAE
v5.0, "grade 3–4"), are listed in :data:`LABELS`.

Style rules an editor would otherwise apply by hand (tested by tests/report/test_narrative_style.py): counts agree
with their nouns and zero is written in words ("no patient had a complete response"), no sentence starts with a
numeral, abbreviations are spelled out at first use (built-in long forms and study.toml ``[labels]``), codes and
field names are written in words, one percent style, each method is named once (in the methods paragraph), and
numbers follow the journal :class:`~oncocohort.present.journal_style.Style`.
"""

from __future__ import annotations

import datetime as dt
from statistics import NormalDist

from ..engine.suppression import is_suppressed
from ..present.formatting import general, interval, number, p_text, percent_sign, percent_text, plural
from ..present.journal_style import DEFAULT_STYLE, Style
from ..present.vocabulary import Vocabulary, in_sentence
from ..stats.proportions import CI_METHOD_NAMES

# words containing digits that name things rather than report results
LABELS = ("RECIST 1.1", "iRECIST", "grade 1–2", "grade 3–4", "grade 5", "grade ≥ 3", "CTCAE v5.0", "CTCAE v6.0",
          "PD-1", "Cox", "k − 1", "1.96", "0.55", "0.45", "p0", "p1")

# where the text points the reader; the report's numbering (report/build.py) may pass its own
# the items the text cites; the report passes their numbers ("Figure 1"); without them the references are left out
CITATION_KEYS = ("flow", "baseline", "waterfall", "km", "subgroups_pfs", "subgroups_os", "adverse_events",
                 "next_trial_design", "adverse_events_ungraded", "km_pfs", "km_os", "km_ttd", "km_ttnt")


def _aggregates_only(r: dict) -> bool:
    """Whether the results came from aggregates computed in a database engine (``omop report`` by default):
    results.json ``study.analysis``, set by the analysis that produced them (stats/study_analysis.py AGGREGATES)."""
    return r["study"].get("analysis") == "aggregates"


def _month_year(month: str | None) -> str:
    """"2015-03" (results.json ``first_index_month``) → "March 2015"; "" for none."""
    return "" if month is None else dt.date.fromisoformat(f"{month}-01").strftime("%B %Y")


def _day_month_year(iso: str | None) -> str:
    if iso is None:
        return "not stated"
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B %Y')}"


def _hidden(value) -> bool:
    """A count not published (small-cell suppression, report/disclosure.py)."""
    return is_suppressed(value)


def _hidden_words(value) -> str:
    """A hidden count in words: "fewer than 5" or "a number not shown"."""
    return f"fewer than {value.minimum}" if value.reason == "small" else "a number not shown"


def _rank(value) -> int:
    """A count for ordering (a hidden count ranks last)."""
    return -1 if _hidden(value) else value


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _join(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _of(x: int, n: int, noun: str = "patient") -> str:
    """``3 of the 32 patients``; with one patient ``the patient`` (or ``no patient``)."""
    if n == 1:
        return f"the {noun}" if x else f"no {noun}"
    return f"{_hidden_words(x) if _hidden(x) else x} of the {n} {noun}s"


def _factor_words(label: str) -> str:
    """A subgroup label inside a sentence: first letter lower-case unless it starts an abbreviation (ECOG)."""
    return in_sentence(label)


class _Writer:
    """Formats the numbers of one results dictionary in one style (private helper of the paragraph builders)."""

    def __init__(self, r: dict, style: Style, citations: dict[str, str] | None):
        self.r, self.style = r, style
        self.unit = r["study"]["time_unit"]
        self.vocabulary = Vocabulary.from_labels(r["settings"].get("labels", {}).items())
        self.cite = {**dict.fromkeys(CITATION_KEYS, ""), **(citations or {})}

    def ref(self, key: str) -> str:
        """" (Table 2)" citing the item ``key``, or "" when the report has no such item."""
        return f" ({self.cite[key]})" if self.cite.get(key) else ""

    def one(self, value) -> str:
        return number(value, 1, style=self.style)

    def pct(self, proportion) -> str:
        return percent_text(proportion, 1, self.style)

    def pct_of(self, x: int, n: int) -> str:
        return percent_text(x / n if n else None, 1, self.style)

    def count_pct(self, x, n: int, noun: str | None = None) -> str:
        """``11 (34.4%)`` or ``11 patients (34.4%)`` with ``noun``; a hidden count ``fewer than 5 (patients)``
        without its percentage."""
        if _hidden(x):
            return _hidden_words(x) + (f" {noun}s" if noun else "")
        return f"{plural(x, noun) if noun else x} ({self.pct_of(x, n)})"

    def rate(self, estimate: dict) -> str:
        """``34.4% (95% CI 18.6–53.2%)``; a rate whose count is hidden: ``not shown (fewer than 5 patients)``."""
        if _hidden(estimate["x"]):
            return f"not shown ({_hidden_words(estimate['x'])} patients)"
        return f"{self.pct(estimate['estimate'])} ({self.ci(estimate)})"

    def ci(self, estimate: dict, scale: float = 100) -> str:
        """``95% CI 18.6–53.2%`` (a proportion, ``scale`` 100) or ``95% CI 3.3–11.9`` (a time, ``scale`` 1)."""
        if estimate["lower"] is None or estimate["upper"] is None:
            return "95% CI not estimable"
        text = interval(estimate["lower"], estimate["upper"], scale=scale, style=self.style)
        return f"95% CI {text}{percent_sign(self.style) if scale == 100 else ''}"

    def median(self, median: dict) -> str:
        """``7.6 months (95% CI 5.0–14.1)``; a limit that cannot be estimated is said in words."""
        lower, upper = median["lower"], median["upper"]
        if median["estimate"] is None:
            return "not reached" if lower is None else (f"not reached (lower 95% confidence limit "
                                                        f"{self.one(lower)} {self.unit})")
        text = f"{self.one(median['estimate'])} {self.unit}"
        if lower is None and upper is None:
            return text + " (95% CI not estimable)"
        if upper is None:
            return text + f" (95% CI from {self.one(lower)}; upper limit not estimable)"
        if lower is None:
            return text + f" (95% CI up to {self.one(upper)}; lower limit not estimable)"
        return text + f" (95% CI {interval(lower, upper, style=self.style)})"

    def level(self, factor: str, level: str) -> str:
        """A subgroup level in a sentence: its words; a bare number gets the factor's name ("ECOG performance
        status 2")."""
        words = self.vocabulary.code(level)
        if words.casefold() == "other":
            return f"other {_factor_words(factor)} categories"
        return words if any(c.isalpha() for c in words) else f"{_factor_words(factor)} {words}"


def _methods(w: _Writer) -> str:
    r, s = w.r, w.r["settings"]
    level = f"{general(100 * s['conf_level'], w.style)}%"
    criteria = {"recist1.1": "Response Evaluation Criteria in Solid Tumours version 1.1 (RECIST 1.1)",
                "irecist": "immune Response Evaluation Criteria in Solid Tumours (iRECIST)",
                "choi": "the Choi criteria",
                "recorded": "the responses recorded by the investigators"}[s["response_criteria"]]
    response = r["response"]
    ci_name = CI_METHOD_NAMES.get(s["ci_method"], s["ci_method"])
    benefit = response.get("clinical_benefit")
    source = (f"Tumour response was taken from {criteria}" if s["response_criteria"] == "recorded" else
              f"Tumour response was derived from the lesion measurements by {criteria}")
    text = (f"{r['study']['data_source']} " if r["study"].get("data_source") else "")
    if not _response_assessed(r):  # nothing to say about response methods (the Efficacy section says why)
        return text + _endpoint_methods(w)
    text += (
        f"{source}, {'with' if response['confirmation'] else 'without'} confirmation of responses; the best overall "
        "response counted each patient once. The objective response rate (ORR) is the proportion of patients with a "
        "complete "
        "response (CR) or partial response (PR) as best overall response, and the disease control rate (DCR) adds "
        f"stable disease (SD); both are given with {ci_name} {level} confidence intervals, and the ORR is shown with "
        "and without confirmation. The ORR was "
        "compared with a historical rate by the exact binomial test and between subgroups by Fisher's exact test "
        "(or the chi-square test when every expected count was at least 5).")
    if benefit is not None:
        text += f" The CBR counts CR or PR, or SD lasting at least {benefit['weeks']} weeks."
    return text + _endpoint_methods(w)


def _endpoint_methods(w: _Writer) -> str:
    """The methods of the time-to-event endpoints (each named with its definition), the survival and Cox statistics
    and the adverse events."""
    r, s = w.r, w.r["settings"]
    level = f"{general(100 * s['conf_level'], w.style)}%"
    defined = [e for e in r.get("endpoints", []) if e["definition"]]
    if defined:
        text = (" The time-to-event endpoints were measured from the index date and estimated by the Kaplan–Meier "
                "method: " + "; ".join(f"{in_sentence(e['label'])} ({e['endpoint']}), {e['definition']}"
                                       for e in defined) + ".")
    else:
        text = (" Progression-free survival (PFS; progression by imaging or death) and OS were measured from the first "
                "dose and estimated by the "
                "Kaplan–Meier method; patients without an event were censored at their last evaluable assessment "
                "(PFS) or last known alive date (OS).")
    if _response_assessed(r):
        text += (" DoR was measured among responders from the first CR or PR to "
                 "progression or death and estimated by the Kaplan–Meier method, and TTR from the first dose to the "
                 "first CR or PR.")
    if s["median_ci"] == "spss":
        z = NormalDist().inv_cdf(0.5 + s["conf_level"] / 2)
        text += (f" Medians are given with {level} CIs as SPSS computes them: the median ± "
                 f"{general(round(z, 2), w.style)} × SE, the SE being the Greenwood standard error of the survival "
                 "estimate at the median divided by the density of the survival times (estimated between the times "
                 f"at which survival crosses {general(0.55, w.style)} and {general(0.45, w.style)}), without "
                 "transformation; a lower limit below zero is printed as computed, not truncated at zero, as SPSS "
                 "documents no truncation rule (noted under the tables).")
    else:
        text += (f" Medians are given with {level} CIs read from the {s['km_conf_type']}-transformed pointwise "
                 f"confidence band (the times at which the band crosses {general(0.5, w.style)}, as R survfit).")
    text += (f" Landmark rates are given with Greenwood variance and {s['km_conf_type']}-transformed CIs. The "
             "median follow-up is one number for the study: the reverse Kaplan–Meier estimate for OS (deaths "
             "censored, censoring as the event).")
    if s.get("rmst_horizon") is not None:
        text += (f" The RMST to {general(s['rmst_horizon'], w.style)} {w.unit} is the area under the "
                 "Kaplan–Meier curve up to that time, with the standard error of R survfit.")
        if any(g.get("rmst") for groups in r["subgroup_survival"].values() for g in groups):
            text += (" Between the two groups of a two-group subgroup, the RMST difference and ratio are given with "
                     "Wald CIs and the p-value of the difference, as R survRM2 computes them.")
    ties = s["ties"].capitalize()
    text += (" Survival was compared between subgroups by the log-rank test, and hazard ratios were estimated by Cox "
             f"regression ({ties} ties, Wald CIs and p-values)")
    if _aggregates_only(r):  # Cox from per-time sums in the engine: PH test from them, no Firth (engine/cox.py)
        text += ("; proportional hazards were checked with scaled Schoenfeld residuals (R cox.zph), the residuals "
                 "summed per event time in the database; Firth's penalised likelihood is not computed from "
                 "aggregates, and a model whose likelihood is monotone is shown as not estimable.")
    else:
        text += "; proportional hazards were checked with scaled Schoenfeld residuals (R cox.zph)"
        text += ("; when a likelihood was monotone (an infinite estimate) the Firth-penalised model with profile "
                 "likelihood intervals was used instead." if s["firth"] == "auto" else
                 "; all Cox models were Firth-penalised." if s["firth"] == "always" else ".")
    if any(c.get("references") for c in r["cox"].values()):
        text += (" Hazard ratios compare each level of a factor with the factor's reference level, shown in each "
                 "table and figure: the first level listed (the largest group unless the study orders the levels) "
                 "or the level the study names.")
    text += _competing_and_adjusted_methods(w)
    if _graded_adverse_events(r):
        text += (f" Adverse events were graded by CTCAE v{s['ctcae_version']} and counted once per patient and term "
                 f"at the maximum grade; events from the first dose to {s['treatment_emergent_days']} days after the "
                 "last dose were treatment-emergent; serious events and events leading to dose reduction, "
                 "interruption or discontinuation are as recorded.")
    ungraded = r.get("ungraded_adverse_events")
    if ungraded:
        text += (f" Adverse events {ungraded['source']} carry no CTCAE grade (severity not available): they were "
                 "counted as the patients with at least one record of each term, without grades.")
    return text + f" Analyses used oncocohort {r['software']['version']}."


def _competing_and_adjusted_methods(w: _Writer) -> str:
    """Methods sentences for the competing-risks split of PFS and the confounding-adjusted comparison
    (results.json "competing_risks_pfs", "adjusted"), each naming its estimator; "" for what the report lacks."""
    text = ""
    if w.r.get("competing_risks_pfs"):
        text += (" PFS events were split into progression and death without progression, each the other's competing "
                 "event, and the cumulative incidence of each was estimated by the Aalen–Johansen method, with "
                 "variance as R cmprsk::cuminc and CIs on the log(−log) scale.")
    made = [a for a in (w.r.get("adjusted") or {}).values() if isinstance(a, dict) and "propensity" in a]
    if made:
        a = made[0]
        compared, reference = (w.vocabulary.code(level) for level in a["levels"])
        exposure = in_sentence(w.vocabulary.field_label(a["exposure"]))
        names = [in_sentence(w.vocabulary.field_label(c)) for c in a["confounders"]]
        confounders = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        if "matching" in a:
            m = a["matching"]
            caliper = ("without a caliper" if m.get("caliper") is None else
                       f"within a caliper of {general(m['caliper'], w.style)}"
                       + (" standard deviations of the score" if m.get("std_caliper") else " on the score scale"))
            how = (f"greedy 1:{m['ratio']} nearest-neighbour matching without replacement {caliper}, estimating the "
                   "effect in the matched treated patients, as R MatchIt")
        else:
            estimand = "the whole cohort (ATE)" if a["weights"].get("estimand") == "ate" else "the treated (ATT)"
            how = f"inverse probability of treatment weighting for {estimand}"
        text += (f" To compare {exposure} {compared} with {reference}, a propensity score for confounding by "
                 f"{confounders} was estimated by logistic regression and used for {how}; balance was judged by "
                 "standardised mean differences before and after adjustment, and the adjusted hazard ratio came from "
                 "a weighted Cox model with robust (sandwich) standard errors, with its E-value (VanderWeele and "
                 "Ding).")
    return text


def _patients(w: _Writer) -> str:
    study, r = w.r["study"], w.r
    # the index period by month (a report from aggregates has months only: index dates are quasi-identifying);
    # without one the sentence starts with the count, in words a sentence takes
    first, last = _month_year(study.get("first_index_month")), _month_year(study.get("last_index_month"))
    when = ("A total of" if not first else f"Between {first} and {last}," if first != last else f"In {first},")
    excluded = study["n_excluded"]
    text = (f"{when} {plural(study['n_screened'], 'patient', zero=None)} {_was(study['n_screened'])} screened and "
            f"{study['n_included']} {_was(study['n_included'])} included; "
            + (f"{_hidden_words(excluded) if _hidden(excluded) else excluded} {_was(excluded)} excluded" if excluded
               else "none was excluded")
            + w.ref("flow") + ".")
    baseline = {b["variable"]: b for b in r["baseline"]}
    if "age" in baseline and baseline["age"]["n"]:
        age = baseline["age"]
        if age["n"] == 1:
            text += f" The patient's age was {general(age['median'], w.style)} years."
        else:
            text += (f" The median age was {general(age['median'], w.style)} years (range "
                     f"{interval(age['min'], age['max'], 0, style=w.style)}).")
    parts = []
    for variable, words in (("sex", "{was} {level}"), ("ecog", "had ECOG performance status {level}"),
                            ("histology_group", "had {level}")):
        item = baseline.get(variable)
        if not item or not item["n"]:
            continue
        named = [lv for lv in item["levels"] if str(lv["level"]).casefold() not in ("other", "unknown") and lv["n"]]
        if not named:
            continue
        top = max(named, key=lambda lv: _rank(lv["n"]))
        if _hidden(top["n"]):
            continue
        level = w.vocabulary.code(str(top["level"]))
        parts.append(f"{top['n']} ({w.pct(top['percent'] / 100)}) "
                     + words.format(was=_was(top["n"]), level=level))
    if parts and study["n_included"] == 1:
        text += " The patient " + _join([p.split(") ", 1)[1] for p in parts]) + "."
    elif parts:
        text += f" Of the {plural(study['n_included'], 'patient', zero=None)}, {_join(parts)}."
    return text + (f" Baseline characteristics are shown in {w.cite['baseline']}." if w.cite["baseline"] else "")


# what an event of each endpoint is, in the survival paragraph
EVENT_WORDS = {"PFS": "PFS events (progression or death)", "OS": "deaths",
               "TTD": "TTD events (treatment discontinued or death)", "TTNT": "TTNT events (next treatment or death)"}

RESPONSE_WORDS = (("CR", "a complete response"), ("PR", "a partial response"), ("SD", "stable disease"),
                  ("NON-CR/NON-PD", "non-CR/non-PD"), ("PD", "progressive disease"), ("NE", "not evaluable"))


def _response_assessed(r: dict) -> bool:
    """Whether the data hold tumour response assessments (results.json ``response.assessed``; OMOP: no)."""
    return r["response"].get("assessed", True)


def _graded_adverse_events(r: dict) -> bool:
    """Whether the report shows CTCAE-graded adverse events: some event has a grade, or none lacks one."""
    rows = r["adverse_events"]["rows"]
    return not r.get("ungraded_adverse_events") or bool(rows and rows[0]["any_grade"])


def _response_recorded(r: dict) -> bool:
    """Whether response was taken as recorded (no lesion measurements behind it)."""
    return r["settings"]["response_criteria"] == "recorded"


NO_RESPONSE = ("The data hold no tumour response assessment, so no response rate, waterfall, spider or swimmer plot, "
               "duration of or time to response, clinical-benefit grade or next-trial design is shown.")


def _efficacy(w: _Writer) -> str:
    if not _response_assessed(w.r):
        return NO_RESPONSE
    response, n = w.r["response"], w.r["response"]["n"]
    counts = response["counts"]
    seen = [(c, words) for c, words in RESPONSE_WORDS if counts.get(c)]
    missing = [words for c, words in RESPONSE_WORDS if c in ("CR", "PR", "SD", "PD") and not counts.get(c)]
    clauses = [f"{words} in {w.count_pct(counts[c], n, 'patient' if i == 0 else None)}"
               for i, (c, words) in enumerate(seen)]
    text = f"Best overall response was {_join(clauses)}."
    if missing:
        text += f" No patient had {_join(missing).replace(' and ', ' or ')}."
    orr, dcr = response["orr"], response["dcr"]
    if orr is not None:
        text += f" The ORR was {w.rate(orr)} and the DCR was {w.rate(dcr)}."
    confirmed, unconfirmed = response.get("orr_confirmed"), response.get("orr_unconfirmed")
    if confirmed is not None and unconfirmed is not None:
        text += (f" With confirmation of responses required, the ORR was {w.rate(confirmed)}; without, it was "
                 f"{w.rate(unconfirmed)}.")
    benefit = response.get("clinical_benefit")
    if benefit is not None:
        text += f" The CBR was {w.rate(benefit)}."
    for name, test in sorted(response["tests"].items()):
        rate = percent_text(test["p0"], 0 if float(100 * test["p0"]).is_integer() else 1, w.style)
        verdict = "differed from" if test["p"] is not None and test["p"] < 0.05 else "did not differ significantly from"
        text += f" The {name.upper()} {verdict} the historical rate of {rate} ({p_text(test['p'], w.style)})."
    measured = response["n_with_measurement"]
    if _response_recorded(w.r):
        text += (" Response was taken as recorded, without lesion measurements, so the waterfall and spider plots "
                 "of target-lesion change are not shown.")
    elif measured and not _hidden(measured):
        text += (f" Target lesions shrank in {_of(response['n_with_shrinkage'], measured)} with a post-baseline "
                 f"measurement{w.ref('waterfall')}")
        change = response.get("best_pct_change")
        if change and change["n"] == 1:
            text += f"; the best change was {w.one(change['median'])}%"
        elif change and change["n"] and not _hidden(change["n"]):
            text += (f"; the median best change was {w.one(change['median'])}% (range "
                     f"{interval(change['min'], change['max'], style=w.style)}%)")
        text += "."
    elif not measured:
        text += " No patient had a post-baseline measurement of the target lesions."
    responders = response.get("n_responders", 0)
    duration = response.get("duration_of_response")
    if responders and duration is not None:
        ttr = response["time_to_response"]
        among = _hidden_words(responders) if _hidden(responders) else responders
        text += (" In the responder, the TTR was " if responders == 1 else
                 f" Among the {among} responders, the median TTR was ") + f"{w.one(ttr['median'])} {w.unit}"
        if _hidden(ttr["n"]) or ttr["n"] > 1:
            text += f" (range {interval(ttr['min'], ttr['max'], style=w.style)})"
        text += f" and the median DoR was {w.median(duration['median'])}."
    elif not responders:
        text += " No patient responded, so DoR and TTR were not estimated."
    return text


def _survival(w: _Writer) -> str:
    r = w.r
    ongoing = r["exposure"]["ongoing_at_cutoff"]
    text = (f"At the data cutoff ({_day_month_year(r['study']['data_cutoff'])}), "
            + (f"{plural(ongoing, 'patient', zero=None)} {_was(ongoing)} still on treatment." if ongoing else
               "no patient was still on treatment."))
    follow_up = r["follow_up"]
    if follow_up["estimate"] is None:
        text += (" The median follow-up (reverse Kaplan–Meier method for OS) could not be estimated because no "
                 "patient was censored before half of the follow-up was complete.")
    else:
        text += (f" The median follow-up, by the reverse Kaplan–Meier method for OS, was "
                 f"{w.median(follow_up)}.")
    order = [e["endpoint"] for e in r.get("endpoints", [])] or ["PFS", "OS"]
    for key in order:
        name, event_words = key, EVENT_WORDS.get(key, f"{key} events")
        e = r["survival"][key]
        if e["events"] and _hidden(e["events"]):
            text += (f" {event_words[:1].upper() + event_words[1:]} occurred in {_of(e['events'], e['n'])}; the "
                     f"median {name} was {w.median(e['median'])}")
        elif e["events"]:
            text += (f" {event_words[:1].upper() + event_words[1:]} occurred in {e['events']} of the "
                     f"{plural(e['n'], 'patient', zero=None)} (maturity {w.pct(e['maturity_percent'] / 100)}); the "
                     f"median {name} was {w.median(e['median'])}")
        else:
            text += f" No {event_words.split(' (')[0].replace('deaths', 'death')} occurred, and the median {name} " \
                    f"was not reached"
        marks = [f"{w.pct(m['surv'])} ({w.ci(m)}) at {general(m['time'], w.style)} {w.unit}"
                 for m in e["landmarks"]]
        text += (f". {name} rates were " + _join(marks) if marks else "") + w.ref(f"km_{key.lower()}") + "."
    rmst = [(name, r["survival"][name]["rmst"]) for name in ("PFS", "OS") if r["survival"][name].get("rmst")]
    if rmst:
        horizon = general(rmst[0][1]["horizon"], w.style)
        text += (f" The RMST to {horizon} {w.unit} was "
                 + _join([f"{w.one(v['estimate'])} {w.unit} ({w.ci(v, scale=1)}) for {name}" for name, v in rmst])
                 + w.ref("km") + ".")
    return text


def _level_rate(w: _Writer, level: dict) -> str:
    """``37.5% (9 of 24)``; with its responders hidden ``not shown (fewer than 5 responders)``."""
    x = level["x"]
    if _hidden(x):
        return f"not shown ({_hidden_words(x)} responders)" if x.reason == "small" else "not shown"
    return f"{w.pct(level['estimate'])} ({x} of {_hidden_words(level['n']) if _hidden(level['n']) else level['n']})"


def _subgroups(w: _Writer) -> str:
    r = w.r
    sentences = []
    for endpoint in ("PFS", "OS"):
        for group in r["subgroup_survival"].get(endpoint, []):
            if len(group["levels"]) < 2:
                continue
            parts = [(f"{w.one(lv['median']['estimate'])} {w.unit}" if lv["median"]["estimate"] is not None
                      else "not reached") + f" for {w.level(group['factor'], lv['level'])}" for lv in group["levels"]]
            test = group["logrank"]
            by = "" if _factor_words(group["factor"]) in " ".join(parts) else f" by {_factor_words(group['factor'])}"
            sentences.append(f"Median {endpoint}{by} was {_join(parts)}"
                             + (f"; log-rank {p_text(test['p'], w.style)}" if test else "") + ".")
    for group in r["response"]["subgroups"] if _response_assessed(r) else ():
        if len(group["levels"]) < 2:
            continue
        parts = [f"{_level_rate(w, lv)} for {w.level(group['factor'], lv['level'])}" for lv in group["levels"]]
        test = group["test"]
        by = "" if _factor_words(group["factor"]) in " ".join(parts) else f" by {_factor_words(group['factor'])}"
        sentences.append(f"The ORR{by} was {_join(parts)}"
                         + (f"; {p_text(test['p'], w.style)}, {test['method']}" if test else "") + ".")
    if not sentences:
        return ""
    cox = [name for name in ("PFS", "OS") if name in r["cox"]]
    if cox:
        where = _join([f"for {name}" + (f" in {w.cite['subgroups_' + name.lower()]}"
                                        if w.cite["subgroups_" + name.lower()] else "") for name in cox])
        sentences.append(f"Univariable and multivariable Cox models are shown {where}, each with its test of "
                         "proportional hazards.")
    return " ".join(sentences)


def _safety(w: _Writer) -> str:
    text = _graded_safety(w) if _graded_adverse_events(w.r) else ""
    ungraded = w.r.get("ungraded_adverse_events")
    if ungraded:
        n = ungraded["n"]
        anyone, terms = ungraded["rows"][0], [row for row in ungraded["rows"][1:] if row["patients"]]
        said = (f"Adverse events {ungraded['source']}{w.ref('adverse_events_ungraded')} occurred in "
                f"{_of(anyone['patients'], n)} ({w.pct_of(anyone['patients'], n)})"
                if anyone["patients"] else f"No adverse event {ungraded['source']} occurred")
        if terms:
            said += ": " + _join([f"{row['term'].lower()} in {row['patients']} ({w.pct_of(row['patients'], n)})"
                                  for row in terms])
        text = f"{text} {said}; their severity (CTCAE grade) is not available.".strip()
    return text


def _graded_safety(w: _Writer) -> str:
    ae = w.r["adverse_events"]
    n = ae["n"]
    any_row = ae["rows"][0] if ae["rows"] else None
    if any_row is None or not any_row["any_grade"]:
        return "No treatment-emergent adverse events were recorded."
    share = "" if _hidden(any_row["any_grade"]) else f" ({w.pct_of(any_row['any_grade'], n)})"
    text = f"Treatment-emergent adverse events occurred in {_of(any_row['any_grade'], n)}{share}; the worst grade was "
    worst = []
    if any_row["grade_3_4"]:
        worst.append(f"grade 3–4 in {w.count_pct(any_row['grade_3_4'], n)}")
    if any_row["grade_5"]:
        worst.append(f"grade 5 in {w.count_pct(any_row['grade_5'], n)}")
    text += (_join(worst) if worst else "grade 1–2" + ("" if n == 1 else " in every patient with an event")) + "."
    if any_row["grade_3_4"] and not any_row["grade_5"]:
        text += " No patient had a grade 5 event."
    categories = {c["label"]: c for c in w.r.get("adverse_event_categories", [])}
    serious = categories.get("Serious adverse event")
    if serious is not None:
        text += (f" Serious adverse events occurred in {w.count_pct(serious['any_grade'], n, 'patient')}."
                 if serious["any_grade"] else
                 " No patient had a serious adverse event.")
        actions = [(label, words) for label, words in (("Leading to dose reduction", "dose reduction"),
                                                       ("Leading to treatment interruption", "interruption"),
                                                       ("Leading to discontinuation", "discontinuation"))]
        led = [f"{words} in {plural(categories[label]['any_grade'], 'patient', zero=None)}"
               for label, words in actions if label in categories and categories[label]["any_grade"]]
        never = [words for label, words in actions if label in categories and not categories[label]["any_grade"]]
        if led:
            text += f" By the action recorded for each event, adverse events led to {_join(led)}."
        reduced = w.r.get("exposure", {}).get("dose_reduction")
        if "Leading to dose reduction" in categories and reduced is not None:  # the exposure table's other count
            text += (f" By the dosing records, the dose was reduced for any reason in "
                     f"{w.count_pct(reduced, n, 'patient')}." if reduced else
                     " By the dosing records, no patient had a dose reduction for any reason.")
        if never:
            text += f" No adverse event was recorded as leading to {_join(never).replace(' and ', ' or ')}."
    common = sorted((row for row in ae["rows"] if row["level"] == "term"),
                    key=lambda row: (-_rank(row["any_grade"]), row["term"]))[:5]
    common = [row for row in common if not _hidden(row["any_grade"])]
    if common:
        text += (f" The most common events{w.ref('adverse_events')} were " if len(common) > 1 else
                 f" The only event{w.ref('adverse_events')} was ") + _join(
            [f"{row['term'].lower()} ({w.pct(row['percent']['any_grade'] / 100)})" for row in common]) + "."
    return text


def _next_trial(w: _Writer) -> str:
    """The next-trial design paragraph (results.json "design"; design/next_trial.py), "" without a historical ORR."""
    d = w.r.get("design")
    if not d:
        return ""
    observed = d["observed_orr"]
    level = f"{general(100 * observed['conf_level'], w.style)}%"
    text = (f"For a next single-arm trial, the historical ORR of {w.pct(d['p0'])} was taken as the uninteresting "
            f"rate p0; the target rate p1 is the lower limit of this study's exact {level} confidence interval of the "
            f"ORR ({w.pct(observed['lower'])}, Clopper–Pearson), rounded down to a whole percent")
    if d["p1"] is None:
        return text + (". That limit is not above p0: the study does not exclude the historical rate, so no design "
                       "is proposed.")
    text += f" ({w.pct(d['p1'])})."
    if not d["proposed"]:
        return text + (f" No Simon two-stage design with at most {d['nmax']} patients separates the two rates with a "
                       f"one-sided α below {general(d['alpha'], w.style)} and power above "
                       f"{general(d['power'], w.style)}; an exact single-stage design (A'Hern) would need "
                       f"{d['single_stage_n']} patients.")
    minimax, optimal = d["designs"]

    def plan(x):
        return (f"stop after {x['n1']} patients if at most {x['r1']} respond, otherwise treat {x['n']} and call the "
                f"treatment promising with more than {x['r']} responses (expected size {w.one(x['expected_size_p0'])} "
                f"patients if the true ORR is p0)")
    return text + (f" Simon's two-stage designs with a one-sided α below {general(d['alpha'], w.style)} and power "
                   f"above {general(d['power'], w.style)}{w.ref('next_trial_design')}: the optimal design would "
                   f"{plan(optimal)}; the minimax design would {plan(minimax)}.")


def narrative(r: dict, style: Style = DEFAULT_STYLE, citations: dict[str, str] | None = None
              ) -> list[tuple[str, str]]:
    """The whole text as (heading, paragraph) pairs: "Statistical methods" first, then the results sections;
    abbreviations spelled out at their first use across the whole text."""
    w = _Writer(r, style, citations)
    sections = [("Statistical methods", _methods(w)), ("Patients", _patients(w)), ("Efficacy", _efficacy(w)),
                ("Survival", _survival(w)), ("Subgroups", _subgroups(w)), ("Safety", _safety(w)),
                ("Next-trial design", _next_trial(w))]
    sections = [(heading, text) for heading, text in sections if text]
    texts = w.vocabulary.spell_out([text for _, text in sections])
    return [(heading, text) for (heading, _), text in zip(sections, texts)]


def methods_paragraph(r: dict, style: Style = DEFAULT_STYLE, citations: dict[str, str] | None = None) -> str:
    """The Statistical Methods paragraph (abbreviations spelled out as in :func:`narrative`)."""
    return narrative(r, style, citations)[0][1]


def results_paragraphs(r: dict, style: Style = DEFAULT_STYLE, citations: dict[str, str] | None = None
                       ) -> list[tuple[str, str]]:
    """The Results paragraphs as (heading, text) pairs, following the methods paragraph of :func:`narrative`."""
    return narrative(r, style, citations)[1:]
