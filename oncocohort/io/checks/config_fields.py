"""Checks of study.toml against the data: fields named in eligibility, subgroups and Cox covariates exist,
and values written for an enumerated column are among its allowed values; the response source exists."""

from __future__ import annotations

from ..config import CONFIG_NAME
from ..schema import DERIVED_FIELDS, PATIENTS
from .context import CheckContext


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


def _error(ctx: CheckContext, section: str, key: str, line: int | None, value, message: str) -> None:
    ctx.log.error("config.unknown_field", message, source=CONFIG_NAME, table=section, row=line, column=key,
                  value=value)


def check_named_fields(ctx: CheckContext) -> None:
    """Eligibility fields, subgroup fields and Cox covariates must exist; enumerated values must be allowed."""
    if ctx.config is None:
        return
    for criterion in ctx.config.eligibility.criteria:
        problem = _field_problem(ctx, criterion.field)
        if problem:
            _error(ctx, "eligibility.criteria", "field", criterion.line, criterion.field, problem)
            continue
        spec = PATIENTS.column(criterion.field)
        if spec is not None and spec.kind == "enum" and criterion.value is not None:
            values = criterion.value if isinstance(criterion.value, list) else [criterion.value]
            wrong = [v for v in values if str(v).casefold() not in spec.allowed]
            if wrong:
                ctx.log.error("config.not_allowed", f"{criterion.field} takes only: {', '.join(spec.allowed)}",
                              source=CONFIG_NAME, table="eligibility.criteria", row=criterion.line, column="value",
                              value=", ".join(map(str, wrong)))
    for subgroup in ctx.config.analysis.subgroups:
        problem = _field_problem(ctx, subgroup.field)
        if problem:
            _error(ctx, "analysis.subgroups", "field", subgroup.line, subgroup.field, problem)
    for covariate in ctx.config.analysis.cox_covariates:
        problem = _field_problem(ctx, covariate)
        if problem:
            _error(ctx, "analysis", "cox_covariates", None, covariate, problem)


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
