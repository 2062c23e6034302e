"""``cohort.toml``: a cohort and its endpoints on an OMOP CDM, declared as data (docs/omop.md).

Read with ``tomllib``; every problem is collected with its line (the helpers of :mod:`oncocohort.io.config`:
line finder, TOML syntax hints, control characters, and the ``[study]``, ``[analysis]`` and ``[labels]``
sections of study.toml, checked by the same code). Nothing in it is ever evaluated.

Concept sets are lists of concept ids; each includes its descendants (``concept_ancestor``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..io.config import (
    _TYPE_WORDS,
    AdverseEventSettings,
    EndpointSettings,
    RegimenSettings,
    ResponseSettings,
    StudyConfig,
    StudySettings,
    _ConfigReader,
    _suggest,
    _syntax_problem,
)
from ..io.problems import ProblemLog

PROGRESSION_SOURCES = ("none", "episode", "measurement")
MAX_DAYS = 36525  # a hundred years


@dataclass(frozen=True)
class ConceptCriterion:
    """A named concept set looked for in one CDM domain, in a window of days before the index date."""

    label: str
    concepts: tuple[int, ...]
    domain: str = "condition"  # condition | drug | measurement
    lookback_days: int | None = None  # None: any time before the index date
    line: int | None = None


@dataclass(frozen=True)
class MeasurementCovariate:
    """A baseline measurement: the last value in ``window_days`` before (or on) the index date."""

    name: str
    concepts: tuple[int, ...]
    window_days: int = 60


@dataclass(frozen=True)
class AdverseEventSet:
    """An adverse event from a condition concept set recorded after the index date (ungraded)."""

    term: str
    concepts: tuple[int, ...]


@dataclass(frozen=True)
class CohortSpec:
    """What cohort.toml says: the cohort rules (``[cohort]``), endpoints, covariates, adverse events and the
    study settings (``[study]``, ``[analysis]``, ``[labels]`` as in study.toml)."""

    config: StudyConfig
    condition: tuple[int, ...] = ()
    condition_label: str = "the condition"
    components: tuple[tuple[str, tuple[int, ...]], ...] = ()
    index_window_days: int = 28
    prior_observation_days: int = 0
    age_min: float | None = None
    age_max: float | None = None
    exclusions: tuple[ConceptCriterion, ...] = ()
    treatment_gap_days: int = 60
    later_therapy: tuple[int, ...] = ()
    progression: str = "none"
    progression_concepts: tuple[int, ...] = ()
    measurements: tuple[MeasurementCovariate, ...] = ()
    conditions: tuple[ConceptCriterion, ...] = ()
    adverse_events: tuple[AdverseEventSet, ...] = ()
    adverse_event_days: int = 30  # after the end of treatment
    lines: dict = field(default_factory=dict, compare=False)

    @property
    def data_cutoff(self) -> dt.date:
        return self.config.study.data_cutoff


class CohortSpecError(Exception):
    """cohort.toml is not valid; ``problems`` are the collected :class:`~oncocohort.io.problems.Problem`."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s)")


_SECTIONS = {
    "cohort": {"condition": list, "condition_label": str, "index_window_days": int, "prior_observation_days": int,
               "age_min": (int, float), "age_max": (int, float), "components": dict, "exclusions": list},
    "endpoints": {"treatment_gap_days": int, "later_therapy": list, "progression": str, "progression_concepts": list},
    "covariates": {"measurements": list, "conditions": list},
    "adverse_events": {"sets": list, "days_after_treatment": int},
}
_KNOWN = set(_SECTIONS) | {"study", "analysis", "labels"}


class _SpecReader(_ConfigReader):
    """study.toml's reader with cohort.toml as the file named in problems, plus the cohort sections."""

    def __init__(self, data, text, log, today, name):
        super().__init__(data, text, log, today)
        self.name = name

    def problem(self, severity, rule, message, section, key=None, value=None, line=None, occurrence=0):
        if line is None:
            line = self.lines.key(section, key, occurrence) if key else self.lines.section(section, occurrence)
        self.log.add(severity, rule, message, source=self.name, table=section, row=line, column=key, value=value)

    def values(self, name: str) -> dict:
        raw = self.data.get(name, {})
        if not isinstance(raw, dict):
            self.problem("error", "omop.type", f"must be a table written [{name}]", name)
            return {}
        good = {}
        for key, value in raw.items():
            kinds = _SECTIONS[name].get(key)
            if kinds is None:
                self.problem("warning", "omop.unknown_key", f"is not a known key of [{name}] and is ignored"
                             f"{_suggest(key, _SECTIONS[name])}", name, key)
                continue
            kinds = kinds if isinstance(kinds, tuple) else (kinds,)
            if isinstance(value, bool) or not isinstance(value, kinds):
                self.problem("error", "omop.type", f"must be {_TYPE_WORDS[kinds[0]]}", name, key, value)
                continue
            if isinstance(value, int) and not 0 <= value <= MAX_DAYS:
                self.problem("error", "omop.out_of_range", f"must be from 0 to {MAX_DAYS}", name, key, value)
                continue
            good[key] = value
        return good

    def concepts(self, value, section, key, occurrence=0, line=None) -> tuple[int, ...]:
        """A concept set: a non-empty list of positive whole numbers (concept ids)."""
        if not isinstance(value, list) or not value or not all(
                isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in value):
            self.problem("error", "omop.concept_set", "must be a non-empty list of concept ids (whole numbers), e.g. "
                         "[45775965, 45892628]", section, key, value, line=line, occurrence=occurrence)
            return ()
        return tuple(sorted(set(value)))

    def items(self, value, section, required: tuple[str, ...], optional: tuple[str, ...]) -> list[tuple[dict, int]]:
        """A list of inline tables / [[...]] blocks with the keys named; each with its line."""
        out = []
        for i, item in enumerate(value):
            line = self.lines.section(section, i) or self.lines.anywhere(required[0])
            if not isinstance(item, dict):
                self.problem("error", "omop.type", f"each entry is a table with {', '.join(required)}", section,
                             line=line)
                continue
            missing = [k for k in required if k not in item]
            unknown = [k for k in item if k not in required + optional]
            if missing:
                self.problem("error", "omop.missing_key", f"needs {', '.join(missing)}", section, line=line)
            for key in unknown:
                self.problem("warning", "omop.unknown_key", f"is not a known key here and is ignored"
                             f"{_suggest(key, required + optional)}", section, key, line=line)
            if not missing:
                out.append((item, line))
        return out

    def days(self, item: dict, key: str, section: str, line, default=None):
        value = item.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
            self.problem("error", "omop.out_of_range", f"{key} is a whole number of days from 0 to {MAX_DAYS}",
                         section, key, value, line=line)
            return default
        return value

    def text(self, item: dict, key: str, section: str, line) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem("error", "omop.type", f"{key} is text in quotes", section, key, value, line=line)
            return ""
        return value.strip()

    def spec(self) -> CohortSpec:
        self.check_texts()
        for name in self.data:
            if name not in _KNOWN:
                self.problem("warning", "omop.unknown_section", f"[{name}] is not a known section of cohort.toml "
                             f"and is ignored{_suggest(name, _KNOWN)}", name)
        if "study" not in self.data:
            self.problem("error", "omop.missing_section", "cohort.toml needs a [study] section with title and "
                         "data_cutoff", "study", line=1)
        study = self.section("study")
        settings = StudySettings(title=study.get("title", ""), data_cutoff=study.get("data_cutoff"),
                                 time_unit=study.get("time_unit", "months"), synthetic=study.get("synthetic", False))
        cohort = self.values("cohort")
        components = []
        for label, concepts in cohort.get("components", {}).items():
            components.append((label, self.concepts(concepts, "cohort.components", label)))
        condition = self.concepts(cohort["condition"], "cohort", "condition") if "condition" in cohort else ()
        exclusions = tuple(
            ConceptCriterion(self.text(item, "label", "cohort.exclusions", line),
                             self.concepts(item["concepts"], "cohort.exclusions", "concepts", line=line),
                             self.domain(item, line), self.days(item, "lookback_days", "cohort.exclusions", line),
                             line)
            for item, line in self.items(cohort.get("exclusions", []), "cohort.exclusions", ("label", "concepts"),
                                         ("domain", "lookback_days")))
        endpoints = self.values("endpoints")
        progression = endpoints.get("progression", "none")
        if progression not in PROGRESSION_SOURCES:
            self.problem("error", "omop.not_allowed", f"must be one of: {', '.join(PROGRESSION_SOURCES)}"
                         f"{_suggest(progression, PROGRESSION_SOURCES)}", "endpoints", "progression", progression)
            progression = "none"
        progression_concepts = ()
        if progression != "none":
            if "progression_concepts" not in endpoints:
                self.problem("error", "omop.missing_key", f"progression = '{progression}' needs progression_concepts",
                             "endpoints", "progression")
            else:
                progression_concepts = self.concepts(endpoints["progression_concepts"], "endpoints",
                                                     "progression_concepts")
        covariates = self.values("covariates")
        measurements = tuple(
            MeasurementCovariate(self.text(item, "name", "covariates.measurements", line),
                                 self.concepts(item["concepts"], "covariates.measurements", "concepts", line=line),
                                 self.days(item, "window_days", "covariates.measurements", line, 60))
            for item, line in self.items(covariates.get("measurements", []), "covariates.measurements",
                                         ("name", "concepts"), ("window_days",)))
        conditions = tuple(
            ConceptCriterion(self.text(item, "name", "covariates.conditions", line),
                             self.concepts(item["concepts"], "covariates.conditions", "concepts", line=line),
                             "condition", self.days(item, "lookback_days", "covariates.conditions", line), line)
            for item, line in self.items(covariates.get("conditions", []), "covariates.conditions",
                                         ("name", "concepts"), ("lookback_days",)))
        adverse = self.values("adverse_events")
        sets = tuple(AdverseEventSet(self.text(item, "term", "adverse_events.sets", line),
                                     self.concepts(item["concepts"], "adverse_events.sets", "concepts", line=line))
                     for item, line in self.items(adverse.get("sets", []), "adverse_events.sets",
                                                  ("term", "concepts"), ()))
        names = [m.name for m in measurements] + [c.label for c in conditions]
        for name in sorted({n for n in names if names.count(n) > 1 or n in ("age", "sex", "patient_id")}):
            self.problem("error", "omop.duplicate", f"covariate name '{name}' is used twice (age and sex are "
                         "always there)", "covariates", line=self.lines.anywhere("name"))
        age_min, age_max = cohort.get("age_min"), cohort.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.problem("error", "omop.out_of_range", "age_min is above age_max", "cohort", "age_min", age_min)
        config = StudyConfig(study=settings, regimen=RegimenSettings(
            name=" + ".join(label for label, _ in components), components=tuple(
                (label, tuple(str(c) for c in concepts)) for label, concepts in components),
            index_date="all_components_started"), response=ResponseSettings(criteria="recorded"),
            analysis=self.analysis(settings.time_unit), adverse_events=AdverseEventSettings(),
            endpoints=EndpointSettings(), labels=self.labels(), key_lines=self.key_lines())
        return CohortSpec(config=config, condition=condition, condition_label=cohort.get(
            "condition_label", "the condition"), components=tuple(components),
            index_window_days=cohort.get("index_window_days", 28),
            prior_observation_days=cohort.get("prior_observation_days", 0), age_min=age_min, age_max=age_max,
            exclusions=exclusions, treatment_gap_days=endpoints.get("treatment_gap_days", 60),
            later_therapy=self.concepts(endpoints["later_therapy"], "endpoints", "later_therapy")
            if "later_therapy" in endpoints else (), progression=progression,
            progression_concepts=progression_concepts, measurements=measurements, conditions=conditions,
            adverse_events=sets, adverse_event_days=adverse.get("days_after_treatment", 30))

    def domain(self, item: dict, line) -> str:
        value = item.get("domain", "condition")
        if value not in ("condition", "drug", "measurement"):
            self.problem("error", "omop.not_allowed", "domain must be one of: condition, drug, measurement",
                         "cohort.exclusions", "domain", value, line=line)
            return "condition"
        return value


def read_cohort_spec_text(text: str, name: str = "cohort.toml", *, require_cohort: bool = True,
                          today: dt.date | None = None) -> CohortSpec:
    """Parse and check cohort.toml ``text`` → :class:`CohortSpec`; CohortSpecError with every problem.

    ``require_cohort``: the ``[cohort]`` rules (condition, components) must be there — not when the cohort comes
    from an OHDSI cohort table and cohort.toml only gives the study settings and endpoints."""
    log = ProblemLog()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, key, value, hint = _syntax_problem(text, exc)
        log.error("omop.syntax", f"is not valid TOML: {hint}", source=name, row=line, column=key, value=value)
        raise CohortSpecError(log.problems) from None
    reader = _SpecReader(data, text, log, today or dt.date.today(), name)
    spec = reader.spec()
    if require_cohort:
        cohort = data.get("cohort") if isinstance(data.get("cohort"), dict) else {}
        for key in ("condition", "components"):
            if key not in cohort:
                reader.problem("error", "omop.missing_key", f"[cohort] needs '{key}'", "cohort",
                               line=reader.lines.section("cohort") or 1)
    if log.has_errors:
        raise CohortSpecError(log.problems)
    return spec


def read_cohort_spec(path: str | Path, *, require_cohort: bool = True, today: dt.date | None = None) -> CohortSpec:
    """Read cohort.toml at ``path`` (see :func:`read_cohort_spec_text`)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CohortSpecError([_file_problem(path, "omop.missing_file", "no such file")]) from None
    except UnicodeDecodeError:
        raise CohortSpecError([_file_problem(path, "omop.encoding", "is not UTF-8 text; save it as UTF-8")]) from None
    return read_cohort_spec_text(text, path.name, require_cohort=require_cohort, today=today)


def _file_problem(path: Path, rule: str, message: str):
    log = ProblemLog()
    log.error(rule, message, source=str(path))
    return log.problems[0]
