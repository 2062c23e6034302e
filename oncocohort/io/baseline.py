"""Which lesion records form the baseline assessment (RECIST 1.1: within 4 weeks before treatment start).

Baseline = for each lesion, its last record on or before the index date and at most ``window_days`` before it
(baseline imaging of different sites is often done on different days); the baseline date of a patient is the
latest of those dates. Shared by validation (io.checks.lesions) and the RECIST engine (derive.recist).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def baseline_records(lesions: pd.DataFrame, index_dates: pd.Series, window_days: int) -> pd.DataFrame:
    """The baseline record of every lesion (rows of ``lesions``), with ``baseline_date`` per patient added.

    Each row finds its patient's index date by position (``get_indexer``, in C), and only the rows inside the
    window go on to the sort: a registry's lesions table is millions of rows, its baseline records an eighth."""
    if not index_dates.index.is_unique:  # a patient listed twice: the merge gives each of his rows once per listing
        starts = index_dates.rename("_index").rename_axis("patient_id").reset_index()
        frame = lesions.merge(starts, on="patient_id", how="inner")
        index = frame.pop("_index").to_numpy(dtype="datetime64[ns]")
    else:
        position = index_dates.index.get_indexer(lesions["patient_id"])
        frame = lesions[position >= 0]
        index = index_dates.to_numpy(dtype="datetime64[ns]")[position[position >= 0]]
    dates = frame["assessment_date"].to_numpy(dtype="datetime64[ns]")
    in_window = (dates <= index) & (dates >= index - np.timedelta64(window_days, "D"))
    window = frame[in_window].sort_values(["patient_id", "lesion_id", "assessment_date"], kind="stable")
    records = window.drop_duplicates(["patient_id", "lesion_id"], keep="last")
    latest = records.groupby("patient_id")["assessment_date"].max().rename("baseline_date")
    return records.merge(latest.reset_index(), on="patient_id", how="left")
