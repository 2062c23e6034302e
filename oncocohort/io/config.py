"""study.toml: the study's settings, read with ``tomllib`` and checked key by key.

Nothing in study.toml is ever evaluated as code: eligibility criteria are data (field, operator, value).
Every problem names the section, the line and the key. Sections later stages consume:
``[study]``, ``[regimen]``, ``[eligibility]``, ``[response]``, ``[analysis]``, ``[adverse_events]``.

What is checked here, without the data: types and allowed options; numbers finite and inside stated bounds
(windows in days, landmarks, dates between 1900 and today); criterion values of the shape their operator needs;
no control characters in any text; no template placeholder (``"<...>"``) left unedited. Checks that need the
data (does the field exist, is it text or a number) are in ``io/checks/config_fields.py``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .cells import DATE_FORMATS
from .problems import ProblemLog
from .schema import PATIENTS

CONFIG_NAME = "study.toml"

TIME_UNITS = ("days", "weeks", "months", "years")
INDEX_DATE_RULES = ("first_dose", "all_components_started")
RESPONSE_CRITERIA = ("recist1.1", "irecist", "choi", "recorded")
CI_METHODS = ("clopper-pearson", "wilson", "wilson-cc", "jeffreys", "agresti-coull")
KM_CONF_TYPES = ("log", "log-log", "plain")
MEDIAN_CI_METHODS = ("survfit", "spss")
TIES = ("efron", "breslow")
FIRTH_RULES = ("auto", "always", "never")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "between", "is missing", "is not missing")
MISSING_POLICIES = ("exclude", "include", "error")
UNKNOWN_TERM_POLICIES = ("error", "warning")
ESTIMANDS = ("ate", "att")
ADJUSTMENT_METHODS = ("iptw", "matching")
CTCAE_VERSIONS = ("5.0", "6.0")
RATE_NAMES = ("orr", "dcr")  # historical rates the response summary tests against

# Bounds of the whole numbers of study.toml (inclusive), in the key's unit. They keep every window a real
# clinical period and every date sum inside what pandas can hold (1e15 days would overflow).
MAX_WINDOW_DAYS = 3653  # ten years
INTEGER_BOUNDS: dict[tuple[str, str], tuple[int, int, str]] = {
    ("regimen", "cycle_days"): (1, 365, "days"),
    ("response", "confirmation_min_days"): (0, MAX_WINDOW_DAYS, "days"),
    ("response", "sd_min_days"): (0, MAX_WINDOW_DAYS, "days"),
    ("response", "baseline_window_days"): (0, MAX_WINDOW_DAYS, "days"),
    ("response", "max_ne_between"): (0, 100, "assessments"),
    ("endpoints", "death_window_days"): (0, MAX_WINDOW_DAYS, "days"),
    ("endpoints", "missed_assessments"): (1, 100, "assessments"),
    ("endpoints", "assessment_interval_days"): (1, MAX_WINDOW_DAYS, "days"),
    ("endpoints", "clinical_benefit_weeks"): (0, 520, "weeks"),
    ("adverse_events", "treatment_emergent_days"): (0, MAX_WINDOW_DAYS, "days"),
    ("adjusted", "ratio"): (1, 10, "controls per treated patient"),
}
EARLIEST_DATE = dt.date(1900, 1, 1)  # no study record is older; TOML itself allows year 1
MAX_FOLLOW_UP_YEARS = 100  # landmarks longer than this, in any time_unit, are refused
DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}

# A template placeholder: a text written <like this> (`oncocohort init` writes them for what a study must decide).
PLACEHOLDER = re.compile(r"^\s*<[^<>]*>\s*$")
# What to write in place of a placeholder, by section and key.
PLACEHOLDER_HINTS = {
    ("study", "title"): 'your study\'s title, in quotes, e.g. title = "Drug A plus drug B in metastatic X"',
    ("study", "data_cutoff"): "the date of data cutoff as YYYY-MM-DD without quotes, e.g. data_cutoff = 2023-12-31",
    ("regimen", "name"): 'the regimen\'s name in quotes, e.g. name = "Drug A + drug B" (or delete the line)',
    ("regimen", "cycle_days"): "the days per treatment cycle, e.g. cycle_days = 21 (or delete the line if the "
                               "regimen has no cycles)",
    ("regimen.components", None): 'one line per component: its label = the drug names that count for it, as '
                                  'written in treatments.drug, e.g. "PD-1 inhibitor" = ["sintilimab", "camrelizumab"]',
    ("eligibility.criteria", None): "your protocol's criterion (kind, label, field, operator, value; examples in the "
                                    "comments above it), or delete the whole [[eligibility.criteria]] block",
    ("analysis", "cox_covariates"): 'the fields of the multivariable Cox model, e.g. cox_covariates = ["ecog", '
                                    '"histology_group"], or cox_covariates = [] for none',
    ("analysis.historical_rates", None): "the historical rate as a proportion, e.g. orr = 0.13 for 13 % (or delete "
                                         "the line if there is none)",
    ("analysis.subgroups", None): 'a patients column or derived field, e.g. field = "histology_group" with its '
                                  "label, or delete the whole [[analysis.subgroups]] block",
}


@dataclass(frozen=True)
class StudySettings:
    title: str
    data_cutoff: dt.date | None
    time_unit: str = "months"
    date_format: str | None = None
    synthetic: bool = False
    not_collected: tuple[str, ...] = ()  # required patients columns the source never held (e.g. an SDTM import)
    early_cutoff_intended: bool = False  # the cutoff is before most records on purpose (an earlier analysis)
    strict_categories: bool = False  # spellings differing only by case/spaces/width: error instead of merged


@dataclass(frozen=True)
class RegimenSettings:
    """The regimen under study: components (each a list of interchangeable drugs) and how the index date is set."""

    name: str = ""
    components: tuple[tuple[str, tuple[str, ...]], ...] = ()
    index_date: str = "first_dose"
    cycle_days: int | None = None

    @property
    def drugs(self) -> tuple[str, ...]:
        """Every drug of the regimen, lower case."""
        return tuple(d for _, drugs in self.components for d in drugs)


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion: ``kind`` include/exclude, a field, an operator and a value, in words by ``label``."""

    kind: str
    label: str
    field: str
    operator: str
    value: object = None
    missing: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class EligibilitySettings:
    criteria: tuple[Criterion, ...] = ()
    missing: str = "exclude"


@dataclass(frozen=True)
class ResponseSettings:
    criteria: str = "recist1.1"
    confirmation: bool = False
    confirmation_min_days: int = 28
    sd_min_days: int = 42
    baseline_window_days: int = 28
    max_ne_between: int = 1


@dataclass(frozen=True)
class Subgroup:
    """A subgroup factor: a field and, optionally, named groups of its values (e.g. ECOG 0–1 vs 2), listed in the
    report in the groups' order; ``reference``: the Cox reference level (a group name, or a value of the field
    as text), None for the first level of the report's order (stats/level_order.py)."""

    field: str
    label: str
    groups: tuple[tuple[str, tuple[object, ...]], ...] = ()
    line: int | None = None
    reference: str | None = None


@dataclass(frozen=True)
class AnalysisSettings:
    subgroups: tuple[Subgroup, ...] = ()
    landmarks: tuple[float, ...] = ()
    historical_rates: tuple[tuple[str, float], ...] = ()
    cox_covariates: tuple[str, ...] = ()
    ci_method: str = "clopper-pearson"
    km_conf_type: str = "log-log"
    median_ci: str = "survfit"
    ties: str = "efron"
    conf_level: float = 0.95
    firth: str = "auto"  # auto: Firth-penalised Cox when the ordinary likelihood is monotone
    rmst_horizon: float | None = None  # restricted mean survival time up to this time (time_unit); None: last landmark
    response_landmark: float | None = None  # "OS by response" landmark (time_unit); None: 3 months in time_unit


@dataclass(frozen=True)
class EndpointSettings:
    """Censoring options of the time-to-event endpoints (docs/endpoints.md) and the clinical-benefit duration."""

    censor_at_new_therapy: bool = True
    death_window_days: int | None = None
    missed_assessments: int | None = None
    assessment_interval_days: int | None = None
    clinical_benefit_weeks: int = 24


@dataclass(frozen=True)
class AdverseEventSettings:
    ctcae_version: str = "5.0"
    treatment_emergent_days: int = 30
    unknown_terms: str = "error"


@dataclass(frozen=True)
class AdjustedSettings:
    """``[adjusted]``: a confounding-adjusted comparison of two levels of one field (IPTW or propensity-score
    matching; stats/study_adjusted.py). ``levels[0]`` is the group compared (treated), ``levels[1]`` the reference.
    Matching: ``caliper`` in SDs of the propensity score (None = no caliper), ``ratio`` controls per treated."""

    exposure: str
    levels: tuple[str, str]
    confounders: tuple[str, ...]
    estimand: str = "ate"
    stabilized: bool = False
    method: str = "iptw"
    caliper: float | None = None
    ratio: int = 1


@dataclass(frozen=True)
class DesignSettings:
    """``[design]``: error rates and search limit of the next-trial Simon design proposed in the report
    (docs/design.md)."""

    alpha: float = 0.05
    power: float = 0.8
    nmax: int = 100
    p1_conf_level: float = 0.80  # p1 = lower limit of the ORR's two-sided Clopper–Pearson CI at this level


ESMO_MCBS_SETTINGS = ("orphan disease", "high unmet need")


@dataclass(frozen=True)
class EsmoMcbsSettings:
    """``[esmo_mcbs]``: the setting ESMO-MCBS v1.1 Form 3 requires of a single-arm study (docs/esmo-mcbs.md);
    None = not stated (the report's preliminary grade then says the form's applicability is unconfirmed)."""

    setting: str | None = None


@dataclass(frozen=True)
class StudyConfig:
    """Everything study.toml says, typed and checked."""

    study: StudySettings
    regimen: RegimenSettings = field(default_factory=RegimenSettings)
    eligibility: EligibilitySettings = field(default_factory=EligibilitySettings)
    response: ResponseSettings = field(default_factory=ResponseSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    adverse_events: AdverseEventSettings = field(default_factory=AdverseEventSettings)
    endpoints: EndpointSettings = field(default_factory=EndpointSettings)
    # [labels]: words for abbreviations, codes and field names used in tables and text, e.g. SS = "synovial sarcoma"
    labels: tuple[tuple[str, str], ...] = ()
    key_lines: tuple[tuple[str, int], ...] = ()  # ("section.key", line in study.toml) of the keys written
    adjusted: AdjustedSettings | None = None  # [adjusted]: absent = no adjusted comparison
    design: DesignSettings = field(default_factory=DesignSettings)  # [design]: the proposed next-trial design
    esmo_mcbs: EsmoMcbsSettings = field(default_factory=EsmoMcbsSettings)  # [esmo_mcbs]: Form 3 setting

    def line(self, section: str, key: str) -> int | None:
        """The study.toml line of ``[section] key``, for messages about it; None when it is not written."""
        return dict(self.key_lines).get(f"{section}.{key}")


# Key specifications: section -> key -> (python types, allowed values or None, required).
_KEYS: dict[str, dict[str, tuple[tuple[type, ...], tuple | None, bool]]] = {
    "study": {
        "title": ((str,), None, True),
        "data_cutoff": ((dt.date,), None, True),
        "time_unit": ((str,), TIME_UNITS, False),
        "date_format": ((str,), tuple(DATE_FORMATS), False),
        "synthetic": ((bool,), None, False),
        "not_collected": ((list,), None, False),
        "early_cutoff_intended": ((bool,), None, False),
        "strict_categories": ((bool,), None, False),
    },
    "regimen": {
        "name": ((str,), None, False),
        "components": ((dict,), None, True),
        "index_date": ((str,), INDEX_DATE_RULES, False),
        "cycle_days": ((int,), None, False),
    },
    "eligibility": {
        "missing": ((str,), MISSING_POLICIES, False),
        "criteria": ((list,), None, False),
    },
    "response": {
        "criteria": ((str,), RESPONSE_CRITERIA, False),
        "confirmation": ((bool,), None, False),
        "confirmation_min_days": ((int,), None, False),
        "sd_min_days": ((int,), None, False),
        "baseline_window_days": ((int,), None, False),
        "max_ne_between": ((int,), None, False),
    },
    "analysis": {
        "subgroups": ((list,), None, False),
        "landmarks": ((list,), None, False),
        "historical_rates": ((dict,), None, False),
        "cox_covariates": ((list,), None, False),
        "ci_method": ((str,), CI_METHODS, False),
        "km_conf_type": ((str,), KM_CONF_TYPES, False),
        "median_ci": ((str,), MEDIAN_CI_METHODS, False),
        "ties": ((str,), TIES, False),
        "firth": ((str,), FIRTH_RULES, False),
        "conf_level": ((float,), None, False),
        "rmst_horizon": ((float,), None, False),
        "response_landmark": ((float,), None, False),
    },
    "endpoints": {
        "censor_at_new_therapy": ((bool,), None, False),
        "death_window_days": ((int,), None, False),
        "missed_assessments": ((int,), None, False),
        "assessment_interval_days": ((int,), None, False),
        "clinical_benefit_weeks": ((int,), None, False),
    },
    "adjusted": {
        "exposure": ((str,), None, True),
        "levels": ((list,), None, True),
        "confounders": ((list,), None, True),
        "estimand": ((str,), ESTIMANDS, False),
        "stabilized": ((bool,), None, False),
        "method": ((str,), ADJUSTMENT_METHODS, False),
        "caliper": ((float,), None, False),
        "ratio": ((int,), None, False),
    },
    "esmo_mcbs": {
        "setting": ((str,), ESMO_MCBS_SETTINGS, False),
    },
    "design": {
        "alpha": ((float,), None, False),
        "power": ((float,), None, False),
        "nmax": ((int,), None, False),
        "p1_conf_level": ((float,), None, False),
    },
    "adverse_events": {
        "ctcae_version": ((str,), CTCAE_VERSIONS, False),
        "treatment_emergent_days": ((int,), None, False),
        "unknown_terms": ((str,), UNKNOWN_TERM_POLICIES, False),
    },
}
_CRITERION_KEYS = ("kind", "label", "field", "operator", "value", "missing")
_SUBGROUP_KEYS = ("field", "label", "groups", "reference")
_TYPE_WORDS = {str: "text in quotes", int: "a whole number", float: "a number", bool: "true or false",
               dt.date: "a date written YYYY-MM-DD (no quotes)", list: "a list [...]", dict: "a table"}


_SHORT_ESCAPES = {"\b": "b", "\t": "t", "\n": "n", "\f": "f", "\r": "r"}


def _key_pattern(key: str) -> str:
    """A regular expression for ``key`` as it may be written in TOML: characters literally or, for control
    characters, as escapes (\\u001b, \\U0000001b, \\t ...)."""
    parts = []
    for char in key:
        if not _control_characters(char):
            parts.append(re.escape(char))
            continue
        forms = [rf"(?i:\\u{ord(char):04x})", rf"(?i:\\U{ord(char):08x})"] + (
            [rf"\\{_SHORT_ESCAPES[char]}"] if char in _SHORT_ESCAPES else [])
        parts.append("(?:" + "|".join(forms) + "|" + re.escape(char) + ")")
    return "".join(parts)


class _LineFinder:
    """Finds the line of a key in study.toml text, so problems point at a line (tomllib gives none)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def section(self, section: str, occurrence: int = 0) -> int | None:
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*(#.*)?$")
        hits = [i + 1 for i, line in enumerate(self.lines) if pattern.match(line)]
        return hits[occurrence] if occurrence < len(hits) else None

    def key(self, section: str, key: str, occurrence: int = 0) -> int | None:
        start = self.section(section, occurrence)
        if start is None:
            return None
        pattern = re.compile(rf"^\s*\"?{_key_pattern(key)}\"?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                return start
            if pattern.match(line):
                return number
        return start

    def locate(self, path: tuple) -> tuple[str, str | None, int | None]:
        """(section, key, line) of a value given its path in the parsed TOML (table names, array indexes, keys)."""
        if not path:
            return "", None, None
        section, occurrence, rest = str(path[0]), 0, path[1:]
        if len(path) >= 2 and isinstance(path[1], str) and self.section(f"{path[0]}.{path[1]}") is not None:
            section, rest = f"{path[0]}.{path[1]}", path[2:]
            if rest and isinstance(rest[0], int) and self.section(section, rest[0]) is not None:
                occurrence, rest = rest[0], rest[1:]
        key = next((part for part in rest if isinstance(part, str)), None)
        line = self.key(section, key, occurrence) if key else self.section(section, occurrence)
        return section, key, line if line is not None else self.anywhere(key if key else path[-1])

    def anywhere(self, key) -> int | None:
        """The first line assigning ``key`` anywhere in the file (dotted keys, inline tables)."""
        pattern = re.compile(rf"(^|[\s{{,.]){_key_pattern(str(key))}\"?\s*=")
        return next((i for i, line in enumerate(self.lines, start=1) if pattern.search(line)), None)


def is_placeholder(value: object) -> bool:
    """True when ``value`` (or any text inside a list or table, keys included) is a template placeholder."""
    if isinstance(value, str):
        return bool(PLACEHOLDER.match(value))
    if isinstance(value, dict):
        return any(is_placeholder(k) or is_placeholder(v) for k, v in value.items())
    if isinstance(value, list):
        return any(is_placeholder(v) for v in value)
    return False


def _control_characters(text: str) -> list[str]:
    """Control characters in ``text`` (C0/C1, DEL, lone surrogates, U+FFFE/U+FFFF), as U+XXXX: they break DOCX
    (XML 1.0 refuses them), terminals and file names."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cs") or ord(c) in (0xFFFE, 0xFFFF)]


def _visible(text: str) -> str:
    """``text`` with control characters shown as \\uXXXX, so a message never carries them."""
    return "".join(f"\\u{ord(c):04x}" if _control_characters(c) else c for c in text)


def _texts(value: object, path: tuple = ()):
    """Every text in a parsed TOML value (keys and values) with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), key
            yield from _texts(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, path + (index,))


def _level_text(value: object) -> str:
    """A level as the data shows it: 12 and 12.0 → "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _finite_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


LATEST_CRITERION_DATE = dt.date(2100, 12, 31)


def _scalar_problem(value: object) -> str | None:
    """Why ``value`` cannot be compared with one cell of a table, or None."""
    if isinstance(value, bool):
        return 'true/false is not a value of a study table: write "yes" or "no" in quotes'
    if isinstance(value, (list, dict)):
        return "must be one value here, not a list or table"
    if isinstance(value, (dt.datetime, dt.time)):
        return "a date is written YYYY-MM-DD without a time"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number (not inf or nan)"
    if isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_CRITERION_DATE:
        return f"a date must lie between {EARLIEST_DATE.isoformat()} and {LATEST_CRITERION_DATE.isoformat()}"
    return None


def criterion_value_problem(operator: str, value: object) -> tuple[str, str] | None:
    """(rule, message) when ``value`` has not the shape ``operator`` needs, or None. ``operator`` is a known one."""
    if operator in ("in", "not in"):
        if not isinstance(value, list):
            return "config.type", f"operator '{operator}' needs a list value, e.g. [\"a\", \"b\"]"
        if not value:
            return "config.out_of_range", f"operator '{operator}' has an empty list, which matches nobody"
        problem = next((p for p in map(_scalar_problem, value) if p), None)
        return ("config.type", f"each value of the list: {problem}") if problem else None
    if operator == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(_finite_number(v) for v in value)):
            return "config.type", "operator 'between' needs [low, high] (two finite numbers, inclusive)"
        if value[0] > value[1]:
            return ("config.out_of_range", f"between [{value[0]:g}, {value[1]:g}]: the low end is above the high "
                    f"end, so nobody matches; write [{value[1]:g}, {value[0]:g}]")
        return None
    problem = _scalar_problem(value)
    if problem and isinstance(value, list) and operator in ("==", "!="):
        return ("config.type", f"operator '{operator}' compares with one value; for several use operator = "
                f"\"{'in' if operator == '==' else 'not in'}\" with the list")
    if problem:
        return "config.type", problem
    if operator in ("<", "<=", ">", ">=") and not (_finite_number(value) or isinstance(value, dt.date)):
        return "config.type", f"operator '{operator}' needs a number or a date (YYYY-MM-DD, no quotes)"
    return None


class _ConfigReader:
    """Checks the parsed TOML against the key specifications and builds :class:`StudyConfig`."""

    def __init__(self, data: dict, text: str, log: ProblemLog, today: dt.date):
        self.data, self.lines, self.log, self.today = data, _LineFinder(text), log, today

    def problem(self, severity, rule, message, section, key=None, value=None, line=None, occurrence=0):
        if line is None:
            line = self.lines.key(section, key, occurrence) if key else self.lines.section(section, occurrence)
        self.log.add(severity, rule, message, source=CONFIG_NAME, table=section, row=line, column=key,
                     value=value)

    def placeholder(self, section, key=None, value=None, line=None, occurrence=0):
        """A template placeholder left in place: say what to write instead."""
        hint = (PLACEHOLDER_HINTS.get((section, key)) or PLACEHOLDER_HINTS.get((f"{section}.{key}", None))
                or PLACEHOLDER_HINTS.get((section, None)) or "your study's own value, or delete the line")
        self.problem("error", "config.placeholder", f"is still a placeholder of the template: write {hint}",
                     section, key, value, line, occurrence)

    def check_texts(self) -> None:
        """Every text of study.toml (titles, labels, categories, keys) free of control characters."""
        for path, text in _texts(self.data):
            bad = _control_characters(text)
            if bad:
                section, key, line = self.lines.locate(path)
                self.problem("error", "config.control_character",
                             f"contains the control character(s) {', '.join(sorted(set(bad)))}: write plain text "
                             "on one line (they break the DOCX report, file names and terminals)",
                             section, key, _visible(text), line=line)

    def section(self, name: str) -> dict:
        """Check a section's keys (type, allowed values, bounds, required, unknown) and return the valid ones."""
        raw = self.data.get(name, {})
        if not isinstance(raw, dict):
            self.problem("error", "config.type", "must be a table written [" + name + "]", name)
            return {}
        good = {}
        for key, (types, allowed, required) in _KEYS[name].items():
            if key not in raw:
                if required:
                    self.problem("error", "config.missing_key", f"[{name}] needs the key '{key}'", name,
                                 line=self.lines.section(name))
                continue
            value = raw[key]
            if isinstance(value, str) and is_placeholder(value) or (
                isinstance(value, list) and any(isinstance(v, str) and is_placeholder(v) for v in value)
            ):
                self.placeholder(name, key, value)
                continue
            if float in types and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if dt.date in types and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                try:
                    value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    pass
            if isinstance(value, dt.datetime) or not isinstance(value, types) or (
                isinstance(value, bool) and bool not in types
            ):
                self.problem("error", "config.type", f"must be {_TYPE_WORDS[types[0]]}", name, key, value)
                continue
            if allowed is not None and value not in allowed:
                self.problem("error", "config.not_allowed",
                             f"must be one of: {', '.join(allowed)}{_suggest(str(value), allowed)}", name, key, value)
                continue
            if not self.within_bounds(name, key, value):
                continue
            good[key] = value
        for key in raw:
            if key not in _KEYS[name]:
                self.problem("warning", "config.unknown_key",
                             f"is not a known key of [{name}] and is ignored{_suggest(key, _KEYS[name])}", name, key)
        return good

    def within_bounds(self, section: str, key: str, value) -> bool:
        """Whole numbers inside INTEGER_BOUNDS, the data cutoff between 1900 and today, no blank title."""
        if (section, key) in INTEGER_BOUNDS:
            low, high, unit = INTEGER_BOUNDS[(section, key)]
            if not low <= value <= high:
                self.problem("error", "config.out_of_range", f"must be a whole number from {low} to {high} ({unit})",
                             section, key, value)
                return False
        if isinstance(value, float) and not math.isfinite(value):
            self.problem("error", "config.out_of_range", "must be a finite number", section, key, value)
            return False
        if key == "data_cutoff" and value < EARLIEST_DATE:
            self.problem("error", "config.out_of_range", "is before 1900: write the date the data were frozen, "
                         "YYYY-MM-DD without quotes (e.g. data_cutoff = 2023-12-31)", section, key, value)
            return False
        if key == "data_cutoff" and value > self.today:
            self.problem("error", "config.cutoff_after_today",
                         f"is after today ({self.today.isoformat()}): the data cutoff is the date the data were "
                         "frozen, so it cannot lie in the future", section, key, value)
            return False
        if key == "title" and not value.strip():
            self.problem("error", "config.missing_key", "the title is blank: write your study's title",
                         section, key, value)
            return False
        return True

    def read(self) -> StudyConfig:
        self.check_texts()
        for name in self.data:
            if name not in _KEYS and name != "labels":
                self.problem("warning", "config.unknown_section",
                             f"[{name}] is not a known section and is ignored{_suggest(name, _KEYS)}", name)
        if "study" not in self.data:
            self.problem("error", "config.missing_section", "study.toml needs a [study] section with title and "
                         "data_cutoff", "study", line=1)
        study = self.section("study")
        study_settings = StudySettings(
            title=study.get("title", ""),
            data_cutoff=study.get("data_cutoff"),
            time_unit=study.get("time_unit", "months"),
            date_format=study.get("date_format"),
            synthetic=study.get("synthetic", False),
            not_collected=self.not_collected(study.get("not_collected", [])),
            early_cutoff_intended=study.get("early_cutoff_intended", False),
            strict_categories=study.get("strict_categories", False),
        )
        return StudyConfig(
            study=study_settings,
            regimen=self.regimen(),
            eligibility=self.eligibility(),
            response=self.response(),
            analysis=self.analysis(study_settings.time_unit),
            adverse_events=self.adverse_events(),
            endpoints=self.endpoints(),
            labels=self.labels(),
            key_lines=self.key_lines(),
            adjusted=self.adjusted(),
            design=self.design(),
            esmo_mcbs=EsmoMcbsSettings(**self.section("esmo_mcbs")),
        )

    def design(self) -> DesignSettings:
        """``[design]`` (optional): alpha in (0, 0.5), power in (0.5, 1), nmax from 10 to 200, p1_conf_level in
        (0.5, 1)."""
        values = self.section("design")
        for key, low, high, words in (("alpha", 0, 0.5, "alpha is the one-sided type I error, more than 0 and less "
                                       "than 0.5 (e.g. 0.05)"),
                                      ("power", 0.5, 1, "power is more than 0.5 and less than 1 (e.g. 0.8)"),
                                      ("nmax", 10, 200.5, "nmax is the largest trial size searched, from 10 to 200"),
                                      ("p1_conf_level", 0.5, 1, "p1_conf_level is the confidence level of the CI "
                                       "whose lower limit sets p1, more than 0.5 and less than 1 (e.g. 0.8)")):
            if key in values and not low < values[key] < high:
                self.problem("error", "config.out_of_range", words, "design", key, values.pop(key))
        return DesignSettings(**values)

    def adjusted(self) -> AdjustedSettings | None:
        """``[adjusted]`` (optional): exposure field, its two levels (compared, reference), confounder fields."""
        if "adjusted" not in self.data:
            return None
        values = self.section("adjusted")
        if not {"exposure", "levels", "confounders"} <= set(values):
            return None
        levels, confounders = values["levels"], values["confounders"]
        good = True
        if (len(levels) != 2 or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in levels)
                or str(levels[0]) == str(levels[1])):
            self.problem("error", "config.type", 'levels are the two values compared, e.g. ["12", "10"] (the '
                         "compared group first, the reference second)", "adjusted", "levels", str(levels))
            good = False
        if not confounders or not all(isinstance(c, str) and c.strip() for c in confounders):
            self.problem("error", "config.type", 'confounders are field names, e.g. ["ecog", "histology_group"]',
                         "adjusted", "confounders", str(confounders))
            good = False
        elif values["exposure"].strip() in [c.strip() for c in confounders]:
            self.problem("error", "config.not_allowed", "the exposure cannot also be a confounder", "adjusted",
                         "confounders", values["exposure"])
            good = False
        if values.get("stabilized") and values.get("estimand") == "att":
            self.problem("error", "config.not_allowed", "stabilized weights are defined for the ATE only",
                         "adjusted", "stabilized", True)
            good = False
        matching = values.get("method") == "matching"
        for key, problem in (("caliper", "caliper and ratio belong to method = \"matching\""),
                             ("ratio", "caliper and ratio belong to method = \"matching\"")):
            if key in values and not matching:
                self.problem("error", "config.not_allowed", problem, "adjusted", key, values[key])
                good = False
        if matching:
            for key in ("estimand", "stabilized"):
                if values.get(key) not in (None, "att", False):
                    self.problem("error", "config.not_allowed", "matching estimates the ATT (each treated patient "
                                 "with its matched controls): leave out estimand and stabilized", "adjusted", key,
                                 values[key])
                    good = False
            if "caliper" in values and not values["caliper"] > 0:
                self.problem("error", "config.out_of_range", "caliper is a positive number of SDs of the "
                             "propensity score, e.g. 0.2", "adjusted", "caliper", values["caliper"])
                good = False
        if not good:
            return None
        return AdjustedSettings(values["exposure"].strip(), (_level_text(levels[0]), _level_text(levels[1])),
                                tuple(c.strip() for c in confounders),
                                "att" if matching else values.get("estimand", "ate"), values.get("stabilized", False),
                                values.get("method", "iptw"),
                                float(values["caliper"]) if "caliper" in values else None, values.get("ratio", 1))

    def labels(self) -> tuple[tuple[str, str], ...]:
        """``[labels]``: any short text (an abbreviation, a code, a field name) → the words a reader sees."""
        raw = self.data.get("labels", {})
        if not isinstance(raw, dict):
            self.problem("error", "config.type", "must be a table written [labels]", "labels")
            return ()
        good = []
        for key, words in raw.items():
            if isinstance(words, str) and words.strip():
                good.append((key.strip(), words.strip()))
            else:
                self.problem("error", "config.type", 'a label is text, e.g. SS = "synovial sarcoma"', "labels", key,
                             words)
        return tuple(sorted(good))

    def key_lines(self) -> tuple[tuple[str, int], ...]:
        """Lines of the keys the later checks against the data point at."""
        wanted = (("study", "data_cutoff"), ("analysis", "cox_covariates"))
        found = ((f"{section}.{key}", self.lines.locate((section, key))[2]) for section, key in wanted
                 if isinstance(self.data.get(section), dict) and key in self.data[section])
        return tuple((name, line) for name, line in found if line is not None)

    def not_collected(self, names: list) -> tuple[str, ...]:
        """Required patients columns declared as not collected: they may be absent or blank."""
        allowed = [c.name for c in PATIENTS.columns if c.required and c.name not in ("patient_id", "sex")]
        kept = []
        for name in names:
            if name in allowed:
                kept.append(name)
            else:
                self.problem("error", "config.not_allowed", "not_collected may name only these patients columns: "
                             + ", ".join(allowed), "study", "not_collected", name)
        return tuple(kept)

    def regimen(self) -> RegimenSettings:
        if "regimen" not in self.data:
            self.problem("error", "config.missing_section",
                         "study.toml needs a [regimen] section naming the drugs of the regimen "
                         "([regimen.components])", "regimen", line=1)
            return RegimenSettings()
        values = self.section("regimen")
        components, seen = [], {}
        for label, drugs in values.get("components", {}).items():
            _, _, line = self.lines.locate(("regimen", "components", label))
            where = dict(section="regimen.components", key=label, line=line)
            if is_placeholder(label) or is_placeholder(drugs):
                self.placeholder(value=label, **where)
                continue
            if isinstance(drugs, str):
                drugs = [drugs]
            if not isinstance(drugs, list) or not drugs or not all(isinstance(d, str) and d.strip() for d in drugs):
                self.problem("error", "config.type", "each component must list its drug names, "
                             'e.g. "PD-1 inhibitor" = ["sintilimab", "camrelizumab"]', value=drugs, **where)
                continue
            if not label.strip():
                self.problem("error", "config.missing_key", "a component needs a label before the =", **where)
                continue
            names = tuple(d.strip().casefold() for d in drugs)
            twice = [d for d in names if d in seen]
            if twice:
                self.problem("error", "config.duplicate", f"'{twice[0]}' is already a drug of the component "
                             f"'{seen[twice[0]]}': a drug belongs to one component", value=twice[0], **where)
                continue
            seen.update({d: label for d in names})
            components.append((label, names))
        if "components" in values and not components and not is_placeholder(values["components"]):
            self.problem("error", "config.missing_key", "[regimen.components] lists no drugs", "regimen.components")
        return RegimenSettings(values.get("name", ""), tuple(components), values.get("index_date", "first_dose"),
                               values.get("cycle_days"))

    def eligibility(self) -> EligibilitySettings:
        values = self.section("eligibility")
        criteria = []
        for i, item in enumerate(values.get("criteria", [])):
            line = self.lines.section("eligibility.criteria", i)
            where = dict(section="eligibility.criteria", line=line)
            if not isinstance(item, dict):
                self.problem("error", "config.type", "each criterion must be a [[eligibility.criteria]] table",
                             **where)
                continue
            if is_placeholder(item):
                self.placeholder(value=item.get("label"), **where)
                continue
            for key in item:
                if key not in _CRITERION_KEYS:
                    self.problem("warning", "config.unknown_key",
                                 f"is not a criterion key and is ignored{_suggest(key, _CRITERION_KEYS)}",
                                 "eligibility.criteria", key, occurrence=i)
            problems_before = len(self.log.problems)
            kind, op = item.get("kind"), item.get("operator")
            if kind not in ("include", "exclude"):
                self.problem("error", "config.not_allowed", "kind must be 'include' or 'exclude'",
                             "eligibility.criteria", "kind", kind, occurrence=i)
            for key in ("label", "field"):
                if not isinstance(item.get(key), str) or not item.get(key, "").strip():
                    self.problem("error", "config.missing_key", f"each criterion needs '{key}' (text)",
                                 "eligibility.criteria", key, item.get(key), occurrence=i)
            if not isinstance(op, str) or op not in OPERATORS:
                self.problem("error", "config.not_allowed",
                             f"operator must be one of: {', '.join(OPERATORS)}{_suggest(str(op), OPERATORS)}",
                             "eligibility.criteria", "operator", op, occurrence=i)
            elif op not in ("is missing", "is not missing") and "value" not in item:
                self.problem("error", "config.missing_key", f"operator '{op}' needs a value",
                             "eligibility.criteria", "operator", op, occurrence=i)
            elif op not in ("is missing", "is not missing") and (found := criterion_value_problem(op, item["value"])):
                self.problem("error", found[0], found[1], "eligibility.criteria", "value", item["value"],
                             occurrence=i)
            missing = item.get("missing")
            if missing is not None and missing not in MISSING_POLICIES:
                self.problem("error", "config.not_allowed", f"missing must be one of: {', '.join(MISSING_POLICIES)}",
                             "eligibility.criteria", "missing", missing, occurrence=i)
            if len(self.log.problems) == problems_before or all(
                p.severity == "warning" for p in self.log.problems[problems_before:]
            ):
                criteria.append(Criterion(kind, item["label"].strip(), item["field"].strip(), op, item.get("value"),
                                          missing, line))
        return EligibilitySettings(tuple(criteria), values.get("missing", "exclude"))

    def response(self) -> ResponseSettings:
        return ResponseSettings(**self.section("response"))

    def subgroups(self, items: list) -> tuple[Subgroup, ...]:
        """Subgroup factors: a field name, or a table with field, label and named groups of values."""
        subgroups, fields = [], set()
        for i, item in enumerate(items):
            line = self.lines.section("analysis.subgroups", i)
            if isinstance(item, str):
                item, line = {"field": item}, self.lines.key("analysis", "subgroups")
            where = dict(section="analysis.subgroups", line=line)
            if not isinstance(item, dict) or not isinstance(item.get("field"), str) or not item["field"].strip():
                self.problem("error", "config.type",
                             "each subgroup is a field name or a [[analysis.subgroups]] table with 'field'", **where)
                continue
            if is_placeholder(item):
                self.placeholder(key="field", value=item.get("field"), **where)
                continue
            for key in item:
                if key not in _SUBGROUP_KEYS:
                    self.problem("warning", "config.unknown_key",
                                 f"is not a subgroup key and is ignored{_suggest(key, _SUBGROUP_KEYS)}",
                                 "analysis.subgroups", key, occurrence=i)
            field_name = item["field"].strip()
            if field_name == "patient_id":
                self.problem("error", "config.not_allowed", "patient_id identifies each patient: it cannot be a "
                             "subgroup (one group per patient)", key="field", value=field_name, **where)
                continue
            if field_name in fields:
                self.problem("error", "config.duplicate", f"'{field_name}' is already a subgroup above",
                             key="field", value=field_name, **where)
                continue
            fields.add(field_name)
            groups = self.subgroup_groups(item.get("groups", {}), where)
            reference = self.subgroup_reference(item.get("reference"), groups, where)
            subgroups.append(Subgroup(field_name, str(item.get("label", field_name)), groups, line, reference))
        return tuple(subgroups)

    def subgroup_reference(self, value, groups, where: dict) -> str | None:
        """The subgroup's Cox reference level: one value (the name of one of its groups when it has groups), as
        the level text the analysis uses (12.0 → "12")."""
        if value is None:
            return None
        problem = _scalar_problem(value)
        if problem or isinstance(value, dt.date):
            self.problem("error", "config.type", f"reference is one level of the subgroup, e.g. reference = "
                         f'"LPS": {problem or "not a date"}', key="reference", value=value, **where)
            return None
        level = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        names = [name for name, _ in groups]
        if groups and level not in names:
            self.problem("error", "config.reference_unmatched", f"reference names one of the subgroup's groups "
                         f"({', '.join(repr(n) for n in names)}){_suggest(level, names)}", key="reference",
                         value=value, **where)
            return None
        return level

    def subgroup_groups(self, groups, where: dict) -> tuple[tuple[str, tuple[object, ...]], ...]:
        """Named groups of a subgroup's values: each a non-empty list of single values, no value in two groups."""
        example = 'groups maps a label to the values it holds, e.g. {"0–1" = [0, 1], "2" = [2]}'
        if not isinstance(groups, dict) or not all(isinstance(v, list) and v for v in groups.values()):
            self.problem("error", "config.type", example, key="groups", value=groups, **where)
            return ()
        owner: dict[object, str] = {}
        for label, values in groups.items():
            problem = next((p for p in map(_scalar_problem, values) if p), None)
            if problem:
                self.problem("error", "config.type", f"group '{label}': {problem}", key="groups", value=values,
                             **where)
                return ()
            for value in values:
                normal = value.strip().casefold() if isinstance(value, str) else value
                if normal in owner:
                    self.problem("error", "config.duplicate", f"the value {value!r} is in the groups "
                                 f"'{owner[normal]}' and '{label}': a value belongs to one group", key="groups",
                                 value=value, **where)
                    return ()
                owner[normal] = label
        return tuple((k, tuple(v)) for k, v in groups.items())

    def landmarks(self, values: list, time_unit: str) -> tuple[float, ...]:
        """Landmark times: finite, positive, at most MAX_FOLLOW_UP_YEARS, each once."""
        limit = MAX_FOLLOW_UP_YEARS * DAYS_PER_UNIT["years"] / DAYS_PER_UNIT.get(time_unit, DAYS_PER_UNIT["months"])
        good: list[float] = []
        for value in values:
            if not _finite_number(value) or not 0 < value <= limit:
                self.problem("error", "config.out_of_range", f"landmarks are positive numbers in the study's "
                             f"time_unit ({time_unit}), at most {limit:g} ({MAX_FOLLOW_UP_YEARS} years)",
                             "analysis", "landmarks", value)
            elif float(value) in good:
                self.problem("error", "config.duplicate", f"the landmark {value:g} is listed twice", "analysis",
                             "landmarks", value)
            else:
                good.append(float(value))
        return tuple(good)

    def historical_rates(self, rates: dict) -> tuple[tuple[str, float], ...]:
        """Historical rates to test ORR / DCR against: proportions strictly between 0 and 1."""
        good = []
        for key, rate in rates.items():
            if is_placeholder(key) or is_placeholder(rate):
                _, _, line = self.lines.locate(("analysis", "historical_rates", key))
                self.placeholder("analysis.historical_rates", key, rate, line=line)
            elif key.casefold() not in RATE_NAMES:
                self.problem("error", "config.not_allowed", f"a historical rate is given for one of: "
                             f"{', '.join(RATE_NAMES)}{_suggest(key.casefold(), RATE_NAMES)}",
                             "analysis.historical_rates", key, key)
            elif isinstance(rate, bool) or not _finite_number(rate) or not 0 < rate < 1:
                self.problem("error", "config.out_of_range", "a historical rate is a proportion between 0 and 1 "
                             "(e.g. 0.13 for 13 %)", "analysis.historical_rates", key, rate)
            else:
                good.append((key, float(rate)))
        return tuple(sorted(good))

    def cox_covariates(self, covariates: list) -> tuple[str, ...]:
        """Cox covariates: field names, each once, never the patient identifier."""
        if not all(isinstance(c, str) and c.strip() for c in covariates):
            self.problem("error", "config.type", "cox_covariates is a list of field names", "analysis",
                         "cox_covariates", covariates)
            return ()
        good: list[str] = []
        for name in (c.strip() for c in covariates):
            if name == "patient_id":
                self.problem("error", "config.not_allowed", "patient_id identifies each patient: it cannot be a "
                             "Cox covariate", "analysis", "cox_covariates", name)
            elif name in good:
                self.problem("error", "config.duplicate", f"'{name}' is listed twice", "analysis", "cox_covariates",
                             name)
            else:
                good.append(name)
        return tuple(good)

    def analysis(self, time_unit: str) -> AnalysisSettings:
        values = self.section("analysis")
        subgroups = self.subgroups(values.pop("subgroups", []))
        landmarks = self.landmarks(values.pop("landmarks", []), time_unit)
        rates = self.historical_rates(values.pop("historical_rates", {}))
        covariates = self.cox_covariates(values.pop("cox_covariates", []))
        if "rmst_horizon" in values and not 0 < values["rmst_horizon"] < float("inf"):
            self.problem("error", "config.out_of_range", "rmst_horizon is a positive time in the study's time_unit",
                         "analysis", "rmst_horizon", values.pop("rmst_horizon"))
        if "response_landmark" in values and not 0 < values["response_landmark"] < float("inf"):
            self.problem("error", "config.out_of_range", "response_landmark is a positive time in the study's "
                         "time_unit", "analysis", "response_landmark", values.pop("response_landmark"))
        if "conf_level" in values and not 0.5 < values["conf_level"] < 1:
            self.problem("error", "config.out_of_range", "conf_level must be more than 0.5 and less than 1 (e.g. 0.95)",
                         "analysis", "conf_level", values.pop("conf_level"))
        return AnalysisSettings(subgroups, landmarks, rates, covariates, **values)

    def endpoints(self) -> EndpointSettings:
        values = self.section("endpoints")
        if ("missed_assessments" in values) != ("assessment_interval_days" in values):
            self.problem("error", "config.missing_key", "missed_assessments and assessment_interval_days go together",
                         "endpoints", "missed_assessments" if "missed_assessments" in values
                         else "assessment_interval_days")
            values.pop("missed_assessments", None)
            values.pop("assessment_interval_days", None)
        return EndpointSettings(**values)

    def adverse_events(self) -> AdverseEventSettings:
        return AdverseEventSettings(**self.section("adverse_events"))


def _syntax_problem(text: str, error: tomllib.TOMLDecodeError) -> tuple[int | None, str | None, str | None, str]:
    """(line, key, value, hint in words) for a TOML syntax error: what the user probably meant."""
    lines = text.splitlines()
    match = re.search(r"line (\d+)", str(error))
    number = int(match[1]) if match else None
    reason = str(error).split(" (at ")[0]
    if reason == "Cannot overwrite a value":
        seen: set[tuple[str, str]] = set()
        section = ""
        for i, line in enumerate(lines, start=1):
            header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]", line)
            section = f"{header[1]}#{i}" if header and line.lstrip().startswith("[[") else (
                header[1] if header else section)
            assignment = re.match(r"^\s*\"?([\w .-]+?)\"?\s*=", line)
            if assignment:
                if (section, assignment[1]) in seen:
                    return i, assignment[1], None, "this key is written twice in its section: keep one"
                seen.add((section, assignment[1]))
    if number is None and reason == "Unterminated string":
        for i, line in enumerate(lines, start=1):
            code = line.split("#")[0]
            if code.count('"') % 2:
                number = i
                break
    if number is None or number > len(lines):
        return number, None, None, f"{reason} — check quotes and brackets"
    assignment = re.match(r"^\s*\"?([\w .-]+?)\"?\s*=\s*(.*?)\s*(#.*)?$", lines[number - 1])
    key, value = (assignment[1].strip(), assignment[2]) if assignment else (None, None)
    if value is not None and re.fullmatch(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{8}", value):
        return number, key, value, (f"write dates as YYYY-MM-DD without quotes, e.g. {key} = 2023-12-31 "
                                    f"(the TOML reader says: {reason})")
    if value is not None and re.fullmatch(r"[^\s\"'\[\]{}=0-9+\-.][^\"'\[\]{}=]*", value) and value not in (
            "true", "false", "inf", "nan"):
        return number, key, value, (f'text goes in double quotes, e.g. {key} = "{value}" (the TOML reader says: '
                                    f"{reason})")
    if reason == "Unterminated string":
        return number, key, value, "a text is missing its closing double quote"
    return number, key, value, f"{reason} — check quotes and brackets on this line"


def read_config_text(text: str, log: ProblemLog, *, today: dt.date | None = None) -> StudyConfig | None:
    """Parse and check study.toml ``text``; problems go to ``log``. None when it is not valid TOML.

    ``today`` (default: the computer's date) bounds the data cutoff; tests pass a fixed date.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, key, value, hint = _syntax_problem(text, exc)
        log.error("config.syntax", f"is not valid TOML: {hint}. Nothing else is checked until study.toml reads.",
                  source=CONFIG_NAME, row=line, column=key, value=value)
        return None
    return _ConfigReader(data, text, log, today or dt.date.today()).read()


def read_config(folder: Path, log: ProblemLog, *, today: dt.date | None = None) -> StudyConfig | None:
    """Read and check ``study.toml`` in ``folder``; problems go to ``log``. None when it cannot be read."""
    path = folder / CONFIG_NAME
    if not path.exists():
        log.error("config.missing_file", "the study folder needs a study.toml (run 'oncocohort init' for one); "
                  "the tables are checked once it is there", source=CONFIG_NAME)
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        log.error("config.encoding", "is not UTF-8 text; save it as UTF-8 (the tables are checked once it reads)",
                  source=CONFIG_NAME)
        return None
    return read_config_text(text, log, today=today)
