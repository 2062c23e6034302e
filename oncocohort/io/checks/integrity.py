"""Identity checks: unique patients, rows that point to a known patient, one follow-up row per patient,
no doubled lesion measurements or assessments, and age or birth date for every patient."""

from __future__ import annotations

from .context import CheckContext

_KEYS = {
    "lesions": ("patient_id", "assessment_date", "lesion_id"),
    "responses": ("patient_id", "assessment_date"),
    "followup": ("patient_id",),
}


def check_unique_patients(ctx: CheckContext) -> None:
    """patient_id must be unique in patients: each repeat is an error naming the first row."""
    patients = ctx.tables["patients"]
    known = patients[patients["patient_id"].notna()]
    first_row = known.groupby("patient_id")["source_row"].transform("min")
    repeats = known[known["source_row"] != first_row]
    ctx.flag("error", "patient.duplicate_id", "patients", repeats, "patient_id",
             [f"patient_id is already used in row {r}; each patient has one row" for r in first_row[repeats.index]])


def check_known_patients(ctx: CheckContext) -> None:
    """Every row of every other table must name a patient listed in patients."""
    ids = set(ctx.tables["patients"]["patient_id"].dropna())
    for name, frame in ctx.tables.items():
        if name == "patients":
            continue
        unknown = frame[frame["patient_id"].notna() & ~frame["patient_id"].isin(ids)]
        ctx.flag("error", "patient.unknown_id", name, unknown, "patient_id",
                 "this patient_id is not in the patients table")


def check_duplicate_records(ctx: CheckContext) -> None:
    """One follow-up row per patient; one measurement per lesion per date; one response per date."""
    for name, keys in _KEYS.items():
        if not ctx.has(name):
            continue
        frame = ctx.tables[name].dropna(subset=list(keys))
        first_row = frame.groupby(list(keys))["source_row"].transform("min")
        repeats = frame[frame["source_row"] != first_row]
        what = {"followup": "this patient already has a follow-up row",
                "lesions": "this lesion already has a measurement on this date",
                "responses": "this patient already has a response on this date"}[name]
        ctx.flag("error", f"{name}.duplicate", name, repeats, keys[-1],
                 [f"{what} (row {r})" for r in first_row[repeats.index]])


def check_followup_complete(ctx: CheckContext) -> None:
    """Every patient who started treatment needs a follow-up row (vital status) for OS and censoring."""
    treated = set(ctx.tables["treatments"]["patient_id"].dropna())
    with_followup = set(ctx.tables["followup"]["patient_id"].dropna())
    patients = ctx.tables["patients"]
    missing = patients[patients["patient_id"].isin(treated - with_followup)]
    ctx.flag("error", "followup.missing", "patients", missing, "patient_id",
             "this treated patient has no row in followup (last known alive date / death date)")


def check_age_or_birth_date(ctx: CheckContext) -> None:
    """Each patient needs age or birth_date."""
    patients = ctx.tables["patients"]
    unreadable = ctx.unreadable("patients", "age") | ctx.unreadable("patients", "birth_date")
    neither = patients[patients["age"].isna() & patients["birth_date"].isna()
                       & ~patients["source_row"].isin(unreadable)]
    ctx.flag("error", "patient.no_age", "patients", neither, "age", "give age or birth_date for every patient")
