"""Benchmark: RECIST 1.1 visit responses and confirmed best overall response for synthetic
1e5 patients × 8 visits × 5 target lesions (4e6 lesion rows); goal < 10 s on a 2-core machine.

    python benchmarks/recist_scale.py [--patients 100000] [--visits 8] [--lesions 5]

Prints the time of each step and rows per second, and the same for the visit responses of an earlier commit
(``--reference-commit``, default 0d0d5c7: the visit × lesion grid built by pandas merges), loaded from git into this
process and run on the same rows; both must give identical visit tables (checked here, and on a mixed study with
nodal targets, non-targets, new and equivocal lesions, unmeasured and missing records and staggered baseline
scans). A per-patient Python loop, run on a subsample and extrapolated, shows what vectorising buys at all.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import tempfile
import time
from pathlib import Path

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


def simulate_mixed(n_patients: int, seed: int = 11) -> tuple[pd.DataFrame, pd.Series]:
    """Every kind of record: 3 targets (one nodal), 2 non-targets, new lesions present or equivocal (some
    confirmed later), not-evaluated and missing records, baseline scans on different days of the window."""
    rng = np.random.default_rng(seed)
    rows = []
    for patient in range(n_patients):
        pid = f"P{patient:05d}"
        offsets = rng.integers(-40, 1, 5)  # baseline scan per lesion, some outside the 28-day window
        trend = rng.normal(-0.05, 0.12)
        for visit in range(7):
            for lesion in range(5):
                if visit and rng.random() < 0.05:
                    continue  # missing record
                day = offsets[lesion] if visit == 0 else visit * 42 + int(rng.integers(-2, 3)) * (lesion == 4)
                kind = "target" if lesion < 3 else "non_target"
                nodal = "yes" if lesion == 2 else "no"
                base = 12 + 8 * lesion
                size = round(base * np.exp(trend * visit + rng.normal(0, 0.08)), 1)
                if kind == "target":
                    status = rng.choice(["present", "present", "present", "absent", "too_small", "not_evaluated"],
                                        p=[0.6, 0.2, 0.05, 0.05, 0.05, 0.05]) if visit else "present"
                    diameter = size if status == "present" else np.nan
                else:
                    status = rng.choice(["present", "absent", "progression", "not_evaluated"],
                                        p=[0.8, 0.1, 0.05, 0.05]) if visit else "present"
                    diameter = np.nan
                rows.append((pid, START + pd.Timedelta(days=int(day)), f"L{lesion}", kind, nodal, diameter, status))
            if visit and rng.random() < 0.08:
                rows.append((pid, START + pd.Timedelta(days=visit * 42), f"N{visit}", "new", "no", np.nan,
                             rng.choice(["present", "equivocal"])))
                if rng.random() < 0.5 and visit < 6:
                    rows.append((pid, START + pd.Timedelta(days=visit * 42 + 42), f"N{visit}", "new", "no", np.nan,
                                 "present"))
    frame = pd.DataFrame(rows, columns=["patient_id", "assessment_date", "lesion_id", "kind", "nodal",
                                        "diameter_mm", "status"])
    frame["site"] = "lung"
    starts = pd.Series(START, index=pd.Index(sorted(frame["patient_id"].unique()), name="patient_id"))
    return frame, starts


def reference_visit_responses(commit: str):
    """``visit_responses`` as it was at ``commit`` (read with ``git show``, imported as a module of the package)."""
    source = subprocess.run(["git", "show", f"{commit}:oncocohort/derive/recist.py"], capture_output=True,
                            text=True, check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    folder = Path(tempfile.mkdtemp())
    path = folder / "recist_reference.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("oncocohort.derive._recist_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.visit_responses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=8)
    parser.add_argument("--lesions", type=int, default=5)
    parser.add_argument("--reference-commit", default="0d0d5c7")
    args = parser.parse_args()
    reference = reference_visit_responses(args.reference_commit)
    mixed, mixed_starts = simulate_mixed(1500)
    pd.testing.assert_frame_equal(visit_responses(mixed, mixed_starts, 28), reference(mixed, mixed_starts, 28))
    print(f"mixed study ({len(mixed):,} records of 1,500 patients): visit tables identical to {args.reference_commit}")
    lesions, starts = simulate(args.patients, args.visits, args.lesions)
    print(f"{args.patients:,} patients × {args.visits} visits (+ baseline) × {args.lesions} lesions = "
          f"{len(lesions):,} lesion rows")
    t0, c0 = time.perf_counter(), time.process_time()
    visits = visit_responses(lesions, starts, baseline_window_days=28)
    t1, c1 = time.perf_counter(), time.process_time()
    best = best_overall_response(visits, starts, confirm=True)
    t2, c2 = time.perf_counter(), time.process_time()
    print(f"  visit responses        {t1 - t0:6.2f} s (CPU {c1 - c0:6.2f} s)  ({len(visits):,} visits)")
    print(f"  confirmed BOR          {t2 - t1:6.2f} s (CPU {c2 - c1:6.2f} s)")
    print(f"  total                  {t2 - t0:6.2f} s (CPU {c2 - c0:6.2f} s)  ({len(lesions) / (t2 - t0):,.0f} lesion "
          "rows/s); goal < 10 s")
    print("  BOR distribution:", best["best_overall_response"].value_counts().to_dict())
    t4, c4 = time.perf_counter(), time.process_time()
    old = reference(lesions, starts, 28)
    t_old, c_old = time.perf_counter() - t4, time.process_time() - c4
    pd.testing.assert_frame_equal(visits, old)
    print(f"  visit responses at {args.reference_commit}: {t_old:6.2f} s (CPU {c_old:6.2f} s) → ratio "
          f"{t_old / (t1 - t0):.1f}× wall, {c_old / (c1 - c0):.1f}× CPU; identical visit table")
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
