"""The Python API: docs/python-api.md's examples run as doctests; every public name resolves; analyse()."""

from __future__ import annotations

import doctest
import importlib
import types
from pathlib import Path

import pytest

import oncocohort

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["oncocohort", "oncocohort.io", "oncocohort.stats", "oncocohort.derive", "oncocohort.present",
            "oncocohort.report", "oncocohort.audit", "oncocohort.importers", "oncocohort.reference"]


def test_python_api_doc_examples_run():
    result = doctest.testfile(str(ROOT / "docs" / "python-api.md"), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 20 and result.failed == 0


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves_to_an_object_not_a_module(package):
    module = importlib.import_module(package)
    assert module.__all__, f"{package} lists no public names"
    for name in module.__all__:
        assert not isinstance(getattr(module, name), types.ModuleType), f"{package}.{name} is a module"


def test_analyse_refuses_an_invalid_folder(tmp_path):
    with pytest.raises(oncocohort.StudyInputError):
        oncocohort.analyse(tmp_path)


def test_analyse_takes_a_folder_or_a_loaded_study(demo_study):
    study = oncocohort.load_study(demo_study)
    assert oncocohort.analyse(study).n_included == oncocohort.analyse(demo_study).n_included == 32
