"""The ``oncocohort`` command line: a thin shell over the Python API.

Exit codes: 0 success (warnings allowed), 1 invalid input (every problem printed), 2 usage error or an
internal error (reported in one line; ``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .cli_import import add_import_parser
from .io.analysis_table import read_analysis_table
from .io.problems import problems_to_json, problems_to_text, sort_problems
from .io.study import validate_study
from .io.template import write_template

# The statistics modules (scipy) are imported inside the commands that use them, to keep start-up quick.
CI_METHODS = ("clopper-pearson", "wilson", "wilson-cc", "jeffreys", "agresti-coull")


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


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def _fmt(value, digits: int = 3) -> str:
    return "NR" if value is None else f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def _print_km(label: str, km: dict) -> None:
    print(f"{label}: n = {km['n']}, events = {km['events']}, median = {_fmt(km['median'], 4)} "
          f"(95% CI {_fmt(km['lower'], 4)}–{_fmt(km['upper'], 4)}; {km['conf_type']} band)")
    for m in km["landmarks"]:
        print(f"    S({_fmt(m['time'])}) = {_fmt(m['surv'])} (95% CI {_fmt(m['lower'])}–{_fmt(m['upper'])}), "
              f"at risk {m['n_risk']}")


def _cmd_survival(args: argparse.Namespace) -> int:
    from .stats.survival_summary import summarise_survival

    covariates = _list(args.covariates)
    others = [c for c in (args.by, args.strata) if c] + covariates
    try:
        landmark_times = [float(t) for t in _list(args.landmarks)]
    except ValueError:
        print(f"oncocohort survival: --landmarks must be numbers separated by commas, got {args.landmarks!r}",
              file=sys.stderr)
        return 2
    frame, log = read_analysis_table(args.data, args.time, args.event, others)
    problems = sort_problems(log.problems)
    if frame is None:
        print(problems_to_json(problems) if args.json else problems_to_text(problems))
        return 1
    result = summarise_survival(frame, args.time, args.event, args.by, args.strata, covariates,
                                _list(args.categorical), args.ties, args.conf_type, landmark_times, args.firth)
    result["warnings"] = [p.describe() for p in problems]
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    if problems:
        print(problems_to_text(problems))
    _print_km("All", result["km"])
    for level, km in result.get("groups", {}).items():
        _print_km(f"{args.by} = {level}", km)
    if "logrank" in result:
        lr = result["logrank"]
        print(f"{lr['method']}: chi-square = {_fmt(lr['chisq'], 4)}, df = {lr['df']}, p = {_fmt(lr['p'], 4)}")
    if "cox" in result:
        cox = result["cox"]
        print(cox["method"])
        for t in cox["terms"]:
            print(f"    {t['name']}: HR = {_fmt(t['hr'])} (95% CI {_fmt(t['lower'])}–{_fmt(t['upper'])}), "
                  f"p = {_fmt(t['p'])}")
        print(f"    likelihood-ratio test = {_fmt(cox['lr_test'], 4)}, p = {_fmt(cox['lr_p'], 4)}"
              + (f"; concordance = {_fmt(cox['concordance'])}" if "concordance" in cox else ""))
        for name in cox.get("monotone_likelihood", []):
            print(f"    WARNING: monotone likelihood for {name} (its coefficient runs to infinity); use --firth")
    return 0


def _cmd_proportion(args: argparse.Namespace) -> int:
    from .stats.proportions import binomial_test, proportion_ci

    try:
        estimate = proportion_ci(args.x, args.n, args.method, args.conf_level)
        test = binomial_test(args.x, args.n, args.p0, args.alternative) if args.p0 is not None else None
    except ValueError as exc:
        print(f"oncocohort proportion: {exc}", file=sys.stderr)
        return 1
    result = {"x": estimate.x, "n": estimate.n, "estimate": estimate.estimate, "lower": estimate.lower,
              "upper": estimate.upper, "conf_level": estimate.conf_level, "method": estimate.method,
              "method_label": estimate.method_label}
    if test is not None:
        result["test"] = {"p0": test.p0, "alternative": test.alternative, "p": test.p_value, "method": test.method}
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        print(f"{estimate.x}/{estimate.n} = {100 * estimate.estimate:.1f}% ({estimate.method_label}: "
              f"{100 * estimate.lower:.1f}–{100 * estimate.upper:.1f}%)")
        if test is not None:
            print(f"{test.method} against p0 = {test.p0:g} ({test.alternative}): p = {test.p_value:.4g}")
    return 0


def _cmd_recist(args: argparse.Namespace) -> int:
    from .derive.recist_files import run_recist

    problems, written = run_recist(
        lesions=args.lesions, responses=args.responses, starts=args.starts, out=args.out, criteria=args.criteria,
        confirm=args.confirm, confirm_min_days=args.confirm_min_days, sd_min_days=args.sd_min_days,
        baseline_window_days=args.baseline_window_days)
    text = problems_to_text(problems)
    if text:
        print(text)
    if not written:
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_derive(args: argparse.Namespace) -> int:
    from .derive.analysis_datasets import derive_study
    from .derive.writer import write_datasets

    report = validate_study(args.dir)
    if report.study is None:
        print(problems_to_text(report.problems))
        print(f"{args.dir}: NOT valid — nothing derived (fix the errors above and run again)")
        return 1
    print("validate: ok" + (f" ({len(report.warnings)} warning(s))" if report.warnings else ""))
    data = derive_study(report.study)
    if data.eligibility.errors:
        for error in data.eligibility.errors:
            print(f"eligibility: {error}")
        return 1
    steps = data.attrition
    print(f"eligibility: {len(data.eligibility.screened)} screened, {len(data.eligibility.included)} included, "
          f"{int(steps['n_excluded'].sum())} excluded in {len(steps)} steps")
    for path in write_datasets(data, args.out):
        print(f"wrote {path}")
    return 0


def _run_report(study_dir, out, formats, adam: dict | None = None) -> int:
    from .report.build import Progress, ReportError, build_report
    from .report.reconcile import ReconciliationError

    try:
        build_report(study_dir, out, formats, Progress(print), adam=adam)
    except ReconciliationError as error:
        print("the report's numbers do not add up — nothing written:")
        for problem in error.problems:
            print(f"  - {problem}")
        return 1
    except ReportError as error:
        print(str(error))
        return 1
    return 0


def _formats(text: str) -> list[str]:
    return [f.strip().lower() for f in text.split(",") if f.strip()]


def _cmd_report(args: argparse.Namespace) -> int:
    adam = None
    if args.adam:
        adam = {"config_file": args.config, "population": args.population, "confirmed": args.confirmed}
    elif args.config or args.confirmed or args.population != "SAFFL":
        print("oncocohort report: --config, --population and --confirmed go with --adam", file=sys.stderr)
        return 2
    return _run_report(args.dir, args.out, _formats(args.format), adam)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo.cohort import SYNTHETIC_LABEL, write_demo_study

    if args.export_study:
        folder = write_demo_study(args.export_study)
        print(f"{SYNTHETIC_LABEL}.\nwrote the demo study folder {folder} (run: oncocohort report {folder} --out DIR)")
        return 0
    out = Path(args.out)
    study = write_demo_study(out / "study")
    print(f"{SYNTHETIC_LABEL}.\ndemo study written to {study}")
    code = _run_report(study, out, _formats(args.format))
    if code == 0:
        print(f"open {out / 'report.html'}")
    return code


def _cmd_audit(args: argparse.Namespace) -> int:
    from .audit.claims import ClaimsFileError, audit_claims

    try:
        findings = audit_claims(args.claims)
    except ClaimsFileError as error:
        print(str(error))
        return 1
    mismatches = [f for f in findings if f.status == "mismatch"]
    if args.json:
        print(json.dumps([f.__dict__ for f in findings], indent=2, ensure_ascii=False))
    else:
        marks = {"ok": "ok      ", "mismatch": "MISMATCH", "note": "note    "}
        for f in findings:
            print(f"{marks[f.status]}  {f.claim}" + (f" [{f.where}]" if f.where else "") + f": {f.message}")
        print(f"{len(findings)} claims: {len(mismatches)} mismatch(es), "
              f"{sum(f.status == 'note' for f in findings)} note(s)")
    return 1 if mismatches else 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .web.server import serve

    if args.max_upload_mb <= 0:
        print("oncocohort serve: --max-upload-mb must be more than 0", file=sys.stderr)
        return 2
    return serve(args.host, args.port, args.workspace, not args.no_browser, args.max_upload_mb)


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

    derive = commands.add_parser("derive", help="analysis datasets (ADSL/ADTTE/ADAE-like), attrition, listings")
    derive.add_argument("dir", help="study folder")
    derive.add_argument("--out", required=True, help="output folder")
    derive.set_defaults(run=_cmd_derive)

    survival = commands.add_parser("survival", help="Kaplan–Meier, log-rank and Cox from a one-row-per-patient CSV")
    survival.add_argument("data", help="CSV file, one row per patient")
    survival.add_argument("--time", required=True, help="column with the time to event or censoring (>= 0)")
    survival.add_argument("--event", required=True, help="column with 1 = event, 0 = censored")
    survival.add_argument("--by", help="column defining groups: KM per group and a log-rank test")
    survival.add_argument("--strata", help="column to stratify the log-rank test / Cox model by")
    survival.add_argument("--covariates", help="comma-separated Cox model covariates")
    survival.add_argument("--categorical", help="comma-separated covariates to treat as categories even if numeric")
    survival.add_argument("--ties", choices=("efron", "breslow"), default="efron")
    survival.add_argument("--conf-type", choices=("log", "log-log", "plain"), default="log",
                          help="pointwise CI type of the KM curve (log = R default, log-log = SAS default)")
    survival.add_argument("--landmarks", help="comma-separated landmark times, in the data's unit")
    survival.add_argument("--firth", action="store_true", help="Firth-penalised Cox model (small samples)")
    survival.add_argument("--json", action="store_true", help="print the results as JSON (docs/cli.md)")
    survival.set_defaults(run=_cmd_survival)

    recist = commands.add_parser("recist", help="RECIST 1.1 visit responses and best overall response")
    source = recist.add_mutually_exclusive_group(required=True)
    source.add_argument("lesions", nargs="?", help="lesions CSV (columns as the study's lesions table)")
    source.add_argument("--responses", help="recorded responses CSV (patient_id, assessment_date, overall_response)")
    recist.add_argument("--starts", required=True, help="CSV with patient_id,treatment_start")
    recist.add_argument("--criteria", choices=("recist1.1", "irecist", "choi"), default="recist1.1",
                        help="response criteria for lesion data (irecist adds iUPD/iCPD; choi uses attenuation_hu)")
    recist.add_argument("--confirm", action="store_true", help="require confirmation of CR/PR")
    recist.add_argument("--confirm-min-days", type=int, default=28)
    recist.add_argument("--sd-min-days", type=int, default=42)
    recist.add_argument("--baseline-window-days", type=int, default=28)
    recist.add_argument("--out", required=True, help="folder for visits.csv and patients.csv")
    recist.set_defaults(run=_cmd_recist)

    proportion = commands.add_parser("proportion", help="a proportion x/n with its CI and an exact binomial test")
    proportion.add_argument("x", type=int, help="successes (e.g. responders)")
    proportion.add_argument("n", type=int, help="trials (e.g. evaluable patients)")
    proportion.add_argument("--method", choices=CI_METHODS, default="clopper-pearson")
    proportion.add_argument("--conf-level", type=float, default=0.95)
    proportion.add_argument("--p0", type=float, help="historical rate to test against (exact binomial test)")
    proportion.add_argument("--alternative", choices=("two-sided", "greater", "less"), default="two-sided")
    proportion.add_argument("--json", action="store_true", help="print the result as JSON (docs/cli.md)")
    proportion.set_defaults(run=_cmd_proportion)

    report = commands.add_parser("report", help="the whole analysis: report.html/.docx(/.pdf), results.json, "
                                 "tables, figures, datasets")
    report.add_argument("dir", help="study folder (with --adam: a folder of ADaM data sets)")
    report.add_argument("--out", required=True, help="output folder")
    report.add_argument("--adam", action="store_true", help="DIR holds CDISC ADaM (ADSL, ADRS, ADTTE, ADAE): "
                        "analyse it as it is, without derivation")
    report.add_argument("--config", help="with --adam: a study.toml for the analysis settings")
    report.add_argument("--population", default="SAFFL", help="with --adam: ADSL population flag (default SAFFL)")
    report.add_argument("--confirmed", action="store_true", help="with --adam: best response from CBOR")
    report.add_argument("--format", default="html,docx", help="any of html,docx,pdf (default html,docx; pdf needs "
                        "LibreOffice)")
    report.set_defaults(run=_cmd_report)

    demo = commands.add_parser("demo", help="the whole report on the bundled synthetic study (seed paper)")
    demo.add_argument("--out", default="oncocohort-demo", help="output folder (default ./oncocohort-demo)")
    demo.add_argument("--format", default="html,docx", help="any of html,docx,pdf (default html,docx)")
    demo.add_argument("--export-study", metavar="DIR", help="only write the demo study folder to DIR")
    demo.set_defaults(run=_cmd_demo)

    audit = commands.add_parser("audit", help="recompute a manuscript's reported claims and list mismatches")
    audit.add_argument("claims", help="claims file (TOML), e.g. examples/seed-paper-claims.toml")
    audit.add_argument("--json", action="store_true", help="print the findings as JSON")
    audit.set_defaults(run=_cmd_audit)

    serve = commands.add_parser("serve", help="the local web app: upload, check, settings, report in the browser "
                                "(docs/web.md)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer "
                       "only)")
    serve.add_argument("--workspace", default="oncocohort-workspace", help="folder for the app's studies (default "
                       "./oncocohort-workspace; created if absent)")
    serve.add_argument("--no-browser", action="store_true", help="do not open the browser")
    serve.add_argument("--max-upload-mb", type=float, default=50, help="largest upload taken, in MB (default 50)")
    serve.set_defaults(run=_cmd_serve)

    add_import_parser(commands)
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
