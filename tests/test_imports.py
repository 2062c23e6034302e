"""Heavy libraries are imported only by the modules that use them: starting the CLI (``--help``, ``validate``,
``init`` …) loads none of scipy, matplotlib, python-docx, openpyxl or WeasyPrint; ``import oncocohort`` and
``--help`` load no pandas; ``validate`` no matplotlib, scipy.stats, statsmodels or python-docx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("scipy", "matplotlib", "docx", "openpyxl", "weasyprint")


def test_cli_starts_without_heavy_libraries():
    code = ("import sys, oncocohort.cli; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_reading_a_csv_study_does_not_need_openpyxl(demo_study):
    code = ("import sys; from oncocohort.io.study import validate_study; "
            f"report = validate_study({str(demo_study)!r}); assert report.study is not None; "
            "print('openpyxl' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def _loaded_by_command(*args: str) -> set[str]:
    """The heavy modules in sys.modules after ``oncocohort ARGS`` ran in a fresh interpreter."""
    heavy = ("pandas", "matplotlib", "scipy.stats", "statsmodels", "docx")
    code = ("import sys\nfrom oncocohort import cli\ntry:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print('loaded:' + ','.join(m for m in {heavy!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return set(filter(None, run.stdout.rsplit("loaded:", 1)[1].strip().split(",")))


@pytest.mark.parametrize("command", [(), ("validate",), ("report",), ("demo",), ("survival",)])
def test_help_loads_no_heavy_library(command):
    assert _loaded_by_command(*command, "--help") == set()


def test_import_oncocohort_loads_no_pandas():
    run = subprocess.run([sys.executable, "-c", "import sys, oncocohort; print('pandas' in sys.modules, "
                          "oncocohort.__version__, oncocohort.validate_study.__module__)"],
                         capture_output=True, text=True)
    assert run.stdout.split() == ["False", "0.1.0", "oncocohort.io.study"], run.stderr


def test_validate_loads_no_figures_nor_statistics_libraries(demo_study):
    loaded = _loaded_by_command("validate", str(demo_study))
    assert "pandas" in loaded  # the check is real: validation reads the tables with pandas
    assert not loaded & {"matplotlib", "scipy.stats", "statsmodels", "docx"}


def test_report_path_before_statistics_loads_no_scipy_stats_nor_matplotlib(demo_study):
    """`report`/`demo` import the report builder, validate and derive before the statistics, while the figure
    processes load matplotlib: none of that loads scipy.stats (≈0.5 s; the normal, chi-square and t functions come
    from scipy.special, stats/distributions.py) or matplotlib (drawn in the figure processes only). Nor does an
    exact binomial interval (stats/exact_tests.py)."""
    code = ("import sys\nimport oncocohort.cli, oncocohort.report.build\n"
            "from oncocohort.io.study import validate_study\n"
            "from oncocohort.derive.analysis_datasets import derive_study\n"
            f"report = validate_study({str(demo_study)!r})\ndatasets = derive_study(report.study)\n"
            "from oncocohort.stats.kaplan_meier import kaplan_meier\n"
            "from oncocohort.stats.logrank import logrank_test\nfrom oncocohort.stats.cox import cox_model\n"
            "adtte = datasets.adtte[datasets.adtte['paramcd'] == 'OS']\n"
            "kaplan_meier(adtte['months'], adtte['event'])\n"
            "print(','.join(m for m in ('scipy.stats', 'scipy.optimize', 'matplotlib') if m in sys.modules))\n"
            "from oncocohort.stats.proportions import proportion_ci\nproportion_ci(3, 10)\n"
            "print('scipy.stats' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["", "False"]


def _analysis_loads(study) -> list[str]:
    """scipy.stats, scipy.optimize, scipy.interpolate and matplotlib when in sys.modules after
    ``oncocohort.report.build.analyse_folder(study)`` (all statistics of a study) in a fresh interpreter."""
    code = ("import sys\nimport oncocohort.report.build as build\n"
            f"results = build.analyse_folder({str(study)!r})\n"
            "assert results is not None\n"
            "print('loaded:' + ','.join(m for m in ('scipy.stats', 'scipy.optimize', 'scipy.interpolate', "
            "'matplotlib') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return list(filter(None, run.stdout.rsplit("loaded:", 1)[1].strip().split(",")))


def test_the_demo_analysis_loads_no_scipy_stats(demo_study):
    """Every statistic of the demo (exact binomial intervals and tests, 2×2 Fisher, Simon designs, Cox PH tests …)
    without scipy.stats or scipy.optimize (stats/distributions.py, stats/exact_tests.py)."""
    assert _analysis_loads(demo_study) == []


def test_a_ten_patient_analysis_loads_no_scipy_stats(tmp_path):
    """benchmarks/small_study_time.py's study: Firth-penalised Cox models and a PH test whose statistic comes out
    negative from a near-singular information matrix (chi-square sf of it: 1, computed here)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from small_study_time import write_small_study
    finally:
        sys.path.pop(0)
    assert _analysis_loads(write_small_study(tmp_path / "study")) == []
