"""REDCap → study folder: a records export (CSV, raw codes or labels) + the project's data dictionary + a mapping
file (:mod:`.mapping`), and ``--draft-map`` to write a first mapping file from the dictionary.

REDCap export layout handled here:

- one row per record (the main, non-repeating instruments) and, for each repeating instrument, one row per
  instance with ``redcap_repeat_instrument`` / ``redcap_repeat_instance`` set;
- longitudinal projects add ``redcap_event_name``: a table's ``event`` picks the rows of one event;
- checkbox fields become one column per choice, ``field___code`` (1/0, or Checked/Unchecked in a labels export);
- a raw export holds choice codes: they are turned into the dictionary's labels, so one mapping file (written
  with labels) serves raw and labels exports alike. A labels export with label headers ("Record ID") is renamed
  back to field names by the dictionary.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pandas as pd

from ..io.schema import TABLES
from .datasets import ROW, ImportFailed, read_dataset
from .mapping import ONE_ROW_PER_PATIENT, apply_mapping, read_mapping
from .mapping_report import ImportReport
from .study_folder import draft_settings

REDCAP_COLUMNS = {"redcap_repeat_instrument", "redcap_repeat_instance", "redcap_event_name",
                  "redcap_data_access_group", "redcap_survey_identifier"}
_HEADER_LABELS = {"repeat instrument": "redcap_repeat_instrument", "repeat instance": "redcap_repeat_instance",
                  "event name": "redcap_event_name", "data access group": "redcap_data_access_group",
                  "survey identifier": "redcap_survey_identifier"}
# dictionary CSV headers (as downloaded from the project) → API names
_DICTIONARY_HEADERS = {"variable / field name": "field_name", "form name": "form_name", "field type": "field_type",
                       "field label": "field_label",
                       "choices, calculations, or slider labels": "select_choices_or_calculations"}


def _key(text) -> str:
    """Instrument/event names compared ignoring case and punctuation ('Adverse Events' = 'adverse_events')."""
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").casefold()).strip("_")


def read_dictionary(path: str | Path) -> pd.DataFrame:
    """The REDCap data dictionary → field_name, form_name, field_type, field_label, choices (code → label)."""
    frame, _ = read_dataset(path)
    frame = frame.rename(columns=lambda c: _DICTIONARY_HEADERS.get(" ".join(c.split()).casefold(), c.strip()))
    missing = [c for c in ("field_name", "form_name", "field_type", "field_label") if c not in frame]
    if missing:
        raise ImportFailed(f"{path}: not a REDCap data dictionary (no column {', '.join(missing)})")
    frame["choices"] = [_choices(t, c) for t, c in zip(frame["field_type"],
                                                       frame.get("select_choices_or_calculations",
                                                                 pd.Series(None, index=frame.index)))]
    return frame[["field_name", "form_name", "field_type", "field_label", "choices"]]


def _choices(field_type, text) -> dict[str, str]:
    if field_type == "yesno":
        return {"1": "Yes", "0": "No"}
    if field_type == "truefalse":
        return {"1": "True", "0": "False"}
    if field_type not in ("radio", "dropdown", "checkbox") or not text:
        return {}
    out = {}
    for part in str(text).split("|"):
        code, _, label = part.partition(",")
        if code.strip():
            out[code.strip()] = label.strip()
    return out


def _label_headers(export: pd.DataFrame, dictionary: pd.DataFrame) -> pd.DataFrame:
    """A labels export with label headers → field-name headers (checkbox 'Label (choice=X)' → field___code)."""
    if dictionary["field_name"].iloc[0] in export:
        return export
    by_label = {" ".join(str(lbl).split()).casefold(): name
                for name, lbl in zip(dictionary["field_name"], dictionary["field_label"])}
    renamed = {}
    for column in export:
        text = " ".join(column.split()).casefold()
        choice = re.match(r"(.*) \(choice=(.*)\)$", text)
        if choice and choice.group(1) in by_label:
            name = by_label[choice.group(1)]
            codes = dictionary.set_index("field_name").loc[name, "choices"]
            code = next((c for c, lbl in codes.items() if lbl.casefold() == choice.group(2)), choice.group(2))
            renamed[column] = f"{name}___{code}"
        elif text in by_label:
            renamed[column] = by_label[text]
        elif text in _HEADER_LABELS:
            renamed[column] = _HEADER_LABELS[text]
    return export.rename(columns=renamed)


def _codes_to_labels(export: pd.DataFrame, dictionary: pd.DataFrame) -> pd.DataFrame:
    """Raw choice codes → labels (radio, dropdown, yes/no, true/false); values already labels stay as they are."""
    out = export.copy()
    for name, choices in zip(dictionary["field_name"], dictionary["choices"]):
        if name in out and choices:
            out[name] = out[name].map(lambda v, c=choices: c.get(v, v) if v is not None else None)
    ticks = {"checked": "1", "unchecked": "0"}  # labels exports write checkboxes as Checked/Unchecked
    for column in out:
        if "___" in column:
            out[column] = out[column].map(lambda v: ticks.get(str(v).casefold(), v) if v is not None else None)
    return out


def _same_event(values: pd.Series, wanted: str) -> pd.Series:
    """Rows of an event, by unique name ('followup_arm_1') in raw exports or by label ('Follow-up (Arm 1: Arm A)')
    in labels exports: REDCap builds the unique name from the label's letters and digits plus the arm number, so
    the label, compacted, starts with the compacted unique name (and goes on with a letter, not a digit)."""
    key = re.sub(r"[^a-z0-9]", "", wanted.casefold())
    compact = values.str.replace(r"[^a-z0-9]", "", regex=True)
    return compact.eq(key) | (compact.str.startswith(key) & compact.str[len(key):len(key) + 1].str.isalpha())


def import_redcap(data: str | Path, dictionary: str | Path, map_file: str | Path, title: str | None = None,
                  data_cutoff=None):
    """REDCap export + dictionary + mapping file → (study tables, study.toml draft, mapping report)."""
    fields = read_dictionary(dictionary)
    mappings = read_mapping(map_file)
    export, _ = read_dataset(data)
    export = _codes_to_labels(_label_headers(export, fields), fields)
    report = ImportReport("REDCap", str(data))
    report.add_input("REDCap export", str(data), export.columns, len(export))
    choices = {n: c for n, c, t in zip(fields["field_name"], fields["choices"], fields["field_type"])
               if t == "checkbox"}
    instrument = export.get("redcap_repeat_instrument", pd.Series(None, index=export.index)).map(_key)
    event = export.get("redcap_event_name", pd.Series(None, index=export.index)).map(_key)
    selected_any = pd.Series(False, index=export.index)
    tables = {}
    for name, mapping in mappings.items():
        rows = instrument.eq(_key(mapping.instrument)) if mapping.instrument else instrument.eq("")
        if mapping.event:
            rows &= _same_event(event, mapping.event)
        selected_any |= rows
        where = f"instrument {mapping.instrument}" if mapping.instrument else "main (non-repeating) rows"
        record = f"REDCap export → {name}"
        report.add_input(record, f"{data} ({where}" + (f", event {mapping.event})" if mapping.event else ")"),
                         export.columns, int(rows.sum()))
        tables[name] = apply_mapping(export[rows], mapping, report, record, choices)
    report.use_rows("REDCap export", selected_any.sum())
    rest = export[~selected_any]
    for (inst, ev), group in rest.groupby([instrument[~selected_any], event[~selected_any]]):
        report.skip_rows("REDCap export", "rows of " + (f"instrument '{inst}'" if inst else "the main instrument")
                         + (f", event '{ev}'" if ev else "") + ": no table of the mapping takes them", group[ROW])
    for name in list(report.inputs):  # the columns are accounted once, on the whole export
        if name != "REDCap export":
            for column, target in report.inputs[name].mapped.items():
                report.map_column("REDCap export", column, target)
            report.inputs[name].mapped, report.inputs[name].columns = {}, ()
    report.finish_columns("REDCap export", {c: "REDCap bookkeeping column" for c in REDCAP_COLUMNS},
                          default="not named in the mapping file")
    settings = draft_settings(tables, report, title or f"REDCap study ({Path(data).stem})", data_cutoff,
                              "Imported from a REDCap export")
    return tables, settings, report


# ----------------------------------------------------------------------------------------------------------------
# --draft-map: a first mapping file from the dictionary, by names and labels

_SYNONYMS = {
    "patient_id": ["record_id", "record", "study_id", "subject_id", "patient_id", "id"],
    "age": ["age", "age_years"], "birth_date": ["dob", "birth_date", "date_of_birth", "birthdate"],
    "sex": ["sex", "gender"], "ecog": ["ecog", "ecog_ps", "performance_status", "ps"],
    "histology": ["histology", "histological_type", "diagnosis", "pathology"],
    "histology_group": ["histology_group", "subtype", "histology_subgroup"],
    "metastatic": ["metastatic", "distant_metastasis", "metastasis", "mets"],
    "brain_metastases": ["brain_metastases", "brain_mets", "cns_metastases"],
    "autoimmune_disease": ["autoimmune_disease", "autoimmune"], "prior_surgery": ["prior_surgery", "surgery"],
    "prior_systemic_lines": ["prior_systemic_lines", "prior_lines", "lines_of_therapy", "prior_therapies"],
    "drug": ["drug", "drug_name", "agent", "treatment", "medication"],
    "start_date": ["start_date", "tx_start", "drug_start", "start"], "end_date": ["end_date", "tx_end", "stop_date"],
    "dose": ["dose"], "dose_unit": ["dose_unit", "unit", "units"], "reason_stopped": ["reason_stopped", "stop_reason"],
    "assessment_date": ["assessment_date", "scan_date", "imaging_date", "visit_date"],
    "lesion_id": ["lesion_id", "lesion"], "kind": ["lesion_type", "kind", "target"], "site": ["site", "organ"],
    "nodal": ["nodal", "lymph_node"], "diameter_mm": ["diameter_mm", "diameter", "longest_diameter", "ld"],
    "status": ["status", "lesion_status"], "overall_response": ["overall_response", "response", "recist_response"],
    "term": ["term", "ae_term", "event", "adverse_event"], "grade": ["grade", "ae_grade", "ctcae_grade"],
    "onset_date": ["onset_date", "ae_start", "ae_onset", "onset"], "related": ["related", "relatedness", "causality"],
    "serious": ["serious", "sae"], "action": ["action", "action_taken"],
    "last_known_alive_date": ["last_known_alive_date", "last_contact", "last_followup", "date_last_known_alive"],
    "death_date": ["death_date", "date_of_death", "dod"], "cause_of_death": ["cause_of_death", "death_cause"],
    "new_anticancer_therapy_date": ["new_anticancer_therapy_date", "next_therapy_date", "subsequent_therapy_date"],
}


def _score(column: str, name: str, label: str, form: str, table: str) -> float:
    words = [_key(w) for w in _SYNONYMS.get(column, [column])]
    key, label_key = _key(name), _key(label)
    best = max(max(difflib.SequenceMatcher(None, w, key).ratio(), difflib.SequenceMatcher(None, w, label_key).ratio(),
                   1.0 if w == key else 0.0, 0.95 if w in key.split("_") or w == label_key else 0.0) for w in words)
    table_words = {"treatments": "treat", "lesions": "lesion", "responses": "respon", "adverse_events": "advers",
                   "followup": "follow", "patients": "baseline"}
    return best + (0.05 if table_words[table] in form or (table == "adverse_events" and form.startswith("ae")) else 0)


def draft_map(dictionary: str | Path) -> str:
    """A first redcap-map.toml from the dictionary: for each study column, the best-matching field (by name and
    label); instruments from the matched fields' forms; value maps from the fields' choices. Every guess is a
    comment-marked line for the user to check."""
    fields = read_dictionary(dictionary)
    record_id = fields["field_name"].iloc[0]  # REDCap's first field is always the record id
    lines = ["# redcap-map.toml drafted by `oncocohort import redcap --draft-map` from " + Path(dictionary).name,
             "# Every line is a guess by field name and label: check each, fix or delete, then run",
             "#   oncocohort import redcap --data EXPORT.csv --dictionary DICT.csv --map redcap-map.toml --out DIR",
             "# Values are written as the dictionary's labels; raw and labels exports both work.", ""]
    for spec in TABLES:
        picks = {}
        for column in spec.columns:
            if column.name == "patient_id":
                picks[column.name] = (record_id, 1.0)
                continue
            scored = [(_score(column.name, n, lbl, _key(f), spec.name), n) for n, lbl, f in
                      zip(fields["field_name"], fields["field_label"], fields["form_name"]) if n != record_id]
            score, name = max(scored) if scored else (0, None)
            if score >= 0.8:
                picks[column.name] = (name, score)
        missing = [c.name for c in spec.columns if c.required and c.name not in picks]
        if len(picks) <= 1 or (missing and not spec.required):
            lines += [f"# [tables.{spec.name}]: no fields found for " + ", ".join(missing or ["its columns"])
                      + "; not drafted", ""]
            continue
        forms = fields.set_index("field_name").loc[[n for c, (n, _) in picks.items() if c != "patient_id"],
                                                   "form_name"]
        form = forms.value_counts().index[0]
        lines += [f"[tables.{spec.name}]"]
        if spec.name not in ONE_ROW_PER_PATIENT:
            lines += [f'instrument = "{form}"   # if this instrument repeats; delete if it does not']
        lines += [f"[tables.{spec.name}.columns]"]
        for column, (name, score) in picks.items():
            lines.append(f'{column} = "{name}"' + ("" if score >= 1 else f"   # guess ({score:.2f}): check"))
        if missing:
            lines.append("# no field found for required column(s): " + ", ".join(missing))
        for column, (name, _) in picks.items():
            spec_column = spec.column(column)
            choices = fields.set_index("field_name").loc[name, "choices"]
            if spec_column.kind == "enum" and choices:
                lines.append(f"[tables.{spec.name}.values.{column}]")
                for label in choices.values():
                    guess = difflib.get_close_matches(_key(label), list(spec_column.allowed), n=1, cutoff=0.5)
                    note = "" if guess else "   # no match: write one of " + ", ".join(spec_column.allowed)
                    lines.append(f"{json.dumps(label, ensure_ascii=False)} = \"{guess[0] if guess else '?'}\"{note}")
        lines.append("")
    return "\n".join(lines)

