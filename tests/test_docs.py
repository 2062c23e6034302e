"""Documentation stays true: data-format.md is generated from the schema, and every rule is documented."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    path = ROOT / "scripts" / "write_data_format_doc.py"
    spec = importlib.util.spec_from_file_location("write_data_format_doc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_format_doc_is_current():
    committed = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert committed == _generator().render(), "run: python scripts/write_data_format_doc.py"


def test_every_rule_in_the_code_is_documented():
    files = [*(ROOT / "oncocohort" / "io").rglob("*.py"), ROOT / "oncocohort" / "derive" / "preview.py"]
    source = "\n".join(p.read_text() for p in files)
    prefixes = ("cell|date|number|integer|value|table|column|file|study|config|patient|followup|lesions|vital|"
                "treatments|ae|rows|eligibility")
    found = set(re.findall(rf'"((?:{prefixes})\.[a-z_]+)"', source))
    found -= {"study.toml", "study.xlsx", "eligibility.criteria"}  # file and section names, not rules
    found |= {f"{table}.duplicate" for table in ("lesions", "responses", "followup")}  # built with an f-string
    documented = set(_generator().RULES)
    assert found - documented == set()
    assert documented - found == set(), "documented rules that the code no longer emits"
