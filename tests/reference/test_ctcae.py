"""The shipped CTCAE tables: built from the official NCI workbooks, traceable by sha256, and right."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from pathlib import Path

import pytest

from oncocohort.reference import load_ctcae
from oncocohort.reference.ctcae import _synonyms

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "ctcae"
DATA = Path(__file__).resolve().parents[2] / "oncocohort" / "reference" / "data"


def test_term_counts_match_the_nci_release():
    assert len(load_ctcae("5.0").terms) == 837
    assert len(load_ctcae("6.0").terms) == 850
    assert len({t.soc for t in load_ctcae("5.0").terms}) == 26


@pytest.mark.parametrize("version, term, grades, soc", [
    ("5.0", "Fatigue", (1, 2, 3), "General disorders and administration site conditions"),
    ("5.0", "Hypertension", (1, 2, 3, 4, 5), "Vascular disorders"),
    ("5.0", "Palmar-plantar erythrodysesthesia syndrome", (1, 2, 3), "Skin and subcutaneous tissue disorders"),
    ("5.0", "Proteinuria", (1, 2, 3), "Renal and urinary disorders"),
    ("5.0", "Lung infection", (2, 3, 4, 5), "Infections and infestations"),
    ("6.0", "Pneumonia", (2, 3, 4, 5), "Infections and infestations"),
])
def test_known_terms_and_their_grades(version, term, grades, soc):
    entry = load_ctcae(version).lookup(term.upper())
    assert entry.grades == grades and entry.soc == soc


def test_v5_platelet_term_renamed_in_v6():
    assert load_ctcae("5.0").lookup("Platelet count decreased") is not None
    assert load_ctcae("6.0").lookup("Platelet count decreased") is None
    assert load_ctcae("6.0").lookup("Thrombocytopenia") is not None


def test_every_synonym_points_at_a_real_v5_term():
    ctcae = load_ctcae("5.0")
    for reported, terms in _synonyms().items():
        assert ctcae.lookup(reported) is None, f"{reported} is itself a CTCAE term"
        for term in terms:
            assert ctcae.lookup(term) is not None, f"{reported} -> {term}"


def test_suggestions_for_the_seed_papers_terms():
    ctcae = load_ctcae("5.0")
    assert ctcae.suggest("Hand-foot syndrome")[0] == "Palmar-plantar erythrodysesthesia syndrome"
    assert ctcae.suggest("Nausea and vomiting")[:2] == ["Nausea", "Vomiting"]
    assert ctcae.suggest("Hypertenson")[0] == "Hypertension"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/reference-data/ctcae not present")
def test_sources_sha256_and_rebuild_reproduces_the_shipped_tables(tmp_path, monkeypatch):
    for version in ("5.0", "6.0"):
        digest = hashlib.sha256((SHARED / f"CTCAE_v{version}.xlsx").read_bytes()).hexdigest()
        assert load_ctcae(version).source["sha256"] == digest
    spec = importlib.util.spec_from_file_location(
        "build_ctcae_tables", Path(__file__).resolve().parents[2] / "scripts" / "build_ctcae_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT_DIR", tmp_path)
    module.main(str(SHARED))
    for name in ("ctcae_v5.0.csv", "ctcae_v6.0.csv", "ctcae_sources.json"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    rows = list(csv.DictReader((tmp_path / "ctcae_v5.0.csv").open()))
    assert all(set(r["grades"]) <= set("12345") and r["grades"] for r in rows)
