"""``oncocohort derive``: write the analysis datasets as CSV and Parquet with a define-style data dictionary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..io.csv_output import write_frame_csv
from .analysis_datasets import AnalysisDatasets

# column -> (label, derivation rule); columns not listed are patients columns or covariates (described as such)
DICTIONARY = {
    "patient_id": ("Patient identifier", "patients.patient_id"),
    "included": ("Included in the analysis cohort", "all [eligibility] criteria passed, in order (attrition.csv)"),
    "exclusion_reason": ("First eligibility criterion not met", "label of the criterion that excluded the patient"),
    "index_date": ("Index date (treatment start)", "[regimen] index_date rule on treatments"),
    "received_regimen": ("Every regimen component started", "yes/no from treatments"),
    "baseline_target_lesions": ("Measurable target lesions at baseline", "targets present ≥ 10 mm (nodal ≥ 15 mm)"),
    "best_overall_response": ("Best overall response", "RECIST 1.1 / iRECIST / Choi / recorded; docs/recist.md"),
    "best_overall_response_date": ("Date of the best overall response", "first visit at the best level"),
    "first_response_date": ("First CR/PR", "first visit with CR or PR (confirmed when confirmation is on)"),
    "progression_date": ("First progression", "first PD visit"),
    "best_pct_change": ("Best % change of the target sum", "smallest % change from baseline at complete visits"),
    "objective_response": ("Objective response", "best overall response CR or PR"),
    "disease_control": ("Disease control", "best overall response CR, PR or SD"),
    "clinical_benefit": ("Clinical benefit", "CR or PR, or SD at ≥ [endpoints] clinical_benefit_weeks after start"),
    "best_response_confirmed": ("Best overall response, confirmed", "as best_overall_response with confirmation"),
    "best_response_unconfirmed": ("Best overall response, unconfirmed", "as best_overall_response without "
                                  "confirmation"),
    "treatment_days": ("Treatment duration (days)", "last regimen dose − index date + 1"),
    "cycles": ("Cycles", "ceil(treatment_days / [regimen] cycle_days)"),
    "dose_reductions": ("Dose reductions", "periods with a lower dose than the drug's previous period"),
    "interruptions": ("Interruptions", "gaps > 1 day between periods of the same drug"),
    "reason_stopped": ("Reason the regimen stopped", "reason_stopped of the last period; blank if ongoing"),
    "ongoing_at_cutoff": ("Ongoing at data cutoff", "a regimen period without an end date"),
    "paramcd": ("Endpoint", "OS, PFS, DOR, TTR, TTF or FU (follow-up)"),
    "start_date": ("Start of the time at risk", "index date (OS, PFS) or first response (DOR)"),
    "end_date": ("Event or censoring date", "docs/endpoints.md"),
    "days": ("Time (days)", "end_date − start_date"),
    "months": ("Time (months)", "days / 30.4375"),
    "event": ("Event", "1 = event, 0 = censored"),
    "cnsr": ("CDISC censoring code", "0 event; 1 last assessment / last alive; 2 no assessment; 3 new therapy; "
                                     "4 missed assessments; 5 alive at cutoff"),
    "reason": ("Why this end date", "the rule applied, in words"),
    "teae": ("Treatment-emergent", "onset from the index date to last dose + [adverse_events] window"),
    "teae_reason": ("Why (not) treatment-emergent", "the rule applied, in words"),
    "soc": ("CTCAE system organ class", "shipped CTCAE table"),
    "ctcae_term": ("CTCAE term", "the term as spelled in CTCAE"),
    "grade": ("CTCAE grade", "adverse_events.grade; blank = recorded without a grade (counted in the report's "
              "ungraded adverse-event table, never given one)"),
    "ungraded_source": ("Where an event without a grade was recorded", "e.g. 'recorded as conditions in the "
                        "database' (OMOP); blank when graded"),
}


def _dictionary(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for column in frame.columns:
        label, rule = DICTIONARY.get(column, (column, "input column (patients table or covariate)"
                                              if name == "adsl" else "input column"))
        if column.startswith(("starting_dose:", "relative_dose_intensity:", "component_drug:")):
            label, rule = column, {"starting_dose": "first period's dose of the drug",
                                   "relative_dose_intensity": "Σ dose × days / (starting dose × days on drug)",
                                   "component_drug": "first drug given for the regimen component"}[column.split(":")[0]]
        rows.append({"dataset": name, "column": column, "label": label, "type": str(frame[column].dtype),
                     "derivation": rule})
    return pd.DataFrame(rows)


def _text(value) -> str | None:
    """A cell of a text column as str; every kind of missing (None, NaN, NA, NaT) as None."""
    return None if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)


def _text_column(column: pd.Series) -> pd.Series:
    """An object column as :func:`_text` gives it, cell by cell: each distinct text once when every cell is text
    or missing (pandas factorises in C), else cell by cell."""
    values = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return column.map(_text).astype(object)
    missing = pd.isna(values)
    if not missing.any():
        return column.astype(object)
    out = values.copy()
    out[missing] = None
    return pd.Series(out, index=column.index, dtype=object, name=column.name)


def _date_text(column: pd.Series) -> pd.Series:
    """A date column as YYYY-MM-DD text, missing as None (numpy's ISO format for day precision, in C)."""
    if column.dtype.kind == "M":  # timezone-naive datetime64: floored to the day
        values = column.to_numpy()
        text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype(object)
        text[np.isnat(values)] = None
        return pd.Series(text, index=column.index, dtype=object, name=column.name)
    return column.dt.strftime("%Y-%m-%d").astype(object).map(_text).astype(object)


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV/Parquet output: dates as YYYY-MM-DD, text columns as str; every missing value is None, so that
    CSV writes an empty cell and Parquet a null (never the text ``nan``, which R and pandas read as a category)."""
    frame = frame.copy(deep=False)  # columns are replaced, never changed in place
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(series):
            frame.isetitem(position, _date_text(series))
        elif series.dtype == object:
            frame.isetitem(position, _text_column(series))
    return frame


def write_datasets(data: AnalysisDatasets, folder: str | Path, parquet: bool = True) -> list[Path]:
    """Write adsl, adtte, adae (CSV, and Parquet when pyarrow is installed), attrition, cutoff listing, row
    accounting and the data dictionary. Deterministic: same study, same bytes (CSV). CSV cells are neutralised
    against spreadsheet formulas (:mod:`oncocohort.io.csv_output`); Parquet keeps the values as they are."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    datasets = {"adsl": data.adsl, "adtte": data.adtte, "adae": data.adae}
    extras = {"attrition": data.attrition, "cutoff_listing": data.cutoff_listing,
              "row_accounting": data.row_accounting}
    for name, frame in {**datasets, **extras}.items():
        path = folder / f"{name}.csv"
        ready = csv_ready(frame)
        write_frame_csv(ready, path, float_format="%.10g")
        written.append(path)
        if parquet and name in datasets:
            try:
                ready.to_parquet(folder / f"{name}.parquet", index=False)
                written.append(folder / f"{name}.parquet")
            except ImportError:  # pyarrow not installed: CSV only
                pass
    dictionary = pd.concat([_dictionary(n, f) for n, f in datasets.items()], ignore_index=True)
    write_frame_csv(dictionary, folder / "data_dictionary.csv")
    written.append(folder / "data_dictionary.csv")
    return written
