"""Index date (treatment start of the regimen under study) per patient, from the ``treatments`` table.

``[regimen] index_date``:
- ``first_dose``: the earliest start of any regimen drug;
- ``all_components_started``: the date the last component started (each component's earliest start), defined only
  for patients who received every component.
``received_regimen`` is "yes" when every component was started (used by eligibility).
"""

from __future__ import annotations

import pandas as pd

from ..io.config import RegimenSettings


def regimen_starts(treatments: pd.DataFrame, regimen: RegimenSettings) -> pd.DataFrame:
    """One row per treated patient: index_date, received_regimen (yes/no), and each component's first start."""
    rows = treatments.dropna(subset=["patient_id", "drug", "start_date"])
    drug = rows["drug"].str.casefold()
    components = regimen.components or (("all drugs", tuple(sorted(drug.unique()))),)
    starts = pd.DataFrame(index=pd.Index(sorted(rows["patient_id"].unique()), name="patient_id"))
    for label, drugs in components:
        starts[f"start:{label}"] = rows[drug.isin(drugs)].groupby("patient_id")["start_date"].min()
    component_columns = [c for c in starts.columns if c.startswith("start:")]
    all_started = starts[component_columns].notna().all(axis=1)
    starts["received_regimen"] = all_started.map({True: "yes", False: "no"})
    if regimen.index_date == "all_components_started":
        starts["index_date"] = starts[component_columns].max(axis=1).where(all_started)
    else:
        starts["index_date"] = starts[component_columns].min(axis=1)
    return starts


def component_drugs(treatments: pd.DataFrame, regimen: RegimenSettings) -> pd.DataFrame:
    """Per patient and component: the drug given first (e.g. which PD-1 inhibitor), and each drug's starting dose."""
    rows = treatments.dropna(subset=["patient_id", "drug", "start_date"]).sort_values(["patient_id", "start_date",
                                                                                      "source_row"])
    drug = rows["drug"].str.casefold()
    out = pd.DataFrame(index=pd.Index(sorted(rows["patient_id"].unique()), name="patient_id"))
    for label, drugs in regimen.components:
        first = rows[drug.isin(drugs)].groupby("patient_id")["drug"].first()
        out[f"component_drug:{label}"] = first.str.casefold()
    for name in regimen.drugs:
        first = rows[drug == name].groupby("patient_id")["dose"].first()
        out[f"starting_dose:{name}"] = first
    return out
