"""Adverse events: treatment-emergent flag, CTCAE system organ class, and the worst grade per patient and term.

Treatment-emergent (TEAE): onset on or after the index date and no later than the last regimen dose +
``[adverse_events] treatment_emergent_days`` (30). The SOC comes from the shipped CTCAE table of the configured
version; terms outside CTCAE (allowed with ``unknown_terms = "warning"``) get SOC "Not in CTCAE".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reference.ctcae import load_ctcae


def flag_adverse_events(events: pd.DataFrame, index_dates: pd.Series, last_dose: pd.Series, window_days: int,
                        ctcae_version: str = "5.0") -> pd.DataFrame:
    """ADAE-like rows: the events with ``teae`` (bool), ``teae_reason``, ``soc`` and the CTCAE spelling of the term."""
    ctcae = load_ctcae(ctcae_version)
    out = events.join(index_dates.rename("index_date"), on="patient_id").join(last_dose.rename("last_dose_date"),
                                                                              on="patient_id")
    limit = out["last_dose_date"] + pd.Timedelta(days=window_days)
    before = out["onset_date"] < out["index_date"]
    after = out["onset_date"] > limit
    out["teae"] = out["index_date"].notna() & ~before & ~after
    out["teae_reason"] = "on treatment or within the window"
    out.loc[before, "teae_reason"] = "onset before the first dose"
    out.loc[after, "teae_reason"] = f"onset more than {window_days} days after the last dose"
    out.loc[out["index_date"].isna(), "teae_reason"] = "patient not treated with the regimen"
    # each distinct term looked up once (a registry repeats a few hundred terms over hundreds of thousands of rows)
    codes, terms = pd.factorize(out["term"], use_na_sentinel=False)
    entries = [ctcae.lookup(t) for t in terms]
    out["ctcae_term"] = np.array([e.term if e is not None else t for e, t in zip(entries, terms)],
                                 dtype=object)[codes] if len(out) else []
    out["soc"] = np.array([e.soc if e is not None else "Not in CTCAE" for e in entries],
                          dtype=object)[codes] if len(out) else []
    return out


def worst_grade(flagged: pd.DataFrame, related_only: bool = False) -> pd.DataFrame:
    """Maximum grade per patient and CTCAE term among TEAEs (related ones only if asked): the rows behind Table 3."""
    rows = flagged[flagged["teae"]]
    if related_only:
        rows = rows[rows["related"] == "yes"]
    return (rows.groupby(["patient_id", "soc", "ctcae_term"], as_index=False)["grade"].max()
            .rename(columns={"grade": "max_grade"}).sort_values(["patient_id", "soc", "ctcae_term"])
            .reset_index(drop=True))
