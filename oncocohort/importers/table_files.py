"""Any table files → study folder, by a mapping file whose tables each name their ``file`` (and Excel ``sheet``):
SPSS .sav, SAS .xpt/.sas7bdat, Stata .dta (value labels applied), Excel workbooks and CSV with other sheet and
column names. Paths in the mapping file are relative to it. Study columns the mapping does not name are taken
from same-named source columns (:func:`oncocohort.importers.mapping.match_same_named`); every file is read and
checked before anything is mapped, so all problems of the mapping are reported at once.
"""

from __future__ import annotations

from pathlib import Path

from .datasets import ImportFailed, read_dataset
from .mapping import apply_mapping, match_same_named, read_mapping, unmade_columns
from .mapping_report import ImportReport
from .study_folder import draft_settings


def import_table_files(map_file: str | Path, title: str | None = None, data_cutoff=None, components=None):
    """The mapping file's tables, each read from its file → (study tables, study.toml draft, mapping report)."""
    map_file = Path(map_file)
    mappings = read_mapping(map_file, same_named=True)
    report = ImportReport("table files", str(map_file))
    problems, sources = [], {}
    for name, mapping in mappings.items():
        if not mapping.file:
            problems.append(f"{map_file}: [tables.{name}] needs file = \"<data file>\" (relative to the map)")
            continue
        path = (map_file.parent / mapping.file).resolve()
        try:
            frame, labels = read_dataset(path, mapping.sheet)
        except ImportFailed as exc:
            problems.append(str(exc))
            continue
        mapping, matches = match_same_named(mapping, frame.columns)
        problems += [f"{path}: {problem}" for problem in unmade_columns(mapping, frame.columns)]
        sources[name] = (path, frame, labels, mapping, matches)
    if problems:
        raise ImportFailed("\n".join(problems))
    tables = {}
    for name, (path, frame, labels, mapping, matches) in sources.items():
        record = f"{path.name}" + (f" [{mapping.sheet}]" if mapping.sheet else "") + f" → {name}"
        report.add_input(record, str(path), frame.columns, len(frame))
        if matches:
            report.decide(f"{name}: {len(matches)} column(s) taken from the same-named column of {path.name} "
                          "(not named in the mapping file): " + ", ".join(sorted(matches)))
        tables[name] = apply_mapping(frame, mapping, report, record)
        report.finish_columns(record, {c: f"not named in the mapping file (label: {lbl})" for c, lbl in labels.items()},
                              default="not named in the mapping file")
    settings = draft_settings(tables, report, title or f"Study imported from {map_file.name}", data_cutoff,
                              f"Imported by the mapping file {map_file.name}", components)
    return tables, settings, report
