"""Terminal behaviour of the CLI: a closed pipe ends quietly; library warnings never reach the terminal with their
source lines — one plain sentence instead (``--debug`` shows them as Python does)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np

from oncocohort import cli
from tests.study_builder import example_tables, write_study


def test_closed_pipe_ends_quietly(tmp_path):
    tables = example_tables()
    tables["patients"][0]["sex"] = "x"  # output to print: a problem list
    study = write_study(tmp_path / "s", tables)
    # the reader goes away before oncocohort prints anything (as `| head -1` after its line)
    process = subprocess.Popen([sys.executable, "-m", "oncocohort", "validate", str(study)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == cli.SIGPIPE_EXIT
    assert stderr == ""  # no "internal error: BrokenPipeError", no "Exception ignored"


def _own_pipe_breaks(args):
    raise BrokenPipeError(32, "Broken pipe")  # as a pipe to a figure process would, with stdout still open


def test_a_broken_pipe_of_its_own_is_an_internal_error_not_a_quiet_exit(monkeypatch, capsys):
    """Only a closed stdout ends quietly (exit 141); a pipe of oncocohort's own that breaks is reported."""
    monkeypatch.setattr(cli, "_stdout_reader_gone", lambda: False)
    parser = cli.build_parser()
    args = parser.parse_args(["validate", "x"])
    monkeypatch.setattr(cli, "build_parser", lambda: _Parsed(args, _own_pipe_breaks))
    assert cli.main(["validate", "x"]) == 2
    assert "internal error: BrokenPipeError" in capsys.readouterr().err


def test_stdout_reader_gone_is_false_for_an_open_pipe():
    import os

    read, write = os.pipe()
    try:
        code = ("import sys; from oncocohort import cli; sys.exit(0 if not cli._stdout_reader_gone() else 1)")
        assert subprocess.run([sys.executable, "-c", code], stdout=write, timeout=60).returncode == 0
    finally:
        os.close(read)
        os.close(write)


class _Parsed:
    def __init__(self, args, run):
        args.run = run
        self._args = args

    def parse_args(self, argv):
        return self._args


def _numerical_command(args):
    np.log(np.array([0.0]))  # RuntimeWarning: divide by zero encountered in log
    np.log(np.array([0.0]))
    warnings.warn("old API", DeprecationWarning, stacklevel=2)
    print("result printed")
    return 0


def test_numerical_warnings_become_one_plain_sentence(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_cmd_proportion", _numerical_command)
    assert cli.main(["proportion", "1", "2"]) == 0
    out, err = capsys.readouterr()
    assert out == "result printed\n"
    assert err.count("\n") == 1 and "RuntimeWarning" not in err and "np.log" not in err and ".py" not in err
    assert err.startswith("oncocohort proportion: note: the computation met 2 numerical warning(s) from "
                          "numpy/pandas (divide by zero encountered in log (2 times)).")
    assert "old API" not in err  # deprecations are for developers


def test_no_warning_no_note(capsys):
    assert cli.main(["proportion", "3", "10"]) == 0
    assert capsys.readouterr().err == ""


def test_warnings_in_a_real_process_show_no_source_line(tmp_path):
    code = ("import numpy as np, sys; from oncocohort import cli\n"
            "def run(args):\n    np.exp(np.array([1000.0]))\n    return 0\n"
            "cli._cmd_proportion = run\nsys.exit(cli.main(['proportion', '1', '2']))\n")
    run = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert run.stderr.startswith("oncocohort proportion: note: the computation met 1 numerical warning(s)")
    assert "overflow encountered in exp" in run.stderr and "RuntimeWarning" not in run.stderr
