"""study.toml: the study's settings, read with ``tomllib`` and checked key by key.

Nothing in study.toml is ever evaluated as code: eligibility criteria are data (field, operator, value).
Every problem names the section, the line and the key. Sections later stages consume:
``[study]``, ``[regimen]``, ``[eligibility]``, ``[response]``, ``[analysis]``, ``[adverse_events]``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
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
CTCAE_VERSIONS = ("5.0", "6.0")


@dataclass(frozen=True)
class StudySettings:
    title: str
    data_cutoff: dt.date | None
    time_unit: str = "months"
    date_format: str | None = None
    synthetic: bool = False
    not_collected: tuple[str, ...] = ()  # required patients columns the source never held (e.g. an SDTM import)
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
    """A subgroup factor: a field and, optionally, named groups of its values (e.g. ECOG 0–1 vs 2)."""

    field: str
    label: str
    groups: tuple[tuple[str, tuple[object, ...]], ...] = ()
    line: int | None = None


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
class StudyConfig:
    """Everything study.toml says, typed and checked."""

    study: StudySettings
    regimen: RegimenSettings = field(default_factory=RegimenSettings)
    eligibility: EligibilitySettings = field(default_factory=EligibilitySettings)
    response: ResponseSettings = field(default_factory=ResponseSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    adverse_events: AdverseEventSettings = field(default_factory=AdverseEventSettings)
    endpoints: EndpointSettings = field(default_factory=EndpointSettings)


# Key specifications: section -> key -> (python types, allowed values or None, required).
_KEYS: dict[str, dict[str, tuple[tuple[type, ...], tuple | None, bool]]] = {
    "study": {
        "title": ((str,), None, True),
        "data_cutoff": ((dt.date,), None, True),
        "time_unit": ((str,), TIME_UNITS, False),
        "date_format": ((str,), tuple(DATE_FORMATS), False),
        "synthetic": ((bool,), None, False),
        "not_collected": ((list,), None, False),
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
    },
    "endpoints": {
        "censor_at_new_therapy": ((bool,), None, False),
        "death_window_days": ((int,), None, False),
        "missed_assessments": ((int,), None, False),
        "assessment_interval_days": ((int,), None, False),
        "clinical_benefit_weeks": ((int,), None, False),
    },
    "adverse_events": {
        "ctcae_version": ((str,), CTCAE_VERSIONS, False),
        "treatment_emergent_days": ((int,), None, False),
        "unknown_terms": ((str,), UNKNOWN_TERM_POLICIES, False),
    },
}
_CRITERION_KEYS = ("kind", "label", "field", "operator", "value", "missing")
_SUBGROUP_KEYS = ("field", "label", "groups")
_TYPE_WORDS = {str: "text in quotes", int: "a whole number", float: "a number", bool: "true or false",
               dt.date: "a date written YYYY-MM-DD (no quotes)", list: "a list [...]", dict: "a table"}


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
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                return start
            if pattern.match(line):
                return number
        return start


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


class _ConfigReader:
    """Checks the parsed TOML against the key specifications and builds :class:`StudyConfig`."""

    def __init__(self, data: dict, text: str, log: ProblemLog):
        self.data, self.lines, self.log = data, _LineFinder(text), log

    def problem(self, severity, rule, message, section, key=None, value=None, line=None, occurrence=0):
        if line is None:
            line = self.lines.key(section, key, occurrence) if key else self.lines.section(section, occurrence)
        self.log.add(severity, rule, message, source=CONFIG_NAME, table=section, row=line, column=key,
                     value=value)

    def section(self, name: str) -> dict:
        """Check a section's keys (type, allowed values, required, unknown) and return the valid ones."""
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
            good[key] = value
        for key in raw:
            if key not in _KEYS[name]:
                self.problem("warning", "config.unknown_key",
                             f"is not a known key of [{name}] and is ignored{_suggest(key, _KEYS[name])}", name, key)
        return good

    def positive_int(self, section: str, values: dict, key: str) -> None:
        if key in values and values[key] < 0:
            self.problem("error", "config.out_of_range", "must be 0 or more", section, key, values[key])
            del values[key]

    def read(self) -> StudyConfig:
        for name in self.data:
            if name not in _KEYS:
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
            strict_categories=study.get("strict_categories", False),
        )
        return StudyConfig(
            study=study_settings,
            regimen=self.regimen(),
            eligibility=self.eligibility(),
            response=self.response(),
            analysis=self.analysis(),
            adverse_events=self.adverse_events(),
            endpoints=self.endpoints(),
        )

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
        components = []
        for label, drugs in values.get("components", {}).items():
            if isinstance(drugs, str):
                drugs = [drugs]
            if not isinstance(drugs, list) or not drugs or not all(isinstance(d, str) and d.strip() for d in drugs):
                self.problem("error", "config.type", "each component must list its drug names, "
                             'e.g. "PD-1 inhibitor" = ["sintilimab", "camrelizumab"]', "regimen.components", label,
                             drugs)
                continue
            components.append((label, tuple(d.strip().casefold() for d in drugs)))
        if "components" in values and not components:
            self.problem("error", "config.missing_key", "[regimen.components] lists no drugs", "regimen.components")
        self.positive_int("regimen", values, "cycle_days")
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
            if op not in OPERATORS:
                self.problem("error", "config.not_allowed",
                             f"operator must be one of: {', '.join(OPERATORS)}{_suggest(str(op), OPERATORS)}",
                             "eligibility.criteria", "operator", op, occurrence=i)
            elif op not in ("is missing", "is not missing") and "value" not in item:
                self.problem("error", "config.missing_key", f"operator '{op}' needs a value",
                             "eligibility.criteria", "operator", op, occurrence=i)
            elif op in ("in", "not in") and not isinstance(item.get("value"), list):
                self.problem("error", "config.type", f"operator '{op}' needs a list value, e.g. [\"a\", \"b\"]",
                             "eligibility.criteria", "value", item.get("value"), occurrence=i)
            elif op == "between" and not (
                isinstance(item.get("value"), list) and len(item["value"]) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in item["value"])
            ):
                self.problem("error", "config.type", "operator 'between' needs [low, high] (numbers, inclusive)",
                             "eligibility.criteria", "value", item.get("value"), occurrence=i)
            elif op in ("<", "<=", ">", ">=") and (
                not isinstance(item.get("value"), (int, float, dt.date)) or isinstance(item.get("value"), bool)
            ):
                self.problem("error", "config.type", f"operator '{op}' needs a number or a date",
                             "eligibility.criteria", "value", item.get("value"), occurrence=i)
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
        values = self.section("response")
        for key in ("confirmation_min_days", "sd_min_days", "baseline_window_days", "max_ne_between"):
            self.positive_int("response", values, key)
        return ResponseSettings(**values)

    def analysis(self) -> AnalysisSettings:
        values = self.section("analysis")
        subgroups = []
        for i, item in enumerate(values.pop("subgroups", [])):
            if isinstance(item, str):
                subgroups.append(Subgroup(item, item, line=self.lines.key("analysis", "subgroups")))
                continue
            line = self.lines.section("analysis.subgroups", i)
            if not isinstance(item, dict) or not isinstance(item.get("field"), str):
                self.problem("error", "config.type",
                             "each subgroup is a field name or a [[analysis.subgroups]] table with 'field'",
                             "analysis.subgroups", line=line)
                continue
            for key in item:
                if key not in _SUBGROUP_KEYS:
                    self.problem("warning", "config.unknown_key",
                                 f"is not a subgroup key and is ignored{_suggest(key, _SUBGROUP_KEYS)}",
                                 "analysis.subgroups", key, occurrence=i)
            groups = item.get("groups", {})
            if not isinstance(groups, dict) or not all(isinstance(v, list) for v in groups.values()):
                self.problem("error", "config.type",
                             'groups maps a label to the values it holds, e.g. {"0–1" = [0, 1], "2" = [2]}',
                             "analysis.subgroups", "groups", occurrence=i)
                groups = {}
            subgroups.append(Subgroup(item["field"], str(item.get("label", item["field"])),
                                      tuple((k, tuple(v)) for k, v in groups.items()), line))
        landmarks = values.pop("landmarks", [])
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in landmarks):
            self.problem("error", "config.type", "landmarks must be positive numbers in the study's time_unit",
                         "analysis", "landmarks", landmarks)
            landmarks = []
        rates = values.pop("historical_rates", {})
        good_rates = []
        for key, rate in rates.items():
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < 1:
                self.problem("error", "config.out_of_range", "a historical rate is a proportion between 0 and 1 "
                             "(e.g. 0.13 for 13 %)", "analysis.historical_rates", key, rate)
            else:
                good_rates.append((key, float(rate)))
        covariates = values.pop("cox_covariates", [])
        if not all(isinstance(c, str) for c in covariates):
            self.problem("error", "config.type", "cox_covariates is a list of field names", "analysis",
                         "cox_covariates", covariates)
            covariates = []
        if "conf_level" in values and not 0.5 < values["conf_level"] < 1:
            self.problem("error", "config.out_of_range", "conf_level must be between 0.5 and 1 (e.g. 0.95)",
                         "analysis", "conf_level", values.pop("conf_level"))
        return AnalysisSettings(tuple(subgroups), tuple(float(x) for x in landmarks), tuple(sorted(good_rates)),
                                tuple(covariates), **values)

    def endpoints(self) -> EndpointSettings:
        values = self.section("endpoints")
        for key in ("death_window_days", "missed_assessments", "assessment_interval_days", "clinical_benefit_weeks"):
            self.positive_int("endpoints", values, key)
        if ("missed_assessments" in values) != ("assessment_interval_days" in values):
            self.problem("error", "config.missing_key", "missed_assessments and assessment_interval_days go together",
                         "endpoints", "missed_assessments" if "missed_assessments" in values
                         else "assessment_interval_days")
            values.pop("missed_assessments", None)
            values.pop("assessment_interval_days", None)
        return EndpointSettings(**values)

    def adverse_events(self) -> AdverseEventSettings:
        values = self.section("adverse_events")
        self.positive_int("adverse_events", values, "treatment_emergent_days")
        return AdverseEventSettings(**values)


def read_config(folder: Path, log: ProblemLog) -> StudyConfig | None:
    """Read and check ``study.toml`` in ``folder``; problems go to ``log``. None when it cannot be read."""
    path = folder / CONFIG_NAME
    if not path.exists():
        log.error("config.missing_file", "the study folder needs a study.toml (run 'oncocohort init' for one)",
                  source=CONFIG_NAME)
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        log.error("config.encoding", "is not UTF-8 text", source=CONFIG_NAME)
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        log.error("config.syntax", f"is not valid TOML: {exc}", source=CONFIG_NAME,
                  row=int(match[1]) if match else None)
        return None
    return _ConfigReader(data, text, log).read()
