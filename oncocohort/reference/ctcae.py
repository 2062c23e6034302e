"""CTCAE term dictionary: which terms exist, which grades each defines, and its MedDRA SOC.

Built from the official NCI workbooks by ``scripts/build_ctcae_tables.py`` (the source sha256 is
recorded in ``data/ctcae_sources.json``). CTCAE carries MedDRA LLT codes and SOC names only.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

VERSIONS = ("5.0", "6.0")


@dataclass(frozen=True)
class CtcaeTerm:
    """One CTCAE term: MedDRA code, system organ class, term and the grades it defines (1–5)."""

    meddra_code: str
    soc: str
    term: str
    grades: tuple[int, ...]


def normalise_term(text: str) -> str:
    """Case-fold a term and unify whitespace and dashes so that 'Hand-foot  Syndrome' matches its twin."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class CtcaeDictionary:
    """All terms of one CTCAE version, looked up by normalised term."""

    version: str
    terms: tuple[CtcaeTerm, ...]

    @property
    def _index(self) -> dict[str, CtcaeTerm]:
        return _index_for(self.version)

    def lookup(self, term: str) -> CtcaeTerm | None:
        """Return the CTCAE entry for ``term`` (case and spacing ignored), or None."""
        return self._index.get(normalise_term(term))

    def suggest(self, term: str, n: int = 3) -> list[str]:
        """CTCAE terms a reported term probably means, best first.

        In order: the curated list of common non-CTCAE clinical wordings (``data/ctcae_synonyms.csv``,
        e.g. "hand-foot syndrome" -> "Palmar-plantar erythrodysesthesia syndrome"; CTCAE v5.0 terms),
        terms that contain every word of ``term``, then difflib string similarity.
        """
        key = normalise_term(term)
        found: list[str] = [t for t in _synonyms().get(key, ()) if normalise_term(t) in self._index]
        words = set(re.findall(r"[a-z0-9]+", key))
        if words:
            found += sorted(
                (e.term for k, e in self._index.items() if words <= set(re.findall(r"[a-z0-9]+", k))),
                key=len,
            )
        found += [self._index[m].term for m in difflib.get_close_matches(key, list(self._index), n=n, cutoff=0.5)]
        return list(dict.fromkeys(found))[:n]

    @property
    def source(self) -> dict:
        """Workbook name, sheet and sha256 of the NCI release this table was built from."""
        return _sources()[self.version]


@cache
def _sources() -> dict:
    return json.loads(resources.files(__package__).joinpath("data/ctcae_sources.json").read_text())


@cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    text = resources.files(__package__).joinpath("data/ctcae_synonyms.csv").read_text(encoding="utf-8")
    return {
        normalise_term(row["reported_term"]): tuple(row["ctcae_v5_terms"].split("|"))
        for row in csv.DictReader(text.splitlines())
    }


@cache
def load_ctcae(version: str = "5.0") -> CtcaeDictionary:
    """Load the shipped CTCAE table for ``version`` ("5.0" or "6.0")."""
    if version not in VERSIONS:
        raise ValueError(f"CTCAE version {version!r} is not shipped; choose one of {', '.join(VERSIONS)}")
    text = resources.files(__package__).joinpath(f"data/ctcae_v{version}.csv").read_text(encoding="utf-8")
    terms = tuple(
        CtcaeTerm(row["meddra_code"], row["soc"], row["term"], tuple(int(g) for g in row["grades"]))
        for row in csv.DictReader(text.splitlines())
    )
    return CtcaeDictionary(version, terms)


@cache
def _index_for(version: str) -> dict[str, CtcaeTerm]:
    return {normalise_term(t.term): t for t in load_ctcae(version).terms}
