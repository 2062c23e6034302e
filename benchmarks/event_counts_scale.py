"""Benchmark: the aggregation step (`count_events`) and Kaplan–Meier + log-rank at 1e6 and 1e7 rows, against
the previous implementation (group labels turned into strings, pandas group-by; kept below as
``count_events_strings``) and lifelines (optional: ``pip install lifelines``) in the same run.

    python benchmarks/event_counts_scale.py [--sizes 1000000,10000000] [--no-lifelines]

Prints seconds and ratios (reference time / oncocohort time; > 1 means oncocohort is faster) and checks that the
counts of both implementations are identical and that KM survival and the log-rank chi-square agree with lifelines.
Data: integer-day times (heavy ties), 2 groups labelled by text, fixed seed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from oncocohort.stats.event_counts import count_events
from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.logrank import logrank_test


def count_events_strings(time, event, group=None, stratum=None) -> pd.DataFrame:
    """The previous `count_events` (commit 0d0d5c7): labels as strings, then a pandas group-by on three keys."""
    time = np.asarray(time, dtype=float)
    event = np.asarray(event)
    frame = pd.DataFrame({
        "stratum": "all" if stratum is None else pd.Series(stratum).astype(str).to_numpy(),
        "group": "all" if group is None else pd.Series(group).astype(str).to_numpy(),
        "time": time,
        "n_event": event.astype(int),
    })
    frame["n_censor"] = 1 - frame["n_event"]
    counts = frame.groupby(["stratum", "group", "time"], sort=True, as_index=False)[["n_event", "n_censor"]].sum()
    return counts.reset_index(drop=True)


def simulate(n: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.integers(0, 2, n)
    event_time = rng.exponential(np.where(arm == 1, 700, 500))
    censor_time = rng.uniform(0, 1500, n)
    return pd.DataFrame({"time": np.ceil(np.minimum(event_time, censor_time)).clip(1, None),
                         "status": (event_time <= censor_time).astype(int),
                         "arm": np.where(arm == 1, "anlotinib + PD-1", "control")})


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--no-lifelines", action="store_true")
    args = parser.parse_args()
    try:
        if args.no_lifelines:
            raise ImportError
        from lifelines import KaplanMeierFitter
        from lifelines.statistics import logrank_test as lifelines_logrank
    except ImportError:
        KaplanMeierFitter = None
    for n in (int(s) for s in args.sizes.split(",")):
        frame = simulate(n)
        print(f"\nn = {n:,} rows, {frame['time'].nunique():,} distinct times, {frame['status'].sum():,} events")
        new, t_new = timed(count_events, frame["time"], frame["status"], frame["arm"])
        old, t_old = timed(count_events_strings, frame["time"], frame["status"], frame["arm"])
        pd.testing.assert_frame_equal(new, old, check_dtype=False)
        print(f"  count_events (integer codes)   {t_new:6.2f} s   previous (string labels) {t_old:6.2f} s   "
              f"ratio {t_old / t_new:5.1f}x   counts identical")
        km, t_km = timed(kaplan_meier, frame["time"], frame["status"])
        lr, t_lr = timed(logrank_test, frame["time"], frame["status"], frame["arm"])
        print(f"  oncocohort  KM {t_km:6.2f} s   log-rank {t_lr:6.2f} s")
        if KaplanMeierFitter is None:
            print("  lifelines not installed: skipped")
            continue
        fitter, t_lkm = timed(KaplanMeierFitter().fit, frame["time"], frame["status"])
        a, b = frame["arm"] == "control", frame["arm"] != "control"
        result, t_llr = timed(lifelines_logrank, frame["time"][a], frame["time"][b], frame["status"][a],
                              frame["status"][b])
        theirs = fitter.survival_function_.iloc[:, 0].reindex(km.time).to_numpy()
        agreement = f"max |S difference| {np.max(np.abs(km.surv - theirs)):.1e}, "
        print(f"  lifelines   KM {t_lkm:6.2f} s   log-rank {t_llr:6.2f} s   "
              f"ratio (lifelines / ours) KM {t_lkm / t_km:5.2f}x  log-rank {t_llr / t_lr:5.2f}x   "
              f"{agreement}chi-square {lr.chisq:.6f} vs {result.test_statistic:.6f}")


if __name__ == "__main__":
    main()
