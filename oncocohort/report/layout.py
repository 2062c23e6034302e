"""Where each table and figure goes in the report, and so its number.

The Results are laid out in the seed paper's sections (:data:`SECTIONS`); each lists its items in order. The items
the study has are numbered in that order (:mod:`.numbering`) before the text is written, so the narrative can cite
them; an item no section names goes at the end (never dropped). The narrative's paragraphs are then placed under the
section of the same heading; a paragraph under a heading the layout does not know follows the previous section.
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbering import Item, Numbering, number_items

# (heading, items): an item is (kind, key); a key ending in "*" takes every item whose key starts with the rest,
# in key order; a key ending in "+" takes them in the order they were given (the study's endpoints), leaving those
# a longer prefix elsewhere claims ("km_+" takes km_pfs, km_os, km_ttd …, not km_pfs_by_*)
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Patients", (("figure", "flow"), ("table", "baseline"))),
    ("Efficacy", (("table", "efficacy"), ("table", "response_detail"), ("figure", "waterfall"), ("figure", "spider"),
                  ("figure", "swimmer"))),
    ("Survival", (("table", "survival"), ("figure", "km_+"))),
    ("Subgroups", (("table", "subgroups_pfs"), ("table", "subgroups_os"), ("figure", "km_pfs_by_*"),
                   ("figure", "orr_by_subgroup"), ("figure", "forest_pfs"), ("figure", "forest_pfs_subgroups"))),
    ("Adjusted comparison", (("table", "adjusted_balance"), ("table", "adjusted_survival"))),
    ("Safety", (("table", "adverse_events"), ("table", "adverse_events_ungraded"),
                ("table", "adverse_event_categories"), ("table", "adverse_events_related"), ("table", "exposure"))),
    ("Competing risks", (("table", "competing_pfs"), ("figure", "cif_pfs"))),
    ("Landmark and sensitivity analyses", (("table", "os_by_response"), ("table", "pfs_censoring"))),
    ("Restricted mean survival time", (("table", "rmst_subgroups"),)),
    ("Next-trial design", (("table", "next_trial_design"),)),
    ("Clinical benefit (ESMO-MCBS)", (("table", "esmo_mcbs"),)),
)
OTHER = "Additional tables and figures"


@dataclass(frozen=True)
class Section:
    """A Results section: heading, its paragraph ("" when the narrative has none) and its items in order."""

    heading: str
    text: str
    items: tuple[Item, ...]


def plan_items(tables: dict[str, str], figures: dict[str, str]) -> tuple[Numbering, dict[str, tuple[str, ...]]]:
    """Number the items that exist (``{key: topic}`` per kind) in layout order.

    Returns the numbering and the keys placed in each section heading (``OTHER`` for unplaced ones)."""
    available = {"table": dict(tables), "figure": dict(figures)}
    prefixes = [(kind, key[:-1]) for _, wanted in SECTIONS for kind, key in wanted if key[-1:] in "*+"]
    placed: dict[str, tuple[str, ...]] = {}
    entries = []
    for heading, wanted in SECTIONS:
        keys = []
        for kind, key in wanted:
            pool = available[kind]
            longer = [p for k, p in prefixes if k == kind and len(p) > len(key) - 1 and p.startswith(key[:-1])]
            prefixed = [k for k in pool if k.startswith(key[:-1]) and not any(k.startswith(p) for p in longer)]
            matches = sorted(prefixed) if key.endswith("*") else prefixed if key.endswith("+") else \
                [key] if key in pool else []
            for match in matches:
                entries.append((kind, match, pool.pop(match)))
                keys.append(match)
        placed[heading] = tuple(keys)
    rest = [(kind, key, topic) for kind in ("table", "figure") for key, topic in available[kind].items()]
    entries += rest
    placed[OTHER] = tuple(key for _, key, _ in rest)
    return number_items(entries), placed


def _also_shown(items: list[Item]) -> str:
    """A sentence naming where the uncited items are shown: "Figure 3 shows …; Figure 4 shows …"."""
    if not items:
        return ""
    parts = [f"{item.label} shows {item.topic}" if item.topic else f"see {item.label}" for item in items]
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def plan_sections(paragraphs: list[tuple[str, str]], numbering: Numbering,
                  placed: dict[str, tuple[str, ...]]) -> list[Section]:
    """The Results sections in layout order, each with its paragraph and items; every item not cited anywhere in the
    text gets a sentence in its section saying what it shows, so each table and figure is cited."""
    all_text = " ".join(text for _, text in paragraphs)
    texts: dict[str, list[str]] = {}
    extra_after: dict[str, list[tuple[str, str]]] = {}
    known = {heading for heading, _ in SECTIONS}
    previous = SECTIONS[0][0]
    for heading, text in paragraphs:
        if heading in known:
            texts.setdefault(heading, []).append(text)
            previous = heading
        else:
            extra_after.setdefault(previous, []).append((heading, text))
    sections = []
    for heading in [h for h, _ in SECTIONS] + [OTHER]:
        items = tuple(numbering[key] for key in placed.get(heading, ()))
        text = " ".join(texts.get(heading, []))
        missing = _also_shown(numbering.uncited(all_text, [item.key for item in items]))
        text = f"{text} {missing}".strip()
        if text or items:
            sections.append(Section(heading, text, items))
        for other_heading, other_text in extra_after.get(heading, []):
            sections.append(Section(other_heading, other_text, ()))
    return sections
