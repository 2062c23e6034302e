"""``oncocohort design``: single-arm trial designs (docs/design.md) — Simon two-stage, exact single-stage,
inference after a two-stage trial, and the size of a single-arm time-to-event trial.

Exit codes as the rest of the CLI: 0 a design (or inference) was printed, 1 an input the methods cannot take
(p1 ≤ p0, α outside (0, 1), no design within --nmax …) said in one line, 2 a usage error (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys


def _fail(command: str, exc: ValueError) -> int:
    print(f"oncocohort design {command}: {exc}", file=sys.stderr)
    return 1


def _print_json(result) -> None:
    from .stats.json_values import json_ready

    print(json.dumps(json_ready(result.to_dict()), indent=2, sort_keys=True))


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _cmd_simon(args: argparse.Namespace) -> int:
    from .design.simon import simon

    try:
        result = simon(args.p0, args.p1, args.alpha, args.power, nmax=args.nmax)
    except ValueError as exc:
        return _fail("simon", exc)
    if args.json:
        _print_json(result)
        return 0
    print(f"Simon two-stage designs for H0: response rate <= {args.p0:g} against {args.p1:g} "
          f"(one-sided alpha < {args.alpha:g}, power > {args.power:g}; sizes up to {args.nmax} searched)")
    header = ("design", "stage 1: stop if responses <=", "total: promising if responses >", "EN(p0)", "PET(p0)",
              "alpha", "power", "best for q in")
    rows = [(d.kind, f"{d.r1} of {d.n1}", f"{d.r} of {d.n}", f"{d.expected_size_p0:.1f}",
             f"{d.early_termination_p0:.2f}", f"{d.alpha:.4f}", f"{d.power:.4f}", f"[{d.q_low:.3f}, {d.q_high:.3f}]")
            for d in result.designs]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print("EN(p0): expected number of patients and PET(p0): probability of stopping after stage 1, if the true rate "
          "is p0; alpha and power are the exact attained values; q weighs the maximum size against EN(p0) "
          "(Jung et al. 2004).")
    for note in result.notes:
        print(f"note: {note}")
    print(f"Method: {result.method}.")
    return 0


def _cmd_single_stage(args: argparse.Namespace) -> int:
    from .design.single_stage import single_stage

    try:
        result = single_stage(args.p0, args.p1, args.alpha, args.power)
    except ValueError as exc:
        return _fail("single-stage", exc)
    if args.json:
        _print_json(result)
        return 0
    print(f"Treat {result.n} patients; the treatment is promising with at least {result.r} responses "
          f"(exact alpha {result.alpha:.4f}, power {result.power:.4f} at {result.p1:g}).")
    print(f"Fleming's normal approximation would give {result.n_normal_approximation} patients.")
    print(f"Method: {result.method}.")
    return 0


def _cmd_inference(args: argparse.Namespace) -> int:
    from .design.inference import two_stage_inference

    try:
        result = two_stage_inference(args.x, args.r1, args.n1, args.n, args.p0, args.alpha)
    except ValueError as exc:
        return _fail("inference", exc)
    if args.json:
        _print_json(result)
        return 0
    where = (f"stopped after stage 1 ({result.x} of {result.n1} responded)" if result.stopped_at_stage_1
             else f"completed ({result.x} of {result.n} responded)")
    print(f"Two-stage trial {where}, tested against p0 = {result.p0:g}:")
    print(f"  p-value (stage-wise ordering): {result.p_value:.4g}")
    print(f"  median-unbiased estimate: {_percent(result.median_unbiased)}; UMVUE: {_percent(result.umvue)} "
          f"(naive {_percent(result.naive_estimate)})")
    print(f"  exact {result.conf_level:.0%} CI: {_percent(result.lower)}–{_percent(result.upper)} "
          f"(one-sided {1 - result.alpha:.0%} lower limit {_percent(result.lower)})")
    print(f"Method: {result.method}.")
    return 0


def _cmd_survival(args: argparse.Namespace) -> int:
    from .design.survival import one_sample_logrank_size

    try:
        result = one_sample_logrank_size(args.median0, args.accrual, args.followup, median1=args.median1,
                                         hazard_ratio=args.hazard_ratio, alpha=args.alpha, power=args.power,
                                         shape=args.shape)
    except ValueError as exc:
        return _fail("survival", exc)
    if args.json:
        _print_json(result)
        return 0
    print(f"{result.n} patients (about {result.expected_events:.0f} events expected) to show a median of "
          f"{result.median1:g} against the historical {result.median0:g} (hazard ratio {result.hazard_ratio:.3f}), "
          f"accrual {result.accrual:g} and follow-up {result.followup:g}, one-sided alpha {result.alpha:g}, "
          f"power {result.power:g}.")
    print(f"Method: {result.method}.")
    return 0


def add_design_parser(commands) -> None:
    """The ``design`` command and its kinds."""
    parser = commands.add_parser("design", help="single-arm trial designs: Simon two-stage, single-stage, "
                                 "inference after a two-stage trial, time-to-event size (docs/design.md)")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")

    def rates(sub, power=True):
        sub.add_argument("--p0", type=float, required=True, help="uninteresting response rate (0-1), e.g. 0.05")
        sub.add_argument("--p1", type=float, required=True, help="response rate worth pursuing (0-1), e.g. 0.25")
        sub.add_argument("--alpha", type=float, default=0.05, help="one-sided type I error (default 0.05)")
        sub.add_argument("--power", type=float, default=0.8, help="power at p1 (default 0.8)")
        sub.add_argument("--json", action="store_true", help="print the result as JSON")

    simon = kinds.add_parser("simon", help="Simon two-stage minimax, admissible and optimal designs")
    rates(simon)
    simon.add_argument("--nmax", type=int, default=100, help="largest total size searched (default 100, at most 200)")
    simon.set_defaults(run=_cmd_simon)

    single = kinds.add_parser("single-stage", help="exact single-stage design (A'Hern 2001)")
    rates(single)
    single.set_defaults(run=_cmd_single_stage)

    inference = kinds.add_parser("inference", help="p-value, estimates and CI after a two-stage trial")
    inference.add_argument("--x", type=int, required=True, help="responses: in stage 1 if the trial stopped there, "
                           "else in all patients")
    inference.add_argument("--r1", type=int, required=True, help="stage 1 stops with at most r1 responses")
    inference.add_argument("--n1", type=int, required=True, help="stage 1 size")
    inference.add_argument("--n", type=int, required=True, help="total planned size")
    inference.add_argument("--p0", type=float, required=True, help="null response rate")
    inference.add_argument("--alpha", type=float, default=0.05, help="one-sided level; CI 1 - 2 alpha (default 0.05)")
    inference.add_argument("--json", action="store_true", help="print the result as JSON")
    inference.set_defaults(run=_cmd_inference)

    survival = kinds.add_parser("survival", help="single-arm time-to-event size against a historical median "
                                "(one-sample log-rank, Wu 2015)")
    survival.add_argument("--median0", type=float, required=True, help="historical median (any time unit)")
    target = survival.add_mutually_exclusive_group(required=True)
    target.add_argument("--median1", type=float, help="median hoped for (same unit)")
    target.add_argument("--hazard-ratio", type=float, help="hazard ratio hoped for (< 1)")
    survival.add_argument("--accrual", type=float, required=True, help="accrual period (same unit)")
    survival.add_argument("--followup", type=float, required=True, help="follow-up after the last patient enters")
    survival.add_argument("--alpha", type=float, default=0.05, help="one-sided type I error (default 0.05)")
    survival.add_argument("--power", type=float, default=0.8, help="power (default 0.8)")
    survival.add_argument("--shape", type=float, default=1.0, help="Weibull shape of the historical curve (default "
                          "1: exponential)")
    survival.add_argument("--json", action="store_true", help="print the result as JSON")
    survival.set_defaults(run=_cmd_survival)
