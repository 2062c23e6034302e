"""``oncocohort omop``: a synthetic OMOP CDM (``synth``) and the study report from an OMOP CDM (``report``).

Exit codes as the rest of the CLI: 0 done, 1 an input problem (CDM, cohort.toml; nothing written), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys


def _cmd_synth(args: argparse.Namespace) -> int:
    from .omop.synth import SynthError, synthesize

    try:
        counts = synthesize(args.patients, args.out, args.seed)
    except SynthError as exc:
        print(f"oncocohort omop synth: {exc}", file=sys.stderr)
        return 1
    for table, n in counts.items():
        print(f"  {table}: {n:,} rows")
    print(f"wrote {args.out}: synthetic OMOP CDM v5.4, {args.patients:,} persons (seed {args.seed}); try: "
          f"oncocohort omop report --cdm {args.out} --cohort examples/omop-cohort.toml --out REPORT_DIR")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .cli import _document, _formats, _run_report

    if bool(args.cdm) == bool(args.spark_remote):
        print("oncocohort omop report: give --cdm PATH or --spark-remote sc://HOST (one of them)", file=sys.stderr)
        return 2
    if (args.cohort_table is None) != (args.cohort_id is None):
        print("oncocohort omop report: --cohort-table and --cohort-id go together", file=sys.stderr)
        return 2
    if args.cohort is None:
        print("oncocohort omop report: --cohort cohort.toml is needed (with --cohort-table it gives the study "
              "settings and endpoints; docs/omop.md)", file=sys.stderr)
        return 2
    omop = {"cdm_path": args.cdm, "spark_remote": args.spark_remote, "cdm_schema": args.cdm_schema,
            "results_schema": args.results_schema, "cohort_file": args.cohort, "cohort_table": args.cohort_table,
            "cohort_id": args.cohort_id, "extract_rows": args.extract_rows}
    return _run_report(args.cdm or ".", args.out, _formats(args.format), None,
                       {**_document(args), "omop": omop, "min_cell": args.min_cell})


def add_omop_parser(commands) -> None:
    """The ``omop`` command and its sub-commands."""
    from .cli import _document_arguments, min_cell_argument
    from .engine.suppression import DEFAULT_MIN_CELL

    omop = commands.add_parser("omop", help="OMOP CDM: a synthetic CDM, or the study report from a CDM "
                               "(DuckDB or Spark; docs/omop.md)")
    sub = omop.add_subparsers(dest="omop_command", required=True, metavar="SUBCOMMAND")
    synth = sub.add_parser("synth", help="write a deterministic synthetic OMOP CDM v5.4")
    synth.add_argument("--patients", type=int, required=True, help="number of persons (1 to 10,000,000)")
    synth.add_argument("--out", required=True, help="a new .duckdb file, or a new folder for Parquet tables")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default 1): same seed, same data")
    synth.set_defaults(run=_cmd_synth)
    report = sub.add_parser("report", help="the full study report from an OMOP CDM")
    report.add_argument("--cdm", help="a .duckdb file or a folder of <table>.parquet|csv files")
    report.add_argument("--spark-remote", help="a Spark Connect address sc://HOST[:PORT] holding the CDM")
    report.add_argument("--cdm-schema", help="schema (DuckDB) or database (Spark) of the CDM tables")
    report.add_argument("--results-schema", help="schema of the cohort table (with --cohort-table)")
    report.add_argument("--cohort", help="cohort.toml: the cohort definition, endpoints and study settings")
    report.add_argument("--cohort-table", help="an OHDSI cohort table (cohort_definition_id, subject_id, "
                        "cohort_start_date, cohort_end_date) instead of cohort.toml's [cohort]")
    report.add_argument("--cohort-id", type=int, help="with --cohort-table: the cohort_definition_id")
    report.add_argument("--out", required=True, help="output folder")
    report.add_argument("--extract-rows", action="store_true",
                        help="extract the per-patient analysis rows and analyse them in memory (writes datasets/); "
                        "default: only aggregates leave the engine (docs/omop.md)")
    report.add_argument("--format", default="html,docx", help="any of html,docx,pdf (default html,docx)")
    _document_arguments(report)
    min_cell_argument(report, DEFAULT_MIN_CELL)
    report.set_defaults(run=_cmd_report)
