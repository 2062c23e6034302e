"""A mapping file (TOML): which source columns make which study columns, with value maps — for REDCap exports
and for any other files (SPSS, SAS, Stata, Excel, CSV) whose names are not ours.

::

    [tables.patients]
    file = "baseline.sav"            # import tables: the file (relative to the map); sheet = "..." for Excel
    # instrument = "adverse_events"  # import redcap: a repeating instrument; omitted = the record's main rows
    # event = "baseline_arm_1"       # import redcap: only rows of this event (longitudinal projects)
    covariates = ["ldh"]             # patients: extra source columns kept as covariates
    [tables.patients.columns]        # study column = source column
    patient_id = "record_id"
    sex = "gender"
    [tables.patients.values.sex]     # source value (or its label) = study value
    "Male" = "male"
    "Female" = "female"
    [tables.patients.constants]      # a study column with one value for every row
    metastatic = "yes"

The mapping is data: names and values are looked up, never evaluated. Unknown tables, columns or keys are
errors that name the line's section, so a typo cannot silently drop a column.

``import tables`` matches same-named columns by default: a study column the mapping does not name (in
``columns`` or ``constants``) is taken from the source column of the same name (case and surrounding spaces
ignored), so a file already in the study format needs only ``file = "..."``; the report lists each such match.
A source column the mapping names that the file does not have, and a required study column nothing makes, are
input errors (all listed at once).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..io.schema import TABLES_BY_NAME
from .datasets import ROW, ImportFailed
from .mapping_report import ImportReport

TABLE_KEYS = {"file", "sheet", "instrument", "event", "columns", "values", "constants", "covariates"}
ONE_ROW_PER_PATIENT = ("patients", "followup")


@dataclass
class TableMapping:
    """How one study table is made from one source."""

    table: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    covariates: list[str] = field(default_factory=list)
    file: str | None = None
    sheet: str | None = None
    instrument: str | None = None
    event: str | None = None


def read_mapping(path: str | Path, same_named: bool = False) -> dict[str, TableMapping]:
    """The mapping file → one :class:`TableMapping` per study table; raises ImportFailed listing every problem.

    ``same_named``: columns may come from same-named source columns (:func:`match_same_named`), so ``patient_id``
    need not be named here (:func:`unmade_columns` checks it once the source is read)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such mapping file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{path}: not valid TOML ({exc})") from None
    problems = [f"{path}: [{k}] is not a section of a mapping file (only [tables.<table>])"
                for k in data if k != "tables"]
    out = {}
    for name, entry in data.get("tables", {}).items():
        spec = TABLES_BY_NAME.get(name)
        if spec is None:
            problems.append(f"{path}: [tables.{name}]: no such study table (tables: {', '.join(TABLES_BY_NAME)})")
            continue
        problems += [f"{path}: [tables.{name}] {key}: unknown key (keys: {', '.join(sorted(TABLE_KEYS))})"
                     for key in entry if key not in TABLE_KEYS]
        columns = {k: str(v) for k, v in entry.get("columns", {}).items()}
        for column in list(columns) + list(entry.get("constants", {})) + list(entry.get("values", {})):
            if spec.column(column) is None:
                problems.append(f"{path}: [tables.{name}]: '{column}' is not a column of {name} "
                                f"(columns: {', '.join(spec.column_names)})")
        if "patient_id" not in columns and not same_named:
            problems.append(f"{path}: [tables.{name}.columns] needs patient_id = \"<source column>\"")
        if entry.get("covariates") and name != "patients":
            problems.append(f"{path}: [tables.{name}] covariates: only the patients table keeps covariates")
        values = {c: {str(k): str(v) for k, v in m.items()} for c, m in entry.get("values", {}).items()}
        out[name] = TableMapping(name, columns, values, {k: str(v) for k, v in entry.get("constants", {}).items()},
                                 [str(c) for c in entry.get("covariates", [])], entry.get("file"), entry.get("sheet"),
                                 entry.get("instrument"), entry.get("event"))
    missing = [t for t in ("patients", "treatments", "adverse_events", "followup") if t not in out]
    if missing:
        problems.append(f"{path}: no [tables.{missing[0]}]; a study needs "
                        + ", ".join(missing) + " (an adverse_events section may map an empty source)")
    if problems:
        raise ImportFailed("\n".join(problems))
    return out


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def match_same_named(mapping: TableMapping, source_columns) -> tuple[TableMapping, dict[str, str]]:
    """``mapping`` with every study column it does not name taken from the source column of the same name (case
    and surrounding spaces ignored; a source column already mapped is not taken twice) → (mapping, the matches
    as study column → source column)."""
    spec = TABLES_BY_NAME[mapping.table]
    named = set(mapping.columns) | set(mapping.constants)
    used = {_fold(c) for c in mapping.columns.values()} | {_fold(c) for c in mapping.covariates}
    by_name = {}
    for column in source_columns:
        if column != ROW and _fold(column) not in used:
            by_name.setdefault(_fold(column), column)
    matches = {c: by_name[c] for c in spec.column_names if c not in named and c in by_name}
    if not matches:
        return mapping, {}
    return replace(mapping, columns={**mapping.columns, **matches}), matches


def unmade_columns(mapping: TableMapping, source_columns) -> list[str]:
    """Problems that stop the table from being made: source columns the mapping names that the source lacks,
    and required study columns nothing makes (:func:`_required`)."""
    present = set(source_columns) - {ROW}
    listed = f" (columns: {', '.join(c for c in source_columns if c != ROW)})"
    problems = [f"[tables.{mapping.table}.columns] {column} = \"{source}\": no such column in the file{listed}"
                for column, source in mapping.columns.items() if source not in present]
    problems += [f"[tables.{mapping.table}] covariates: '{c}': no such column in the file{listed}"
                 for c in mapping.covariates if c not in present]
    problems += [f"[tables.{mapping.table}]: the study column '{column}' is required and nothing makes it: add "
                 f"{column} = \"<source column>\" under [tables.{mapping.table}.columns] (or a constant)"
                 for column in _required(mapping.table)
                 if column not in mapping.columns and column not in mapping.constants]
    return problems


def _required(table: str) -> list[str]:
    """Study columns an import must make: the table's required columns; for patients only ``patient_id`` and
    ``sex`` (its other required columns become ``not_collected`` in study.toml when absent)."""
    if table == "patients":
        return ["patient_id", "sex"]
    return [c.name for c in TABLES_BY_NAME[table].columns if c.required]


def apply_mapping(frame: pd.DataFrame, mapping: TableMapping, report: ImportReport, input_name: str,
                  choices: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """Source rows (text cells, ``ROW`` = row as the user sees it) → rows of the study table.

    ``choices`` (REDCap) turns a checkbox field named without its ``___code`` suffix into the labels of the ticked
    choices, joined by "; ". Values are mapped by ``mapping.values`` (case and spacing ignored); a value with no
    entry is kept as it is, for validation to judge. Rows with nothing mapped in them are reported, not used.
    """
    unmade = [c for c in _required(mapping.table) if c not in mapping.columns and c not in mapping.constants]
    if unmade:
        raise ImportFailed(f"{report.inputs[input_name].file}: [tables.{mapping.table}]: the study column(s) "
                           f"{', '.join(unmade)} are required and nothing makes them: map a source column under "
                           f"[tables.{mapping.table}.columns] (or give a constant)")
    out = pd.DataFrame(index=frame.index)
    for column, source in mapping.columns.items():
        values = _source_values(frame, source, choices, report, input_name, f"{mapping.table}.{column}")
        value_map = {_fold(k): v for k, v in mapping.values.get(column, {}).items()}
        if value_map:
            values = values.map(lambda v, m=value_map: m.get(_fold(v), v) if v is not None else None)
            report.map_column(input_name, source, "(value map)")
        out[column] = values
    for column, value in mapping.constants.items():
        out[column] = value
    for covariate in mapping.covariates:
        out[covariate.lower()] = _source_values(frame, covariate, choices, report, input_name,
                                                f"patients.{covariate.lower()} (covariate)")
    content = [c for c in mapping.columns if c != "patient_id"]
    empty = out[content].isna().all(axis=1) if content else pd.Series(False, index=out.index)
    no_id = out["patient_id"].isna()
    report.skip_rows(input_name, f"no {mapping.table} data in the row (every mapped column blank)",
                     frame[ROW][empty & ~no_id])
    report.skip_rows(input_name, "no patient id", frame[ROW][no_id])
    kept = out[~empty & ~no_id]
    if mapping.table in ONE_ROW_PER_PATIENT:
        kept = _one_row_per_patient(kept, frame[ROW], report, input_name, mapping.table)
    report.use_rows(input_name, len(kept))
    return kept.reset_index(drop=True)


def _source_values(frame: pd.DataFrame, source: str, choices: dict | None, report: ImportReport, input_name: str,
                   target: str) -> pd.Series:
    """The values of source column ``source`` (a REDCap checkbox field: the ticked labels); reports the mapping."""
    if source in frame:
        report.map_column(input_name, source, target)
        return frame[source]
    if choices and source in choices and any(c.startswith(f"{source}___") for c in frame):
        for c in frame:
            if c.startswith(f"{source}___"):
                report.map_column(input_name, c, target + " (ticked choices, joined by '; ')")
        return _checkbox_labels(frame, source, choices[source])
    raise ImportFailed(f"{report.inputs[input_name].file}: mapping names '{source}' for {target}: no such column "
                       f"(columns: {', '.join(c for c in frame if c != ROW)})")


def _checkbox_labels(frame: pd.DataFrame, field_name: str, choices: dict[str, str]) -> pd.Series:
    """A REDCap checkbox (columns ``field___code``, 1/0 or Checked/Unchecked) → ticked labels joined by '; '."""
    ticked = {"1", "checked", "yes", "true"}
    parts = []
    for code, label in choices.items():
        column = f"{field_name}___{code}".lower()
        match = next((c for c in frame if c.lower() == column), None)
        if match is not None:
            parts.append(frame[match].map(lambda v, lab=label: lab if v is not None and _fold(v) in ticked else None))
    joined = pd.concat(parts, axis=1).apply(lambda r: "; ".join(v for v in r if isinstance(v, str)) or None, axis=1)
    return joined


def _one_row_per_patient(rows: pd.DataFrame, row_numbers: pd.Series, report: ImportReport, input_name: str,
                         table: str) -> pd.DataFrame:
    """Several source rows of one patient (e.g. REDCap events) → one row: the first non-blank value per column.

    Rows merged into an earlier one are reported; conflicting values (two different non-blank values) are
    reported as a decision, and the first is kept."""
    duplicated = rows["patient_id"].duplicated()
    if not duplicated.any():
        return rows
    conflicts = []
    for column in rows:
        distinct = rows.groupby("patient_id")[column].nunique(dropna=True)
        conflicts += [f"{pid} {column}" for pid in distinct[distinct > 1].index]
    if conflicts:
        report.decide(f"{table}: {len(conflicts)} conflicting value(s) between rows of one patient, first kept: "
                      + ", ".join(sorted(conflicts)[:5]) + ("…" if len(conflicts) > 5 else ""))
    report.skip_rows(input_name, f"merged into the patient's first {table} row (one row per patient)",
                     row_numbers[rows.index[duplicated]])
    return rows.groupby("patient_id", sort=False).first().reset_index()
