"""``oncocohort import``: study data from CDISC SDTM, REDCap or any table files → a study folder.

Exit codes as the rest of the CLI: 0 the study folder was written and validates (warnings allowed), 1 an input
problem (nothing written) or a written folder that does not validate yet (its problems are printed and in
import-report.md), 2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .io.problems import problems_to_text


def _components(values: list[str] | None) -> list[tuple[str, list[str]]] | None:
    if not values:
        return None
    out = []
    for value in values:
        name, _, drugs = value.partition("=")
        if not name.strip() or not drugs.strip():
            raise ValueError(f"--component must be NAME=DRUG[,DRUG...], got {value!r}")
        out.append((name.strip(), [d.strip().lower() for d in drugs.split(",") if d.strip()]))
    return out


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--data-cutoff must be a date YYYY-MM-DD, got {text!r}") from None


def _finish(tables, settings, report, out: str, force: bool, command: str) -> int:
    from .importers.study_folder import write_study_folder

    try:
        validation = write_study_folder(out, tables, settings, report, force=force)
    except FileExistsError as exc:
        print(f"oncocohort import {command}: will not overwrite existing study files ({exc}); use --force",
              file=sys.stderr)
        return 1
    for name, n in report.tables.items():
        print(f"  {name}: {n} rows")
    for record in sorted(report.inputs.values(), key=lambda r: r.name):
        skipped = sum(record.rows_not_used.values())
        print(f"  {record.name} ({Path(record.file).name}): {record.rows} rows, {record.rows_used} used"
              + (f", {skipped} not used (reasons in import-report.md)" if skipped else ""))
    if not validation.ok:
        print(problems_to_text(validation.errors))
    verdict = "valid" if validation.ok else "NOT valid yet (errors above; fix them in the study folder)"
    print(f"wrote {out}: {verdict} — {len(validation.errors)} error(s), {len(validation.warnings)} warning(s); "
          f"mapping report {Path(out) / 'import-report.md'}")
    if validation.ok:
        print(f"Next: check study.toml, then run: oncocohort report {out} --out REPORT_DIR")
    return 0 if validation.ok else 1


def _usage_error(command: str, exc: ValueError) -> int:
    print(f"oncocohort import {command}: {exc}", file=sys.stderr)
    return 2


def _import(command: str, args: argparse.Namespace, run) -> int:
    """Run an importer (``run()`` → tables, settings, report) and write its folder; input problems → exit 1."""
    from .importers.datasets import ImportFailed

    try:
        tables, settings, report = run()
    except ImportFailed as exc:
        print(f"oncocohort import {command}: {exc}\nnothing written", file=sys.stderr)
        return 1
    return _finish(tables, settings, report, args.out, args.force, command)


def _cmd_sdtm(args: argparse.Namespace) -> int:
    from .importers.sdtm import SdtmOptions, import_sdtm

    try:
        files = {}
        for value in args.domain or []:
            name, _, path = value.partition("=")
            if not name.strip() or not path.strip():
                raise ValueError(f"--domain must be NAME=FILE (e.g. TU=tu_onco.csv), got {value!r}")
            files[name.strip().upper()] = Path(path.strip())
        options = SdtmOptions(files=files, evaluator=args.evaluator, components=_components(args.component),
                              data_cutoff=_date(args.data_cutoff), grade_from_severity=args.grade_from_severity,
                              title=args.title)
    except ValueError as exc:
        return _usage_error("sdtm", exc)
    return _import("sdtm", args, lambda: import_sdtm(args.sdtm_dir, options))


def _draft_map(args: argparse.Namespace) -> int:
    from .importers.datasets import ImportFailed
    from .importers.redcap import draft_map

    target = Path(args.map or "redcap-map.toml")
    if target.exists() and not args.force:
        print(f"oncocohort import redcap: {target} exists; use --force to overwrite", file=sys.stderr)
        return 1
    try:
        text = draft_map(args.dictionary)
    except ImportFailed as exc:
        print(f"oncocohort import redcap: {exc}\nnothing written", file=sys.stderr)
        return 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: a first mapping by field names and labels — check every line, then run\n"
          f"  oncocohort import redcap --data EXPORT.csv --dictionary {args.dictionary} --map {target} --out STUDY_DIR")
    return 0


def _cmd_redcap(args: argparse.Namespace) -> int:
    from .importers.redcap import import_redcap

    if args.draft_map:
        return _draft_map(args)
    missing = [flag for flag, value in (("--data", args.data), ("--map", args.map), ("--out", args.out)) if not value]
    try:
        if missing:
            raise ValueError(f"needs {', '.join(missing)} (or --draft-map)")
        cutoff = _date(args.data_cutoff)
    except ValueError as exc:
        return _usage_error("redcap", exc)
    return _import("redcap", args, lambda: import_redcap(args.data, args.dictionary, args.map, args.title, cutoff))


def _cmd_tables(args: argparse.Namespace) -> int:
    from .importers.table_files import import_table_files

    try:
        cutoff, components = _date(args.data_cutoff), _components(args.component)
    except ValueError as exc:
        return _usage_error("tables", exc)
    return _import("tables", args, lambda: import_table_files(args.map, args.title, cutoff, components))


def add_import_parser(commands) -> None:
    """The ``import`` command and its sources."""
    parser = commands.add_parser("import", help="CDISC SDTM, REDCap or other table files → a study folder")
    sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")

    sdtm = sources.add_parser("sdtm", help="CDISC SDTM domains (CSV, .xpt, .sas7bdat) → a study folder")
    sdtm.add_argument("sdtm_dir", help="folder with dm, ex, ae, tu, tr, rs, ds, ss, ... (one file per domain)")
    sdtm.add_argument("--out", required=True, help="study folder to write")
    sdtm.add_argument("--domain", action="append", metavar="NAME=FILE",
                      help="a domain in a file of another name, e.g. TU=tu_onco_recist.csv (repeatable)")
    sdtm.add_argument("--evaluator", default="INVESTIGATOR", help="TU/TR/RS evaluator to keep (default INVESTIGATOR)")
    sdtm.add_argument("--component", action="append", metavar="NAME=DRUG[,DRUG]",
                      help="a regimen component and the EX.EXTRT names that count for it (repeatable; default one "
                           "component of every EXTRT)")
    sdtm.add_argument("--data-cutoff", help="data cutoff date YYYY-MM-DD (default: the last date in the data)")
    sdtm.add_argument("--grade-from-severity", action="store_true",
                      help="grade AEs without AETOXGR from AESEV (MILD 1, MODERATE 2, SEVERE 3)")
    sdtm.add_argument("--title", help="study title for study.toml")
    sdtm.add_argument("--force", action="store_true", help="overwrite existing study files in --out")
    sdtm.set_defaults(run=_cmd_sdtm)

    redcap = sources.add_parser("redcap", help="a REDCap export + data dictionary + redcap-map.toml → a study folder")
    redcap.add_argument("--dictionary", required=True, help="the project's data dictionary (CSV)")
    redcap.add_argument("--data", help="records export (CSV, raw or labels)")
    redcap.add_argument("--map", help="mapping file (TOML); with --draft-map: where to write it "
                                      "(default redcap-map.toml)")
    redcap.add_argument("--draft-map", action="store_true", help="write a first mapping file from the dictionary")
    redcap.add_argument("--out", help="study folder to write")
    redcap.add_argument("--data-cutoff", help="data cutoff date YYYY-MM-DD (default: the last date in the data)")
    redcap.add_argument("--title", help="study title for study.toml")
    redcap.add_argument("--force", action="store_true", help="overwrite existing files")
    redcap.set_defaults(run=_cmd_redcap)

    tables = sources.add_parser("tables", help="SPSS/SAS/Stata/Excel/CSV files named in a mapping file → a study "
                                "folder")
    tables.add_argument("--map", required=True, help="mapping file (TOML) naming each table's file and columns")
    tables.add_argument("--out", required=True, help="study folder to write")
    tables.add_argument("--component", action="append", metavar="NAME=DRUG[,DRUG]",
                        help="a regimen component and its drug names (repeatable; default one of every drug)")
    tables.add_argument("--data-cutoff", help="data cutoff date YYYY-MM-DD (default: the last date in the data)")
    tables.add_argument("--title", help="study title for study.toml")
    tables.add_argument("--force", action="store_true", help="overwrite existing study files in --out")
    tables.set_defaults(run=_cmd_tables)
