"""Mutated study folders for the fuzz campaign: a base study (the two-patient example or the 38-patient demo) with a
few random edits of cells, rows, columns, tables, study.toml settings and raw file bytes, in the CSV or xlsx layout.

A :class:`Mutant` is plain data (tables of text cells, the study.toml text, the list of edits in words), so a failing
example that hypothesis shrinks and prints says exactly what was changed; :func:`write_mutant` turns it into a folder.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from hypothesis import strategies as st
from openpyxl import Workbook

from oncocohort.io.schema import EXAMPLE_ROWS, TABLES_BY_NAME
from oncocohort.io.template import STUDY_TOML

Tables = dict[str, dict]  # name → {"columns": [str], "rows": [[str]]}


@dataclass
class Mutant:
    """A study folder to write: ``tables`` (text cells), ``toml`` (study.toml text), ``layout`` (csv | xlsx),
    ``raw`` (byte edits of one CSV file, applied after writing) and ``edits`` (what was changed, in words)."""

    base: str
    layout: str
    tables: Tables
    toml: str
    raw: list[tuple[str, str, int]] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Mutant(base={self.base!r}, layout={self.layout!r}, edits={self.edits!r}, raw={self.raw!r})"


def _text(value) -> str:
    return "" if value is None else str(value)


@functools.cache
def _example_base() -> tuple[Tables, str]:
    tables = {}
    for name, rows in EXAMPLE_ROWS.items():
        columns = list(TABLES_BY_NAME[name].column_names)
        columns += [k for row in rows for k in row if k not in columns]
        tables[name] = {"columns": columns, "rows": [[_text(row.get(c)) for c in columns] for row in rows]}
    return tables, STUDY_TOML


@functools.cache
def _demo_base() -> tuple[Tables, str]:
    from oncocohort.demo.cohort import write_demo_study

    with tempfile.TemporaryDirectory() as temp:
        folder = write_demo_study(Path(temp) / "demo")
        tables = {}
        for path in sorted(folder.glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as handle:
                header, *rows = list(csv.reader(handle))
            tables[path.stem] = {"columns": header, "rows": rows}
        return tables, (folder / "study.toml").read_text(encoding="utf-8")


def base_study(name: str) -> tuple[Tables, str]:
    """A deep copy of the base study ``name`` (example | demo): its tables and study.toml text."""
    tables, toml = _example_base() if name == "example" else _demo_base()
    return copy.deepcopy(tables), toml


# ---------------------------------------------------------------- cell values a user (or a script) might leave
NASTY_CELLS = [
    "", " ", "n/a", "NA", "N/A", "-", "?", "unknown", "none", "#N/A", "#VALUE!", "0", "-1", "-0", "1", "2", "3", "5",
    "999999", "1e308", "1e400", "inf", "-inf", "nan", "NaN", "1,5", "1.5", "4_8", "0x10", "１２", "٤٨", " 48 ",
    "2021-13-45", "2022-02-30", "20210630", "1900-01-01", "1899-12-31", "0001-01-01", "9999-12-31", "2099-01-01",
    "2022-05-15", "2022-05-16", "31/12/2021", "12/11/2021", "2021-03-01T10:00", "2021/03/01", "March 1, 2021",
    "=HYPERLINK(\"http://example.org\",\"x\")", "=1+1", "@SUM(A1)", "+1", "\tx", "<script>alert(1)</script>",
    "a/b", "../x", "P001", "P002", "P999", "p001", "yes", "no", "Yes", "true", "active", "CR", "PR", "SD", "PD",
    "NE", "iCR", "iUPD", "iCPD", "target", "non-target", "new", "Non-Target", "present", "absent", "unequivocal",
    "lung", "liver", "CT", "MRI", "mg", "male", "female", "other", "Synovial sarcoma", "Fatigue", "Nausea",
    "Not a CTCAE term", "\u00a0", "\u202eevil", "ａｇｅ", "x" * 300, "line\nbreak", 'quo"te', "semi;colon",
    "comma,inside", "\x1b[31mred\x1b[0m", "\x07bell",
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shift_date(text: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return text


# ---------------------------------------------------------------- study.toml settings worth trying
TOML_OPTIONS: dict[tuple[str, ...], list] = {
    ("study", "data_cutoff"): [dt.date(2022, 5, 15), dt.date(2021, 1, 1), dt.date(2021, 3, 5), dt.date(1, 1, 1),
                               dt.date(2099, 12, 31), dt.date(2021, 6, 30), "2022-05-15", 20220515],
    ("study", "time_unit"): ["days", "weeks", "months", "years", "fortnights", 3],
    ("study", "title"): ["A <b>bold</b> & \"quoted\" title", "ti\x07tle", "", "x" * 500, "Ünïcödé — “study”"],
    ("regimen", "index_date"): ["first_dose", "all_components_started", "enrolment"],
    ("regimen", "cycle_days"): [21, 28, 1, 0, -7, 10**15, "21", 1.5],
    ("eligibility", "missing"): ["exclude", "include", "error", "ignore"],
    ("response", "criteria"): ["recist1.1", "irecist", "choi", "recorded", "recorded", "who"],
    ("response", "confirmation"): [True, False, "yes"],
    ("response", "confirmation_min_days"): [0, 28, 56, -1, 10**15],
    ("response", "sd_min_days"): [0, 42, 365, -1, 10**15],
    ("response", "baseline_window_days"): [0, 28, 60, 3650, -5, 10**15],
    ("analysis", "landmarks"): [[], [12], [12, 24], [0], [-1], [float("inf")], [1e15], ["12"], [12, 12], [24, 12],
                                [0.5, 1, 2, 3, 6]],
    ("analysis", "cox_covariates"): [[], ["ecog"], ["age"], ["sex", "age", "ecog", "histology_group"],
                                     ["ecog", "ecog"], ["patient_id"], ["nonexistent"], ["histology"],
                                     ["prior_systemic_lines"], "ecog"],
    ("analysis", "ci_method"): ["clopper-pearson", "wilson", "wilson-cc", "jeffreys", "agresti-coull", "exact"],
    ("analysis", "km_conf_type"): ["log", "log-log", "plain", "arcsin"],
    ("analysis", "median_ci"): ["survfit", "spss", "brookmeyer"],
    ("analysis", "ties"): ["efron", "breslow", "exact"],
    ("analysis", "firth"): ["auto", "always", "never", True],
    ("analysis", "conf_level"): [0.9, 0.95, 0.99, 0.5, 1.0, 0.0, 1.5, "95%"],
    ("analysis", "historical_rates", "orr"): [0.13, 0.0, 1.0, 0.5, -0.1, 2, "13%"],
    ("endpoints", "censor_at_new_therapy"): [True, False],
    ("endpoints", "clinical_benefit_weeks"): [24, 0, 6, -1, 10**15],
    ("adverse_events", "ctcae_version"): ["5.0", "6.0", "4.03", 5],
    ("adverse_events", "treatment_emergent_days"): [30, 0, 100, -1, 10**15],
    ("adverse_events", "unknown_terms"): ["error", "warning", "ignore"],
}
CRITERION_FIELDS = ["age", "ecog", "sex", "histology", "histology_group", "metastatic", "brain_metastases",
                    "prior_systemic_lines", "baseline_target_lesions", "patient_id", "nonexistent", "prior_surgery"]
CRITERION_OPERATORS = ["==", "!=", ">=", "<=", ">", "<", "in", "not in", "between", "~=", "contains"]
CRITERION_VALUES = [18, 0, 2, "yes", "active", "male", [0, 2], [2, 0], [48, 61], ["Synovial sarcoma"], [], "18",
                    dt.date(2021, 1, 1), 1e300, float("nan"), {"a": 1}, True]
SUBGROUP_FIELDS = ["histology_group", "ecog", "sex", "age", "histology", "patient_id", "metastatic", "nonexistent",
                   "prior_systemic_lines"]
COMPONENT_LABELS = ["anlotinib", "PD-1 inhibitor", "a/b", "..", "con", "x" * 200, "<i>drug</i>", "tab\tlabel"]


def _set(document, path: tuple[str, ...], value) -> None:
    table = document
    for key in path[:-1]:
        if key not in table:
            table[key] = tomlkit.table()
        table = table[key]
    table[path[-1]] = value


def with_settings(base: str, layout: str, settings: dict[tuple[str, ...], object]) -> Mutant:
    """The base study with the study.toml ``settings`` (key path → value) changed: an explicit example."""
    tables, toml = base_study(base)
    document = tomlkit.parse(toml)
    for path, value in settings.items():
        _set(document, path, value)
    return Mutant(base, layout, tables, tomlkit.dumps(document),
                  edits=[f"toml {'.'.join(k)} = {v!r}" for k, v in settings.items()])


# ---------------------------------------------------------------- the strategy
@st.composite
def mutants(draw, bases=("example",), max_edits: int = 4) -> Mutant:
    """A base study with 1..``max_edits`` random edits (module docstring)."""
    base = draw(st.sampled_from(bases))
    layout = draw(st.sampled_from(["csv", "xlsx"]))
    tables, toml = base_study(base)
    mutant = Mutant(base, layout, tables, toml)
    document = tomlkit.parse(toml)
    for _ in range(draw(st.integers(1, max_edits))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "date", "row", "column", "table", "toml", "toml",
                                     "criterion", "subgroup", "component", "raw"]))
        _EDITS[kind](draw, mutant, document)
    mutant.toml = tomlkit.dumps(document)
    return mutant


def _pick_table(draw, mutant: Mutant, nonempty: bool = True) -> str | None:
    names = [n for n, t in mutant.tables.items() if t["rows"] or not nonempty]
    return draw(st.sampled_from(sorted(names))) if names else None


def _edit_cell(draw, mutant: Mutant, document) -> None:
    name = _pick_table(draw, mutant)
    if name is None:
        return
    table = mutant.tables[name]
    if not table["columns"]:
        return
    r = draw(st.integers(0, len(table["rows"]) - 1))
    c = draw(st.integers(0, len(table["columns"]) - 1))
    column_values = sorted({row[c] for row in table["rows"] if c < len(row)})
    value = draw(st.one_of(st.sampled_from(NASTY_CELLS), st.sampled_from(column_values or [""]),
                           st.text(max_size=12)))
    row = table["rows"][r]
    row.extend([""] * (len(table["columns"]) - len(row)))
    row[c] = value
    mutant.edits.append(f"cell {name} row {r + 2} column {table['columns'][c]} = {value!r}")


def _edit_date(draw, mutant: Mutant, document) -> None:
    """Move one date by up to ~2 years either way (chronology: before birth, after cutoff, end before start …)."""
    name = _pick_table(draw, mutant)
    if name is None:
        return
    table = mutant.tables[name]
    cells = [(r, c) for r, row in enumerate(table["rows"]) for c, v in enumerate(row) if ISO_DATE.match(v)]
    if not cells:
        return
    r, c = draw(st.sampled_from(cells))
    days = draw(st.integers(-800, 800))
    table["rows"][r][c] = _shift_date(table["rows"][r][c], days)
    mutant.edits.append(f"date {name} row {r + 2} column {table['columns'][c]} {days:+d} days")


def _edit_row(draw, mutant: Mutant, document) -> None:
    name = _pick_table(draw, mutant)
    if name is None:
        return
    rows = mutant.tables[name]["rows"]
    r = draw(st.integers(0, len(rows) - 1))
    action = draw(st.sampled_from(["delete", "duplicate", "blank", "other patient", "new patient", "swap"]))
    if action == "delete":
        del rows[r]
    elif action == "duplicate":
        rows.insert(r + 1, list(rows[r]))
    elif action == "blank":
        rows.insert(r, [""] * len(mutant.tables[name]["columns"]))
    elif action in ("other patient", "new patient"):
        columns = mutant.tables[name]["columns"]
        if "patient_id" in columns:
            i = columns.index("patient_id")
            ids = sorted({row[i] for row in rows if i < len(row)})
            new = list(rows[r])
            new[i] = draw(st.sampled_from(ids)) if action == "other patient" else "P999"
            rows.append(new)
    else:
        s = draw(st.integers(0, len(rows) - 1))
        rows[r], rows[s] = rows[s], rows[r]
    mutant.edits.append(f"row {name} {r + 2}: {action}")


def _edit_column(draw, mutant: Mutant, document) -> None:
    name = _pick_table(draw, mutant, nonempty=False)
    if name is None:
        return
    table = mutant.tables[name]
    columns = table["columns"]
    action = draw(st.sampled_from(["drop", "rename", "extra", "reorder", "duplicate", "blank all"]))
    if not columns:
        return
    c = draw(st.integers(0, len(columns) - 1))
    label = columns[c]
    if action == "drop":
        del columns[c]
        for row in table["rows"]:
            if c < len(row):
                del row[c]
    elif action == "rename":
        columns[c] = draw(st.sampled_from([label.upper(), f" {label} ", label.replace("_", " "), "",
                                           "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in label),
                                           label + "_2", "notes"]))
        label = f"{label} → {columns[c]!r}"
    elif action == "extra":
        columns.append(draw(st.sampled_from(["notes", "comment", "", "patient_id", "Unnamed: 9"])))
        for row in table["rows"]:
            row.extend([""] * (len(columns) - 1 - len(row)))
            row.append(draw(st.sampled_from(["", "free text", "=1+1", "1"])))
    elif action == "reorder":
        order = draw(st.permutations(range(len(columns))))
        table["columns"] = [columns[i] for i in order]
        table["rows"] = [[row[i] if i < len(row) else "" for i in order] for row in table["rows"]]
    elif action == "duplicate":
        columns.append(label)
        for row in table["rows"]:
            row.extend([""] * (len(columns) - 1 - len(row)))
            row.append(row[c])
    else:
        for row in table["rows"]:
            if c < len(row):
                row[c] = ""
    mutant.edits.append(f"column {name}.{label}: {action}")


def _edit_table(draw, mutant: Mutant, document) -> None:
    name = _pick_table(draw, mutant, nonempty=False)
    if name is None:
        return
    action = draw(st.sampled_from(["drop", "empty", "keep first rows"]))
    if action == "drop":
        del mutant.tables[name]
    elif action == "empty":
        mutant.tables[name]["rows"] = []
    else:
        rows = mutant.tables[name]["rows"]
        mutant.tables[name]["rows"] = rows[: draw(st.integers(1, max(1, len(rows))))]
    mutant.edits.append(f"table {name}: {action}")


def _edit_toml(draw, mutant: Mutant, document) -> None:
    path = draw(st.sampled_from(sorted(TOML_OPTIONS)))
    value = draw(st.sampled_from(TOML_OPTIONS[path]))
    action = draw(st.sampled_from(["set", "set", "set", "delete"]))
    if action == "delete":
        table = document
        for key in path[:-1]:
            table = table.get(key, {})
        if isinstance(table, dict) and path[-1] in table:
            del table[path[-1]]
        mutant.edits.append(f"toml delete {'.'.join(path)}")
        return
    _set(document, path, value)
    mutant.edits.append(f"toml {'.'.join(path)} = {value!r}")


def _edit_criterion(draw, mutant: Mutant, document) -> None:
    criteria = document.get("eligibility", {}).get("criteria")
    if criteria is None or not len(criteria):
        return
    i = draw(st.integers(0, len(criteria) - 1))
    action = draw(st.sampled_from(["field", "operator", "value", "kind", "delete", "label"]))
    if action == "delete":
        del criteria[i]
        mutant.edits.append(f"criterion {i + 1}: delete")
        return
    value = draw(st.sampled_from({"field": CRITERION_FIELDS, "operator": CRITERION_OPERATORS,
                                  "value": CRITERION_VALUES, "kind": ["include", "exclude", "maybe"],
                                  "label": ["", "a/b", "x\x0by", "<b>x</b>", "x" * 300]}[action]))
    criteria[i][action] = value
    mutant.edits.append(f"criterion {i + 1}: {action} = {value!r}")


def _edit_subgroup(draw, mutant: Mutant, document) -> None:
    analysis = document.get("analysis")
    if analysis is None:
        return
    subgroups = analysis.get("subgroups")
    action = draw(st.sampled_from(["field", "groups", "delete", "add"]))
    if action == "add" or subgroups is None or not len(subgroups):
        entry = tomlkit.table()
        entry["field"] = draw(st.sampled_from(SUBGROUP_FIELDS))
        entry["label"] = draw(st.sampled_from(["Sex", "a/b", "", "<i>x</i>"]))
        if subgroups is None:
            analysis["subgroups"] = tomlkit.aot()
            subgroups = analysis["subgroups"]
        subgroups.append(entry)
        mutant.edits.append(f"subgroup add {entry['field']!r} label {entry['label']!r}")
        return
    i = draw(st.integers(0, len(subgroups) - 1))
    if action == "delete":
        del subgroups[i]
        mutant.edits.append(f"subgroup {i + 1}: delete")
    elif action == "field":
        subgroups[i]["field"] = draw(st.sampled_from(SUBGROUP_FIELDS))
        mutant.edits.append(f"subgroup {i + 1}: field = {subgroups[i]['field']!r}")
    else:
        groups = draw(st.sampled_from([{"0-1": [0, 1], "2": [2]}, {"0": [0], "0 again": [0]}, {"all": []},
                                       {"low": [0], "high": [1, 2, 3, 4]}, {"a/b": ["SS"], "rest": ["ASPS", "UPS"]},
                                       {"x": "SS"}]))
        subgroups[i]["groups"] = groups
        mutant.edits.append(f"subgroup {i + 1}: groups = {groups!r}")


def _edit_component(draw, mutant: Mutant, document) -> None:
    components = document.get("regimen", {}).get("components")
    if components is None:
        return
    action = draw(st.sampled_from(["relabel", "drug", "delete", "empty"]))
    labels = list(components)
    if not labels:
        return
    label = draw(st.sampled_from(labels))
    drugs = components[label]
    if action == "relabel":
        new = draw(st.sampled_from(COMPONENT_LABELS))
        if new not in components:
            del components[label]
            components[new] = drugs
    elif action == "drug":
        components[label] = list(drugs) + [draw(st.sampled_from(["ANLOTINIB", "pembrolizumab", "unknown drug", ""]))]
    elif action == "delete":
        del components[label]
    else:
        components[label] = []
    mutant.edits.append(f"component {label!r}: {action}")


def _edit_raw(draw, mutant: Mutant, document) -> None:
    """A byte-level edit of one CSV file (only the CSV layout has bytes a user can get wrong this way)."""
    if mutant.layout != "csv" or not mutant.tables:
        return
    name = _pick_table(draw, mutant, nonempty=False)
    action = draw(st.sampled_from(["unclosed quote", "short row", "long row", "truncate", "bom", "crlf", "latin-1",
                                   "semicolons", "blank lines", "nul byte"]))
    mutant.raw.append((name, action, draw(st.integers(0, 10**6))))
    mutant.edits.append(f"raw {name}.csv: {action}")


_EDITS = {"cell": _edit_cell, "date": _edit_date, "row": _edit_row, "column": _edit_column, "table": _edit_table,
          "toml": _edit_toml, "criterion": _edit_criterion, "subgroup": _edit_subgroup,
          "component": _edit_component, "raw": _edit_raw}


# ---------------------------------------------------------------- writing a mutant
def _xlsx_cell(text: str):
    """A text cell as a spreadsheet user's workbook holds it: numbers as numbers, ISO dates as dates."""
    text = _CONTROL.sub("", text)  # openpyxl (like Excel) refuses control characters in cells
    if re.fullmatch(r"-?\d{1,15}", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if ISO_DATE.match(text):
        try:
            date = dt.date.fromisoformat(text)
            return dt.datetime(date.year, date.month, date.day) if date.year >= 1900 else text
        except ValueError:
            return text
    return text or None


def _raw_edit(data: bytes, action: str, seed: int) -> bytes:
    lines = data.split(b"\n")
    body = [i for i, line in enumerate(lines) if line and i > 0] or [0]
    i = body[seed % len(body)]
    if action == "unclosed quote":
        lines[i] = lines[i].replace(b",", b',"', 1)
    elif action == "short row":
        lines[i] = lines[i].rsplit(b",", 1)[0]
    elif action == "long row":
        lines[i] = lines[i] + b",extra"
    elif action == "truncate":
        return data[: seed % max(1, len(data))]
    elif action == "bom":
        return b"\xef\xbb\xbf" + data
    elif action == "crlf":
        return data.replace(b"\n", b"\r\n")
    elif action == "latin-1":
        return data.decode("utf-8").encode("latin-1", errors="replace") + "é\n".encode("latin-1")
    elif action == "semicolons":
        return data.replace(b",", b";")
    elif action == "blank lines":
        lines.insert(i, b"")
        lines.insert(i, b",,,")
    elif action == "nul byte":
        lines[i] = lines[i] + b"\x00"
    return b"\n".join(lines)


def write_mutant(mutant: Mutant, folder: Path) -> Path:
    """Write ``mutant`` as a study folder (study.toml + study.xlsx or one CSV per table) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(mutant.toml, encoding="utf-8")
    if mutant.layout == "xlsx":
        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, table in mutant.tables.items():
            sheet = workbook.create_sheet(name)
            sheet.append([_CONTROL.sub("", c) or None for c in table["columns"]])
            for row in table["rows"]:
                sheet.append([_xlsx_cell(v) for v in row])
        workbook.save(folder / "study.xlsx")
        return folder
    for name, table in mutant.tables.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table["columns"])
        writer.writerows(table["rows"])
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode("utf-8"))
    for name, action, seed in mutant.raw:
        path = folder / f"{name}.csv"
        if path.exists():
            path.write_bytes(_raw_edit(path.read_bytes(), action, seed))
    return folder
