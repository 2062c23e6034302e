"""Benchmark: how the study-folder pipeline grows with the number of patients — `validate`, `derive` and `report`
(HTML + DOCX) on the demo-shaped study at 1e3, 1e4 (and 1e5) patients; goal: 1e5 patients through all three in
under 2 minutes and under 2 GB, cost linear in n.

    python benchmarks/pipeline_growth.py [--sizes 1000,10000,100000] [--reference /work/main] [--keep DIR]
                                         [--one-cpu]

Each stage is one `python -m oncocohort …` run in its own measuring child (benchmarks/report_scale.py's
``_MEASURE``): wall seconds, CPU seconds (user + system, the fairer figure on a shared machine) and peak RSS of the
stage's process. The table gives each stage at each size and the growth factor per 10× patients (1.0 per 10× would
be constant cost, 10 linear). With ``--reference DIR`` (another checkout, e.g. ``git archive 0d0d5c7 | tar -x -C
/tmp/old``) the same studies also run with that checkout's package and the CPU ratio reference / this checkout is
printed per stage. The studies are built by report_scale.write_study (the demo study repeated with new seeds).
``--one-cpu`` runs every stage pinned to one CPU (``taskset``), so the report draws its figures in its own process
(report/figure_files.available_workers) — the CPU figure is then the whole work of the stage on one core.
The table also gives the cost per patient (CPU ms and peak RSS KiB per patient): linear cost keeps it flat.

Measured 2026-12-02 on the shared 2-core machine (load average 12–20, so wall times are not meaningful; CPU times
are inflated by the contention), ``--one-cpu``:

    stage      patients   CPU s   peak RSS MiB
    validate      1,000     1.1        130
    derive        1,000     2.0        162
    report        1,000    10.9        419
    validate     10,000     3.4        268
    derive       10,000     5.7        396
    report       10,000    13.4        503
    validate    100,000    34.1       1604
    derive      100,000    62.8       2897   (before the BOR-confirmation change; its self-merge was the peak)

In one process at 10,000 patients, 39045b0 → this branch: validate_study 2.65 → 1.98 s, derive_study 2.52 → 2.09 s,
write_datasets 1.48 → 0.92 s CPU, the written files byte-identical. Where 100,000 patients go (in-process
tracing): reading lesions.csv (2 M rows) 3.5–5 s of which ≈ 30 % is the cyclic garbage collector walking the 2 M
row tuples; the cross-table checks 11.7 s; validate's peak (1.6 GB) is the row tuples of RawTable (≈ 450 MB for
lesions) plus the typed tables; derive adds the lesions subset and RECIST's visit table (+640 MB).

Branch scaleio18 (2026-12-02), validation and derivation at registry scale: raw tables held column by column (one
object array per column, CSV records streamed into them 65,536 at a time; no row tuples), the cyclic GC paused
while a study is read, typed and checked (io/gc_pause.py), TTF and TTR vectorised, CTCAE look-ups and eligibility
text normalised once per distinct value, control characters searched by one regex, baseline records and the
checks' patient dates found by position instead of merges/joins of the 2-million-row lesions table. Outputs
byte-identical (validate text at 1e4 and 1e5, the derived folder at 1e4 and 1e5, the demo report's 117 files).
One `python -m oncocohort` process per stage, ``/usr/bin/time`` (CPU = user + system), main at 5b6e8ce →
this branch, measured in the same hour on the shared machine at load average 9–15
(CPU figures inflated and noisy by ±20 %; the growth run with 1e5 did not fit in the session under that load):

    stage      patients   CPU s original → branch   peak RSS MiB original → branch
    validate     10,000          3.2 → 3.1                  267 → 246
    derive       10,000          6.4 → 6.7                  378 → 348
    validate    100,000         31.6 → 30.2                1604 → 1274
    derive      100,000         57.9 → 64.6*               2068 → 1844

    * measured at load average 21 (the original at about 6; system CPU 7.2 → 11.6 s): not comparable —
      the in-process figures below, taken back to back, are

In one process at 100,000 patients (cProfile, CPU clock): derive_study 39.0 → 26.2 s (TTF 6.9 s, the CTCAE
flagging 5.1 s and eligibility 2.6 s each now under 1.5 s); the CTCAE check 7 s → 0.14 s; baseline_records
1.6 → 1.2 s. Where 100,000 patients still go: reading lesions.csv ≈ 4.5 s (Python's csv module alone is 2.1 s
of it: the strict reader needs each record's line numbers), typing (pandas factorize; ≈ 500,000 distinct
patient-id cells, 100,000 per table, each read once), the cross-table checks ≈ 12 s (lesions: baseline targets
4 s and kind stable 2 s — sorting 2 M rows by text keys; death order 1.3 s), then in derive: PFS with its four
censoring variants 6.6 s (group-bys on text patient ids), the RECIST visit table 3.6–6 s, BOR ×3 3.3 s.
`derive` validates first and `report` validates and derives again in-process: validation counts three times in
the pipeline's total, derivation twice.

The user's pipeline is one command: ``oncocohort report STUDY`` validates, derives and reports in one process.
Measured on main at 2598c17 (2026-12-02, machine otherwise running one test suite, load ≈ 2), ``/usr/bin/time
-v python -m oncocohort report /tmp/s… --out … --format html,docx`` (studies from report_scale.write_study):

    patients   validate   derive   statistics   tables   figures   whole command        peak RSS (report process)
    10,000       2.4 s     2.2 s      1.2 s      0.4 s     3.3 s    11.1 s wall, 12.9 CPU      339 MiB
    100,000     28.8 s    28.1 s      4.6 s      0.6 s    13.7 s    77.6 s wall, 76.8 CPU    1,878 MiB

(stage columns: wall seconds from the report's progress lines). 1e5 patients through validation, derivation and
the report: 77.6 s and 1.83 GiB, inside the goal (2 minutes, 2 GB). Growth per 10× patients: validate ×12.2, derive
×12.5 — the n log n of sorting the 2 M lesion rows by patient and date (log 2e6 / log 2e5 = 1.19) — statistics
×3.8, figures ×4.2 (bounded figures). The figure workers are separate processes (largest ≈ 380 MiB, mostly pages
shared with the report process by fork). Run as three separate commands, validation counts three times and
derivation twice: 28.8 + 57 + 77.6 ≈ 163 s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_scale import _MEASURE, write_study  # noqa: E402

STAGES = ("validate", "derive", "report")


def run_stage(code_dir: Path, stage: str, study: Path, out: Path, one_cpu: bool = False) -> dict:
    """One CLI stage from ``code_dir`` (its package is imported) → wall, CPU seconds and peak RSS (MiB)."""
    command = [sys.executable, "-m", "oncocohort", stage, str(study)]
    if one_cpu:
        command = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *command]
    if stage == "derive":
        command += ["--out", str(out / "derived")]
    elif stage == "report":
        command += ["--out", str(out / "report"), "--format", "html,docx"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    measured = subprocess.run([sys.executable, "-c", _MEASURE, str(code_dir), *command], capture_output=True,
                              text=True, env=env, check=True)
    result = json.loads(measured.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"{stage} failed ({code_dir}, {study}):\n{result['stdout'][-3000:]}\n"
                         f"{result['stderr'][-3000:]}")
    return {"wall": result["seconds"], "cpu": result["cpu_seconds"], "rss": result["peak_rss_mib"]}


def growth_table(sizes: list[int], results: dict[tuple[int, str], dict]) -> str:
    lines = [f"{'stage':<10}{'patients':>10}{'wall s':>9}{'CPU s':>9}{'peak RSS MiB':>14}"
             f"{'CPU growth /10x':>17}{'RSS growth /10x':>17}{'CPU ms/patient':>16}{'RSS KiB/patient':>17}"]
    for stage in (*STAGES, "total"):
        for i, n in enumerate(sizes):
            r = results[(n, stage)]
            growth_cpu = growth_rss = ""
            if i:  # growth per 10x patients, whatever the step between the sizes
                previous, decades = results[(sizes[i - 1], stage)], math.log10(n / sizes[i - 1])
                growth_cpu = f"{(r['cpu'] / previous['cpu']) ** (1 / decades):.1f}x"
                growth_rss = f"{(r['rss'] / previous['rss']) ** (1 / decades):.1f}x"
            lines.append(f"{stage:<10}{n:>10,}{r['wall']:>9.1f}{r['cpu']:>9.1f}{r['rss']:>14.0f}"
                         f"{growth_cpu:>17}{growth_rss:>17}{1000 * r['cpu'] / n:>16.2f}{1024 * r['rss'] / n:>17.1f}")
    return "\n".join(lines)


def measure(code_dir: Path, sizes: list[int], studies: dict[int, Path], work: Path, label: str,
            one_cpu: bool = False) -> dict:
    results: dict[tuple[int, str], dict] = {}
    for n in sizes:
        out = work / f"out_{label}_{n}"
        out.mkdir(parents=True, exist_ok=True)
        for stage in STAGES:
            results[(n, stage)] = run_stage(code_dir, stage, studies[n], out, one_cpu)
            r = results[(n, stage)]
            print(f"  [{label}] {n:>7,} patients  {stage:<9} wall {r['wall']:7.1f} s  CPU {r['cpu']:7.1f} s  "
                  f"peak RSS {r['rss']:6.0f} MiB", flush=True)
        results[(n, "total")] = {"wall": sum(results[(n, s)]["wall"] for s in STAGES),
                                 "cpu": sum(results[(n, s)]["cpu"] for s in STAGES),
                                 "rss": max(results[(n, s)]["rss"] for s in STAGES)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--reference", type=Path, help="another checkout to run on the same studies")
    parser.add_argument("--keep", type=Path, help="write studies and outputs here instead of a temporary folder")
    parser.add_argument("--one-cpu", action="store_true", help="pin every stage to one CPU (figures drawn serially)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    here = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        studies = {}
        for n in sizes:
            start = time.perf_counter()
            studies[n] = work / f"study_{n}"
            if args.keep and (studies[n] / "study.toml").exists():  # the same seeds give the same study
                print(f"study of {n:,} patients: reused {studies[n]}", flush=True)
                continue
            rows = write_study(studies[n], n, "csv")
            print(f"study of {n:,} patients written in {time.perf_counter() - start:.0f} s: "
                  + ", ".join(f"{name} {count:,}" for name, count in rows.items()), flush=True)
        ours = measure(here, sizes, studies, work, "this checkout", args.one_cpu)
        print("\nthis checkout\n" + growth_table(sizes, ours))
        total = ours[(sizes[-1], "total")]
        print(f"\ngoal at 1e5 patients: < 120 s and < 2048 MiB; at {sizes[-1]:,}: wall {total['wall']:.0f} s "
              f"(CPU {total['cpu']:.0f} s), peak RSS {total['rss']:.0f} MiB")
        if args.reference:
            theirs = measure(args.reference.resolve(), sizes, studies, work, "reference", args.one_cpu)
            print(f"\nreference {args.reference}\n" + growth_table(sizes, theirs))
            print("\nCPU ratio reference / this checkout:")
            for n in sizes:
                ratios = (f"{stage} {theirs[(n, stage)]['cpu'] / ours[(n, stage)]['cpu']:.2f}x"
                          for stage in (*STAGES, "total"))
                print(f"  {n:>7,} patients  " + "  ".join(ratios))


if __name__ == "__main__":
    main()
