"""One numbering of the report's tables and figures: numbered in document order, the same number in the HTML, the
DOCX, the file names (``table_01_baseline.csv``, ``figure_03_spider.png``) and the text's citations.

The report lays its items out in sections (:func:`number_items`); each item has a stable key (``"baseline"``,
``"km_pfs"``) and gets its number from its place. The narrative cites items by key (:meth:`Numbering.cite` →
``"Table 2"``, ``"Figures 5 and 6"``); :meth:`Numbering.uncited` tells which items a text does not cite yet, so the
report can say where each is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..present.render import strip_label

KINDS = ("table", "figure")
CITATION = re.compile(r"\b(Tables?|Figures?)\s+(\d+(?:\s*(?:–|-|,|and)\s*\d+)*)")


@dataclass(frozen=True)
class Item:
    """A numbered table or figure.

    Attributes
    ----------
    key : stable name of the item (``"baseline"``, ``"km_pfs_by_ecog"``), also the end of its file name.
    kind : ``"table"`` or ``"figure"``.
    number : 1, 2, … in document order within its kind.
    topic : what it shows, in words for a sentence ("the change in target lesions over time").
    """

    key: str
    kind: str
    number: int
    topic: str = ""

    @property
    def label(self) -> str:
        """``"Table 2"``."""
        return f"{self.kind.capitalize()} {self.number}"

    @property
    def file_stem(self) -> str:
        """``"table_02_efficacy"``: sorts in document order."""
        return f"{self.kind}_{self.number:02d}_{self.key}"

    @property
    def anchor(self) -> str:
        """HTML id and DOCX bookmark stem: ``"table-2"``."""
        return f"{self.kind}-{self.number}"

    def caption(self, text: str) -> str:
        """``"Table 2. <text>"``, replacing any number or "Table." already at the start of ``text``."""
        return f"{self.label}. {strip_label(text)}"


def _ranges(numbers: Sequence[int]) -> str:
    """``[2, 3, 4, 7]`` → ``"2–4 and 7"``; two consecutive numbers are written ``"5 and 6"``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts += [str(n) for n in run]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def cited_numbers(text: str) -> set[tuple[str, int]]:
    """Every (kind, number) a text cites: "Table 2", "Tables 1 and 3", "Figures 5–7"."""
    found: set[tuple[str, int]] = set()
    for word, numbers in CITATION.findall(text):
        kind = "table" if word.startswith("Table") else "figure"
        for part in re.split(r"\s*(?:,|and)\s*", numbers):
            ends = [int(n) for n in re.split(r"\s*[–-]\s*", part) if n]
            found.update((kind, n) for n in range(ends[0], ends[-1] + 1))
    return found


class Numbering:
    """The report's items in document order, by key.

    Parameters
    ----------
    items : numbered items (from :func:`number_items`), in document order.
    """

    def __init__(self, items: Iterable[Item]):
        self.items = tuple(items)
        self._by_key = {item.key: item for item in self.items}
        if len(self._by_key) != len(self.items):
            raise ValueError("two report items share a key")

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def __getitem__(self, key: str) -> Item:
        return self._by_key[key]

    def __iter__(self):
        return iter(self.items)

    def label(self, key: str) -> str:
        """``"Table 2"`` for the item ``key``."""
        return self._by_key[key].label

    def labels(self) -> dict[str, str]:
        """Every key → its label (``{"baseline": "Table 1", "flow": "Figure 1", …}``)."""
        return {item.key: item.label for item in self.items}

    def cite(self, *keys: str) -> str:
        """The citation of the items ``keys`` that exist: ``"Table 2"``, ``"Figures 5 and 6"``, ``"Table 4;
        Figures 7–9"``; ``""`` when none exists (so a text can leave the reference out)."""
        present = [self._by_key[k] for k in keys if k in self._by_key]
        parts = []
        for kind in KINDS:
            numbers = [item.number for item in present if item.kind == kind]
            if numbers:
                word = kind.capitalize() + ("s" if len(set(numbers)) > 1 else "")
                parts.append(f"{word} {_ranges(numbers)}")
        return "; ".join(parts)

    def uncited(self, text: str, keys: Iterable[str] | None = None) -> list[Item]:
        """The items (all, or those of ``keys``) that ``text`` does not cite, in document order."""
        cited = cited_numbers(text)
        wanted = None if keys is None else set(keys)
        return [item for item in self.items if (wanted is None or item.key in wanted)
                and (item.kind, item.number) not in cited]


def number_items(entries: Iterable[tuple[str, str, str]]) -> Numbering:
    """Number ``(kind, key, topic)`` entries given in document order: tables 1, 2, … and figures 1, 2, …"""
    counters = dict.fromkeys(KINDS, 0)
    items = []
    for kind, key, topic in entries:
        if kind not in counters:
            raise ValueError(f"unknown item kind {kind!r}")
        counters[kind] += 1
        items.append(Item(key, kind, counters[kind], topic))
    return Numbering(items)
