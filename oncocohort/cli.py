"""The ``oncocohort`` command line: a thin shell over the Python API.

Exit codes: 0 success (warnings allowed), 1 invalid input (every problem printed), 2 usage error or an
internal error (reported in one line; ``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .io.problems import problems_to_json, problems_to_text
from .io.study import validate_study
from .io.template import write_template


def _cmd_init(args: argparse.Namespace) -> int:
    try:
        written = write_template(args.dir, example=args.example, layout=args.layout, overwrite=args.force)
    except FileExistsError as exc:
        print(f"oncocohort init: will not overwrite existing study files ({exc}); use --force", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    hint = "" if args.example else " Fill in the sheets,"
    print(f"Next:{hint} then run: oncocohort validate {args.dir}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    report = validate_study(args.dir)
    if args.json:
        print(problems_to_json(report.problems))
    else:
        text = problems_to_text(report.problems)
        if text:
            print(text)
        rows = ", ".join(f"{name} {n}" for name, n in report.rows_read.items())
        verdict = "valid" if report.ok else "NOT valid"
        print(f"{args.dir}: {verdict} — {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
              + (f"; rows read: {rows}" if rows else ""))
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oncocohort", description="Oncology treatment-cohort studies from "
                                     "patient-level data.")
    parser.add_argument("--version", action="version", version=f"oncocohort {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="write a fill-in study folder (study.toml + study.xlsx template)")
    init.add_argument("dir", help="folder to create")
    init.add_argument("--example", action="store_true", help="fill the tables with two example patients")
    init.add_argument("--layout", choices=("xlsx", "csv"), default="xlsx",
                      help="one workbook (default) or one CSV file per table")
    init.add_argument("--force", action="store_true", help="overwrite existing study files in DIR")
    init.set_defaults(run=_cmd_init)

    validate = commands.add_parser("validate", help="check a study folder and list every problem")
    validate.add_argument("dir", help="study folder (study.toml + study.xlsx or CSV tables)")
    validate.add_argument("--json", action="store_true", help="print the problems as JSON (docs/cli.md)")
    validate.set_defaults(run=_cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``oncocohort`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("oncocohort: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one readable line, never a raw traceback
        if args.debug:
            raise
        print(f"oncocohort {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in oncocohort, not in your data; please report it (rerun with --debug for details).",
              file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
