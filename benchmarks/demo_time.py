"""How long `oncocohort demo` takes as a whole process (goal: under 3 s wall on the 2-core reference machine), where
the time goes, and the ratio against an older install run side by side.

    python benchmarks/demo_time.py                          # this checkout, 5 runs
    python benchmarks/demo_time.py --old /tmp/old-3202bc4   # and an older checkout, runs interleaved
    python benchmarks/demo_time.py --study DIR              # `oncocohort report DIR` instead of the demo
    git -C /work/main worktree add /tmp/old-3202bc4 3202bc4 # (one way to get the older checkout)

Each install is run as ``python -m oncocohort demo --out <temporary folder>`` with the install's folder as the
working directory (``python -m`` puts it first on sys.path, so that checkout's package is imported). Runs of the two
installs alternate, so both see the same load on a shared machine. Printed: the median wall time and the median CPU
time (user + system of the process and of every worker process it waited for) per install, their ratios, and the
median duration of each stage from the report's progress lines (``[ 1.23 s] stage``; "start" is the interpreter and
the imports before the first stage). CPU time is the steadier measure on a loaded machine; wall time is what the
user waits.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
STAGE = re.compile(r"^\[\s*([0-9.]+) s\] ([a-zA-Z][a-zA-Z -]*?)(?::|$)")


def run_demo(install: Path, formats: str, study: Path | None = None, out: Path | None = None
             ) -> tuple[float, float, list[tuple[str, float]]]:
    """One `oncocohort demo` (or `report study`) of ``install`` → (wall s, CPU s, [(stage, seconds since the
    previous stage)]); the report is written to ``out`` when given (kept), else to a temporary folder."""
    command = ["demo"] if study is None else ["report", str(study)]
    with tempfile.TemporaryDirectory(prefix="demo-time-") as folder:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "oncocohort", *command, "--out", str(out or Path(folder) / "out"),
                              "--format", formats], cwd=install, capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        raise SystemExit(f"{install}: oncocohort demo failed\n{run.stdout}{run.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, stages_of(run.stdout, wall)


def stages_of(output: str, wall: float) -> list[tuple[str, float]]:
    """[(stage, seconds)] from the progress lines of a run that took ``wall`` seconds: each stage's time since the
    previous one, and "start" first: the progress clock starts after the imports, so the rest of the wall time is
    interpreter start, imports (and, for the demo, writing its study and copying it into the report folder)."""
    marks = [(m.group(2).strip(), float(m.group(1))) for m in map(STAGE.match, output.splitlines()) if m]
    marks = [(stage, t) for stage, t in marks if stage != "warning"]
    stages, previous = [], 0.0
    for stage, t in marks:
        stages.append((stage, t - previous))
        previous = t
    return [("start", wall - previous), *stages]


def stage_medians(runs) -> list[tuple[str, float]]:
    names = [stage for stage, _ in runs[0][2]]
    return [(name, statistics.median(dict(r[2]).get(name, 0.0) for r in runs)) for name in names]


def print_medians(installs: dict[str, Path], runs: dict[str, list]) -> dict[str, tuple[float, float]]:
    """Print each install's median wall and CPU time of its ``runs`` (from :func:`run_demo`) and the median of each
    stage → {install name: (wall s, CPU s)}."""
    medians = {}
    for name, install in installs.items():
        wall = statistics.median(r[0] for r in runs[name])
        cpu = statistics.median(r[1] for r in runs[name])
        medians[name] = wall, cpu
        print(f"\n{name} ({install}): wall {wall:.2f} s (all: {', '.join(f'{r[0]:.2f}' for r in runs[name])}), "
              f"CPU {cpu:.2f} s")
        for stage, seconds in stage_medians(runs[name]):
            print(f"  {stage:<12} {seconds:6.2f} s wall")
    return medians


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, help="an older checkout to run side by side (e.g. /tmp/old-3202bc4)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per install (default 5)")
    parser.add_argument("--format", default="html,docx", help="report formats (default html,docx)")
    parser.add_argument("--study", type=Path, help="time `oncocohort report STUDY` instead of the demo")
    args = parser.parse_args(argv)
    study = args.study.resolve() if args.study else None
    installs = {"new": HERE} | ({"old": args.old.resolve()} if args.old else {})
    runs: dict[str, list] = {name: [] for name in installs}
    for install in installs.values():  # warm the file cache and the bytecode once, not measured
        run_demo(install, args.format, study)
    for _ in range(args.repeats):
        for name, install in installs.items():
            runs[name].append(run_demo(install, args.format, study))
    what = "demo" if study is None else f"report {study}"
    print(f"oncocohort {what} --format {args.format}: {args.repeats} runs per install, alternating; medians. "
          "CPU = user + system of the process and its workers.")
    medians = print_medians(installs, runs)
    if "old" in medians:
        (new_wall, new_cpu), (old_wall, old_cpu) = medians["new"], medians["old"]
        print(f"\nold / new: wall {old_wall / new_wall:.2f}×, CPU {old_cpu / new_cpu:.2f}× (goal: 4× wall)")
    print(f"goal 3 s wall: new {medians['new'][0]:.2f} s")


if __name__ == "__main__":
    main()
