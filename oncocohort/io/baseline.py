"""Which lesion records form the baseline assessment (RECIST 1.1: within 4 weeks before treatment start).

Baseline = for each lesion, its last record on or before the index date and at most ``window_days`` before it
(baseline imaging of different sites is often done on different days); the baseline date of a patient is the
latest of those dates. Shared by validation (io.checks.lesions) and the RECIST engine (derive.recist).
"""

from __future__ import annotations

import pandas as pd


def baseline_records(lesions: pd.DataFrame, index_dates: pd.Series, window_days: int) -> pd.DataFrame:
    """The baseline record of every lesion (rows of ``lesions``), with ``baseline_date`` per patient added."""
    starts = index_dates.rename("_index").rename_axis("patient_id").reset_index()
    frame = lesions.merge(starts, on="patient_id", how="inner")
    in_window = (frame["assessment_date"] <= frame["_index"]) & (
        frame["assessment_date"] >= frame["_index"] - pd.Timedelta(days=window_days))
    window = frame[in_window].sort_values(["patient_id", "lesion_id", "assessment_date"], kind="stable")
    records = window.drop_duplicates(["patient_id", "lesion_id"], keep="last").drop(columns="_index")
    latest = records.groupby("patient_id")["assessment_date"].max().rename("baseline_date")
    return records.merge(latest.reset_index(), on="patient_id", how="left")
