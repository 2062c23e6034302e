"""Benchmark: RECIST 1.1 visit responses and confirmed best overall response for synthetic
1e5 patients × 8 visits × 5 target lesions (4e6 lesion rows); goal < 10 s on a 2-core machine.

    python benchmarks/recist_scale.py [--patients 100000] [--visits 8] [--lesions 5]

Prints the time of each step and rows per second. The reference implementation is the same derivation in a
Python loop per patient, run on a subsample and extrapolated, to show what vectorising buys.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from oncocohort.derive.best_response import best_overall_response
from oncocohort.derive.recist import visit_responses

START = pd.Timestamp("2021-01-01")


def simulate(n_patients: int, n_visits: int, n_lesions: int, seed: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    patients = np.repeat(np.arange(n_patients), (n_visits + 1) * n_lesions)
    visit = np.tile(np.repeat(np.arange(n_visits + 1), n_lesions), n_patients)
    lesion = np.tile(np.arange(n_lesions), n_patients * (n_visits + 1))
    baseline = rng.uniform(12, 60, (n_patients, n_lesions))
    trend = rng.normal(-0.04, 0.08, n_patients)  # per-visit relative change
    size = baseline[patients, lesion] * np.exp(trend[patients] * visit + rng.normal(0, 0.05, len(visit)))
    status = np.where(size < 4, "absent", "present")
    frame = pd.DataFrame({
        "patient_id": pd.Categorical(patients.astype(str)).astype(str),
        "assessment_date": START + pd.to_timedelta(visit * 42 - 5, unit="D"),
        "lesion_id": "T" + pd.Series(lesion).astype(str),
        "kind": "target", "site": "site" + pd.Series(lesion).astype(str), "nodal": "no",
        "diameter_mm": np.where(status == "present", size.round(1), np.nan), "status": status,
    })
    starts = pd.Series(START, index=pd.Index(np.unique(frame["patient_id"]), name="patient_id"))
    return frame, starts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=8)
    parser.add_argument("--lesions", type=int, default=5)
    args = parser.parse_args()
    lesions, starts = simulate(args.patients, args.visits, args.lesions)
    print(f"{args.patients:,} patients × {args.visits} visits (+ baseline) × {args.lesions} lesions = "
          f"{len(lesions):,} lesion rows")
    t0 = time.perf_counter()
    visits = visit_responses(lesions, starts, baseline_window_days=28)
    t1 = time.perf_counter()
    best = best_overall_response(visits, starts, confirm=True)
    t2 = time.perf_counter()
    print(f"  visit responses        {t1 - t0:6.2f} s  ({len(visits):,} visits)")
    print(f"  confirmed BOR          {t2 - t1:6.2f} s")
    print(f"  total                  {t2 - t0:6.2f} s  ({len(lesions) / (t2 - t0):,.0f} lesion rows/s); goal < 10 s")
    print("  BOR distribution:", best["best_overall_response"].value_counts().to_dict())
    # reference: one patient at a time (a loop per patient), on a subsample, extrapolated
    sample = starts.index[: min(300, len(starts))]
    subset = lesions[lesions["patient_id"].isin(sample)]
    t3 = time.perf_counter()
    for pid in sample:
        one = subset[subset["patient_id"] == pid]
        best_overall_response(visit_responses(one, starts.loc[[pid]], 28), starts.loc[[pid]], confirm=True)
    per_patient = (time.perf_counter() - t3) / len(sample)
    print(f"  per-patient loop (reference, extrapolated to {len(starts):,}): {per_patient * len(starts):8.1f} s "
          f"→ vectorised is {per_patient * len(starts) / (t2 - t0):.0f}× faster")


if __name__ == "__main__":
    main()
