"""Validate predicts the report: the cohort a valid study would give, before any analysis.

``oncocohort validate`` runs the first steps of the pipeline (data cutoff → index date → subject fields →
eligibility, :func:`derive.analysis_datasets.screen_patients`, the very code ``derive`` and ``report`` run) and says
how many patients would be included. When nobody would be, it is an error that names the cause: the regimen when no
remaining patient received a regimen drug (before the cutoff), otherwise the first criterion that leaves nobody,
with what the data hold for its field. ``report`` stops with the same message. Eligibility's missing-data errors
(``missing = "error"``) are problems here too, so that ``validate`` passes only what ``report`` accepts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ..io.config import CONFIG_NAME, Criterion
from ..io.problems import Problem, ProblemLog, display_value
from ..io.study import Study
from .analysis_datasets import REGIMEN_STEP, Screening, screen_patients

NOBODY_RULE = "eligibility.nobody_included"
MISSING_RULE = "eligibility.missing_value"
_VALUES_SHOWN = 5


@dataclass(frozen=True)
class CohortPreview:
    """What eligibility would do: patients screened and included, exclusions per criterion, and problems (errors
    when nobody would be included or a criterion's missing policy is ``error``)."""

    screened: int
    included: int
    excluded_by: tuple[tuple[str, int], ...]  # (criterion label, patients excluded), steps that exclude someone
    problems: tuple[Problem, ...]

    def summary(self) -> str:
        """One line, e.g. ``eligibility: 12 screened, 5 would be included (ECOG 0-2: 3 excluded; ...)``."""
        steps = "; ".join(f"{label}: {n} excluded" for label, n in self.excluded_by)
        return (f"eligibility: {self.screened} screened, {self.included} would be included"
                + (f" ({steps})" if steps else ""))

    def as_dict(self) -> dict:
        return {"screened": self.screened, "included": self.included,
                "excluded_by": [{"criterion": label, "n_excluded": n} for label, n in self.excluded_by]}


def _toml_value(value: object) -> str:
    """A criterion's value as written in study.toml: 'text', 18, 2021-01-01, [0, 2]."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return f"'{value}'"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _criterion_text(criterion: Criterion) -> str:
    """``age >= 18``, ``ecog between [0, 2]``, ``histology_group in ['SS', 'LMS']``."""
    value = "" if criterion.operator in ("is missing", "is not missing") else f" {_toml_value(criterion.value)}"
    return f"{criterion.field} {criterion.operator}{value}"


def _counted(values: list[str], unit: str) -> str:
    """``doxorubicin (12 rows), ifosfamide (3 rows)``: the most frequent values first, at most five."""
    counts = Counter(values).most_common()
    shown = ", ".join(f"{v} ({n} {unit}{'s' if n > 1 else ''})" for v, n in counts[:_VALUES_SHOWN])
    return shown + (f" and {len(counts) - _VALUES_SHOWN} more" if len(counts) > _VALUES_SHOWN else "")


def _regimen_message(study: Study, screening: Screening, patients: list[str]) -> str:
    """Why none of ``patients`` has an index date: no treatment row, no regimen drug recorded, every regimen start
    after the data cutoff, or (``index_date = "all_components_started"``) not every component started."""
    regimen = study.config.regimen
    components = "; ".join(f"{label} = {', '.join(drugs)}" for label, drugs in regimen.components)
    who = "no patient" if len(patients) == len(screening.fields) else f"none of the {len(patients)} patients left"

    def regimen_rows(treatments: pd.DataFrame) -> pd.DataFrame:
        rows = treatments[treatments["patient_id"].isin(patients)].dropna(subset=["drug"])
        return rows[rows["drug"].str.casefold().isin(regimen.drugs)]

    recorded = study.tables["treatments"]
    recorded = recorded[recorded["patient_id"].isin(patients)].dropna(subset=["drug"])
    no_index = "so no one has an index date (regimen start) to analyse from"
    if recorded.empty:
        return f"no patient is included: {who} has a row in the treatments table, {no_index}"
    if regimen_rows(recorded).empty:
        return (f"no patient is included: {who} received a drug of the regimen ([regimen.components] {components}), "
                f"{no_index}; treatments.drug holds {_counted(recorded['drug'].tolist(), 'row')} — check the drug "
                "names in [regimen.components] of study.toml")
    if regimen_rows(screening.tables["treatments"]).empty:
        return (f"no patient is included: {who} started a regimen drug on or before the data cutoff "
                f"{study.config.study.data_cutoff} ([study] data_cutoff; later treatment starts are cut), {no_index}")
    return (f"no patient is included: {who} started every component of the regimen ([regimen] index_date = "
            f"\"{regimen.index_date}\"; components: {components}), {no_index}")


def _field_hint(study: Study, screening: Screening, criterion: Criterion, patients: list[str]) -> str:
    """What the data hold for the criterion's field among ``patients``, with the usual cause for derived fields."""
    field = criterion.field
    values = screening.fields.loc[patients, field] if field in screening.fields else pd.Series(
        pd.NA, index=patients, dtype=object)
    shown = _counted(values.map(lambda v: "blank" if pd.isna(v) else display_value(v)).tolist(), "patient")
    if field == "baseline_target_lesions":
        if study.tables.get("lesions", pd.DataFrame()).empty:
            source = ("the study records responses only ([response] criteria = \"recorded\")"
                      if study.config.response.criteria == "recorded" else "the lesions table has no rows")
            return (f"there are no lesion measurements — {source} — so baseline_target_lesions is 0 for every "
                    "patient; remove this criterion or add lesion measurements")
        if screening.tables.get("lesions", pd.DataFrame()).empty:
            return (f"every lesion assessment is after the data cutoff {study.config.study.data_cutoff}, so "
                    "baseline_target_lesions is 0 for every patient")
        window = study.config.response.baseline_window_days
        return (f"baseline_target_lesions is {shown}; a measurable target lesion is present at a scan on or up to "
                f"{window} days before the index date ([response] baseline_window_days) and measures ≥ 10 mm "
                "(a node: short axis ≥ 15 mm)")
    if values.isna().all():
        return (f"{field} is blank for all of them and a blank value excludes the patient ([eligibility] missing "
                "or the criterion's missing = \"exclude\")")
    return f"{field} is {shown}"


def _nobody_included(study: Study, screening: Screening) -> tuple[str, Criterion | None]:
    """The message for a cohort of nobody and the criterion it blames (None: the regimen)."""
    fields, result = screening.fields, screening.eligibility
    criteria = study.config.eligibility.criteria + (REGIMEN_STEP,)
    remaining = list(fields.index)
    for step, criterion in zip(result.steps, criteria):
        gone = set(step.excluded_ids) | set(step.missing_excluded_ids)
        if remaining and not [p for p in remaining if p not in gone]:
            if criterion is REGIMEN_STEP or fields.loc[remaining, "index_date"].isna().all():
                return _regimen_message(study, screening, remaining), None
            line = f", study.toml line {criterion.line}" if criterion.line else ""
            how = (f"{step.n_excluded} fail it" if not step.n_excluded_missing else
                   f"{step.n_excluded} fail it and {step.n_excluded_missing} have no value")
            return (f"no patient is included: criterion {step.step} \"{criterion.label}\" "
                    f"({_criterion_text(criterion)}{line}) excludes all {step.n_at_step} patients left at that step "
                    f"({how}); {_field_hint(study, screening, criterion, remaining)}"), criterion
        remaining = [p for p in remaining if p not in gone]
    return "no patient is included: the patients table has no patients", None


def nobody_included_message(study: Study, screening: Screening | None = None) -> str:
    """The message ``validate`` and ``report`` give when eligibility leaves nobody (see :func:`preview_cohort`)."""
    return _nobody_included(study, screening or screen_patients(study))[0]


def preview_cohort(study: Study) -> CohortPreview:
    """Run eligibility on a valid study (:func:`screen_patients`) and report, as problems, what would stop the
    report: nobody included (rule ``eligibility.nobody_included``, pointing at the criterion or the regimen) and
    missing values under a criterion whose missing policy is ``error`` (``eligibility.missing_value``)."""
    screening = screen_patients(study)
    result = screening.eligibility
    log = ProblemLog()
    criteria = study.config.eligibility.criteria
    for error in result.errors:  # "criterion N (label): ..." (derive.eligibility)
        criterion = criteria[int(re.match(r"criterion (\d+)", error).group(1)) - 1]
        log.error(MISSING_RULE, error + " — the criterion's missing policy is \"error\": fill the values in or "
                  "choose missing = \"exclude\" or \"include\"", source=CONFIG_NAME, table="eligibility.criteria",
                  row=criterion.line, column="missing", value=criterion.missing or study.config.eligibility.missing)
    if result.screened and not result.included:
        message, criterion = _nobody_included(study, screening)
        if criterion is None:
            log.error(NOBODY_RULE, message, source=CONFIG_NAME, table="regimen.components")
        else:
            log.error(NOBODY_RULE, message, source=CONFIG_NAME, table="eligibility.criteria", row=criterion.line,
                      column="field", value=criterion.field)
    excluded_by = tuple((s.label, s.n_excluded + s.n_excluded_missing) for s in result.steps
                        if s.n_excluded + s.n_excluded_missing)
    return CohortPreview(len(result.screened), len(result.included), excluded_by, tuple(log.problems))
