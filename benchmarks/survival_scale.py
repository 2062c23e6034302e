"""Benchmark: Kaplan–Meier, log-rank and Efron Cox at 1e5 and 1e6 rows (integer-day times, heavy ties,
5 covariates) against statsmodels PHReg in the same process and R coxph (when Rscript is on the PATH).

    python benchmarks/survival_scale.py [--sizes 100000,1000000] [--no-r] [--no-statsmodels]

Prints seconds and ratios (reference time / oncocohort time). Data are simulated with a fixed seed;
both implementations fit the same rows and the coefficients are compared.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from oncocohort.stats.cox import cox_regression
from oncocohort.stats.kaplan_meier import kaplan_meier
from oncocohort.stats.logrank import logrank_test

BETA = np.array([0.5, -0.3, 0.2, 0.1, -0.4])


def simulate(n: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n), rng.normal(size=n), rng.integers(0, 3, n),
                         rng.normal(size=n)]).astype(float)
    hazard = 0.002 * np.exp(x @ BETA)
    event_time = rng.exponential(1 / hazard)
    censor_time = rng.uniform(0, 1500, n)
    time_days = np.ceil(np.minimum(event_time, censor_time)).clip(1, None)  # integer days: heavy ties
    frame = pd.DataFrame(x, columns=[f"x{j}" for j in range(1, 6)])
    frame["time"] = time_days
    frame["status"] = (event_time <= censor_time).astype(int)
    return frame


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def timed_cpu(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process) — CPU time is the fairer figure on a shared machine."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start, time.process_time() - cpu


def run_r(frame: pd.DataFrame) -> tuple[float, float, np.ndarray] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.csv"
        frame.to_csv(data, index=False)
        script = (
            f"suppressMessages(library(survival)); d <- read.csv('{data}');"
            "t <- system.time(f <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d, ties = 'efron'));"
            "cat(t[['elapsed']], t[['user.self']] + t[['sys.self']], coef(f), '\\n')"
        )
        out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), np.array(out[2:], float)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument("--no-statsmodels", action="store_true")
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        frame = simulate(n)
        x = frame[[f"x{j}" for j in range(1, 6)]].to_numpy()
        print(f"\nn = {n:,} rows, {frame['time'].nunique():,} distinct times, {frame['status'].sum():,} events")
        _, t_km = timed(kaplan_meier, frame["time"], frame["status"])
        _, t_lr = timed(logrank_test, frame["time"], frame["status"], frame["x1"])
        fit, t_cox, cpu_cox = timed_cpu(cox_regression, frame["time"], frame["status"], x, ties="efron")
        ours = np.array([term.coef for term in fit.terms])
        print(f"  oncocohort  KM {t_km:6.2f} s   log-rank {t_lr:6.2f} s   Efron Cox {t_cox:6.2f} s "
              f"(CPU {cpu_cox:.2f} s) "
              f"(incl. concordance and PH test; {fit.iterations} iterations)")
        if not args.no_statsmodels:
            import statsmodels.api as sm
            model = sm.PHReg(frame["time"], x, status=frame["status"], ties="efron")
            result, t_sm = timed(model.fit)
            print(f"  statsmodels PHReg Efron {t_sm:6.2f} s   ratio {t_sm / t_cox:5.1f}x   "
                  f"max |coef difference| {np.max(np.abs(result.params - ours)):.2e}")
        if not args.no_r:
            r = run_r(frame)
            if r is None:
                print("  R: Rscript not found, skipped")
            else:
                t_r, cpu_r, coef_r = r
                print(f"  R coxph Efron           {t_r:6.2f} s (CPU {cpu_r:.2f} s)   ratio {t_r / t_cox:5.1f}x "
                      f"(CPU {cpu_r / cpu_cox:.1f}x)   "
                      f"max |coef difference| {np.max(np.abs(coef_r - ours)):.2e}")


if __name__ == "__main__":
    main()
