"""OMOP at scale: `omop synth` then `omop report` on DuckDB at 1e4, 1e5, 1e6 persons (docs/omop.md).

Each step runs in a child process of its own, so its wall time, CPU time (user + system) and peak RSS
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of that child) are those of the Python process doing the work,
DuckDB's threads included. Prints one table.

    python benchmarks/omop_scale.py                 # 1e4 1e5 1e6
    python benchmarks/omop_scale.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, last line of output) of ``python -m oncocohort args`` in a child process."""
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "p = subprocess.run([sys.executable, '-m', 'oncocohort', *sys.argv[1:]], capture_output=True, "
              "text=True); w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
              "print(p.returncode, w, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024, "
              "(p.stdout.strip().splitlines() or [''])[-1], sep='\\t'); sys.exit(p.returncode)")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    code, wall, cpu, rss, last = done.stdout.strip().split("\t", 4)
    if code != "0":
        raise SystemExit(f"oncocohort {' '.join(args)} failed: {last}\n{done.stderr[-2000:]}")
    return float(wall), float(cpu), float(rss), last


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            cdm, out = Path(folder) / f"cdm_{n}.duckdb", Path(folder) / f"report_{n}"
            synth = _run(["omop", "synth", "--patients", str(n), "--out", str(cdm)])
            report = _run(["omop", "report", "--cdm", str(cdm), "--cohort", "examples/omop-cohort.toml",
                           "--out", str(out), "--format", "html,docx"])
            included = next((line for line in (out / "results.json").read_text().splitlines()
                             if '"n_included"' in line), "").strip().rstrip(",")
            rows.append((n, *synth[:3], *report[:3], included))
    print(f"{'persons':>10} | {'synth wall s':>12} {'CPU s':>7} {'RSS MB':>7} | {'report wall s':>13} {'CPU s':>7} "
          f"{'RSS MB':>7} | cohort")
    for n, sw, sc, sr, rw, rc, rr, included in rows:
        print(f"{n:>10,} | {sw:>12.1f} {sc:>7.1f} {sr:>7.0f} | {rw:>13.1f} {rc:>7.1f} {rr:>7.0f} | {included}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
