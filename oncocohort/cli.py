"""The ``oncocohort`` command line: a thin shell over the Python API.

Exit codes: 0 success (warnings allowed), 1 invalid input (every problem printed), 2 usage error or an
internal error (reported in one line; ``--debug`` shows the traceback), 141 when the reader of the output went away
(``oncocohort validate X | head -1``: the command stops quietly, as a process ended by SIGPIPE).

Warnings of numpy, pandas and other libraries never reach the terminal as they are (with file names and source
lines): they are collected while the command runs and summed up after it in one plain sentence on stderr
(``--debug`` shows them as Python prints them). Deprecation notices meant for developers are dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

from . import __version__
from .cli_design import add_design_parser
from .cli_import import add_import_parser
from .cli_omop import add_omop_parser
from .io.problems import escape_control, problems_to_json, problems_to_text, sort_problems

# pandas, the statistics (scipy) and the figures (matplotlib) are imported inside the commands that use them, so
# start-up and `--help` stay quick (tests/test_cli_startup.py).
CI_METHODS = ("clopper-pearson", "wilson", "wilson-cc", "jeffreys", "agresti-coull")


def _cmd_init(args: argparse.Namespace) -> int:
    from .io.template import settings_to_edit, write_template

    try:
        written = write_template(args.dir, example=args.example, layout=args.layout, overwrite=args.force)
    except FileExistsError as exc:
        print(f"oncocohort init: will not overwrite existing study files ({exc}); use --force", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    if args.example:
        print(f"The folder holds a complete worked example (two patients). Next: oncocohort validate {args.dir}")
        return 0
    print("Next:\n1. In study.toml, replace each placeholder written \"<...>\" with your study's own setting "
          "(validate refuses the study until you do):")
    for problem in sorted(settings_to_edit(), key=lambda p: p.row or 0):
        print(f"   line {problem.row:>3}  [{problem.table}]{' ' + problem.column if problem.column else ''}: "
              + problem.message.split("write ", 1)[1])
    data = "the sheets of study.xlsx" if args.layout == "xlsx" else "the CSV files, one per table"
    print(f"2. Fill in {data} (column help: docs/data-format.md).\n3. Run: oncocohort validate {args.dir}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .derive.preview import preview_cohort
    from .io.study import validate_study

    report = validate_study(args.dir)
    # validate predicts the report: on a valid study, eligibility runs and nobody included is an error
    cohort = preview_cohort(report.study) if report.study is not None else None
    problems = sort_problems(list(report.problems) + list(cohort.problems if cohort else ()))
    errors = sum(p.severity == "error" for p in problems)
    if args.json:
        print(problems_to_json(problems, cohort=cohort.as_dict() if cohort else None))
    else:
        text = problems_to_text(problems)
        if text:
            print(text)
        if cohort is not None:
            print(escape_control(cohort.summary()))
        rows = ", ".join(f"{name} {n}" for name, n in report.rows_read.items())
        verdict = "valid" if not errors else "NOT valid"
        print(f"{args.dir}: {verdict} — {errors} error(s), {len(problems) - errors} warning(s)"
              + (f"; rows read: {rows}" if rows else ""))
    return 0 if not errors else 1


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


def _survival_usage_problem(args: argparse.Namespace, covariates: list[str]) -> str | None:
    """A column named in two roles that cannot share it, in words (a usage error, exit 2)."""
    roles = [("--time", args.time), ("--event", args.event), ("--by", args.by), ("--strata", args.strata),
             ("--id", args.id)]
    named = [(flag, column) for flag, column in roles if column]
    for i, (flag, column) in enumerate(named):
        for other, same in named[i + 1:]:
            if column == same:
                if {flag, other} == {"--by", "--strata"}:
                    return (f"--by and --strata both name {column}: within each stratum there would be one group "
                            "only, so the log-rank test compares nothing; use one of them")
                return f"{flag} and {other} both name {column}; each needs its own column"
    repeated = sorted({c for c in covariates if covariates.count(c) > 1})
    if repeated:
        return f"--covariates names {', '.join(repeated)} more than once"
    for flag, column in named:
        if column in covariates and flag != "--by":
            if flag == "--strata":
                return (f"--strata {column} is also in --covariates: a Cox model stratified by {column} has no "
                        f"coefficient for it (R reports NA); keep {column} in one of the two")
            return f"{flag} {column} cannot also be a covariate"
    stray = [c for c in _list(args.categorical) if c not in covariates + _list(args.confounders)]
    if stray:
        return (f"--categorical names {', '.join(stray)}, which {'is' if len(stray) == 1 else 'are'} not in "
                "--covariates or --confounders")
    return None


def _survival_options_problem(args: argparse.Namespace, covariates: list[str]) -> str | None:
    """Usage errors of --landmark, --by-time, --rmst, --start/--stop, and the post-index guard (exit 2)."""
    from .stats.survival_options import post_index_problem

    if bool(args.start) != bool(args.stop):
        return "--start and --stop go together: each row covers the time span (start, stop]"
    if args.start:
        if args.time:
            return "--time is not used with --start/--stop (the time span of each row is (start, stop])"
        if not covariates:
            return "--start/--stop fit a Cox model: give --covariates"
        others = [f for f, v in (("--by", args.by), ("--landmark", args.landmark), ("--rmst", args.rmst),
                                 ("--firth", args.firth or None), ("--by-time", args.by_time)) if v is not None]
        if others:
            return f"{', '.join(others)} cannot be combined with --start/--stop (a Cox model on interval rows only)"
    elif not args.time:
        return "give --time (or --start and --stop for counting-process rows)"
    if args.by_time and args.landmark is None:
        return "--by-time fixes groups at a landmark: give --landmark T"
    if args.by_time and args.by:
        return "--by-time defines the groups at the landmark; leave out --by"
    if args.landmark is not None and args.landmark < 0:
        return f"--landmark must be >= 0, got {args.landmark:g}"
    if args.rmst is not None and not (args.by or args.by_time):
        return "--rmst compares two groups: give --by (or --landmark with --by-time)"
    if args.rmst is not None and not args.rmst > 0:
        return f"--rmst must be a positive time, got {args.rmst:g}"
    return post_index_problem(args.by, covariates, args.landmark, args.start)


def _print_rows(label: str, rows: dict) -> None:
    from .io.analysis_table import row_list

    if rows["dropped"]:
        why = ", ".join(f"{column} {n}" for column, n in rows["dropped_missing"].items())
        print(f"    {label}: n = {rows['n']}; {rows['dropped']} row(s) left out for a missing value ({why}): "
              f"{row_list(rows['dropped_rows'])}")
    else:
        print(f"    {label}: n = {rows['n']}; no row left out")


def _survival_analyses(args: argparse.Namespace, frame, covariates: list[str], landmark_times: list[float]):
    """summarise_survival, or the counting-process Cox model; on landmark rows and with RMST when asked.
    Returns (result, the group column: --by, or the groups fixed at the landmark)."""
    from .stats.survival_options import counting_process_summary, landmark_rows, rmst_summary
    from .stats.survival_summary import summarise_survival

    if args.start:
        return counting_process_summary(frame, args.start, args.stop, args.event, covariates,
                                        _list(args.categorical), args.strata, args.ties), None
    if args.imputed_by:
        from .stats.survival_options import stacked_cox_summary

        pooled = stacked_cox_summary(frame, args.imputed_by, args.time, args.event, covariates,
                                     _list(args.categorical), args.ties)
        return {"rows": pooled.pop("rows"), "cox_mice": pooled, "notes": []}, None
    by, landmark = args.by, None
    if args.landmark is not None:
        frame, landmark, group_column = landmark_rows(frame, args.time, args.event, args.landmark, args.by_time)
        by = group_column or by
    result = summarise_survival(frame, args.time, args.event, by, args.strata, covariates, _list(args.categorical),
                                args.ties, args.conf_type, landmark_times, args.firth)
    if landmark is not None:
        result["landmark"] = landmark
    if args.rmst is not None:
        result["rmst"] = rmst_summary(frame, args.time, args.event, by, args.rmst, landmark_times)
    if args.impute:
        from .stats.survival_options import imputed_cox_summary

        result["cox_mice"] = imputed_cox_summary(frame, args.time, args.event, covariates, _list(args.categorical),
                                                 args.ties, args.imputations or 20, _seed(args))
    return result, by


def _seed(args: argparse.Namespace) -> int:
    return 20240517 if args.seed is None else args.seed


def _imputation_usage_problem(args: argparse.Namespace, covariates: list[str]) -> str | None:
    """Flags of the multiple-imputation Cox model (--impute mice / --imputed-by) that do not fit, in words."""
    if not (args.impute or args.imputed_by):
        if args.imputations is not None or args.seed is not None:
            return "--imputations and --seed belong to --impute mice"
        return None
    flag = "--impute mice" if args.impute else "--imputed-by"
    if args.impute and args.imputed_by:
        return "--impute mice imputes here; --imputed-by pools data sets completed elsewhere: use one of them"
    if not covariates:
        return f"{flag} pools a Cox model: give --covariates"
    others = [f for f, v in (("--start", args.start), ("--firth", args.firth or None), ("--iptw", args.iptw),
                             ("--match", args.match), ("--weights", args.weights)) if v]
    if args.imputed_by:
        others += [f for f, v in (("--by", args.by), ("--landmark", args.landmark), ("--rmst", args.rmst),
                                  ("--id", args.id), ("--imputations", args.imputations), ("--seed", args.seed))
                   if v is not None]
    if others:
        return f"{', '.join(others)} cannot be combined with {flag}"
    if args.imputations is not None and args.imputations < 2:
        return f"--imputations must be at least 2 (Rubin's rules pool several data sets), got {args.imputations}"
    return None


def _refused(log, as_json: bool) -> int:
    """Print every problem of ``log`` (text or JSON) for an analysis that cannot be done; exit code 1."""
    problems = sort_problems(log.problems)
    print(problems_to_json(problems) if as_json else problems_to_text(problems))
    return 1


def _add_input_facts(result: dict, table, problems) -> None:
    """The input file, rows read, missing values per column and the warnings, as the JSON output states them."""
    result["input"] = {"file": table.source, "rows_read": len(table.frame), "missing": table.missing,
                       "patient_id_column": table.id_column}
    result["warnings"] = [p.describe() for p in problems]


def _cmd_survival(args: argparse.Namespace) -> int:
    from .io.analysis_table import read_analysis_table
    from .stats.survival_summary import AnalysisNotPossible, ModelNotEstimable

    if args.competing is not None:
        return _cmd_competing(args)

    covariates = _list(args.covariates)
    others = [c for c in (args.by, args.strata) if c] + covariates
    others += [c for c in (args.iptw, args.weights, args.match, args.imputed_by) if c] + _list(args.confounders)
    try:
        landmark_times = [float(t) for t in _list(args.landmarks)]
    except ValueError:
        print(f"oncocohort survival: --landmarks must be numbers separated by commas, got {args.landmarks!r}",
              file=sys.stderr)
        return 2
    usage = (_survival_usage_problem(args, covariates) or _adjusted_usage_problem(args)
             or _imputation_usage_problem(args, covariates) or _survival_options_problem(args, covariates))
    if usage:
        print(f"oncocohort survival: {usage}", file=sys.stderr)
        return 2
    table, log = read_analysis_table(args.data, args.stop or args.time, args.event,
                                     others + ([args.by_time] if args.by_time else []), args.id, start=args.start)
    if args.by_time:  # a blank time of the group-defining event means "never", not a missing value
        log.problems = [p for p in log.problems if not (p.rule == "rows.missing_values" and p.column == args.by_time)]
    problems = sort_problems(log.problems)
    if table is None:
        print(problems_to_json(problems) if args.json else problems_to_text(problems))
        return 1
    try:
        result, args.by = _survival_analyses(args, table.frame, covariates, landmark_times)
        if args.iptw or args.weights or args.match:
            result["adjusted"] = _adjusted(args, table.frame)
            result["notes"] = result["notes"] + result["adjusted"]["notes"]
    except (AnalysisNotPossible, ModelNotEstimable) as exc:
        analysis = "Cox model" if isinstance(exc, ModelNotEstimable) else "analysis"
        log.error("model.not_estimable", f"the {analysis} cannot be done: {exc}", source=table.source)
        return _refused(log, args.json)
    _add_input_facts(result, table, problems)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    if problems:
        print(problems_to_text(problems))
    print(f"{table.source}: {len(table.frame)} rows read; "
          + ("counting-process rows (start, stop], several per patient allowed" if args.start else
             f"one row per patient checked by column {table.id_column}" if table.id_column else
             "no patient id column (give --id to check one row per patient)"))
    print("Rows used (missing values left out per analysis, as R):")
    labels = {"km": "Kaplan–Meier, all", "groups": f"Kaplan–Meier by {args.by}", "logrank": "log-rank test",
              "cox": "Cox model"}
    if "landmark" in result:
        lm = result["landmark"]
        print(f"Landmark at {_fmt(lm['landmark'])}: {lm['n']} rows still under observation, time counted from the "
              f"landmark; left out: {lm['excluded_event']} with the event and {lm['excluded_censored']} censored "
              "at or before it")
    for key, rows in result["rows"].items():
        _print_rows(labels[key], rows)
    if "km" in result:
        _print_km("All", result["km"])
    for level, km in result.get("groups", {}).items():
        _print_km(f"{args.by} = {level}", km)
    if "logrank" in result:
        lr = result["logrank"]
        print(f"{lr['method']}: chi-square = {_fmt(lr['chisq'], 4)}, df = {lr['df']}, p = {_fmt(lr['p'], 4)}")
    if "cox" in result:
        cox = result["cox"]
        print(f"{cox['method']} (n = {cox['n']}, events = {cox['events']})")
        for t in cox["terms"]:
            wald = " [Wald CI]" if t.get("ci_method", "profile").startswith("Wald") else ""
            print(f"    {t['name']}: HR = {_fmt(t['hr'])} (95% CI {_fmt(t['lower'])}–{_fmt(t['upper'])}{wald}), "
                  f"p = {_fmt(t['p'])}")
        print(f"    likelihood-ratio test = {_fmt(cox['lr_test'], 4)}, p = {_fmt(cox['lr_p'], 4)}"
              + (f"; concordance = {_fmt(cox['concordance'])}" if "concordance" in cox else ""))
        for name in cox.get("monotone_likelihood", []):
            print(f"    WARNING: monotone likelihood for {name} (its coefficient runs to infinity); use --firth")
    if "cox_mice" in result:
        _print_pooled_cox(result["cox_mice"])
    if "adjusted" in result:
        _print_adjusted(result["adjusted"])
    if "rmst" in result:
        _print_rmst(result["rmst"])
    for note in result["notes"]:
        print(f"Note: {note}")
    return 0


def _competing_codes(text: str) -> list[int] | str:
    """--competing 2,3 → [2, 3]; a usage problem in words otherwise."""
    try:
        codes = [int(c) for c in _list(text)]
    except ValueError:
        return f"--competing must be whole numbers separated by commas, got {text!r}"
    if not codes or any(c in (0, 1) for c in codes) or len(set(codes)) < len(codes):
        return (f"--competing names the codes of competing events (not 0 = censored or 1 = the event, each once), "
                f"got {text!r}")
    return codes


def _cmd_competing(args: argparse.Namespace) -> int:
    """`survival --competing`: cumulative incidence, Gray's test, Fine–Gray and cause-specific Cox."""
    from numpy.linalg import LinAlgError

    from .io.analysis_table import read_analysis_table
    from .stats.competing_summary import default_times, summarise_competing_risks
    from .stats.cox import ModelNotEstimable
    from .stats.survival_summary import AnalysisNotPossible

    codes = _competing_codes(args.competing)
    covariates = _list(args.covariates)
    usage = codes if isinstance(codes, str) else _survival_usage_problem(args, covariates)
    if usage is None and args.firth:
        usage = "--firth is not available with --competing (the Fine–Gray model is not penalised)"
    try:
        times = [float(t) for t in _list(args.landmarks)]
    except ValueError:
        usage = usage or f"--landmarks must be numbers separated by commas, got {args.landmarks!r}"
    if usage:
        print(f"oncocohort survival: {usage}", file=sys.stderr)
        return 2
    others = [c for c in (args.by, args.strata) if c] + covariates
    table, log = read_analysis_table(args.data, args.time, args.event, others, args.id, competing_codes=codes)
    problems = sort_problems(log.problems)
    if table is None:
        print(problems_to_json(problems) if args.json else problems_to_text(problems))
        return 1
    times = times or default_times(table.frame[args.time].dropna())
    try:
        result = summarise_competing_risks(table.frame, args.time, args.event, args.by, args.strata, covariates,
                                           _list(args.categorical), args.ties, times)
    except (AnalysisNotPossible, ModelNotEstimable, LinAlgError) as exc:
        log.error("model.not_estimable", f"the competing-risks analysis cannot be done: {exc}", source=table.source)
        return _refused(log, args.json)
    _add_input_facts(result, table, problems)
    if args.json:
        print(json.dumps({"competing_risks": result}, indent=2, sort_keys=True))
        return 0
    if problems:
        print(problems_to_text(problems))
    counts = result["counts"]
    print(f"{table.source}: {len(table.frame)} rows read; {args.event}: "
          + ", ".join(f"{code} = {'censored' if code == '0' else 'event' if code == '1' else 'competing'} "
                      f"({n})" for code, n in counts.items()))
    labels = {"cuminc": "cumulative incidence, all", "groups": f"by {args.by} and Gray's test",
              "regression": "Fine–Gray and cause-specific Cox"}
    print("Rows used (missing values left out per analysis, as R):")
    for key, rows in result["rows"].items():
        _print_rows(labels[key], rows)
    print(f"Cumulative incidence ({result['method']}):")
    for curve in result["cuminc"] + result.get("groups", []):
        where = "all" if curve["group"] == "all" else f"{args.by} = {curve['group']}"
        values = "; ".join(f"F({_fmt(a['time'])}) = {_fmt(a['estimate'])} (95% CI {_fmt(a['lower'])}–"
                           f"{_fmt(a['upper'])})" for a in curve["at"])
        print(f"    cause {curve['cause']}, {where}: n = {curve['n']}, events = {curve['events']}: {values}")
    for test in result.get("gray", []):
        print(f"{test['method']}, cause {test['cause']}: chi-square = {_fmt(test['chisq'], 4)}, df = {test['df']}, "
              f"p = {_fmt(test['p'], 4)}")
    models = ([("Fine–Gray, cause 1", result["fine_gray"])] if "fine_gray" in result else []) + [
        (f"cause-specific Cox, cause {m['cause']}", m) for m in result.get("cause_specific_cox", [])]
    for label, model in models:
        print(f"{label}: {model['method']} (n = {model['n']}, events = {model['events']})")
        for t in model["terms"]:
            print(f"    {t['name']}: HR = {_fmt(t['hr'])} (95% CI {_fmt(t['lower'])}–{_fmt(t['upper'])}), "
                  f"p = {_fmt(t['p'])}")
    for note in result["notes"]:
        print(f"Note: {note}")
    return 0


def _adjusted_usage_problem(args: argparse.Namespace) -> str | None:
    """Flags of the adjusted comparison (--iptw / --weights / --match) that do not fit together, in words."""
    chosen = [flag for flag, value in (("--iptw", args.iptw), ("--weights", args.weights), ("--match", args.match))
              if value]
    if len(chosen) > 1:
        return f"{' and '.join(chosen)} are alternative adjustments (weighting or matching): use one of them"
    if (args.iptw or args.match) and not _list(args.confounders):
        return f"{chosen[0]} needs --confounders (the columns of the propensity-score model)"
    if not args.match and (args.caliper is not None or args.ratio is not None or args.caliper_scale):
        return "--caliper, --caliper-scale and --ratio belong to --match"
    if args.match:
        if args.estimand == "ate" or args.stabilized or args.trim or args.truncate:
            return ("--match estimates the ATT (each treated patient with its matched controls); --estimand ate, "
                    "--stabilized, --trim and --truncate belong to --iptw")
        if args.caliper is not None and not args.caliper > 0:
            return f"--caliper must be a positive number, got {args.caliper:g}"
        if args.ratio is not None and args.ratio < 1:
            return f"--ratio must be a whole number >= 1 (controls per treated patient), got {args.ratio}"
        if args.caliper_scale and args.caliper is None:
            return "--caliper-scale needs --caliper"
        return None
    if args.weights and not args.by:
        return "--weights needs --by (the column with the two groups to compare)"
    if args.stabilized and args.estimand == "att":
        return "--stabilized weights are defined for the ATE only (ATT weights keep the treated at weight 1)"
    if not args.iptw and (args.confounders or args.stabilized or args.trim or args.truncate):
        return "--confounders belongs to --iptw or --match; --stabilized, --trim and --truncate belong to --iptw"
    for flag, text, top in (("--trim", args.trim, 1.0), ("--truncate", args.truncate, 100.0)):
        if text:
            try:
                low, high = (float(v) for v in _list(text))
            except ValueError:
                return f"{flag} must be two numbers separated by a comma (LOW,HIGH), got {text!r}"
            if not 0 <= low < high <= top:
                return f"{flag} needs 0 <= LOW < HIGH <= {top:g}, got {text!r}"
    return None


def _adjusted(args: argparse.Namespace, frame) -> dict:
    from .stats.adjusted_survival import adjusted_comparison

    bounds = {flag: tuple(float(v) for v in _list(text)) if text else None
              for flag, text in (("trim", args.trim), ("truncate", args.truncate))}
    treatment = args.match or args.iptw or args.by
    return adjusted_comparison(frame, args.time, args.event, treatment, _list(args.confounders),
                               _list(args.categorical), args.estimand or "ate", args.stabilized, args.weights,
                               trim=bounds["trim"], truncate=bounds["truncate"], ties=args.ties,
                               method="matching" if args.match else "iptw", caliper=args.caliper,
                               std_caliper=args.caliper_scale != "score", ratio=args.ratio or 1)


def _print_adjusted(adjusted: dict) -> None:
    from .io.analysis_table import row_list

    print(f"Adjusted comparison of {adjusted['treatment']} = {adjusted['treated']} vs {adjusted['control']} "
          f"(n = {adjusted['n']}; {adjusted['weights']['method']})")
    _print_rows("rows used", adjusted["rows"])
    if "matching" in adjusted:
        m = adjusted["matching"]
        print(f"    {m['method']}: {m['n_treated_matched']} of {m['n_treated']} treated matched to "
              f"{m['n_control_matched']} of {m['n_control']} controls"
              + (f"; treated left without a control within the caliper: {row_list(m['unmatched_treated_rows'])}"
                 if m["unmatched_treated_rows"] else ""))
    for row in adjusted.get("balance", {}).get("rows", []):
        name = row["variable"] + (f" = {row['level']}" if row["level"] is not None else "")
        print(f"    SMD {name}: {_fmt(row['smd_unweighted'], 3)} before, {_fmt(row['smd_weighted'], 3)} "
              f"after {'matching' if 'matching' in adjusted else 'weighting'}")
    for level, km in adjusted["km"].items():
        print(f"    weighted KM {level}: n = {km['n']}, events = {km['events']}, median = {_fmt(km['median'], 4)} "
              f"(95% CI {_fmt(km['lower'], 4)}–{_fmt(km['upper'], 4)})")
    lr, cox, ev = adjusted["logrank"], adjusted["cox"], adjusted["e_value"]
    print(f"    {lr['method']}: chi-square = {_fmt(lr['chisq'], 4)}, p = {_fmt(lr['p'], 4)}")
    print(f"    {cox['method']}: HR = {_fmt(cox['hr'])} (95% CI {_fmt(cox['lower'])}–{_fmt(cox['upper'])}), "
          f"p = {_fmt(cox['p'])}")
    print(f"    {ev['method']}: {_fmt(ev['e_value'])} (CI limit: {_fmt(ev['e_value_ci'])})")


def _print_pooled_cox(pooled: dict) -> None:
    imputed = ", ".join(f"{c} {n}" for c, n in pooled["imputed_missing"].items())
    print(f"Cox model by multiple imputation: {pooled['method']}"
          + (f" (missing values imputed: {imputed})" if imputed else ""))
    for t in pooled["terms"]:
        print(f"    {t['name']}: HR = {_fmt(t['hr'])} (95% CI {_fmt(t['lower'])}–{_fmt(t['upper'])}), "
              f"p = {_fmt(t['p'])}, df = {_fmt(t['df'], 4)}, fraction of missing information = {_fmt(t['fmi'], 3)}")


def _print_rmst(rmst: dict) -> None:
    print(f"{rmst['method']}, τ = {_fmt(rmst['tau'])}:")
    for g in rmst["groups"]:
        print(f"    {g['group']}: RMST = {_fmt(g['rmst'])} (95% CI {_fmt(g['lower'])}–{_fmt(g['upper'])})")
    for c in rmst["contrasts"]:
        print(f"    {c['measure']} ({rmst['comparison']} vs {rmst['reference']}) = {_fmt(c['estimate'])} "
              f"(95% CI {_fmt(c['lower'])}–{_fmt(c['upper'])}), p = {_fmt(c['p'], 4)}")
    for m in rmst["milestones"]:
        print(f"    survival difference at {_fmt(m['time'])} = {_fmt(m['difference'])} (95% CI {_fmt(m['lower'])}–"
              f"{_fmt(m['upper'])}), p = {_fmt(m['p'], 4)} ({m['method']})")


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
    from .io.study import validate_study

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
    for warning in data.warnings:
        print(f"warning: {warning}")
    steps = data.attrition
    print(f"eligibility: {len(data.eligibility.screened)} screened, {len(data.eligibility.included)} included, "
          f"{int(steps['n_excluded'].sum())} excluded in {len(steps)} steps")
    for path in write_datasets(data, args.out):
        print(f"wrote {path}")
    return 0


def _figure_processes(document: dict | None = None):
    """The report's figure processes, forked now — before this process imports pandas, scipy and the statistics —
    so that they load matplotlib and warm up on another CPU meanwhile (report/figure_files.py); None when figures
    are drawn serially in this process."""
    from .present.figure_formats import DEFAULT_FIGURE_FORMATS
    from .report.figure_files import start_figure_processes

    formats = (document or {}).get("figure_formats", DEFAULT_FIGURE_FORMATS)
    return start_figure_processes(formats=formats)


def _run_report(study_dir, out, formats, adam: dict | None = None, document: dict | None = None,
                figure_processes=None) -> int:
    """Build the report (report/build.py) and print its progress; 1 with the reason when it cannot be built.
    ``figure_processes``: forked earlier by the command (:func:`_figure_processes`), else forked by the report."""
    from .report.build import Progress, ReportError, build_report
    from .report.reconcile import ReconciliationError

    try:
        build_report(study_dir, out, formats, Progress(print), adam=adam, figure_processes=figure_processes,
                     **(document or {}))
    except ReconciliationError as error:
        print("the report's numbers do not add up — nothing written:")
        for problem in error.problems:
            print(f"  - {problem}")
        return 1
    except ReportError as error:  # may quote the data: control characters escaped line by line
        print("\n".join(escape_control(line) for line in str(error).splitlines()))
        return 1
    return 0


def _formats(text: str) -> list[str]:
    return [f.strip().lower() for f in text.split(",") if f.strip()]


def _document(args: argparse.Namespace) -> dict:
    """--style, --paper, --pdf-engine, --figure-formats as build_report keywords."""
    return {"style": args.style, "paper": args.paper, "pdf_engine": args.pdf_engine,
            "figure_formats": args.figure_formats}


def _figure_formats(text: str) -> tuple[str, ...]:
    from .present.figure_formats import figure_formats

    try:
        return figure_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _document_arguments(parser: argparse.ArgumentParser) -> None:
    from .present.figure_formats import DEFAULT_FIGURE_FORMATS
    from .present.journal_style import STYLES
    from .report.pdf import ENGINES

    parser.add_argument("--style", choices=tuple(STYLES), default="default", help="journal conventions for numbers "
                        "(decimal mark, CI separator, percent spacing, p-values; docs/cli.md)")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="page size of report.docx/.pdf "
                        "(default a4)")
    parser.add_argument("--pdf-engine", choices=ENGINES, default="auto", help="with pdf in --format: weasyprint, "
                        "chromium (HTML → PDF) or libreoffice (DOCX → PDF); auto takes the first installed")
    parser.add_argument("--figure-formats", type=_figure_formats, default=DEFAULT_FIGURE_FORMATS, metavar="LIST",
                        help="files of each figure: png (always; the documents show it) and any of svg, pdf "
                        f"(default {','.join(DEFAULT_FIGURE_FORMATS)})")


def _min_cell(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative (0 or 1 turns suppression off)")
    return value


def min_cell_argument(parser: argparse.ArgumentParser, default: int) -> None:
    """``--min-cell N``: counts from 1 to N − 1 not published (report/disclosure.py)."""
    parser.add_argument("--min-cell", type=_min_cell, default=default, metavar="N",
                        help=f"small-cell suppression: counts from 1 to N−1 shown as <N, with the counts that would "
                        f"give them back (*), in every table, figure, text and results.json; 0 or 1: off "
                        f"(default {default}{': off' if default <= 1 else ''})")


def _cmd_report(args: argparse.Namespace) -> int:
    adam = None
    if args.adam:
        adam = {"config_file": args.config, "population": args.population, "confirmed": args.confirmed}
    elif args.config or args.confirmed or args.population != "SAFFL":
        print("oncocohort report: --config, --population and --confirmed go with --adam", file=sys.stderr)
        return 2
    document = {**_document(args), "min_cell": args.min_cell}
    processes = _figure_processes(document)
    with processes or contextlib.nullcontext():  # ended on any way out
        return _run_report(args.dir, args.out, _formats(args.format), adam, document, processes)


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.export_study:
        from .demo.cohort import SYNTHETIC_LABEL, write_demo_study

        folder = write_demo_study(args.export_study)
        print(f"{SYNTHETIC_LABEL}.\nwrote the demo study folder {folder} (run: oncocohort report {folder} --out DIR)")
        return 0
    out = Path(args.out)
    document = _document(args)
    # the report replaces --out whole, so the study is analysed from a temporary copy and written into the new
    # report folder afterwards (the demo study is the same every time)
    processes = _figure_processes(document)
    with processes or contextlib.nullcontext(), tempfile.TemporaryDirectory(prefix="oncocohort-demo-") as temporary:
        from .demo.cohort import SYNTHETIC_LABEL, write_demo_study

        print(f"{SYNTHETIC_LABEL}.")
        code = _run_report(write_demo_study(Path(temporary) / "study"), out, _formats(args.format),
                           document=document, figure_processes=processes)
    if code == 0:
        print(f"demo study written to {write_demo_study(out / 'study')}")
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
    survival.add_argument("data", help="CSV file, one row per patient (NA, N/A, NaN, . or blank = missing)")
    survival.add_argument("--time", help="column with the time to event or censoring (>= 0); required unless "
                          "--start and --stop are given")
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
    survival.add_argument("--id", help="column identifying the patient: a patient on several rows is an error "
                          "(default: a column named patient_id, usubjid, subjid, id, ... if there is one)")
    survival.add_argument("--competing", metavar="CODE[,CODE]",
                          help="competing-risks analysis: --event holds 0 censored, 1 the event, these codes "
                               "competing events (cumulative incidence, Gray's test, Fine–Gray, cause-specific Cox)")
    survival.add_argument("--iptw", metavar="TREATMENT", help="two-level treatment column: IPTW-adjusted comparison "
                          "(propensity score from --confounders)")
    survival.add_argument("--confounders", help="comma-separated columns of the propensity-score model (with --iptw)")
    survival.add_argument("--estimand", choices=("ate", "att"), help="IPTW target population (default ate)")
    survival.add_argument("--stabilized", action="store_true", help="stabilised IPTW (ATE only)")
    survival.add_argument("--trim", metavar="LOW,HIGH", help="leave out patients whose propensity score is outside "
                          "[LOW, HIGH], e.g. 0.05,0.95")
    survival.add_argument("--truncate", metavar="LOW,HIGH", help="cap the weights at these percentiles, e.g. 1,99")
    survival.add_argument("--match", metavar="TREATMENT", help="two-level treatment column: comparison after "
                          "nearest-neighbour propensity-score matching on --confounders (ATT)")
    survival.add_argument("--caliper", type=float, help="with --match: largest allowed propensity-score difference, "
                          "in SDs of the score (e.g. 0.2; default no caliper, as MatchIt)")
    survival.add_argument("--caliper-scale", choices=("sd", "score"), help="with --caliper: sd (default, MatchIt's "
                          "std.caliper = TRUE) or score (the caliper on the propensity-score scale)")
    survival.add_argument("--ratio", type=int, help="with --match: controls per treated patient (default 1)")
    survival.add_argument("--impute", choices=("mice",), help="Cox model with missing covariate values imputed by "
                          "chained equations and pooled by Rubin's rules (default: complete cases)")
    survival.add_argument("--imputations", type=int, metavar="M", help="with --impute mice: data sets (default 20)")
    survival.add_argument("--seed", type=int, help="with --impute mice: random seed (default 20240517)")
    survival.add_argument("--imputed-by", metavar="COL", help="the file holds completed data sets stacked, COL "
                          "numbering them (R mice::complete(imp, 'long')): Cox on each, pooled by Rubin's rules")
    survival.add_argument("--weights", metavar="COL", help="column of case weights: weighted comparison of the two "
                          "--by groups (weighted KM, log-rank, Cox with robust SE)")
    survival.add_argument("--json", action="store_true", help="print the results as JSON (docs/cli.md)")
    survival.add_argument("--landmark", type=float, metavar="T",
                          help="landmark analysis: rows with time > T only, time counted from T, groups fixed at T")
    survival.add_argument("--by-time", metavar="COL", help="with --landmark: time of the group-defining event "
                          "(e.g. first response; blank = never); groups = event by T or not")
    survival.add_argument("--rmst", type=float, metavar="TAU", help="restricted mean survival time per group at "
                          "TAU, difference and ratio (R survRM2); milestone differences at --landmarks")
    survival.add_argument("--start", metavar="COL", help="counting-process rows (start, stop]: Cox model with "
                          "time-varying covariates / left truncation (several rows per patient allowed)")
    survival.add_argument("--stop", metavar="COL", help="with --start: the column with each row's end time")
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
                        "WeasyPrint, Chromium or LibreOffice)")
    _document_arguments(report)
    min_cell_argument(report, 0)
    report.set_defaults(run=_cmd_report)

    demo = commands.add_parser("demo", help="the whole report on the bundled synthetic study (seed paper)")
    demo.add_argument("--out", default="oncocohort-demo", help="output folder (default ./oncocohort-demo)")
    demo.add_argument("--format", default="html,docx", help="any of html,docx,pdf (default html,docx)")
    demo.add_argument("--export-study", metavar="DIR", help="only write the demo study folder to DIR")
    _document_arguments(demo)
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
    add_design_parser(commands)
    add_omop_parser(commands)  # oncocohort omop synth|report (cli_omop.py)
    return parser


DEVELOPER_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
SIGPIPE_EXIT = 141  # 128 + SIGPIPE, what the shell shows for a process ended by a closed pipe


def warnings_sentence(caught: list[warnings.WarningMessage]) -> str | None:
    """The warnings a command raised, in one plain sentence (no file names, no source lines); None when there are
    none worth saying (deprecation notices are for developers)."""
    shown = [w for w in caught if not issubclass(w.category, DEVELOPER_WARNINGS)]
    if not shown:
        return None
    counts: dict[str, int] = {}
    for w in shown:
        text = " ".join(str(w.message).split())
        counts[text] = counts.get(text, 0) + 1
    listed = "; ".join(text + (f" ({n} times)" if n > 1 else "") for text, n in sorted(counts.items())[:5])
    more = f"; and {len(counts) - 5} other kind(s)" if len(counts) > 5 else ""
    numerical = all(issubclass(w.category, RuntimeWarning) for w in shown)
    return ((f"note: the computation met {len(shown)} numerical warning(s) from numpy/pandas" if numerical else
             f"note: {len(shown)} warning(s) from the libraries used") + f" ({listed}{more}). They did not stop the "
            "command; every result above is as computed (values that could not be estimated are shown as NE or "
            "NR). Rerun with --debug to see where they arose.")


def _quiet_stdout() -> None:
    """After the reader of stdout went away: point stdout at /dev/null, so that Python's final flush does not
    print a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (e.g. captured in tests)
        pass


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``oncocohort`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.debug:
            return args.run(args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = args.run(args)
        sentence = warnings_sentence(caught)
        if sentence:
            print(f"oncocohort {args.command}: {sentence}", file=sys.stderr)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's shutdown
        return code
    except BrokenPipeError as exc:
        if not _stdout_reader_gone():  # a pipe of oncocohort's own broke (e.g. to a figure process): a bug
            return _internal_error(args, exc)
        _quiet_stdout()  # `oncocohort validate X | head -1`: the reader has all it wanted
        return SIGPIPE_EXIT
    except KeyboardInterrupt:
        print("oncocohort: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one readable line, never a raw traceback
        if args.debug:
            raise
        return _internal_error(args, exc)


def _stdout_reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it (poll reports an error on its write end); True when
    stdout has no descriptor to ask (captured), as a closed stdout is then the likelier cause."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return True


def _internal_error(args, exc: BaseException) -> int:
    print(f"oncocohort {args.command}: internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in oncocohort, not in your data; please report it (rerun with --debug for details).",
          file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
