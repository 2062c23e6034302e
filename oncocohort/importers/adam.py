"""CDISC ADaM → analysis datasets, without derivation: the sponsor's ADSL, ADRS, ADTTE and ADAE are analysed as
they are (``oncocohort report ADAM_DIR --adam``).

- ADSL: one row per subject; the analysis population is the subjects with ``population`` = "Y" (default SAFFL);
  TRTSDT/TRTEDT are the index and last-dose dates; AGE, SEX (and any variables named in study.toml) are kept.
- ADRS: best overall response from PARAMCD ``BOR`` (``CBOR`` with ``confirmed``), AVALC; a subject of the
  population without one is NE (counted in the report's decisions).
- ADTTE: PARAMCD OS, PFS and DOR (also RSD/DURRSP) → time in days (AVAL, converted from AVALU when given) and
  CNSR: 0 = event, any positive code = censored. ADaM's day counts are kept as the sponsor derived them
  (commonly end − start + 1, one more than oncocohort's own derivation).
- ADAE: treatment-emergent records (TRTEMFL = "Y" when present); AEDECOD, the grade from ATOXGR/AETOXGR (numeric
  part), AREL/AEREL, AESER.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..derive.analysis_datasets import AnalysisDatasets, no_visits
from ..derive.eligibility import AttritionStep, EligibilityResult
from ..derive.time_to_event import DAYS_PER_MONTH
from ..io.config import StudyConfig, StudySettings
from .datasets import ImportFailed, find_dataset, read_dataset
from .sdtm import RELATED, SEX

PARAMCDS = {"OS": "OS", "PFS": "PFS", "DOR": "DOR", "RSD": "DOR", "DURRSP": "DOR"}
DAYS_PER = {"DAYS": 1.0, "DAY": 1.0, "WEEKS": 7.0, "WEEK": 7.0, "MONTHS": DAYS_PER_MONTH, "MONTH": DAYS_PER_MONTH,
            "YEARS": 365.25, "YEAR": 365.25}


def _read(folder: Path, *names: str, required: bool = False) -> pd.DataFrame | None:
    for name in names:
        path = find_dataset(folder, name)
        if path is not None:
            return read_dataset(path)[0]
    if required:
        raise ImportFailed(f"{folder}: no {names[0].upper()} data set ({names[0]}.csv, .xpt or .sas7bdat)")
    return None


def _date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.fillna("").astype(str).str[:10], format="%Y-%m-%d", errors="coerce")


def default_config(adsl: pd.DataFrame, adtte: pd.DataFrame | None) -> StudyConfig:
    """Settings when no study.toml is given: the study id as title, the last ADTTE/ADSL date as data cutoff."""
    dates = [_date(adsl[c]).max() for c in ("TRTEDT", "LSTALVDT", "EOSDT") if c in adsl]
    if adtte is not None and "ADT" in adtte:
        dates.append(_date(adtte["ADT"]).max())
    dates = [d for d in dates if pd.notna(d)]
    study_id = ", ".join(sorted(set(adsl.get("STUDYID", pd.Series(dtype=object)).dropna()))) or "ADaM study"
    return StudyConfig(StudySettings(title=f"{study_id} (ADaM)", data_cutoff=max(dates).date() if dates
                                     else dt.date.today()))


def adam_datasets(folder: str | Path, config: StudyConfig | None = None, population: str = "SAFFL",
                  confirmed: bool = False) -> tuple[AnalysisDatasets, StudyConfig, list[str]]:
    """ADaM data sets in ``folder`` → (analysis datasets, settings, notes on what was assumed)."""
    folder = Path(folder)
    adsl = _read(folder, "adsl", required=True)
    adrs = _read(folder, "adrs", "adrs_onco")
    adtte = _read(folder, "adtte", "adtte_onco")
    adae = _read(folder, "adae")
    config = config or default_config(adsl, adtte)
    notes = []
    if population not in adsl:
        raise ImportFailed(f"{folder}: ADSL has no population flag {population} (use --population, e.g. ITTFL)")
    subjects = pd.DataFrame({"patient_id": adsl["USUBJID"]})
    subjects["age"] = pd.to_numeric(adsl.get("AGE"), errors="coerce")
    subjects["sex"] = adsl.get("SEX", pd.Series(None, index=adsl.index)).map(SEX)
    for name in ("ARM", "ACTARM", "RACE", "COUNTRY"):
        if name in adsl:
            subjects[name.lower()] = adsl[name]
    fields = {s.field for s in config.analysis.subgroups} | set(config.analysis.cox_covariates)
    for name in sorted(fields):
        if name not in subjects and name.upper() in adsl:
            subjects[name] = adsl[name.upper()]
    subjects["included"] = adsl[population].eq("Y")
    subjects["index_date"] = _date(adsl.get("TRTSDT", pd.Series(None, index=adsl.index)))
    subjects["last_dose_date"] = _date(adsl.get("TRTEDT", pd.Series(None, index=adsl.index)))
    subjects["treatment_days"] = (subjects["last_dose_date"] - subjects["index_date"]).dt.days + 1
    subjects["ongoing_at_cutoff"] = False
    subjects["dose_reductions"] = np.nan
    subjects["interruptions"] = np.nan
    subjects["reason_stopped"] = adsl.get("DCTREAS", adsl.get("EOSSTT", pd.Series(None, index=adsl.index)))
    subjects["best_pct_change"] = np.nan
    subjects["first_response_date"] = pd.NaT
    subjects["progression_date"] = pd.NaT
    paramcd = "CBOR" if confirmed else "BOR"
    best = pd.Series(dtype=object)
    if adrs is not None:
        rows = adrs[adrs["PARAMCD"] == paramcd]
        best = rows.drop_duplicates("USUBJID").set_index("USUBJID")["AVALC"]
        responders = rows[rows["AVALC"].isin(["CR", "PR"])].drop_duplicates("USUBJID").set_index("USUBJID")
        subjects["first_response_date"] = subjects["patient_id"].map(_date(responders["ADT"]))
        pd_rows = adrs[adrs["PARAMCD"] == "PD"] if "PD" in set(adrs["PARAMCD"]) else adrs.iloc[:0]
        pd_rows = pd_rows[pd_rows["AVALC"].eq("Y")].drop_duplicates("USUBJID").set_index("USUBJID")
        subjects["progression_date"] = subjects["patient_id"].map(_date(pd_rows["ADT"]))
    subjects["best_overall_response"] = subjects["patient_id"].map(best).replace({"MISSING": "NE"})
    no_bor = subjects["included"] & subjects["best_overall_response"].isna()
    if no_bor.any():
        notes.append(f"{int(no_bor.sum())} subject(s) of the population have no ADRS {paramcd} record: counted as NE")
    subjects["best_overall_response"] = subjects["best_overall_response"].fillna("NE")
    subjects["objective_response"] = subjects["best_overall_response"].isin(["CR", "PR"])
    subjects["disease_control"] = subjects["best_overall_response"].isin(["CR", "PR", "SD", "NON-CR/NON-PD"])
    included = subjects[subjects["included"]]
    tte = _tte(adtte, set(included["patient_id"]), notes)
    ae = _ae(adae, set(included["patient_id"]), notes)
    screened = tuple(subjects["patient_id"])
    excluded = tuple(subjects.loc[~subjects["included"], "patient_id"])
    step = AttritionStep(1, f"In the analysis population ({population} = Y)", "include", len(screened),
                         len(excluded), excluded, 0, (), ())
    eligibility = EligibilityResult(screened, tuple(included["patient_id"]), (step,))
    visits = no_visits()  # ADaM brings no lesion data
    empty = pd.DataFrame(columns=["table", "source_row", "patient_id", "status"])
    datasets = AnalysisDatasets(subjects, tte, ae, visits, eligibility.attrition_table(), eligibility,
                                pd.DataFrame(columns=["table", "source_row", "patient_id", "column", "date", "action"]),
                                empty)
    return datasets, config, notes


def _tte(adtte: pd.DataFrame | None, included: set, notes: list[str]) -> pd.DataFrame:
    columns = ["patient_id", "paramcd", "start_date", "end_date", "days", "months", "event", "cnsr", "reason"]
    if adtte is None:
        notes.append("no ADTTE: no survival analysis")
        return pd.DataFrame(columns=columns)
    rows = adtte[adtte["PARAMCD"].isin(PARAMCDS) & adtte["USUBJID"].isin(included)]
    unit = rows.get("AVALU", pd.Series("DAYS", index=rows.index)).fillna("DAYS").str.upper().replace("", "DAYS")
    unknown = sorted(set(unit) - set(DAYS_PER))
    if unknown:
        raise ImportFailed(f"ADTTE: AVALU {', '.join(unknown)} is not a time unit (DAYS, WEEKS, MONTHS, YEARS)")
    days = pd.to_numeric(rows["AVAL"], errors="coerce") * unit.map(DAYS_PER)
    cnsr = pd.to_numeric(rows["CNSR"], errors="coerce")
    if cnsr.isna().any() or days.isna().any():
        raise ImportFailed("ADTTE: AVAL and CNSR must be numbers in every OS/PFS/DOR record")
    out = pd.DataFrame({
        "patient_id": rows["USUBJID"], "paramcd": rows["PARAMCD"].map(PARAMCDS),
        "start_date": _date(rows.get("STARTDT", pd.Series(None, index=rows.index))), "end_date": _date(rows["ADT"]),
        "days": days, "months": days / DAYS_PER_MONTH, "event": (cnsr == 0).astype(int), "cnsr": cnsr.astype(int),
        "reason": rows.get("EVNTDESC", rows.get("CNSDTDSC", pd.Series(None, index=rows.index)))})
    for name in ("PFS", "OS"):
        missing = included - set(out.loc[out["paramcd"] == name, "patient_id"])
        if missing:
            notes.append(f"{len(missing)} subject(s) of the population have no ADTTE {name} record: left out of "
                         f"the {name} analysis")
    return out.reset_index(drop=True)


def _grade(text) -> float:
    match = re.search(r"\d", str(text or ""))
    return float(match.group()) if match else np.nan


def _ae(adae: pd.DataFrame | None, included: set, notes: list[str]) -> pd.DataFrame:
    columns = ["patient_id", "term", "grade", "onset_date", "related", "serious", "teae", "ctcae_term", "soc"]
    if adae is None:
        notes.append("no ADAE: no adverse-event tables")
        return pd.DataFrame(columns=columns)
    rows = adae[adae["USUBJID"].isin(included)]
    if "TRTEMFL" in rows:
        rows = rows[rows["TRTEMFL"].eq("Y")]
    grade_column = next((c for c in ("ATOXGR", "AETOXGR", "ATOXGRN") if c in rows), None)
    grade = rows[grade_column].map(_grade) if grade_column else pd.Series(np.nan, index=rows.index)
    if grade.isna().any():
        notes.append(f"ADAE: {int(grade.isna().sum())} treatment-emergent record(s) without a CTCAE grade "
                     "(ATOXGR/AETOXGR) are left out of the adverse-event tables")
    rows, grade = rows[grade.notna()], grade[grade.notna()]
    related = rows.get("AREL", rows.get("AEREL", pd.Series(None, index=rows.index)))
    return pd.DataFrame({
        "patient_id": rows["USUBJID"], "term": rows["AEDECOD"].str.capitalize(), "grade": grade.astype(int),
        "onset_date": _date(rows.get("ASTDT", rows.get("AESTDTC", pd.Series(None, index=rows.index)))),
        "related": related.fillna("").str.upper().map(RELATED).fillna("unknown"),
        "serious": rows.get("AESER", pd.Series(None, index=rows.index)).map({"Y": "yes", "N": "no"}),
        "teae": True, "ctcae_term": rows["AEDECOD"].str.capitalize(),
        "soc": rows.get("AESOC", rows.get("AEBODSYS", pd.Series(None, index=rows.index)))}).reset_index(drop=True)
