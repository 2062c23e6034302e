"""The settings form ↔ study.toml: the main keys as form fields, written into the study's own study.toml text.

The form edits the file with ``tomlkit`` (which keeps the user's comments and every key the form does not show),
and the result is checked by the same reader as ``oncocohort validate`` (``io.config.read_config``) before it is
saved: a study.toml with errors is never written, and the errors come back with their line in the shown text.
Values typed in the form are read as data only — a number, a date (YYYY-MM-DD), or text — never evaluated.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from ..io.config import (
    CI_METHODS,
    CONFIG_NAME,
    INDEX_DATE_RULES,
    KM_CONF_TYPES,
    MEDIAN_CI_METHODS,
    MISSING_POLICIES,
    OPERATORS,
    RESPONSE_CRITERIA,
    TIME_UNITS,
    read_config,
)
from ..io.problems import Problem, ProblemLog, sort_problems
from ..io.template import STUDY_TOML

BLANK_ROWS = 2  # empty rows offered under each list in the form, to add an entry without scripting
CHOICES = {"time_unit": TIME_UNITS, "index_date": INDEX_DATE_RULES, "eligibility_missing": MISSING_POLICIES,
           "operator": OPERATORS, "kind": ("include", "exclude"), "response_criteria": RESPONSE_CRITERIA,
           "ci_method": CI_METHODS, "km_conf_type": KM_CONF_TYPES, "median_ci": MEDIAN_CI_METHODS}
NO_VALUE_OPERATORS = ("is missing", "is not missing")
LIST_OPERATORS = ("in", "not in", "between")


@dataclass
class SettingsForm:
    """The form's fields as text, as shown and as posted (lists are rows of text fields)."""

    title: str = ""
    data_cutoff: str = ""
    time_unit: str = "months"
    regimen_name: str = ""
    index_date: str = "first_dose"
    components: list[dict] = field(default_factory=list)  # label, drugs
    eligibility_missing: str = "exclude"
    criteria: list[dict] = field(default_factory=list)  # kind, label, field, operator, value, missing
    response_criteria: str = "recist1.1"
    confirmation: bool = False
    confirmation_min_days: str = "28"
    sd_min_days: str = "42"
    subgroups: list[dict] = field(default_factory=list)  # field, label, groups, reference (the Cox reference)
    cox_covariates: str = ""
    ci_method: str = "clopper-pearson"
    conf_level: str = "0.95"
    km_conf_type: str = "log-log"
    median_ci: str = "survfit"

    def with_blank_rows(self) -> SettingsForm:
        self.components += [{"label": "", "drugs": ""} for _ in range(BLANK_ROWS)]
        self.criteria += [{"kind": "include", "label": "", "field": "", "operator": "==", "value": "",
                           "missing": ""} for _ in range(BLANK_ROWS)]
        self.subgroups += [{"field": "", "label": "", "groups": "", "reference": ""} for _ in range(BLANK_ROWS)]
        return self


# ---- values: text in the form ↔ TOML values ------------------------------------------------------------------
def value_text(value: object) -> str:
    """A TOML value as the form shows it: lists comma-separated, dates ISO, text as is."""
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def parse_scalar(text: str) -> object:
    """Form text → a whole number, a number, a date (YYYY-MM-DD) or text; "quoted" text stays text."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _groups_text(groups: dict) -> str:
    return "; ".join(f"{label} = {value_text(values)}" for label, values in groups.items())


def _parse_groups(text: str) -> dict:
    """'0-1 = 0, 1; 2 = 2' → {"0-1": [0, 1], "2": [2]}; a part without '=' is kept as a label with no values, for
    the reader to report."""
    groups = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        label, _, values = part.partition("=")
        groups[label.strip()] = [parse_scalar(v) for v in _split(values)]
    return groups


# ---- study.toml → form ---------------------------------------------------------------------------------------
def form_from_toml(text: str) -> SettingsForm:
    """The form's fields from study.toml text (unparsable text: the defaults; the page shows the text)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        data = {}
    get = lambda section, key, default="": data.get(section, {}).get(key, default)  # noqa: E731
    form = SettingsForm(
        title=value_text(get("study", "title")), data_cutoff=value_text(get("study", "data_cutoff")),
        time_unit=value_text(get("study", "time_unit", "months")), regimen_name=value_text(get("regimen", "name")),
        index_date=value_text(get("regimen", "index_date", "first_dose")),
        components=[{"label": label, "drugs": value_text(drugs)}
                    for label, drugs in get("regimen", "components", {}).items()],
        eligibility_missing=value_text(get("eligibility", "missing", "exclude")),
        criteria=[{"kind": value_text(c.get("kind")), "label": value_text(c.get("label")),
                   "field": value_text(c.get("field")), "operator": value_text(c.get("operator")),
                   "value": value_text(c.get("value")), "missing": value_text(c.get("missing"))}
                  for c in get("eligibility", "criteria", []) if isinstance(c, dict)],
        response_criteria=value_text(get("response", "criteria", "recist1.1")),
        confirmation=get("response", "confirmation", False) is True,
        confirmation_min_days=value_text(get("response", "confirmation_min_days", 28)),
        sd_min_days=value_text(get("response", "sd_min_days", 42)),
        subgroups=[{"field": value_text(s), "label": "", "groups": "", "reference": ""} if isinstance(s, str) else
                   {"field": value_text(s.get("field")), "label": value_text(s.get("label")),
                    "groups": _groups_text(s.get("groups", {}) if isinstance(s.get("groups"), dict) else {}),
                    "reference": value_text(s.get("reference"))}
                   for s in get("analysis", "subgroups", []) if isinstance(s, (str, dict))],
        cox_covariates=value_text(get("analysis", "cox_covariates", [])),
        ci_method=value_text(get("analysis", "ci_method", "clopper-pearson")),
        conf_level=value_text(get("analysis", "conf_level", 0.95)),
        km_conf_type=value_text(get("analysis", "km_conf_type", "log-log")),
        median_ci=value_text(get("analysis", "median_ci", "survfit")),
    )
    return form


def form_from_post(fields) -> SettingsForm:
    """The form as posted (a multi-dict of text fields; list rows are numbered ``name_0``, ``name_1``, ...)."""
    one = lambda name, default="": str(fields.get(name, default)).strip()  # noqa: E731

    def rows(prefix: str, keys: tuple[str, ...]) -> list[dict]:
        numbers = sorted({int(m[1]) for k in fields.keys() if (m := re.fullmatch(rf"{prefix}_\w+?_(\d+)", k))})
        out = []
        for n in numbers:
            row = {key: one(f"{prefix}_{key}_{n}") for key in keys}
            if one(f"{prefix}_remove_{n}") or not any(row[k] for k in keys if k not in ("kind", "operator")):
                continue  # a blank or removed row
            out.append(row)
        return out

    return SettingsForm(
        title=one("title"), data_cutoff=one("data_cutoff"), time_unit=one("time_unit"),
        regimen_name=one("regimen_name"), index_date=one("index_date"),
        components=rows("component", ("label", "drugs")), eligibility_missing=one("eligibility_missing"),
        criteria=rows("criterion", ("kind", "label", "field", "operator", "value", "missing")),
        response_criteria=one("response_criteria"), confirmation=one("confirmation") in ("on", "true", "1"),
        confirmation_min_days=one("confirmation_min_days"), sd_min_days=one("sd_min_days"),
        subgroups=rows("subgroup", ("field", "label", "groups", "reference")), cox_covariates=one("cox_covariates"),
        ci_method=one("ci_method"), conf_level=one("conf_level"), km_conf_type=one("km_conf_type"),
        median_ci=one("median_ci"),
    )


# ---- form → study.toml ---------------------------------------------------------------------------------------
def _section(doc, name: str):
    if name not in doc:
        doc.add(tomlkit.nl())
        doc[name] = tomlkit.table()
    return doc[name]


def _set(table, key: str, value) -> None:
    """Set a key, keeping the comment written after its old value."""
    if key in table and hasattr(table[key], "trivia"):
        comment = table[key].trivia.comment
        item = tomlkit.item(value)
        item.trivia.comment, item.trivia.comment_ws = comment, table[key].trivia.comment_ws
        table[key] = item
    else:
        table[key] = value


def _aot(rows: list[dict]):
    aot = tomlkit.aot()
    for row in rows:
        table = tomlkit.table()
        for key, value in row.items():
            table[key] = value
        aot.append(table)
    return aot


def _criterion(row: dict) -> dict:
    out = {"kind": row["kind"], "label": row["label"], "field": row["field"], "operator": row["operator"]}
    if row["operator"] in LIST_OPERATORS:
        out["value"] = [parse_scalar(v) for v in _split(row["value"])]
    elif row["operator"] not in NO_VALUE_OPERATORS or row["value"]:
        out["value"] = parse_scalar(row["value"])
    if row.get("missing"):
        out["missing"] = row["missing"]
    return out


def _subgroup(row: dict) -> dict:
    out = {"field": row["field"], "label": row["label"] or row["field"]}
    if row["groups"]:
        groups = tomlkit.inline_table()
        groups.update(_parse_groups(row["groups"]))
        out["groups"] = groups
    if row.get("reference"):
        out["reference"] = row["reference"]
    return out


def toml_from_form(form: SettingsForm, current_text: str) -> str:
    """``current_text`` (the study's study.toml, or the template's) with the form's values put in."""
    try:
        doc = tomlkit.parse(current_text)
    except Exception:  # unparsable text: start from the template (tomlkit raises its own ParseError family)
        doc = tomlkit.parse(STUDY_TOML)
    study = _section(doc, "study")
    _set(study, "title", form.title)
    _set(study, "data_cutoff", parse_scalar(form.data_cutoff) if form.data_cutoff else "")
    _set(study, "time_unit", form.time_unit)
    regimen = _section(doc, "regimen")
    _set(regimen, "name", form.regimen_name)
    _set(regimen, "index_date", form.index_date)
    components = tomlkit.table()
    for row in form.components:
        components[row["label"]] = _split(row["drugs"])
    regimen["components"] = components
    eligibility = _section(doc, "eligibility")
    _set(eligibility, "missing", form.eligibility_missing)
    eligibility["criteria"] = _aot([_criterion(r) for r in form.criteria])
    response = _section(doc, "response")
    _set(response, "criteria", form.response_criteria)
    _set(response, "confirmation", form.confirmation)
    _set(response, "confirmation_min_days", parse_scalar(form.confirmation_min_days))
    _set(response, "sd_min_days", parse_scalar(form.sd_min_days))
    analysis = _section(doc, "analysis")
    _set(analysis, "cox_covariates", _split(form.cox_covariates))
    _set(analysis, "ci_method", form.ci_method)
    _set(analysis, "conf_level", parse_scalar(form.conf_level))
    _set(analysis, "km_conf_type", form.km_conf_type)
    _set(analysis, "median_ci", form.median_ci)
    analysis["subgroups"] = _aot([_subgroup(r) for r in form.subgroups])
    text = tomlkit.dumps(doc)
    text = re.sub(r"\n(\[(?!\[))", r"\n\n\1", text)  # a blank line before each [section] header
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def check_toml(text: str) -> tuple[Problem, ...]:
    """The problems ``oncocohort validate`` would report for this study.toml text on its own (settings only)."""
    with tempfile.TemporaryDirectory(prefix="oncocohort-settings-") as folder:
        (Path(folder) / CONFIG_NAME).write_text(text, encoding="utf-8")
        log = ProblemLog()
        read_config(Path(folder), log)
    return sort_problems(log.problems)


def save_toml(input_dir: Path, text: str) -> tuple[bool, tuple[Problem, ...]]:
    """Write ``text`` as the study's study.toml when it has no errors → (saved, problems)."""
    problems = check_toml(text)
    if any(p.severity == "error" for p in problems):
        return False, problems
    target = input_dir / CONFIG_NAME
    partial = input_dir / f".{CONFIG_NAME}.partial"
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return True, problems
