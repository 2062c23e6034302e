"""Checks of study.toml against the data, before any derivation: every field named in eligibility, subgroups and
Cox covariates exists and is of a type its use makes sense for (no ``>=`` on text, no date compared with a number,
no value outside the column's range, no date as a subgroup); subgroup groups match values the patients have;
the response source exists. One message each, with its line."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..config import CONFIG_NAME, Criterion, Subgroup
from ..post_index import post_index_message
from ..schema import DERIVED_FIELDS, PATIENTS, ColumnSpec
from .context import CheckContext

MAX_UNGROUPED_LEVELS = 10  # a numeric subgroup without groups and more values than this is a continuous variable
_ORDERING = ("<", "<=", ">", ">=", "between")
# kinds of the derived fields (schema.DERIVED_FIELDS), as the derive layer computes them
_DERIVED_KINDS = {"baseline_target_lesions": "integer", "received_regimen": "enum", "starting_dose": "number",
                  "component_drug": "text"}
_KIND_WORDS = {"number": "a number", "integer": "a whole number", "date": "a date", "text": "text", "id": "text",
               "enum": "text"}


def _post_index_problem(field: str, role: str) -> str | None:
    """The refusal of a field describing something after the index date (io/post_index.py), or None."""
    return post_index_message(field, role, "the report's overall survival by response from [analysis] "
                              "response_landmark", "a Cox model on (start, stop] rows: oncocohort survival --start "
                              "--stop")


def _field_problem(ctx: CheckContext, field: str) -> str | None:
    """Why ``field`` is not usable, or None. Fields: patients columns (incl. covariates) or derived fields."""
    patients = ctx.tables["patients"]
    columns = set(patients.columns) - {"source_row"}
    if field in ctx.config.study.not_collected and patients[field].isna().all():
        return (f"'{field}' was not collected ([study] not_collected) and is blank for every patient; "
                "remove it here or fill it in")
    if field in columns:
        return None
    name, _, argument = field.partition(":")
    if name in DERIVED_FIELDS:
        if name in ("starting_dose", "component_drug"):
            regimen = ctx.config.regimen
            options = regimen.drugs if name == "starting_dose" else tuple(label for label, _ in regimen.components)
            if argument.casefold() not in {o.casefold() for o in options}:
                return (f"'{name}' needs a regimen {'drug' if name == 'starting_dose' else 'component'} after a "
                        f"colon, one of: {', '.join(options)} (e.g. '{name}:{options[0] if options else 'x'}')")
        return None
    known = sorted(columns) + sorted(DERIVED_FIELDS)
    return f"'{field}' is neither a patients column nor a derived field (known: {', '.join(known)})"


def field_kind(ctx: CheckContext, field: str) -> tuple[str, ColumnSpec | None]:
    """How a usable field's values are typed: ``number``, ``integer``, ``date``, ``text``, ``enum`` or ``id``, and
    its column specification when it is a schema column (for allowed values and bounds)."""
    spec = PATIENTS.column(field)
    if spec is not None:
        return spec.kind, spec
    name = field.partition(":")[0]
    if name in _DERIVED_KINDS and field not in ctx.tables["patients"].columns:
        return _DERIVED_KINDS[name], None
    covariate = ctx.tables["patients"][field]
    return ("number" if pd.api.types.is_numeric_dtype(covariate) else "text"), None


def _value_kind(value: object) -> str:
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    return "text"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _type_problem(field: str, kind: str, value: object) -> str | None:
    """Why ``value`` cannot be compared with the values of a ``kind`` field, or None."""
    given = _value_kind(value)
    if kind in ("number", "integer"):
        if given == "text" and _looks_numeric(value):
            return f"{field} is a number: write {value} without quotes"
        if given != "number":
            return f"{field} is {_KIND_WORDS[kind]}; {value!r} is {'a date' if given == 'date' else 'text'}"
    elif kind == "date":
        if given == "text" and _looks_like_date(value):
            return f"{field} is a date: write {value.strip()} without quotes"
        if given != "date":
            return f"{field} is a date: compare it with a date written YYYY-MM-DD (no quotes), not {value!r}"
    elif given != "text":
        return (f"{field} is text: write the value in quotes, \"{value}\" (a number or date never equals a text "
                "value, so the criterion would match nobody)")
    return None


def _looks_like_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _range_problem(field: str, kind: str, spec: ColumnSpec | None, value: object) -> str | None:
    """Why a number is outside what the column can hold (schema bounds, whole numbers), or None."""
    if spec is None or _value_kind(value) != "number":
        return None
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low:g}" + (f" to {high:g}" if high is not None else "")
        return f"{field} runs {bounds}: {value:g} lies outside, so the comparison is the same for every patient"
    if kind == "integer" and float(value) != int(value):
        return f"{field} is a whole number: {value:g} equals no patient's value"
    return None


def _config_error(ctx: CheckContext, rule: str, section: str, key: str, line: int | None, value, message: str) -> None:
    ctx.log.error(rule, message, source=CONFIG_NAME, table=section, row=line, column=key, value=value)


def _check_criterion(ctx: CheckContext, criterion: Criterion) -> None:
    """A criterion's operator and value against its field's kind, allowed values and range (one message)."""
    kind, spec = field_kind(ctx, criterion.field)
    where = dict(section="eligibility.criteria", line=criterion.line)
    op = criterion.operator
    if op in ("is missing", "is not missing"):
        return
    if op in _ORDERING and kind in ("text", "enum", "id"):
        _config_error(ctx, "config.field_type", key="operator", value=op, message=(
            f"{criterion.field} is text: '{op}' compares numbers or dates; use ==, !=, in or not in"), **where)
        return
    if op == "between" and kind == "date":
        _config_error(ctx, "config.field_type", key="operator", value=op, message=(
            f"{criterion.field} is a date: 'between' takes numbers; write two criteria, '>=' and '<=', with dates "
            "YYYY-MM-DD"), **where)
        return
    values = criterion.value if isinstance(criterion.value, list) else [criterion.value]
    for value in values:
        problem = _type_problem(criterion.field, kind, value)
        if problem:
            _config_error(ctx, "config.field_type", key="value", value=value, message=problem, **where)
            return
    if spec is not None and spec.kind == "enum":
        wrong = [v for v in values if str(v).strip().casefold() not in spec.allowed]
        if wrong:
            _config_error(ctx, "config.not_allowed", key="value", value=", ".join(map(str, wrong)),
                          message=f"{criterion.field} takes only: {', '.join(spec.allowed)}", **where)
            return
    for value in values:
        problem = _range_problem(criterion.field, kind, spec, value)
        if problem:
            _config_error(ctx, "config.out_of_range", key="value", value=value, message=problem, **where)
            return


def _level(value: object) -> object:
    """A subgroup value as the analysis groups it: text trimmed; whole numbers without '.0'."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _check_subgroup(ctx: CheckContext, subgroup: Subgroup) -> None:
    """A subgroup's field is a category (not a date, not a continuous number without groups); its groups' values
    are of the field's kind, and each group matches some patient (warned otherwise: a misspelt value empties it)."""
    kind, _ = field_kind(ctx, subgroup.field)
    where = dict(section="analysis.subgroups", line=subgroup.line)
    if kind == "date":
        _config_error(ctx, "config.field_type", key="field", value=subgroup.field, message=(
            f"{subgroup.field} is a date: a subgroup needs categories; add a grouped column to patients"), **where)
        return
    patients = ctx.tables["patients"]
    present = patients[subgroup.field].dropna() if subgroup.field in patients.columns else None
    if not subgroup.groups:
        if present is not None and kind in ("number", "integer") and present.nunique() > MAX_UNGROUPED_LEVELS:
            _config_error(ctx, "config.field_type", key="field", value=subgroup.field, message=(
                f"{subgroup.field} is a number with {present.nunique()} different values: as a subgroup each value "
                "would be its own group; add a grouped column to patients (e.g. age_group) or give groups"), **where)
            return
        if present is not None and subgroup.reference is not None:
            have = sorted({str(_level(v)) for v in present})
            if subgroup.reference not in have:
                _config_error(ctx, "config.reference_unmatched", key="reference", value=subgroup.reference,
                              message=f"no patient has {subgroup.field} = {subgroup.reference!r}: the reference is "
                              f"one of the values in the data ({', '.join(have[:20])})", **where)
        return
    for label, members in subgroup.groups:
        for value in members:
            problem = _type_problem(subgroup.field, kind, value)
            if problem:
                _config_error(ctx, "config.field_type", key="groups", value=value,
                              message=f"group '{label}': {problem}", **where)
                return
    if present is None:
        return
    have = set(present.map(_level))
    for label, members in subgroup.groups:
        unmatched = [v for v in members if _level(v) not in have]
        if len(unmatched) == len(members):
            ctx.log.warning("config.group_unmatched", f"group '{label}' is empty: no patient has {subgroup.field} = "
                            f"{', '.join(map(str, unmatched))} (values in the data: "
                            f"{', '.join(sorted(map(str, have))[:20])}); check the spelling", source=CONFIG_NAME,
                            table="analysis.subgroups", row=subgroup.line, column="groups",
                            value=", ".join(map(str, unmatched)))


def _check_covariate(ctx: CheckContext, covariate: str) -> None:
    kind, _ = field_kind(ctx, covariate)
    if kind == "date":
        _config_error(ctx, "config.field_type", "analysis", "cox_covariates", ctx.config.line("analysis",
                      "cox_covariates"), covariate, f"{covariate} is a date: a Cox covariate is a number or a "
                      "category; use a derived number (e.g. age) instead")


def check_named_fields(ctx: CheckContext) -> None:
    """Eligibility fields, subgroup fields and Cox covariates exist and suit their use."""
    if ctx.config is None:
        return
    for criterion in ctx.config.eligibility.criteria:
        problem = _field_problem(ctx, criterion.field)
        if problem:
            _config_error(ctx, "config.unknown_field", "eligibility.criteria", "field", criterion.line,
                          criterion.field, problem)
        else:
            _check_criterion(ctx, criterion)
    for subgroup in ctx.config.analysis.subgroups:
        post_index = _post_index_problem(subgroup.field, "a subgroup")
        if post_index:
            _config_error(ctx, "config.post_index", "analysis.subgroups", "field", subgroup.line, subgroup.field,
                          post_index)
            continue
        problem = _field_problem(ctx, subgroup.field)
        if problem:
            _config_error(ctx, "config.unknown_field", "analysis.subgroups", "field", subgroup.line, subgroup.field,
                          problem)
        else:
            _check_subgroup(ctx, subgroup)
    for covariate in ctx.config.analysis.cox_covariates:
        post_index = _post_index_problem(covariate, "a Cox covariate")
        if post_index:
            _config_error(ctx, "config.post_index", "analysis", "cox_covariates",
                          ctx.config.line("analysis", "cox_covariates"), covariate, post_index)
            continue
        problem = _field_problem(ctx, covariate)
        if problem:
            _config_error(ctx, "config.unknown_field", "analysis", "cox_covariates",
                          ctx.config.line("analysis", "cox_covariates"), covariate, problem)
        else:
            _check_covariate(ctx, covariate)


def check_response_source(ctx: CheckContext) -> None:
    """Response needs lesions (RECIST/iRECIST/Choi) or responses ('recorded')."""
    criteria = ctx.config.response.criteria if ctx.config else "recist1.1"
    if criteria == "recorded" and not ctx.has("responses"):
        ctx.log.error("table.missing", "[response] criteria = 'recorded' needs a responses table",
                      source=CONFIG_NAME, table="response", column="criteria", value=criteria)
    elif criteria != "recorded" and not ctx.has("lesions") and not ctx.has("responses"):
        ctx.log.error("table.missing", "the study needs a lesions table (or a responses table with "
                      "criteria = 'recorded')", source=ctx.sources.get("patients", "study"), table="lesions")
    elif criteria != "recorded" and not ctx.has("lesions"):
        ctx.log.error("table.missing", f"[response] criteria = '{criteria}' derives response from lesion "
                      "measurements, and there is no lesions table; add it or set criteria = 'recorded'",
                      source=CONFIG_NAME, table="response", column="criteria", value=criteria)
