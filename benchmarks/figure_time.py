"""CPU time of the report's figures, figure by figure: drawing (the plan's ``draw()``: the matplotlib figure and our
layout, which measures texts), the PNG (``save_figure`` → Agg and :mod:`oncocohort.present.png_file`), the SVG and
the PDF, and the figure process's warm-up (:func:`oncocohort.report.figure_files.warm_up`).

    python -m oncocohort demo --export-study /tmp/study      # a study folder (once)
    python benchmarks/figure_time.py /tmp/study              # this checkout, median of 3 runs
    python benchmarks/figure_time.py /tmp/study --old /tmp/old-checkout   # and another checkout, runs alternating
    python benchmarks/figure_time.py /tmp/study --out DIR    # also keep the files (compare them with md5sum)
    python benchmarks/figure_time.py /tmp/study --profile tottime         # cProfile of one run, top 40 lines

Each run is a fresh interpreter (``python -m`` in the checkout's folder: that checkout's package is imported) that
analyses the study, warms up as a figure process does, then draws and saves each figure as the report does
(default journal style, decimal mark applied; each format written by ``figure_style.save_format`` in
``save_figure``'s order), timing each step with ``time.process_time()`` — CPU time, the steady measure on a shared
machine. The study's analysis is not timed. Printed: per figure the median over the runs of draw / png / svg / pdf CPU
seconds, the totals, and with ``--old`` the same for the other checkout and the ratio of the totals.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
STEPS = ("draw", "png", "svg", "pdf")

# run in the measured checkout's interpreter: prints one JSON line {"warm_up": s, "figures": {key: {step: s}}}
RUN = r"""
import json, sys, time
from pathlib import Path
study, out, profile = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
from oncocohort.report.build import analyse_folder, figure_plans
from oncocohort.report.figure_files import warm_up
from oncocohort.present.journal_style import use_style
_, _, results = analyse_folder(study)
if profile != "-":
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
start = time.process_time()
warm_up()
times = {"warm_up": time.process_time() - start, "figures": {}}
from oncocohort.present.figure_style import plt
try:
    from oncocohort.present.figure_style import save_format
except ImportError:  # an older checkout: save_figure's steps as it wrote them
    from oncocohort.present.figure_style import DPI, _save_png

    def save_format(figure, stem, fmt):
        path = stem.with_suffix("." + fmt)
        if fmt == "png":
            return _save_png(figure, path)
        figure.savefig(path, dpi=DPI, metadata={"svg": {"Date": None},
                                                "pdf": {"CreationDate": None, "ModDate": None}}[fmt])
with use_style("default"):
    for plan in figure_plans(results):
        stem = out / f"figure_{plan.key}"
        steps = {}
        t = time.process_time()
        _, figure = plan.draw()
        steps["draw"] = time.process_time() - t
        for fmt in ("png", "svg", "pdf"):  # in save_figure's order
            t = time.process_time()
            save_format(figure, stem, fmt)
            steps[fmt] = time.process_time() - t
        plt.close(figure)
        times["figures"][plan.key] = steps
if profile != "-":
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats(profile).print_stats(40)
print(json.dumps(times))
"""


def run_once(install: Path, study: Path, out: Path | None, profile: str = "-") -> dict:
    """One measured run of ``install`` on ``study`` → {"warm_up": s, "figures": {key: {step: CPU s}}}."""
    with tempfile.TemporaryDirectory(prefix="figure-time-") as folder:
        target = out or Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        run = subprocess.run([sys.executable, "-c", RUN, str(study), str(target), profile], cwd=install,
                             capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{install}: the figure run failed\n{run.stdout}{run.stderr}")
    if profile != "-":
        print(run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])


def medians(runs: list[dict]) -> dict:
    """The per-figure, per-step medians of ``runs`` (and of the warm-up)."""
    keys = list(runs[0]["figures"])
    return {"warm_up": statistics.median(r["warm_up"] for r in runs),
            "figures": {k: {s: statistics.median(r["figures"][k][s] for r in runs) for s in STEPS} for k in keys}}


def total(times: dict) -> float:
    return sum(sum(steps.values()) for steps in times["figures"].values())


def table(times: dict, title: str) -> str:
    """The medians as a text table: one row per figure, one column per step, totals at the bottom."""
    lines = [title, f"{'figure':<40}" + "".join(f"{s:>8}" for s in STEPS) + f"{'all':>8}"]
    for key, steps in times["figures"].items():
        lines.append(f"{key:<40}" + "".join(f"{steps[s]:8.3f}" for s in STEPS) + f"{sum(steps.values()):8.3f}")
    sums = {s: sum(steps[s] for steps in times["figures"].values()) for s in STEPS}
    lines.append(f"{'total':<40}" + "".join(f"{sums[s]:8.3f}" for s in STEPS) + f"{total(times):8.3f}")
    lines.append(f"{'warm-up':<40}{times['warm_up']:8.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("study", type=Path, help="a study folder (python -m oncocohort demo --export-study DIR)")
    parser.add_argument("--old", type=Path, help="another checkout to measure side by side")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, help="keep this checkout's figure files here")
    parser.add_argument("--profile", choices=("tottime", "cumulative"), help="profile one run instead")
    args = parser.parse_args(argv)
    study = args.study.resolve()
    if args.profile:
        run_once(HERE, study, args.out, args.profile)
        return
    installs = [HERE] + ([args.old.resolve()] if args.old else [])
    runs: dict[Path, list[dict]] = {install: [] for install in installs}
    for _ in range(args.runs):  # alternating: both checkouts see the same load
        for install in installs:
            runs[install].append(run_once(install, study, args.out if install == HERE else None))
    results = {install: medians(r) for install, r in runs.items()}
    for install in installs:
        print(table(results[install], f"{install} (CPU s, median of {args.runs})"), "\n")
    if args.old:
        new, old = total(results[HERE]), total(results[args.old.resolve()])
        print(f"figures total: {new:.3f} s vs {old:.3f} s (ratio {new / old:.3f}); warm-up "
              f"{results[HERE]['warm_up']:.3f} s vs {results[args.old.resolve()]['warm_up']:.3f} s")


if __name__ == "__main__":
    main()
