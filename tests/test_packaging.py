"""Packaging: the wheel holds every file the package reads at run time, and `oncocohort demo` runs from a wheel
installed in a fresh virtual environment (not from this source tree or the editable install).

The wheel is built from a copy of the project (so that no build/ or egg-info folder lands in the source tree)
without build isolation, with the setuptools of the dev extra (no network needed). The venv reuses the installed
dependencies (``--system-site-packages``); the test asserts that its ``oncocohort`` is the wheel's."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(command, cwd, timeout=120):
    run = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, f"{' '.join(map(str, command))}\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "oncocohort", source / "oncocohort", ignore=shutil.ignore_patterns("__pycache__"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", work / "dist", source], cwd=work)
    return next((work / "dist").glob("oncocohort-*.whl"))


def test_wheel_holds_every_runtime_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "oncocohort").rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)
    assert "oncocohort/demo/plan.csv" in data
    assert [name for name in data if name not in names] == []


def test_demo_runs_from_the_installed_wheel(wheel, tmp_path):
    env = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env)
    python = env / "bin" / "python"
    # this interpreter's pip installs for the venv's python (--python); --ignore-installed: beside the editable install
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--ignore-installed",
          "-q", wheel], cwd=tmp_path)
    script = env / "bin" / "oncocohort"
    assert script.read_text().splitlines()[0] == f"#!{python}"  # the console script runs the venv's python …
    where = _run([python, "-c", "import oncocohort; print(oncocohort.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(env), where  # … which imports the wheel, not the editable install
    run = _run([script, "demo", "--out", tmp_path / "demo", "--format", "html"], cwd=tmp_path, timeout=180)
    assert "open " in run.stdout and "internal error" not in run.stderr
    assert (tmp_path / "demo" / "report.html").exists() and (tmp_path / "demo" / "study" / "patients.csv").exists()
