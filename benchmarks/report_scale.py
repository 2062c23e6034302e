"""Benchmark: `oncocohort report` on a 20,000-patient study — wall time, peak memory (RSS) and the time of each
report stage; goal: a few minutes and a peak RSS well under 2 GB on the 2-core reference machine.

    python benchmarks/report_scale.py [--patients 20000] [--layout csv|xlsx] [--reference /tmp/old]
                                      [--reference-patients 2000] [--keep DIR]

The study is the demo study (oncocohort.demo: several target lesions and a non-target per patient scanned every
6 weeks, two drugs with dose reductions, CTCAE-graded adverse events, follow-up, screened patients who fail
eligibility) built again with a different random seed per block of 38 patients and given distinct patient ids,
so the tables have the demo's shape at scale (20,000 patients ≈ 190,000 lesion rows). The study is written as CSV
files (default) or one study.xlsx.

`report` runs in a subprocess (`sys.executable -m oncocohort report … --format html,docx`); its peak RSS is
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read in a fresh child process that only runs it (so no other
child inflates the figure). That child also samples the RSS of the report process and of its figure processes
every 0.1 s and prints, beside each stage's time, the stage's peak (where the report's memory goes). With
``--reference DIR`` (a checkout of another commit, e.g. ``git worktree add /tmp/old 3202bc4``) the same study
at ``--reference-patients`` is run by both, and the ratio of wall time and peak RSS is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = 38  # the demo study: 32 included + 6 screened patients


def build_study_tables(n_patients: int) -> dict[str, list[dict]]:
    """Tables (row dicts) of ``n_patients`` patients: the demo study rebuilt per block with seed ``SEED + block``."""
    from oncocohort.demo import cohort

    tables: dict[str, list[dict]] = {}
    original_seed = cohort.SEED
    try:
        for block in range(math.ceil(n_patients / BLOCK)):
            cohort.SEED = original_seed + block
            keep = min(BLOCK, n_patients - block * BLOCK)
            block_tables = cohort.build_tables()
            ids = sorted({r["patient_id"] for r in block_tables["patients"]})[:keep]
            new_id = {pid: f"P{block:04d}-{pid.removeprefix('DEMO-')}" for pid in ids}
            for name, rows in block_tables.items():
                out = tables.setdefault(name, [])
                for row in rows:
                    if row["patient_id"] in new_id:
                        out.append({**row, "patient_id": new_id[row["patient_id"]]})
    finally:
        cohort.SEED = original_seed
    return tables


def write_study(folder: Path, n_patients: int, layout: str) -> dict[str, int]:
    """Write the study folder (study.toml + CSVs or study.xlsx); returns rows per table."""
    from oncocohort.demo.cohort import STUDY_TOML
    from oncocohort.io.schema import TABLES_BY_NAME

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(STUDY_TOML.replace("(synthetic demo)", f"(synthetic, {n_patients:,} patients)"),
                                       encoding="utf-8")
    tables = build_study_tables(n_patients)

    def cell(value):
        if value is None:
            return ""
        return value.isoformat() if isinstance(value, dt.date) else value

    if layout == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for name, rows in tables.items():
            columns = [c.name for c in TABLES_BY_NAME[name].columns]
            sheet = book.create_sheet(name)
            sheet.append(columns)
            for row in rows:
                sheet.append([None if row.get(c) is None else row[c] for c in columns])
        book.save(folder / "study.xlsx")
    else:
        import csv

        for name, rows in tables.items():
            columns = [c.name for c in TABLES_BY_NAME[name].columns]
            with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows([cell(row.get(c)) for c in columns] for row in rows)
    return {name: len(rows) for name, rows in tables.items()}


# The child that runs `report` and nothing else, so RUSAGE_CHILDREN is the report's own peak RSS. It also samples
# (every 0.1 s, /proc) the RSS of the report process and of its figure processes, per stage: the samples taken
# before a progress line "[12.3 s] <stage>: …" (printed when the stage ends) belong to that stage.
_MEASURE = """
import json, os, re, resource, subprocess, sys, tempfile, threading, time

def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS")), 0.0)
    except OSError:
        return 0.0

def descendants(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in map(int, children.read().split()):
                    found += [child, *descendants(child)]
    except OSError:
        pass
    return found

start = time.perf_counter()
stages, lock = [["", 0.0, 0.0]], threading.Lock()  # [stage, peak of the report process, of its largest child]
with tempfile.TemporaryFile("w+") as errors:
    run = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=errors, text=True, cwd=sys.argv[1])

    def sample():
        while run.poll() is None:
            own, children = rss_mib(run.pid), [rss_mib(c) for c in descendants(run.pid)]
            with lock:
                stages[-1][1] = max(stages[-1][1], own)
                stages[-1][2] = max([stages[-1][2], *children])
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = []
    for line in run.stdout:
        output.append(line)
        ended = re.match(r"^\\[\\s*[\\d.]+ s\\] ([^:]+)", line)
        if ended and not ended.group(1).startswith("warning"):
            with lock:
                stages[-1][0] = ended.group(1).strip()
                stages.append(["", 0.0, 0.0])
    run.wait()
    sampler.join()
    errors.seek(0)
    stderr = errors.read()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"returncode": run.returncode, "seconds": time.perf_counter() - start,
                  "peak_rss_mib": usage.ru_maxrss / 1024, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "stage_rss_mib": [s for s in stages if s[0]], "stdout": "".join(output), "stderr": stderr}))
"""


def run_report(code_dir: Path, study: Path, out: Path) -> dict:
    """Run ``python -m oncocohort report`` from ``code_dir`` (its package is imported); returns the measurements."""
    command = [sys.executable, "-m", "oncocohort", "report", str(study), "--out", str(out), "--format", "html,docx"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    measured = subprocess.run([sys.executable, "-c", _MEASURE, str(code_dir), *command], capture_output=True,
                              text=True, env=env, check=True)
    result = json.loads(measured.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"report failed ({code_dir}):\n{result['stdout']}\n{result['stderr']}")
    result["stages"] = stage_times(result["stdout"] + result["stderr"])
    result["html_mib"] = (out / "report.html").stat().st_size / 2**20 if (out / "report.html").exists() else None
    result["output_mib"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    return result


def stage_times(log: str) -> list[tuple[str, float]]:
    """Each progress line ``[  1.23 s] stage…`` (printed when the stage ends) → (stage, seconds since the line
    before; the first stage from the start of the run). Warning lines are not stages."""
    marks = [(float(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^\[\s*([\d.]+) s\] (.*)$", log, re.M)
             if not m.group(2).startswith("warning")]
    return [(stage, at - (marks[i - 1][0] if i else 0.0)) for i, (at, stage) in enumerate(marks)]


def print_result(label: str, result: dict) -> None:
    print(f"{label}: wall {result['seconds']:.1f} s, CPU {result['cpu_seconds']:.1f} s, peak RSS "
          f"{result['peak_rss_mib']:.0f} MiB, report.html {result['html_mib'] or 0:.2f} MiB, "
          f"all outputs {result['output_mib']:.1f} MiB")
    peaks = {stage: (own, child) for stage, own, child in result.get("stage_rss_mib", [])}
    for stage, seconds in result["stages"]:
        name = stage.split(":", 1)[0].strip()
        memory = (f"  peak RSS {peaks[name][0]:6.0f} MiB (largest figure process {peaks[name][1]:4.0f})"
                  if name in peaks else "")
        print(f"    {seconds:7.2f} s{memory}  {stage[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--layout", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--reference", type=Path, help="another checkout (e.g. git worktree add /tmp/old 3202bc4)")
    parser.add_argument("--reference-patients", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="write the study and outputs here instead of a temporary folder")
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        study = work / f"study_{args.patients}_{args.layout}"
        start = time.perf_counter()
        rows = write_study(study, args.patients, args.layout)
        print(f"study: {args.patients:,} patients ({args.layout}); rows: "
              + ", ".join(f"{name} {n:,}" for name, n in rows.items())
              + f"; written in {time.perf_counter() - start:.1f} s")
        result = run_report(here, study, work / f"out_{args.patients}_{args.layout}")
        print_result(f"report, {args.patients:,} patients (this checkout)", result)
        print(f"goal: a few minutes, peak RSS < 2048 MiB → peak at {result['peak_rss_mib'] / 2048:.0%} of 2 GB")
        if args.reference:
            small = work / f"study_{args.reference_patients}_{args.layout}"
            if args.reference_patients == args.patients:
                ours = result
            else:
                write_study(small, args.reference_patients, args.layout)
                ours = run_report(here, small, work / "out_small_ours")
            theirs = run_report(args.reference.resolve(), small, work / "out_small_reference")
            print_result(f"report, {args.reference_patients:,} patients (this checkout)", ours)
            print_result(f"report, {args.reference_patients:,} patients (reference {args.reference})", theirs)
            print(f"ratio reference / this checkout at {args.reference_patients:,} patients: wall "
                  f"{theirs['seconds'] / ours['seconds']:.1f}×, peak RSS "
                  f"{theirs['peak_rss_mib'] / ours['peak_rss_mib']:.1f}×")


if __name__ == "__main__":
    main()
