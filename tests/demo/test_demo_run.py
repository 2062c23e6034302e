"""`oncocohort demo` as a user runs it: nothing on stderr — no library warning (pandas' FutureWarnings, numpy's
RuntimeWarnings …), not even with ``--debug``, which shows every warning as Python prints it (in the report process
and in the figure processes)."""

from __future__ import annotations

import subprocess
import sys


def test_demo_writes_nothing_to_stderr(tmp_path):
    run = subprocess.run([sys.executable, "-m", "oncocohort", "--debug", "demo", "--out", str(tmp_path / "demo"),
                          "--format", "html"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "open " in run.stdout
    assert run.stderr == ""
