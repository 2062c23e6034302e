"""The words a reader sees for field names, data codes and abbreviations — one place for tables and text.

Built-in words cover the data format's codes (``patient_choice`` → "patient's choice", ``dose_reduced`` → "dose
reduced") and the field names tables may show (``starting_dose:anlotinib`` → "starting dose of anlotinib"), and
the field's abbreviations (ORR, PFS, CTCAE …) with their long forms. A study's ``[labels]`` in study.toml adds to
and overrides them (``SS = "synovial sarcoma"``): a key written in capitals is an abbreviation, spelled out at its
first use in the text; any other key is a code or field name, replaced by its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CODE_WORDS = {
    "patient_choice": "patient's choice", "progression": "disease progression", "toxicity": "toxicity",
    "death": "death", "other": "other reason", "dose_reduced": "dose reduced", "interrupted": "treatment interrupted",
    "discontinued": "treatment discontinued", "none": "none", "non_target": "non-target", "too_small": "too small",
    "not_evaluated": "not evaluated", "yes": "yes", "no": "no", "unknown": "unknown",
}
FIELD_WORDS = {
    "age": "Age", "sex": "Sex", "ecog": "ECOG performance status", "histology": "Histology",
    "histology_group": "Histological subtype", "metastatic": "Distant metastasis",
    "brain_metastases": "Brain metastases", "autoimmune_disease": "Autoimmune disease",
    "prior_surgery": "Prior surgery", "prior_systemic_lines": "Prior systemic therapy lines",
    "baseline_target_lesions": "Target lesions at baseline",
}
FIELD_PREFIXES = {"starting_dose": "Starting dose of {}", "component_drug": "Drug given as {}",
                  "relative_dose_intensity": "Relative dose intensity of {}"}
ABBREVIATIONS = {
    "ORR": "objective response rate", "DCR": "disease control rate", "CBR": "clinical-benefit rate",
    "PFS": "progression-free survival", "OS": "overall survival", "DoR": "duration of response",
    "TTR": "time to response", "TTD": "time to treatment discontinuation", "TTNT": "time to next treatment",
    "CI": "confidence interval", "HR": "hazard ratio",
    "RMST": "restricted mean survival time", "ECOG": "Eastern Cooperative Oncology Group",
    "RECIST": "Response Evaluation Criteria in Solid Tumours",
    "CTCAE": "Common Terminology Criteria for Adverse Events",
    "CR": "complete response", "PR": "partial response", "SD": "stable disease", "PD": "progressive disease",
    "NE": "not evaluable", "NR": "not reached", "SOC": "system organ class", "SE": "standard error",
    "iRECIST": "immune RECIST", "PD-1": "programmed cell death protein 1", "AE": "adverse event",
    "OMOP": "Observational Medical Outcomes Partnership",
}
ABBREVIATION_PATTERN = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]*[A-Z][A-Z0-9-]*|i[A-Z]{2,}|PD-1|DoR)(?![\w-])")
# names that are not abbreviations to spell out (software)
NOT_ABBREVIATIONS = ("SPSS", "DuckDB")


def is_abbreviation(text: str) -> bool:
    """True for a short form written in capitals (SS, ASPS, PD-1, DoR)."""
    return bool(ABBREVIATION_PATTERN.fullmatch(text)) and text not in NOT_ABBREVIATIONS


def in_sentence(label: str) -> str:
    """A label inside a sentence ("by histological subtype"): first letter lower-case unless the first word is an
    abbreviation or starts with two capitals (ECOG performance status, PD-1 inhibitor)."""
    first = label.split(" ", 1)[0]
    return label if is_abbreviation(first) or first[:2].isupper() else label[:1].lower() + label[1:]


@dataclass(frozen=True)
class Vocabulary:
    """Words for codes, field names and abbreviations: the built-ins overridden by study.toml ``[labels]``."""

    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_labels(cls, labels) -> Vocabulary:
        return cls(dict(labels or ()))

    def code(self, value: str) -> str:
        """A data code in words (``patient_choice`` → "patient's choice"); unknown codes with ``_`` as spaces."""
        text = str(value)
        if text in self.labels and not is_abbreviation(text):
            return self.labels[text]
        return CODE_WORDS.get(text, text.replace("_", " "))

    def field_label(self, name: str) -> str:
        """A field name in words, capitalised for a table row (``starting_dose:anlotinib`` → "Starting dose of
        anlotinib")."""
        if name in self.labels:
            return self.labels[name]
        if name in FIELD_WORDS:
            return FIELD_WORDS[name]
        prefix, _, rest = name.partition(":")
        if rest and prefix in FIELD_PREFIXES:
            return FIELD_PREFIXES[prefix].format(rest)
        text = name.replace("_", " ")
        return text[:1].upper() + text[1:]

    def long_form(self, abbreviation: str) -> str | None:
        """The long form of an abbreviation (study.toml first, then the built-ins), or None."""
        return self.labels.get(abbreviation) or ABBREVIATIONS.get(abbreviation)

    def abbreviation_note(self, abbreviation: str) -> str | None:
        """``SS, synovial sarcoma`` for a table's abbreviation list, or None when unknown."""
        words = self.long_form(abbreviation)
        return None if words is None else f"{abbreviation}, {words}"

    def spell_out(self, paragraphs: list[str]) -> list[str]:
        """The paragraphs with each known abbreviation spelled out at its first use ("synovial sarcoma (SS)"),
        in reading order. An abbreviation whose words already came earlier ("words (ABBR)") is left as written.
        Inside parentheses the short form goes in square brackets ("(95% confidence interval [CI] 0.6–0.9)"), as
        journals write a parenthesis within a parenthesis."""
        seen: set[str] = set()
        out: list[str] = []
        for text in paragraphs:
            earlier = " ".join(out).lower()

            def first_use(match: re.Match, text: str = text, earlier: str = earlier) -> str:
                short = match.group(0)
                if short in seen or short in NOT_ABBREVIATIONS:
                    return short
                seen.add(short)
                words = self.long_form(short)
                if words is None:
                    return short
                before = text[:match.start()]
                if words.lower() in earlier + before.lower():
                    return short  # its words were written before it
                starts_sentence = not before.strip() or before.rstrip().endswith((".", ":"))
                opened, closed = ("[", "]") if before.count("(") > before.count(")") else ("(", ")")
                return f"{words[:1].upper() + words[1:] if starts_sentence else words} {opened}{short}{closed}"
            out.append(ABBREVIATION_PATTERN.sub(first_use, text))
        return out


def undefined_abbreviations(paragraphs: list[str], vocabulary: Vocabulary) -> list[str]:
    """Abbreviations in the text with no long form (to add to study.toml [labels])."""
    found = {m.group(0) for text in paragraphs for m in ABBREVIATION_PATTERN.finditer(text)}
    return sorted(a for a in found if a not in NOT_ABBREVIATIONS and vocabulary.long_form(a) is None)


TABLE_LONG_FORMS = {"NE": "not estimable"}  # in a table NE is an estimate or a CI limit (with_abbreviations)


def with_abbreviations(table, vocabulary: Vocabulary):
    """The table with every abbreviation it uses — in its title, headers, cells or notes — that has a long form
    added to its list of abbreviations under it ("SS, synovial sarcoma"), after the ones it already names, in order
    of first use; one written out in the table itself ("Complete response (CR)") is not repeated, and one without a
    long form is left for ``report``'s warning (:func:`undefined_abbreviations`). In a table, NE stands in an
    estimate or its CI ("11.4–NE"): "not estimable" (response tables write "Not evaluable (NE)" out)."""
    from dataclasses import replace

    texts = [table.title, *(c.spanner or "" for c in table.columns), *(c.label for c in table.columns),
             *(cell for row in table.rows for cell in row.cells), *table.footnotes]
    named = {note.split(",", 1)[0].strip() for note in table.abbreviations}
    whole = " ".join(texts).lower()
    added: list[str] = []
    for match in (m for text in texts for m in ABBREVIATION_PATTERN.finditer(text)):
        short = match.group(0)
        words = vocabulary.labels.get(short) or TABLE_LONG_FORMS.get(short) or vocabulary.long_form(short)
        written_out = f"({short})".lower() in whole or any(note.startswith(f"{short}, ") or f" {short}, " in note
                                                           for note in table.footnotes)
        if short in named or short in NOT_ABBREVIATIONS or words is None or written_out:
            continue
        named.add(short)
        added.append(f"{short}, {words}")
    return replace(table, abbreviations=(*table.abbreviations, *added)) if added else table
