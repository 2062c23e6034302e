"""OMOP at scale: `omop synth`, then `omop report` from aggregates (the default) and with `--extract-rows`, on
DuckDB at 1e4 and 1e5 persons (and 1e6 with --million), cohort → endpoints → report (docs/omop.md).

Each step runs in a child process of its own, so its wall time, CPU time (user + system) and peak RSS
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``) are those of the process doing the work, DuckDB's threads and
buffers included. The reports also run under ``tracemalloc``: "Python peak" is the largest memory Python objects
(numpy and pandas data included) held at once — what the analysis pulled out of the engine; DuckDB's own buffers
are not Python objects and are not in it (they are in the RSS). tracemalloc slows Python-heavy steps, so the
report times here are upper bounds. Prints one table and the growth of each memory column from the smallest to the
largest size.

    python benchmarks/omop_scale.py                      # 1e4 1e5
    python benchmarks/omop_scale.py --million            # 1e4 1e5 1e6
    python benchmarks/omop_scale.py --sizes 10000 --no-extract
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TRACED = ("import runpy, sys, tracemalloc\ntracemalloc.start()\nsys.argv = ['oncocohort', *sys.argv[1:]]\n"
          "try:\n    runpy.run_module('oncocohort', run_name='__main__', alter_sys=True)\nfinally:\n"
          "    print('PYTHON_PEAK', tracemalloc.get_traced_memory()[1], file=sys.stderr)\n")


def _run(args: list[str], traced: bool = False) -> tuple[float, float, float, float]:
    """(wall s, CPU s, peak RSS MB, Python peak MB or NaN) of ``oncocohort args`` in a child process."""
    command = "[sys.executable, '-c', sys.argv[1], *sys.argv[2:]]" if traced else \
        "[sys.executable, '-m', 'oncocohort', *sys.argv[2:]]"
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              f"p = subprocess.run({command}, capture_output=True, text=True); "
              "w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
              "peak = [line.split()[1] for line in p.stderr.splitlines() if line.startswith('PYTHON_PEAK')]; "
              "print(p.returncode, w, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024, "
              "int(peak[-1]) / 2**20 if peak else float('nan'), sep='\\t'); "
              "print('exit code', p.returncode, p.stdout[-1500:], p.stderr[-1500:], file=sys.stderr); "
              "sys.exit(p.returncode)")
    done = subprocess.run([sys.executable, "-c", script, TRACED, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    fields = done.stdout.strip().split("\t")
    if len(fields) != 5 or fields[0] != "0":
        raise SystemExit(f"oncocohort {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return float(fields[1]), float(fields[2]), float(fields[3]), float(fields[4])


def _included(out: Path) -> str:
    return next((line for line in (out / "results.json").read_text().splitlines() if '"n_included"' in line),
                "").strip().rstrip(",")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add 1e6 persons (minutes; ~1 GB of CDM)")
    parser.add_argument("--no-extract", action="store_true", help="skip the --extract-rows reports")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes + ([1_000_000] if args.million else [])))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            cdm = Path(folder) / f"cdm_{n}.duckdb"
            synth = _run(["omop", "synth", "--patients", str(n), "--out", str(cdm)])
            report = ["omop", "report", "--cdm", str(cdm), "--cohort", "examples/omop-cohort.toml", "--format",
                      "html,docx", "--out"]
            aggregate = _run([*report, str(Path(folder) / f"aggregate_{n}")], traced=True)
            extract = (float("nan"),) * 4 if args.no_extract else _run(
                [*report, str(Path(folder) / f"extract_{n}"), "--extract-rows"], traced=True)
            rows.append((n, synth, aggregate, extract, _included(Path(folder) / f"aggregate_{n}")))
            print(f"done {n:,}", file=sys.stderr)
    print(f"{'persons':>10} | {'synth wall s':>12} {'CPU s':>6} {'RSS MB':>6} | {'aggregate report wall s':>23} "
          f"{'CPU s':>6} {'RSS MB':>6} {'Python MB':>9} | {'--extract-rows wall s':>21} {'CPU s':>6} {'RSS MB':>6} "
          f"{'Python MB':>9} | cohort")
    for n, (sw, sc, sr, _), (aw, ac, ar, ap), (ew, ec, er, ep), included in rows:
        print(f"{n:>10,} | {sw:>12.1f} {sc:>6.1f} {sr:>6.0f} | {aw:>23.1f} {ac:>6.1f} {ar:>6.0f} {ap:>9.1f} | "
              f"{ew:>21.1f} {ec:>6.1f} {er:>6.0f} {ep:>9.1f} | {included}")
    if len(rows) > 1:
        (n0, _, a0, e0, _), (n1, _, a1, e1, _) = rows[0], rows[-1]
        print(f"from {n0:,} to {n1:,} persons ({n1 / n0:g}×): aggregate report RSS ×{a1[2] / a0[2]:.2f}, Python peak "
              f"×{a1[3] / a0[3]:.2f}; --extract-rows RSS ×{e1[2] / e0[2]:.2f}, Python peak ×{e1[3] / e0[3]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
