"""``oncocohort init``: a fill-in study folder — a commented study.toml and a study.xlsx template.

The study.toml has placeholders (``"<...>"``) for everything a study must decide; ``validate`` refuses each until it
is replaced, and :func:`settings_to_edit` lists them for ``init`` to print. The workbook has one sheet per table with
its column names in row 1 (bold, frozen), Excel drop-down lists for enumerated columns, date and number validation,
date-formatted date columns, and a ``README`` sheet explaining every column. With ``example=True`` study.toml is a
complete worked example and the tables hold two example patients: together they validate cleanly.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CONFIG_NAME, read_config_text
from .problems import Problem, ProblemLog
from .schema import EXAMPLE_ROWS, TABLES, ColumnSpec, TableSpec
from .sources import WORKBOOK_NAME

if TYPE_CHECKING:  # openpyxl is imported where a workbook is written
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

TEMPLATE_ROWS = 1000  # rows that carry drop-downs and validation in each sheet

# the seed study's eligibility criteria (Methods), shared by the template and the demo study
ELIGIBILITY_CRITERIA_TOML = '''[[eligibility.criteria]]
kind = "include"
label = "Distant metastasis"
field = "metastatic"
operator = "=="
value = "yes"

[[eligibility.criteria]]
kind = "include"
label = "Age 18 years or older"
field = "age"
operator = ">="
value = 18

[[eligibility.criteria]]
kind = "include"
label = "ECOG performance status 0-2"
field = "ecog"
operator = "between"
value = [0, 2]

[[eligibility.criteria]]
kind = "include"
label = "At least one prior systemic therapy line"
field = "prior_systemic_lines"
operator = ">="
value = 1

[[eligibility.criteria]]
kind = "include"
label = "At least one measurable target lesion (RECIST 1.1)"
field = "baseline_target_lesions"
operator = ">="
value = 1

[[eligibility.criteria]]
kind = "exclude"
label = "GIST, osteosarcoma or Ewing sarcoma"
field = "histology"
operator = "in"
value = ["Gastrointestinal stromal tumor", "Osteosarcoma", "Ewing sarcoma"]

[[eligibility.criteria]]
kind = "exclude"
label = "Active brain metastases"
field = "brain_metastases"
operator = "=="
value = "active"

[[eligibility.criteria]]
kind = "exclude"
label = "Active autoimmune disease"
field = "autoimmune_disease"
operator = "=="
value = "active"
'''

EXAMPLE_STUDY_TOML = '''\
# study.toml — settings of one oncocohort study. Lines starting with # are comments.
# A WORKED EXAMPLE (a sarcoma study): every setting below is the example study's, not yours. For your own
# study start from `oncocohort init DIR`, whose placeholders validate refuses until you fill them in.
# Full reference: docs/data-format.md. Nothing here is run as code.

[study]
title = "Anlotinib plus PD-1 inhibitors in previously treated metastatic soft-tissue sarcoma (worked example)"
data_cutoff = 2022-05-15          # a date, YYYY-MM-DD, no quotes; later records are cut and counted
time_unit = "months"              # days | weeks | months | years (months = days / 30.4375)
# date_format = "DD/MM/YYYY"      # only if the tables hold day/month text dates; ISO dates need nothing
# not_collected = ["ecog"]        # required patients columns your source never held (imports); left blank

[regimen]
name = "Anlotinib + PD-1 inhibitor"
index_date = "first_dose"         # first_dose | all_components_started
cycle_days = 21

[regimen.components]              # component = the drugs that count for it (names as in treatments.drug)
anlotinib = ["anlotinib"]
"PD-1 inhibitor" = ["sintilimab", "camrelizumab", "pembrolizumab"]

[eligibility]
missing = "exclude"               # a patient with missing data for a criterion: exclude | include | error

''' + ELIGIBILITY_CRITERIA_TOML + '''
[response]
criteria = "recist1.1"            # recist1.1 | irecist | choi | recorded
confirmation = false              # true: CR/PR must be confirmed by a later scan
confirmation_min_days = 28
sd_min_days = 42                  # SD counts as best response only this long after the index date
baseline_window_days = 28         # baseline scan: last one on or before the index date, within this window

[analysis]
landmarks = [12, 24]              # landmark survival times, in time_unit
cox_covariates = ["ecog", "histology_group"]
ci_method = "clopper-pearson"     # clopper-pearson | wilson | wilson-cc | jeffreys | agresti-coull
km_conf_type = "log-log"          # log (R default) | log-log (SAS default) | plain
median_ci = "survfit"             # survfit (R) | spss
ties = "efron"                    # efron | breslow
firth = "auto"                    # auto (Firth Cox when a coefficient is infinite) | always | never
conf_level = 0.95

[analysis.historical_rates]       # exact binomial test of ORR against a historical rate
orr = 0.13

[[analysis.subgroups]]                # a field alone, or a field with named groups of its values
field = "histology_group"
label = "Histological subtype"
# reference = "LPS"                   # the Cox reference level; default the first level (here the largest group)

[[analysis.subgroups]]
field = "ecog"
label = "ECOG performance status"
groups = { "0-1" = [0, 1], "2" = [2] }

[endpoints]                       # censoring rules (docs/endpoints.md; FDA 2018 guidance)
censor_at_new_therapy = true      # PFS censored at the last assessment before a new anticancer therapy
# death_window_days = 84          # death without any tumour assessment counts as PFS event only this early
# missed_assessments = 2          # PD/death after this many missed scans is censored at the last one ...
# assessment_interval_days = 42   # ... given the scheduled interval between scans
clinical_benefit_weeks = 24       # clinical benefit = CR/PR, or SD lasting at least this long

[adverse_events]
ctcae_version = "5.0"             # 5.0 | 6.0
treatment_emergent_days = 30      # TEAE window after the last dose
unknown_terms = "error"           # error | warning for terms not in CTCAE

# [adjusted]                      # optional: confounding-adjusted PFS/OS of two levels of one field
# exposure = "starting_dose:anlotinib"
# levels = ["12", "10"]           # the compared group first, the reference second
# confounders = ["ecog", "histology_group"]   # the propensity-score model
# method = "iptw"                 # iptw (weighting) | matching (nearest neighbour, ATT)
# estimand = "ate"                # iptw: ate | att
# stabilized = false              # iptw: stabilised weights (ate only)
# caliper = 0.2                   # matching: largest score difference, in SDs of the score (default none)
# ratio = 1                       # matching: controls per treated patient

# [esmo_mcbs]                     # optional: the setting ESMO-MCBS Form 3 needs (docs/esmo-mcbs.md)
# setting = "orphan disease"      # orphan disease | high unmet need
'''

# What `oncocohort init` writes: what a study must decide (title, cutoff, regimen, criteria, Cox covariates, historical
# rates, subgroups) is a "<placeholder>" that validate refuses (io/config.py PLACEHOLDER) until the user writes theirs.
BLANK_STUDY_TOML = '''\
# study.toml — settings of one oncocohort study. Lines starting with # are comments.
# Values written "<like this>" are placeholders: `oncocohort validate` refuses the study until each one is replaced
# by your study's own value (or deleted where the comment says so). A complete worked example:
# `oncocohort init DIR --example`. Full reference: docs/data-format.md. Nothing here is run as code.

[study]
title = "<title of your study>"
data_cutoff = "<YYYY-MM-DD>"      # the date the data were frozen, e.g. data_cutoff = 2023-12-31 (no quotes)
time_unit = "months"              # days | weeks | months | years (months = days / 30.4375)
# date_format = "DD/MM/YYYY"      # only if the tables hold day/month text dates; ISO dates need nothing
# not_collected = ["ecog"]        # required patients columns your source never held (imports); left blank

[regimen]
name = "<name of the regimen, e.g. Drug A + drug B>"
index_date = "first_dose"         # first_dose | all_components_started
cycle_days = "<days per cycle, e.g. 21; delete the line if the regimen has no cycles>"

[regimen.components]              # one line per component: label = the drugs that count for it, as written in
                                  # treatments.drug, e.g.  anlotinib = ["anlotinib"]
                                  #                        "PD-1 inhibitor" = ["sintilimab", "camrelizumab"]
"<component>" = ["<drug name as in treatments.drug>"]

[eligibility]
missing = "exclude"               # a patient with missing data for a criterion: exclude | include | error

# One [[eligibility.criteria]] block per criterion of your protocol, in the protocol's order. Examples:
#   kind = "include", label = "Age 18 years or older", field = "age", operator = ">=", value = 18
#   kind = "include", label = "ECOG 0-2", field = "ecog", operator = "between", value = [0, 2]
#   kind = "exclude", label = "Active brain metastases", field = "brain_metastases", operator = "==",
#     value = "active"
# field: a patients column or a derived field (docs/data-format.md); operator: == != < <= > >= in "not in"
# between "is missing" "is not missing". Delete the block below if the study has no criteria.
[[eligibility.criteria]]
kind = "include"                  # include | exclude
label = "<the criterion in words>"
field = "<patients column or derived field>"
operator = "<operator>"
value = "<value>"

[response]
criteria = "recist1.1"            # recist1.1 | irecist | choi | recorded
confirmation = false              # true: CR/PR must be confirmed by a later scan
confirmation_min_days = 28
sd_min_days = 42                  # SD counts as best response only this long after the index date
baseline_window_days = 28         # baseline scan: last one on or before the index date, within this window

[analysis]
landmarks = [12, 24]              # landmark survival times, in time_unit
cox_covariates = ["<patients column or derived field>"]   # e.g. ["ecog", "histology_group"], or [] for none
ci_method = "clopper-pearson"     # clopper-pearson | wilson | wilson-cc | jeffreys | agresti-coull
km_conf_type = "log-log"          # log (R default) | log-log (SAS default) | plain
median_ci = "survfit"             # survfit (R) | spss
ties = "efron"                    # efron | breslow
firth = "auto"                    # auto (Firth Cox when a coefficient is infinite) | always | never
conf_level = 0.95

[analysis.historical_rates]       # exact binomial test of ORR (or DCR) against a historical rate
orr = "<historical ORR as a proportion, e.g. 0.13; delete the line if there is none>"

[[analysis.subgroups]]            # one block per subgroup: a field alone, or with named groups of its values,
                                  # e.g. field = "ecog", label = "ECOG", groups = { "0-1" = [0, 1], "2" = [2] }
                                  # levels are listed in the groups' order, else numbers by value, else most
                                  # patients first (ties alphabetically, "Other" last) — in every table and figure
field = "<patients column or derived field; delete the block for no subgroups>"
label = "<label in tables>"
# reference = "<Cox reference level: a group name or a value; default the first level listed>"

[endpoints]                       # censoring rules (docs/endpoints.md; FDA 2018 guidance)
censor_at_new_therapy = true      # PFS censored at the last assessment before a new anticancer therapy
# death_window_days = 84          # death without any tumour assessment counts as PFS event only this early
# missed_assessments = 2          # PD/death after this many missed scans is censored at the last one ...
# assessment_interval_days = 42   # ... given the scheduled interval between scans
clinical_benefit_weeks = 24       # clinical benefit = CR/PR, or SD lasting at least this long

[adverse_events]
ctcae_version = "5.0"             # 5.0 | 6.0
treatment_emergent_days = 30      # TEAE window after the last dose
unknown_terms = "error"           # error | warning for terms not in CTCAE

# [adjusted]                      # optional: confounding-adjusted PFS/OS of two levels of one field
# exposure = "starting_dose:anlotinib"
# levels = ["12", "10"]           # the compared group first, the reference second
# confounders = ["ecog", "histology_group"]   # the propensity-score model
# method = "iptw"                 # iptw (weighting) | matching (nearest neighbour, ATT)
# estimand = "ate"                # iptw: ate | att
# stabilized = false              # iptw: stabilised weights (ate only)
# caliper = 0.2                   # matching: largest score difference, in SDs of the score (default none)
# ratio = 1                       # matching: controls per treated patient

# [esmo_mcbs]                     # optional: the setting ESMO-MCBS Form 3 needs (docs/esmo-mcbs.md)
# setting = "orphan disease"      # orphan disease | high unmet need
'''

# Kept under its former name: tests and other modules use the worked example as a complete study.toml.
STUDY_TOML = EXAMPLE_STUDY_TOML

# openpyxl is imported where a workbook is written (it takes a noticeable part of every command's start-up)
_HEADER_FONT = {"bold": True}
_HEADER_FILL = {"patternType": "solid", "fgColor": "DDE4EE"}
_REQUIRED_FONT = {"bold": True, "color": "8B0000"}


def _cell_value(column: ColumnSpec, value: object) -> object:
    if value is None:
        return None
    if column.kind == "date":
        return dt.date.fromisoformat(str(value))
    return value


def _validation(column: ColumnSpec, letter: str) -> DataValidation | None:
    """The Excel data validation for a column: drop-down, date, whole number or decimal."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.kind == "enum":
        rule = DataValidation(type="list", formula1='"' + ",".join(column.allowed) + '"', allow_blank=True)
        rule.error = f"{column.name} must be one of: {', '.join(column.allowed)}"
    elif column.kind == "date":
        rule = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)",
                              formula2="DATE(2100,12,31)", allow_blank=True)
        rule.error = f"{column.name} must be a date (YYYY-MM-DD)"
    elif column.kind in ("integer", "number") and column.minimum is not None:
        kind = "whole" if column.kind == "integer" else "decimal"
        if column.maximum is not None:
            rule = DataValidation(type=kind, operator="between", formula1=str(column.minimum),
                                  formula2=str(column.maximum), allow_blank=True)
        else:
            rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(column.minimum),
                                  allow_blank=True)
        rule.error = f"{column.name} must be a {'whole ' if kind == 'whole' else ''}number" + (
            f" from {column.minimum:g}" + (f" to {column.maximum:g}" if column.maximum is not None else ""))
    else:
        return None
    rule.errorTitle = "Value not allowed"
    rule.showErrorMessage = True
    rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    return rule


def _table_sheet(workbook: Workbook, spec: TableSpec, example: bool) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(**(_REQUIRED_FONT if column.required else _HEADER_FONT))
        cell.fill = PatternFill(**_HEADER_FILL)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        if column.kind == "date":
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        rule = _validation(column, letter)
        if rule is not None:
            sheet.add_data_validation(rule)
    if example:
        for row_index, row in enumerate(EXAMPLE_ROWS[spec.name], start=2):
            for index, column in enumerate(spec.columns, start=1):
                sheet.cell(row=row_index, column=index, value=_cell_value(column, row.get(column.name)))
    sheet.freeze_panes = "A2"


def _readme_sheet(workbook: Workbook) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.active
    sheet.title = "README"
    sheet.append(["oncocohort study workbook: one sheet per table, column names in row 1 (dark red = required). "
                  "Dates as YYYY-MM-DD. See docs/data-format.md."])
    sheet.append([])
    header = ["table", "column", "required", "type", "unit", "allowed values", "description"]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(**_HEADER_FONT)
        cell.fill = PatternFill(**_HEADER_FILL)
    for spec in TABLES:
        for column in spec.columns:
            sheet.append([spec.name, column.name, "yes" if column.required else "no", column.type_label,
                          column.unit or "", ", ".join(column.allowed), column.description])
    for letter, width in zip("ABCDEFG", (16, 28, 10, 18, 8, 44, 90)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        row[6].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A4"


def settings_to_edit(text: str = BLANK_STUDY_TOML) -> list[Problem]:
    """The placeholders of a study.toml text, each a problem with its line and what to write (for ``init``)."""
    log = ProblemLog()
    read_config_text(text, log)
    return [p for p in log.problems if p.rule == "config.placeholder"]


def write_template(folder: str | Path, *, example: bool = False, layout: str = "xlsx",
                   overwrite: bool = False) -> list[Path]:
    """Write study.toml and the study workbook (or one CSV per table) into ``folder``.

    Refuses to overwrite existing study files unless ``overwrite``; returns the paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / CONFIG_NAME] + (
        [folder / WORKBOOK_NAME] if layout == "xlsx" else [folder / f"{t.name}.csv" for t in TABLES]
    )
    existing = [p for p in targets if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(", ".join(str(p) for p in existing))
    (folder / CONFIG_NAME).write_text(EXAMPLE_STUDY_TOML if example else BLANK_STUDY_TOML, encoding="utf-8")
    if layout == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        _readme_sheet(workbook)
        for spec in TABLES:
            _table_sheet(workbook, spec, example)
        workbook.save(folder / WORKBOOK_NAME)
    else:
        for spec in TABLES:
            with (folder / f"{spec.name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(spec.column_names)
                for row in EXAMPLE_ROWS[spec.name] if example else []:
                    writer.writerow(["" if row.get(c) is None else row.get(c) for c in spec.column_names])
    return targets
