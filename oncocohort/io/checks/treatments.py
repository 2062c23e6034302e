"""Treatment-record checks: dose units, stop reasons, overlapping periods, regimen drugs."""

from __future__ import annotations

import pandas as pd

from .context import CheckContext


def regimen_start_dates(treatments: pd.DataFrame, regimen_drugs: tuple[str, ...]) -> pd.Series:
    """First start date of any regimen drug per patient (all drugs when the regimen lists none).

    This is the validator's view of the index date, used to find the baseline scan; the derive layer
    applies the full ``[regimen] index_date`` rule.
    """
    drug = treatments["drug"].str.casefold()
    rows = treatments[drug.isin(regimen_drugs)] if regimen_drugs else treatments
    return rows.groupby("patient_id")["start_date"].min()


def check_doses(ctx: CheckContext) -> None:
    """A dose needs its unit."""
    treatments = ctx.tables["treatments"]
    bad = treatments[treatments["dose"].notna() & treatments["dose_unit"].isna()]
    ctx.flag("error", "treatments.dose_without_unit", "treatments", bad, "dose_unit",
             "a dose is given without its unit (e.g. mg)")


def check_stop_reasons(ctx: CheckContext) -> None:
    """reason_stopped is for a finished period: blank while ongoing."""
    treatments = ctx.tables["treatments"]
    bad = treatments[treatments["reason_stopped"].notna() & treatments["end_date"].isna()]
    ctx.flag("error", "treatments.reason_without_end", "treatments", bad, "reason_stopped",
             "reason_stopped is given but end_date is blank (ongoing); give the end date or clear the reason")


def check_overlaps(ctx: CheckContext) -> None:
    """Two dose periods of the same drug for one patient should not overlap (warning)."""
    treatments = ctx.tables["treatments"].dropna(subset=["patient_id", "drug", "start_date"])
    treatments = treatments.assign(_drug=treatments["drug"].str.casefold()).sort_values(
        ["patient_id", "_drug", "start_date", "source_row"])
    previous_end = treatments.groupby(["patient_id", "_drug"])["end_date"].shift()
    previous_row = treatments.groupby(["patient_id", "_drug"])["source_row"].shift()
    ongoing_before = previous_row.notna() & previous_end.isna()
    bad_mask = (treatments["start_date"] <= previous_end) | ongoing_before
    bad = treatments[bad_mask]
    ctx.flag("warning", "treatments.overlap", "treatments", bad, "start_date",
             [f"overlaps the previous period of this drug (row {int(r)})" for r in previous_row[bad_mask]])


def check_regimen_drugs(ctx: CheckContext) -> None:
    """Drugs outside [regimen.components] are reported once each; patients without any regimen drug too."""
    if ctx.config is None or not ctx.config.regimen.drugs:
        return
    treatments = ctx.tables["treatments"].dropna(subset=["drug"])
    drug = treatments["drug"].str.casefold()
    other = treatments[~drug.isin(ctx.config.regimen.drugs)].drop_duplicates(subset=["drug"])
    ctx.flag("warning", "treatments.not_in_regimen", "treatments", other, "drug",
             "this drug is not in [regimen.components] of study.toml; its rows are kept as other therapy "
             "(first row with it shown)")
