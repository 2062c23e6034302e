"""Any table files → study folder, by a mapping file whose tables each name their ``file`` (and Excel ``sheet``):
SPSS .sav, SAS .xpt/.sas7bdat, Stata .dta (value labels applied), Excel workbooks and CSV with other sheet and
column names. Paths in the mapping file are relative to it.
"""

from __future__ import annotations

from pathlib import Path

from .datasets import ImportFailed, read_dataset
from .mapping import apply_mapping, read_mapping
from .mapping_report import ImportReport
from .study_folder import draft_settings


def import_table_files(map_file: str | Path, title: str | None = None, data_cutoff=None, components=None):
    """The mapping file's tables, each read from its file → (study tables, study.toml draft, mapping report)."""
    map_file = Path(map_file)
    mappings = read_mapping(map_file)
    report = ImportReport("table files", str(map_file))
    tables = {}
    for name, mapping in mappings.items():
        if not mapping.file:
            raise ImportFailed(f"{map_file}: [tables.{name}] needs file = \"<data file>\" (relative to the map)")
        path = (map_file.parent / mapping.file).resolve()
        frame, labels = read_dataset(path, mapping.sheet)
        record = f"{path.name}" + (f" [{mapping.sheet}]" if mapping.sheet else "") + f" → {name}"
        report.add_input(record, str(path), frame.columns, len(frame))
        tables[name] = apply_mapping(frame, mapping, report, record)
        report.finish_columns(record, {c: f"not named in the mapping file (label: {lbl})" for c, lbl in labels.items()},
                              default="not named in the mapping file")
    settings = draft_settings(tables, report, title or f"Study imported from {map_file.name}", data_cutoff,
                              f"Imported by the mapping file {map_file.name}", components)
    return tables, settings, report
