"""`oncocohort demo` as a user runs it: nothing on stderr — no library warning (pandas' FutureWarnings, numpy's
RuntimeWarnings …), not even with ``--debug``, which shows every warning as Python prints it (in the report process
and in the figure processes) — and matplotlib never loaded by the report process (figures are drawn in the figure
processes it forks)."""

from __future__ import annotations

import subprocess
import sys


def test_demo_writes_nothing_to_stderr_and_draws_in_other_processes(tmp_path):
    code = ("import sys\nfrom oncocohort import cli\n"
            f"code = cli.main(['--debug', 'demo', '--out', {str(tmp_path / 'demo')!r}, '--format', 'html'])\n"
            "print('report process loaded matplotlib:', 'matplotlib' in sys.modules)\nsys.exit(code)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "open " in run.stdout
    # matplotlib says once per machine that it builds its font cache (its own logging, not a warning of ours)
    assert [line for line in run.stderr.splitlines() if "building the font cache" not in line] == []
    assert run.stdout.splitlines()[-1] == "report process loaded matplotlib: False"
