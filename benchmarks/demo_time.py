"""Wall time of `oncocohort demo` as a whole process (goal: under 3 s on the 2-core reference machine), and where
the time goes (stages printed by the report's progress lines).

    python benchmarks/demo_time.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time


def main(repeats: int = 3) -> None:
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "oncocohort.cli", "demo", "--out", folder],
                                 capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if run.returncode:
                raise SystemExit(run.stdout + run.stderr)
    print(run.stdout)
    best = min(times)
    print(f"oncocohort demo wall time: best {best:.2f} s of {repeats} (all: {', '.join(f'{t:.2f}' for t in times)}); "
          f"goal 3 s → ratio {best / 3:.2f}")


if __name__ == "__main__":
    main()
