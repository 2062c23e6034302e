"""How long the report of a 10-patient study takes, and how much of it is the Firth-penalised Cox model.

Issue 15: "Firth must not dominate a small study: a 10-patient report in under 3 s". The study is the synthetic demo
(oncocohort.demo) cut to ten patients (every third patient of the demo, with all their records); with that few
patients a multivariable Cox model has a subgroup without events, the likelihood is monotone and ``[analysis] firth
= "auto"`` switches the model to Firth's penalised likelihood (the script checks this in results.json).

    python benchmarks/small_study_time.py                         # this checkout, 5 runs
    python benchmarks/small_study_time.py --old /tmp/old-checkout # and an older checkout, runs interleaved

Printed: per install the median wall and CPU time of ``python -m oncocohort report STUDY --out … --format
html,docx`` (as benchmarks/demo_time.py measures the demo), and, in this process, the median CPU time of
``oncocohort.analyse`` on the study (all statistics) and of the Firth fits in it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from demo_time import print_medians, run_demo  # this folder: the same timed run as the demo benchmark

HERE = Path(__file__).resolve().parents[1]
FORMATS = "html,docx"
PATIENTS = 10
TABLES = ("patients", "treatments", "lesions", "adverse_events", "followup")


def write_small_study(folder: Path, patients: int = PATIENTS) -> Path:
    """The demo study cut to ``patients`` patients (every third demo patient, all their records kept)."""
    sys.path.insert(0, str(HERE))
    from oncocohort.demo.cohort import write_demo_study

    write_demo_study(folder)
    with (folder / "patients.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["patient_id"] for row in csv.DictReader(handle)]
    kept = set(ids[::3][:patients])
    for table in TABLES:
        path = folder / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([rows[0]] + [r for r in rows[1:] if r[0] in kept])
        path.write_text(out.getvalue(), encoding="utf-8")
    return folder


def firth_models(results) -> list[str]:
    """Paths in results.json of the models fitted by Firth's method."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            if "Firth" in str(node.get("method", "")):
                found.append(path)
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for k, value in enumerate(node):
                walk(value, f"{path}[{k}]")
    walk(results, "results")
    return found


def statistics_time(study: Path, repeats: int) -> tuple[float, float]:
    """Median CPU seconds of ``oncocohort.analyse(study)`` and of the Firth fits within it (this checkout)."""
    import oncocohort
    from oncocohort.stats import firth, study_analysis

    spent = [0.0]
    original = firth.firth_cox_model

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - start

    study_analysis.firth_cox_model = timed
    totals, firths = [], []
    try:
        for _ in range(repeats):
            spent[0] = 0.0
            start = time.process_time()
            oncocohort.analyse(study)
            totals.append(time.process_time() - start)
            firths.append(spent[0])
    finally:
        study_analysis.firth_cox_model = original
    return statistics.median(totals), statistics.median(firths)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, help="an older checkout to run side by side")
    parser.add_argument("--repeats", type=int, default=5, help="runs per install (default 5)")
    args = parser.parse_args(argv)
    installs = {"new": HERE} | ({"old": args.old.resolve()} if args.old else {})
    with tempfile.TemporaryDirectory(prefix="small-study-") as folder:
        study = write_small_study(Path(folder) / "study")
        runs: dict[str, list] = {name: [] for name in installs}
        for name, install in installs.items():  # warm the file cache and the bytecode once, not measured
            warm = Path(folder) / f"warm-{name}"
            run_demo(install, FORMATS, study, out=warm)
            firth_paths = firth_models(json.loads((warm / "results.json").read_text(encoding="utf-8")))
            print(f"{name}: Firth-penalised models in results.json: {', '.join(firth_paths) or 'none'}")
        for _ in range(args.repeats):
            for name, install in installs.items():
                runs[name].append(run_demo(install, FORMATS, study))
        print(f"\noncocohort report (a {PATIENTS}-patient study) --format {FORMATS}: {args.repeats} runs per install, "
              "alternating; medians. CPU = user + system of the process and its workers.")
        walls = {name: wall for name, (wall, _) in print_medians(installs, runs).items()}
        if "old" in walls:
            print(f"old / new: wall {walls['old'] / walls['new']:.2f}×")
        total, in_firth = statistics_time(study, args.repeats)
        print(f"\nin process (this checkout): oncocohort.analyse {total:.2f} s, of which Firth fits {in_firth:.2f} s")
        print(f"goal 3 s wall: new {walls['new']:.2f} s")


if __name__ == "__main__":
    main()
